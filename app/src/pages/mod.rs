pub mod auth;
pub mod campaign;
pub mod campaigns;
pub mod not_found;

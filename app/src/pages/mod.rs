pub mod auth;
pub mod campaign;
pub mod campaigns;
pub mod map;
pub mod not_found;

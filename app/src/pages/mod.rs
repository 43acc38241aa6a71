pub mod campaigns;
pub mod not_found;

pub mod auth;
pub mod campaign;
pub mod campaigns;
pub mod chart;
pub mod coworker;
pub mod map;
pub mod not_found;
pub mod roster;

//! Server functions: authenticate → authorize → validate → call the store → map errors.

pub mod campaigns;

//! The integration stories, one module per part of the app, linked into one test binary
//! (as zero-to-production's `tests/api/main.rs`): one link instead of one per file.
//! Each story runs once on SQLite and once on PostgreSQL (see `rankfile_tests::stories!`).

mod auth;
mod authorization_matrix;
mod campaigns;
mod coworkers;
mod cross_campaign;
mod dashboard;
mod demo;
mod disclosure;
mod durability;
mod forms;
mod hardening;
mod heat;
mod organizing;
mod promises;
mod resilience;
mod roster;
mod second_factor;
mod sign_in;
mod structure;
mod votes;
mod workplace_map;

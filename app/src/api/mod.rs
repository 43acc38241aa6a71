//! Server functions: authenticate → authorize → validate → call the store → audit.
//! Every one starts with `require_user()` or `require_member(campaign, role)`,
//! except signing in and accepting an invite.
//!
//! A page asks once: its one load function (`pages/<page>`, e.g.
//! [`coworkers::coworker_page`]) sits at the end of its concern's file, checks the
//! caller once, runs the page's reads together and writes one audit row for the visit.
//! The single-purpose functions beside them serve other clients and the stories.

pub mod auth;
pub mod campaigns;
pub mod coworkers;
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod export;
pub mod heat;
#[cfg(feature = "ssr")]
pub mod heavy;
pub mod map;
pub mod members;
pub mod organizing;
pub mod roster;
pub mod security;
pub mod structure;
pub mod votes;

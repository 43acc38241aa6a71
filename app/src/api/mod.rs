//! Server functions: authenticate → authorize → validate → call the store → audit.
//! Every one starts with `require_user()` or `require_member(campaign, role)`,
//! except signing in and accepting an invite.

pub mod auth;
pub mod campaigns;
pub mod coworkers;
#[cfg(feature = "ssr")]
pub mod export;
pub mod heat;
pub mod map;
pub mod members;
pub mod organizing;
pub mod roster;

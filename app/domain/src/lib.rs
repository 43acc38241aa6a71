//! rankfile's domain: plain types and pure logic, with no I/O, transport or screen.
//!
//! A crate of its own so the compiler keeps that rule: its dependencies are serde, chrono,
//! thiserror and libm (and `csv` behind the `files` feature, for reading an uploaded
//! roster). It is compiled for the server and the browser; `app` re-exports it as
//! `app::domain`.

mod invalid;

pub mod access;
pub mod calendar;
pub mod campaign;
pub mod choice;
pub mod dashboard;
pub mod disclosure;
pub mod fields;
pub mod forecast;
pub mod heat;
pub mod organizing;
pub mod rating;
pub mod roster;
pub mod rule;
pub mod scope;
pub mod structure;
pub mod text;
pub mod workplace;

pub use access::{AuditEntry, CurrentUser, Email, Member, MemberSummary, MyCampaign, Role};
pub use campaign::{Campaign, CampaignName};
pub use choice::Choice;
pub use invalid::{AllOk, Invalid};
pub use workplace::{
    Area, AreaStats, ChartFilter, Coworker, CoworkerFields, CoworkerScope, CoworkerSummary,
    EmploymentStatus, GridBox, LeaderReach, Shift, Tie, TieKind,
};

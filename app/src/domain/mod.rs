//! Plain types and pure logic, with no I/O: compiled for the server and the browser.

pub mod access;
pub mod campaign;
pub mod choice;
pub mod dashboard;
pub mod disclosure;
pub mod forecast;
pub mod heat;
pub mod organizing;
pub mod roster;
pub mod structure;
pub mod text;
pub mod workplace;

pub use access::{AuditEntry, CurrentUser, Email, Member, MemberSummary, MyCampaign, Role};
pub use campaign::{Campaign, CampaignName};
pub use choice::Choice;
pub use workplace::{
    Area, AreaStats, ChartFilter, Coworker, CoworkerFields, CoworkerScope, CoworkerSummary,
    EmploymentStatus, GridBox, LeaderReach, Shift, Tie, TieKind,
};

//! The storage port. `server` implements it for SQLite and PostgreSQL; server
//! functions reach it through `crate::state::AppState` in the Leptos context. It
//! depends on `domain` and `error` only.

pub use crate::domain::workplace::RosterOutcome;
use crate::error::AppError;

mod accounts;
mod audit;
mod campaigns;
mod dashboard;
mod heat;
mod maintenance;
mod members;
mod organizing;
mod roster;
mod structure;
mod throttle;
mod ties;
mod votes;
mod workplace;

pub use accounts::*;
pub use audit::*;
pub use campaigns::*;
pub use dashboard::*;
pub use heat::{HeatMaps, HeatQuery, PastActivity, PastMove, PastTalk};
pub use maintenance::Maintenance;
pub use members::*;
pub use organizing::*;
pub use roster::*;
pub use structure::{NewMarks, StructureTests, TestPeopleFilter};
pub use throttle::*;
pub use ties::*;
pub use votes::VotePlans;
pub use workplace::*;

/// The key to one campaign's data: every store method that reads or writes inside a
/// campaign takes one instead of a bare id. Only two doors make it: the membership
/// check ([`Membership::checked_membership`], which the request guard
/// `auth::require_member` calls) and [`Maintenance::campaign_key`], which the request path
/// cannot see. So a server function cannot reach a campaign it did not check its caller
/// against: the compiler refuses the bare id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CampaignKey(i64);

impl CampaignKey {
    /// The campaign's id (for SQL, audit rows and keys of what is kept).
    pub fn id(self) -> i64 {
        self.0
    }
}

/// A new coworker's disclosure key (`domain::disclosure`): 31 random bits from the
/// operating system's generator, never sent to a browser.
pub fn new_disclosure_key() -> i32 {
    let mut bytes = [0u8; 4];
    rand::fill(&mut bytes);
    (u32::from_le_bytes(bytes) >> 1) as i32
}

/// A storage failure. `Backend` carries the driver's error for the log only.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("storage backend failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(msg) => AppError::Conflict(msg),
            StoreError::Backend(_) => AppError::internal(&err),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The whole port: every concern's trait. Server functions hold an `Arc<dyn Store>`
/// and call any method on it; code holding a concrete adapter brings the traits into
/// scope with `use crate::store::prelude::*`. A new feature adds its own trait in a module
/// of this folder (as `heat` and `structure` do)
/// and its SQL in `server/src/store/sql/`, instead of growing another trait.
pub trait Store:
    Health
    + Campaigns
    + Accounts
    + Sessions
    + SecondFactors
    + Membership
    + Invites
    + Throttle
    + WorkplaceMap
    + SocialMap
    + RosterImports
    + OrganizingLoop
    + Dashboards
    + AuditLog
    + HeatMaps
    + StructureTests
    + VotePlans
    + 'static
{
}

impl<T> Store for T where
    T: Health
        + Campaigns
        + Accounts
        + Sessions
        + SecondFactors
        + Membership
        + Invites
        + Throttle
        + WorkplaceMap
        + SocialMap
        + RosterImports
        + OrganizingLoop
        + Dashboards
        + AuditLog
        + HeatMaps
        + StructureTests
        + VotePlans
        + ?Sized
        + 'static
{
}

/// A whole backend: the port and its [`Maintenance`], for the server's start-up (which
/// hands the request path only the `Store` part) and the tests.
pub trait Storage: Store + Maintenance {}

impl<T: Store + Maintenance + ?Sized> Storage for T {}

/// The storage traits, for code that calls them on a concrete adapter.
pub mod prelude {
    pub use super::{
        Accounts, AuditLog, Campaigns, Dashboards, Health, HeatMaps, Invites, Maintenance,
        Membership, OrganizingLoop, RosterImports, SecondFactors, Sessions, SocialMap, Store,
        StructureTests, Throttle, VotePlans, WorkplaceMap,
    };
}

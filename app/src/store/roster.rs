//! The employer's list: import and reconciliation. (Its SQL: `server/src/store/sql/roster.rs`.)

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::*;
use crate::domain::roster::{Existing, ImportSummary, Moved, RosterRow};

#[async_trait]
pub trait RosterImports: Send + Sync {
    async fn save_roster(&self, upload: &NewRoster, audit: &AuditEvent) -> StoreResult<i64>;
    async fn roster(&self, campaign: CampaignKey, id: i64) -> StoreResult<Option<RosterUpload>>;
    /// Unarchived coworkers with their area and shift names, for the reconciliation.
    async fn roster_existing(&self, campaign: CampaignKey) -> StoreResult<Vec<Existing>>;
    /// What is kept of an import whose file may be gone (see [`ImportSummary`]).
    async fn roster_summary(
        &self,
        campaign: CampaignKey,
        id: i64,
    ) -> StoreResult<Option<ImportSummary>>;
    /// Applies a confirmed import in one transaction; Conflict if it was applied already.
    async fn apply_roster(
        &self,
        campaign: CampaignKey,
        import_id: i64,
        plan: &RosterPlan,
        audit: &AuditEvent,
    ) -> StoreResult<RosterOutcome>;
}

#[derive(Debug, Clone)]
pub struct NewRoster {
    pub campaign: CampaignKey,
    pub created_by: i64,
    pub filename: String,
    pub content: Vec<u8>,
    /// Data rows in the file, kept in the summary after the file is deleted.
    pub rows: usize,
}

#[derive(Debug, Clone)]
pub struct RosterUpload {
    pub id: i64,
    pub filename: String,
    pub content: Vec<u8>,
    /// "pending", "applied" or "discarded".
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// What a lead confirmed from a reconciliation.
#[derive(Debug, Clone, Default)]
pub struct RosterPlan {
    /// Areas and shifts to create (top level), by name.
    pub new_areas: Vec<String>,
    pub new_shifts: Vec<String>,
    pub add: Vec<RosterRow>,
    pub moves: Vec<Moved>,
    /// Coworkers no longer on the list: their status becomes "left".
    pub gone: Vec<i64>,
    /// Employee IDs to record for matched coworkers who had none.
    pub link_refs: Vec<(i64, String)>,
}

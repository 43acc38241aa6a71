//! The workplace map: areas, shifts, coworkers. (Its SQL: `server/src/store/sql/workplace.rs`.)

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::*;
use crate::domain::{
    Area, AreaStats, Coworker, CoworkerFields, CoworkerScope, CoworkerSummary, GridBox, Shift,
};

/// The workplace map: areas, shifts and the coworkers in them.
#[async_trait]
pub trait WorkplaceMap: Send + Sync {
    async fn create_area(
        &self,
        campaign: CampaignKey,
        name: &str,
        parent_id: Option<i64>,
        audit: &AuditEvent,
    ) -> StoreResult<Area>;
    async fn list_areas(&self, campaign: CampaignKey) -> StoreResult<Vec<Area>>;
    async fn create_shift(
        &self,
        campaign: CampaignKey,
        name: &str,
        audit: &AuditEvent,
    ) -> StoreResult<Shift>;
    async fn list_shifts(&self, campaign: CampaignKey) -> StoreResult<Vec<Shift>>;
    /// Renames, moves, retires or places an area. NotFound if the area or the new parent
    /// is not in the campaign; Conflict if the move would put an area inside itself.
    async fn update_area(
        &self,
        campaign: CampaignKey,
        area_id: i64,
        change: &AreaChange,
        audit: &AuditEvent,
    ) -> StoreResult<Area>;
    /// Every area with its head count, 1–2s and unknowns (unarchived, active or on leave).
    /// Each area's own people counted, with the disclosure keys of those outside `inside`
    /// (the reader's own scope, exact for them; None: nobody's) and how many are inside.
    async fn area_stats(
        &self,
        campaign: CampaignKey,
        inside: Option<&CoworkerScope>,
    ) -> StoreResult<Vec<AreaStats>>;
    /// NotFound if the area or shift is not in the campaign.
    async fn create_coworker(
        &self,
        campaign: CampaignKey,
        coworker: &CoworkerFields,
        audit: &AuditEvent,
    ) -> StoreResult<CoworkerSummary>;
    /// Adds many coworkers in one transaction (all or nothing); returns their ids in order.
    async fn create_coworkers(
        &self,
        campaign: CampaignKey,
        coworkers: &[NewCoworker],
    ) -> StoreResult<Vec<i64>>;
    /// Unarchived coworkers within `scope`, by name.
    async fn list_coworkers(
        &self,
        campaign: CampaignKey,
        scope: &CoworkerScope,
    ) -> StoreResult<Vec<CoworkerSummary>>;
    /// The whole record, archived or not.
    async fn coworker_detail(
        &self,
        campaign: CampaignKey,
        id: i64,
    ) -> StoreResult<Option<Coworker>>;
    /// NotFound if the coworker, area or shift is not in the campaign.
    async fn update_coworker(
        &self,
        campaign: CampaignKey,
        id: i64,
        fields: &CoworkerFields,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Archives (hides from the chart, keeps history) or brings back.
    async fn set_archived(
        &self,
        campaign: CampaignKey,
        id: i64,
        archived: bool,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Every unarchived coworker's whole record, for the export.
    async fn export_coworkers(&self, campaign: CampaignKey) -> StoreResult<Vec<Coworker>>;
}

/// A coworker for a bulk insert (the demo, the import).
#[derive(Debug, Clone)]
pub struct NewCoworker {
    pub fields: CoworkerFields,
    /// 1–5, or None for unknown.
    pub rating: Option<i32>,
    /// On the chart since then (None: now); their first placement is dated so too.
    pub since: Option<DateTime<Utc>>,
}

/// A lead's change to an area.
#[derive(Debug, Clone)]
pub struct AreaChange {
    pub name: String,
    pub parent_id: Option<i64>,
    pub retired: bool,
    pub grid: Option<GridBox>,
}

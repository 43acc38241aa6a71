//! The database itself, and the campaigns. (Its SQL: `server/src/store/sql/campaigns.rs`.)

use async_trait::async_trait;

use super::*;
use crate::domain::{Campaign, CampaignName, MyCampaign};

/// The database itself.
#[async_trait]
pub trait Health: Send + Sync {
    /// Which backend this is, for logs and `/healthz`.
    fn backend(&self) -> &'static str;
    /// A cheap round trip to the database.
    async fn ping(&self) -> StoreResult<()>;
}

#[async_trait]
pub trait Campaigns: Send + Sync {
    async fn create_campaign(&self, name: &CampaignName) -> StoreResult<Campaign>;
    async fn list_campaigns(&self) -> StoreResult<Vec<Campaign>>;
    /// Creates a campaign and makes `lead` its lead, in one transaction with `audit`
    /// (whose `{id}` becomes the campaign's id, as does its campaign).
    async fn create_campaign_with_lead(
        &self,
        name: &CampaignName,
        lead: i64,
        audit: &AuditEvent,
    ) -> StoreResult<Campaign>;
    async fn campaign(&self, id: i64) -> StoreResult<Option<Campaign>>;
    async fn campaigns_for_user(&self, user_id: i64) -> StoreResult<Vec<MyCampaign>>;
}

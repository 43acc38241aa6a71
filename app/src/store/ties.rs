//! The social map: who listens to whom. (Its SQL: `server/src/store/sql/ties.rs`.)

use async_trait::async_trait;

use super::*;
use crate::domain::{LeaderReach, Tie, TieKind};

/// The social map: who listens to whom.
#[async_trait]
pub trait SocialMap: Send + Sync {
    /// A coworker's ties, both directions, to unarchived coworkers.
    async fn ties(&self, campaign: CampaignKey, coworker_id: i64) -> StoreResult<Vec<Tie>>;
    /// The two ends of a tie.
    async fn tie_ends(&self, campaign: CampaignKey, tie_id: i64)
        -> StoreResult<Option<(i64, i64)>>;
    /// NotFound if either coworker is not in the campaign; Conflict if it exists already.
    async fn add_tie(
        &self,
        campaign: CampaignKey,
        tie: &NewTie,
        audit: &AuditEvent,
    ) -> StoreResult<i64>;
    async fn create_ties(&self, campaign: CampaignKey, ties: &[NewTie]) -> StoreResult<u64>;
    async fn remove_tie(
        &self,
        campaign: CampaignKey,
        tie_id: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Every unarchived organic leader with how many (unarchived) coworkers listen to them.
    async fn leader_reach(&self, campaign: CampaignKey) -> StoreResult<Vec<LeaderReach>>;
}

#[derive(Debug, Clone)]
pub struct NewTie {
    pub from_id: i64,
    pub to_id: i64,
    pub kind: TieKind,
    pub created_by: Option<i64>,
}

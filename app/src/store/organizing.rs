//! The organizer's loop: one-on-ones, ratings, commitments. (Its SQL: `server/src/store/sql/organizing.rs`.)

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::domain::organizing::{
    Assessment, CampaignSettings, Commitment, CommitmentStatus, Conversation, Coverage, MyList,
    NewConversation, Source,
};
use crate::domain::CoworkerScope;

/// What an organizer logs about a coworker and later closes: a one-on-one (its
/// follow-up), a commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoggedItem {
    Conversation,
    Commitment,
}

/// The organizer's loop: one-on-ones, ratings, follow-ups and commitments.
#[async_trait]
pub trait OrganizingLoop: Send + Sync {
    async fn campaign_settings(&self, campaign: CampaignKey) -> StoreResult<CampaignSettings>;
    async fn set_campaign_settings(
        &self,
        campaign: CampaignKey,
        settings: &CampaignSettings,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Stores a one-on-one once per client id, with its rating (an assessment, and the
    /// coworker's current rating) and its commitment, in one transaction. Returns the
    /// conversation's id and whether this call stored it. `audit` is written only when
    /// this call stored it (a repeat writes nothing).
    async fn log_conversation(
        &self,
        campaign: CampaignKey,
        organizer_id: i64,
        log: &NewConversation,
        commitment: Option<(String, NaiveDate)>,
        audit: &AuditEvent,
    ) -> StoreResult<(i64, bool)>;
    /// A rating without a conversation: an assessment and the current rating, together.
    /// A rating whose `client_id` was stored before stores nothing: `false`.
    async fn rate(
        &self,
        campaign: CampaignKey,
        rating: &NewAssessment,
        client_id: Option<&str>,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    async fn assessments(
        &self,
        campaign: CampaignKey,
        coworker_id: i64,
    ) -> StoreResult<Vec<Assessment>>;
    async fn conversations(
        &self,
        campaign: CampaignKey,
        coworker_id: i64,
    ) -> StoreResult<Vec<Conversation>>;
    /// The coworker a logged record (a one-on-one, a commitment) is about.
    async fn logged_coworker(
        &self,
        campaign: CampaignKey,
        record: LoggedItem,
        id: i64,
    ) -> StoreResult<Option<i64>>;
    async fn follow_up_done(
        &self,
        campaign: CampaignKey,
        id: i64,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn resolve_commitment(
        &self,
        campaign: CampaignKey,
        id: i64,
        status: CommitmentStatus,
        by: i64,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn open_commitments(
        &self,
        campaign: CampaignKey,
        coworker_id: i64,
    ) -> StoreResult<Vec<Commitment>>;
    /// The organizer's list, only of coworkers within `scope` (their scope now, not
    /// when the follow-up or commitment was made); `search` is a name search as typed.
    async fn my_list(
        &self,
        campaign: CampaignKey,
        user_id: i64,
        scope: &CoworkerScope,
        today: NaiveDate,
        stale_days: i64,
        search: &str,
    ) -> StoreResult<MyList>;
    async fn coverage(
        &self,
        campaign: CampaignKey,
        days: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Coverage>;
}

/// A dated rating to store.
#[derive(Debug, Clone)]
pub struct NewAssessment {
    pub coworker_id: i64,
    pub organizer_id: i64,
    pub rating: i32,
    pub source: Source,
    pub note: String,
    pub at: DateTime<Utc>,
}

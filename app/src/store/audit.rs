//! The audit log, written with every change. (Its SQL: `server/src/store/sql/audit.rs`.)

use async_trait::async_trait;

use super::*;
use crate::domain::AuditEntry;

/// The audit log (append-only).
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends an event on its own: for reads and refusals. A change writes its event
    /// in its own transaction (the `audit` argument of each write in the other traits).
    async fn audit(&self, event: &AuditEvent) -> StoreResult<()>;
    /// A page of the campaign's log, newest first, narrowed by `filter`.
    async fn audit_log(
        &self,
        campaign: CampaignKey,
        filter: &AuditFilter,
    ) -> StoreResult<Vec<AuditEntry>>;
    /// The actions that occur in the campaign's log, for the filter's choices.
    async fn audit_actions(&self, campaign: CampaignKey) -> StoreResult<Vec<String>>;
}

/// One thing to write to the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent {
    pub campaign_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub record: String,
    pub detail: String,
    pub client_ip: String,
}

/// Which audit entries to read: older than `before` (an entry id), one action, one actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    pub before: Option<i64>,
    pub action: Option<String>,
    pub actor_id: Option<i64>,
    pub limit: i64,
}

impl AuditEvent {
    /// The event as stored for a row just created with `id`: `{id}` in the record and
    /// the detail become the id (callers cannot know it before the insert).
    pub fn for_new(&self, id: i64) -> Self {
        let id_text = id.to_string();
        Self {
            record: self.record.replace("{id}", &id_text),
            detail: self.detail.replace("{id}", &id_text),
            ..self.clone()
        }
    }

    /// An event with no signed-in actor, about the account named by `email`.
    pub fn anonymous(action: &str, email: &str, client_ip: &str) -> Self {
        Self {
            action: action.into(),
            record: format!("email:{email}"),
            client_ip: client_ip.into(),
            ..Default::default()
        }
    }
}

//! The audit log: the row each change commits with, and reading the log back.

use app::domain::AuditEntry;
use app::store::{AuditEvent, AuditFilter, AuditLog, CampaignKey, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Adapter, Db, Tx};
use crate::store::DbResult;

/// An audit row as read back, with its actor's e-mail (None: the system).
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    actor: Option<String>,
    action: String,
    record: String,
    detail: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            id: r.id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            record: r.record,
            detail: r.detail,
        }
    }
}

/// One audit row; written inside a change's transaction, or alone for reads.
pub(super) const INSERT_AUDIT: &str =
    "INSERT INTO audit_events (at, campaign_id, actor_id, action, record, detail, client_ip) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Appends `e`, stamped now, on `conn`: the pool, or a change's transaction.
async fn write_audit<'c>(
    conn: impl sqlx::Executor<'c, Database = Db>,
    e: &AuditEvent,
) -> StoreResult<()> {
    sqlx::query(INSERT_AUDIT)
        .bind(Utc::now())
        .bind(e.campaign_id)
        .bind(e.actor_id)
        .bind(&e.action)
        .bind(&e.record)
        .bind(&e.detail)
        .bind(&e.client_ip)
        .execute(conn)
        .await
        .db()?;
    Ok(())
}

/// Writes `e` inside the change's transaction, so the two commit together or
/// not at all (a refused audit row rolls the change back).
pub(super) async fn insert_audit(tx: &mut Tx, e: &AuditEvent) -> StoreResult<()> {
    if let Some(campaign_id) = e.campaign_id {
        chart_changed(tx, campaign_id).await?;
    }
    write_audit(&mut **tx, e).await
}

/// `e` (an account's event) also in the log of every campaign the user is a member of,
/// inside the change's transaction: their leads see it (a replayed refresh token; a
/// second factor turned on or off — with only a password, someone could set one up on
/// an account that had none).
pub(super) async fn insert_audit_in_campaigns_of(
    tx: &mut Tx,
    user_id: i64,
    e: &AuditEvent,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_events (at, campaign_id, actor_id, action, record, detail, client_ip) \
         SELECT $1, m.campaign_id, $2, $3, $4, $5, $6 FROM memberships m WHERE m.user_id = $7",
    )
    .bind(Utc::now())
    .bind(e.actor_id)
    .bind(&e.action)
    .bind(&e.record)
    .bind(&e.detail)
    .bind(&e.client_ip)
    .bind(user_id)
    .execute(&mut **tx)
    .await
    .db()?;
    Ok(())
}

/// Raises the campaign's chart version inside the change's transaction (see the
/// `chart_version` migration): what was kept for the old version is read again.
pub(super) async fn chart_changed(tx: &mut Tx, campaign_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE campaigns SET chart_version = chart_version + 1 WHERE id = $1")
        .bind(campaign_id)
        .execute(&mut **tx)
        .await
        .db()?;
    Ok(())
}

/// Appends the change's audit row and commits both.
pub(super) async fn commit_audited(mut tx: Tx, e: &AuditEvent) -> StoreResult<()> {
    insert_audit(&mut tx, e).await?;
    tx.commit().await.db()
}

/// Runs an `INSERT … RETURNING id` in the transaction, then the new record's audit row,
/// and commits both; the new record's id.
pub(super) async fn commit_inserted(
    mut tx: Tx,
    insert: InsertStatement<'_>,
    audit: &AuditEvent,
) -> StoreResult<i64> {
    let id = insert.fetch_one(&mut *tx).await.db()?;
    commit_audited(tx, &audit.for_new(id)).await?;
    Ok(id)
}

/// An `INSERT … RETURNING id` of this backend's, its arguments bound.
pub(super) type InsertStatement<'q> =
    sqlx::query::QueryScalar<'q, Db, i64, <Db as sqlx::Database>::Arguments<'q>>;

/// A statement of this backend's, its arguments bound.
pub(super) type Statement<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>>;

impl Adapter {
    /// Runs one statement and the change's audit row in one write transaction.
    pub(super) async fn execute_audited(
        &self,
        statement: Statement<'_>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await.db()?;
        statement.execute(&mut *tx).await.db()?;
        commit_audited(tx, audit).await
    }

    /// Like [`Adapter::execute_audited`], for a statement about one record: when it
    /// touches no row the record is NotFound, and nothing (not even the audit row) commits.
    pub(super) async fn change_audited(
        &self,
        statement: Statement<'_>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await.db()?;
        let touched = statement.execute(&mut *tx).await.db()?.rows_affected();
        if touched == 0 {
            return Err(StoreError::NotFound);
        }
        commit_audited(tx, audit).await
    }
}

#[async_trait]
impl AuditLog for Adapter {
    async fn audit(&self, e: &AuditEvent) -> StoreResult<()> {
        write_audit(&self.pool, e).await
    }

    async fn audit_log(
        &self,
        campaign: CampaignKey,
        filter: &AuditFilter,
    ) -> StoreResult<Vec<AuditEntry>> {
        let campaign_id = campaign.id();
        // Each optional condition is always present and switched off by a NULL,
        // so the statement (and its placeholders) never changes shape.
        let rows =
            sqlx::query_as::<_, AuditRow>(
                "SELECT a.id, a.at, u.email AS actor, a.action, a.record, a.detail FROM audit_events a \
                 LEFT JOIN users u ON u.id = a.actor_id \
                 WHERE a.campaign_id = $1 \
                 AND ($2 IS NULL OR a.id < $2) \
                 AND ($3 IS NULL OR a.action = $3) \
                 AND ($4 IS NULL OR a.actor_id = $4) \
                 ORDER BY a.id DESC LIMIT $5",
            )
            .bind(campaign_id)
            .bind(filter.before)
            .bind(filter.action.as_deref())
            .bind(filter.actor_id)
            .bind(filter.limit)
            .fetch_all(&self.pool)
            .await
            .db()?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    async fn audit_actions(&self, campaign: CampaignKey) -> StoreResult<Vec<String>> {
        let campaign_id = campaign.id();
        sqlx::query_scalar::<_, String>(
            "SELECT DISTINCT action FROM audit_events WHERE campaign_id = $1 ORDER BY action",
        )
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()
    }
}

//! The social map: ties between coworkers, and organic leaders' reach.

use app::domain::{Choice, LeaderReach, Tie, TieKind};
use app::store::{AuditEvent, NewTie, SocialMap, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{commit_audited, Adapter, Tx};
use crate::store::DbResult;

/// Both ends must be coworkers of the campaign; a tie that exists is a Conflict.
async fn insert_tie(
    tx: &mut Tx,
    campaign_id: i64,
    tie: &NewTie,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let found = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM coworkers WHERE campaign_id = $1 AND id IN ($2, $3)",
    )
    .bind(campaign_id)
    .bind(tie.from_id)
    .bind(tie.to_id)
    .fetch_one(&mut **tx)
    .await
    .db()?;
    if found != 2 {
        return Err(StoreError::NotFound);
    }
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO relationships (campaign_id, from_id, to_id, kind, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(campaign_id)
    .bind(tie.from_id)
    .bind(tie.to_id)
    .bind(tie.kind.key())
    .bind(tie.created_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .db()
    .map_err(|e| match e {
        StoreError::Conflict(_) => StoreError::Conflict("Those two already have that tie.".into()),
        other => other,
    })
}

#[async_trait]
impl SocialMap for Adapter {
    async fn ties(&self, campaign_id: i64, coworker_id: i64) -> StoreResult<Vec<Tie>> {
        type Row = (
            i64,
            String,
            bool,
            i64,
            String,
            Option<i32>,
            Option<i64>,
            Option<i64>,
        );
        let rows = sqlx::query_as::<_, Row>(
            "SELECT r.id, r.kind, r.from_id = $2 AS outgoing, c.id, c.name, c.rating, c.area_id, \
             c.assigned_organizer FROM relationships r \
             JOIN coworkers c ON c.id = CASE WHEN r.from_id = $2 THEN r.to_id ELSE r.from_id END \
             WHERE r.campaign_id = $1 AND (r.from_id = $2 OR r.to_id = $2) \
             AND c.archived_at IS NULL ORDER BY c.name, r.id",
        )
        .bind(campaign_id)
        .bind(coworker_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        rows.into_iter()
            .map(
                |(
                    id,
                    kind,
                    outgoing,
                    other_id,
                    other_name,
                    other_rating,
                    other_area_id,
                    other_assigned,
                )| {
                    Ok(Tie {
                        id,
                        kind: TieKind::parse(&kind).ok_or_else(|| {
                            StoreError::Backend(format!("unknown tie kind '{kind}'").into())
                        })?,
                        outgoing,
                        other_id,
                        other_name,
                        other_rating,
                        other_area_id,
                        other_assigned,
                    })
                },
            )
            .collect()
    }

    async fn tie_ends(&self, campaign_id: i64, tie_id: i64) -> StoreResult<Option<(i64, i64)>> {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT from_id, to_id FROM relationships WHERE campaign_id = $1 AND id = $2",
        )
        .bind(campaign_id)
        .bind(tie_id)
        .fetch_optional(&self.pool)
        .await
        .db()
    }

    async fn add_tie(
        &self,
        campaign_id: i64,
        tie: &NewTie,
        audit: &AuditEvent,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await.db()?;
        let id = insert_tie(&mut tx, campaign_id, tie, Utc::now()).await?;
        commit_audited(tx, &audit.for_new(id)).await?;
        Ok(id)
    }

    async fn create_ties(&self, campaign_id: i64, ties: &[NewTie]) -> StoreResult<u64> {
        let now = Utc::now();
        let mut tx = self.begin_write().await.db()?;
        for tie in ties {
            insert_tie(&mut tx, campaign_id, tie, now).await?;
        }
        tx.commit().await.db()?;
        Ok(ties.len() as u64)
    }

    async fn remove_tie(
        &self,
        campaign_id: i64,
        tie_id: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let statement = sqlx::query("DELETE FROM relationships WHERE campaign_id = $1 AND id = $2")
            .bind(campaign_id)
            .bind(tie_id);
        self.change_audited(statement, audit).await
    }

    async fn leader_reach(&self, campaign_id: i64) -> StoreResult<Vec<LeaderReach>> {
        type Row = (
            i64,
            String,
            Option<i64>,
            Option<i64>,
            Option<i32>,
            i64,
            i64,
            i64,
        );
        let rows = sqlx::query_as::<_, Row>(
            "SELECT c.id, c.name, c.area_id, c.assigned_organizer, c.rating, COUNT(l.id), \
             COALESCE(SUM(CASE WHEN l.rating <= 2 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN l.id IS NOT NULL AND l.rating IS NULL THEN 1 ELSE 0 END), 0) \
             FROM coworkers c \
             LEFT JOIN relationships r ON r.to_id = c.id AND r.kind = 'listens_to' \
             LEFT JOIN coworkers l ON l.id = r.from_id AND l.archived_at IS NULL \
             WHERE c.campaign_id = $1 AND c.organic_leader = $2 AND c.archived_at IS NULL \
             GROUP BY c.id, c.name, c.area_id, c.assigned_organizer, c.rating \
             ORDER BY COUNT(l.id) DESC, c.name",
        )
        .bind(campaign_id)
        .bind(true)
        .fetch_all(&self.pool)
        .await
        .db()?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    id,
                    name,
                    area_id,
                    assigned_organizer,
                    rating,
                    listeners,
                    supporters,
                    unknown,
                )| {
                    LeaderReach {
                        id,
                        name,
                        area_id,
                        assigned_organizer,
                        rating,
                        listeners,
                        supporters,
                        unknown,
                    }
                },
            )
            .collect())
    }
}

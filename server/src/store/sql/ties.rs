//! The social map: ties between coworkers, and organic leaders' reach.

use app::domain::{Choice, LeaderReach, Tie, TieKind};
use app::store::{AuditEvent, CampaignKey, NewTie, SocialMap, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{commit_audited, Adapter, Tx};
use crate::store::rows::corrupt;
use crate::store::DbResult;

/// A tie seen from one coworker: `outgoing` when it runs from them, and the coworker at
/// its other end.
#[derive(sqlx::FromRow)]
struct TieRow {
    id: i64,
    kind: String,
    outgoing: bool,
    other_id: i64,
    other_name: String,
    other_rating: Option<i32>,
    other_area_id: Option<i64>,
    other_assigned: Option<i64>,
}

/// An organic leader with how many coworkers listen to them: in all, rated 2 or below,
/// and not yet rated.
#[derive(sqlx::FromRow)]
struct ReachRow {
    id: i64,
    name: String,
    area_id: Option<i64>,
    assigned_organizer: Option<i64>,
    rating: Option<i32>,
    listeners: i64,
    supporters: i64,
    unrated: i64,
}

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

impl TryFrom<TieRow> for Tie {
    type Error = StoreError;

    fn try_from(r: TieRow) -> StoreResult<Self> {
        Ok(Tie {
            id: r.id,
            kind: TieKind::parse(&r.kind).ok_or_else(|| corrupt("tie kind", &r.kind))?,
            outgoing: r.outgoing,
            other_id: r.other_id,
            other_name: r.other_name,
            other_rating: r.other_rating,
            other_area_id: r.other_area_id,
            other_assigned: r.other_assigned,
        })
    }
}

#[async_trait]
impl SocialMap for Adapter {
    async fn ties(&self, campaign: CampaignKey, coworker_id: i64) -> StoreResult<Vec<Tie>> {
        let sql = "SELECT r.id, r.kind, r.from_id = $2 AS outgoing, c.id AS other_id, \
             c.name AS other_name, c.rating AS other_rating, c.area_id AS other_area_id, \
             c.assigned_organizer AS other_assigned FROM relationships r \
             JOIN coworkers c ON c.id = CASE WHEN r.from_id = $2 THEN r.to_id ELSE r.from_id END \
             WHERE r.campaign_id = $1 AND (r.from_id = $2 OR r.to_id = $2) \
             AND c.archived_at IS NULL ORDER BY c.name, r.id";
        self.rows_of::<TieRow, _>(sql, campaign.id(), coworker_id)
            .await
    }

    async fn tie_ends(
        &self,
        campaign: CampaignKey,
        tie_id: i64,
    ) -> StoreResult<Option<(i64, i64)>> {
        let campaign_id = campaign.id();
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
        campaign: CampaignKey,
        tie: &NewTie,
        audit: &AuditEvent,
    ) -> StoreResult<i64> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        let id = insert_tie(&mut tx, campaign_id, tie, Utc::now()).await?;
        commit_audited(tx, &audit.for_new(id)).await?;
        Ok(id)
    }

    async fn create_ties(&self, campaign: CampaignKey, ties: &[NewTie]) -> StoreResult<u64> {
        let campaign_id = campaign.id();
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
        campaign: CampaignKey,
        tie_id: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let statement = sqlx::query("DELETE FROM relationships WHERE campaign_id = $1 AND id = $2")
            .bind(campaign_id)
            .bind(tie_id);
        self.change_audited(statement, audit).await
    }

    async fn leader_reach(&self, campaign: CampaignKey) -> StoreResult<Vec<LeaderReach>> {
        let campaign_id = campaign.id();
        let rows = sqlx::query_as::<_, ReachRow>(
            "SELECT c.id, c.name, c.area_id, c.assigned_organizer, c.rating, \
             COUNT(l.id) AS listeners, \
             COALESCE(SUM(CASE WHEN l.rating <= 2 THEN 1 ELSE 0 END), 0) AS supporters, \
             COALESCE(SUM(CASE WHEN l.id IS NOT NULL AND l.rating IS NULL THEN 1 ELSE 0 END), 0) \
             AS unrated \
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
            .map(|r| LeaderReach {
                id: r.id,
                name: r.name,
                area_id: r.area_id,
                assigned_organizer: r.assigned_organizer,
                rating: r.rating,
                listeners: r.listeners,
                supporters: r.supporters,
                unknown: r.unrated,
            })
            .collect())
    }
}

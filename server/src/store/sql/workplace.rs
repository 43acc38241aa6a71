//! The workplace map: areas, shifts and the coworkers in them.

use app::domain::{
    Area, AreaStats, Choice, Coworker, CoworkerFields, CoworkerScope, CoworkerSummary, Shift,
};
use app::store::{
    AreaChange, AuditEvent, CampaignKey, NewCoworker, StoreError, StoreResult, WorkplaceMap,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::audit::Statement;
use super::{commit_audited, commit_inserted, Adapter, Db, Tx};
use crate::store::rows::{
    AreaRow, AreaStatsRow, CoworkerDetailRow, CoworkerRow, DETAIL_COLUMNS, SUMMARY_COLUMNS,
};
use crate::store::{scope_clause, DbResult};

/// Refuses (NotFound) an id of `table` that is not in the campaign; `None` passes.
async fn check_refs(
    tx: &mut Tx,
    campaign_id: i64,
    table: &'static str,
    id: Option<i64>,
) -> StoreResult<()> {
    let Some(id) = id else { return Ok(()) };
    let sql = match table {
        "areas" => "SELECT COUNT(*) FROM areas WHERE id = $1 AND campaign_id = $2",
        "shifts" => "SELECT COUNT(*) FROM shifts WHERE id = $1 AND campaign_id = $2",
        "members" => {
            "SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND campaign_id = $2 \
             AND role IN ('lead', 'organizer')"
        }
        _ => unreachable!("check_refs on {table}"),
    };
    let found = sqlx::query_scalar::<_, i64>(sql)
        .bind(id)
        .bind(campaign_id)
        .fetch_one(&mut **tx)
        .await
        .db()?;
    if found == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The coworker's area, shift and organizer must all belong to the campaign.
async fn check_coworker_refs(tx: &mut Tx, campaign_id: i64, c: &CoworkerFields) -> StoreResult<()> {
    check_refs(tx, campaign_id, "areas", c.area_id).await?;
    check_refs(tx, campaign_id, "shifts", c.shift_id).await?;
    check_refs(tx, campaign_id, "members", c.assigned_organizer).await
}

/// A coworker's own fields, the first fourteen placeholders of an insert or an update.
const FIELD_COLUMNS: &str = "name, area_id, shift_id, job_title, employee_ref, phone, email, \
     language, tags, organic_leader, committee_member, assigned_organizer, employment_status, \
     notes";

/// Binds `c` as `$1` to `$14`, in [`FIELD_COLUMNS`] order.
fn field_arguments(c: &CoworkerFields) -> StoreResult<<Db as sqlx::Database>::Arguments<'_>> {
    use sqlx::Arguments as _;
    let mut args = <Db as sqlx::Database>::Arguments::default();
    (|| -> Result<(), sqlx::error::BoxDynError> {
        args.add(&c.name)?;
        args.add(c.area_id)?;
        args.add(c.shift_id)?;
        args.add(&c.job_title)?;
        args.add(&c.employee_ref)?;
        args.add(&c.phone)?;
        args.add(&c.email)?;
        args.add(&c.language)?;
        args.add(c.tags.join(","))?;
        args.add(c.organic_leader)?;
        args.add(c.committee_member)?;
        args.add(c.assigned_organizer)?;
        args.add(c.employment_status.key())?;
        args.add(&c.notes)
    })()
    .map_err(sqlx::Error::Encode)
    .db()?;
    Ok(args)
}

/// Appends the coworker's placement (area, shift, employment status, archived) as it now
/// stands, dated `at`, unless it is what their latest placement already says: the history
/// the as-of heat map reads. Called in the transaction of every change of those fields.
pub(super) async fn record_placement(
    tx: &mut Tx,
    campaign_id: i64,
    coworker_id: i64,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO coworker_placements \
         (campaign_id, coworker_id, at, area_id, shift_id, employment_status, archived) \
         SELECT c.campaign_id, c.id, $3, c.area_id, c.shift_id, c.employment_status, \
         c.archived_at IS NOT NULL FROM coworkers c WHERE c.campaign_id = $1 AND c.id = $2 \
         AND NOT EXISTS (SELECT 1 FROM coworker_placements h WHERE h.id = \
         (SELECT l.id FROM coworker_placements l WHERE l.coworker_id = c.id \
         ORDER BY l.at DESC, l.id DESC LIMIT 1) \
         AND h.area_id IS NOT DISTINCT FROM c.area_id \
         AND h.shift_id IS NOT DISTINCT FROM c.shift_id \
         AND h.employment_status = c.employment_status \
         AND h.archived = (c.archived_at IS NOT NULL)) RETURNING id",
    )
    .bind(campaign_id)
    .bind(coworker_id)
    .bind(at)
    .fetch_optional(&mut **tx)
    .await
    .db()?;
    if let Some(id) = inserted {
        sqlx::query(
            "UPDATE coworkers SET placement_id = $1, placed_at = $2 WHERE id = $3 \
             AND (placed_at IS NULL OR placed_at <= $2)",
        )
        .bind(id)
        .bind(at)
        .bind(coworker_id)
        .execute(&mut **tx)
        .await
        .db()?;
    }
    Ok(())
}

/// Runs `statement`, an update of one coworker whose last three placeholders are
/// `updated_at`, the campaign and the coworker (bound here from `at`, `campaign_id` and
/// `coworker_id`), then records their placement if it touched them: the rows touched.
pub(super) async fn update_placed(
    tx: &mut Tx,
    statement: Statement<'_>,
    campaign_id: i64,
    coworker_id: i64,
    at: DateTime<Utc>,
) -> StoreResult<u64> {
    let touched = statement
        .bind(at)
        .bind(campaign_id)
        .bind(coworker_id)
        .execute(&mut **tx)
        .await
        .db()?
        .rows_affected();
    if touched > 0 {
        record_placement(tx, campaign_id, coworker_id, at).await?;
    }
    Ok(touched)
}

pub(super) async fn insert_coworker(
    tx: &mut Tx,
    campaign_id: i64,
    c: &CoworkerFields,
    rating: Option<i32>,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let sql = format!(
        "INSERT INTO coworkers ({FIELD_COLUMNS}, campaign_id, rating, created_at, updated_at, \
         disclosure_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, \
         $18) RETURNING id"
    );
    let id = sqlx::query_scalar_with::<_, i64, _>(&sql, field_arguments(c)?)
        .bind(campaign_id)
        .bind(rating)
        .bind(now)
        .bind(app::store::new_disclosure_key())
        .fetch_one(&mut **tx)
        .await
        .db()?;
    record_placement(tx, campaign_id, id, now).await?;
    Ok(id)
}

/// A shift, placed after the campaign's others.
pub(super) async fn insert_shift(tx: &mut Tx, campaign_id: i64, name: &str) -> StoreResult<i64> {
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO shifts (campaign_id, name, position) \
         VALUES ($1, $2, (SELECT COUNT(*) FROM shifts WHERE campaign_id = $1)) RETURNING id",
    )
    .bind(campaign_id)
    .bind(name)
    .fetch_one(&mut **tx)
    .await
    .db()
}

#[async_trait]
impl WorkplaceMap for Adapter {
    async fn create_area(
        &self,
        campaign: CampaignKey,
        name: &str,
        parent_id: Option<i64>,
        audit: &AuditEvent,
    ) -> StoreResult<Area> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        check_refs(&mut tx, campaign_id, "areas", parent_id).await?;
        let insert = sqlx::query_scalar::<_, i64>(
            "INSERT INTO areas (campaign_id, parent_id, name, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
        )
        .bind(campaign_id)
        .bind(parent_id)
        .bind(name)
        .bind(Utc::now());
        let id = commit_inserted(tx, insert, audit).await?;
        Ok(Area::new(id, parent_id, name))
    }

    async fn list_areas(&self, campaign: CampaignKey) -> StoreResult<Vec<Area>> {
        let campaign_id = campaign.id();
        let rows = sqlx::query_as::<_, AreaRow>(
            "SELECT id, parent_id, name, retired, grid_x, grid_y, grid_w, grid_h FROM areas \
             WHERE campaign_id = $1 ORDER BY name, id",
        )
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn update_area(
        &self,
        campaign: CampaignKey,
        area_id: i64,
        change: &AreaChange,
        audit: &AuditEvent,
    ) -> StoreResult<Area> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        let tree = sqlx::query_as::<_, (i64, Option<i64>)>(
            "SELECT id, parent_id FROM areas WHERE campaign_id = $1",
        )
        .bind(campaign_id)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        if !tree.iter().any(|(id, _)| *id == area_id) {
            return Err(StoreError::NotFound);
        }
        // Walk up from the new parent: meeting the area itself would make a loop.
        let mut at = change.parent_id;
        while let Some(id) = at {
            if id == area_id {
                return Err(StoreError::Conflict(
                    "An area cannot sit inside itself or one of its own sub-areas.".into(),
                ));
            }
            at = match tree.iter().find(|(a, _)| *a == id) {
                Some((_, parent)) => *parent,
                None => return Err(StoreError::NotFound),
            };
        }
        let g = change.grid;
        sqlx::query(
            "UPDATE areas SET name = $1, parent_id = $2, retired = $3, grid_x = $4, grid_y = $5, \
             grid_w = $6, grid_h = $7 WHERE id = $8 AND campaign_id = $9",
        )
        .bind(&change.name)
        .bind(change.parent_id)
        .bind(change.retired)
        .bind(g.map(|g| g.x))
        .bind(g.map(|g| g.y))
        .bind(g.map(|g| g.w))
        .bind(g.map(|g| g.h))
        .bind(area_id)
        .bind(campaign_id)
        .execute(&mut *tx)
        .await
        .db()?;
        commit_audited(tx, audit).await?;
        Ok(Area {
            id: area_id,
            parent_id: change.parent_id,
            name: change.name.clone(),
            retired: change.retired,
            grid: change.grid,
        })
    }

    async fn area_stats(
        &self,
        campaign: CampaignKey,
        inside: Option<&CoworkerScope>,
    ) -> StoreResult<Vec<AreaStats>> {
        let campaign_id = campaign.id();
        let (inside, binds) = crate::store::inside_clause(inside, "c.", 2);
        // Each set's count, the keys of its people outside the reader's scope, and how
        // many are inside it (`domain::disclosure`).
        let sets = [
            ("coworkers", "c.id IS NOT NULL"),
            ("supporters", "c.rating <= 2"),
            ("unknown", "c.id IS NOT NULL AND c.rating IS NULL"),
        ];
        let mut columns = String::new();
        for (name, set) in sets {
            columns.push_str(&format!(
                ", COALESCE(SUM(CASE WHEN {set} THEN 1 ELSE 0 END), 0) AS {name}, \
                 COALESCE(SUM(CASE WHEN {set} AND NOT {inside} THEN c.disclosure_key \
                 ELSE 0 END), 0) AS {name}_key, \
                 COALESCE(SUM(CASE WHEN {set} AND {inside} THEN 1 ELSE 0 END), 0) AS {name}_inside"
            ));
        }
        let sql = format!(
            "SELECT a.id, a.parent_id, a.name, a.retired, a.grid_x, a.grid_y, a.grid_w, a.grid_h\
             {columns} \
             FROM areas a LEFT JOIN coworkers c ON c.area_id = a.id AND c.archived_at IS NULL \
             AND c.employment_status IN ('active', 'on_leave', 'disciplined') \
             WHERE a.campaign_id = $1 \
             GROUP BY a.id, a.parent_id, a.name, a.retired, a.grid_x, a.grid_y, a.grid_w, a.grid_h \
             ORDER BY a.name, a.id"
        );
        let mut query = sqlx::query_as::<_, AreaStatsRow>(&sql).bind(campaign_id);
        for value in binds {
            query = query.bind(value);
        }
        let rows = query.fetch_all(&self.pool).await.db()?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn create_shift(
        &self,
        campaign: CampaignKey,
        name: &str,
        audit: &AuditEvent,
    ) -> StoreResult<Shift> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        let id = insert_shift(&mut tx, campaign_id, name).await?;
        commit_audited(tx, &audit.for_new(id)).await?;
        Ok(Shift {
            id,
            name: name.to_owned(),
        })
    }

    async fn list_shifts(&self, campaign: CampaignKey) -> StoreResult<Vec<Shift>> {
        let campaign_id = campaign.id();
        let rows = sqlx::query_as::<_, (i64, String)>(
            "SELECT id, name FROM shifts WHERE campaign_id = $1 ORDER BY position, id",
        )
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| Shift { id, name })
            .collect())
    }

    async fn create_coworker(
        &self,
        campaign: CampaignKey,
        c: &CoworkerFields,
        audit: &AuditEvent,
    ) -> StoreResult<CoworkerSummary> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        check_coworker_refs(&mut tx, campaign_id, c).await?;
        let id = insert_coworker(&mut tx, campaign_id, c, None, Utc::now()).await?;
        commit_audited(tx, &audit.for_new(id)).await?;
        Ok(CoworkerSummary {
            id,
            name: c.name.clone(),
            area_id: c.area_id,
            shift_id: c.shift_id,
            job_title: c.job_title.clone(),
            assigned_organizer: c.assigned_organizer,
            rating: None,
            organic_leader: c.organic_leader,
            committee_member: c.committee_member,
            tags: c.tags.clone(),
        })
    }

    async fn create_coworkers(
        &self,
        campaign: CampaignKey,
        coworkers: &[NewCoworker],
    ) -> StoreResult<Vec<i64>> {
        let campaign_id = campaign.id();
        let now = Utc::now();
        let mut tx = self.begin_write().await.db()?;
        let mut ids = Vec::with_capacity(coworkers.len());
        for c in coworkers {
            let since = c.since.unwrap_or(now);
            ids.push(insert_coworker(&mut tx, campaign_id, &c.fields, c.rating, since).await?);
        }
        super::audit::chart_changed(&mut tx, campaign_id).await?;
        tx.commit().await.db()?;
        Ok(ids)
    }

    async fn list_coworkers(
        &self,
        campaign: CampaignKey,
        scope: &CoworkerScope,
    ) -> StoreResult<Vec<CoworkerSummary>> {
        let campaign_id = campaign.id();
        let columns = format!(
            "SELECT {} FROM coworkers WHERE campaign_id = $1 AND archived_at IS NULL",
            SUMMARY_COLUMNS
        );
        let (scope_sql, binds) = scope_clause(scope, "", 2);
        let sql = format!("{columns}{scope_sql} ORDER BY name, id");
        let mut query = sqlx::query_as::<_, CoworkerRow>(&sql).bind(campaign_id);
        for value in binds {
            query = query.bind(value);
        }
        let rows = query.fetch_all(&self.pool).await.db()?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn coworker_detail(
        &self,
        campaign: CampaignKey,
        id: i64,
    ) -> StoreResult<Option<Coworker>> {
        let campaign_id = campaign.id();
        let row = sqlx::query_as::<_, CoworkerDetailRow>(&format!(
            "SELECT {} FROM coworkers WHERE campaign_id = $1 AND id = $2",
            DETAIL_COLUMNS
        ))
        .bind(campaign_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .db()?;
        row.map(TryInto::try_into).transpose()
    }

    async fn update_coworker(
        &self,
        campaign: CampaignKey,
        id: i64,
        c: &CoworkerFields,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let now = Utc::now();
        let mut tx = self.begin_write().await.db()?;
        check_coworker_refs(&mut tx, campaign_id, c).await?;
        let sql = format!(
            "UPDATE coworkers SET ({FIELD_COLUMNS}, updated_at) = \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             WHERE campaign_id = $16 AND id = $17"
        );
        let statement = sqlx::query_with(&sql, field_arguments(c)?);
        if update_placed(&mut tx, statement, campaign_id, id, now).await? == 0 {
            return Err(StoreError::NotFound);
        }
        commit_audited(tx, audit).await
    }

    async fn set_archived(
        &self,
        campaign: CampaignKey,
        id: i64,
        archived: bool,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let now = Utc::now();
        let mut tx = self.begin_write().await.db()?;
        let statement = sqlx::query(
            "UPDATE coworkers SET archived_at = $1, updated_at = $2 WHERE campaign_id = $3 \
             AND id = $4",
        )
        .bind(archived.then_some(now));
        if update_placed(&mut tx, statement, campaign_id, id, now).await? == 0 {
            return Err(StoreError::NotFound);
        }
        commit_audited(tx, audit).await
    }

    async fn export_coworkers(&self, campaign: CampaignKey) -> StoreResult<Vec<Coworker>> {
        let campaign_id = campaign.id();
        let rows = sqlx::query_as::<_, CoworkerDetailRow>(&format!(
            "SELECT {} FROM coworkers WHERE campaign_id = $1 AND archived_at IS NULL \
             ORDER BY name, id",
            DETAIL_COLUMNS
        ))
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        rows.into_iter().map(TryInto::try_into).collect()
    }
}

//! Roster imports: the employer's list is kept until applied, then only its summary.

use std::collections::HashMap;

use app::domain::roster::{normalize_area, Existing, ImportSummary};
use app::domain::CoworkerFields;
use app::store::{
    AuditEvent, CampaignKey, NewRoster, RosterImports, RosterOutcome, RosterPlan, RosterUpload,
    StoreError, StoreResult,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::workplace::{insert_coworker, insert_shift, update_placed};
use super::{commit_audited, commit_inserted, Adapter, Tx};
use crate::store::DbResult;

/// A kept upload, as stored.
#[derive(sqlx::FromRow)]
struct UploadRow {
    id: i64,
    filename: String,
    content: Vec<u8>,
    status: String,
    created_at: DateTime<Utc>,
}

/// A coworker on the chart, as the reconciliation compares them with the list.
#[derive(sqlx::FromRow)]
struct ExistingRow {
    id: i64,
    name: String,
    employee_ref: String,
    area: String,
    shift: String,
    job_title: String,
    status: String,
}

/// An import's summary as stored, with the uploader's email (None: no such user).
#[derive(sqlx::FromRow)]
struct SummaryRow {
    filename: String,
    status: String,
    row_count: Option<i64>,
    new_count: Option<i64>,
    moved_count: Option<i64>,
    gone_count: Option<i64>,
    uploaded_by: Option<String>,
    created_at: DateTime<Utc>,
    applied_at: Option<DateTime<Utc>>,
    file_deleted: bool,
}

/// The campaign's areas or shifts (`sql` selects `id, name`) by their normalized name.
async fn by_name(
    tx: &mut Tx,
    sql: &'static str,
    campaign_id: i64,
) -> StoreResult<HashMap<String, i64>> {
    let rows = sqlx::query_as::<_, (i64, String)>(sql)
        .bind(campaign_id)
        .fetch_all(&mut **tx)
        .await
        .db()?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| (normalize_area(&name), id))
        .collect())
}

#[async_trait]
impl RosterImports for Adapter {
    async fn save_roster(&self, upload: &NewRoster, audit: &AuditEvent) -> StoreResult<i64> {
        let tx = self.begin_write().await.db()?;
        let insert = sqlx::query_scalar::<_, i64>(
            "INSERT INTO roster_imports (campaign_id, created_by, created_at, filename, content, \
             row_count) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(upload.campaign.id())
        .bind(upload.created_by)
        .bind(Utc::now())
        .bind(&upload.filename)
        .bind(&upload.content)
        .bind(i64::try_from(upload.rows).unwrap_or(i64::MAX));
        commit_inserted(tx, insert, audit).await
    }

    async fn roster(&self, campaign: CampaignKey, id: i64) -> StoreResult<Option<RosterUpload>> {
        let campaign_id = campaign.id();
        let row = sqlx::query_as::<_, UploadRow>(
            "SELECT id, filename, content, status, created_at FROM roster_imports \
             WHERE campaign_id = $1 AND id = $2",
        )
        .bind(campaign_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .db()?;
        Ok(row.map(|r| RosterUpload {
            id: r.id,
            filename: r.filename,
            content: r.content,
            status: r.status,
            created_at: r.created_at,
        }))
    }

    async fn roster_existing(&self, campaign: CampaignKey) -> StoreResult<Vec<Existing>> {
        let campaign_id = campaign.id();
        let rows = sqlx::query_as::<_, ExistingRow>(
            "SELECT c.id, c.name, c.employee_ref, COALESCE(a.name, '') AS area, \
             COALESCE(s.name, '') AS shift, c.job_title, c.employment_status AS status \
             FROM coworkers c \
             LEFT JOIN areas a ON a.id = c.area_id LEFT JOIN shifts s ON s.id = c.shift_id \
             WHERE c.campaign_id = $1 AND c.archived_at IS NULL ORDER BY c.id",
        )
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        Ok(rows
            .into_iter()
            .map(|r| Existing {
                on_list: r.status != "left" && r.status != "fired",
                id: r.id,
                name: r.name,
                employee_ref: r.employee_ref,
                area: r.area,
                shift: r.shift,
                job_title: r.job_title,
            })
            .collect())
    }

    async fn apply_roster(
        &self,
        campaign: CampaignKey,
        import_id: i64,
        plan: &RosterPlan,
        audit: &AuditEvent,
    ) -> StoreResult<RosterOutcome> {
        let campaign_id = campaign.id();
        let now = Utc::now();
        let mut tx = self.begin_write().await.db()?;
        let claimed = sqlx::query(
            "UPDATE roster_imports SET status = 'applied', applied_at = $1 \
             WHERE campaign_id = $2 AND id = $3 AND status = 'pending'",
        )
        .bind(now)
        .bind(campaign_id)
        .bind(import_id)
        .execute(&mut *tx)
        .await
        .db()?
        .rows_affected();
        if claimed == 0 {
            return Err(StoreError::Conflict(
                "This import has been applied or discarded already.".into(),
            ));
        }
        let mut outcome = RosterOutcome::default();
        let areas_sql = "SELECT id, name FROM areas WHERE campaign_id = $1";
        let mut areas = by_name(&mut tx, areas_sql, campaign_id).await?;
        let shifts_sql = "SELECT id, name FROM shifts WHERE campaign_id = $1";
        let mut shifts = by_name(&mut tx, shifts_sql, campaign_id).await?;
        for name in &plan.new_areas {
            if areas.contains_key(&normalize_area(name)) {
                continue;
            }
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO areas (campaign_id, name, created_at) VALUES ($1, $2, $3) \
                 RETURNING id",
            )
            .bind(campaign_id)
            .bind(name)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .db()?;
            areas.insert(normalize_area(name), id);
            outcome.areas_created += 1;
        }
        for name in &plan.new_shifts {
            if shifts.contains_key(&normalize_area(name)) {
                continue;
            }
            let id = insert_shift(&mut tx, campaign_id, name).await?;
            shifts.insert(normalize_area(name), id);
            outcome.shifts_created += 1;
        }
        let lookup = |map: &HashMap<String, i64>, name: &str| {
            if name.trim().is_empty() {
                None
            } else {
                map.get(&normalize_area(name)).copied()
            }
        };
        for row in &plan.add {
            let mut fields = CoworkerFields::named(
                row.name.clone(),
                lookup(&areas, &row.area),
                lookup(&shifts, &row.shift),
            );
            fields.job_title = row.job_title.clone();
            fields.employee_ref = row.employee_ref.clone();
            fields.phone = row.phone.clone();
            fields.email = row.email.clone();
            fields.language = row.language.clone();
            insert_coworker(&mut tx, campaign_id, &fields, None, now).await?;
            outcome.added += 1;
        }
        for m in &plan.moves {
            let statement = sqlx::query(
                "UPDATE coworkers SET area_id = COALESCE($1, area_id), shift_id = \
                 COALESCE($2, shift_id), \
                 job_title = CASE WHEN $3 = '' THEN job_title ELSE $3 END, updated_at = $4 \
                 WHERE campaign_id = $5 AND id = $6",
            )
            .bind(lookup(&areas, &m.to_area))
            .bind(lookup(&shifts, &m.to_shift))
            .bind(&m.to_job);
            update_placed(&mut tx, statement, campaign_id, m.id, now).await?;
            outcome.moved += 1;
        }
        for (id, employee_ref) in &plan.link_refs {
            outcome.refs_linked += sqlx::query(
                "UPDATE coworkers SET employee_ref = $1, updated_at = $2 \
                 WHERE campaign_id = $3 AND id = $4 AND employee_ref = ''",
            )
            .bind(employee_ref)
            .bind(now)
            .bind(campaign_id)
            .bind(id)
            .execute(&mut *tx)
            .await
            .db()?
            .rows_affected();
        }
        for id in &plan.gone {
            let statement = sqlx::query(
                "UPDATE coworkers SET employment_status = 'left', updated_at = $1 \
                 WHERE campaign_id = $2 AND id = $3 AND employment_status NOT IN ('left', 'fired')",
            );
            outcome.marked_left += update_placed(&mut tx, statement, campaign_id, *id, now).await?;
        }
        // The employer's list is personal data: once applied, only its summary stays.
        sqlx::query(
            "UPDATE roster_imports SET content = $1, new_count = $2, moved_count = $3, \
             gone_count = $4, purged_at = $5 WHERE campaign_id = $6 AND id = $7",
        )
        .bind(Vec::<u8>::new())
        .bind(i64::try_from(outcome.added).unwrap_or(i64::MAX))
        .bind(i64::try_from(outcome.moved).unwrap_or(i64::MAX))
        .bind(i64::try_from(outcome.marked_left).unwrap_or(i64::MAX))
        .bind(now)
        .bind(campaign_id)
        .bind(import_id)
        .execute(&mut *tx)
        .await
        .db()?;
        let audit = AuditEvent {
            detail: outcome.summary(),
            ..audit.clone()
        };
        commit_audited(tx, &audit).await?;
        Ok(outcome)
    }

    async fn roster_summary(
        &self,
        campaign: CampaignKey,
        id: i64,
    ) -> StoreResult<Option<ImportSummary>> {
        let campaign_id = campaign.id();
        let row = sqlx::query_as::<_, SummaryRow>(
            "SELECT r.filename, r.status, r.row_count, r.new_count, r.moved_count, r.gone_count, \
             u.email AS uploaded_by, r.created_at, r.applied_at, \
             r.purged_at IS NOT NULL AS file_deleted \
             FROM roster_imports r LEFT JOIN users u ON u.id = r.created_by \
             WHERE r.campaign_id = $1 AND r.id = $2",
        )
        .bind(campaign_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .db()?;
        Ok(row.map(|r| ImportSummary {
            filename: r.filename,
            status: r.status,
            rows: r.row_count,
            new: r.new_count,
            moved: r.moved_count,
            gone: r.gone_count,
            uploaded_by: r.uploaded_by.unwrap_or_default(),
            uploaded_at: r.created_at,
            applied_at: r.applied_at,
            file_deleted: r.file_deleted,
        }))
    }
}

/// Maintenance (see `app::store::Maintenance`): not part of the request path's port.
impl Adapter {
    pub(super) async fn purge_abandoned_rosters(
        &self,
        uploaded_before: DateTime<Utc>,
    ) -> StoreResult<u64> {
        sqlx::query(
            "UPDATE roster_imports SET content = $1, purged_at = $2, \
             status = CASE WHEN status = 'pending' THEN 'discarded' ELSE status END \
             WHERE purged_at IS NULL AND (status <> 'pending' OR created_at < $3)",
        )
        .bind(Vec::<u8>::new())
        .bind(Utc::now())
        .bind(uploaded_before)
        .execute(&self.pool)
        .await
        .map(|done| done.rows_affected())
        .db()
    }
}

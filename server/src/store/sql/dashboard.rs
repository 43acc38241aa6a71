//! The leads' dashboard: campaign-wide counts, each grouped in SQL.

use app::domain::dashboard::{AreaReach, Dashboard, OrganizerWeeks};
use app::domain::organizing::CampaignSettings;
use app::store::{CampaignKey, Dashboards, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::Adapter;
use crate::store::DbResult;

/// Coworkers on the chart now (as the coverage page counts them).
pub(super) const ON_CHART: &str =
    "c.archived_at IS NULL AND c.employment_status IN ('active', 'on_leave', 'disciplined')";

/// The chart's counts at a glance.
#[derive(sqlx::FromRow)]
struct ChartRow {
    coworkers: i64,
    supporters: i64,
    assessed: i64,
    stale: i64,
}

/// An area's coworkers and those talked to lately.
#[derive(sqlx::FromRow)]
struct ReachRow {
    area_id: i64,
    area: String,
    coworkers: i64,
    talked_to: i64,
}

#[async_trait]
impl Dashboards for Adapter {
    async fn chart_version(&self, campaign: CampaignKey) -> StoreResult<i64> {
        let campaign_id = campaign.id();
        sqlx::query_scalar("SELECT chart_version FROM campaigns WHERE id = $1")
            .bind(campaign_id)
            .fetch_optional(&self.pool)
            .await
            .db()?
            .ok_or(app::store::StoreError::NotFound)
    }

    async fn dashboard(
        &self,
        campaign: CampaignKey,
        now: DateTime<Utc>,
        week_of: NaiveDate,
        settings: &CampaignSettings,
        reach_days: i64,
    ) -> StoreResult<Dashboard> {
        let campaign_id = campaign.id();
        let today = now.date_naive();
        let stale_before = now - Duration::days(settings.stale_days);
        let ChartRow {
            coworkers,
            supporters,
            assessed,
            stale,
        } = sqlx::query_as::<_, ChartRow>(&format!(
            "SELECT COUNT(*) AS coworkers, \
                 COALESCE(SUM(CASE WHEN c.rating IN (1, 2) THEN 1 ELSE 0 END), 0) AS supporters, \
                 COALESCE(SUM(CASE WHEN c.rating IS NOT NULL THEN 1 ELSE 0 END), 0) AS assessed, \
                 COALESCE(SUM(CASE WHEN c.rating IS NOT NULL \
                 AND (c.rated_at IS NULL OR c.rated_at < $2) THEN 1 ELSE 0 END), 0) AS stale \
                 FROM coworkers c WHERE c.campaign_id = $1 AND {ON_CHART}"
        ))
        .bind(campaign_id)
        .bind(stale_before)
        .fetch_one(&self.pool)
        .await
        .db()?;
        let (follow_ups_overdue, commitments_overdue) = sqlx::query_as::<_, (i64, i64)>(
            "SELECT \
             (SELECT COUNT(*) FROM conversations WHERE campaign_id = $1 \
              AND follow_up_on < $2 AND follow_up_done_at IS NULL), \
             (SELECT COUNT(*) FROM commitments WHERE campaign_id = $1 \
              AND status = 'open' AND due_on < $2)",
        )
        .bind(campaign_id)
        .bind(today)
        .fetch_one(&self.pool)
        .await
        .db()?;
        let this_week = week_of.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        let last_week = this_week - Duration::days(7);
        let by_organizer = sqlx::query_as::<_, (String, i64, i64)>(
            "SELECT u.email, \
             COALESCE(SUM(CASE WHEN v.at >= $2 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN v.at < $2 THEN 1 ELSE 0 END), 0) \
             FROM conversations v JOIN users u ON u.id = v.organizer_id \
             WHERE v.campaign_id = $1 AND v.at >= $3 \
             GROUP BY u.id, u.email ORDER BY 2 DESC, 3 DESC, u.email",
        )
        .bind(campaign_id)
        .bind(this_week)
        .bind(last_week)
        .fetch_all(&self.pool)
        .await
        .db()?
        .into_iter()
        .map(|(organizer, this_week, last_week)| OrganizerWeeks {
            organizer,
            this_week,
            last_week,
        })
        .collect();
        let areas = sqlx::query_as::<_, ReachRow>(&format!(
            "SELECT a.id AS area_id, a.name AS area, COUNT(*) AS coworkers, \
             COALESCE(SUM(CASE WHEN c.last_contact_at >= $2 THEN 1 ELSE 0 END), 0) AS talked_to \
             FROM coworkers c JOIN areas a ON a.id = c.area_id \
             WHERE c.campaign_id = $1 AND {ON_CHART} GROUP BY a.id, a.name"
        ))
        .bind(campaign_id)
        .bind(now - Duration::days(reach_days))
        .fetch_all(&self.pool)
        .await
        .db()?
        .into_iter()
        .map(|r| AreaReach {
            area_id: r.area_id,
            area: r.area,
            coworkers: r.coworkers,
            talked_to: r.talked_to,
        })
        .collect();
        Ok(Dashboard {
            coworkers,
            supporters,
            assessed,
            stale,
            stale_days: settings.stale_days,
            target: settings.support_target,
            follow_ups_overdue,
            commitments_overdue,
            week_of,
            by_organizer,
            weakest_areas: areas,
            reach_days,
            latest_test: None,
        })
    }
}

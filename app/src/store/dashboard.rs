//! The leads' dashboard. (Its SQL: `server/src/store/sql/dashboard.rs`.)

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::domain::dashboard::Dashboard;
use crate::domain::organizing::CampaignSettings;

/// The leads' dashboard: a handful of campaign-wide counts (the shares are computed in
/// `domain::dashboard`).
#[async_trait]
pub trait Dashboards: Send + Sync {
    /// The counts as of `now`: weeks start on `week_of` (a Monday), a rating is stale
    /// when older than `stale_days`, and an area's reach counts contacts in the last
    /// `reach_days` days. `weakest_areas` comes back with every area, unranked.
    async fn dashboard(
        &self,
        campaign: CampaignKey,
        now: DateTime<Utc>,
        week_of: NaiveDate,
        settings: &CampaignSettings,
        reach_days: i64,
    ) -> StoreResult<Dashboard>;
    /// The campaign's chart version: every committed change raises it (with its audit
    /// row), so what is made only from the chart can be kept while it stays.
    async fn chart_version(&self, campaign: CampaignKey) -> StoreResult<i64>;
}

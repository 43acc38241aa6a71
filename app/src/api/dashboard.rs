//! The leads' dashboard: where the campaign stands against its target this week.

use leptos::prelude::*;

use crate::domain::dashboard::Dashboard;
use crate::error::AppError;

/// Contacts counted in an area's reach on the dashboard.
pub const REACH_DAYS: i64 = 30;

/// The dashboard (leads). One `dashboard.read` row per visit.
#[server(prefix = "/api", endpoint = "pages/dashboard")]
pub async fn dashboard_page(campaign_id: i64) -> Result<Dashboard, AppError> {
    use crate::domain::dashboard::week_start;
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let store = member.store();
    let version = store.chart_version(member.campaign()).await?;
    let kept = &crate::state::app_state()?.dashboards;
    let build = async {
        let settings = store.campaign_settings(member.campaign()).await?;
        let now = chrono::Utc::now();
        let mut board = store
            .dashboard(
                member.campaign(),
                now,
                week_start(now.date_naive()),
                &settings,
                REACH_DAYS,
            )
            .await?;
        board.weakest_areas = Dashboard::rank_weakest(board.weakest_areas);
        // The test opened last (the list comes in the order they opened, planned ones last).
        board.latest_test = store
            .structure_tests(member.campaign(), None)
            .await?
            .into_iter()
            .rev()
            .find(|(t, _)| t.opened_at.is_some())
            .map(|(t, c)| {
                crate::domain::structure::TimelineEntry::new(
                    t,
                    c,
                    crate::domain::disclosure::Policy::Exact,
                )
            });
        Ok::<_, AppError>(board)
    };
    let board = kept
        .get_or_build((campaign_id, version), build, |&(c, v)| {
            c == campaign_id && v != version
        })
        .await?;
    member.audit("dashboard.read", "", detail(&board)).await?;
    Ok(board)
}

/// The dashboard's audit detail.
#[cfg(feature = "ssr")]
fn detail(board: &Dashboard) -> String {
    format!(
        "coworkers={} supporters={}",
        board.coworkers, board.supporters
    )
}

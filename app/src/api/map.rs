//! The workplace map: areas and shifts (leads build them), the floor plan, the chart.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use self::ssr::*;

use serde::{Deserialize, Serialize};

use crate::domain::{Area, AreaStats, CoworkerSummary, Shift};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::domain::fields::{checked, optional_id};

/// Area names and ids are not about people: any member may read them.
#[server(prefix = "/api", endpoint = "areas/list")]
pub async fn list_areas(campaign_id: i64) -> Result<Vec<Area>, AppError> {
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    Ok(member.store().list_areas(member.campaign()).await?)
}

#[server(prefix = "/api", endpoint = "areas/create")]
pub async fn create_area(
    campaign_id: i64,
    name: String,
    #[server(default)] parent_id: String,
) -> Result<Area, AppError> {
    use crate::domain::{fields::parse_name, Role};
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let name = parse_name(&name, "name", "area", 120)?;
    let parent = optional_id(&parent_id, "parent_id")?;
    let area = member
        .store()
        .create_area(
            member.campaign(),
            &name,
            parent,
            &member.event("area.created", "area:{id}", ""),
        )
        .await
        .map_err(|e| {
            AppError::from(e).not_found_as("parent_id", "That parent area is not in this campaign.")
        })?;
    Ok(area)
}

#[server(prefix = "/api", endpoint = "shifts/list")]
pub async fn list_shifts(campaign_id: i64) -> Result<Vec<Shift>, AppError> {
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    Ok(member.store().list_shifts(member.campaign()).await?)
}

#[server(prefix = "/api", endpoint = "shifts/create")]
pub async fn create_shift(campaign_id: i64, name: String) -> Result<Shift, AppError> {
    use crate::domain::{fields::parse_name, Role};
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let name = parse_name(&name, "name", "shift", 60)?;
    let event = member.event("shift.created", "shift:{id}", "");
    let shift = member
        .store()
        .create_shift(member.campaign(), &name, &event)
        .await?;
    Ok(shift)
}

/// Renames, moves, retires or places an area on the floor-plan grid. Leads only.
#[server(prefix = "/api", endpoint = "areas/update")]
pub async fn update_area(
    campaign_id: i64,
    area_id: i64,
    name: String,
    #[server(default)] parent_id: String,
    #[server(default)] retired: String,
    #[server(default)] grid_x: String,
    #[server(default)] grid_y: String,
    #[server(default)] grid_w: String,
    #[server(default)] grid_h: String,
) -> Result<Area, AppError> {
    use crate::domain::{fields::parse_name, GridBox, Role};
    use crate::store::AreaChange;
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let change = AreaChange {
        name: parse_name(&name, "name", "area", 120)?,
        parent_id: optional_id(&parent_id, "parent_id")?,
        retired: checked(&retired),
        grid: GridBox::parse(&grid_x, &grid_y, &grid_w, &grid_h)?,
    };
    if change.parent_id == Some(area_id) {
        return Err(AppError::validation(
            "parent_id",
            "An area cannot sit inside itself.",
        ));
    }
    let area = member
        .store()
        .update_area(
            member.campaign(),
            area_id,
            &change,
            &member.event(
                "area.updated",
                format!("area:{area_id}"),
                if change.retired { "retired" } else { "" },
            ),
        )
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(msg) => AppError::validation("parent_id", msg),
            other => other,
        })?;
    Ok(area)
}

/// Head counts and support per area, for the floor-plan picture. Aggregates only,
/// so any member may read them.
#[server(prefix = "/api", endpoint = "areas/stats")]
pub async fn floor_plan(campaign_id: i64) -> Result<Vec<AreaStats>, AppError> {
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    let store = member.store();
    visible_stats(
        &member,
        store
            .area_stats(member.campaign(), member.own_scope())
            .await?,
    )
    .await
}

/// Someone coworkers can be filtered by on the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizerOption {
    pub user_id: i64,
    pub label: String,
}

/// The wall chart: areas, shifts, and the coworkers in the caller's scope that match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub areas: Vec<Area>,
    pub shifts: Vec<Shift>,
    pub coworkers: Vec<CoworkerSummary>,
    /// How many the caller could see before the filter.
    pub in_scope: usize,
    pub organizers: Vec<OrganizerOption>,
    pub is_lead: bool,
}

#[server(prefix = "/api", endpoint = "chart/get")]
pub async fn get_chart(
    campaign_id: i64,
    #[server(default)] q: String,
    #[server(default)] rating: String,
    #[server(default)] tag: String,
    #[server(default)] organizer: String,
) -> Result<Chart, AppError> {
    use crate::domain::{ChartFilter, Role};
    let member = crate::auth::require_member(campaign_id, Role::Organizer).await?;
    let scope = member.scope()?;
    let filter = ChartFilter {
        q,
        rating,
        tag,
        organizer,
    };
    let chart = chart_in_scope(&member, scope, &filter).await?;
    member
        .audit("chart.read", "", format!("rows={}", chart.coworkers.len()))
        .await?;
    Ok(chart)
}

// --- Page loads: one server function per page, at the end of the file on purpose ---
// Each authorizes once, runs its reads together and writes at most one audit row.

use crate::domain::{ChartFilter, LeaderReach};

/// What the map page shows: areas, shifts and the floor plan's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapPageData {
    pub areas: Vec<Area>,
    pub shifts: Vec<Shift>,
    pub plan: Vec<AreaStats>,
}

/// The workplace map page. Names of places and aggregates only, so any member may read
/// it (as `areas/list`, `shifts/list` and `areas/stats`), and it is not audited.
#[server(prefix = "/api", endpoint = "pages/map")]
pub async fn map_page(campaign_id: i64) -> Result<MapPageData, AppError> {
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    let store = member.store();
    let (areas, shifts, stats) = tokio::try_join!(
        store.list_areas(member.campaign()),
        store.list_shifts(member.campaign()),
        store.area_stats(member.campaign(), member.own_scope()),
    )?;
    Ok(MapPageData {
        areas,
        shifts,
        plan: visible_stats(&member, stats).await?,
    })
}

/// What the chart page shows: the chart, and whom its organic leaders reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartPageData {
    pub chart: Chart,
    pub leaders: Vec<LeaderReach>,
}

/// The chart page, narrowed by `filter` (the page's GET form). One `chart.read` row
/// per visit.
#[server(prefix = "/api", endpoint = "pages/chart")]
pub async fn chart_page(
    campaign_id: i64,
    #[server(default)] filter: ChartFilter,
) -> Result<ChartPageData, AppError> {
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Organizer).await?;
    let scope = member.scope()?;
    let leaders =
        async { Ok::<_, AppError>(member.store().leader_reach(member.campaign()).await?) };
    let (chart, leaders) = tokio::try_join!(chart_in_scope(&member, scope, &filter), leaders)?;
    let leaders: Vec<LeaderReach> = leaders
        .into_iter()
        .filter(|l| scope.allows(l.area_id, l.assigned_organizer))
        .collect();
    member
        .audit(
            "chart.read",
            "",
            format!("rows={} leaders={}", chart.coworkers.len(), leaders.len()),
        )
        .await?;
    Ok(ChartPageData { chart, leaders })
}

/// Server-only helpers of this file.
#[cfg(feature = "ssr")]
mod ssr {
    use super::*;

    /// The floor plan's figures as `member` may see them, through the disclosure policy:
    /// an area's own people are within an organizer's scope when it is one of their areas;
    /// everything else is counted campaign-wide.
    pub(super) async fn visible_stats(
        member: &crate::auth::InCampaign,
        stats: Vec<AreaStats>,
    ) -> Result<Vec<AreaStats>, AppError> {
        let disclosure = member.disclosure().await?;
        Ok(stats
            .into_iter()
            .map(|s| {
                let policy = if member.member.area_ids.contains(&s.area.id) {
                    disclosure.in_scope()
                } else {
                    disclosure.campaign_wide()
                };
                s.seen_by(policy)
            })
            .collect())
    }

    /// The chart for `member`: the coworkers in `scope` that match `filter`, the areas and
    /// shifts, and whom the filter can name as organizer.
    pub(super) async fn chart_in_scope(
        member: &crate::auth::InCampaign,
        scope: &crate::domain::CoworkerScope,
        filter: &ChartFilter,
    ) -> Result<Chart, AppError> {
        use crate::domain::Role;
        let store = member.store();
        let is_lead = member.role() == Role::Lead;
        let members = async {
            if is_lead {
                store.list_members(member.campaign()).await
            } else {
                Ok(Vec::new())
            }
        };
        let (all, members, areas, shifts) = tokio::try_join!(
            store.list_coworkers(member.campaign(), scope),
            members,
            store.list_areas(member.campaign()),
            store.list_shifts(member.campaign()),
        )?;
        let in_scope = all.len();
        let coworkers: Vec<CoworkerSummary> = if filter.is_empty() {
            all
        } else {
            all.into_iter().filter(|c| filter.matches(c)).collect()
        };
        let organizers = if is_lead {
            members
                .into_iter()
                .filter(|m| m.role != Role::Viewer)
                .map(|m| OrganizerOption {
                    user_id: m.user_id,
                    label: m.email,
                })
                .collect()
        } else {
            vec![OrganizerOption {
                user_id: member.user_id(),
                label: "Assigned to me".into(),
            }]
        };
        Ok(Chart {
            areas,
            shifts,
            coworkers,
            in_scope,
            organizers,
            is_lead,
        })
    }
}

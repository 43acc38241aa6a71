//! The workplace map: areas and shifts (leads build them), the floor plan, the chart.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use serde::{Deserialize, Serialize};

use crate::domain::{Area, AreaStats, CoworkerSummary, Shift};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::domain::workplace::{checked, optional_id};

/// Area names and ids are not about people: any member may read them.
#[server(prefix = "/api", endpoint = "areas/list")]
pub async fn list_areas(campaign_id: i64) -> Result<Vec<Area>, AppError> {
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    Ok(member.store().list_areas(campaign_id).await?)
}

#[server(prefix = "/api", endpoint = "areas/create")]
pub async fn create_area(
    campaign_id: i64,
    name: String,
    #[server(default)] parent_id: String,
) -> Result<Area, AppError> {
    use crate::domain::{workplace::parse_name, Role};
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let name = parse_name(&name, "name", "area", 120)?;
    let parent = optional_id(&parent_id, "parent_id")?;
    let area = member
        .store()
        .create_area(
            campaign_id,
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
    Ok(member.store().list_shifts(campaign_id).await?)
}

#[server(prefix = "/api", endpoint = "shifts/create")]
pub async fn create_shift(campaign_id: i64, name: String) -> Result<Shift, AppError> {
    use crate::domain::{workplace::parse_name, Role};
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let name = parse_name(&name, "name", "shift", 60)?;
    let event = member.event("shift.created", "shift:{id}", "");
    let shift = member
        .store()
        .create_shift(campaign_id, &name, &event)
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
    use crate::domain::{workplace::parse_name, GridBox, Role};
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
            campaign_id,
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
    let stats = member.store().area_stats(campaign_id).await?;
    if member.role() == Role::Lead {
        return Ok(stats);
    }
    // Viewers, and organizers outside their own areas, could read a small group's
    // counts as the ratings of the people in it: those are withheld.
    let min = member
        .store()
        .campaign_settings(campaign_id)
        .await?
        .min_group_size;
    Ok(stats
        .into_iter()
        .map(|s| {
            if member.role() == Role::Organizer && member.member.area_ids.contains(&s.area.id) {
                s
            } else {
                s.suppressed_below(min)
            }
        })
        .collect())
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
    let store = &member.store();
    let all = store.list_coworkers(campaign_id, scope).await?;
    let in_scope = all.len();
    let coworkers: Vec<CoworkerSummary> = if filter.is_empty() {
        all
    } else {
        all.into_iter().filter(|c| filter.matches(c)).collect()
    };
    let is_lead = member.role() == Role::Lead;
    let organizers = if is_lead {
        store
            .list_members(campaign_id)
            .await?
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
    member
        .audit("chart.read", "", format!("rows={}", coworkers.len()))
        .await?;
    Ok(Chart {
        areas: store.list_areas(campaign_id).await?,
        shifts: store.list_shifts(campaign_id).await?,
        coworkers,
        in_scope,
        organizers,
        is_lead,
    })
}

//! The workplace map: areas and shifts (leads build them), coworkers (scoped).

use leptos::prelude::*;

use crate::domain::{Area, CoworkerSummary, Shift};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn optional_id(raw: &str, field: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .map(Some)
        .map_err(|_| AppError::validation(field, format!("'{raw}' is not a valid choice.")))
}

/// Area names and ids are not about people: any member may read them.
#[server(prefix = "/api", endpoint = "areas/list")]
pub async fn list_areas(campaign_id: i64) -> Result<Vec<Area>, AppError> {
    use crate::domain::Role;
    let (caller, _) = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    Ok(caller.state.store.list_areas(campaign_id).await?)
}

#[server(prefix = "/api", endpoint = "areas/create")]
pub async fn create_area(
    campaign_id: i64,
    name: String,
    #[server(default)] parent_id: String,
) -> Result<Area, AppError> {
    use crate::domain::{workplace::parse_name, Role};
    let (caller, _) = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let name = parse_name(&name, "name", "area", 120)?;
    let parent = optional_id(&parent_id, "parent_id")?;
    let area = caller
        .state
        .store
        .create_area(campaign_id, &name, parent)
        .await
        .map_err(|e| {
            AppError::from(e).not_found_as("parent_id", "That parent area is not in this campaign.")
        })?;
    caller
        .audit(
            Some(campaign_id),
            "area.created",
            format!("area:{}", area.id),
            "",
        )
        .await?;
    Ok(area)
}

#[server(prefix = "/api", endpoint = "shifts/list")]
pub async fn list_shifts(campaign_id: i64) -> Result<Vec<Shift>, AppError> {
    use crate::domain::Role;
    let (caller, _) = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    Ok(caller.state.store.list_shifts(campaign_id).await?)
}

#[server(prefix = "/api", endpoint = "shifts/create")]
pub async fn create_shift(campaign_id: i64, name: String) -> Result<Shift, AppError> {
    use crate::domain::{workplace::parse_name, Role};
    let (caller, _) = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let name = parse_name(&name, "name", "shift", 60)?;
    let shift = caller.state.store.create_shift(campaign_id, &name).await?;
    caller
        .audit(
            Some(campaign_id),
            "shift.created",
            format!("shift:{}", shift.id),
            "",
        )
        .await?;
    Ok(shift)
}

/// The coworkers the caller may see: all for leads; for organizers, their areas and
/// assignees; viewers see no names. Every list read is audited.
#[server(prefix = "/api", endpoint = "coworkers/list")]
pub async fn list_coworkers(campaign_id: i64) -> Result<Vec<CoworkerSummary>, AppError> {
    use crate::domain::{CoworkerScope, Role};
    let (caller, member) = crate::auth::require_member(campaign_id, Role::Organizer).await?;
    let scope = CoworkerScope::of(&member).ok_or(AppError::Forbidden)?;
    let list = caller
        .state
        .store
        .list_coworkers(campaign_id, &scope)
        .await?;
    caller
        .audit(
            Some(campaign_id),
            "coworkers.list_read",
            "",
            format!("rows={}", list.len()),
        )
        .await?;
    Ok(list)
}

/// One coworker, if in the caller's scope (out of scope answers NotFound).
#[server(prefix = "/api", endpoint = "coworkers/get")]
pub async fn get_coworker(campaign_id: i64, coworker_id: i64) -> Result<CoworkerSummary, AppError> {
    use crate::domain::{CoworkerScope, Role};
    let (caller, member) = crate::auth::require_member(campaign_id, Role::Organizer).await?;
    let scope = CoworkerScope::of(&member).ok_or(AppError::Forbidden)?;
    let coworker = caller
        .state
        .store
        .coworker(campaign_id, coworker_id)
        .await?
        .filter(|c| scope.allows(c.area_id, c.assigned_organizer))
        .ok_or(AppError::NotFound)?;
    caller
        .audit(
            Some(campaign_id),
            "coworker.read",
            format!("coworker:{coworker_id}"),
            "",
        )
        .await?;
    Ok(coworker)
}

/// Adds a coworker. Organizers may add only into their own areas.
#[server(prefix = "/api", endpoint = "coworkers/create")]
pub async fn create_coworker(
    campaign_id: i64,
    name: String,
    #[server(default)] area_id: String,
    #[server(default)] shift_id: String,
    #[server(default)] job_title: String,
) -> Result<CoworkerSummary, AppError> {
    use crate::domain::{workplace::parse_name, CoworkerScope, Role};
    use crate::store::NewCoworker;
    let (caller, member) = crate::auth::require_member(campaign_id, Role::Organizer).await?;
    let scope = CoworkerScope::of(&member).ok_or(AppError::Forbidden)?;
    let name = parse_name(&name, "name", "coworker", 200)?;
    let area_id = optional_id(&area_id, "area_id")?;
    let shift_id = optional_id(&shift_id, "shift_id")?;
    let job_title = job_title.trim().to_owned();
    if job_title.chars().count() > 120 {
        return Err(AppError::validation(
            "job_title",
            "A job title can be at most 120 characters.",
        ));
    }
    if !scope.allows(area_id, None) {
        // Outside the organizer's areas: the same refusal as any out-of-scope access.
        return Err(AppError::Forbidden);
    }
    let coworker = caller
        .state
        .store
        .create_coworker(
            campaign_id,
            &NewCoworker {
                name,
                area_id,
                shift_id,
                job_title,
                assigned_organizer: None,
            },
        )
        .await
        .map_err(|e| {
            AppError::from(e).not_found_as("area_id", "That area or shift is not in this campaign.")
        })?;
    caller
        .audit(
            Some(campaign_id),
            "coworker.created",
            format!("coworker:{}", coworker.id),
            "",
        )
        .await?;
    Ok(coworker)
}

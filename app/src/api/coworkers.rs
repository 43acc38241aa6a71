//! Coworkers on the chart (scoped to the caller) and the ties between them.
//!
//! Leads reach the whole campaign; organizers their areas and assignees (an
//! out-of-scope coworker answers NotFound, as if absent); viewers see no names.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::domain::{Coworker, CoworkerSummary, LeaderReach, Tie};
use crate::error::AppError;

/// An optional id from a form's `<select>`: `""` is none.
#[cfg(feature = "ssr")]
pub(crate) fn optional_id(raw: &str, field: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .map(Some)
        .map_err(|_| AppError::validation(field, format!("'{raw}' is not a valid choice.")))
}

/// A checkbox: browsers send "on" when ticked and nothing otherwise.
#[cfg(feature = "ssr")]
pub(crate) fn checked(raw: &str) -> bool {
    matches!(raw.trim(), "on" | "true" | "1" | "yes")
}

/// The caller's scope in a campaign, or Forbidden for viewers.
#[cfg(feature = "ssr")]
async fn scoped(
    campaign_id: i64,
) -> Result<
    (
        crate::auth::Caller,
        crate::domain::Member,
        crate::domain::CoworkerScope,
    ),
    AppError,
> {
    use crate::domain::{CoworkerScope, Role};
    let (caller, member) = crate::auth::require_member(campaign_id, Role::Organizer).await?;
    let scope = CoworkerScope::of(&member).ok_or(AppError::Forbidden)?;
    Ok((caller, member, scope))
}

/// The whole record of a coworker in scope (archived ones too), or NotFound.
#[cfg(feature = "ssr")]
async fn coworker_in_scope(
    caller: &crate::auth::Caller,
    scope: &crate::domain::CoworkerScope,
    campaign_id: i64,
    coworker_id: i64,
) -> Result<Coworker, AppError> {
    caller
        .state
        .store
        .coworker_detail(campaign_id, coworker_id)
        .await?
        .filter(|c| scope.allows(c.fields.area_id, c.fields.assigned_organizer))
        .ok_or(AppError::NotFound)
}

/// The coworkers the caller may see: all for leads; for organizers, their areas and
/// assignees; viewers see no names. Every list read is audited.
#[server(prefix = "/api", endpoint = "coworkers/list")]
pub async fn list_coworkers(campaign_id: i64) -> Result<Vec<CoworkerSummary>, AppError> {
    let (caller, _, scope) = scoped(campaign_id).await?;
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

/// One coworker's whole record, if in the caller's scope (out of scope answers NotFound).
#[server(prefix = "/api", endpoint = "coworkers/get")]
pub async fn get_coworker(campaign_id: i64, coworker_id: i64) -> Result<Coworker, AppError> {
    let (caller, _, scope) = scoped(campaign_id).await?;
    let coworker = coworker_in_scope(&caller, &scope, campaign_id, coworker_id).await?;
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
    use crate::domain::workplace::{parse_name, parse_text};
    use crate::domain::CoworkerFields;
    let (caller, _, scope) = scoped(campaign_id).await?;
    let mut fields = CoworkerFields::named(
        parse_name(&name, "name", "coworker", 200)?,
        optional_id(&area_id, "area_id")?,
        optional_id(&shift_id, "shift_id")?,
    );
    fields.job_title = parse_text(&job_title, "job_title", "A job title", 120)?;
    if !scope.allows(fields.area_id, None) {
        // Outside the organizer's areas: the same refusal as any out-of-scope access.
        return Err(AppError::Forbidden);
    }
    let coworker = caller
        .state
        .store
        .create_coworker(
            campaign_id,
            &fields,
            &caller.event(Some(campaign_id), "coworker.created", "coworker:{id}", ""),
        )
        .await
        .map_err(|e| {
            AppError::from(e).not_found_as("area_id", "That area or shift is not in this campaign.")
        })?;
    Ok(coworker)
}

/// Edits a coworker in scope. Organizers cannot reassign (leads assign coworkers to
/// organizers) and cannot move someone out of their own scope.
#[server(prefix = "/api", endpoint = "coworkers/update")]
pub async fn update_coworker(
    campaign_id: i64,
    coworker_id: i64,
    name: String,
    #[server(default)] area_id: String,
    #[server(default)] shift_id: String,
    #[server(default)] job_title: String,
    #[server(default)] employee_ref: String,
    #[server(default)] phone: String,
    #[server(default)] email: String,
    #[server(default)] language: String,
    #[server(default)] tags: String,
    #[server(default)] organic_leader: String,
    #[server(default)] committee_member: String,
    #[server(default)] assigned_organizer: String,
    #[server(default)] employment_status: String,
    #[server(default)] notes: String,
) -> Result<(), AppError> {
    use crate::domain::workplace::{parse_email, parse_name, parse_phone, parse_tags, parse_text};
    use crate::domain::{Choice, CoworkerFields, EmploymentStatus, Role};
    let (caller, member, scope) = scoped(campaign_id).await?;
    let current = coworker_in_scope(&caller, &scope, campaign_id, coworker_id).await?;
    let assigned_organizer = if member.role == Role::Lead {
        optional_id(&assigned_organizer, "assigned_organizer")?
    } else {
        current.fields.assigned_organizer
    };
    let fields = CoworkerFields {
        name: parse_name(&name, "name", "coworker", 200)?,
        area_id: optional_id(&area_id, "area_id")?,
        shift_id: optional_id(&shift_id, "shift_id")?,
        job_title: parse_text(&job_title, "job_title", "A job title", 120)?,
        employee_ref: parse_text(&employee_ref, "employee_ref", "An employee ID", 60)?,
        phone: parse_phone(&phone)?,
        email: parse_email(&email)?,
        language: parse_text(&language, "language", "A language", 60)?,
        tags: parse_tags(&tags)?,
        organic_leader: checked(&organic_leader),
        committee_member: checked(&committee_member),
        assigned_organizer,
        employment_status: if employment_status.is_empty() {
            current.fields.employment_status
        } else {
            EmploymentStatus::parse(&employment_status).ok_or_else(|| {
                AppError::validation("employment_status", "Choose an employment status.")
            })?
        },
        notes: parse_text(&notes, "notes", "Notes", 4000)?,
    };
    if !scope.allows(fields.area_id, fields.assigned_organizer) {
        return Err(AppError::validation(
            "area_id",
            "That area is outside the areas you organize; ask a lead to move this coworker.",
        ));
    }
    caller
        .state
        .store
        .update_coworker(
            campaign_id,
            coworker_id,
            &fields,
            &caller.event(
                Some(campaign_id),
                "coworker.updated",
                format!("coworker:{coworker_id}"),
                "",
            ),
        )
        .await
        .map_err(|e| {
            AppError::from(e).not_found_as(
                "area_id",
                "That area, shift or organizer is not in this campaign.",
            )
        })?;
    if crate::auth::is_plain_form_post() {
        // Back to the page, which says "Saved." (without JavaScript there is no answer to read).
        leptos_axum::redirect(&format!(
            "/campaigns/{campaign_id}/coworkers/{coworker_id}?saved=1"
        ));
    }
    Ok(())
}

/// Archives a coworker (off the chart, history kept) or brings them back. Leads only.
#[server(prefix = "/api", endpoint = "coworkers/archive")]
pub async fn archive_coworker(
    campaign_id: i64,
    coworker_id: i64,
    #[server(default)] restore: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    let (caller, _) = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let archive = !checked(&restore);
    caller
        .state
        .store
        .set_archived(
            campaign_id,
            coworker_id,
            archive,
            &caller.event(
                Some(campaign_id),
                if archive {
                    "coworker.archived"
                } else {
                    "coworker.restored"
                },
                format!("coworker:{coworker_id}"),
                "",
            ),
        )
        .await?;
    Ok(())
}

/// A coworker's ties to others the caller may also see.
#[server(prefix = "/api", endpoint = "ties/list")]
pub async fn list_ties(campaign_id: i64, coworker_id: i64) -> Result<Vec<Tie>, AppError> {
    let (caller, _, scope) = scoped(campaign_id).await?;
    coworker_in_scope(&caller, &scope, campaign_id, coworker_id).await?;
    let ties: Vec<Tie> = caller
        .state
        .store
        .ties(campaign_id, coworker_id)
        .await?
        .into_iter()
        .filter(|t| scope.allows(t.other_area_id, t.other_assigned))
        .collect();
    caller
        .audit(
            Some(campaign_id),
            "ties.read",
            format!("coworker:{coworker_id}"),
            format!("rows={}", ties.len()),
        )
        .await?;
    Ok(ties)
}

/// Records a tie. `other` is a coworker number, or text ending in "#123" (the
/// suggestion list's format), so the form works without JavaScript.
#[server(prefix = "/api", endpoint = "ties/add")]
pub async fn add_tie(
    campaign_id: i64,
    coworker_id: i64,
    other: String,
    kind: String,
) -> Result<i64, AppError> {
    use crate::domain::{Choice, TieKind};
    use crate::store::NewTie;
    let (caller, _, scope) = scoped(campaign_id).await?;
    let kind = TieKind::parse(&kind)
        .ok_or_else(|| AppError::validation("kind", "Choose what kind of tie this is."))?;
    let other_id = parse_coworker_ref(&other)?;
    if other_id == coworker_id {
        return Err(AppError::validation(
            "other",
            "A coworker cannot have a tie to themselves.",
        ));
    }
    coworker_in_scope(&caller, &scope, campaign_id, coworker_id).await?;
    coworker_in_scope(&caller, &scope, campaign_id, other_id)
        .await
        .map_err(|e| e.not_found_as("other", "No coworker you can see has that number."))?;
    let id = caller
        .state
        .store
        .add_tie(
            campaign_id,
            &NewTie {
                from_id: coworker_id,
                to_id: other_id,
                kind,
                created_by: Some(caller.user.id),
            },
            &caller.event(
                Some(campaign_id),
                "tie.added",
                format!("coworker:{coworker_id}"),
                format!("tie:{{id}} {} coworker:{other_id}", kind.key()),
            ),
        )
        .await?;
    Ok(id)
}

/// The organic leaders the caller may see, and how many coworkers listen to each: the
/// map of who reaches whom. Counts only: listeners outside the caller's scope are not named.
#[server(prefix = "/api", endpoint = "leaders/reach")]
pub async fn organic_leaders(campaign_id: i64) -> Result<Vec<LeaderReach>, AppError> {
    let (caller, _, scope) = scoped(campaign_id).await?;
    let leaders: Vec<LeaderReach> = caller
        .state
        .store
        .leader_reach(campaign_id)
        .await?
        .into_iter()
        .filter(|l| scope.allows(l.area_id, l.assigned_organizer))
        .collect();
    caller
        .audit(
            Some(campaign_id),
            "leaders.read",
            "",
            format!("rows={}", leaders.len()),
        )
        .await?;
    Ok(leaders)
}

#[cfg(feature = "ssr")]
fn parse_coworker_ref(raw: &str) -> Result<i64, AppError> {
    let raw = raw.trim();
    let digits = raw.rsplit_once('#').map_or(raw, |(_, id)| id).trim();
    digits.parse::<i64>().map_err(|_| {
        AppError::validation(
            "other",
            "Pick a coworker from the suggestions (their name and #number).",
        )
    })
}

#[server(prefix = "/api", endpoint = "ties/remove")]
pub async fn remove_tie(campaign_id: i64, tie_id: i64) -> Result<(), AppError> {
    let (caller, _, scope) = scoped(campaign_id).await?;
    let (from, to) = caller
        .state
        .store
        .tie_ends(campaign_id, tie_id)
        .await?
        .ok_or(AppError::NotFound)?;
    coworker_in_scope(&caller, &scope, campaign_id, from).await?;
    coworker_in_scope(&caller, &scope, campaign_id, to).await?;
    let event = caller.event(
        Some(campaign_id),
        "tie.removed",
        format!("coworker:{from}"),
        format!("tie:{tie_id} coworker:{to}"),
    );
    caller
        .state
        .store
        .remove_tie(campaign_id, tie_id, &event)
        .await?;
    Ok(())
}

// --- Page loads: one server function per page, at the end of the file on purpose ---
// Each authorizes once, runs its reads together and writes one audit row.

use crate::api::organizing::History;
use crate::domain::{Area, MemberSummary, Shift};

/// Everything the coworker page shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CoworkerPageData {
    pub coworker: Coworker,
    pub history: History,
    /// Ties to coworkers the caller may also see.
    pub ties: Vec<Tie>,
    pub areas: Vec<Area>,
    pub shifts: Vec<Shift>,
    /// Same-area coworkers in scope, for the tie suggestions.
    pub nearby: Vec<CoworkerSummary>,
    /// Leads only: who coworkers can be assigned to.
    pub organizers: Option<Vec<MemberSummary>>,
}

/// The coworker page: the record, history, ties and the form's choices. Out of scope
/// answers NotFound; viewers are Forbidden. One `coworker.read` row per visit.
#[server(prefix = "/api", endpoint = "pages/coworker")]
pub async fn coworker_page(
    campaign_id: i64,
    coworker_id: i64,
) -> Result<CoworkerPageData, AppError> {
    use crate::domain::Role;
    let (caller, member, scope) = scoped(campaign_id).await?;
    let coworker = coworker_in_scope(&caller, &scope, campaign_id, coworker_id).await?;
    let store = &caller.state.store;
    let members = async {
        if member.role == Role::Lead {
            store.list_members(campaign_id).await.map(Some)
        } else {
            Ok(None)
        }
    };
    let (ties, areas, shifts, in_scope, members, ratings, conversations, commitments) = tokio::try_join!(
        store.ties(campaign_id, coworker_id),
        store.list_areas(campaign_id),
        store.list_shifts(campaign_id),
        store.list_coworkers(campaign_id, &scope),
        members,
        store.assessments(campaign_id, coworker_id),
        store.conversations(campaign_id, coworker_id),
        store.open_commitments(campaign_id, coworker_id),
    )?;
    let ties: Vec<Tie> = ties
        .into_iter()
        .filter(|t| scope.allows(t.other_area_id, t.other_assigned))
        .collect();
    let area = coworker.fields.area_id;
    let nearby: Vec<CoworkerSummary> = in_scope
        .into_iter()
        .filter(|c| c.id != coworker_id && c.area_id == area)
        .collect();
    let history = History {
        ratings,
        conversations,
        commitments,
    };
    caller
        .audit(
            Some(campaign_id),
            "coworker.read",
            format!("coworker:{coworker_id}"),
            format!(
                "page ratings={} conversations={} ties={} nearby={}",
                history.ratings.len(),
                history.conversations.len(),
                ties.len(),
                nearby.len()
            ),
        )
        .await?;
    Ok(CoworkerPageData {
        coworker,
        history,
        ties,
        areas,
        shifts,
        nearby,
        organizers: members.map(|all| all.into_iter().filter(|m| m.role != Role::Viewer).collect()),
    })
}

/// What the coworkers page shows: the coworkers in scope, and the add form's choices.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CoworkersPageData {
    pub coworkers: Vec<CoworkerSummary>,
    pub areas: Vec<Area>,
    pub shifts: Vec<Shift>,
}

/// The coworkers page. One `coworkers.list_read` row per visit.
#[server(prefix = "/api", endpoint = "pages/coworkers")]
pub async fn coworkers_page(campaign_id: i64) -> Result<CoworkersPageData, AppError> {
    let (caller, _, scope) = scoped(campaign_id).await?;
    let store = &caller.state.store;
    let (coworkers, areas, shifts) = tokio::try_join!(
        store.list_coworkers(campaign_id, &scope),
        store.list_areas(campaign_id),
        store.list_shifts(campaign_id),
    )?;
    caller
        .audit(
            Some(campaign_id),
            "coworkers.list_read",
            "",
            format!("rows={}", coworkers.len()),
        )
        .await?;
    Ok(CoworkersPageData {
        coworkers,
        areas,
        shifts,
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn tie_targets_read_from_the_suggestion_format() {
        assert_eq!(parse_coworker_ref("Ana Lopez #42").unwrap(), 42);
        assert_eq!(parse_coworker_ref(" 7 ").unwrap(), 7);
        assert!(parse_coworker_ref("Ana Lopez").is_err());
    }
}

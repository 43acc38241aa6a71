//! Coworkers on the chart (scoped to the caller) and the ties between them.
//!
//! Leads reach the whole campaign; organizers their areas and assignees (an
//! out-of-scope coworker answers NotFound, as if absent); viewers see no names.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use self::ssr::*;
use crate::domain::workplace::CoworkerForm;
use crate::domain::{Coworker, CoworkerSummary, LeaderReach, Tie};
use crate::error::AppError;

/// The coworkers the caller may see: all for leads; for organizers, their areas and
/// assignees; viewers see no names. Every list read is audited.
#[server(prefix = "/api", endpoint = "coworkers/list")]
pub async fn list_coworkers(campaign_id: i64) -> Result<Vec<CoworkerSummary>, AppError> {
    let member = organizer(campaign_id).await?;
    let list = member
        .store()
        .list_coworkers(member.campaign(), member.scope()?)
        .await?;
    member
        .audit("coworkers.list_read", "", format!("rows={}", list.len()))
        .await?;
    Ok(list)
}

/// One coworker's whole record, if in the caller's scope (out of scope answers NotFound).
#[server(prefix = "/api", endpoint = "coworkers/get")]
pub async fn get_coworker(campaign_id: i64, coworker_id: i64) -> Result<Coworker, AppError> {
    let member = organizer(campaign_id).await?;
    let coworker = member.coworker(coworker_id).await?;
    member
        .audit("coworker.read", format!("coworker:{coworker_id}"), "")
        .await?;
    Ok(coworker)
}

/// Adds a coworker. Organizers may add only into their own areas.
#[server(prefix = "/api", endpoint = "coworkers/create")]
pub async fn create_coworker(
    campaign_id: i64,
    #[server(flatten)] form: CoworkerForm,
) -> Result<CoworkerSummary, AppError> {
    use crate::domain::Role;
    let member = organizer(campaign_id).await?;
    let fields = form.parse(None, member.role() == Role::Lead)?;
    if !member.scope()?.allows(fields.area_id, None) {
        // Outside the organizer's areas: the same refusal as any out-of-scope access.
        return Err(AppError::Forbidden);
    }
    let event = member.event("coworker.created", "coworker:{id}", "");
    let coworker = member
        .store()
        .create_coworker(member.campaign(), &fields, &event)
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
    #[server(flatten)] form: CoworkerForm,
) -> Result<(), AppError> {
    use crate::domain::Role;
    let member = organizer(campaign_id).await?;
    let current = member.coworker(coworker_id).await?;
    let fields = form.parse(Some(&current.fields), member.role() == Role::Lead)?;
    if !member.sees(fields.area_id, fields.assigned_organizer) {
        return Err(AppError::validation(
            "area_id",
            "That area is outside the areas you organize; ask a lead to move this coworker.",
        ));
    }
    let event = member.event("coworker.updated", format!("coworker:{coworker_id}"), "");
    member
        .store()
        .update_coworker(member.campaign(), coworker_id, &fields, &event)
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
    use crate::domain::fields::checked;
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let archive = !checked(&restore);
    let action = if archive {
        "coworker.archived"
    } else {
        "coworker.restored"
    };
    let event = member.event(action, format!("coworker:{coworker_id}"), "");
    member
        .store()
        .set_archived(member.campaign(), coworker_id, archive, &event)
        .await?;
    Ok(())
}

/// A coworker's ties to others the caller may also see.
#[server(prefix = "/api", endpoint = "ties/list")]
pub async fn list_ties(campaign_id: i64, coworker_id: i64) -> Result<Vec<Tie>, AppError> {
    let member = organizer(campaign_id).await?;
    member.coworker(coworker_id).await?;
    let ties: Vec<Tie> = member
        .store()
        .ties(member.campaign(), coworker_id)
        .await?
        .into_iter()
        .filter(|t| member.sees(t.other_area_id, t.other_assigned))
        .collect();
    member
        .audit(
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
    let member = organizer(campaign_id).await?;
    let kind = TieKind::parse(&kind)
        .ok_or_else(|| AppError::validation("kind", "Choose what kind of tie this is."))?;
    let other_id = parse_coworker_ref(&other)?;
    if other_id == coworker_id {
        return Err(AppError::validation(
            "other",
            "A coworker cannot have a tie to themselves.",
        ));
    }
    member.coworker(coworker_id).await?;
    member
        .coworker(other_id)
        .await
        .map_err(|e| e.not_found_as("other", "No coworker you can see has that number."))?;
    let tie = NewTie {
        from_id: coworker_id,
        to_id: other_id,
        kind,
        created_by: Some(member.user_id()),
    };
    let event = member.event(
        "tie.added",
        format!("coworker:{coworker_id}"),
        format!("tie:{{id}} {} coworker:{other_id}", kind.key()),
    );
    Ok(member
        .store()
        .add_tie(member.campaign(), &tie, &event)
        .await?)
}

/// The organic leaders the caller may see, and how many coworkers listen to each: the
/// map of who reaches whom. Counts only: listeners outside the caller's scope are not named.
#[server(prefix = "/api", endpoint = "leaders/reach")]
pub async fn organic_leaders(campaign_id: i64) -> Result<Vec<LeaderReach>, AppError> {
    let member = organizer(campaign_id).await?;
    let leaders: Vec<LeaderReach> = member
        .store()
        .leader_reach(member.campaign())
        .await?
        .into_iter()
        .filter(|l| member.sees(l.area_id, l.assigned_organizer))
        .collect();
    member
        .audit("leaders.read", "", format!("rows={}", leaders.len()))
        .await?;
    Ok(leaders)
}

#[server(prefix = "/api", endpoint = "ties/remove")]
pub async fn remove_tie(campaign_id: i64, tie_id: i64) -> Result<(), AppError> {
    let member = organizer(campaign_id).await?;
    let (from, to) = member
        .store()
        .tie_ends(member.campaign(), tie_id)
        .await?
        .ok_or(AppError::NotFound)?;
    member.coworker(from).await?;
    member.coworker(to).await?;
    let event = member.event(
        "tie.removed",
        format!("coworker:{from}"),
        format!("tie:{tie_id} coworker:{to}"),
    );
    member
        .store()
        .remove_tie(member.campaign(), tie_id, &event)
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
    /// The structure tests they were in, with what they did.
    #[serde(default)]
    pub tests: Vec<crate::domain::structure::CoworkerTest>,
    /// The rating form's id, made for this page: a rating sent twice is stored once.
    #[serde(default)]
    pub rate_client_id: String,
}

/// The coworker page: the record, history, ties and the form's choices. Out of scope
/// answers NotFound; viewers are Forbidden. One `coworker.read` row per visit.
#[server(prefix = "/api", endpoint = "pages/coworker")]
pub async fn coworker_page(
    campaign_id: i64,
    coworker_id: i64,
) -> Result<CoworkerPageData, AppError> {
    use crate::domain::Role;
    let member = organizer(campaign_id).await?;
    let scope = member.scope()?;
    let coworker = member.coworker(coworker_id).await?;
    let store = member.store();
    let members = async {
        if member.role() == Role::Lead {
            store.list_members(member.campaign()).await.map(Some)
        } else {
            Ok(None)
        }
    };
    let (ties, areas, shifts, in_scope, members, ratings, conversations, commitments, tests) = tokio::try_join!(
        store.ties(member.campaign(), coworker_id),
        store.list_areas(member.campaign()),
        store.list_shifts(member.campaign()),
        store.list_coworkers(member.campaign(), scope),
        members,
        store.assessments(member.campaign(), coworker_id),
        store.conversations(member.campaign(), coworker_id),
        store.open_commitments(member.campaign(), coworker_id),
        store.coworker_tests(member.campaign(), coworker_id),
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
    member
        .audit(
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
        tests,
        rate_client_id: uuid::Uuid::new_v4().to_string(),
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
    let member = organizer(campaign_id).await?;
    let scope = member.scope()?;
    let store = member.store();
    let (coworkers, areas, shifts) = tokio::try_join!(
        store.list_coworkers(member.campaign(), scope),
        store.list_areas(member.campaign()),
        store.list_shifts(member.campaign()),
    )?;
    member
        .audit(
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

/// Server-only helpers of this file.
#[cfg(feature = "ssr")]
mod ssr {
    pub(super) use crate::auth::require_organizer as organizer;
    use crate::error::AppError;

    /// The other end of a new tie: a coworker number, or text ending in "#123".
    pub(super) fn parse_coworker_ref(raw: &str) -> Result<i64, AppError> {
        let raw = raw.trim();
        let digits = raw.rsplit_once('#').map_or(raw, |(_, id)| id).trim();
        digits.parse::<i64>().map_err(|_| {
            AppError::validation(
                "other",
                "Pick a coworker from the suggestions (their name and #number).",
            )
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn tie_targets_read_from_the_suggestion_format() {
            assert_eq!(parse_coworker_ref("Ana Lopez #42").unwrap(), 42);
            assert_eq!(parse_coworker_ref(" 7 ").unwrap(), 7);
            assert!(parse_coworker_ref("Ana Lopez").is_err());
        }
    }
}

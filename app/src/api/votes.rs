//! Mock strike vote planning: leads set a vote's rule and scope, save what-if scenarios,
//! plan the polling places and start the practice vote; everyone reads the forecast —
//! organizers with the names of the path to the threshold inside their scope, viewers
//! as figures without small groups.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use self::ssr::*;
use crate::domain::forecast::plan::{Observed, PlanForm, PollingPlace, VotePlan};
use crate::domain::forecast::{Cell, Forecast, Rates, Scenario};
use crate::domain::{Area, MemberSummary, Role, Shift};
use crate::error::AppError;

/// Starts a vote plan (leads). Returns its id.
#[server(prefix = "/api", endpoint = "votes/create")]
pub async fn create_plan(
    campaign_id: i64,
    #[server(flatten)] form: PlanForm,
    #[server(default)] area_ids: Vec<String>,
) -> Result<i64, AppError> {
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let areas = member.store().list_areas(member.campaign()).await?;
    let fields = form.parse(&area_ids, &areas, chrono::Utc::now().date_naive())?;
    let event = member.event("vote_plan.create", "vote_plan:{id}", "");
    let id = member
        .store()
        .create_plan(member.campaign(), &fields, member.user_id(), &event)
        .await?;
    if crate::auth::is_plain_form_post() {
        leptos_axum::redirect(&format!("/campaigns/{campaign_id}/votes/{id}"));
    }
    Ok(id)
}

/// Changes a plan's rule, scope, date or goal (leads).
#[server(prefix = "/api", endpoint = "votes/update")]
pub async fn update_plan(
    campaign_id: i64,
    plan_id: i64,
    #[server(flatten)] form: PlanForm,
    #[server(default)] area_ids: Vec<String>,
) -> Result<(), AppError> {
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let areas = member.store().list_areas(member.campaign()).await?;
    let fields = form.parse(&area_ids, &areas, chrono::Utc::now().date_naive())?;
    let event = member.event("vote_plan.update", format!("vote_plan:{plan_id}"), "");
    member
        .store()
        .update_plan(member.campaign(), plan_id, &fields, &event)
        .await?;
    Ok(())
}

/// Saves a what-if (leads): the rates per level (`turnout[i]`, `yes[i]`, whole percents,
/// levels 1–5 then not rated) and moves (`move_area[i]`, `move_from[i]`, `move_to[i]`,
/// `move_count[i]`). Returns its id; a post without JavaScript comes back to the plan
/// showing it.
#[server(prefix = "/api", endpoint = "votes/scenario")]
pub async fn save_scenario(
    campaign_id: i64,
    plan_id: i64,
    name: String,
    #[server(default)] turnout: Vec<String>,
    #[server(default)] yes: Vec<String>,
    #[server(default)] move_area: Vec<String>,
    #[server(default)] move_from: Vec<String>,
    #[server(default)] move_to: Vec<String>,
    #[server(default)] move_count: Vec<String>,
) -> Result<i64, AppError> {
    use crate::domain::forecast::plan::ScenarioForm;
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    plan_of(&member, plan_id).await?;
    let areas = member.store().list_areas(member.campaign()).await?;
    let form = ScenarioForm {
        name,
        turnout,
        yes,
        move_area,
        move_from,
        move_to,
        move_count,
    };
    moves_bounded(&form)?;
    let (name, scenario) = form.parse(&areas)?;
    let event = member.event(
        "vote_scenario.save",
        format!("vote_plan:{plan_id}"),
        format!("scenario={{id}} moves={}", scenario.moves.len()),
    );
    let id = member
        .store()
        .save_scenario(
            member.campaign(),
            plan_id,
            &name,
            &scenario,
            member.user_id(),
            &event,
        )
        .await?;
    if crate::auth::is_plain_form_post() {
        leptos_axum::redirect(&format!(
            "/campaigns/{campaign_id}/votes/{plan_id}?scenario={id}"
        ));
    }
    Ok(id)
}

/// What a what-if's figures give, for the form's live result: the result as the page
/// shows it (HTML rendered by the server), and each mistake by its field (`turnout`,
/// `yes`, `moves`). Decoded in the browser with `JSON.parse`, no decoder shipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatIfShown {
    pub html: String,
    pub mistakes: std::collections::BTreeMap<String, String>,
}

/// The forecast of a what-if's figures without saving them (leads): the form's fields as
/// [`save_scenario`] reads them (the rest of the form is ignored). Its figures are the
/// lead's own chart, counted exactly as the page counts it; the forecast runs off the
/// request threads (`api::heavy`).
#[server(prefix = "/api", endpoint = "votes/what_if")]
pub async fn what_if(
    campaign_id: i64,
    plan_id: i64,
    #[server(default)] turnout: Vec<String>,
    #[server(default)] yes: Vec<String>,
    #[server(default)] move_area: Vec<String>,
    #[server(default)] move_from: Vec<String>,
    #[server(default)] move_to: Vec<String>,
    #[server(default)] move_count: Vec<String>,
) -> Result<WhatIfShown, AppError> {
    use crate::domain::forecast::plan::ScenarioForm;
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let form = ScenarioForm {
        name: String::new(),
        turnout,
        yes,
        move_area,
        move_from,
        move_to,
        move_count,
    };
    what_if_shown(&member, plan_id, form).await
}

/// Adds a polling place to a plan (leads).
#[server(prefix = "/api", endpoint = "votes/place_add")]
pub async fn add_place(
    campaign_id: i64,
    plan_id: i64,
    #[server(flatten)] form: crate::domain::forecast::plan::PlaceForm,
) -> Result<i64, AppError> {
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    plan_of(&member, plan_id).await?;
    let store = member.store();
    let (areas, shifts, members) = tokio::try_join!(
        store.list_areas(member.campaign()),
        store.list_shifts(member.campaign()),
        store.list_members(member.campaign())
    )?;
    let ids: Vec<i64> = members
        .iter()
        .filter(|m| m.role != Role::Viewer)
        .map(|m| m.user_id)
        .collect();
    let place = form.parse(&areas, &shifts, &ids, chrono::Utc::now().date_naive())?;
    let event = member.event(
        "polling_place.add",
        format!("vote_plan:{plan_id}"),
        "place={id}",
    );
    let id = store
        .add_place(member.campaign(), plan_id, &place, &event)
        .await?;
    Ok(id)
}

/// Removes a polling place (leads).
#[server(prefix = "/api", endpoint = "votes/place_remove")]
pub async fn remove_place(campaign_id: i64, plan_id: i64, place_id: i64) -> Result<(), AppError> {
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let event = member.event(
        "polling_place.remove",
        format!("vote_plan:{plan_id}"),
        format!("place={place_id}"),
    );
    member
        .store()
        .remove_place(member.campaign(), plan_id, place_id, &event)
        .await?;
    Ok(())
}

/// Starts the practice vote for a plan (leads): a practice strike vote structure test
/// with the plan's rule and scope, planned, to open and record as any test. Returns its
/// id; the plan then shows its result beside the forecast.
#[server(prefix = "/api", endpoint = "votes/practice")]
pub async fn start_practice(campaign_id: i64, plan_id: i64) -> Result<i64, AppError> {
    use crate::domain::structure::{TestKind, TestPlan};
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let plan = plan_of(&member, plan_id).await?;
    if let Some(test_id) = plan.test_id {
        return Err(AppError::Conflict(format!(
            "This plan's practice vote is already planned (test {test_id})."
        )));
    }
    let f = &plan.fields;
    let mut title: String = format!("Practice vote: {}", f.title)
        .chars()
        .take(200)
        .collect();
    title = title.trim().to_owned();
    let test = TestPlan {
        kind: TestKind::MockVote,
        title,
        description: format!("Held to check the forecast of \"{}\".", f.title)
            .chars()
            .take(2000)
            .collect(),
        opens_at: f.vote_on.and_then(|d| d.and_hms_opt(6, 0, 0)),
        closes_at: f.vote_on.and_then(|d| d.and_hms_opt(22, 0, 0)),
        goal_percent: f.rule.yes_percent,
        rule: Some(f.rule),
        area_ids: f.area_ids.clone(),
    };
    let store = member.store();
    let create = member.event(
        "structure_test.create",
        "structure_test:{id}",
        "kind=mock_vote",
    );
    let test_id = store
        .create_test(member.campaign(), &test, member.user_id(), &create)
        .await?;
    let link = member.event(
        "vote_plan.practice",
        format!("vote_plan:{plan_id}"),
        format!("structure_test={test_id}"),
    );
    store
        .link_practice(member.campaign(), plan_id, test_id, &link)
        .await?;
    if crate::auth::is_plain_form_post() {
        leptos_axum::redirect(&format!("/campaigns/{campaign_id}/tests/{test_id}"));
    }
    Ok(test_id)
}

/// The campaign's vote plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VotesPageData {
    pub plans: Vec<VotePlan>,
    pub areas: Vec<Area>,
    pub role: Role,
}

#[server(prefix = "/api", endpoint = "pages/votes")]
pub async fn votes_page(campaign_id: i64) -> Result<VotesPageData, AppError> {
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    let store = member.store();
    let (plans, areas) = tokio::try_join!(
        store.vote_plans(member.campaign()),
        store.list_areas(member.campaign())
    )?;
    Ok(VotesPageData {
        plans,
        areas,
        role: member.role(),
    })
}

/// One person of the path to the threshold, inside the reader's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathPerson {
    pub coworker_id: i64,
    pub name: String,
    pub from: usize,
    pub to: usize,
    pub plan_to_vote: bool,
}

/// The path's moves in one area or for one organizer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathGroup {
    pub label: String,
    /// Conversations (level moves) and plans to vote.
    pub level_moves: i64,
    pub plans: i64,
    /// Those the reader may name; `others` are outside their scope.
    pub people: Vec<PathPerson>,
    pub others: i64,
}

/// The path to the threshold as a reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathView {
    pub before: f64,
    pub after: f64,
    pub reached: bool,
    pub target: f64,
    pub level_moves: i64,
    pub plans: i64,
    /// People the path turns from opposed or hostile (4–5) into supporters (1–2): none
    /// on a realistic path. A viewer gets 1 for "some", never the count.
    pub long_shots: i64,
    /// People in scope not yet rated (the path does not move them); None for a viewer.
    pub unrated: Option<i64>,
    /// By area, by organizer and by shift (empty for viewers: figures only).
    pub by_area: Vec<PathGroup>,
    pub by_organizer: Vec<PathGroup>,
    pub by_shift: Vec<PathGroup>,
}

/// A practice vote's result beside what the chart forecast for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeRow {
    pub label: String,
    pub people: i64,
    /// None when withheld (a small group, for a non-lead).
    pub forecast_share: Option<f64>,
    pub forecast_pass: Option<f64>,
    pub result_share: Option<f64>,
    pub passed: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Practice {
    pub test_id: i64,
    pub title: String,
    /// "Planned", "Live", "Closed".
    pub status: String,
    pub overall: Option<PracticeRow>,
    pub by_area: Vec<PracticeRow>,
}

/// The forecast page of one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VotePageData {
    pub plan: VotePlan,
    pub scope_words: String,
    pub role: Role,
    pub areas: Vec<Area>,
    pub shifts: Vec<Shift>,
    /// The scenario shown (a saved one, or the defaults), and its id when saved.
    pub scenario: Scenario,
    pub scenario_id: Option<i64>,
    pub scenario_name: Option<String>,
    /// Saved scenarios: id, name, saved by, when (newest first).
    pub scenarios: Vec<(i64, String, String, String)>,
    pub forecast: Forecast,
    pub path: Option<PathView>,
    pub observed: Observed,
    pub suggested: Option<Rates>,
    /// Leads: the chart counted by area, shift and level (before the scenario's moves),
    /// for the what-if (its first result, and the server's answers as the lead types).
    pub cells: Option<Vec<Cell>>,
    /// Leads: the plan as a form to edit.
    pub form: Option<PlanForm>,
    pub practice: Option<Practice>,
    pub places: i64,
}

/// The plan's page with scenario `scenario` (empty: the newest saved, else the defaults).
#[server(prefix = "/api", endpoint = "pages/vote")]
pub async fn vote_page(
    campaign_id: i64,
    plan_id: i64,
    #[server(default)] scenario: String,
) -> Result<VotePageData, AppError> {
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    let chosen = crate::domain::fields::optional_id(&scenario, "scenario")?;
    let data = kept_vote_page(&member, plan_id, chosen).await?;
    member
        .audit("vote_plan.read", format!("vote_plan:{plan_id}"), "")
        .await?;
    Ok(data)
}

/// A polling place with who it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceView {
    pub place: PollingPlace,
    pub area: Option<String>,
    pub shift: Option<String>,
    pub served: i64,
    /// Those the reader may name, by name (empty for viewers).
    pub people: Vec<(i64, String)>,
}

/// The vote plan's logistics page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VotePlanPageData {
    pub plan: VotePlan,
    pub scope_words: String,
    pub role: Role,
    pub areas: Vec<Area>,
    pub shifts: Vec<Shift>,
    pub members: Vec<MemberSummary>,
    pub places: Vec<PlaceView>,
    /// In the scope with no polling place for their area and shift.
    pub uncovered: i64,
    /// Of those, the ones the reader may name: (id, name, area, shift).
    pub uncovered_people: Vec<(i64, String, String, String)>,
    /// Without a place, by area and shift (label, people), for everyone.
    pub uncovered_groups: Vec<(String, i64)>,
}

#[server(prefix = "/api", endpoint = "pages/vote_plan")]
pub async fn vote_plan_page(campaign_id: i64, plan_id: i64) -> Result<VotePlanPageData, AppError> {
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    let plan = plan_of(&member, plan_id).await?;
    let data = build_plan_page(&member, plan).await?;
    member
        .audit(
            "vote_plan.logistics_read",
            format!("vote_plan:{plan_id}"),
            "",
        )
        .await?;
    Ok(data)
}

#[cfg(feature = "ssr")]
mod ssr;

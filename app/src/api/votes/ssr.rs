//! The vote pages' assembly on the server: the forecast, the path with its people (named
//! only inside the reader's scope), the practice vote beside its forecast, and who can
//! vote where.

use std::collections::BTreeMap;

use super::{
    PathGroup, PathPerson, PathView, PlaceView, Practice, PracticeRow, VotePageData,
    VotePlanPageData,
};
use crate::auth::InCampaign;
use crate::domain::disclosure::{Keyed, Policy};
use crate::domain::forecast::plan::{Coverage, PlanForm, ScenarioForm, VotePlan, Voter};
use crate::domain::forecast::{
    apply_moves, cells_of, forecast, level_of, levels_after, path, protected_cells, Rates,
    Scenario, Withheld, UNRATED,
};
use crate::domain::structure::{Counts, Outcome, VoteBase};
use crate::domain::{Choice, Role};
use crate::error::AppError;

/// At most this many people are named per group of the path, and per polling place.
pub const NAMES_PER_GROUP: usize = 50;
pub const NAMES_PER_PLACE: usize = 500;

/// The campaign's areas and shifts, and the plan's voters: what both vote pages read.
async fn map_and_voters(
    member: &InCampaign,
    plan: &VotePlan,
) -> Result<
    (
        Vec<crate::domain::Area>,
        Vec<crate::domain::Shift>,
        Vec<Voter>,
    ),
    AppError,
> {
    let store = member.store();
    Ok(tokio::try_join!(
        store.list_areas(member.campaign()),
        store.list_shifts(member.campaign()),
        store.voters(member.campaign(), &plan.fields.area_ids),
    )?)
}

/// Plan `plan_id` of the member's campaign; NotFound for another campaign's.
pub(super) async fn plan_of(member: &InCampaign, plan_id: i64) -> Result<VotePlan, AppError> {
    member
        .store()
        .vote_plan(member.campaign(), plan_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Refuses a scenario form with more rows of moves than a scenario could hold, before
/// anything reads them.
pub(super) fn moves_bounded(form: &ScenarioForm) -> Result<(), AppError> {
    use crate::domain::forecast::MAX_MOVES;
    if form.rows().len() > MAX_MOVES * 2 {
        return Err(AppError::validation(
            "moves",
            format!("A scenario can hold at most {MAX_MOVES} moves."),
        ));
    }
    Ok(())
}

/// The plan's page as `member` reads it with scenario `chosen` (none: the newest saved),
/// built once per reader, scenario and chart version (`kept::VotePages`). The version is
/// read before the page is built: a change committed meanwhile keeps a page at least as
/// new as its key says (the next load reads the new version).
pub(super) async fn kept_vote_page(
    member: &InCampaign,
    plan_id: i64,
    chosen: Option<i64>,
) -> Result<VotePageData, AppError> {
    let version = member.store().chart_version(member.campaign()).await?;
    let key = (
        member.campaign_id(),
        plan_id,
        member.user_id(),
        chosen,
        version,
    );
    let kept = &crate::state::app_state()?.vote_pages;
    let campaign = key.0;
    let build = async { build_vote_page(member, plan_of(member, plan_id).await?, chosen).await };
    kept.get_or_build(key, build, |k| k.0 == campaign && k.4 != version)
        .await
}

/// The what-if's result for the figures of `form` (leads): the chart as the plan's page
/// counts it for this reader (that page's own counts, kept by chart version: a lead
/// typing reads the chart once, not once an answer), moved and forecast off the request
/// threads, and rendered as the page renders the result; or the figures' mistakes by
/// field.
pub(super) async fn what_if_shown(
    member: &InCampaign,
    plan_id: i64,
    form: ScenarioForm,
) -> Result<super::WhatIfShown, AppError> {
    use crate::components::what_if::{forecast_after, result_html};
    use crate::islands::what_if::WHAT_IF_FIELDS;
    moves_bounded(&form)?;
    let page = kept_vote_page(member, plan_id, None).await?;
    // The page counts the chart for its what-if only for a reader it counts exactly (a
    // lead, through the disclosure policy).
    let before = page.cells.ok_or(AppError::Forbidden)?;
    let (areas, shifts) = (page.areas, page.shifts);
    let rule = page.plan.fields.rule;
    let target = page.plan.fields.target_percent as f64 / 100.0;
    let scenario = Scenario::parse(&form.turnout, &form.yes, &form.rows(), &areas);
    let shown = match scenario {
        Ok(s) => {
            let fc =
                crate::api::heavy::cpu(move || forecast_after(&rule, &s, &before, &areas, &shifts))
                    .await?;
            super::WhatIfShown {
                html: result_html(Some(&fc), target, &rule),
                mistakes: BTreeMap::new(),
            }
        }
        Err(invalid) => super::WhatIfShown {
            html: result_html(None, target, &rule),
            mistakes: WHAT_IF_FIELDS
                .iter()
                .filter_map(|(field, _)| {
                    invalid
                        .field_message(field)
                        .map(|m| ((*field).to_owned(), m))
                })
                .collect(),
        },
    };
    Ok(shown)
}

/// The path search is the page's heavy work (the exact model for 17–120 people, once per
/// candidate move: up to 1.5 s of CPU at 90 people). It depends only on the rule, the
/// rates, the goal and the head count at each level, so it is kept by those (any reader,
/// any day the chart gives the same counts), and computed off the request threads, a few
/// at a time (`api::heavy`): one member reloading cannot hold every core.
async fn path_of(
    rule: crate::domain::structure::VoteRule,
    rates: Rates,
    goal: path::Goal,
    cells: &[crate::domain::forecast::Cell],
) -> Result<path::Path, AppError> {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    static KEPT: LazyLock<Mutex<HashMap<String, path::Path>>> = LazyLock::new(Default::default);
    let mut levels = [0i64; crate::domain::forecast::LEVELS];
    for c in cells {
        levels[c.level] += c.people;
    }
    let key =
        serde_json::to_string(&(rule, rates, goal, levels)).map_err(|e| AppError::internal(&e))?;
    if let Some(hit) = KEPT.lock().ok().and_then(|k| k.get(&key).cloned()) {
        return Ok(hit);
    }
    // Two loads of the same counts at once compute it twice: harmless, and rarer than a
    // lock held across the search would be costly.
    // Only the level counts matter: one cell per level is the same search.
    let by_level: Vec<crate::domain::forecast::Cell> = levels
        .iter()
        .enumerate()
        .map(|(level, &people)| crate::domain::forecast::Cell {
            area_id: None,
            shift_id: None,
            level,
            people,
        })
        .collect();
    let found = crate::api::heavy::cpu(move || path::path(&rule, &rates, &goal, &by_level)).await?;
    if let Ok(mut kept) = KEPT.lock() {
        if kept.len() >= PATHS_KEPT {
            kept.clear();
        }
        kept.insert(key, found.clone());
    }
    Ok(found)
}

/// Path searches kept.
const PATHS_KEPT: usize = 256;

pub(super) async fn build_vote_page(
    member: &InCampaign,
    plan: VotePlan,
    chosen: Option<i64>,
) -> Result<VotePageData, AppError> {
    let store = member.store();
    let ((areas, shifts, voters), saved, observed, disclosure, members) = tokio::try_join!(
        map_and_voters(member, &plan),
        async { Ok(store.scenarios(member.campaign(), plan.id, 50).await?) },
        async {
            Ok(store
                .observed_rates(member.campaign(), member.own_scope())
                .await?)
        },
        member.disclosure(),
        async { Ok(store.list_members(member.campaign()).await?) },
    )?;
    // A vote's scope is campaign-wide: only leads read it exactly; everything else on the
    // page is made from the protected counts (`domain::disclosure`), never from people.
    let policy = disclosure.campaign_wide();
    let places = store.places(member.campaign(), plan.id).await?.len() as i64;
    let observed = observed.seen_by(policy);
    let (scenario_id, scenario_name, scenario) = match chosen {
        Some(id) => {
            let s = saved
                .iter()
                .find(|s| s.id == id)
                .ok_or(AppError::NotFound)?;
            (Some(s.id), Some(s.name.clone()), s.scenario.clone())
        }
        None => match saved.first() {
            Some(s) => (Some(s.id), Some(s.name.clone()), s.scenario.clone()),
            None => (None, None, Scenario::default()),
        },
    };
    let rule = plan.fields.rule;
    let people: Vec<(Option<i64>, Option<i64>, usize)> = voters
        .iter()
        .map(|v| (v.area_id, v.shift_id, level_of(v.rating)))
        .collect();
    // A protected reader's forecast is made from protected counts only: each area's
    // people at each level (the scenario's moves apply to them), and apart each shift's
    // (the moves name areas, not shifts, so they are not in the shift rows), each count
    // rounded by its own key: finer cells would each round to nobody.
    let keyed = |v: &Voter| Keyed::one(v.key, member.sees(v.area_id, v.organizer_id));
    let (before, withheld) = if policy.is_exact() {
        (cells_of(people.iter().copied()), Withheld::default())
    } else {
        protected_cells(
            voters
                .iter()
                .map(|v| (v.area_id, None, level_of(v.rating), keyed(v))),
            policy,
        )
    };
    let (cells, _) = apply_moves(&before, &scenario.moves, &areas);
    let mut fc = forecast(&rule, &scenario.rates, &cells, &areas, &shifts, &withheld);
    if !policy.is_exact() {
        let (by_shift, shifts_withheld) = protected_cells(
            voters
                .iter()
                .map(|v| (None, v.shift_id, level_of(v.rating), keyed(v))),
            policy,
        );
        let shift_rows = forecast(
            &rule,
            &scenario.rates,
            &by_shift,
            &areas,
            &shifts,
            &Withheld {
                overall: shifts_withheld.overall,
                areas: Default::default(),
                present_areas: Default::default(),
                ..shifts_withheld
            },
        );
        fc.by_shift = shift_rows.by_shift;
        // The area cells carry no shift: their lone "no shift" row is not a shift's.
    }
    // A scope withheld as too small: its path's chance before is the forecast withheld.
    let withheld = withheld.overall;
    let goal = plan.fields.goal();
    let found = path_of(rule, scenario.rates, goal, &cells).await?;
    let levels = levels_after(&people, &scenario.moves, &areas);
    // Weakest areas first: the share of leaders and supporters in each.
    let mut support: BTreeMap<Option<i64>, (i64, i64)> = BTreeMap::new();
    for (v, &l) in voters.iter().zip(&levels) {
        let e = support.entry(v.area_id).or_default();
        e.0 += 1;
        e.1 += (l <= 1) as i64;
    }
    let rank: Vec<i64> = voters
        .iter()
        .map(|v| {
            let (n, s) = support[&v.area_id];
            (s * 1_000_000) / n.max(1)
        })
        .collect();
    // A protected reader's path is of protected counts: who moves cannot be matched to it
    // (a slot per rounded head is no person), so it is offered level by level.
    let moves = if policy.is_exact() {
        path::assign(&found, &levels, &rank)
    } else {
        path::offered(&found, &levels)
    };
    let lead = member.role() == Role::Lead;
    let path_view = {
        let (mut by_area, mut by_organizer, mut by_shift) = (Vec::new(), Vec::new(), Vec::new());
        if member.role() != Role::Viewer {
            let area_name = |id: Option<i64>| {
                id.and_then(|id| areas.iter().find(|a| a.id == id))
                    .map_or_else(|| "No area".to_owned(), |a| a.name.clone())
            };
            let organizer_name = |id: Option<i64>| {
                id.and_then(|id| members.iter().find(|m| m.user_id == id))
                    .map_or_else(|| "No organizer".to_owned(), |m| m.email.clone())
            };
            let mut areas_g: BTreeMap<String, PathGroup> = BTreeMap::new();
            let mut orgs_g: BTreeMap<String, PathGroup> = BTreeMap::new();
            let mut shifts_g: BTreeMap<String, PathGroup> = BTreeMap::new();
            let shift_name = |id: Option<i64>| {
                id.and_then(|id| shifts.iter().find(|s| s.id == id))
                    .map_or_else(|| "No shift".to_owned(), |s| s.name.clone())
            };
            // Outside the reader's scope, a group's people count through the policy, and
            // their moves not at all (a group's moves less those named would be theirs).
            let mut others: BTreeMap<(usize, String), Keyed> = BTreeMap::new();
            for m in &moves {
                let v = &voters[m.index];
                let visible = member.sees(v.area_id, v.organizer_id);
                for (kind, (groups, label)) in [
                    (&mut areas_g, area_name(v.area_id)),
                    (&mut orgs_g, organizer_name(v.organizer_id)),
                    (&mut shifts_g, shift_name(v.shift_id)),
                ]
                .into_iter()
                .enumerate()
                {
                    let g = groups.entry(label.clone()).or_insert_with(|| PathGroup {
                        label,
                        level_moves: 0,
                        plans: 0,
                        people: Vec::new(),
                        others: 0,
                    });
                    if !visible {
                        others
                            .entry((kind, g.label.clone()))
                            .or_default()
                            .add(Keyed::one(v.key, false));
                        if policy.is_exact() {
                            g.level_moves += m.from as i64 - m.to as i64;
                            g.plans += m.plan_to_vote as i64;
                        }
                        continue;
                    }
                    g.level_moves += m.from as i64 - m.to as i64;
                    g.plans += m.plan_to_vote as i64;
                    if g.people.len() >= NAMES_PER_GROUP {
                        g.others += 1;
                    } else {
                        g.people.push(PathPerson {
                            coworker_id: v.coworker_id,
                            name: String::new(),
                            from: m.from,
                            to: m.to,
                            plan_to_vote: m.plan_to_vote,
                        });
                    }
                }
            }
            let ids: Vec<i64> = areas_g
                .values()
                .chain(orgs_g.values())
                .chain(shifts_g.values())
                .flat_map(|g| g.people.iter().map(|p| p.coworker_id))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let names: BTreeMap<i64, String> = store
                .voter_names(member.campaign(), &ids, member.scope()?)
                .await?
                .into_iter()
                .collect();
            for g in areas_g
                .values_mut()
                .chain(orgs_g.values_mut())
                .chain(shifts_g.values_mut())
            {
                g.people.retain_mut(|p| match names.get(&p.coworker_id) {
                    Some(n) => {
                        p.name = n.clone();
                        true
                    }
                    None => false,
                });
                g.people.sort_by(|a, b| a.name.cmp(&b.name));
            }
            for (kind, groups) in [&mut areas_g, &mut orgs_g, &mut shifts_g]
                .into_iter()
                .enumerate()
            {
                for g in groups.values_mut() {
                    let Some(n) = others.get(&(kind, g.label.clone())) else {
                        continue;
                    };
                    g.others += if policy.withholds_keyed(*n) {
                        0
                    } else {
                        policy.count(*n)
                    };
                }
            }
            by_area = areas_g.into_values().collect();
            by_organizer = orgs_g.into_values().collect();
            by_shift = shifts_g.into_values().collect();
            by_area.sort_by_key(|g| std::cmp::Reverse(g.level_moves + g.plans));
            by_organizer.sort_by_key(|g| std::cmp::Reverse(g.level_moves + g.plans));
            by_shift.sort_by_key(|g| std::cmp::Reverse(g.level_moves + g.plans));
        }
        // What makes a path unrealistic: it counts on turning people rated 4 or 5
        // (opposed, hostile) into supporters. Said plainly, with what would bring the
        // threshold in: finding out where the unrated stand. Counts to members only (a
        // viewer gets the words).
        let exact_reader = member.role() != Role::Viewer;
        let long_shots = moves
            .iter()
            .filter(|m| m.from >= 3 && m.from < UNRATED && m.to <= 1)
            .count() as i64;
        let unrated = levels.iter().filter(|&&l| l == UNRATED).count() as i64;
        Some(PathView {
            before: found.before,
            after: found.after,
            reached: found.reached,
            target: goal.target,
            level_moves: found.level_moves,
            plans: found.turnout_moves,
            long_shots: if exact_reader {
                long_shots
            } else {
                (long_shots > 0) as i64
            },
            unrated: exact_reader.then_some(unrated),
            by_area,
            by_organizer,
            by_shift,
        })
    };
    let practice = match plan.test_id {
        Some(test_id) => {
            practice_of(member, test_id, &scenario.rates, &plan, &areas, policy).await?
        }
        None => None,
    };
    Ok(VotePageData {
        scope_words: plan.fields.scope_words(&areas),
        role: member.role(),
        suggested: observed.suggested(&scenario.rates),
        observed,
        scenario,
        scenario_id,
        scenario_name,
        scenarios: saved
            .iter()
            .map(|s| {
                (
                    s.id,
                    s.name.clone(),
                    // Viewers see no member's e-mail: who saved it is theirs to ask.
                    if member.role() == Role::Viewer {
                        "a member".to_owned()
                    } else {
                        s.saved_by.clone()
                    },
                    s.saved_at.format("%-d %b %Y %H:%M").to_string(),
                )
            })
            .collect(),
        forecast: fc,
        path: path_view.filter(|_| !withheld),
        cells: lead.then_some(before),
        form: lead.then(|| PlanForm::of(&plan.fields)),
        practice,
        places,
        areas,
        shifts,
        plan,
    })
}

/// The practice vote's result by area beside the forecast the chart made for it: the
/// ratings as they were when it opened, at the scenario's rates (its moves left out:
/// they are plans, not the chart).
async fn practice_of(
    member: &InCampaign,
    test_id: i64,
    rates: &Rates,
    plan: &VotePlan,
    areas: &[crate::domain::Area],
    policy: Policy,
) -> Result<Option<Practice>, AppError> {
    use crate::domain::structure::TestStatus;
    let store = member.store();
    let Some(test) = store.structure_test(member.campaign(), test_id).await? else {
        return Ok(None);
    };
    let mut practice = Practice {
        test_id,
        title: test.title.clone(),
        status: test.status.label().to_owned(),
        overall: None,
        by_area: Vec::new(),
    };
    if test.status == TestStatus::Planned {
        return Ok(Some(practice));
    }
    let rule = test.rule.unwrap_or(plan.fields.rule);
    let people = store.test_validation(member.campaign(), test_id).await?;
    // Each row from its people's counts as the policy shows them: the ratings then (the
    // forecast's cells) and the marks; a small group shows nothing.
    let own = |p: &crate::domain::structure::ValidationInput| {
        Keyed::one(p.key, member.sees(p.now_area_id, p.organizer_id))
    };
    let row = |label: String, group: &[&crate::domain::structure::ValidationInput]| {
        let mut everyone = Keyed::default();
        for p in group {
            everyone.add(own(p));
        }
        if policy.withholds_keyed(everyone) {
            return PracticeRow {
                label,
                people: 0,
                forecast_share: None,
                forecast_pass: None,
                result_share: None,
                passed: None,
            };
        }
        let (cells, _) = protected_cells(
            group
                .iter()
                .map(|p| (p.area_id, None, level_of(p.rating_then), own(p))),
            policy,
        );
        let f = forecast(&rule, rates, &cells, &[], &[], &Withheld::default());
        let mut counts = Counts::default();
        for p in group {
            counts.add(p.response, own(p));
        }
        let counts = counts.seen_by(policy);
        let outcome = Outcome::of(&counts, test.goal_percent, Some(rule));
        let result_share = match rule.base {
            VoteBase::Cast => {
                let cast = counts.of(crate::domain::structure::Response::Yes)
                    + counts.of(crate::domain::structure::Response::No);
                (cast > 0).then(|| {
                    counts.of(crate::domain::structure::Response::Yes) as f64 / cast as f64
                })
            }
            VoteBase::Unit => (counts.scope > 0).then(|| {
                counts.of(crate::domain::structure::Response::Yes) as f64 / counts.scope as f64
            }),
        };
        PracticeRow {
            label,
            people: counts.scope,
            forecast_share: f.overall.map(|p| p.yes_share),
            forecast_pass: f.overall.map(|p| p.pass),
            result_share,
            passed: Some(outcome.met()),
        }
    };
    let all: Vec<&_> = people.iter().collect();
    practice.overall = Some(row("The whole scope".into(), &all));
    let mut by: BTreeMap<Option<i64>, Vec<&crate::domain::structure::ValidationInput>> =
        BTreeMap::new();
    for p in &people {
        by.entry(p.area_id).or_default().push(p);
    }
    let mut rows: Vec<PracticeRow> = by
        .into_iter()
        .map(|(id, group)| {
            let label = id
                .and_then(|id| areas.iter().find(|a| a.id == id))
                .map_or_else(|| "No area".to_owned(), |a| a.name.clone());
            row(label, &group)
        })
        .collect();
    rows.sort_by(|a, b| a.label.cmp(&b.label));
    practice.by_area = rows;
    Ok(Some(practice))
}

pub(super) async fn build_plan_page(
    member: &InCampaign,
    plan: VotePlan,
) -> Result<VotePlanPageData, AppError> {
    let store = member.store();
    let ((areas, shifts, voters), places, members, disclosure) = tokio::try_join!(
        map_and_voters(member, &plan),
        async { Ok(store.places(member.campaign(), plan.id).await?) },
        async { Ok(store.list_members(member.campaign()).await?) },
        member.disclosure(),
    )?;
    let policy = disclosure.campaign_wide();
    let cover = Coverage::new(&places, &areas);
    let named = member.role() != Role::Viewer;
    let visible = |v: &Voter| named && member.sees(v.area_id, v.organizer_id);
    // Who to name: per place up to NAMES_PER_PLACE, and the uncovered.
    let mut per_place: Vec<Vec<i64>> = vec![Vec::new(); places.len()];
    let mut counts = vec![Keyed::default(); places.len()];
    let mut uncovered = Vec::new();
    for v in &voters {
        let mut served = false;
        for p in cover.places_for(v) {
            served = true;
            counts[p].add(Keyed::one(v.key, visible(v)));
            if visible(v) && per_place[p].len() < NAMES_PER_PLACE {
                per_place[p].push(v.coworker_id);
            }
        }
        if !served {
            uncovered.push(v);
        }
    }
    let mut wanted: Vec<i64> = per_place.iter().flatten().copied().collect();
    wanted.extend(
        uncovered
            .iter()
            .filter(|v| visible(v))
            .take(NAMES_PER_PLACE)
            .map(|v| v.coworker_id),
    );
    wanted.sort_unstable();
    wanted.dedup();
    let names: BTreeMap<i64, String> = if named {
        store
            .voter_names(member.campaign(), &wanted, member.scope()?)
            .await?
            .into_iter()
            .collect()
    } else {
        BTreeMap::new()
    };
    let area_name = |id: Option<i64>| {
        id.and_then(|id| areas.iter().find(|a| a.id == id))
            .map_or_else(|| "No area".to_owned(), |a| a.name.clone())
    };
    let shift_name = |id: Option<i64>| {
        id.and_then(|id| shifts.iter().find(|s| s.id == id))
            .map_or_else(|| "No shift".to_owned(), |s| s.name.clone())
    };
    let place_views = places
        .into_iter()
        .enumerate()
        .map(|(i, mut place)| {
            // Members' e-mails are for organizers and leads.
            if !named {
                place.organizer = place.organizer.map(|_| "an organizer".to_owned());
            }
            let mut people: Vec<(i64, String)> = per_place[i]
                .iter()
                .filter_map(|id| names.get(id).map(|n| (*id, n.clone())))
                .collect();
            people.sort_by(|a, b| a.1.cmp(&b.1));
            PlaceView {
                area: place.area_id.map(|a| area_name(Some(a))),
                shift: place.shift_id.map(|s| shift_name(Some(s))),
                // How many a place serves, through the policy (a small group: none).
                served: if policy.withholds_keyed(counts[i]) {
                    0
                } else {
                    policy.count(counts[i])
                },
                people,
                place,
            }
        })
        .collect();
    let mut uncovered_people: Vec<(i64, String, String, String)> = uncovered
        .iter()
        .filter_map(|v| {
            names.get(&v.coworker_id).map(|n| {
                (
                    v.coworker_id,
                    n.clone(),
                    area_name(v.area_id),
                    shift_name(v.shift_id),
                )
            })
        })
        .collect();
    uncovered_people.sort_by(|a, b| (&a.2, &a.3, &a.1).cmp(&(&b.2, &b.3, &b.1)));
    // Those no place serves, by area and shift, through the policy: small groups left out.
    let mut groups: BTreeMap<String, Keyed> = BTreeMap::new();
    let mut everyone_uncovered = Keyed::default();
    for v in &uncovered {
        let one = Keyed::one(v.key, visible(v));
        everyone_uncovered.add(one);
        groups
            .entry(format!(
                "{} · {}",
                area_name(v.area_id),
                shift_name(v.shift_id)
            ))
            .or_default()
            .add(one);
    }
    let uncovered_groups: Vec<(String, i64)> = groups
        .into_iter()
        .filter(|(_, n)| !policy.withholds_keyed(*n))
        .map(|(label, n)| (label, policy.count(n)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let uncovered_count = if policy.withholds_keyed(everyone_uncovered) {
        0
    } else {
        policy.count(everyone_uncovered)
    };
    Ok(VotePlanPageData {
        scope_words: plan.fields.scope_words(&areas),
        role: member.role(),
        members: if member.role() == Role::Lead {
            members
                .into_iter()
                .filter(|m| m.role != Role::Viewer)
                .collect()
        } else {
            Vec::new()
        },
        places: place_views,
        uncovered: uncovered_count,
        uncovered_people,
        uncovered_groups,
        areas,
        shifts,
        plan,
    })
}

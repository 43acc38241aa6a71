//! The vote pages' assembly on the server: the forecast, the path with its people (named
//! only inside the reader's scope), the practice vote beside its forecast, and who can
//! vote where.

use std::collections::BTreeMap;

use super::{
    PathGroup, PathPerson, PathView, PlaceView, Practice, PracticeRow, VotePageData,
    VotePlanPageData,
};
use crate::api::structure::server::hide_below;
use crate::auth::InCampaign;
use crate::domain::forecast::plan::{coverage, PlanForm, VotePlan, Voter};
use crate::domain::forecast::{
    apply_moves, cells_of, forecast, level_of, levels_after, path, Rates, Scenario, LEVELS,
};
use crate::domain::structure::{Counts, Outcome, VoteBase};
use crate::domain::disclosure::singles_out;
use crate::domain::{Choice, Role};
use crate::error::AppError;

/// At most this many people are named per group of the path, and per polling place.
pub const NAMES_PER_GROUP: usize = 50;
pub const NAMES_PER_PLACE: usize = 500;

/// Plan `plan_id` of the member's campaign; NotFound for another campaign's.
pub(super) async fn plan_of(member: &InCampaign, plan_id: i64) -> Result<VotePlan, AppError> {
    member
        .store()
        .vote_plan(member.campaign_id(), plan_id)
        .await?
        .ok_or(AppError::NotFound)
}

pub(super) async fn build_vote_page(
    member: &InCampaign,
    plan: VotePlan,
    chosen: Option<i64>,
) -> Result<VotePageData, AppError> {
    let store = member.store();
    let campaign_id = member.campaign_id();
    let (areas, shifts, voters, saved, observed, hide, members) = tokio::try_join!(
        async { Ok::<_, AppError>(store.list_areas(campaign_id).await?) },
        async { Ok(store.list_shifts(campaign_id).await?) },
        async { Ok(store.voters(campaign_id, &plan.fields.area_ids).await?) },
        async { Ok(store.scenarios(campaign_id, plan.id, 50).await?) },
        async { Ok(store.observed_rates(campaign_id).await?) },
        hide_below(member),
        async { Ok(store.list_members(campaign_id).await?) },
    )?;
    let places = store.places(campaign_id, plan.id).await?.len() as i64;
    // Someone who may not see small groups sees no level observed in too few people.
    let mut observed = observed;
    if let Some(min) = hide {
        for l in 0..crate::domain::forecast::LEVELS {
            if singles_out(observed.votes[l].0, min) {
                observed.votes[l] = (0, 0, 0);
            }
            if singles_out(observed.actions[l].0, min) {
                observed.actions[l] = (0, 0);
            }
        }
    }
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
    let before = cells_of(people.iter().copied());
    let (cells, _) = apply_moves(&before, &scenario.moves, &areas);
    let mut fc = forecast(&rule, &scenario.rates, &cells, &areas, &shifts, hide);
    // A scope withheld as too small: its levels are its people's ratings and its path's
    // chance before is the forecast withheld, so neither is shown either.
    let withheld = fc.overall.is_none();
    if withheld {
        fc.levels = [0; LEVELS];
    }
    let goal = plan.fields.goal();
    let found = path::path(&rule, &scenario.rates, &goal, &cells);
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
    let moves = path::assign(&found, &levels, &rank);
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
            for m in &moves {
                let v = &voters[m.index];
                let visible = member.sees(v.area_id, v.organizer_id);
                for (groups, label) in [
                    (&mut areas_g, area_name(v.area_id)),
                    (&mut orgs_g, organizer_name(v.organizer_id)),
                    (&mut shifts_g, shift_name(v.shift_id)),
                ] {
                    let g = groups.entry(label.clone()).or_insert_with(|| PathGroup {
                        label,
                        level_moves: 0,
                        plans: 0,
                        people: Vec::new(),
                        others: 0,
                    });
                    g.level_moves += (m.from - m.to) as i64;
                    g.plans += m.plan_to_vote as i64;
                    if !visible || g.people.len() >= NAMES_PER_GROUP {
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
                .voter_names(campaign_id, &ids, member.scope()?)
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
            by_area = areas_g.into_values().collect();
            by_organizer = orgs_g.into_values().collect();
            by_shift = shifts_g.into_values().collect();
            by_area.sort_by_key(|g| std::cmp::Reverse(g.level_moves + g.plans));
            by_organizer.sort_by_key(|g| std::cmp::Reverse(g.level_moves + g.plans));
            by_shift.sort_by_key(|g| std::cmp::Reverse(g.level_moves + g.plans));
        }
        Some(PathView {
            before: found.before,
            after: found.after,
            reached: found.reached,
            target: goal.target,
            level_moves: found.level_moves,
            plans: found.turnout_moves,
            by_area,
            by_organizer,
            by_shift,
        })
    };
    let practice = match plan.test_id {
        Some(test_id) => practice_of(member, test_id, &scenario.rates, &plan, &areas, hide).await?,
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
    hide: Option<i64>,
) -> Result<Option<Practice>, AppError> {
    use crate::domain::structure::TestStatus;
    let store = member.store();
    let Some(test) = store.structure_test(member.campaign_id(), test_id).await? else {
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
    let people = store.test_validation(member.campaign_id(), test_id).await?;
    let row = |label: String, group: &[&crate::domain::structure::ValidationInput]| {
        let cells = cells_of(
            group
                .iter()
                .map(|p| (p.area_id, None, level_of(p.rating_then))),
        );
        let f = forecast(&rule, rates, &cells, &[], &[], None);
        let mut counts = Counts::default();
        for p in group {
            counts.add(p.response, 1);
        }
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
            people: group.len() as i64,
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
    if let Some(min) = hide {
        let withhold = |r: &mut PracticeRow| {
            r.forecast_share = None;
            r.forecast_pass = None;
            r.result_share = None;
            r.passed = None;
        };
        let small: Vec<usize> = (0..rows.len())
            .filter(|&i| singles_out(rows[i].people, min))
            .collect();
        for &i in &small {
            withhold(&mut rows[i]);
        }
        if small.len() == 1 && rows.len() > 1 {
            if let Some(next) = (0..rows.len())
                .filter(|i| !small.contains(i))
                .min_by_key(|&i| rows[i].people)
            {
                withhold(&mut rows[next]);
            }
        }
        if practice
            .overall
            .as_ref()
            .is_some_and(|o| singles_out(o.people, min))
        {
            practice.overall.as_mut().map(withhold);
        }
    }
    practice.by_area = rows;
    Ok(Some(practice))
}

pub(super) async fn build_plan_page(
    member: &InCampaign,
    plan: VotePlan,
) -> Result<VotePlanPageData, AppError> {
    let store = member.store();
    let campaign_id = member.campaign_id();
    let (areas, shifts, voters, places, members, hide) = tokio::try_join!(
        async { Ok::<_, AppError>(store.list_areas(campaign_id).await?) },
        async { Ok(store.list_shifts(campaign_id).await?) },
        async { Ok(store.voters(campaign_id, &plan.fields.area_ids).await?) },
        async { Ok(store.places(campaign_id, plan.id).await?) },
        async { Ok(store.list_members(campaign_id).await?) },
        hide_below(member),
    )?;
    let served = coverage(&voters, &places, &areas);
    let named = member.role() != Role::Viewer;
    let visible = |v: &Voter| named && member.sees(v.area_id, v.organizer_id);
    // Who to name: per place up to NAMES_PER_PLACE, and the uncovered.
    let mut per_place: Vec<Vec<i64>> = vec![Vec::new(); places.len()];
    let mut counts = vec![0i64; places.len()];
    let mut uncovered = Vec::new();
    for (v, at) in voters.iter().zip(&served) {
        if at.is_empty() {
            uncovered.push(v);
        }
        for &p in at {
            counts[p] += 1;
            if visible(v) && per_place[p].len() < NAMES_PER_PLACE {
                per_place[p].push(v.coworker_id);
            }
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
            .voter_names(campaign_id, &wanted, member.scope()?)
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
                served: counts[i],
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
    let mut groups: BTreeMap<String, i64> = BTreeMap::new();
    for v in &uncovered {
        *groups
            .entry(format!(
                "{} · {}",
                area_name(v.area_id),
                shift_name(v.shift_id)
            ))
            .or_default() += 1;
    }
    // Someone who may not see small groups sees none, nor one that the total minus the
    // groups shown would give back (the heat map's secondary suppression).
    let groups: Vec<(String, i64)> = groups.into_iter().collect();
    let uncovered_groups = match hide {
        None => groups,
        Some(min) => {
            use crate::domain::disclosure::{protect, Sum};
            let mut people: Vec<i64> = groups.iter().map(|g| g.1).collect();
            people.push(uncovered.len() as i64);
            let mut withheld: Vec<bool> = people.iter().map(|&n| singles_out(n, min)).collect();
            let total = groups.len();
            protect(
                &people,
                &mut withheld,
                &[Sum {
                    parts: (0..total).collect(),
                    total,
                }],
            );
            groups
                .into_iter()
                .zip(withheld)
                .filter(|(_, w)| !w)
                .map(|(g, _)| g)
                .collect()
        }
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
        uncovered: uncovered.len() as i64,
        uncovered_people,
        uncovered_groups,
        areas,
        shifts,
        plan,
    })
}

//! Mock strike vote planning: the plans (`/campaigns/:id/votes`), one plan's forecast
//! with its what-if, path to the threshold and practice vote (`/votes/:vid`), and its
//! polling places with who has no way to vote yet (`/votes/:vid/plan`, printable).
//!
//! Every form is a plain post that comes back to its page; the what-if is the one
//! island, for leads.

use leptos::prelude::*;

use crate::api::votes::{
    vote_page, vote_plan_page, votes_page, AddPlace, CreatePlan, PathGroup, PathView, Practice,
    RemovePlace, SaveScenario, StartPractice, UpdatePlan, VotePageData, VotePlanPageData,
    VotesPageData,
};
use crate::components::forecast::forecast_view;
use crate::components::form::{
    action_error, first_invalid, invalid, posted, FieldError, FormError, ReturnTo,
};
use crate::components::gate::Loaded;
use crate::components::vote_fields::{rule_fields, scope_fields};
use crate::domain::forecast::plan::{Observed, PlanForm, ScenarioForm};
use crate::domain::forecast::{level_label, percent, Rates, LEVELS};
use crate::domain::structure::VoteBase;
use crate::domain::{Area, Role};
use crate::pages::layout::{campaign_id, query, route_id};

/// A coworker's name, linking to their page.
fn person_link(id: i64, coworker_id: i64, name: &str) -> impl IntoView + use<> {
    view! { <a href=format!("/campaigns/{id}/coworkers/{coworker_id}")>{name.to_owned()}</a> }
}

fn plan_id() -> i64 {
    route_id("vid")
}

#[component]
pub fn VotesPage() -> impl IntoView {
    let id = campaign_id();
    let data = OnceResource::new(votes_page(id));
    view! {
        <h1>"Strike vote planning"</h1>
        <p><a class="back" href=format!("/campaigns/{id}")>"← Campaign"</a></p>
        <Loaded data loading="Loading the vote plans…" let:page>
            {votes_view(id, page)}
        </Loaded>
    }
}

fn votes_view(id: i64, page: VotesPageData) -> AnyView {
    let VotesPageData { plans, areas, role } = page;
    view! {
        <section class="card" aria-labelledby="plans-heading">
            <h2 id="plans-heading">"Votes being prepared"</h2>
            {if plans.is_empty() {
                view! { <p class="empty">"No vote plans yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list" data-testid="vote-plans">
                        {plans.into_iter().map(|p| view! {
                            <li class="stack">
                                <a href=format!("/campaigns/{id}/votes/{}", p.id)><strong>{p.fields.title.clone()}</strong></a>
                                <span class="hint">{format!("{}{}", p.fields.rule.words(), p.fields.vote_on.map(|d| format!(" · {}", d.format("%-d %b %Y"))).unwrap_or_default())}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {(role == Role::Lead).then(|| plan_form(id, &areas, None))}
    }
    .into_any()
}

/// The plan as a form: a new one (`plan` None) or one to edit.
fn plan_form(id: i64, areas: &[Area], plan: Option<(i64, PlanForm, Vec<i64>)>) -> AnyView {
    let create = ServerAction::<CreatePlan>::new();
    let update = ServerAction::<UpdatePlan>::new();
    let editing = plan.is_some();
    let error = Signal::derive(move || {
        if editing {
            update.value().get().and_then(Result::err)
        } else {
            create.value().get().and_then(Result::err)
        }
    });
    let saved = Signal::derive(move || update.value().get().is_some_and(|r| r.is_ok()));
    // A plan refused without JavaScript comes back as typed.
    let typed = if editing {
        posted::<UpdatePlan>()
            .filter(|p| p.campaign_id == id)
            .map(|p| (p.form, p.area_ids))
    } else {
        posted::<CreatePlan>()
            .filter(|p| p.campaign_id == id)
            .map(|p| (p.form, p.area_ids))
    };
    let (plan_id, f, chosen) = plan.unwrap_or_else(|| {
        (
            0,
            PlanForm {
                vote_base: "unit".into(),
                yes_percent: "75".into(),
                turnout_percent: "0".into(),
                target_percent: "90".into(),
                planned_turnout: "95".into(),
                ..PlanForm::default()
            },
            Vec::new(),
        )
    });
    let (f, chosen) = match typed {
        Some((form, ids)) => (
            form,
            ids.iter().filter_map(|i| i.trim().parse().ok()).collect(),
        ),
        None => (f, chosen),
    };
    let focus = move |field: &'static str| first_invalid(error, field);
    let fields = view! {
        <input type="hidden" name="campaign_id" value=id />
        {editing.then(|| view! { <input type="hidden" name="plan_id" value=plan_id /> })}
        <label for="vote-title">"Title"</label>
        <input id="vote-title" name="title" type="text" maxlength="200" value=f.title.clone() autofocus=focus("title") aria-invalid=invalid(error, "title") aria-describedby="vote-title-error" />
        <FieldError id="vote-title" field="title" error />
        {rule_fields("The rule", (f.vote_base.clone(), f.yes_percent.clone(), f.turnout_percent.clone()), VoteBase::Unit, error)}
        <label for="vote-on">"Date of the vote"</label>
        <input id="vote-on" name="vote_on" type="date" value=f.vote_on.clone() autofocus=focus("vote_on") aria-invalid=invalid(error, "vote_on") aria-describedby="vote-on-error" />
        <FieldError id="vote-on" field="vote_on" error />
        {scope_fields(areas, &chosen, error)}
        <label for="vote-target">"Chance of passing to aim for (percent)"</label>
        <input id="vote-target" name="target_percent" type="number" min="50" max="99" inputmode="numeric" value=f.target_percent.clone() autofocus=focus("target_percent") aria-invalid=invalid(error, "target_percent") aria-describedby="vote-target-error" />
        <FieldError id="vote-target" field="target_percent" error />
        <label for="vote-planned">"Turnout of someone with a plan to vote (percent)"</label>
        <input id="vote-planned" name="planned_turnout" type="number" min="0" max="100" inputmode="numeric" value=f.planned_turnout.clone() autofocus=focus("planned_turnout") aria-invalid=invalid(error, "planned_turnout") aria-describedby="vote-planned-error" />
        <FieldError id="vote-planned" field="planned_turnout" error />
        <FormError fields=&["title", "vote_base", "yes_percent", "turnout_percent", "vote_on", "area_ids", "target_percent", "planned_turnout"] error />
    };
    if editing {
        view! {
            <ActionForm action=update attr:class="card stack" attr:novalidate=true attr:data-testid="vote-plan-form">
                <h2>"The vote"</h2>
                <ReturnTo />
                {fields}
                <p class="ok" role="status">{move || saved.get().then_some("Saved. Reload to see the new forecast.")}</p>
                <button type="submit">"Save the vote"</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <ActionForm action=create attr:class="card stack" attr:novalidate=true attr:data-testid="vote-plan-form">
                <h2>"Prepare a vote"</h2>
                <ReturnTo />
                {fields}
                <button type="submit" class="primary">"Prepare it"</button>
            </ActionForm>
        }
        .into_any()
    }
}

#[component]
pub fn VotePage() -> impl IntoView {
    let id = campaign_id();
    let vid = plan_id();
    let scenario = query().get("scenario").unwrap_or_default();
    // Read here, outside the page's load, and handed to the island: the error of a
    // scenario posted without JavaScript that came back to this page.
    let returned = ServerAction::<SaveScenario>::new()
        .value()
        .get_untracked()
        .and_then(Result::err);
    // The scenario as that post sent it, shown again as typed.
    let typed = crate::components::form::posted::<SaveScenario>()
        .filter(|p| p.campaign_id == id && p.plan_id == vid)
        .map(|p| ScenarioForm {
            name: p.name,
            turnout: p.turnout,
            yes: p.yes,
            move_area: p.move_area,
            move_from: p.move_from,
            move_to: p.move_to,
            move_count: p.move_count,
        });
    let data = OnceResource::new(vote_page(id, vid, scenario));
    view! {
        <p><a class="back" href=format!("/campaigns/{id}/votes")>"← Strike vote planning"</a></p>
        <Loaded data loading="Loading the forecast…" error_heading="Vote forecast" let:page>
            {vote_view(id, page, returned.clone(), typed.clone())}
        </Loaded>
    }
}

fn vote_view(
    id: i64,
    page: VotePageData,
    returned: Option<crate::error::AppError>,
    typed: Option<ScenarioForm>,
) -> AnyView {
    use crate::components::what_if::WhatIfForm;
    let plan = page.plan.clone();
    let vid = plan.id;
    let f = &plan.fields;
    let lead = page.role == Role::Lead;
    let target = f.target_percent as f64 / 100.0;
    let scenario_words = match &page.scenario_name {
        Some(name) => format!("Scenario: {name}"),
        None => "Default rates (no scenario saved yet)".to_owned(),
    };
    let moves_words = page.scenario.moves_words(&page.areas);
    let edit = page
        .form
        .clone()
        .map(|form| (vid, form, plan.fields.area_ids.clone()));
    let forecast_block = if lead {
        view! {
            <WhatIfForm
                campaign_id=id
                plan_id=vid
                rule=f.rule
                target=target
                scenario=page.scenario.clone()
                cells=page.cells.clone().unwrap_or_default()
                areas=page.areas.clone()
                shifts=page.shifts.clone()
                return_path=crate::components::form::current_return_path()
                initial_error=returned
                typed
            />
        }
        .into_any()
    } else {
        view! {
            <section class="card stack" aria-labelledby="forecast-heading">
                <h2 id="forecast-heading">"The forecast"</h2>
                {rates_table(&page.scenario.rates)}
                {forecast_view(&page.forecast, target, &f.rule)}
            </section>
        }
        .into_any()
    };
    view! {
        <h1>{f.title.clone()}</h1>
        <section class="card stack" aria-labelledby="rule-heading">
            <h2 id="rule-heading">"The rule"</h2>
            <p data-testid="vote-rule">{f.rule.words()}</p>
            <p>{format!("Scope: {}", page.scope_words)}{f.vote_on.map(|d| format!(" · Vote on {}", d.format("%-d %b %Y")))}</p>
            <p><a class="button" href=format!("/campaigns/{id}/votes/{vid}/plan")>{match page.places {
                1 => "Where and when people vote (1 polling place)".to_owned(),
                n => format!("Where and when people vote ({n} polling places)"),
            }}</a></p>
        </section>
        <section class="card stack" aria-labelledby="saved-heading">
            <h2 id="saved-heading">"The saved forecast"</h2>
            <p data-testid="scenario-name"><strong>{scenario_words}</strong></p>
            {(!moves_words.is_empty()).then(|| view! {
                <ul class="plain-list">{moves_words.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
            })}
            {forecast_headline(&page)}
            {(!page.scenarios.is_empty()).then(|| view! {
                <details>
                    <summary>{format!("Saved scenarios ({})", page.scenarios.len())}</summary>
                    <ul class="plain-list" data-testid="scenarios">
                        {page.scenarios.iter().map(|(sid, name, by, at)| view! {
                            <li><a href=format!("/campaigns/{id}/votes/{vid}?scenario={sid}")>{name.clone()}</a>{format!(" · {by}, {at}")}</li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
        {forecast_block}
        {observed_view(id, vid, lead, &page.observed, page.suggested)}
        {page.path.clone().map(|p| path_view(id, p, page.role))}
        {practice_view(id, vid, lead, page.practice.clone())}
        {edit.map(|e| plan_form(id, &page.areas, Some(e)))}
    }
    .into_any()
}

/// The saved scenario's headline, server-computed (the island below recomputes).
fn forecast_headline(page: &VotePageData) -> impl IntoView {
    let target = page.plan.fields.target_percent as f64 / 100.0;
    crate::components::forecast::headline(page.forecast.overall, target, &page.plan.fields.rule)
}

fn rates_table(r: &Rates) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="The rates this forecast uses">
            <table class="rates" data-testid="rates">
                <caption>"The rates this forecast uses (percent)"</caption>
                <thead><tr><th scope="col">"Level"</th><th scope="col">"Turns out"</th><th scope="col">"Votes yes when voting"</th></tr></thead>
                <tbody>
                    {(0..LEVELS).map(|l| view! {
                        <tr><th scope="row">{level_label(l)}</th><td>{r.turnout[l]}</td><td>{r.yes[l]}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// What closed structure tests observed per level, and (leads) a button to save them as
/// a scenario.
fn observed_view(id: i64, vid: i64, lead: bool, o: &Observed, suggested: Option<Rates>) -> AnyView {
    let Some(rates) = suggested else {
        return view! {
            <section class="card" aria-labelledby="observed-heading">
                <h2 id="observed-heading">"What the structure tests showed"</h2>
                <p class="empty">"No closed structure test yet: the rates are the committee's guesses."</p>
            </section>
        }
        .into_any();
    };
    let save = ServerAction::<SaveScenario>::new();
    let error = action_error(save);
    let from_votes = o.vote_tests > 0;
    let rows: Vec<(usize, String)> = (0..LEVELS)
        .map(|l| {
            let words = if from_votes {
                let (people, voted, yes) = o.votes[l];
                format!("{people} people: {voted} voted, {yes} yes")
            } else {
                let (people, took) = o.actions[l];
                format!("{people} people: {took} took part")
            };
            (l, words)
        })
        .collect();
    view! {
        <section class="card stack" aria-labelledby="observed-heading">
            <h2 id="observed-heading">"What the structure tests showed"</h2>
            <p class="hint">{if from_votes {
                format!("From {} closed vote(s): turnout, and yes among those who voted, by the rating people had when each opened.", o.vote_tests)
            } else {
                format!("From {} closed action(s): taking part, by the rating people had when each opened (used as the yes rate).", o.action_tests)
            }}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Observed, per level">
                <table data-testid="observed">
                    <caption>"Observed, per level"</caption>
                    <thead><tr><th scope="col">"Level"</th><th scope="col">"Seen"</th><th scope="col">"Suggested turnout"</th><th scope="col">"Suggested yes"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(l, words)| view! {
                            <tr><th scope="row">{level_label(l)}</th><td>{words}</td><td>{format!("{}%", rates.turnout[l])}</td><td>{format!("{}%", rates.yes[l])}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {lead.then(|| view! {
                <ActionForm action=save attr:class="stack" attr:data-testid="use-observed">
                    <ReturnTo />
                    <input type="hidden" name="campaign_id" value=id />
                    <input type="hidden" name="plan_id" value=vid />
                    <input type="hidden" name="name" value="Rates observed in the structure tests" />
                    {(0..LEVELS).map(|l| view! {
                        <input type="hidden" name=format!("turnout[{l}]") value=rates.turnout[l] />
                        <input type="hidden" name=format!("yes[{l}]") value=rates.yes[l] />
                    }).collect_view()}
                    <FormError fields=&["turnout", "yes", "moves", "name"] error />
                    <button type="submit">"Use the observed rates"</button>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}

fn path_groups(
    id: i64,
    heading: &'static str,
    testid: &'static str,
    groups: Vec<PathGroup>,
) -> impl IntoView {
    view! {
        <h3>{heading}</h3>
        <ul class="plain-list path-groups" data-testid=testid>
            {groups.into_iter().map(|g| view! {
                <li class="stack">
                    <strong>{g.label.clone()}</strong>
                    <span>{format!("{} conversation(s) moving someone a level, {} plan(s) to vote", g.level_moves, g.plans)}</span>
                    // The totals stand; the names fold behind them (a long path named
                    // everyone, tens of thousands of pixels down).
                    {(!g.people.is_empty()).then(|| view! {
                        <details class="path-names">
                        <summary>{format!("Who ({})", g.people.len())}</summary>
                        <ul class="plain-list">
                            {g.people.iter().map(|p| view! {
                                <li>
                                    {person_link(id, p.coworker_id, &p.name)}
                                    {format!(": {}", if p.from == p.to {
                                        "make a plan to vote".to_owned()
                                    } else {
                                        format!("{} → {}{}", level_label(p.from), level_label(p.to), if p.plan_to_vote { ", and a plan to vote" } else { "" })
                                    })}
                                </li>
                            }).collect_view()}
                        </ul>
                        </details>
                    })}
                    {(g.others > 0).then(|| view! { <span class="hint">{format!("and {} more not listed here", g.others)}</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
}

fn path_view(id: i64, p: PathView, role: Role) -> impl IntoView {
    // Out of realistic reach: short even with every move, or only by turning opposed
    // and hostile coworkers into supporters. Said plainly, with what would bring it in.
    let out_of_reach = p.before < p.target && (!p.reached || p.long_shots > 0);
    let bring_in = out_of_reach.then(|| {
        let mut ways = Vec::new();
        match p.unrated {
            Some(n) if n > 0 => ways.push(format!(
                "find out where the {n} people not yet rated stand (the path cannot count on them)"
            )),
            None => ways.push("find out where the people not yet rated stand".to_owned()),
            _ => {}
        }
        ways.push("grow support among the undecided (3) and turn out the supporters (1–2) with plans to vote".to_owned());
        ways.push("or run the vote when the chart is stronger: a practice vote first shows where it stands".to_owned());
        format!("What would bring it in: {}.", ways.join("; "))
    });
    let head = if p.before >= p.target {
        format!(
            "The chart already gives a {} chance of passing: at or above the {} aimed for.",
            percent(p.before),
            percent(p.target)
        )
    } else if p.reached && p.long_shots > 0 {
        let who = match (role, p.long_shots) {
            (Role::Viewer, _) => "opposed or hostile coworkers".to_owned(),
            (_, 1) => "1 opposed or hostile coworker".to_owned(),
            (_, n) => format!("{n} opposed or hostile coworkers"),
        };
        format!(
            "Out of realistic reach: the chance of passing rises from {} to {} (aim: {}) only by turning {who} into supporters, with {} conversation(s) and {} plan(s) to vote.",
            percent(p.before),
            percent(p.after),
            percent(p.target),
            p.level_moves,
            p.plans
        )
    } else if p.reached {
        format!(
            "{} conversation(s) moving someone one level and {} plan(s) to vote lift the chance of passing from {} to {} (aim: {}).",
            p.level_moves,
            p.plans,
            percent(p.before),
            percent(p.after),
            percent(p.target)
        )
    } else {
        format!(
            "Out of reach: even moving everyone it can, the chart reaches only {} (aim: {}) from these rates.",
            percent(p.after),
            percent(p.target)
        )
    };
    view! {
        <section class="card stack" aria-labelledby="path-heading">
            <h2 id="path-heading">"The path to the threshold"</h2>
            <p data-testid="path-summary" class=if out_of_reach { "outcome" } else { "" }>{head}</p>
            {bring_in.map(|words| view! { <p data-testid="path-bring-in">{words}</p> })}
            {(role == Role::Viewer).then(|| view! { <p class="hint">"Organizers and leads see where these moves are and with whom."</p> })}
            {(!p.by_area.is_empty()).then(|| path_groups(id, "By area", "path-by-area", p.by_area.clone()))}
            {(!p.by_organizer.is_empty()).then(|| path_groups(id, "By organizer", "path-by-organizer", p.by_organizer.clone()))}
            {(!p.by_shift.is_empty()).then(|| path_groups(id, "By shift (plans to vote raise a shift's turnout)", "path-by-shift", p.by_shift.clone()))}
        </section>
    }
}

fn practice_view(id: i64, vid: i64, lead: bool, practice: Option<Practice>) -> AnyView {
    let start = ServerAction::<StartPractice>::new();
    let error = action_error(start);
    match practice {
        None => view! {
            <section class="card stack" aria-labelledby="practice-heading">
                <h2 id="practice-heading">"The practice vote"</h2>
                <p class="hint">"Hold a practice vote with this rule and scope, then compare its result with the forecast, area by area."</p>
                {lead.then(|| view! {
                    <ActionForm action=start attr:data-testid="start-practice">
                        <ReturnTo />
                        <input type="hidden" name="campaign_id" value=id />
                        <input type="hidden" name="plan_id" value=vid />
                        <FormError fields=&[] error />
                        <button type="submit">"Plan the practice vote"</button>
                    </ActionForm>
                })}
            </section>
        }
        .into_any(),
        Some(p) => {
            let cell = |x: Option<f64>| x.map(percent).unwrap_or_else(|| "—".into());
            // A practice vote still open has not passed or failed: it would pass so far.
            let closed = p.status == "Closed";
            let passed_heading = if closed { "Passed" } else { "Passing so far" };
            view! {
                <section class="card stack" aria-labelledby="practice-heading">
                    <h2 id="practice-heading">"The practice vote: forecast beside result"</h2>
                    <p><a href=format!("/campaigns/{id}/tests/{}", p.test_id)>{p.title.clone()}</a>{format!(" · {}", p.status)}</p>
                    <p class="hint">"The forecast uses the ratings people had when the practice vote opened, at this scenario's rates."</p>
                    {(!p.by_area.is_empty()).then(|| view! {
                        <div class="table-wrap" tabindex="0" role="region" aria-label="Forecast and result">
                            <table data-testid="practice">
                                <caption>"Forecast and result"</caption>
                                <thead><tr><th scope="col">"Where"</th><th scope="col">"People"</th><th scope="col">"Forecast yes share"</th><th scope="col">"Result yes share"</th><th scope="col">"Forecast chance"</th><th scope="col">{passed_heading}</th></tr></thead>
                                <tbody>
                                    {p.overall.iter().chain(p.by_area.iter()).map(move |r| view! {
                                        <tr>
                                            <th scope="row">{r.label.clone()}</th>
                                            <td>{r.people}</td>
                                            <td>{cell(r.forecast_share)}</td>
                                            <td>{cell(r.result_share)}</td>
                                            <td>{cell(r.forecast_pass)}</td>
                                            <td>{match r.passed { Some(true) => "Yes", Some(false) => "No", None => "—" }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    })}
                </section>
            }
            .into_any()
        }
    }
}

#[component]
pub fn VotePlanPage() -> impl IntoView {
    let id = campaign_id();
    let vid = plan_id();
    let data = OnceResource::new(vote_plan_page(id, vid));
    view! {
        <p class="no-print"><a class="back" href=format!("/campaigns/{id}/votes/{vid}")>"← The forecast"</a></p>
        <Loaded data loading="Loading the vote plan…" error_heading="Vote plan" let:page>
            {plan_page_view(id, page)}
        </Loaded>
    }
}

fn plan_page_view(id: i64, page: VotePlanPageData) -> AnyView {
    let vid = page.plan.id;
    let lead = page.role == Role::Lead;
    let add = ServerAction::<AddPlace>::new();
    let remove = ServerAction::<RemovePlace>::new();
    let error = action_error(add);
    let remove_error = action_error(remove);
    let live_areas: Vec<Area> = page.areas.iter().filter(|a| !a.retired).cloned().collect();
    view! {
        <h1>{format!("Where and when people vote: {}", page.plan.fields.title)}</h1>
        <p>{format!("{} · Scope: {}", page.plan.fields.rule.words(), page.scope_words)}</p>
        <p class="hint no-print">"Print this page for the polling places: the forms are left off the paper."</p>
        <section class="card stack" aria-labelledby="places-heading">
            <h2 id="places-heading">"Polling places"</h2>
            {if page.places.is_empty() {
                view! { <p class="empty">"No polling place yet: nobody has a way to vote."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list" data-testid="places">
                        {page.places.into_iter().map(|p| {
                            let place_id = p.place.id;
                            view! {
                                <li class="stack place">
                                    <strong>{p.place.name.clone()}</strong>
                                    <span>{p.place.when_words()}</span>
                                    <span>{format!("For {} · {}", p.area.clone().unwrap_or_else(|| "the whole scope".into()), p.shift.clone().unwrap_or_else(|| "every shift".into()))}</span>
                                    <span>{format!("Covered by {}", p.place.organizer.clone().unwrap_or_else(|| "nobody yet".into()))}</span>
                                    <span data-testid="place-served">{format!("{} people vote here", p.served)}</span>
                                    {(!p.people.is_empty()).then(|| view! {
                                        <details>
                                            <summary>{format!("Who ({} you can see)", p.people.len())}</summary>
                                            <ul class="names">{p.people.iter().map(|(cid, name)| view! { <li>{person_link(id, *cid, name)}</li> }).collect_view()}</ul>
                                        </details>
                                    })}
                                    {lead.then(|| view! {
                                        // Two steps, without JavaScript too: the first opens the question.
                                        <details class="confirm no-print">
                                            <summary>{format!("Remove {}…", p.place.name)}</summary>
                                            <p>{format!("Remove {}? The {} people who vote here lose their polling place.", p.place.name, p.served)}</p>
                                            <ActionForm action=remove>
                                                <ReturnTo />
                                                <input type="hidden" name="campaign_id" value=id />
                                                <input type="hidden" name="plan_id" value=vid />
                                                <input type="hidden" name="place_id" value=place_id />
                                                <button type="submit" class="danger">{format!("Yes, remove {}", p.place.name)}</button>
                                            </ActionForm>
                                        </details>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <FormError fields=&[] error=remove_error />
        </section>
        <section class="card stack" aria-labelledby="uncovered-heading">
            <h2 id="uncovered-heading">"No way to vote yet"</h2>
            <p data-testid="uncovered"><strong>{page.uncovered}</strong>" in the scope have no polling place for their area and shift."</p>
            {(!page.uncovered_groups.is_empty()).then(|| view! {
                <ul class="plain-list" data-testid="uncovered-groups">
                    {page.uncovered_groups.iter().map(|(label, n)| view! { <li>{format!("{label}: {n}")}</li> }).collect_view()}
                </ul>
            })}
            {(!page.uncovered_people.is_empty()).then(|| view! {
                <details open=true>
                    <summary>{format!("Who ({} you can see)", page.uncovered_people.len())}</summary>
                    <ul class="names" data-testid="uncovered-people">
                        {page.uncovered_people.iter().map(|(cid, name, area, shift)| view! {
                            <li>{person_link(id, *cid, name)}{format!(" · {area} · {shift}")}</li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
        {lead.then(|| view! {
            <ActionForm action=add attr:class="card stack no-print" attr:novalidate=true attr:data-testid="place-form">
                <h2>"Add a polling place"</h2>
                <ReturnTo />
                <input type="hidden" name="campaign_id" value=id />
                <input type="hidden" name="plan_id" value=vid />
                <label for="place-name">"Where (the room, the gate)"</label>
                <input id="place-name" name="name" type="text" maxlength="200" aria-describedby="place-name-error" />
                <FieldError id="place-name" field="name" error />
                <label for="place-area">"For the people of"</label>
                <select id="place-area" name="area_id" aria-describedby="place-area-error">
                    <option value="">"The whole scope"</option>
                    {live_areas.iter().map(|a| view! { <option value=a.id>{a.name.clone()}</option> }).collect_view()}
                </select>
                <FieldError id="place-area" field="area_id" error />
                <label for="place-shift">"On the shift"</label>
                <select id="place-shift" name="shift_id" aria-describedby="place-shift-error">
                    <option value="">"Every shift"</option>
                    {page.shifts.iter().map(|s| view! { <option value=s.id>{s.name.clone()}</option> }).collect_view()}
                </select>
                <FieldError id="place-shift" field="shift_id" error />
                <div class="row wrap pair">
                    <div class="stack">
                        <label for="place-opens">"Opens"</label>
                        <input id="place-opens" name="opens_at" type="datetime-local" aria-describedby="place-opens-error" />
                        <FieldError id="place-opens" field="opens_at" error />
                    </div>
                    <div class="stack">
                        <label for="place-closes">"Closes"</label>
                        <input id="place-closes" name="closes_at" type="datetime-local" aria-describedby="place-closes-error" />
                        <FieldError id="place-closes" field="closes_at" error />
                    </div>
                </div>
                <label for="place-organizer">"Covered by"</label>
                <select id="place-organizer" name="organizer_id" aria-describedby="place-organizer-error">
                    <option value="">"Nobody yet"</option>
                    {page.members.iter().map(|m| view! { <option value=m.user_id>{m.email.clone()}</option> }).collect_view()}
                </select>
                <FieldError id="place-organizer" field="organizer_id" error />
                <FormError fields=&["name", "area_id", "shift_id", "opens_at", "closes_at", "organizer_id"] error />
                <button type="submit" class="primary">"Add the polling place"</button>
            </ActionForm>
        })}
    }
    .into_any()
}

//! Structure tests: the escalation timeline and planning (`/campaigns/:id/tests`), one
//! test with its tally, recording and what it says about the ratings
//! (`/campaigns/:id/tests/:tid`), and the tally alone for a projector
//! (`/campaigns/:id/tests/:tid/tally`, reloading itself).
//!
//! Every form is a plain post that comes back to its page: recording works on a phone
//! whose WebAssembly never loaded. Ten people are marked in eleven taps (ten ticks and
//! the mark), a whole area or shift in three.

use leptos::prelude::*;

use crate::api::organizing::SetRating;
use crate::api::structure::{
    test_page, test_tally_page, tests_page, CloseTest, CreateTest, OpenTest, RecordGroup,
    RecordMarks, TallyPageData, TestPageData, TestsPageData, UpdateTest,
};
use crate::components::chip::{coworker_link, rating_words};
use crate::components::form::{
    action_error, first_invalid, invalid, posted, text_area, FieldError, FormError, ReturnTo,
};
use crate::components::gate::Loaded;
use crate::components::support_bar::support_bar;
use crate::components::vote_fields::{rule_fields, scope_fields};
use crate::domain::structure::tally::mark_words;
use crate::domain::structure::{
    Outcome, RateRow, Response, StructureTest, Surprise, Tally, TallyRow, TestForm, TestKind,
    TestStatus, TimelineEntry, VoteBase, DESCRIPTION_MAX, TITLE_MAX,
};
use crate::domain::text::thousands;
use crate::domain::{Area, Choice, Role, Shift};
use crate::islands::refresh::{AutoRefresh, REFRESH_SECONDS};
use crate::pages::layout::{campaign_id, query, route_id};

fn test_id() -> i64 {
    route_id("tid")
}

fn status_words(t: &StructureTest) -> String {
    let when = |d: Option<chrono::DateTime<chrono::Utc>>| {
        d.map(|d| d.format("%-d %b %Y").to_string())
            .unwrap_or_default()
    };
    match t.status {
        TestStatus::Planned => match t.opens_at {
            Some(o) => format!("Planned for {}", o.format("%-d %b %Y, %H:%M")),
            None => "Planned".to_owned(),
        },
        TestStatus::Live => format!("Live since {}", when(t.opened_at)),
        TestStatus::Closed => format!("Closed {}", when(t.closed_at)),
    }
}

/// The headline of an outcome and its bar (the bar only repeats the numbers).
fn outcome_view(outcome: Option<Outcome>, testid: &'static str) -> AnyView {
    match outcome {
        Some(o) => view! {
            <p class=if o.met() { "outcome met" } else { "outcome" } data-testid=testid>{o.words()}</p>
            {support_bar(o.percent(), o.goal_percent())}
        }
        .into_any(),
        None => view! {
            <p class="hint" data-testid=testid>"Too few people in the scope to show a count."</p>
        }
        .into_any(),
    }
}

#[component]
pub fn StructureTestsPage() -> impl IntoView {
    let id = campaign_id();
    let data = OnceResource::new(tests_page(id));
    // A plan refused without JavaScript comes back as typed.
    let typed = posted::<CreateTest>()
        .filter(|p| p.campaign_id == id)
        .map(|p| (p.form, p.area_ids));
    view! {
        <h1>"Structure tests"</h1>
        <p><a class="back" href=format!("/campaigns/{id}")>"← Campaign"</a></p>
        <Loaded data loading="Loading the tests…" let:page>
            {tests_view(id, page, typed.clone())}
        </Loaded>
    }
}

fn tests_view(id: i64, page: TestsPageData, typed: Option<(TestForm, Vec<String>)>) -> AnyView {
    let TestsPageData {
        timeline,
        areas,
        role,
    } = page;
    view! {
        <section class="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"Escalation: each test against its goal"</h2>
            {if timeline.is_empty() {
                view! { <p class="empty">"No structure tests yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="plain-list timeline" data-testid="timeline">
                        {timeline.into_iter().map(|e| timeline_item(id, e)).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
        {(role == Role::Lead).then(|| plan_form(id, &areas, None, typed))}
    }
    .into_any()
}

fn timeline_item(id: i64, e: TimelineEntry) -> impl IntoView + use<> {
    let t = e.test;
    view! {
        <li class="stack">
            <a href=format!("/campaigns/{id}/tests/{}", t.id)><strong>{t.title.clone()}</strong></a>
            <span class="hint">{format!("{} · {}", t.kind.label(), status_words(&t))}</span>
            {(t.status != TestStatus::Planned).then(|| outcome_view(e.outcome, "timeline-outcome"))}
        </li>
    }
}

/// The plan of a test as a form: a new one (`test` None) or a planned one to edit.
/// `typed` is the form as a refused post sent it (it wins over `test`'s own values).
fn plan_form(
    id: i64,
    areas: &[Area],
    test: Option<(i64, TestForm, Vec<i64>)>,
    typed: Option<(TestForm, Vec<String>)>,
) -> AnyView {
    let create = ServerAction::<CreateTest>::new();
    let update = ServerAction::<UpdateTest>::new();
    let editing = test.is_some();
    let error = Signal::derive(move || {
        if editing {
            update.value().get().and_then(Result::err)
        } else {
            create.value().get().and_then(Result::err)
        }
    });
    let (test_id, f, chosen) = test.unwrap_or_else(|| {
        (
            0,
            TestForm {
                goal_percent: "70".into(),
                ..TestForm::default()
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
    let kind = TestKind::parse(&f.kind);
    let focus = move |field: &'static str| first_invalid(error, field);
    let fields = view! {
        <input type="hidden" name="campaign_id" value=id />
        {editing.then(|| view! { <input type="hidden" name="test_id" value=test_id /> })}
        <label for="test-kind">"Kind"</label>
        <select id="test-kind" name="kind" autofocus=focus("kind") aria-invalid=invalid(error, "kind") aria-describedby="test-kind-error">
            <option value="" selected=kind.is_none()>"Choose…"</option>
            {TestKind::ALL.into_iter().map(|k| view! {
                <option value=k.key() selected=kind == Some(k)>{k.label()}</option>
            }).collect_view()}
        </select>
        <FieldError id="test-kind" field="kind" error />
        <label for="test-title">"Title"</label>
        <input id="test-title" name="title" type="text" value=f.title.clone() autofocus=focus("title") aria-invalid=invalid(error, "title") aria-describedby="test-title-hint test-title-error" />
        <p id="test-title-hint" class="hint">{format!("Up to {TITLE_MAX} characters.")}</p>
        <FieldError id="test-title" field="title" error />
        <label for="test-description">"What people are asked to do"</label>
        <textarea id="test-description" name="description" rows="3" autofocus=focus("description") aria-invalid=invalid(error, "description") aria-describedby="test-description-hint test-description-error">{text_area(&f.description)}</textarea>
        <p id="test-description-hint" class="hint">{format!("Up to {} characters; now {}.", thousands(DESCRIPTION_MAX), thousands(f.description.chars().count()))}</p>
        <FieldError id="test-description" field="description" error />
        <div class="row wrap pair">
            <div class="stack">
                <label for="test-opens">"Opens"</label>
                <input id="test-opens" name="opens_at" type="datetime-local" value=f.opens_at.clone() autofocus=focus("opens_at") aria-invalid=invalid(error, "opens_at") aria-describedby="test-opens-error" />
                <FieldError id="test-opens" field="opens_at" error />
            </div>
            <div class="stack">
                <label for="test-closes">"Closes"</label>
                <input id="test-closes" name="closes_at" type="datetime-local" value=f.closes_at.clone() autofocus=focus("closes_at") aria-invalid=invalid(error, "closes_at") aria-describedby="test-closes-error" />
                <FieldError id="test-closes" field="closes_at" error />
            </div>
        </div>
        <label for="test-goal">"Goal (percent of the scope taking part)"</label>
        <input id="test-goal" name="goal_percent" type="number" min="1" max="100" inputmode="numeric" value=f.goal_percent.clone() autofocus=focus("goal_percent") aria-invalid=invalid(error, "goal_percent") aria-describedby="test-goal-error" />
        <FieldError id="test-goal" field="goal_percent" error />
        {scope_fields(areas, &chosen, error)}
        {rule_fields("Votes only: the rule", (f.vote_base.clone(), f.yes_percent.clone(), f.turnout_percent.clone()), VoteBase::Cast, error)}
        <FormError fields=&["kind", "title", "description", "opens_at", "closes_at", "goal_percent", "area_ids", "vote_base", "yes_percent", "turnout_percent"] error />
    };
    if editing {
        view! {
            <ActionForm action=update attr:class="card stack" attr:novalidate=true attr:data-testid="test-plan-form">
                <h2>"The plan"</h2>
                <ReturnTo />
                {fields}
                <button type="submit">"Save the plan"</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <ActionForm action=create attr:class="card stack" attr:novalidate=true attr:data-testid="test-plan-form">
                <h2>"Plan a structure test"</h2>
                <ReturnTo />
                {fields}
                <button type="submit" class="primary">"Plan it"</button>
            </ActionForm>
        }
        .into_any()
    }
}

#[component]
pub fn StructureTestPage() -> impl IntoView {
    let id = campaign_id();
    let tid = test_id();
    let q = query();
    let get = |k: &str| q.get(k).unwrap_or_default();
    let recorded = q.get("recorded").and_then(|n| n.parse::<usize>().ok());
    let data = OnceResource::new(test_page(
        id,
        tid,
        get("area"),
        get("shift"),
        get("q"),
        get("unmarked"),
    ));
    let filters = (get("area"), get("shift"), get("q"), get("unmarked"));
    // A plan refused without JavaScript comes back as typed.
    let typed = posted::<UpdateTest>()
        .filter(|p| p.campaign_id == id && p.test_id == tid)
        .map(|p| (p.form, p.area_ids));
    view! {
        <p><a class="back" href=format!("/campaigns/{id}/tests")>"← Structure tests"</a></p>
        <Loaded data loading="Loading the test…" error_heading="Structure test" let:page>
            {test_view(id, page, recorded, filters.clone(), typed.clone())}
        </Loaded>
    }
}

fn test_view(
    id: i64,
    page: TestPageData,
    recorded: Option<usize>,
    filters: (String, String, String, String),
    typed: Option<(TestForm, Vec<String>)>,
) -> AnyView {
    let t = page.test.clone();
    let tid = t.id;
    let lead = page.role == Role::Lead;
    let open = ServerAction::<OpenTest>::new();
    let close = ServerAction::<CloseTest>::new();
    let status_error = Signal::derive(move || {
        open.value()
            .get()
            .and_then(Result::err)
            .or_else(|| close.value().get().and_then(Result::err))
    });
    let edit = page.form.clone().map(|f| (tid, f, t.area_ids.clone()));
    view! {
        <h1>{t.title.clone()}</h1>
        <p data-testid="test-status"><strong>{t.kind.label()}</strong>{format!(" · {}", status_words(&t))}</p>
        {(!t.description.is_empty()).then(|| view! { <p>{t.description.clone()}</p> })}
        <dl class="figures">
            <div><dt>"Scope"</dt><dd>{page.scope_words.clone()}</dd></div>
            <div><dt>"Goal"</dt><dd data-testid="test-goal">{t.goal_words()}</dd></div>
            {t.closes_at.map(|c| view! { <div><dt>"Closes"</dt><dd>{c.format("%-d %b %Y, %H:%M").to_string()}</dd></div> })}
        </dl>
        {recorded.map(|n| view! {
            <p class="notice" role="status" data-testid="recorded">{format!("Marked {n} {}.", if n == 1 { "person" } else { "people" })}</p>
        })}
        {(lead && t.status == TestStatus::Planned).then(|| view! {
            <ActionForm action=open attr:class="card stack">
                <ReturnTo />
                <input type="hidden" name="campaign_id" value=id />
                <input type="hidden" name="test_id" value=tid />
                <p class="hint">"Opening fixes the scope: the coworkers in it now, each with their rating now."</p>
                <button type="submit" class="primary">"Open it now"</button>
            </ActionForm>
        })}
        {(lead && t.status == TestStatus::Live).then(|| view! {
            // Two steps, without JavaScript too: the first opens the question.
            <details class="card confirm">
                <summary>"Close it now…"</summary>
                <p>"Close the test now? Nobody can be marked after it closes, and the count becomes final."</p>
                <ActionForm action=close attr:class="stack">
                    <ReturnTo />
                    <input type="hidden" name="campaign_id" value=id />
                    <input type="hidden" name="test_id" value=tid />
                    <button type="submit" class="danger">"Yes, close it now"</button>
                </ActionForm>
            </details>
        })}
        <FormError fields=&[] error=status_error />
        {(t.status != TestStatus::Planned).then(|| tally_view(id, &t, &page.tally, page.outcome))}
        {(page.role != Role::Viewer && t.status == TestStatus::Live).then(|| recording_view(id, page.clone(), filters))}
        {page.validation.clone().map(|v| validation_view(id, &t, v))}
        {edit.map(|e| plan_form(id, &page.areas, Some(e), typed))}
    }
    .into_any()
}

fn breakdown(caption: &'static str, rows: &[TallyRow], vote: bool) -> impl IntoView + use<> {
    let rows = rows.to_vec();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=caption>
            <table class="tally-table">
                <caption>{caption}</caption>
                <thead><tr>
                    <th scope="col">""</th>
                    <th scope="col">"People"</th>
                    <th scope="col">{if vote { "Yes" } else { "Took part" }}</th>
                    <th scope="col">"%"</th>
                    <th scope="col">{if vote { "Voted" } else { "Marked" }}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| match r.counts {
                        Some(c) => view! {
                            <tr>
                                <th scope="row">{r.label}</th>
                                <td>{c.scope}</td>
                                <td>{c.took_part()}</td>
                                <td>{format!("{}%", c.percent(c.took_part()))}</td>
                                <td>{if vote { c.turnout() } else { c.marked() }}</td>
                            </tr>
                        }.into_any(),
                        None => view! {
                            <tr><th scope="row">{r.label}</th><td colspan="4" class="hint">"— (too few to show)"</td></tr>
                        }.into_any(),
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn tally_view(id: i64, t: &StructureTest, tally: &Tally, outcome: Option<Outcome>) -> AnyView {
    let vote = t.kind.is_vote();
    view! {
        <section class="card" aria-labelledby="tally-heading" data-testid="tally">
            <h2 id="tally-heading">"The count"</h2>
            {outcome_view(outcome, "outcome")}
            {tally.min_group_size.map(|m| view! {
                <p class="hint">{format!("Counts only; groups of fewer than {m} people are not shown, and every count is rounded to a multiple of {m} (the same people always the same way).")}</p>
            })}
            {breakdown("By area (when it opened)", &tally.by_area, vote)}
            {breakdown("By shift", &tally.by_shift, vote)}
            <p><a href=format!("/campaigns/{id}/tests/{}/tally", t.id)>"Show the count on a screen (it refreshes itself) →"</a></p>
        </section>
    }
    .into_any()
}

fn recording_view(
    id: i64,
    page: TestPageData,
    filters: (String, String, String, String),
) -> AnyView {
    let tid = page.test.id;
    let kind = page.test.kind;
    let record = ServerAction::<RecordMarks>::new();
    let group = ServerAction::<RecordGroup>::new();
    let record_error = action_error(record);
    let group_error = action_error(group);
    let (area_filter, shift_filter, q, unmarked) = filters;
    let area_names = |area: Option<i64>| {
        area.and_then(|a| page.areas.iter().find(|x| x.id == a))
            .map_or_else(|| "No area".to_owned(), |a| a.name.clone())
    };
    // The list comes by area: a heading wherever the area changes.
    type Numbered = (usize, crate::domain::structure::ScopePerson);
    let mut sections: Vec<(String, Vec<Numbered>)> = Vec::new();
    for (i, p) in page.people.iter().enumerate() {
        let name = area_names(p.area_id);
        match sections.last_mut() {
            Some((n, people)) if *n == name => people.push((i, p.clone())),
            _ => sections.push((name, vec![(i, p.clone())])),
        }
    }
    let shown = page.people.len() as i64;
    let total = page.people_total;
    let client_id = page.client_id.clone();
    let group_client_id = page.client_id.clone();
    view! {
        <section class="card stack" aria-labelledby="record-heading">
            <h2 id="record-heading">"Record who took part"</h2>
            <form method="get" class="chart-filter" role="search" aria-label="Find people in this test">
                <div>
                    <label for="find-q">"Name"</label>
                    <input id="find-q" name="q" type="search" maxlength="100" value=q />
                </div>
                {area_select("find-area", "area", &page.areas, &area_filter, "Every area")}
                {shift_select("find-shift", "shift", &page.shifts, &shift_filter)}
                <label class="choice"><input type="checkbox" name="unmarked" checked=crate::domain::fields::checked(&unmarked) />" Not marked yet"</label>
                <button type="submit">"Find"</button>
            </form>
            <ActionForm action=group attr:class="stack group-mark" attr:novalidate=true attr:data-testid="group-form">
                <h3>"Everyone in an area or a shift"</h3>
                <ReturnTo />
                <input type="hidden" name="campaign_id" value=id />
                <input type="hidden" name="test_id" value=tid />
                <input type="hidden" name="client_id" value=group_client_id />
                {area_select("group-area", "area_id", &page.areas, "", "Any area")}
                {shift_select("group-shift", "shift_id", &page.shifts, "")}
                <FieldError id="group-area" field="area_id" error=group_error />
                <label class="choice"><input type="checkbox" name="only_unmarked" checked=true />" Only those not marked yet"</label>
                <div class="row wrap">
                    {kind.responses().iter().map(|r| view! {
                        <button type="submit" name="response" value=r.key()>{format!("Mark all: {}", r.label())}</button>
                    }).collect_view()}
                </div>
                <FormError fields=&["area_id"] error=group_error />
            </ActionForm>
            <ActionForm action=record attr:class="stack" attr:novalidate=true attr:data-testid="record-form">
                <ReturnTo />
                <input type="hidden" name="campaign_id" value=id />
                <input type="hidden" name="test_id" value=tid />
                <input type="hidden" name="client_id" value=client_id />
                <p class="hint" data-testid="people-count">{if shown < total {
                    format!("Showing {shown} of {total}: narrow by name, area or shift.")
                } else {
                    format!("{total} {} to mark.", if total == 1 { "person" } else { "people" })
                }}</p>
                {sections.into_iter().map(|(area, people)| view! {
                    <fieldset class="mark-area">
                        <legend>{area}</legend>
                        <ul class="plain-list mark-list">
                            {people.into_iter().map(|(i, p)| mark_row(kind, i, p)).collect_view()}
                        </ul>
                    </fieldset>
                }).collect_view()}
                <FieldError id="record-people" field="coworker_ids" error=record_error />
                <FieldError id="record-response" field="response" error=record_error />
                <FormError fields=&["coworker_ids", "response"] error=record_error />
                <div class="sticky-actions row wrap" data-testid="mark-ticked">
                    <span>"Mark the ticked:"</span>
                    {kind.responses().iter().map(|r| view! {
                        <button type="submit" name="response" value=r.key() class=if r.took_part() { "primary" } else { "" }>{r.label()}</button>
                    }).collect_view()}
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}

fn mark_row(
    kind: TestKind,
    index: usize,
    p: crate::domain::structure::ScopePerson,
) -> impl IntoView + use<> {
    let input_id = format!("mark-{}", p.coworker_id);
    let label_for = input_id.clone();
    let name_id = format!("name-{}", p.coworker_id);
    // One tap for the common answer; any other is a tick and the bar's button.
    let common = kind.responses()[0];
    view! {
        <li class="mark-row" id=format!("row-{}", p.coworker_id) data-testid="mark-row">
            // The whole label is the tick's target; its name is the person's alone, and
            // the mark sits under the name on a phone, beside it on a laptop.
            <label class="choice" for=label_for>
                <input id=input_id type="checkbox" name=format!("coworker_ids[{index}]") value=p.coworker_id aria-labelledby=name_id.clone() />
                <span class="who">
                    <span id=name_id>{p.name.clone()}</span>
                    <span class=format!("mark mark-{}", p.response.map_or("none", Response::key)) data-testid="current-mark">{mark_words(p.response)}</span>
                </span>
            </label>
            <button type="submit" class="small" name="one" value=format!("{}:{}", p.coworker_id, common.key())
                aria-label=format!("{}: {}", common.label(), p.name)>{common.label()}</button>
        </li>
    }
}

fn area_select(
    id: &'static str,
    name: &'static str,
    areas: &[Area],
    chosen: &str,
    any: &'static str,
) -> impl IntoView + use<> {
    let areas: Vec<Area> = areas.iter().filter(|a| !a.retired).cloned().collect();
    let chosen = chosen.to_owned();
    view! {
        <div>
            <label for=id>"Area"</label>
            <select id=id name=name aria-describedby=format!("{id}-error")>
                <option value="">{any}</option>
                {areas.into_iter().map(|a| {
                    let selected = a.id.to_string() == chosen;
                    view! { <option value=a.id selected=selected>{a.name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

fn shift_select(
    id: &'static str,
    name: &'static str,
    shifts: &[Shift],
    chosen: &str,
) -> impl IntoView + use<> {
    let shifts = shifts.to_vec();
    let chosen = chosen.to_owned();
    view! {
        <div>
            <label for=id>"Shift"</label>
            <select id=id name=name>
                <option value="">"Any shift"</option>
                {shifts.into_iter().map(|s| {
                    let selected = s.id.to_string() == chosen;
                    view! { <option value=s.id selected=selected>{s.name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

fn rate_table(
    caption: &'static str,
    rows: Vec<RateRow>,
    testid: &'static str,
) -> impl IntoView + use<> {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=caption>
            <table data-testid=testid>
                <caption>{caption}</caption>
                <thead><tr><th scope="col">""</th><th scope="col">"People"</th><th scope="col">"Took part"</th><th scope="col">"Rate"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let rate = if r.people == 0 { "—".to_owned() } else { format!("{}%", r.percent()) };
                        view! { <tr><th scope="row">{r.label}</th><td>{r.people}</td><td>{r.took_part}</td><td>{rate}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn validation_view(id: i64, t: &StructureTest, v: crate::domain::structure::Validation) -> AnyView {
    let note = format!("After the test: {}", t.title);
    view! {
        <section class="card stack" aria-labelledby="validation-heading" data-testid="validation">
            <h2 id="validation-heading">"What it says about the ratings"</h2>
            <p class="hint">"Each person's rating when the test opened, beside what they did. Nothing is re-rated for you."</p>
            {(v.not_asked > 0).then(|| view! {
                <p class="hint" data-testid="not-asked">{match v.not_asked {
                    1 => "1 person was never asked (no mark, not reached or absent) and is left out.".to_owned(),
                    n => format!("{n} people were never asked (no mark, not reached or absent) and are left out."),
                }}</p>
            })}
            {rate_table("By rating when it opened", v.by_rating, "by-rating")}
            {rate_table("By the organizer who gave the rating", v.by_organizer, "by-organizer")}
            {rate_table("By area", v.by_area, "by-area")}
            {surprises(id, "Rated 1–2 but did not take part", "overrated", v.overrated, &note)}
            {surprises(id, "Rated 4–5 but took part", "underrated", v.underrated, &note)}
        </section>
    }
    .into_any()
}

fn surprises(
    id: i64,
    heading: &'static str,
    testid: &'static str,
    people: Vec<Surprise>,
    note: &str,
) -> impl IntoView + use<> {
    let rate = ServerAction::<SetRating>::new();
    let error = action_error(rate);
    let note = note.to_owned();
    view! {
        <h3>{format!("{heading} ({})", people.len())}</h3>
        {if people.is_empty() {
            view! { <p class="empty">"Nobody."</p> }.into_any()
        } else {
            view! {
                <ul class="plain-list" data-testid=testid>
                    {people.into_iter().map(|p| { let note = note.clone(); view! {
                        <li class="stack">
                            <div class="row wrap">
                                {coworker_link(id, p.coworker_id, &p.name, p.rating_now)}
                                <span class="hint">{format!("rated {} then{}; {}", rating_words(p.rating_then),
                                    p.rated_by.as_ref().map(|b| format!(" by {b}")).unwrap_or_default(),
                                    mark_words(p.response).to_lowercase())}</span>
                            </div>
                            <ActionForm action=rate attr:class="row wrap">
                                <ReturnTo />
                                <input type="hidden" name="campaign_id" value=id />
                                <input type="hidden" name="coworker_id" value=p.coworker_id />
                                <input type="hidden" name="source" value="structure_test" />
                                <input type="hidden" name="note" value=note />
                                <span>"Re-rate:"</span>
                                {(1..=5).map(|r| view! {
                                    <button type="submit" class="small" name="rating" value=r
                                        aria-label=format!("Re-rate {} as {}", p.name, rating_words(Some(r)))>{r}</button>
                                }).collect_view()}
                            </ActionForm>
                        </li>
                    }}).collect_view()}
                </ul>
            }.into_any()
        }}
        <FormError fields=&[] error />
    }
}

/// The count alone, large, for a projector: it reloads itself every 15 seconds until
/// paused (an island); without JavaScript, a link reloads it.
#[component]
pub fn StructureTallyPage() -> impl IntoView {
    let id = campaign_id();
    let tid = test_id();
    let data = OnceResource::new(test_tally_page(id, tid));
    view! {
        <Loaded data loading="Loading the count…" error_heading="The count" let:page>
            {projector_view(page)}
        </Loaded>
    }
}

fn projector_view(page: TallyPageData) -> AnyView {
    let TallyPageData {
        test,
        tally,
        outcome,
    } = page;
    let vote = test.kind.is_vote();
    view! {
        <div class="projector" data-testid="projector">
            <h1>{test.title.clone()}</h1>
            <p class="big-figure" data-testid="projector-figure">
                <strong>{outcome.map(|o| format!("{}%", o.percent())).unwrap_or_else(|| "—".into())}</strong>
                {format!(" · goal {}", test.goal_words())}
            </p>
            {outcome_view(outcome, "projector-outcome")}
            {breakdown("By area", &tally.by_area, vote)}
            {breakdown("By shift", &tally.by_shift, vote)}
            <p class="hint">{format!("{} · refreshes every {REFRESH_SECONDS} seconds", status_words(&test))}</p>
            <p class="row wrap">
                <a href="" data-testid="refresh-now">"Refresh now"</a>
                <AutoRefresh />
            </p>
        </div>
    }
    .into_any()
}

/// The latest opened test, for the dashboard: its title, link and outcome.
pub fn latest_test_view(id: i64, latest: Option<TimelineEntry>) -> AnyView {
    match latest {
        Some(e) => view! {
            <section class="card" aria-labelledby="latest-test-heading" data-testid="latest-test">
                <h2 id="latest-test-heading">"Latest structure test"</h2>
                <p><a href=format!("/campaigns/{id}/tests/{}", e.test.id)>{e.test.title.clone()}</a>
                    {format!(" · {}", status_words(&e.test))}</p>
                {outcome_view(e.outcome, "latest-test-outcome")}
                <p><a href=format!("/campaigns/{id}/tests")>"Every test, in order →"</a></p>
            </section>
        }
        .into_any(),
        None => view! {
            <section class="card" data-testid="latest-test">
                <h2>"Latest structure test"</h2>
                <p class="empty">"No test has opened yet. " <a href=format!("/campaigns/{id}/tests")>"Plan one →"</a></p>
            </section>
        }
        .into_any(),
    }
}

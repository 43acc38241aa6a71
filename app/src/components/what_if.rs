//! The what-if of a vote forecast, for leads: the rates per level and the people moved
//! between levels, a name, and Save. Plain HTML, posted by the browser: without
//! WebAssembly the page comes back with the saved scenario's forecast (or the form as
//! typed, with its mistakes beside the fields). Where WebAssembly runs, an island
//! ([`WhatIfLive`]) sends the figures as they are typed to the server, which answers
//! with the result rendered as here and the mistakes by field: the page ships no
//! forecast code, no view code and none of the chart's counts.

use leptos::prelude::*;

use crate::api::votes::{SaveScenario, WhatIf};
use crate::components::forecast::forecast_view;
use crate::components::form::{first_invalid, invalid, FieldError, FormError, ReturnTo};
use crate::domain::forecast::plan::{level_key, ScenarioForm};
use crate::domain::forecast::{
    apply_moves, forecast, level_label, Cell, Forecast, Scenario, LEVELS, MAX_MOVES,
};
use crate::domain::structure::VoteRule;
use crate::domain::{Area, Shift};
use crate::error::AppError;
use crate::islands::what_if::WhatIfLive;

/// Rows of moves the form offers (blank rows are left out).
const MOVE_ROWS: usize = 6;

/// The what-if's result: the forecast of the figures, or (none: they do not read) what to
/// do. The page renders it first; the server renders it again as the figures change
/// ([`crate::api::votes::what_if`]).
pub fn result_view(shown: Option<&Forecast>, target: f64, rule: &VoteRule) -> AnyView {
    match shown {
        Some(f) => forecast_view(f, target, rule).into_any(),
        None => view! { <p class="hint">"Correct the figures to see the forecast."</p> }.into_any(),
    }
}

/// [`result_view`] as HTML, as the server answers the what-if's island.
#[cfg(feature = "ssr")]
pub fn result_html(shown: Option<&Forecast>, target: f64, rule: &VoteRule) -> String {
    use leptos::tachys::view::RenderHtml;
    result_view(shown, target, rule).to_html()
}

/// The forecast of `scenario` on a chart counted exactly (`before`: by area, shift and
/// level, before its moves).
pub fn forecast_after(
    rule: &VoteRule,
    scenario: &Scenario,
    before: &[Cell],
    areas: &[Area],
    shifts: &[Shift],
) -> Forecast {
    let (moved, _) = apply_moves(before, &scenario.moves, areas);
    forecast(
        rule,
        &scenario.rates,
        &moved,
        areas,
        shifts,
        &Default::default(),
    )
}

/// The what-if form with its live result, as the server renders it.
#[component]
pub fn WhatIfForm(
    campaign_id: i64,
    plan_id: i64,
    rule: VoteRule,
    /// The chance of passing the committee aims for (0–1).
    target: f64,
    /// The scenario shown first (saved, or the defaults).
    scenario: Scenario,
    /// The chart before any move, by area, shift and level.
    cells: Vec<Cell>,
    areas: Vec<Area>,
    shifts: Vec<Shift>,
    /// The page to come back to after a post without JavaScript.
    return_path: String,
    /// The error of a post without JavaScript that came back to this page.
    initial_error: Option<AppError>,
    /// The scenario as that post sent it: the form shows it again, as typed.
    typed: Option<ScenarioForm>,
) -> impl IntoView {
    let typed = typed.unwrap_or_else(|| ScenarioForm::of(&scenario));
    // The result starts from the figures as the form shows them (none while they do
    // not read: the form says what to correct).
    let first = Scenario::parse(&typed.turnout, &typed.yes, &typed.rows(), &areas)
        .ok()
        .map(|s| forecast_after(&rule, &s, &cells, &areas, &shifts));
    let error = Signal::stored(initial_error);
    let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
    let typed_rows = typed.rows();
    let rows = typed_rows.len().clamp(MOVE_ROWS, MAX_MOVES);
    let area_choices: Vec<(String, String)> = areas
        .iter()
        .filter(|a| !a.retired)
        .map(|a| (a.id.to_string(), a.name.clone()))
        .collect();
    let level_options = move |chosen: &str| {
        (0..LEVELS)
            .map(|l| view! { <option value=level_key(l) selected=chosen == level_key(l)>{level_label(l)}</option> })
            .collect_view()
    };
    let url = <SaveScenario as leptos::server_fn::ServerFn>::url();
    let live = <WhatIf as leptos::server_fn::ServerFn>::url().to_owned();
    view! {
        <form method="post" action=url class="card what-if" novalidate=true data-testid="what-if" data-what-if=live>
            // The figures to change, then (beside them on a laptop, below on a phone) what
            // they give.
            <div class="stack what-if-inputs">
            <h2>"What if…"</h2>
            <p class="hint">"Change a rate or move people between levels: the forecast follows. Nothing is saved until you save the scenario."</p>
            <ReturnTo path=return_path />
            <input type="hidden" name="campaign_id" value=campaign_id />
            <input type="hidden" name="plan_id" value=plan_id />
            <div class="table-wrap" tabindex="0" role="region" aria-label="The rates to try">
                <table class="rates">
                    <caption>"Per rating level, in percent"</caption>
                    <thead><tr><th scope="col">"Level"</th><th scope="col">"Turns out"</th><th scope="col">"Votes yes when voting"</th></tr></thead>
                    <tbody>
                        {(0..LEVELS).map(|l| view! {
                            <tr>
                                <th scope="row">{level_label(l)}</th>
                                <td><input type="number" min="0" max="100" inputmode="numeric" name=format!("turnout[{l}]") aria-label=format!("Turnout, {}", level_label(l)) value=at(&typed.turnout, l) /></td>
                                <td><input type="number" min="0" max="100" inputmode="numeric" name=format!("yes[{l}]") aria-label=format!("Yes when voting, {}", level_label(l)) value=at(&typed.yes, l) /></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <FieldError id="what-if-turnout" field="turnout" error />
            <FieldError id="what-if-yes" field="yes" error />
            <fieldset class="stack">
                <legend>"Move people between levels (after conversations)"</legend>
                {(0..rows).map(|i| {
                    let [area, from, to, count] = typed_rows
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| [String::new(), "3".into(), "2".into(), String::new()]);
                    view! {
                        <div class="move-row">
                            <label for=format!("move-count-{i}")>"How many"</label>
                            <input id=format!("move-count-{i}") type="number" min="1" inputmode="numeric" name=format!("move_count[{i}]") value=count />
                            <label for=format!("move-from-{i}")>"from"</label>
                            <select id=format!("move-from-{i}") name=format!("move_from[{i}]")>{level_options(&from)}</select>
                            <label for=format!("move-to-{i}")>"to"</label>
                            <select id=format!("move-to-{i}") name=format!("move_to[{i}]")>{level_options(&to)}</select>
                            <label for=format!("move-area-{i}")>"in"</label>
                            <select id=format!("move-area-{i}") name=format!("move_area[{i}]")>
                                <option value="" selected=area.is_empty()>"Anywhere in the scope"</option>
                                {area_choices.iter().map(|(id, name)| view! { <option value=id.clone() selected=area == *id>{name.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <FieldError id="what-if-moves" field="moves" error />
            <label for="what-if-name">"Save as (a name for this scenario)"</label>
            <input id="what-if-name" name="name" type="text" maxlength="100" value=typed.name.clone() autofocus=first_invalid(error, "name") aria-invalid=invalid(error, "name") aria-describedby="what-if-name-error" />
            <FieldError id="what-if-name" field="name" error />
            <FormError fields=&["turnout", "yes", "moves", "name"] error />
            <button type="submit" class="primary">"Save the scenario"</button>
            </div>
            <section class="what-if-result" aria-live="polite" aria-busy="false" aria-labelledby="what-if-result">
                <h3 id="what-if-result">"The forecast with these figures"</h3>
                <div id="what-if-shown">{result_view(first.as_ref(), target, &rule)}</div>
                <WhatIfLive />
            </section>
        </form>
    }
}

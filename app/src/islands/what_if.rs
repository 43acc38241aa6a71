//! The what-if of a vote forecast, for leads: change the rates per level or move people
//! between levels and the forecast follows as you type, computed here in WebAssembly by
//! the same `domain::forecast` code the server uses. Nothing is saved until the lead
//! names the scenario and saves it. Without WebAssembly it is the same form, posted: the
//! page comes back with the saved scenario's forecast.
//!
//! Its props are the chart counted by area, shift and level — figures, never names.

use leptos::prelude::*;

use crate::api::votes::SaveScenario;
use crate::components::forecast::forecast_view;
use crate::components::form::{first_invalid, invalid, FieldError, FormError, ReturnTo};
use crate::domain::forecast::plan::{level_key, ScenarioForm};
use crate::domain::forecast::{
    apply_moves, forecast, level_label, Cell, Move, Rates, Scenario, LEVELS, MAX_MOVES,
};
use crate::domain::structure::VoteRule;
use crate::domain::{Area, Shift};
use crate::error::AppError;

/// Rows of moves the form offers (blank rows are left out).
const MOVE_ROWS: usize = 6;

#[island(lazy)]
pub fn WhatIf(
    campaign_id: i64,
    plan_id: i64,
    rule: VoteRule,
    /// The chance of passing the committee aims for (0–1).
    target: f64,
    /// The scenario shown first (saved, or the defaults).
    rates: Rates,
    moves: Vec<Move>,
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
    let typed = typed.unwrap_or_else(|| {
        ScenarioForm::of(&Scenario {
            rates,
            moves: moves.clone(),
        })
    });
    let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
    let turnout: Vec<RwSignal<String>> = (0..LEVELS)
        .map(|l| RwSignal::new(at(&typed.turnout, l)))
        .collect();
    let yes: Vec<RwSignal<String>> = (0..LEVELS)
        .map(|l| RwSignal::new(at(&typed.yes, l)))
        .collect();
    let typed_rows = typed.rows();
    let rows = typed_rows.len().clamp(MOVE_ROWS, MAX_MOVES);
    let move_rows: Vec<[RwSignal<String>; 4]> = (0..rows)
        .map(|i| {
            let [area, from, to, count] = typed_rows
                .get(i)
                .cloned()
                .unwrap_or_else(|| [String::new(), "3".into(), "2".into(), String::new()]);
            [
                RwSignal::new(area),
                RwSignal::new(from),
                RwSignal::new(to),
                RwSignal::new(count),
            ]
        })
        .collect();
    let name = RwSignal::new(typed.name.clone());
    // Set by the first change: the refusal a post came back with is shown until then.
    let touched = RwSignal::new(false);
    // A mistake found when Save is pressed (the name, a scenario that changes nothing).
    let refused = RwSignal::new(None::<AppError>);
    let (areas_c, shifts_c, areas_list) = (areas.clone(), shifts.clone(), areas.clone());
    let area_choices: Vec<(i64, String)> = areas
        .iter()
        .filter(|a| !a.retired)
        .map(|a| (a.id, a.name.clone()))
        .collect();
    let (t_sig, y_sig, m_sig) = (turnout.clone(), yes.clone(), move_rows.clone());
    // The scenario as typed, read with the server's own rules.
    let scenario = Memo::new(move |_| {
        let t: Vec<String> = t_sig.iter().map(|s| s.get()).collect();
        let y: Vec<String> = y_sig.iter().map(|s| s.get()).collect();
        let m: Vec<[String; 4]> = m_sig.iter().map(|r| r.map(|s| s.get())).collect();
        Scenario::parse(&t, &y, &m, &areas_c)
    });
    let shown = Memo::new(move |_| match scenario.get() {
        Ok(s) => {
            let (moved, _) = apply_moves(&cells, &s.moves, &areas);
            Ok(forecast(
                &rule,
                &s.rates,
                &moved,
                &areas,
                &shifts_c,
                &Default::default(),
            ))
        }
        Err(e) => Err(e),
    });
    // The figures' own mistakes at once; the rest when Save is pressed (or as the
    // server said, until something changes).
    let error = Signal::derive(move || match scenario.get() {
        Err(e) => Some(e.into()),
        Ok(_) => refused
            .get()
            .or_else(|| (!touched.get()).then(|| initial_error.clone()).flatten()),
    });
    let (t_check, y_check, m_check, areas_check) = (
        turnout.clone(),
        yes.clone(),
        move_rows.clone(),
        areas_list.clone(),
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let t: Vec<String> = t_check.iter().map(|s| s.get_untracked()).collect();
        let y: Vec<String> = y_check.iter().map(|s| s.get_untracked()).collect();
        let m: Vec<[String; 4]> = m_check
            .iter()
            .map(|r| r.map(|s| s.get_untracked()))
            .collect();
        let form = ScenarioForm {
            name: name.get_untracked(),
            turnout: t,
            yes: y,
            move_area: m.iter().map(|r| r[0].clone()).collect(),
            move_from: m.iter().map(|r| r[1].clone()).collect(),
            move_to: m.iter().map(|r| r[2].clone()).collect(),
            move_count: m.iter().map(|r| r[3].clone()).collect(),
        };
        match form.parse(&areas_check) {
            // Sent by the browser: the server checks it again and the page comes back.
            Ok(_) => refused.set(None),
            Err(e) => {
                ev.prevent_default();
                refused.set(Some(e.into()));
            }
        }
    };
    let touch = move || {
        touched.set(true);
        refused.set(None);
    };
    let url = <SaveScenario as leptos::server_fn::ServerFn>::url();
    let form = NodeRef::<leptos::html::Form>::new();
    super::mark_hydrated(form);
    view! {
        <form node_ref=form method="post" action=url class="card what-if" novalidate=true data-testid="what-if" on:submit=on_submit>
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
                        {(0..LEVELS).map(|l| {
                            let (t, y) = (turnout[l], yes[l]);
                            view! {
                                <tr>
                                    <th scope="row">{level_label(l)}</th>
                                    <td><input type="number" min="0" max="100" inputmode="numeric" name=format!("turnout[{l}]") aria-label=format!("Turnout, {}", level_label(l)) prop:value=move || t.get() value=t.get_untracked() on:input=move |ev| { touch(); t.set(event_target_value(&ev)) } /></td>
                                    <td><input type="number" min="0" max="100" inputmode="numeric" name=format!("yes[{l}]") aria-label=format!("Yes when voting, {}", level_label(l)) prop:value=move || y.get() value=y.get_untracked() on:input=move |ev| { touch(); y.set(event_target_value(&ev)) } /></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <FieldError id="what-if-turnout" field="turnout" error />
            <FieldError id="what-if-yes" field="yes" error />
            <fieldset class="stack">
                <legend>"Move people between levels (after conversations)"</legend>
                {move_rows.iter().enumerate().map(|(i, [area, from, to, count])| {
                    let (area, from, to, count) = (*area, *from, *to, *count);
                    view! {
                        <div class="move-row">
                            <label for=format!("move-count-{i}")>"How many"</label>
                            <input id=format!("move-count-{i}") type="number" min="1" inputmode="numeric" name=format!("move_count[{i}]") value=count.get_untracked() on:input=move |ev| { touch(); count.set(event_target_value(&ev)) } />
                            <label for=format!("move-from-{i}")>"from"</label>
                            <select id=format!("move-from-{i}") name=format!("move_from[{i}]") on:change=move |ev| { touch(); from.set(event_target_value(&ev)) }>
                                {(0..LEVELS).map(|l| view! { <option value=level_key(l) selected=from.get_untracked() == level_key(l)>{level_label(l)}</option> }).collect_view()}
                            </select>
                            <label for=format!("move-to-{i}")>"to"</label>
                            <select id=format!("move-to-{i}") name=format!("move_to[{i}]") on:change=move |ev| { touch(); to.set(event_target_value(&ev)) }>
                                {(0..LEVELS).map(|l| view! { <option value=level_key(l) selected=to.get_untracked() == level_key(l)>{level_label(l)}</option> }).collect_view()}
                            </select>
                            <label for=format!("move-area-{i}")>"in"</label>
                            <select id=format!("move-area-{i}") name=format!("move_area[{i}]") on:change=move |ev| { touch(); area.set(event_target_value(&ev)) }>
                                <option value="" selected=area.get_untracked().is_empty()>"Anywhere in the scope"</option>
                                {area_choices.iter().map(|(id, name)| view! { <option value=id.to_string() selected=area.get_untracked() == id.to_string()>{name.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <FieldError id="what-if-moves" field="moves" error />
            <label for="what-if-name">"Save as (a name for this scenario)"</label>
            <input id="what-if-name" name="name" type="text" maxlength="100" value=name.get_untracked() autofocus=first_invalid(error, "name") aria-invalid=invalid(error, "name") aria-describedby="what-if-name-error" on:input=move |ev| { touch(); name.set(event_target_value(&ev)) } />
            <FieldError id="what-if-name" field="name" error />
            <FormError fields=&["turnout", "yes", "moves", "name"] error />
            <button type="submit" class="primary">"Save the scenario"</button>
            </div>
            <section class="what-if-result" aria-live="polite" aria-labelledby="what-if-result">
                <h3 id="what-if-result">"The forecast with these figures"</h3>
                {move || match shown.get() {
                    Ok(f) => forecast_view(&f, target, &rule).into_any(),
                    Err(_) => view! { <p class="hint">"Correct the figures to see the forecast."</p> }.into_any(),
                }}
            </section>
        </form>
    }
}

//! The form fields a structure test and a vote plan share: the vote's rule and the
//! scope. One markup, one set of field names (`vote_base`, `yes_percent`,
//! `turnout_percent`, `area_ids[i]`), read by one parser each (`domain::rule`,
//! `domain::scope`).

use leptos::prelude::*;

use crate::components::form::{first_invalid, invalid, FieldError};
use crate::domain::rule::{RuleValues, VoteBase};
use crate::domain::{Area, Choice};
use crate::error::AppError;

/// The rule as a fieldset: what the yes share is a share of (`default_base` when the
/// form has none yet), the yes share, the turnout.
pub fn rule_fields(
    legend: &'static str,
    (vote_base, yes_percent, turnout_percent): RuleValues,
    default_base: VoteBase,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let base = VoteBase::parse(&vote_base).unwrap_or(default_base);
    view! {
        <fieldset class="stack">
            <legend>{legend}</legend>
            {VoteBase::ALL.into_iter().enumerate().map(|(i, b)| view! {
                <label class="choice"><input type="radio" name="vote_base" value=b.key() checked=b == base autofocus=move || i == 0 && first_invalid(error, "vote_base")() />{format!(" Yes {}", b.label().to_lowercase())}</label>
            }).collect_view()}
            <FieldError id="rule-base" field="vote_base" error />
            <label for="rule-yes">"Yes share required (percent)"</label>
            <input id="rule-yes" name="yes_percent" type="number" min="50" max="100" inputmode="numeric" value=yes_percent autofocus=first_invalid(error, "yes_percent") aria-invalid=invalid(error, "yes_percent") aria-describedby="rule-yes-error" />
            <FieldError id="rule-yes" field="yes_percent" error />
            <label for="rule-turnout">"Turnout required (percent of the scope)"</label>
            <input id="rule-turnout" name="turnout_percent" type="number" min="0" max="100" inputmode="numeric" value=turnout_percent autofocus=first_invalid(error, "turnout_percent") aria-invalid=invalid(error, "turnout_percent") aria-describedby="rule-turnout-error" />
            <FieldError id="rule-turnout" field="turnout_percent" error />
        </fieldset>
    }
}

/// The scope as a fieldset of the map's areas in use, `chosen` ticked.
pub fn scope_fields(
    areas: &[Area],
    chosen: &[i64],
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let boxes = areas
        .iter()
        .filter(|a| !a.retired)
        .enumerate()
        .map(|(i, a)| {
            view! {
                <label class="choice">
                    <input type="checkbox" name=format!("area_ids[{}]", a.id) value=a.id checked=chosen.contains(&a.id) autofocus=move || i == 0 && first_invalid(error, "area_ids")() />
                    {format!(" {}", a.name)}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="choices">
            <legend>"Scope (none ticked: the whole campaign; an area takes in the areas beneath it)"</legend>
            {boxes}
        </fieldset>
        <FieldError id="scope-areas" field="area_ids" error />
    }
}

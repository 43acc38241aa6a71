//! The what-if's result: the forecast of the figures in the form around it
//! ([`crate::components::what_if::WhatIfForm`], server-rendered HTML). Where WebAssembly
//! runs, it follows the figures as they are typed, computed here by the same
//! `domain::forecast` code the server uses, and says beside each field what does not
//! read (with the server's own words); nothing is saved until the lead saves the
//! scenario, a plain form post. It reads the form through the DOM rather than rendering
//! it, so the page ships the forecast and its tables and none of the form's view code
//! (issue 31's budget: any page's code ≤ 130 KB brotli).
//!
//! Its props are the chart counted by area, shift and level — figures, never names.

use leptos::prelude::*;

use crate::components::forecast::forecast_view;
use crate::domain::forecast::{apply_moves, forecast, Cell, Scenario};
use crate::domain::structure::VoteRule;
use crate::domain::{Area, Shift};

/// The what-if's fields that have a message of their own, with the id it is under
/// (`{id}-error`): the figures, whose mistakes are shown as they are typed.
pub const WHAT_IF_FIELDS: &[(&str, &str)] = &[
    ("turnout", "what-if-turnout"),
    ("yes", "what-if-yes"),
    ("moves", "what-if-moves"),
];

/// The forecast of the figures in the what-if form it sits in.
#[island(lazy)]
pub fn WhatIfResult(
    rule: VoteRule,
    /// The chance of passing the committee aims for (0–1).
    target: f64,
    /// The figures as the form shows them first (none: they do not read).
    first: Option<Scenario>,
    /// The chart before any move, by area, shift and level.
    cells: Vec<Cell>,
    areas: Vec<Area>,
    shifts: Vec<Shift>,
) -> impl IntoView {
    let scenario = RwSignal::new(first);
    let section = NodeRef::<leptos::html::Section>::new();
    #[cfg(feature = "hydrate")]
    {
        let areas = areas.clone();
        Effect::new(move |_| {
            if let Some(section) = section.get() {
                browser::wire(&section, areas.clone(), scenario);
            }
        });
    }
    let shown = Memo::new(move |_| {
        scenario.get().map(|s| {
            let (moved, _) = apply_moves(&cells, &s.moves, &areas);
            forecast(
                &rule,
                &s.rates,
                &moved,
                &areas,
                &shifts,
                &Default::default(),
            )
        })
    });
    super::mark_hydrated(section);
    view! {
        <section node_ref=section class="what-if-result" aria-live="polite" aria-labelledby="what-if-result">
            <h3 id="what-if-result">"The forecast with these figures"</h3>
            {move || match shown.get() {
                Some(f) => forecast_view(&f, target, &rule).into_any(),
                None => view! { <p class="hint">"Correct the figures to see the forecast."</p> }.into_any(),
            }}
        </section>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    use leptos::web_sys::{Event, FormData, HtmlElement};

    use super::super::dom::{self, fields_starting};
    use super::WHAT_IF_FIELDS;
    use crate::domain::forecast::plan::ScenarioForm;
    use crate::domain::forecast::Scenario;
    use crate::domain::Area;

    /// Follows the figures of the form `section` sits in: each change is read with the
    /// server's rules, and gives the forecast or the mistakes beside their fields.
    pub fn wire(section: &HtmlElement, areas: Vec<Area>, scenario: RwSignal<Option<Scenario>>) {
        let Ok(Some(form)) = section.closest("form") else {
            return;
        };
        let Ok(form) = form.dyn_into::<leptos::web_sys::HtmlFormElement>() else {
            return;
        };
        let changed = {
            let form = form.clone();
            Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                let Ok(data) = FormData::new_with_form(&form) else {
                    return;
                };
                let typed = read(&data);
                match Scenario::parse(&typed.turnout, &typed.yes, &typed.rows(), &areas) {
                    Ok(s) => {
                        dom::show(&form, WHAT_IF_FIELDS, None, None);
                        scenario.set(Some(s));
                    }
                    Err(e) => {
                        dom::show(&form, WHAT_IF_FIELDS, Some(&e), None);
                        scenario.set(None);
                    }
                }
            })
        };
        for kind in ["input", "change"] {
            let _ = form.add_event_listener_with_callback(kind, changed.as_ref().unchecked_ref());
        }
        changed.forget();
    }

    /// The figures as the save form posts them.
    fn read(data: &FormData) -> ScenarioForm {
        ScenarioForm {
            name: String::new(),
            turnout: fields_starting(data, "turnout["),
            yes: fields_starting(data, "yes["),
            move_area: fields_starting(data, "move_area["),
            move_from: fields_starting(data, "move_from["),
            move_to: fields_starting(data, "move_to["),
            move_count: fields_starting(data, "move_count["),
        }
    }
}

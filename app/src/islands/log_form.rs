//! The log form's Save button, and all the code the log page ships. The form itself is
//! server-rendered HTML ([`crate::components::log_form`]) that the browser posts
//! without WebAssembly. Where WebAssembly runs, this button's island:
//!
//! - checks the form with the server's own rules (`parse_log`) before sending: a
//!   mistake is shown at once beside its field, the first one focused, nothing sent;
//! - sends it as the same form post (`Accept: application/json`) without a page load;
//!   a refusal it did not foresee (the campaign's issues changed, access gone) is
//!   posted again by the browser, and the server's page shows the reason beside the
//!   field, as it does without WebAssembly;
//! - keeps what was typed when the network fails: where the service worker keeps posts,
//!   the browser posts the form itself and the worker keeps it to send later (the same
//!   client id: stored once whichever send arrives); elsewhere it says so and waits;
//! - counts the notes' characters as they are typed.
//!
//! It touches the server-rendered fields through the DOM rather than rendering them, so
//! the page ships the checks and no view code, no server-function client, no form
//! decoder and no error decoder (issue 31's budget: the log page's code ≤ 90 KB brotli).

use leptos::prelude::*;

/// The fields that have a message of their own beside their input, in the form's order,
/// with that input's id (the message is `{id}-error`).
pub const LOG_FIELDS: &[&str] = &[
    "rating_after",
    "at",
    "issues",
    "ask",
    "answer",
    "next_step",
    "follow_up_on",
    "notes",
];

/// The input a field's mistake is shown beside and sends the focus to.
pub fn input_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "rating_after" => "log-rating",
        "at" => "log-at",
        "issues" => "log-issues",
        "ask" => "log-ask",
        "answer" => "log-answer",
        "next_step" => "log-next",
        "follow_up_on" => "log-follow",
        "notes" => "log-notes",
        _ => return None,
    })
}

/// The Save button of the log form it sits in. It has no props: what its checks need
/// is in the form (the ids it posts, the issues it offers, today as the follow-up
/// date's `min`), so the page ships no props decoder.
#[island(lazy)]
pub fn LogFormSend() -> impl IntoView {
    let button = NodeRef::<leptos::html::Button>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(button) = button.get() {
            browser::wire(button);
        }
    });
    super::mark_hydrated(button);
    view! { <button node_ref=button type="submit" class="primary">"Save"</button> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use leptos::web_sys::{
        Event, FormData, HtmlButtonElement, HtmlFormElement, HtmlInputElement, HtmlTextAreaElement,
    };

    use super::super::dom::{self, field, fields_starting, set_text, Place};
    use super::{input_of, LOG_FIELDS};
    use crate::domain::organizing::{parse_date, parse_log, LogForm, NOTES_MAX};
    use crate::domain::text::count_words;
    use crate::domain::Invalid;
    use crate::error::NO_ANSWER;

    /// How a send ended, short of being stored.
    enum Unsent {
        /// The server answered no: the browser posts the form itself and the server's
        /// page comes back with its reason beside the field (as without WebAssembly), so
        /// the island carries no decoder for the server's errors.
        Refused,
        /// No answer at all.
        NoAnswer,
    }

    /// Listens to the form `button` submits: its submission and its notes.
    pub fn wire(button: HtmlButtonElement) {
        let Some(form) = button.form() else { return };
        let notes = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            if let Some(notes) = document()
                .get_element_by_id("log-notes")
                .and_then(|el| el.dyn_into::<HtmlTextAreaElement>().ok())
            {
                let count = count_words(notes.value().chars().count(), NOTES_MAX);
                set_text("log-notes-count", &count);
            }
        });
        let _ = form.add_event_listener_with_callback("input", notes.as_ref().unchecked_ref());
        notes.forget();
        let sending = std::rc::Rc::new(std::cell::Cell::new(false));
        let submit = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
            else {
                return;
            };
            // A form this code cannot read is left to the browser to post.
            let Ok(data) = FormData::new_with_form(&form) else {
                return;
            };
            ev.prevent_default();
            if sending.get() {
                return;
            }
            let (typed, issues) = read(&data);
            let coworker_id = field(&data, "coworker_id").parse().unwrap_or_default();
            // The checks count from today (the server's, as the page was made: the
            // earliest follow-up date the form offers).
            let today = document()
                .get_element_by_id("log-follow")
                .and_then(|input| input.get_attribute("min"))
                .unwrap_or_default();
            let at = parse_date(&today, "today")
                .ok()
                .flatten()
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .map_or(chrono::DateTime::UNIX_EPOCH, |t| t.and_utc());
            if let Err(err) = parse_log(coworker_id, &typed, &issues, at, &offered(&form)) {
                show(&form, Some(&err), None);
                return;
            }
            show(&form, None, None);
            sending.set(true);
            let button = form
                .query_selector("button[type=submit]")
                .ok()
                .flatten()
                .and_then(|b| b.dyn_into::<HtmlButtonElement>().ok());
            busy(button.as_ref(), true);
            let sending = sending.clone();
            let done = format!(
                "/campaigns/{}/my?logged={coworker_id}",
                field(&data, "campaign_id")
            );
            leptos::task::spawn_local(async move {
                match send(&form, &data).await {
                    Ok(()) => {
                        let _ = window().location().set_href(&done);
                    }
                    // Refused, or no signal where the service worker keeps posts (the
                    // worker keeps it to send later, the same client id: stored once
                    // whichever send arrives): the browser posts the form itself.
                    Err(Unsent::Refused) => {
                        let _ = form.submit();
                    }
                    Err(Unsent::NoAnswer) if worker_keeps_posts() => {
                        let _ = form.submit();
                    }
                    Err(Unsent::NoAnswer) => {
                        show(&form, None, Some(NO_ANSWER));
                        sending.set(false);
                        busy(button.as_ref(), false);
                    }
                }
            });
        });
        let _ = form.add_event_listener_with_callback("submit", submit.as_ref().unchecked_ref());
        submit.forget();
    }

    /// The form's fields as the server function reads them.
    fn read(data: &FormData) -> (LogForm, Vec<String>) {
        let typed = LogForm {
            client_id: field(data, "client_id"),
            at: field(data, "at"),
            channel: field(data, "channel"),
            notes: field(data, "notes"),
            ask: field(data, "ask"),
            answer: field(data, "answer"),
            rating_after: field(data, "rating_after"),
            next_step: field(data, "next_step"),
            follow_up_on: field(data, "follow_up_on"),
            follow_up_in: field(data, "follow_up_in"),
        };
        (typed, fields_starting(data, "issues["))
    }

    /// The issues the form offers to tick (the campaign's, as the page was made).
    fn offered(form: &HtmlFormElement) -> Vec<String> {
        let mut tags = Vec::new();
        if let Ok(boxes) = form.query_selector_all("input[name^='issues[']") {
            for i in 0..boxes.length() {
                if let Some(input) = boxes
                    .get(i)
                    .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
                {
                    tags.push(input.value());
                }
            }
        }
        tags
    }

    /// Sends the form as the browser would, asking for JSON back (the server function's
    /// answer to a script, not a page).
    async fn send(form: &HtmlFormElement, data: &FormData) -> Result<(), Unsent> {
        match dom::post(&form.action(), data).await {
            None => Err(Unsent::NoAnswer),
            Some(answer) if answer.ok() => Ok(()),
            Some(_) => Err(Unsent::Refused),
        }
    }

    /// Shows the mistakes of `invalid` beside their fields (those without a place of
    /// their own, and `other`, under the form), clears every other message, and moves
    /// the focus to the first field named.
    fn show(form: &HtmlFormElement, invalid: Option<&Invalid>, other: Option<&str>) {
        let places: Vec<Place> = LOG_FIELDS
            .iter()
            .filter_map(|f| input_of(f).map(|id| (*f, id)))
            .collect();
        if let Some(first) = dom::show(form, &places, invalid, other) {
            let _ = first.focus();
        }
    }

    /// "Saving…" on the button while the form is on its way.
    fn busy(button: Option<&HtmlButtonElement>, on: bool) {
        if let Some(button) = button {
            button.set_disabled(on);
            button.set_text_content(Some(if on { "Saving…" } else { "Save" }));
        }
    }

    /// True when a service worker controls this page: it keeps a post made with no
    /// signal (the outbox, `server/src/offline/sw.js`).
    fn worker_keeps_posts() -> bool {
        use leptos::web_sys::js_sys::Reflect;
        Reflect::get(&window(), &JsValue::from_str("navigator"))
            .and_then(|navigator| Reflect::get(&navigator, &JsValue::from_str("serviceWorker")))
            .and_then(|workers| Reflect::get(&workers, &JsValue::from_str("controller")))
            .is_ok_and(|controller| controller.is_object())
    }
}

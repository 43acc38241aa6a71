//! The what-if's live result. The form ([`crate::components::what_if::WhatIfForm`]) and
//! its first result are server-rendered HTML; where WebAssembly runs, this island sends
//! the figures as they are typed (a moment after the last key) to the server
//! ([`crate::api::votes::what_if`]), which reads them with its own rules and answers
//! with the result rendered as the page renders it and each mistake by field. Nothing
//! is saved until the lead saves the scenario, a plain form post.
//!
//! So the page ships no forecast code, no view code and none of the chart's counts
//! (issue 31's budget: any page's code ≤ 130 KB brotli); the forecast is the server's,
//! one implementation, off its request threads.

use leptos::prelude::*;

/// The what-if's fields that have a message of their own, with the id it is under
/// (`{id}-error`): the figures, whose mistakes are shown as they are typed.
pub const WHAT_IF_FIELDS: &[(&str, &str)] = &[
    ("turnout", "what-if-turnout"),
    ("yes", "what-if-yes"),
    ("moves", "what-if-moves"),
];

/// Follows the figures of the what-if form it sits in; says so when the server cannot
/// be reached (the result shown is then of the figures before). No props: where it sends
/// the figures is the form's `data-what-if`, so the page ships no props decoder.
#[island(lazy)]
pub fn WhatIfLive() -> impl IntoView {
    let status = NodeRef::<leptos::html::P>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(status) = status.get() {
            browser::wire(&status);
        }
    });
    super::mark_hydrated(status);
    view! { <p node_ref=status class="hint what-if-status" role="status"></p> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;
    use std::rc::Rc;

    use leptos::prelude::*;
    use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use leptos::web_sys::js_sys::{Reflect, JSON};
    use leptos::web_sys::{Event, FormData, HtmlElement, HtmlFormElement, Response};

    use super::super::dom::{mark, post};
    use super::WHAT_IF_FIELDS;

    /// How long after the last change the figures are sent.
    const QUIET: std::time::Duration = std::time::Duration::from_millis(250);

    /// Sends the figures of the form `status` sits in after each change, and shows the
    /// newest answer (an older one arriving late is dropped).
    pub fn wire(status: &HtmlElement) {
        let Ok(Some(form)) = status.closest("form") else {
            return;
        };
        let Some(url) = form.get_attribute("data-what-if") else {
            return;
        };
        let Ok(form) = form.dyn_into::<HtmlFormElement>() else {
            return;
        };
        let status = status.clone();
        let sent = Rc::new(Cell::new(0u32));
        let waiting: Rc<Cell<Option<TimeoutHandle>>> = Rc::new(Cell::new(None));
        let changed = {
            let form = form.clone();
            Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                if let Some(handle) = waiting.take() {
                    handle.clear();
                }
                // Busy from the first key to the newest answer (the tests wait for it).
                busy(&status, true);
                let (form, status, sent, url) =
                    (form.clone(), status.clone(), sent.clone(), url.clone());
                let handle = set_timeout_with_handle(
                    move || {
                        let n = sent.get().wrapping_add(1);
                        sent.set(n);
                        leptos::task::spawn_local(async move {
                            let answer = ask(&url, &form).await;
                            if sent.get() == n {
                                show(&status, answer);
                                busy(&status, false);
                            }
                        });
                    },
                    QUIET,
                );
                waiting.set(handle.ok());
            })
        };
        for kind in ["input", "change"] {
            let _ = form.add_event_listener_with_callback(kind, changed.as_ref().unchecked_ref());
        }
        changed.forget();
    }

    /// Marks the result (the status's section) as waiting for an answer, or not.
    fn busy(status: &HtmlElement, on: bool) {
        if let Some(section) = status.parent_element() {
            let _ = section.set_attribute("aria-busy", if on { "true" } else { "false" });
        }
    }

    /// Posts the form's fields as the browser would; the answer parsed.
    async fn ask(url: &str, form: &HtmlFormElement) -> Option<JsValue> {
        let data = FormData::new_with_form(form).ok()?;
        let answer = post(url, &data).await.filter(Response::ok)?;
        let text = wasm_bindgen_futures::JsFuture::from(answer.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        JSON::parse(&text).ok()
    }

    /// Puts the server's result in place and each mistake beside its field; without an
    /// answer, says the result is of the figures before.
    fn show(status: &HtmlElement, answer: Option<JsValue>) {
        let get = |v: &JsValue, key: &str| Reflect::get(v, &JsValue::from_str(key)).ok();
        let Some((html, mistakes)) = answer.and_then(|a| {
            let html = get(&a, "html")?.as_string()?;
            Some((html, get(&a, "mistakes")?))
        }) else {
            status.set_text_content(Some(
                "No answer from the server: the forecast shown is of the figures before.",
            ));
            return;
        };
        status.set_text_content(None);
        if let Some(shown) = document().get_element_by_id("what-if-shown") {
            shown.set_inner_html(&html);
        }
        for (field, id) in WHAT_IF_FIELDS {
            let message = get(&mistakes, field).and_then(|m| m.as_string());
            mark(id, message.as_deref());
        }
    }
}

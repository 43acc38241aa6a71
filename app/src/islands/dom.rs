//! What the islands do to the server-rendered forms they sit in, through the DOM: they
//! read the form as the browser would post it and write the server's own mistakes
//! beside its fields, so a page ships its checks and none of the form's view code.
//! Browser only (`hydrate`).

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{FormData, HtmlElement, HtmlFormElement, Response};

use crate::domain::Invalid;

/// A form field as its checks name it, and the id of the input its mistake is shown
/// beside (the message is the element `{id}-error`, as [`crate::components::form::FieldError`]
/// renders it; an id with no element of its own is a group of inputs).
pub type Place = (&'static str, &'static str);

/// The value the form would post for `name` (empty when it has none).
pub fn field(data: &FormData, name: &str) -> String {
    data.get(name).as_string().unwrap_or_default()
}

/// Every value the form would post under a name starting with `prefix`, in order.
pub fn fields_starting(data: &FormData, prefix: &str) -> Vec<String> {
    let mut values = Vec::new();
    if let Ok(Some(entries)) = leptos::web_sys::js_sys::try_iter(&data.entries()) {
        for entry in entries.flatten() {
            let pair = leptos::web_sys::js_sys::Array::from(&entry);
            if pair
                .get(0)
                .as_string()
                .is_some_and(|n| n.starts_with(prefix))
            {
                values.extend(pair.get(1).as_string());
            }
        }
    }
    values
}

/// Shows the mistakes of `invalid` beside their places on `form` and clears every
/// other place's message; the mistakes without a place of their own and `other` go under
/// the form (its `.form-error`). Returns the input of the first place named, for the
/// caller to focus.
pub fn show(
    form: &HtmlFormElement,
    places: &[Place],
    invalid: Option<&Invalid>,
    other: Option<&str>,
) -> Option<HtmlElement> {
    for (field, id) in places {
        mark(id, invalid.and_then(|i| i.field_message(field)).as_deref());
    }
    let place = |field: &str| places.iter().find(|(f, _)| *f == field).map(|(_, id)| *id);
    let mistakes: Vec<&Invalid> = invalid.map(|i| i.each().collect()).unwrap_or_default();
    let under: Vec<&str> = mistakes
        .iter()
        .filter(|m| place(&m.field).is_none())
        .map(|m| m.message.as_str())
        .chain(other)
        .collect();
    if let Ok(Some(p)) = form.query_selector(".form-error") {
        p.set_text_content(Some(&under.join(" ")));
    }
    mistakes
        .iter()
        .find_map(|m| place(&m.field))
        .and_then(|id| document().get_element_by_id(id))
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
}

/// Writes `message` beside the input `id` (in `{id}-error`; none: clears it) and marks
/// the input invalid or not.
pub fn mark(id: &str, message: Option<&str>) {
    set_text(&format!("{id}-error"), message.unwrap_or(""));
    if let Some(input) = document().get_element_by_id(id) {
        let state = if message.is_some() { "true" } else { "false" };
        let _ = input.set_attribute("aria-invalid", state);
    }
}

/// Puts `text` in the element `id`, if the page has it.
pub fn set_text(id: &str, text: &str) {
    if let Some(el) = document().get_element_by_id(id) {
        el.set_text_content(Some(text));
    }
}

/// Posts `data` to `url` as the browser posts a form (URL-encoded), asking for JSON: the
/// server function's answer to a script, not a page. None when no answer came.
pub async fn post(url: &str, data: &FormData) -> Option<Response> {
    use leptos::web_sys::{Headers, RequestInit, UrlSearchParams};
    let body = UrlSearchParams::new_with_str_sequence_sequence(data).ok()?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&body);
    let headers = Headers::new().ok()?;
    headers.set("Accept", "application/json").ok()?;
    init.set_headers(&headers);
    wasm_bindgen_futures::JsFuture::from(window().fetch_with_str_and_init(url, &init))
        .await
        .ok()?
        .dyn_into::<Response>()
        .ok()
}

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;

/// The message under a form field: empty until the last submission failed on that field.
/// `role="alert"` makes screen readers announce it when it appears.
#[component]
pub fn FieldError(
    /// The input's id; the message gets `{id}-error`, for `aria-describedby`.
    id: &'static str,
    /// The field name the server reports in `AppError::Validation`.
    field: &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = move || error.get().and_then(|e| e.field_message(field));
    view! {
        <p id=format!("{id}-error") class="field-error" role="alert">
            {message}
        </p>
    }
}

/// The error of `action`'s last submission, for [`FieldError`] and [`FormError`]: none
/// before it is sent, and none after it succeeds.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// An error from the last submission that is not about one field (network, server),
/// and any mistake on a field the form does not show beside a field of its own.
#[component]
pub fn FormError(
    /// Fields that have their own [`FieldError`]; their errors are not repeated here.
    fields: &'static [&'static str],
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = move || error.with(|e| e.as_ref().and_then(|e| form_message(e, fields)));
    view! {
        <p class="form-error" role="alert">
            {message}
        </p>
    }
}

/// What [`FormError`] says of `error`: all of it when it is not about a field, else the
/// mistakes on fields that have no [`FieldError`] of their own (`fields`).
pub fn form_message(error: &AppError, fields: &[&str]) -> Option<String> {
    if !matches!(error, AppError::Validation { .. }) {
        return Some(error.to_string());
    }
    let rest: Vec<&str> = error
        .fields()
        .into_iter()
        .filter(|(f, _)| !fields.contains(f))
        .map(|(_, m)| m)
        .collect();
    (!rest.is_empty()).then(|| rest.join(" "))
}

/// Text for inside a `<textarea>`. Leptos writes a text area's children unescaped (to it
/// a text area is raw text, like a script), so stored notes holding `</textarea>` would
/// close it and whatever followed would be markup in the page. Escaped here, the browser
/// reads it back as the same text (a text area decodes character references).
pub fn text_area(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `aria-invalid` for `field`'s input: "true" while the last submission's error names it.
pub fn invalid(error: Signal<Option<AppError>>, field: &'static str) -> impl Fn() -> &'static str {
    move || {
        if error.with(|e| e.as_ref().is_some_and(|e| e.field_message(field).is_some())) {
            "true"
        } else {
            "false"
        }
    }
}

/// True for the input of the first field the last submission's error names: a form
/// re-shown by the server puts `autofocus` on it, so the browser scrolls there and
/// the person can fix it at once, without JavaScript.
pub fn first_invalid(error: Signal<Option<AppError>>, field: &'static str) -> impl Fn() -> bool {
    move || {
        error.with(|e| {
            e.as_ref()
                .and_then(|e| e.fields().first().map(|(f, _)| *f == field))
                .unwrap_or(false)
        })
    }
}

/// A form that came back to its page without JavaScript, as it was posted: the form
/// layer re-renders the page with this beside the request, so every field shows what
/// was typed (see [`posted`]). Passwords are never kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// The server function's path the form was posted to.
    pub action: String,
    /// The form's fields, url-encoded as posted, less any password.
    pub body: String,
}

#[cfg(feature = "ssr")]
impl Posted {
    pub fn new(action: &str, body: &[u8]) -> Self {
        let mut kept = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(body) {
            if !k.to_ascii_lowercase().contains("password") {
                kept.append_pair(&k, &v);
            }
        }
        Posted {
            action: action.to_owned(),
            body: kept.finish(),
        }
    }
}

/// The form for server function `S` as posted, when this page is that form coming
/// back without JavaScript (refused): read with the server function's own decoding,
/// so a page fills its fields from the same struct the server function took.
pub fn posted<S>() -> Option<S>
where
    S: leptos::server_fn::ServerFn + serde::de::DeserializeOwned,
{
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<http::request::Parts>()?;
        let posted = parts.extensions.get::<Posted>()?;
        if posted.action != S::PATH {
            return None;
        }
        serde_qs::Config::new(5, false)
            .deserialize_str::<S>(&posted.body)
            .ok()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The page to come back to after a form posts without JavaScript. Pages are
/// served with `Referrer-Policy: no-referrer`, so the browser does not say where
/// the form was; the server's form layer reads this field instead.
///
/// The value is a plain string from [`ReturnPath`], read once when the app starts
/// rendering. It used to be a closure reading `use_location()`; inside a `Suspense`
/// such a closure runs again in the Suspense's own spawned task
/// (`Suspend::dry_resolve`), where the benchmark saw the read panic ("already
/// disposed") about once in 2,000 renders: the task died and the response never
/// finished. Never read the location inside a `Suspense`.
///
/// An island passes `path` (read on the server with [`current_return_path`]): in the
/// browser it has neither the router nor the page's context.
#[component]
pub fn ReturnTo(#[prop(optional, into)] path: Option<String>) -> impl IntoView {
    let path = path.unwrap_or_else(current_return_path);
    view! { <input type="hidden" name="__return" value=path /> }
}

/// The page a form without JavaScript comes back to: the [`ReturnPath`] provided above,
/// or the current location.
pub fn current_return_path() -> String {
    use_context::<ReturnPath>()
        .map(|p| p.0)
        .unwrap_or_else(return_path)
}

/// The current path and query, for every [`ReturnTo`] below: provide it once, outside
/// any `Suspense` (the app does so just inside its `<Router>`).
///
/// It is read when the app is rendered and not followed afterwards: only a browser
/// without JavaScript posts it back, and such a browser gets every page from the
/// server, so the value is always that page's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnPath(pub String);

/// Provides [`ReturnPath`] to its children.
#[component]
pub fn ProvideReturnPath(children: Children) -> impl IntoView {
    provide_context(ReturnPath(return_path()));
    children()
}

/// Query parameters that say what the last post did (the form layer's own `__err` and
/// `__path`, the coworker page's `saved`, a test page's `recorded`, the offline outbox's
/// `waiting`): a page's next post must not come back with them.
const ONE_SHOT_PARAMS: [&str; 5] = ["__err", "__path", "saved", "recorded", "waiting"];

/// The current path and query (without [`ONE_SHOT_PARAMS`]), read once and untracked.
fn return_path() -> String {
    let location = leptos_router::hooks::use_location();
    let path = location
        .pathname
        .try_get_untracked()
        .filter(|p| p.starts_with('/'))
        .unwrap_or_else(|| "/".to_owned());
    let query: Vec<String> = location
        .query
        .try_get_untracked()
        .map(|q| {
            q.into_iter()
                .filter(|(k, _)| !ONE_SHOT_PARAMS.contains(&k.as_ref()))
                .map(|(k, v)| format!("{}={}", query_escape(&k), query_escape(&v)))
                .collect()
        })
        .unwrap_or_default();
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// Percent-encodes what would change the meaning of a query parameter.
fn query_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A labelled input with its error line, wired for screen readers.
#[component]
pub fn Field(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let invalid = move || {
        error
            .get()
            .and_then(|e| e.field_message(name))
            .is_some()
            .to_string()
    };
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            name=name
            type=kind
            autocomplete=autocomplete
            value=value
            aria-describedby=format!("{id}-error")
            aria-invalid=invalid
        />
        <FieldError id field=name error />
    }
}

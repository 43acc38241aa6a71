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

/// An error from the last submission that is not about one field (network, server).
#[component]
pub fn FormError(
    /// Fields that have their own [`FieldError`]; their errors are not repeated here.
    fields: &'static [&'static str],
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = move || {
        error.get().and_then(|e| match &e {
            AppError::Validation { field, .. } if fields.contains(&field.as_str()) => None,
            other => Some(other.to_string()),
        })
    };
    view! {
        <p class="form-error" role="alert">
            {message}
        </p>
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
/// `__path`, the coworker page's `saved`, a test page's `recorded`): a page's next post
/// must not come back with them.
const ONE_SHOT_PARAMS: [&str; 4] = ["__err", "__path", "saved", "recorded"];

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

use leptos::prelude::*;

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
#[component]
pub fn ReturnTo() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let value = move || {
        let path = location.pathname.get();
        let query: Vec<String> = location
            .query
            .get()
            .into_iter()
            .filter(|(k, _)| k != "__err" && k != "__path")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if query.is_empty() {
            path
        } else {
            format!("{path}?{}", query.join("&"))
        }
    };
    view! { <input type="hidden" name="__return" value=value /> }
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

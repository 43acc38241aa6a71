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

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::error::AppError;

/// How a page shows a failed load: sign-in first, otherwise the error in words.
pub fn error_view(err: AppError) -> AnyView {
    match err {
        AppError::Unauthorized => view! { <Redirect path="/login" /> }.into_any(),
        AppError::NotFound => view! {
            <h1>"Not found"</h1>
            <p>"There is nothing here for you. " <a href="/">"Back to your campaigns"</a></p>
        }
        .into_any(),
        AppError::Forbidden => view! {
            <h1>"Not for your role"</h1>
            <p>"Ask a lead of this campaign if you need it. " <a href="/">"Back"</a></p>
        }
        .into_any(),
        other => view! { <p class="form-error" role="alert">{other.to_string()}</p> }.into_any(),
    }
}

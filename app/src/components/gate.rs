//! How a page waits for what it loaded, and how it shows a failed load.

use std::sync::Arc;

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

/// Shows what a page loaded (`children` gets the value), or [`error_view`] when the load
/// failed. `data` is the page's one load, a `OnceResource` (a page is rendered once, so
/// nothing re-runs it: no `version()` keys).
///
/// A `Suspense`, not a `Transition`: pages are rendered once, on the server
/// (`SsrMode::Async` waits for `data`, so the fallback is never sent). `Transition` is
/// for a view that refreshes in the browser and should keep showing the old data
/// meanwhile; only an island can do that, and no island refreshes a page today.
#[component]
pub fn Loaded<T, F>(
    data: OnceResource<Result<T, AppError>>,
    children: F,
    /// Shown while loading (only ever seen if a page is streamed).
    #[prop(default = "Loading…")]
    loading: &'static str,
    /// A heading above the error, for a page whose own heading comes from the data.
    #[prop(optional)]
    error_heading: Option<&'static str>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> AnyView + Send + Sync + 'static,
{
    let children = Arc::new(children);
    view! {
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || {
                let children = Arc::clone(&children);
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => children(value),
                        Err(err) => view! {
                            {error_heading.map(|h| view! { <h1>{h}</h1> })}
                            {error_view(err)}
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

//! How a page waits for what it loaded, and how it shows a failed load.

use std::sync::Arc;

use std::future::IntoFuture;

use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
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
                    // Untracked (the data, and what building the view reads): nothing
                    // here should rebuild a page that is rendered once, on the server.
                    // Builds can still repeat (the router's outlet), so page loads go
                    // through `page_load`, which runs each once per request.
                    match ScopedFuture::new_untracked(data.into_future()).await {
                        Ok(value) => untrack(|| children(value)),
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

/// A page's load as a resource, run once per request however often Leptos builds the
/// page's view. Under the `/campaigns/:id` layout a page could be built twice during one
/// server render (the router's outlet re-renders its child), and each build started its
/// own load: the reads, and the visit's audit row, ran twice. Use it through
/// [`load_once!`]: `load_once!(coworker_page(campaign, id))`.
pub fn page_load<T>(
    key: &'static str,
    load: impl std::future::Future<Output = Result<T, AppError>> + Send + 'static,
) -> OnceResource<Result<T, AppError>>
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    #[cfg(feature = "ssr")]
    if let Some(loads) = use_context::<PageLoads>() {
        let cell = loads.cell::<T>(key);
        // Polled under the request's own owner (`App`'s), not this build's: the build that
        // made the future can be disposed (the outlet re-renders its child) while another
        // build still awaits the same cell, and the server function's body, which runs
        // only when first polled, then found no context at all ("AppState missing from
        // the Leptos context": a 500 on a busy PostgreSQL run of the layout story).
        let load = ScopedFuture {
            owner: loads.owner.clone(),
            observer: None,
            fut: load,
        };
        // An `async fn`'s future does nothing until polled: only the first build's runs.
        return OnceResource::new(async move { cell.get_or_init(|| load).await.clone() });
    }
    let _ = key;
    OnceResource::new(load)
}

/// `load_once!(f(args))`: [`page_load`] keyed by the function's name.
#[macro_export]
macro_rules! load_once {
    ($f:ident($($arg:expr),* $(,)?)) => {
        $crate::components::gate::page_load(stringify!($f), $f($($arg),*))
    };
}

/// The page loads of one request (provided by `App`, which runs once per request), and
/// the owner they run under.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct PageLoads {
    cells: LoadCells,
    owner: leptos::reactive::owner::Owner,
}

#[cfg(feature = "ssr")]
type LoadCells =
    Arc<std::sync::Mutex<std::collections::HashMap<String, Arc<dyn std::any::Any + Send + Sync>>>>;

#[cfg(feature = "ssr")]
type LoadCell<T> = tokio::sync::OnceCell<Result<T, AppError>>;

#[cfg(feature = "ssr")]
impl PageLoads {
    /// Loads run under the current owner: call it in `App`, which lives as long as the
    /// request's render.
    pub fn for_request() -> Self {
        PageLoads {
            cells: Default::default(),
            owner: leptos::reactive::owner::Owner::current().unwrap_or_default(),
        }
    }

    fn cell<T: Send + Sync + 'static>(&self, key: &str) -> Arc<LoadCell<T>> {
        let key = format!("{key}:{}", std::any::type_name::<T>());
        let mut loads = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        let cell = loads
            .entry(key)
            .or_insert_with(|| Arc::new(LoadCell::<T>::new()))
            .clone();
        cell.downcast::<LoadCell<T>>()
            .unwrap_or_else(|_| Arc::new(LoadCell::<T>::new()))
    }
}

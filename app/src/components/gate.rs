//! How a page waits for what it loaded, and how it shows a failed load.

#[cfg(all(feature = "ssr", debug_assertions))]
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::domain::{MyCampaign, Role};
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
        AppError::SecondFactorRequired => view! {
            <h1>"Second factor needed"</h1>
            <p data-testid="second-factor-needed">
                "Your role in this campaign reads the whole chart, so it needs more than a password. "
                <a href="/account#second-factor">"Set up your second factor"</a>
                ", or sign in again with the one you have."
            </p>
        }
        .into_any(),
        other => view! { <p class="form-error" role="alert">{other.to_string()}</p> }.into_any(),
    }
}

/// Shows what a page loaded (`children` gets the value), or [`error_view`] when the load
/// failed. `data` is the page's one load (a `OnceResource`). Under a campaign's layout the
/// campaign comes first: its error is the page's, and [`use_campaign`] works in
/// `children`.
///
/// The `Suspense` holds one `Suspend`, not a closure making one: a server render walks a
/// `Suspense`'s children more than once (to find what they load, then to render them),
/// and each walk of a closure would run it — and build what it builds — again. So a page
/// is built once, its load runs once and `children` runs once (`x-page-builds` shows
/// it, see [`built`]). A `Suspense`, not a `Transition`: pages are rendered once, on
/// the server (`SsrMode::Async`), and only islands run in the browser.
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
    let campaign = use_context::<CampaignLoad>();
    let failed = move |err| {
        view! {
            {error_heading.map(|h| view! { <h1>{h}</h1> })}
            {error_view(err)}
        }
        .into_any()
    };
    let page = Suspend::new(async move {
        if let Some(CampaignLoad(campaign)) = campaign {
            match campaign.await {
                Ok(c) => provide_context(CampaignContext {
                    id: c.id,
                    name: c.name,
                    role: c.role,
                }),
                Err(err) => return failed(err),
            }
        }
        match data.await {
            Ok(value) => children(value),
            Err(err) => failed(err),
        }
    });
    view! { <Suspense fallback=move || view! { <p>{loading}</p> }>{page}</Suspense> }
}

/// A route's page, counted: `view=built(ChartPage)`. In debug builds the server counts
/// the page builds of each request and answers the count in an `x-page-builds` header
/// (a test asks for 1: each build starts the page's loads again).
pub fn built<F, V>(page: F) -> impl Fn() -> V + Clone + Send + 'static
where
    F: Fn() -> V + Clone + Send + 'static,
{
    move || {
        #[cfg(all(feature = "ssr", debug_assertions))]
        if let Some(builds) = use_context::<PageBuilds>() {
            builds.count();
        }
        page()
    }
}

/// The page builds of one request (provided by `App`, which runs once per request).
#[cfg(all(feature = "ssr", debug_assertions))]
#[derive(Clone, Default)]
pub struct PageBuilds(Arc<std::sync::atomic::AtomicUsize>);

#[cfg(all(feature = "ssr", debug_assertions))]
impl PageBuilds {
    fn count(&self) {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.insert_header(
                http::HeaderName::from_static("x-page-builds"),
                http::HeaderValue::from(n),
            );
        }
    }
}

/// The campaign every page under `/campaigns/:id` belongs to, and the caller's role in
/// it: loaded by the campaign's layout (while the page loads its own data beside it) and
/// provided by [`Loaded`] to what it shows, which reads it with [`use_campaign`]. It
/// decides what a page offers (links, headings); each page's server function still
/// checks the caller itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignContext {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// The [`CampaignContext`] of the page being shown: inside a [`Loaded`]'s children under
/// the campaign's layout.
pub fn use_campaign() -> CampaignContext {
    expect_context::<CampaignContext>()
}

/// The campaign's load, provided by the campaign's layout to the pages beneath it.
#[derive(Clone, Copy)]
pub struct CampaignLoad(pub OnceResource<Result<MyCampaign, AppError>>);

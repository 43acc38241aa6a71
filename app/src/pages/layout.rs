//! The layout every `/campaigns/:id/...` page sits in, and what the pages beneath it
//! read from the route: the campaign's id, the route's other ids, the query.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::campaigns::get_campaign;
use crate::components::gate::CampaignLoad;
pub use crate::components::gate::{use_campaign, CampaignContext};

/// A numeric parameter of the current route, e.g. `:id` (0 when malformed: the server
/// answers NotFound). Read once: a page is rendered once, on the server.
pub(crate) fn route_id(name: &str) -> i64 {
    use_params_map()
        .try_get_untracked()
        .and_then(|params| params.get(name))
        .and_then(|id| id.parse().ok())
        .unwrap_or(0)
}

/// The id of the campaign in the address (`/campaigns/:id/...`), for a page's load; what
/// the campaign is, and the caller's role, come with [`use_campaign`] once loaded.
pub(crate) fn campaign_id() -> i64 {
    route_id("id")
}

/// The query of the current address, read once, when the page is built (never inside a
/// `Suspense`: see `components::form::ReturnTo`).
pub(crate) fn query() -> leptos_router::params::ParamsMap {
    use_query_map().try_get_untracked().unwrap_or_default()
}

/// The layout of `/campaigns/:id` and every page beneath it: starts loading the campaign
/// and the caller's role (one `campaigns/get`) and renders the page at once, which loads
/// its own data beside it. The page's [`Loaded`](crate::components::gate::Loaded) waits
/// for both: a campaign the caller is not a member of answers "Not found" there (the
/// page's own load is refused by its server function); signed out, the browser is sent
/// to sign in.
///
/// The `Outlet` is not inside a `Suspense`: a server render walks a `Suspense`'s children
/// more than once, and each walk of the outlet built the page again.
#[component]
pub fn CampaignLayout() -> impl IntoView {
    provide_context(CampaignLoad(OnceResource::new(get_campaign(campaign_id()))));
    view! { <Outlet /> }
}

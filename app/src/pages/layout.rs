//! The layout every `/campaigns/:id/...` page sits in, and what the pages beneath it
//! read from it: the campaign and the caller's role, the route's ids, the query.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::campaigns::get_campaign;
use crate::components::gate::Loaded;
use crate::domain::{MyCampaign, Role};

/// A numeric parameter of the current route, e.g. `:id` (0 when malformed: the server
/// answers NotFound). Read once: a page is rendered once, on the server.
pub(crate) fn route_id(name: &str) -> i64 {
    use_params_map()
        .try_get_untracked()
        .and_then(|params| params.get(name))
        .and_then(|id| id.parse().ok())
        .unwrap_or(0)
}

/// The query of the current address, read once. A page under [`CampaignLayout`] is
/// built inside the layout's `Suspense`, so this never panics on a disposed signal
/// (see `components::form::ReturnTo`): it reads nothing then.
pub(crate) fn query() -> leptos_router::params::ParamsMap {
    use_query_map().try_get_untracked().unwrap_or_default()
}

/// The campaign every page under `/campaigns/:id` belongs to, and the caller's role in
/// it: loaded once by [`CampaignLayout`] and provided to the pages beneath, which read
/// it with [`use_campaign`]. It decides what a page offers (links, headings); each
/// page's server function still checks the caller itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignContext {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// The [`CampaignContext`] of the page being rendered.
pub fn use_campaign() -> CampaignContext {
    expect_context::<CampaignContext>()
}

/// The layout of `/campaigns/:id` and every page beneath it: loads the campaign and
/// the caller's role (one `campaigns/get`), then renders the page. A campaign the caller
/// is not a member of answers "Not found" here, before any page loads; signed out, the
/// browser is sent to sign in.
#[component]
pub fn CampaignLayout() -> impl IntoView {
    let campaign = crate::load_once!(get_campaign(route_id("id")));
    view! {
        <Loaded data=campaign let:campaign>
            {campaign_scope(campaign)}
        </Loaded>
    }
}

/// Provides the loaded campaign to the page in the [`Outlet`].
fn campaign_scope(campaign: MyCampaign) -> AnyView {
    provide_context(CampaignContext {
        id: campaign.id,
        name: campaign.name,
        role: campaign.role,
    });
    view! { <Outlet /> }.into_any()
}

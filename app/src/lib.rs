//! rankfile's Leptos application, compiled twice: `ssr` for the server and
//! `hydrate` for the browser.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod auth;
pub mod components;
pub use ::domain;
pub mod error;
pub mod islands;
#[cfg(feature = "ssr")]
pub mod kept;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

use crate::components::gate::built;
use crate::pages::{
    auth::{AcceptInvitePage, AccountPage, LoginCodePage, LoginPage},
    campaign::{AuditPage, CampaignHome, MembersPage},
    campaigns::CampaignsPage,
    chart::ChartPage,
    coworker::CoworkerPage,
    heat::{HeatCellPage, HeatPage},
    layout::CampaignLayout,
    map::{CoworkersPage, MapPage},
    not_found::NotFound,
    organizing::{CoveragePage, LogPage, MyListPage},
    outbox::OutboxPage,
    roster::{ImportPage, ImportPreviewPage},
    structure::{StructureTallyPage, StructureTestPage, StructureTestsPage},
    votes::{VotePage, VotePlanPage, VotesPage},
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    security_headers::set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <islands::IslandScripts options=options.clone() />
                <OfflineWorker />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Registers the service worker (`/sw.js`, served by the server crate) where the browser
/// has one: it keeps My list and the coworkers on it readable with no signal, and keeps
/// what is logged with no signal to send later; `/outbox.js` shows what waits. Everything
/// works without them, as without JavaScript.
#[component]
fn OfflineWorker() -> impl IntoView {
    view! {
        <script type="module" nonce=leptos::nonce::use_nonce()>
            "if (\"serviceWorker\" in navigator) navigator.serviceWorker.register(\"/sw.js\").catch(function () {});"
        </script>
        <script type="module" src="/outbox.js"></script>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(all(feature = "ssr", debug_assertions))]
    provide_context(components::gate::PageBuilds::default());

    view! {
        <Title text="rankfile" />
        <Meta name="description" content="The organizing committee's chart." />
        <Meta name="referrer" content="no-referrer" />
        <Link rel="icon" href="/favicon.ico" />
        <Router>
            <components::form::ProvideReturnPath>
            <TopBar />
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=built(CampaignsPage) ssr=SsrMode::Async />
                    <Route path=path!("/campaigns") view=built(CampaignsPage) ssr=SsrMode::Async />
                    <Route path=path!("/login") view=built(LoginPage) ssr=SsrMode::Async />
                    <Route path=path!("/login/code") view=built(LoginCodePage) ssr=SsrMode::Async />
                    <Route path=path!("/invite/:token") view=built(AcceptInvitePage) ssr=SsrMode::Async />
                    <Route path=path!("/account") view=built(AccountPage) ssr=SsrMode::Async />
                    <Route path=path!("/outbox") view=built(OutboxPage) ssr=SsrMode::Async />
                    // Every page of a campaign sits in its layout, which loads the campaign
                    // and the caller's role once, beside the page's own load (`components::gate::Loaded`).
                    // A route's SSR mode is the strongest of its own and its parents'.
                    <ParentRoute path=path!("/campaigns/:id") view=CampaignLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=built(CampaignHome) ssr=SsrMode::Async />
                        <Route path=path!("members") view=built(MembersPage) ssr=SsrMode::Async />
                        <Route path=path!("audit") view=built(AuditPage) ssr=SsrMode::Async />
                        <Route path=path!("map") view=built(MapPage) ssr=SsrMode::Async />
                        <Route path=path!("heat") view=built(HeatPage) ssr=SsrMode::Async />
                        <Route path=path!("heat/cell") view=built(HeatCellPage) ssr=SsrMode::Async />
                        <Route path=path!("coworkers") view=built(CoworkersPage) ssr=SsrMode::Async />
                        <Route path=path!("coworkers/:cid") view=built(CoworkerPage) ssr=SsrMode::Async />
                        <Route path=path!("coworkers/:cid/log") view=built(LogPage) ssr=SsrMode::Async />
                        <Route path=path!("chart") view=built(ChartPage) ssr=SsrMode::Async />
                        <Route path=path!("my") view=built(MyListPage) ssr=SsrMode::Async />
                        <Route path=path!("coverage") view=built(CoveragePage) ssr=SsrMode::Async />
                        <Route path=path!("import") view=built(ImportPage) ssr=SsrMode::Async />
                        <Route path=path!("import/:iid") view=built(ImportPreviewPage) ssr=SsrMode::Async />
                        <Route path=path!("tests") view=built(StructureTestsPage) ssr=SsrMode::Async />
                        <Route path=path!("tests/:tid") view=built(StructureTestPage) ssr=SsrMode::Async />
                        <Route path=path!("tests/:tid/tally") view=built(StructureTallyPage) ssr=SsrMode::Async />
                        <Route path=path!("votes") view=built(VotesPage) ssr=SsrMode::Async />
                        <Route path=path!("votes/:vid") view=built(VotePage) ssr=SsrMode::Async />
                        <Route path=path!("votes/:vid/plan") view=built(VotePlanPage) ssr=SsrMode::Async />
                    </ParentRoute>
                </Routes>
            </main>
            </components::form::ProvideReturnPath>
        </Router>
    }
}

/// The brand, and for a signed-in user their account link and a sign-out button.
#[component]
fn TopBar() -> impl IntoView {
    let sign_out = ServerAction::<api::auth::SignOut>::new();
    let me = OnceResource::new(api::auth::whoami());
    view! {
        <header class="topbar">
            <a class="brand" href="/">"rankfile"</a>
            // Filled in by the outbox script (`/outbox.js`) when this phone holds posts
            // made with no signal; empty and hidden otherwise.
            <a id="outbox-count" class="outbox-count" href="/outbox" hidden=true data-testid="outbox-count"></a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().map(|user| view! {
                        <nav class="topnav" aria-label="Account">
                            <a href="/account" title=user.email.clone()>"Account"</a>
                            <ActionForm action=sign_out>
                                <components::form::ReturnTo />
                                <button type="submit" class="link">"Sign out"</button>
                            </ActionForm>
                        </nav>
                    })
                })}
            </Suspense>
        </header>
    }
}

#[cfg(feature = "ssr")]
mod security_headers {
    use http::{header::CONTENT_SECURITY_POLICY, HeaderValue};
    use leptos::prelude::*;

    /// A per-response CSP whose nonce Leptos puts on its own inline scripts
    /// (hydration bootstrap, resolved resources). WebAssembly needs `wasm-unsafe-eval`.
    pub fn set_content_security_policy() {
        let Some(nonce) = leptos::nonce::use_nonce() else {
            return;
        };
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        if let (Some(options), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            HeaderValue::from_str(&policy),
        ) {
            options.insert_header(CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Only the islands (`crate::islands`) hydrate; the rest of the page is HTML. Leptos's
    // script hydrates them after this returns, and each marks its own `<leptos-island>`
    // with `data-hydrated`; `data-hydrated` here says the WebAssembly has loaded.
    leptos::mount::hydrate_islands();
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

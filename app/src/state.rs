//! What every request shares, handed to Leptos as context and to axum as router state.
//! It lives apart from the storage port so that `store` need not import `auth`.

use std::sync::Arc;

use leptos::config::LeptosOptions;

use crate::auth::password::PasswordHasher;
use crate::auth::session::CookieNames;
use crate::auth::tokens::TokenKeys;
use crate::error::AppError;
use crate::store::Store;

/// Everything a request needs, handed to Leptos as context.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub leptos_options: LeptosOptions,
    pub keys: TokenKeys,
    pub hasher: PasswordHasher,
    pub cookies: CookieNames,
    /// Where users reach the app, e.g. `https://rankfile.example.org` (for invite links).
    pub public_url: String,
    /// Dashboards counted lately, kept by chart version (`kept`).
    pub dashboards: Arc<crate::kept::Dashboards>,
    /// Heat-map trends counted lately, by history version (`kept`).
    pub trends: Arc<crate::kept::Trends>,
    /// Past heat maps' counts, by chart version (`kept`).
    pub past_maps: Arc<crate::kept::PastMaps>,
    /// Vote pages as each member read them, by chart version (`kept`).
    pub vote_pages: Arc<crate::kept::VotePages>,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state, from inside a server function.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

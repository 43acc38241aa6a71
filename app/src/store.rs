//! The storage port. `server` implements it for SQLite and PostgreSQL; server
//! functions reach it through [`AppState`] in the Leptos context.

use std::sync::Arc;

use async_trait::async_trait;
use leptos::config::LeptosOptions;

use crate::domain::{Campaign, CampaignName};
use crate::error::AppError;

/// A storage failure. `Backend` carries the driver's error for the log only.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("storage backend failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(msg) => AppError::Conflict(msg),
            StoreError::Backend(_) => AppError::internal(&err),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Which backend this is, for logs and `/healthz`.
    fn backend(&self) -> &'static str;
    /// A cheap round trip to the database.
    async fn ping(&self) -> StoreResult<()>;

    async fn create_campaign(&self, name: &CampaignName) -> StoreResult<Campaign>;
    async fn list_campaigns(&self) -> StoreResult<Vec<Campaign>>;
}

/// Everything a request needs, handed to Leptos as context.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub leptos_options: LeptosOptions,
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

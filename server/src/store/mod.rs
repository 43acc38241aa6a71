//! The two adapters of `app::store::Store`. The SQL they share is written once
//! (`shared.rs`); where the dialects differ, each adapter owns its own.

#[macro_use]
mod shared;
mod postgres;
mod sqlite;

use std::sync::Arc;

use app::store::{Store, StoreError};

use crate::config::DatabaseUrl;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Opens the database named by `url` and applies pending migrations.
pub async fn open(url: &DatabaseUrl) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match url {
        DatabaseUrl::Sqlite(_) => Arc::new(SqliteStore::open(url).await?),
        DatabaseUrl::Postgres(_) => Arc::new(PgStore::open(url).await?),
    })
}

/// Maps a driver error: constraint violations become conflicts, the rest stays opaque.
pub(crate) fn map_err(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict("That already exists.".into())
        }
        _ => StoreError::Backend(Box::new(err)),
    }
}

/// How long a just-rotated refresh token is still accepted, for a browser's parallel requests.
pub(crate) const REFRESH_GRACE_SECS: i64 = 30;

pub(crate) fn role(raw: &str) -> Result<app::domain::Role, StoreError> {
    app::domain::Role::parse(raw)
        .map_err(|_| StoreError::Backend(format!("unknown role '{raw}' in the database").into()))
}

pub(crate) fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub(crate) type CoworkerRow = (
    i64,
    String,
    Option<i64>,
    Option<i64>,
    String,
    Option<i64>,
    Option<i32>,
);

pub(crate) fn coworker_from_row(row: CoworkerRow) -> app::domain::CoworkerSummary {
    let (id, name, area_id, shift_id, job_title, assigned_organizer, rating) = row;
    app::domain::CoworkerSummary {
        id,
        name,
        area_id,
        shift_id,
        job_title,
        assigned_organizer,
        rating,
    }
}

/// ` OR area_id IN ($first, …)` for `count` areas, or nothing for none.
pub(crate) fn area_filter(count: usize, first: usize) -> String {
    if count == 0 {
        return String::new();
    }
    let placeholders: Vec<String> = (first..first + count).map(|n| format!("${n}")).collect();
    format!(" OR area_id IN ({})", placeholders.join(", "))
}

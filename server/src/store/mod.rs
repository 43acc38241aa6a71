//! The two adapters of `app::store::Store`, SQLite and PostgreSQL.
//!
//! The SQL is written once, in `sql/`, one module per concern of the port (campaigns,
//! accounts, members, throttle, workplace, ties, roster, organizing, audit), as plain
//! functions and trait impls. Each adapter compiles that folder as its own module,
//! naming only its `sqlx::Database` (`Db`) and its store type (`Adapter`): no query
//! differs between the two dialects. What does differ is a method on each adapter that
//! the shared SQL calls: how a write transaction begins (`begin_write`: `BEGIN IMMEDIATE`
//! on SQLite) and what the health check looks at besides `SELECT 1`
//! (`database_in_place`: on SQLite, that the file opened is still there). A future
//! difference goes there too.
//!
//! Rows are decoded by the backend-neutral types in [`rows`], compiled once.

mod postgres;
mod rows;
mod sqlite;

use std::sync::Arc;

use app::domain::CoworkerScope;
use app::store::{Storage, StoreError, StoreResult};

use crate::config::DatabaseUrl;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Opens the database named by `url` and applies pending migrations.
pub async fn open(
    url: &DatabaseUrl,
    sqlite_sync: crate::config::SqliteSync,
) -> anyhow::Result<Arc<dyn Storage>> {
    Ok(match url {
        DatabaseUrl::Sqlite(_) => Arc::new(SqliteStore::open(url, sqlite_sync).await?),
        DatabaseUrl::Postgres(_) => Arc::new(PgStore::open(url).await?),
    })
}

/// Maps a driver error: constraint violations become conflicts, the rest stays opaque.
fn map_err(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict("That already exists.".into())
        }
        _ => StoreError::Backend(Box::new(err)),
    }
}

/// `.db()` on a driver result: the error mapped by [`map_err`], so `?` returns it.
pub(crate) trait DbResult<T> {
    fn db(self) -> StoreResult<T>;
}

impl<T> DbResult<T> for Result<T, sqlx::Error> {
    fn db(self) -> StoreResult<T> {
        self.map_err(map_err)
    }
}

/// The one scope rule for every query that names coworkers: for an organizer,
/// ` AND ({alias}.assigned_organizer = $first OR {alias}.area_id IN (…))` and the values
/// to bind from `$first` on; nothing for the whole campaign. `alias` is `c.` or empty.
/// "Coworker `alias` is inside the reader's own scope" as an SQL truth (never NULL), with
/// its binds from `$first`: what the disclosure policy shows an organizer exactly (None:
/// nobody is, for viewers and leads).
pub(crate) fn inside_clause(
    scope: Option<&CoworkerScope>,
    alias: &str,
    first: usize,
) -> (String, Vec<i64>) {
    match scope {
        None | Some(CoworkerScope::Campaign) => ("FALSE".to_owned(), Vec::new()),
        Some(scope) => {
            let (sql, binds) = scope_clause(scope, alias, first);
            let condition = sql.trim_start_matches(" AND ");
            (format!("COALESCE({condition}, FALSE)"), binds)
        }
    }
}

pub(crate) fn scope_clause(scope: &CoworkerScope, alias: &str, first: usize) -> (String, Vec<i64>) {
    match scope {
        CoworkerScope::Campaign => (String::new(), Vec::new()),
        CoworkerScope::Organizer { user_id, area_ids } => {
            let mut sql = format!(" AND ({alias}assigned_organizer = ${first}");
            if !area_ids.is_empty() {
                let placeholders: Vec<String> = (first + 1..=first + area_ids.len())
                    .map(|n| format!("${n}"))
                    .collect();
                sql.push_str(&format!(
                    " OR {alias}area_id IN ({})",
                    placeholders.join(", ")
                ));
            }
            sql.push(')');
            let mut binds = vec![*user_id];
            binds.extend(area_ids);
            (sql, binds)
        }
    }
}

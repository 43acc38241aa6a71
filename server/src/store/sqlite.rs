use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use app::store::StoreError;

use crate::config::DatabaseUrl;

/// The embedded default: one file, WAL so readers never wait for the writer,
/// foreign keys enforced, a busy timeout instead of instant `SQLITE_BUSY`, and by default
/// `synchronous=FULL`: a commit (and so an acknowledged one-on-one) is on disk before the
/// answer leaves, surviving a power cut and not only a crash (the cost is in BENCHMARKS.md).
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
    /// The database file, and which file it was (device, inode) when opened.
    file: (PathBuf, (u64, u64)),
}

impl SqliteStore {
    pub async fn open(url: &DatabaseUrl, sync: crate::config::SqliteSync) -> anyhow::Result<Self> {
        let DatabaseUrl::Sqlite(raw) = url else {
            anyhow::bail!("not a SQLite URL: {url}");
        };
        if let Some(parent) = url
            .sqlite_path()
            .map(std::path::Path::new)
            .and_then(|p| p.parent())
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating the database folder {}", parent.display()))?;
        }
        let options = SqliteConnectOptions::from_str(raw)
            .with_context(|| format!("reading the SQLite URL {url}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match sync {
                crate::config::SqliteSync::Full => SqliteSynchronous::Full,
                crate::config::SqliteSync::Normal => SqliteSynchronous::Normal,
            })
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .with_context(|| format!("opening the SQLite database {url}"))?;
        sqlx::migrate!("../migrations/sqlite")
            .run(&pool)
            .await
            .context("applying the SQLite migrations")?;
        let path = PathBuf::from(url.sqlite_path().unwrap_or_default());
        let opened = file_identity(&path)
            .with_context(|| format!("reading the SQLite database {}", path.display()))?;
        Ok(Self {
            pool,
            file: (path, opened),
        })
    }
}

fn file_identity(path: &Path) -> std::io::Result<(u64, u64)> {
    let meta = std::fs::metadata(path)?;
    Ok((meta.dev(), meta.ino()))
}

/// What the shared SQL (`sql/`) asks of SQLite in particular.
impl SqliteStore {
    /// The open connections keep reading and writing a database file that was deleted,
    /// or whose folder or volume went away, and `SELECT 1` still answers; but nothing
    /// written then survives a restart. So the health check also looks (one `stat`)
    /// that the file where it was opened is still the same file.
    fn database_in_place(&self) -> app::store::StoreResult<()> {
        let (path, opened) = &self.file;
        match file_identity(path) {
            Ok(now) if now == *opened => Ok(()),
            Ok(_) => Err(StoreError::Backend(
                format!("{} is another file than the one opened", path.display()).into(),
            )),
            Err(err) => Err(StoreError::Backend(
                format!("{}: {err}", path.display()).into(),
            )),
        }
    }

    /// Held while a heat-map snapshot is made: SQLite's write lock, which `begin_write`
    /// took, already keeps every other write out.
    async fn hold_snapshot_lock(
        &self,
        _tx: &mut sqlx::Transaction<'static, Db>,
        _campaign_id: i64,
    ) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// After a heat-map snapshot is written: nothing (rankfile keeps no SQLite statistics).
    async fn snapshot_written(&self) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// A write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`).
    /// A deferred one that reads first and then writes cannot wait for another writer:
    /// it fails at once with "database is locked" (the busy timeout does not apply to
    /// that upgrade), as a write during the start-up sweep showed.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }
}

// The shared SQL (`sql/`), compiled for SQLite.
type Db = sqlx::Sqlite;
type Adapter = SqliteStore;
const BACKEND: &str = "sqlite";
/// `tag_rows(coworker_id, tag)`: a coworker's comma-separated tags, one row each (SQLite
/// has no array type: a recursive split).
/// Locks rows read for a write that follows (PostgreSQL's `FOR UPDATE`): none here, a
/// write transaction already holds the database (`BEGIN IMMEDIATE`).
const FOR_UPDATE: &str = "";
const TAG_ROWS: &str = "tag_split(coworker_id, tag, rest) AS (\
     SELECT id, '', tags || ',' FROM coworkers WHERE campaign_id = $1 AND tags <> '' \
     UNION ALL SELECT coworker_id, substr(rest, 1, instr(rest, ',') - 1), \
     substr(rest, instr(rest, ',') + 1) FROM tag_split WHERE rest <> ''), \
     tag_rows(coworker_id, tag) AS (SELECT coworker_id, tag FROM tag_split WHERE tag <> '')";
/// Coworker `c` is in `set` (an uncorrelated query of `coworker_id`s): a condition and
/// the join it needs (none). SQLite builds an `IN` set once into a temporary index at
/// any size; a `LEFT JOIN` on the same set was scanned once per coworker (minutes at
/// 100,000; BENCHMARKS.md, "Heat map as of a day").
fn member_of(set: &str, _alias: &str) -> (String, String) {
    (format!("c.id IN ({set})"), String::new())
}
#[allow(clippy::duplicate_mod)] // on purpose: postgres.rs compiles the same SQL for its types
#[path = "sql/mod.rs"]
mod sql;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SqliteSync;

    /// Every connection the pool hands out, held at once so none is reused: its
    /// `synchronous`, `journal_mode` and `foreign_keys` as SQLite reports them.
    async fn pragmas_of_every_connection(sync: SqliteSync) -> Vec<(i64, String, i64)> {
        let dir =
            std::env::temp_dir().join(format!("rankfile-pragmas-{}-{sync:?}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let url = DatabaseUrl::parse(&format!("sqlite://{}/rankfile.db", dir.display())).unwrap();
        let store = SqliteStore::open(&url, sync).await.unwrap();
        let mut held = Vec::new();
        for _ in 0..store.pool.options().get_max_connections() {
            held.push(store.pool.acquire().await.unwrap());
        }
        let mut seen = Vec::new();
        for conn in &mut held {
            let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            let keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            seen.push((sync, journal, keys));
        }
        drop(held);
        store.pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
        seen
    }

    /// The kill -9 story cannot tell FULL from NORMAL (both survive a killed process);
    /// only a power cut can. So the setting itself is read back from every connection.
    #[tokio::test]
    async fn every_pooled_connection_commits_to_disk_before_answering() {
        let full = pragmas_of_every_connection(SqliteSync::Full).await;
        assert_eq!(full.len(), 8);
        for (sync, journal, keys) in full {
            assert_eq!(sync, 2, "synchronous=FULL");
            assert_eq!(journal, "wal");
            assert_eq!(keys, 1, "foreign keys enforced");
        }
        // And the setting is what decides it: NORMAL (1) when configured.
        let normal = pragmas_of_every_connection(SqliteSync::Normal).await;
        assert!(normal.iter().all(|(sync, _, _)| *sync == 1));
    }
}

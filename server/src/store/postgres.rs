use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::config::DatabaseUrl;

/// For deployments that outgrow one machine: several stateless servers on one database.
pub struct PgStore {
    pub(crate) pool: PgPool,
}

impl PgStore {
    pub async fn open(url: &DatabaseUrl) -> anyhow::Result<Self> {
        let DatabaseUrl::Postgres(secret) = url else {
            anyhow::bail!("not a PostgreSQL URL: {url}");
        };
        // No JIT: rankfile's queries are short, and PostgreSQL's cost model judged the
        // heat map's past counts worth compiling, which took longer than the query
        // (BENCHMARKS.md, "Heat map as of a day", session 9).
        let options = PgConnectOptions::from_str(secret.expose_secret())
            .with_context(|| format!("reading the PostgreSQL URL {url}"))?
            .options([("jit", "off")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .with_context(|| format!("connecting to PostgreSQL at {url}"))?;
        // Several instances may start at once: sqlx takes an advisory lock around migrations.
        sqlx::migrate!("../migrations/postgres")
            .run(&pool)
            .await
            .context("applying the PostgreSQL migrations")?;
        Ok(Self { pool })
    }
}

/// What the shared SQL (`sql/`) asks of PostgreSQL in particular.
impl PgStore {
    /// Nothing to check beyond the round trip: the database is wherever the server is.
    fn database_in_place(&self) -> app::store::StoreResult<()> {
        Ok(())
    }

    /// Held while a heat-map snapshot is made: a write dated before it waits (the
    /// trigger `heat_snapshots_outdated` takes the same lock, shared), so it is either in
    /// the snapshot or outdates it.
    async fn hold_snapshot_lock(
        &self,
        tx: &mut sqlx::Transaction<'static, Db>,
        campaign_id: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_xact_lock(7321, CAST($1 AS INTEGER))")
            .bind(campaign_id)
            .execute(&mut **tx)
            .await
            .map(|_| ())
    }

    /// After a heat-map snapshot is written: the next week is made from it at once, so
    /// PostgreSQL's statistics must count its rows first (planned as the three rows of an
    /// empty table, a join on a snapshot was a loop over all of it for every coworker:
    /// minutes at 100,000).
    async fn snapshot_written(&self) -> Result<(), sqlx::Error> {
        sqlx::query("ANALYZE heat_snapshots")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// A write transaction (PostgreSQL's row locks need nothing more).
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
        self.pool.begin().await
    }
}

// The shared SQL (`sql/`), compiled for PostgreSQL.
type Db = sqlx::Postgres;
type Adapter = PgStore;
const BACKEND: &str = "postgres";
/// `tag_rows(coworker_id, tag)`: a coworker's comma-separated tags, one row each.
/// Locks rows read for a write that follows, until the transaction ends: a concurrent
/// writer of the same rows waits, then reads what was committed.
const FOR_UPDATE: &str = " FOR UPDATE";
const TAG_ROWS: &str = "tag_rows(coworker_id, tag) AS (SELECT c.id, t.tag FROM coworkers c \
     CROSS JOIN LATERAL unnest(string_to_array(c.tags, ',')) AS t(tag) \
     WHERE c.campaign_id = $1 AND c.tags <> '' AND t.tag <> '')";
/// Coworker `c` is in `set` (an uncorrelated query of `coworker_id`s): a condition and
/// the `LEFT JOIN` on the set it needs (named `alias`). PostgreSQL hashes an `IN` set only
/// while its estimate fits `work_mem`, and otherwise scans it once per coworker (a week
/// of a 100,000-coworker campaign's ratings at `work_mem` 1 MB: over a minute, against
/// one second joined; BENCHMARKS.md, "Heat map as of a day").
fn member_of(set: &str, alias: &str) -> (String, String) {
    (
        format!("{alias}.coworker_id IS NOT NULL"),
        format!(" LEFT JOIN ({set}) {alias} ON {alias}.coworker_id = c.id"),
    )
}
#[allow(clippy::duplicate_mod)] // on purpose: sqlite.rs compiles the same SQL for its types
#[path = "sql/mod.rs"]
mod sql;

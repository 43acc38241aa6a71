//! The SQL of both adapters, written once: `sqlite.rs` and `postgres.rs` each compile
//! this folder as their own `sql` module (`#[path]`), after naming `Db` (their
//! `sqlx::Database`), `Adapter` (their store: a `pool`, `begin_write` and
//! `database_in_place`), `BACKEND`, and the few pieces of SQL that differ (`TAG_ROWS`,
//! `member_of`). Runtime queries with `$n` placeholders and `RETURNING` read the same in
//! both dialects; where a backend must differ, its adapter gets a method (or such a
//! piece) and the SQL calls it.

mod accounts;
mod audit;
mod campaigns;
mod dashboard;
mod heat;
mod members;
mod organizing;
mod roster;
mod second_factor;
mod structure;
mod throttle;
mod ties;
mod votes;
mod workplace;

use app::store::{Health, StoreError, StoreResult};
use async_trait::async_trait;

use super::{member_of, Adapter, Db, BACKEND, FOR_UPDATE, TAG_ROWS};
use crate::store::DbResult;
use audit::{commit_audited, commit_inserted, insert_audit};

/// A write transaction, from `Adapter::begin_write`.
type Tx = sqlx::Transaction<'static, Db>;

#[async_trait]
impl Health for Adapter {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    async fn ping(&self) -> StoreResult<()> {
        self.database_in_place()?;
        sqlx::query("SELECT 1").execute(&self.pool).await.db()?;
        Ok(())
    }
}

/// A row type this backend's queries read into.
trait Read: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin {}
impl<R> Read for R where R: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin {}

impl Adapter {
    /// The rows of `sql`, with `$1` the campaign and `$2` one record's id (a coworker's,
    /// say), read as `R`, each made a `T`.
    async fn rows_of<R: Read, T: TryFrom<R, Error = StoreError>>(
        &self,
        sql: &str,
        campaign_id: i64,
        id: i64,
    ) -> StoreResult<Vec<T>> {
        let rows = sqlx::query_as::<_, R>(sql)
            .bind(campaign_id)
            .bind(id)
            .fetch_all(&self.pool)
            .await
            .db()?;
        rows.into_iter().map(T::try_from).collect()
    }

    /// The campaign's record `id` in `table`: its `columns` read as `R`, made a `T`.
    async fn record_in<R: Read, T: TryFrom<R, Error = StoreError>>(
        &self,
        table: &str,
        columns: &str,
        campaign_id: i64,
        id: i64,
    ) -> StoreResult<Option<T>> {
        let sql = format!("SELECT {columns} FROM {table} WHERE campaign_id = $1 AND id = $2");
        Ok(self.rows_of::<R, T>(&sql, campaign_id, id).await?.pop())
    }
}

/// The server's own work on the data, each in the file of its concern.
#[async_trait]
impl app::store::Maintenance for Adapter {
    async fn purge_abandoned_rosters(
        &self,
        uploaded_before: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<u64> {
        Adapter::purge_abandoned_rosters(self, uploaded_before).await
    }

    async fn prune_auth_history(
        &self,
        before: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<u64> {
        Adapter::prune_auth_history(self, before, now).await
    }

    async fn keep_heat_snapshots(&self, now: chrono::DateTime<chrono::Utc>) -> StoreResult<usize> {
        Adapter::keep_heat_snapshots(self, now).await
    }

    async fn seed_history(
        &self,
        campaign_id: i64,
        past: &app::store::PastActivity,
    ) -> StoreResult<()> {
        Adapter::seed_history(self, campaign_id, past).await
    }
}

//! The sign-in throttle's attempts and lockouts.

use app::store::{AttemptKind, AttemptOutcome, NewAttempt, Reservation, StoreResult, Throttle};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Adapter, Db};
use crate::store::DbResult;

/// The rows `sql` counts for one e-mail and address after a moment (`$1`, `$2`, `$3`).
async fn count_since(
    pool: &sqlx::Pool<Db>,
    sql: &'static str,
    email: &str,
    client_ip: &str,
    since: DateTime<Utc>,
) -> StoreResult<i64> {
    sqlx::query_scalar::<_, i64>(sql)
        .bind(email)
        .bind(client_ip)
        .bind(since)
        .fetch_one(pool)
        .await
        .db()
}

#[async_trait]
impl Throttle for Adapter {
    async fn reserve_attempt(&self, a: &NewAttempt) -> StoreResult<Reservation> {
        // Its own statement, committed before counting: see the trait.
        let id = sqlx::query_scalar::<_, i64>(
            "INSERT INTO auth_attempts (kind, email, client_ip, outcome, at) \
             VALUES ($1, $2, $3, 'pending', $4) RETURNING id",
        )
        .bind(a.kind.as_str())
        .bind(&a.email)
        .bind(&a.client_ip)
        .bind(a.now)
        .fetch_one(&self.pool)
        .await
        .db()?;
        let by_account_sql = "SELECT COUNT(*) FROM auth_attempts WHERE email = $1 \
             AND client_ip = $2 AND at > $3 \
             AND kind <> 'create_account' AND outcome IN ('pending', 'failed')";
        let by_account =
            count_since(&self.pool, by_account_sql, &a.email, &a.client_ip, a.since).await?;
        // Guesses and new accounts are limited apart (see the throttle).
        let by_address = sqlx::query_scalar::<_, i64>(if a.kind == AttemptKind::CreateAccount {
            "SELECT COUNT(*) FROM auth_attempts WHERE client_ip = $1 AND at > $2 \
             AND kind = 'create_account' AND outcome IN ('pending', 'created')"
        } else {
            "SELECT COUNT(*) FROM auth_attempts WHERE client_ip = $1 AND at > $2 \
             AND kind <> 'create_account' AND outcome IN ('pending', 'failed')"
        })
        .bind(&a.client_ip)
        .bind(a.since)
        .fetch_one(&self.pool)
        .await
        .db()?;
        let locked_until = sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
            "SELECT MAX(locked_until) FROM auth_lockouts WHERE email = $1 AND client_ip = $2",
        )
        .bind(&a.email)
        .bind(&a.client_ip)
        .fetch_one(&self.pool)
        .await
        .db()?;
        Ok(Reservation {
            id,
            by_account,
            by_address,
            locked_until,
        })
    }

    async fn finish_attempt(&self, id: i64, outcome: AttemptOutcome) -> StoreResult<()> {
        sqlx::query("UPDATE auth_attempts SET outcome = $1 WHERE id = $2")
            .bind(outcome.as_str())
            .bind(id)
            .execute(&self.pool)
            .await
            .db()?;
        Ok(())
    }

    async fn failed_attempts(
        &self,
        email: &str,
        client_ip: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let sql = "SELECT COUNT(*) FROM auth_attempts WHERE email = $1 AND client_ip = $2 \
             AND at > $3 AND outcome = 'failed'";
        count_since(&self.pool, sql, email, client_ip, since).await
    }

    async fn lockouts_since(
        &self,
        email: &str,
        client_ip: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let sql = "SELECT COUNT(*) FROM auth_lockouts WHERE email = $1 AND client_ip = $2 \
             AND at > $3";
        count_since(&self.pool, sql, email, client_ip, since).await
    }

    async fn add_lockout(
        &self,
        email: &str,
        client_ip: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO auth_lockouts (email, client_ip, at, locked_until) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(email)
        .bind(client_ip)
        .bind(now)
        .bind(until)
        .execute(&self.pool)
        .await
        .db()?;
        Ok(())
    }
}

/// Maintenance (see `app::store::Maintenance`): not part of the request path's port.
impl Adapter {
    pub(super) async fn prune_auth_history(
        &self,
        before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let attempts = sqlx::query("DELETE FROM auth_attempts WHERE at < $1")
            .bind(before)
            .execute(&self.pool)
            .await
            .db()?
            .rows_affected();
        let lockouts = sqlx::query("DELETE FROM auth_lockouts WHERE at < $1 AND locked_until < $2")
            .bind(before)
            .bind(now)
            .execute(&self.pool)
            .await
            .db()?
            .rows_affected();
        Ok(attempts + lockouts)
    }
}

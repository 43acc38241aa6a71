//! The second factor: the sealed secret, the last accepted time step (the no-replay
//! rule is one atomic `UPDATE`), recovery codes as keyed hashes.

use app::store::{AuditEvent, SecondFactorRecord, SecondFactors, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::audit::insert_audit_in_campaigns_of;
use super::{commit_audited, Adapter, Tx};
use crate::store::DbResult;

#[async_trait]
impl SecondFactors for Adapter {
    async fn second_factor(&self, user_id: i64) -> StoreResult<Option<SecondFactorRecord>> {
        let row = sqlx::query_as::<_, (String, String, Option<DateTime<Utc>>, i64)>(
            "SELECT secret_box, pending_box, confirmed_at, last_step FROM second_factors \
             WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
        .db()?;
        Ok(row.map(
            |(secret_box, pending_box, confirmed_at, last_step)| SecondFactorRecord {
                secret_box,
                pending_box,
                confirmed: confirmed_at.is_some(),
                last_step,
            },
        ))
    }

    async fn begin_second_factor(
        &self,
        user_id: i64,
        secret_box: &str,
        pending_box: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await.db()?;
        sqlx::query("DELETE FROM second_factors WHERE user_id = $1 AND confirmed_at IS NULL")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .db()?;
        let inserted = sqlx::query(
            "INSERT INTO second_factors (user_id, secret_box, pending_box, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(secret_box)
        .bind(pending_box)
        .bind(now)
        .execute(&mut *tx)
        .await
        .db()?
        .rows_affected();
        if inserted == 0 {
            return Err(StoreError::Conflict(
                "Your second factor is already on.".into(),
            ));
        }
        tx.commit().await.db()
    }

    async fn confirm_second_factor(
        &self,
        user_id: i64,
        step: i64,
        code_hashes: &[String],
        session_id: &str,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let now = Utc::now();
        let mut tx = self.begin_write().await.db()?;
        let confirmed = sqlx::query(
            "UPDATE second_factors SET confirmed_at = $1, last_step = $2, pending_box = '' \
             WHERE user_id = $3 AND confirmed_at IS NULL",
        )
        .bind(now)
        .bind(step)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .db()?
        .rows_affected();
        if confirmed == 0 {
            return Ok(false);
        }
        forget_recovery_codes(&mut tx, user_id).await?;
        for hash in code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id)
                .bind(hash)
                .execute(&mut *tx)
                .await
                .db()?;
        }
        sqlx::query("UPDATE sessions SET second_factor = $1 WHERE id = $2 AND user_id = $3")
            .bind(true)
            .bind(session_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .db()?;
        insert_audit_in_campaigns_of(&mut tx, user_id, audit).await?;
        commit_audited(tx, audit).await?;
        Ok(true)
    }

    async fn use_code_step(&self, user_id: i64, step: i64) -> StoreResult<bool> {
        let won = sqlx::query(
            "UPDATE second_factors SET last_step = $1 \
             WHERE user_id = $2 AND confirmed_at IS NOT NULL AND last_step < $1",
        )
        .bind(step)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .db()?
        .rows_affected();
        Ok(won == 1)
    }

    async fn use_recovery_code(
        &self,
        user_id: i64,
        code_hash: &str,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.begin_write().await.db()?;
        let spent = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .bind(code_hash)
        .execute(&mut *tx)
        .await
        .db()?
        .rows_affected();
        if spent != 1 {
            return Ok(None);
        }
        let left = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await
        .db()?;
        let audit = AuditEvent {
            detail: audit.detail.replace("{left}", &left.to_string()),
            ..audit.clone()
        };
        commit_audited(tx, &audit).await?;
        Ok(Some(left))
    }

    async fn recovery_codes_left(&self, user_id: i64) -> StoreResult<i64> {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await
        .db()
    }

    async fn remove_second_factor(
        &self,
        user_id: i64,
        end_sessions: bool,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await.db()?;
        let removed = sqlx::query("DELETE FROM second_factors WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .db()?
            .rows_affected();
        if removed == 0 {
            return Ok(false);
        }
        forget_recovery_codes(&mut tx, user_id).await?;
        let sessions = if end_sessions {
            sqlx::query(
                "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            )
            .bind(now)
        } else {
            sqlx::query("UPDATE sessions SET second_factor = $1 WHERE user_id = $2").bind(false)
        };
        sessions.bind(user_id).execute(&mut *tx).await.db()?;
        if audit.campaign_id.is_none() {
            insert_audit_in_campaigns_of(&mut tx, user_id, audit).await?;
        }
        commit_audited(tx, audit).await?;
        Ok(true)
    }

    async fn second_factor_required(&self, user_id: i64) -> StoreResult<bool> {
        let n = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM memberships m JOIN campaigns c ON c.id = m.campaign_id \
             WHERE m.user_id = $1 AND (m.role = 'lead' \
             OR (m.role = 'organizer' AND c.second_factor_for_organizers = $2))",
        )
        .bind(user_id)
        .bind(true)
        .fetch_one(&self.pool)
        .await
        .db()?;
        Ok(n > 0)
    }
}

async fn forget_recovery_codes(tx: &mut Tx, user_id: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .db()?;
    Ok(())
}

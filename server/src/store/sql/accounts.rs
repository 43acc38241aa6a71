//! Accounts and their sessions: creation, credentials, refresh-token rotation.

use app::domain::{CurrentUser, Email};
use app::store::{
    Accounts, AuditEvent, EndSessions, NewSession, Rotation, SessionInfo, Sessions, StoreResult,
    UserCredentials,
};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::audit::insert_audit_in_campaigns_of;
use super::{commit_audited, insert_audit, Adapter};
use crate::store::DbResult;

/// How long a just-rotated refresh token is still accepted, for a browser's parallel requests.
const REFRESH_GRACE_SECS: i64 = 30;

#[async_trait]
impl Accounts for Adapter {
    async fn create_user(
        &self,
        email: &Email,
        password_hash: &str,
        audit: &AuditEvent,
    ) -> StoreResult<CurrentUser> {
        let mut tx = self.begin_write().await.db()?;
        let (id, email) = sqlx::query_as::<_, (i64, String)>(
            "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) \
             RETURNING id, email",
        )
        .bind(email.as_str())
        .bind(password_hash)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await
        .db()?;
        let audit = AuditEvent {
            actor_id: audit.actor_id.or(Some(id)),
            ..audit.for_new(id)
        };
        commit_audited(tx, &audit).await?;
        Ok(CurrentUser { id, email })
    }

    async fn user_credentials(&self, email: &Email) -> StoreResult<Option<UserCredentials>> {
        let row = sqlx::query_as::<_, (i64, String, String)>(
            "SELECT id, email, password_hash FROM users WHERE email = $1",
        )
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await
        .db()?;
        Ok(row.map(|(id, email, password_hash)| UserCredentials {
            id,
            email,
            password_hash,
        }))
    }

    async fn password_hash(&self, user_id: i64) -> StoreResult<String> {
        sqlx::query_scalar::<_, String>("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await
            .db()
    }

    async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .db()?;
        Ok(())
    }
}

#[async_trait]
impl Sessions for Adapter {
    async fn create_session(&self, s: &NewSession) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, refresh_hash, created_at, rotated_at, expires_at, \
             second_factor, device, ip_prefix) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8)",
        )
        .bind(&s.id)
        .bind(s.user_id)
        .bind(&s.refresh_hash)
        .bind(s.now)
        .bind(s.expires_at)
        .bind(s.second_factor)
        .bind(&s.device)
        .bind(&s.ip_prefix)
        .execute(&self.pool)
        .await
        .db()?;
        Ok(())
    }

    async fn session_user(
        &self,
        session_id: &str,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CurrentUser>> {
        let row = sqlx::query_as::<_, (i64, String)>(
            "SELECT u.id, u.email FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3",
        )
        .bind(session_id)
        .bind(user_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .db()?;
        Ok(row.map(|(id, email)| CurrentUser { id, email }))
    }

    async fn rotate_refresh(
        &self,
        old_hash: &str,
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Rotation> {
        let mut tx = self.begin_write().await.db()?;
        // Only one request can win the swap: the UPDATE matches the current hash.
        let current = sqlx::query_as::<_, (String, i64)>(
            "UPDATE sessions SET refresh_hash = $1, rotated_at = $2 \
             WHERE refresh_hash = $3 AND revoked_at IS NULL AND expires_at > $2 \
             RETURNING id, user_id",
        )
        .bind(new_hash)
        .bind(now)
        .bind(old_hash)
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        if let Some((session_id, user_id)) = current {
            sqlx::query(
                "INSERT INTO spent_refresh_tokens (refresh_hash, session_id, spent_at) \
                 VALUES ($1, $2, $3)",
            )
            .bind(old_hash)
            .bind(&session_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .db()?;
            tx.commit().await.db()?;
            return Ok(Rotation::Rotated {
                session_id,
                user_id,
            });
        }
        let spent = sqlx::query_as::<_, (String, i64, DateTime<Utc>)>(
            "SELECT t.session_id, s.user_id, t.spent_at FROM spent_refresh_tokens t \
             JOIN sessions s ON s.id = t.session_id \
             WHERE t.refresh_hash = $1 AND s.revoked_at IS NULL",
        )
        .bind(old_hash)
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        let outcome = match spent {
            Some((session_id, user_id, spent_at))
                if now - spent_at <= Duration::seconds(REFRESH_GRACE_SECS) =>
            {
                Rotation::JustSpent {
                    session_id,
                    user_id,
                }
            }
            Some((session_id, user_id, _)) => {
                // A spent token came back later: someone else holds a copy. End the session.
                sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(&session_id)
                    .execute(&mut *tx)
                    .await
                    .db()?;
                tracing::warn!(session_id, "refresh token replayed: session revoked");
                // On the account, and in the log of every campaign the user is in,
                // so their leads see it.
                let event = AuditEvent {
                    actor_id: Some(user_id),
                    action: "auth.refresh_replayed".into(),
                    record: format!("session:{}", session_id.get(..8).unwrap_or(&session_id)),
                    detail: "session revoked".into(),
                    ..Default::default()
                };
                insert_audit(&mut tx, &event).await?;
                insert_audit_in_campaigns_of(&mut tx, user_id, &event).await?;
                Rotation::Refused
            }
            None => Rotation::Refused,
        };
        tx.commit().await.db()?;
        Ok(outcome)
    }

    async fn revoke_session(&self, session_id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(session_id)
            .execute(&self.pool)
            .await
            .db()?;
        Ok(())
    }

    async fn revoke_user_sessions(&self, user_id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .db()?;
        Ok(())
    }

    async fn list_sessions(
        &self,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionInfo>> {
        let rows = sqlx::query_as::<_, (String, String, String, DateTime<Utc>, DateTime<Utc>, bool)>(
            "SELECT id, device, ip_prefix, created_at, rotated_at, second_factor FROM sessions \
             WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 \
             ORDER BY rotated_at DESC, created_at DESC LIMIT 100",
        )
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .db()?;
        Ok(rows
            .into_iter()
            .map(
                |(id, device, ip_prefix, first_seen, last_seen, second_factor)| SessionInfo {
                    id,
                    device,
                    ip_prefix,
                    first_seen,
                    last_seen,
                    second_factor,
                },
            )
            .collect())
    }

    async fn end_sessions(
        &self,
        user_id: i64,
        which: EndSessions<'_>,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<u64> {
        let (sql, id) = match which {
            EndSessions::One(id) => (
                "UPDATE sessions SET revoked_at = $1 \
                 WHERE user_id = $2 AND id = $3 AND revoked_at IS NULL",
                id,
            ),
            EndSessions::AllBut(id) => (
                "UPDATE sessions SET revoked_at = $1 \
                 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL",
                id,
            ),
        };
        let mut tx = self.begin_write().await.db()?;
        let ended = sqlx::query(sql)
            .bind(now)
            .bind(user_id)
            .bind(id)
            .execute(&mut *tx)
            .await
            .db()?
            .rows_affected();
        if ended == 0 {
            return Ok(0);
        }
        let audit = AuditEvent {
            detail: audit.detail.replace("{n}", &ended.to_string()),
            ..audit.clone()
        };
        commit_audited(tx, &audit).await?;
        Ok(ended)
    }
}

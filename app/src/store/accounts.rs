//! Accounts and their sessions. (Its SQL: `server/src/store/sql/accounts.rs`.)

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::*;
use crate::domain::{CurrentUser, Email};

#[async_trait]
pub trait Accounts: Send + Sync {
    /// Creates an account with `audit` in the same transaction (`{id}` becomes the new
    /// user's id, in the record and as the actor when the event has none).
    async fn create_user(
        &self,
        email: &Email,
        password_hash: &str,
        audit: &AuditEvent,
    ) -> StoreResult<CurrentUser>;
    async fn user_credentials(&self, email: &Email) -> StoreResult<Option<UserCredentials>>;
    async fn password_hash(&self, user_id: i64) -> StoreResult<String>;
    async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait Sessions: Send + Sync {
    async fn create_session(&self, session: &NewSession) -> StoreResult<()>;
    /// The signed-in user, if the session is live (not revoked, not expired).
    async fn session_user(
        &self,
        session_id: &str,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CurrentUser>>;
    /// Swaps the refresh token `old_hash` for `new_hash` (see [`Rotation`]).
    async fn rotate_refresh(
        &self,
        old_hash: &str,
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Rotation>;
    async fn revoke_session(&self, session_id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    async fn revoke_user_sessions(&self, user_id: i64, now: DateTime<Utc>) -> StoreResult<()>;
}

/// What the sign-in check needs.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub user_id: i64,
    pub refresh_hash: String,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The result of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was current: it is now spent and `new_hash` is current.
    Rotated { session_id: String, user_id: i64 },
    /// The token was spent moments ago by a parallel request of the same browser:
    /// accept the request, issue nothing new.
    JustSpent { session_id: String, user_id: i64 },
    /// Unknown, expired, revoked, or replayed (the session is now revoked).
    Refused,
}

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
    /// The user's live sessions, the most recently seen first.
    async fn list_sessions(
        &self,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionInfo>>;
    /// Ends the user's live sessions `which` picks, with `audit` (`{n}` in its detail
    /// becomes how many) in the same transaction; answers how many ended. Ending one
    /// takes effect on every instance at once: each request reads its session's row.
    async fn end_sessions(
        &self,
        user_id: i64,
        which: EndSessions<'_>,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<u64>;
}

/// Which of a user's sessions [`Sessions::end_sessions`] ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndSessions<'a> {
    /// This one (by id), if it is theirs.
    One(&'a str),
    /// Every one but this.
    AllBut(&'a str),
}

/// A session as its owner's account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionInfo {
    pub id: String,
    /// "Firefox on Android": from the user agent at sign-in.
    pub device: String,
    /// The /24 or /48 the sign-in came from.
    pub ip_prefix: String,
    pub first_seen: DateTime<Utc>,
    /// The last time its tokens were renewed (at most 15 minutes behind).
    pub last_seen: DateTime<Utc>,
    /// Signed in with the second factor (or set it up in this session).
    pub second_factor: bool,
}

/// The second factor of accounts (its SQL: `server/src/store/sql/second_factor.rs`).
#[async_trait]
pub trait SecondFactors: Send + Sync {
    async fn second_factor(&self, user_id: i64) -> StoreResult<Option<SecondFactorRecord>>;
    /// Starts (or restarts) an unconfirmed set-up with a new sealed secret and sealed
    /// recovery codes. A confirmed factor is left alone: Conflict.
    async fn begin_second_factor(
        &self,
        user_id: i64,
        secret_box: &str,
        pending_box: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Turns the pending factor on: its first code's `step` is the last accepted, the
    /// recovery codes are kept as `code_hashes` only, the session it was confirmed in
    /// counts as signed in with it, and `audit` commits with it. False when there was
    /// no pending set-up (confirmed meanwhile, or removed).
    async fn confirm_second_factor(
        &self,
        user_id: i64,
        step: i64,
        code_hashes: &[String],
        session_id: &str,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Accepts the confirmed factor's time step `step` if it is later than the last one
    /// accepted, in one atomic `UPDATE … WHERE last_step < step`: of two requests with
    /// the same code, one wins.
    async fn use_code_step(&self, user_id: i64, step: i64) -> StoreResult<bool>;
    /// Spends the unused recovery code with this hash, with `audit`; answers how many
    /// are left, or None if it was not one (or already used).
    async fn use_recovery_code(
        &self,
        user_id: i64,
        code_hash: &str,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<Option<i64>>;
    async fn recovery_codes_left(&self, user_id: i64) -> StoreResult<i64>;
    /// Removes the factor and its recovery codes with `audit`. `end_sessions`: every
    /// session of the user ends (a lead's reset); otherwise they stay but no longer
    /// count as signed in with a second factor. False if there was none.
    async fn remove_second_factor(
        &self,
        user_id: i64,
        end_sessions: bool,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Whether the user leads any campaign, or organizes in one that requires the
    /// second factor of organizers: then campaign pages need it.
    async fn second_factor_required(&self, user_id: i64) -> StoreResult<bool>;
}

/// An account's second factor as stored.
#[derive(Debug, Clone)]
pub struct SecondFactorRecord {
    pub secret_box: String,
    /// The sealed recovery codes of an unconfirmed set-up ("" once confirmed).
    pub pending_box: String,
    pub confirmed: bool,
    pub last_step: i64,
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
    /// Signed in with the second factor.
    pub second_factor: bool,
    pub device: String,
    pub ip_prefix: String,
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

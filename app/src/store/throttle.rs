//! The one throttle over every way into an account. (Its SQL: `server/src/store/sql/throttle.rs`.)

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::*;

/// What the sign-in throttle (`auth::throttle`) counts.
#[async_trait]
pub trait Throttle: Send + Sync {
    /// Inserts the attempt as pending in its own committed statement, then counts the
    /// committed attempts: the k-th insert always counts at least k.
    async fn reserve_attempt(&self, attempt: &NewAttempt) -> StoreResult<Reservation>;
    async fn finish_attempt(&self, id: i64, outcome: AttemptOutcome) -> StoreResult<()>;
    /// Failed guesses at an account from an address since `since`.
    async fn failed_attempts(
        &self,
        email: &str,
        client_ip: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Lockouts of an account from an address since `since`.
    async fn lockouts_since(
        &self,
        email: &str,
        client_ip: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<i64>;
    async fn add_lockout(
        &self,
        email: &str,
        client_ip: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<()>;
}

/// Which way into an account an attempt is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptKind {
    SignIn,
    PasswordCheck,
    CreateAccount,
    /// A second-factor code (at sign-in, or to turn the factor on or off): counted with
    /// the passwords, so codes and passwords share one budget per account and address.
    SecondFactor,
}

impl AttemptKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptKind::SignIn => "sign_in",
            AttemptKind::PasswordCheck => "password_check",
            AttemptKind::CreateAccount => "create_account",
            AttemptKind::SecondFactor => "second_factor",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Failed,
    Succeeded,
    Created,
    Refused,
}

impl AttemptOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptOutcome::Failed => "failed",
            AttemptOutcome::Succeeded => "succeeded",
            AttemptOutcome::Created => "created",
            AttemptOutcome::Refused => "refused",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewAttempt {
    pub kind: AttemptKind,
    pub email: String,
    pub client_ip: String,
    pub now: DateTime<Utc>,
    /// The start of the counting window.
    pub since: DateTime<Utc>,
}

/// What was committed when an attempt was reserved (its own row included).
#[derive(Debug, Clone)]
pub struct Reservation {
    pub id: i64,
    /// Pending and failed guesses at this account from this address in the window.
    pub by_account: i64,
    /// From this address in the window: pending and failed guesses (for a guess), or
    /// pending and created accounts (for an account creation).
    pub by_address: i64,
    /// The end of the latest lockout of this account from this address.
    pub locked_until: Option<DateTime<Utc>>,
}

//! The one throttle every way into an account goes through: signing in, checking the
//! current password before a change, second-factor codes, and creating an account from
//! an invite.
//!
//! An attempt is *reserved* before any password is hashed: its row is inserted (as
//! pending) in its own committed statement, and only then are the committed attempts
//! counted. The k-th committed insert always counts at least k, so however many requests
//! arrive at once, at most [`MAX_PER_ACCOUNT`] of them reach the hash (on PostgreSQL's
//! READ COMMITTED as on SQLite, whose writes are serialized).
//!
//! Guesses are counted per account *and client address*, so an attacker who locks an
//! account from their address does not lock its owner out from theirs; repeated
//! lockouts of the same pair double in length up to [`MAX_LOCK_MINUTES`]. Each
//! lockout is written to the audit log of every campaign the account belongs to, for
//! the leads to see. Per address, [`MAX_PER_ADDRESS`] wrong guesses are allowed across
//! all accounts, and [`MAX_NEW_ACCOUNTS_PER_ADDRESS`] new accounts: the two are counted
//! apart, so a meeting where everyone on one Wi-Fi creates an account never stops
//! anyone there from signing in.

use chrono::{DateTime, Duration, Utc};

use crate::error::AppError;
use crate::state::AppState;
use crate::store::{AttemptKind, AttemptOutcome, AuditEvent, NewAttempt};

/// Failed guesses allowed per account and client address in the window.
pub const MAX_PER_ACCOUNT: i64 = 5;
/// Failed guesses (at any accounts) allowed per client address.
pub const MAX_PER_ADDRESS: i64 = 20;
/// Accounts created from invites per client address: a committee meeting behind one
/// address onboards this many in a window; more is spam.
pub const MAX_NEW_ACCOUNTS_PER_ADDRESS: i64 = 40;
pub const WINDOW_MINUTES: i64 = 15;
/// The first lockout; each further one (within a day) doubles it, up to the cap.
pub const FIRST_LOCK_MINUTES: i64 = 15;
pub const MAX_LOCK_MINUTES: i64 = 24 * 60;
/// How far back earlier lockouts make the next one longer.
pub const LOCK_MEMORY_HOURS: i64 = 24;

/// How long the lockout after `earlier` lockouts of the same account and address lasts.
pub fn lock_minutes(earlier: i64) -> i64 {
    let doublings = earlier.clamp(0, 16) as u32;
    FIRST_LOCK_MINUTES
        .saturating_mul(1i64 << doublings)
        .min(MAX_LOCK_MINUTES)
}

/// Whether a reserved attempt may go on to the password check.
pub fn admits(
    kind: AttemptKind,
    by_account: i64,
    by_address: i64,
    locked_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    match kind {
        // Creating an account guesses nothing about an existing one; `by_address`
        // counts the accounts created from the address.
        AttemptKind::CreateAccount => by_address <= MAX_NEW_ACCOUNTS_PER_ADDRESS,
        AttemptKind::SignIn | AttemptKind::PasswordCheck | AttemptKind::SecondFactor => {
            by_account <= MAX_PER_ACCOUNT
                && locked_until.is_none_or(|until| until <= now)
                && by_address <= MAX_PER_ADDRESS
        }
    }
}

/// A reserved attempt: say how it went with [`Attempt::failed`] or [`Attempt::succeeded`].
/// Dropped unfinished, it stays counted as a failure, which is the safe side.
#[must_use]
pub struct Attempt {
    id: i64,
    kind: AttemptKind,
    email: String,
    client_ip: String,
}

/// The audit action for a refused attempt of `kind`.
fn throttled_action(kind: AttemptKind) -> &'static str {
    match kind {
        AttemptKind::SignIn => "auth.sign_in_throttled",
        AttemptKind::PasswordCheck => "auth.password_check_throttled",
        AttemptKind::CreateAccount => "auth.create_account_throttled",
        AttemptKind::SecondFactor => "auth.second_factor_throttled",
    }
}

/// Reserves an attempt on the account named by `email` from `client_ip`, or refuses
/// (audited, `TooManyRequests`) when the account or the address is over its limit.
pub async fn reserve(
    state: &AppState,
    kind: AttemptKind,
    email: &str,
    client_ip: &str,
) -> Result<Attempt, AppError> {
    let now = Utc::now();
    let reservation = state
        .store
        .reserve_attempt(&NewAttempt {
            kind,
            email: email.to_owned(),
            client_ip: client_ip.to_owned(),
            now,
            since: now - Duration::minutes(WINDOW_MINUTES),
        })
        .await?;
    if !admits(
        kind,
        reservation.by_account,
        reservation.by_address,
        reservation.locked_until,
        now,
    ) {
        state
            .store
            .finish_attempt(reservation.id, AttemptOutcome::Refused)
            .await?;
        let event = AuditEvent::anonymous(throttled_action(kind), email, client_ip);
        state.store.audit(&event).await?;
        return Err(AppError::TooManyRequests);
    }
    Ok(Attempt {
        id: reservation.id,
        kind,
        email: email.to_owned(),
        client_ip: client_ip.to_owned(),
    })
}

impl Attempt {
    /// The password matched (or the account was created).
    pub async fn succeeded(self, state: &AppState) -> Result<(), AppError> {
        let outcome = match self.kind {
            AttemptKind::CreateAccount => AttemptOutcome::Created,
            AttemptKind::SignIn | AttemptKind::PasswordCheck | AttemptKind::SecondFactor => {
                AttemptOutcome::Succeeded
            }
        };
        state.store.finish_attempt(self.id, outcome).await?;
        Ok(())
    }

    /// A wrong password: recorded, audited, and the account locked for this address
    /// once it reaches the limit. `actor_id` is the signed-in user, if any.
    pub async fn failed(self, state: &AppState, actor_id: Option<i64>) -> Result<(), AppError> {
        let store = &state.store;
        store
            .finish_attempt(self.id, AttemptOutcome::Failed)
            .await?;
        let action = match self.kind {
            AttemptKind::PasswordCheck => "auth.password_check_failed",
            AttemptKind::SecondFactor => "auth.second_factor_failed",
            AttemptKind::SignIn | AttemptKind::CreateAccount => "auth.sign_in_failed",
        };
        let mut event = AuditEvent::anonymous(action, &self.email, &self.client_ip);
        event.actor_id = actor_id;
        store.audit(&event).await?;

        let now = Utc::now();
        let failed = store
            .failed_attempts(
                &self.email,
                &self.client_ip,
                now - Duration::minutes(WINDOW_MINUTES),
            )
            .await?;
        if failed < MAX_PER_ACCOUNT {
            return Ok(());
        }
        // Lock once per run of failures: a lockout already covering now is enough.
        let recent = store
            .lockouts_since(
                &self.email,
                &self.client_ip,
                now - Duration::minutes(WINDOW_MINUTES),
            )
            .await?;
        if recent > 0 {
            return Ok(());
        }
        let earlier = store
            .lockouts_since(
                &self.email,
                &self.client_ip,
                now - Duration::hours(LOCK_MEMORY_HOURS),
            )
            .await?;
        let minutes = lock_minutes(earlier);
        store
            .add_lockout(
                &self.email,
                &self.client_ip,
                now,
                now + Duration::minutes(minutes),
            )
            .await?;
        lockout_audit(state, &self.email, &self.client_ip, minutes).await
    }
}

/// `auth.locked_out` in the audit log of every campaign the account is a member of,
/// so its leads see that someone is guessing, and from where.
async fn lockout_audit(
    state: &AppState,
    email: &str,
    client_ip: &str,
    minutes: i64,
) -> Result<(), AppError> {
    let mut event = AuditEvent::anonymous("auth.locked_out", email, client_ip);
    event.detail = format!(
        "{MAX_PER_ACCOUNT} wrong passwords or codes from {client_ip}; sign-in from that address locked for {minutes} min"
    );
    let campaigns = match crate::domain::Email::parse(email) {
        Ok(parsed) => match state.store.user_credentials(&parsed).await? {
            Some(user) => state.store.campaigns_for_user(user.id).await?,
            None => Vec::new(),
        },
        Err(_) => Vec::new(),
    };
    if campaigns.is_empty() {
        return Ok(state.store.audit(&event).await?);
    }
    for campaign in campaigns {
        event.campaign_id = Some(campaign.id);
        state.store.audit(&event).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockouts_double_up_to_a_cap() {
        assert_eq!(lock_minutes(0), 15);
        assert_eq!(lock_minutes(1), 30);
        assert_eq!(lock_minutes(2), 60);
        assert_eq!(lock_minutes(6), 960);
        assert_eq!(lock_minutes(7), MAX_LOCK_MINUTES);
        assert_eq!(lock_minutes(1000), MAX_LOCK_MINUTES);
        assert_eq!(lock_minutes(-3), 15);
    }

    #[test]
    fn the_limits_count_the_attempt_itself() {
        let now = Utc::now();
        let kind = AttemptKind::SignIn;
        assert!(admits(kind, 1, 1, None, now));
        assert!(admits(kind, MAX_PER_ACCOUNT, MAX_PER_ADDRESS, None, now));
        assert!(!admits(kind, MAX_PER_ACCOUNT + 1, 1, None, now));
        assert!(!admits(kind, 1, MAX_PER_ADDRESS + 1, None, now));
        // A lockout holds until it ends, whatever the count.
        let later = now + Duration::minutes(5);
        assert!(!admits(kind, 1, 1, Some(later), now));
        assert!(admits(kind, 1, 1, Some(now - Duration::seconds(1)), now));
    }

    #[test]
    fn creating_accounts_counts_only_per_address() {
        let now = Utc::now();
        let kind = AttemptKind::CreateAccount;
        let locked = Some(now + Duration::minutes(5));
        assert!(admits(kind, 99, 1, locked, now));
        assert!(admits(kind, 1, MAX_NEW_ACCOUNTS_PER_ADDRESS, None, now));
        assert!(!admits(
            kind,
            1,
            MAX_NEW_ACCOUNTS_PER_ADDRESS + 1,
            None,
            now
        ));
    }
}

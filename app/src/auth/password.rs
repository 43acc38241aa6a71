//! Password policy and Argon2id password hashing.
//!
//! * [`check_password_policy`] decides whether a new password is acceptable.
//! * [`PasswordHasher`] hashes and verifies passwords with Argon2id. Hashing is
//!   deliberately slow (tens of milliseconds), so it runs on tokio's blocking pool,
//!   never on the async workers, and a semaphore bounds how many hashes run at once
//!   so a burst of logins cannot exhaust memory (each hash takes ~19 MiB) or CPU.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use argon2::password_hash::phc::Error as PhcError;
use argon2::password_hash::Error as HashError;
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version,
};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// Minimum password length, in characters (Unicode scalar values, not bytes).
pub const MIN_LEN: usize = 12;
/// Maximum password length, in characters. Bounds the work done per request.
pub const MAX_LEN: usize = 1024;

/// Argon2id memory cost in KiB (OWASP minimum recommendation: 19 MiB).
pub const ARGON2_M_COST_KIB: u32 = 19_456;
/// Argon2id iterations (OWASP: 2 with 19 MiB).
pub const ARGON2_T_COST: u32 = 2;
/// Argon2id parallelism (OWASP: 1).
pub const ARGON2_P_COST: u32 = 1;

/// The form field that policy errors are attached to.
const FIELD: &str = "password";

/// Well-known passwords, one per line, lowercase; `#` starts a comment line.
const COMMON_PASSWORDS_TXT: &str = include_str!("common_passwords.txt");

fn common_passwords() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS_TXT
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    })
}

/// Checks a new password against the policy.
///
/// Refused, each with a message for the `password` field:
/// * fewer than [`MIN_LEN`] or more than [`MAX_LEN`] characters;
/// * a well-known password (compared case-insensitively, after trimming);
/// * the account's email address or its local part (case-insensitively).
pub fn check_password_policy(password: &str, email: &str) -> Result<(), AppError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(AppError::validation(
            FIELD,
            format!(
                "Use at least {MIN_LEN} characters. A few unrelated words make a good password."
            ),
        ));
    }
    if len > MAX_LEN {
        return Err(AppError::validation(
            FIELD,
            format!("Use at most {MAX_LEN} characters."),
        ));
    }

    let normalized = password.trim().to_lowercase();
    if common_passwords().contains(&normalized) {
        return Err(AppError::validation(
            FIELD,
            "This password is too common and easy to guess. Choose another one.",
        ));
    }

    let email = email.trim().to_lowercase();
    if !email.is_empty() {
        let local = email
            .rsplit_once('@')
            .map_or(email.as_str(), |(local, _)| local);
        if normalized == email || (!local.is_empty() && normalized == local) {
            return Err(AppError::validation(
                FIELD,
                "Do not use your email address as your password.",
            ));
        }
    }
    Ok(())
}

/// Why hashing or verifying a password failed. These are server-side failures;
/// a wrong password is `Ok(false)`, not an error.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The password exceeds [`MAX_LEN`] characters.
    #[error("password is longer than {MAX_LEN} characters")]
    TooLong,
    /// The stored hash is not a valid Argon2 PHC string.
    #[error("stored password hash is malformed")]
    MalformedHash(#[source] PhcError),
    /// Argon2 itself failed (bad parameters, RNG failure, ...).
    #[error("password hashing failed")]
    Hash(#[source] HashError),
    /// The blocking task panicked or was cancelled by runtime shutdown.
    #[error("password hashing task failed")]
    Task(#[from] tokio::task::JoinError),
    /// The concurrency limiter was closed (never happens in practice).
    #[error("password hasher is shut down")]
    Closed,
}

impl From<PasswordError> for AppError {
    /// Every [`PasswordError`] is internal: it is logged and the user sees a generic error.
    fn from(err: PasswordError) -> Self {
        AppError::internal(&err)
    }
}

/// The Argon2id parameters used for new hashes.
fn params() -> Params {
    // Cannot fail: the constants are within Argon2's documented bounds (checked by a test).
    Params::new(ARGON2_M_COST_KIB, ARGON2_T_COST, ARGON2_P_COST, None)
        .expect("valid Argon2 parameters")
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

fn hash_blocking(password: &[u8]) -> Result<String, PasswordError> {
    argon2()
        .hash_password(password)
        .map(|hash| hash.to_string())
        .map_err(PasswordError::Hash)
}

/// `Ok(true)` on a match, `Ok(false)` on a mismatch. The parameters (and variant)
/// come from the stored hash, so old hashes keep verifying after a parameter change.
fn verify_blocking(password: &[u8], hash: &PasswordHash) -> Result<bool, PasswordError> {
    match argon2().verify_password(password, hash) {
        Ok(()) => Ok(true),
        Err(HashError::PasswordInvalid) => Ok(false),
        Err(err) => Err(PasswordError::Hash(err)),
    }
}

fn parse_phc(phc: &str) -> Result<PasswordHash, PasswordError> {
    PasswordHash::new(phc).map_err(PasswordError::MalformedHash)
}

/// A hash of a random password, computed once per process, that unknown accounts are
/// verified against so that "no such email" costs as much as "wrong password".
static DUMMY_HASH: OnceLock<PasswordHash> = OnceLock::new();

/// Verifies `password` against the dummy hash, building it on first use. The first
/// call hashes instead of verifying, which costs the same, so no call is twice as slow.
fn verify_dummy_blocking(password: &[u8]) {
    let mut built_now = false;
    let dummy = DUMMY_HASH.get_or_init(|| {
        built_now = true;
        let mut random = [0u8; 32];
        rand::fill(&mut random);
        argon2()
            .hash_password(&random)
            .expect("hashing a random password with valid parameters")
    });
    if !built_now {
        // The result is irrelevant: only the time spent matters.
        let _ = verify_blocking(password, dummy);
    }
}

/// Argon2id hashing on tokio's blocking pool, at most `max_concurrent` at a time.
///
/// Cheap to clone (an `Arc` inside); share one instance across the server.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Passwords checked so far (dummy checks included), for tests of the throttle.
    verifications: Arc<AtomicU64>,
}

impl PasswordHasher {
    /// A hasher that runs at most `max_concurrent` hashes at once (at least 1).
    /// Further calls wait for a free slot.
    pub fn new(max_concurrent: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            verifications: Arc::new(AtomicU64::new(0)),
        }
    }

    /// How many passwords this hasher has checked (or been asked to, when too long).
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// How many more hashes could start right now without waiting.
    pub fn available_permits(&self) -> usize {
        self.permits.available_permits()
    }

    /// Hashes a password with Argon2id and a fresh random salt, returning a PHC string
    /// (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
    pub async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        if password.chars().count() > MAX_LEN {
            return Err(PasswordError::TooLong);
        }
        let password = password.to_owned();
        self.run_limited(move || hash_blocking(password.as_bytes()))
            .await?
    }

    /// Checks `password` against a stored PHC hash.
    ///
    /// `phc` is `None` when the account does not exist: the password is then checked
    /// against a dummy hash so the answer (`Ok(false)`) takes as long as a wrong
    /// password would, and response times do not reveal which emails have accounts.
    /// A stored hash that cannot be parsed is an error, not `false`.
    pub async fn verify(&self, password: &str, phc: Option<&str>) -> Result<bool, PasswordError> {
        self.verifications.fetch_add(1, Ordering::Relaxed);
        let stored = phc.map(parse_phc).transpose()?;
        if password.chars().count() > MAX_LEN {
            // No account can have such a password; refuse before doing any work.
            return Ok(false);
        }
        let password = password.to_owned();
        self.run_limited(move || match stored {
            Some(hash) => verify_blocking(password.as_bytes(), &hash),
            None => {
                verify_dummy_blocking(password.as_bytes());
                Ok(false)
            }
        })
        .await?
    }

    /// Runs `work` on the blocking pool once a permit is free. The permit moves into
    /// the blocking task, so it stays held until the work is really done even if the
    /// caller's future is dropped half-way.
    async fn run_limited<T, F>(&self, work: F) -> Result<T, PasswordError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| PasswordError::Closed)?;
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await?;
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("tokio runtime")
    }

    fn field_message(result: Result<(), AppError>) -> String {
        result
            .expect_err("password should be refused")
            .field_message("password")
            .expect("a message for the password field")
    }

    #[test]
    fn policy_refuses_short_passwords_counting_characters() {
        let msg = field_message(check_password_policy("short pass", "a@example.org"));
        assert!(msg.contains("12"), "{msg}");
        // 11 characters but 22 bytes: still too short.
        assert!(check_password_policy("ééééééééééé", "a@example.org").is_err());
        // 12 characters of which some are multi-byte: long enough.
        assert!(check_password_policy("éléphant rosé", "a@example.org").is_ok());
    }

    #[test]
    fn policy_refuses_overlong_passwords() {
        let long = "x".repeat(MAX_LEN + 1);
        let msg = field_message(check_password_policy(&long, "a@example.org"));
        assert!(msg.contains("at most"), "{msg}");
        assert!(check_password_policy(&"xy".repeat(MAX_LEN / 2), "a@example.org").is_ok());
    }

    #[test]
    fn policy_refuses_common_passwords() {
        for common in [
            "password1234",
            "qwertyuiop12",
            "123456789012",
            "iloveyou1234",
            "PassWord1234",
            "  iloveyou1234  ",
            "password        ",
        ] {
            let msg = field_message(check_password_policy(common, "a@example.org"));
            assert!(msg.contains("too common"), "{common:?}: {msg}");
        }
    }

    #[test]
    fn common_password_list_is_loaded_and_normalized() {
        let list = common_passwords();
        assert!(list.len() >= 300, "only {} entries", list.len());
        assert!(list.iter().filter(|p| p.chars().count() >= MIN_LEN).count() >= 200);
        assert!(list
            .iter()
            .all(|p| !p.starts_with('#') && p.trim() == p && p.to_lowercase() == *p));
    }

    #[test]
    fn policy_refuses_the_email_or_its_local_part() {
        let email = "Maria.Organizer@Example.org";
        let msg = field_message(check_password_policy("maria.organizer@example.org", email));
        assert!(msg.contains("email"), "{msg}");
        let msg = field_message(check_password_policy("MARIA.ORGANIZER", email));
        assert!(msg.contains("email"), "{msg}");
        assert!(check_password_policy("maria.organizer!", email).is_ok());
    }

    #[test]
    fn policy_accepts_a_good_password() {
        assert_eq!(
            check_password_policy("correct horse battery", "maria@example.org"),
            Ok(())
        );
        assert_eq!(check_password_policy("tulip-anvil-42-river", ""), Ok(()));
    }

    #[test]
    fn parameters_are_valid_and_at_least_owasp() {
        let p = params();
        assert!(p.m_cost() >= 19_456);
        assert!(p.t_cost() >= 2);
        assert!(p.p_cost() >= 1);
    }

    #[test]
    fn hash_then_verify() {
        runtime().block_on(async {
            let hasher = PasswordHasher::new(2);
            let phc = hasher.hash("tulip-anvil-42-river").await.unwrap();
            assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
            assert!(hasher
                .verify("tulip-anvil-42-river", Some(&phc))
                .await
                .unwrap());
            assert!(!hasher
                .verify("tulip-anvil-42-rivers", Some(&phc))
                .await
                .unwrap());
            // Random salt: the same password never hashes the same way twice.
            let again = hasher.hash("tulip-anvil-42-river").await.unwrap();
            assert_ne!(phc, again);
            assert!(hasher
                .verify("tulip-anvil-42-river", Some(&again))
                .await
                .unwrap());
        });
    }

    #[test]
    fn unknown_account_is_false() {
        runtime().block_on(async {
            let hasher = PasswordHasher::new(1);
            assert!(!hasher.verify("tulip-anvil-42-river", None).await.unwrap());
            assert!(!hasher.verify("", None).await.unwrap());
        });
    }

    #[test]
    fn malformed_stored_hash_is_an_error() {
        runtime().block_on(async {
            let hasher = PasswordHasher::new(1);
            for bad in ["", "not a hash", "$argon2id$v=19$m=19456,t=2,p=1$$"] {
                let result = hasher.verify("tulip-anvil-42-river", Some(bad)).await;
                assert!(result.is_err(), "{bad:?} gave {result:?}");
            }
        });
    }

    #[test]
    fn overlong_passwords_are_refused_without_hashing() {
        runtime().block_on(async {
            let hasher = PasswordHasher::new(1);
            let long = "x".repeat(MAX_LEN + 1);
            assert!(matches!(
                hasher.hash(&long).await,
                Err(PasswordError::TooLong)
            ));
            assert!(!hasher.verify(&long, None).await.unwrap());
        });
    }

    /// Unknown account and wrong password both do a full Argon2 computation.
    /// Deliberately loose (other tests hash in parallel): each must take real
    /// hashing time, and neither may be more than 10x the other.
    #[test]
    fn unknown_account_takes_as_long_as_wrong_password() {
        runtime().block_on(async {
            let hasher = PasswordHasher::new(4);
            let phc = hasher.hash("tulip-anvil-42-river").await.unwrap();
            // Warm up the dummy hash so its one-time construction is not measured.
            hasher.verify("warm-up-password", None).await.unwrap();

            let mut unknown = Duration::MAX;
            let mut wrong = Duration::MAX;
            for _ in 0..3 {
                let start = Instant::now();
                assert!(!hasher.verify("guess-guess-guess", None).await.unwrap());
                unknown = unknown.min(start.elapsed());

                let start = Instant::now();
                assert!(!hasher
                    .verify("guess-guess-guess", Some(&phc))
                    .await
                    .unwrap());
                wrong = wrong.min(start.elapsed());
            }
            let floor = Duration::from_millis(10);
            assert!(unknown > floor, "unknown account took only {unknown:?}");
            assert!(wrong > floor, "wrong password took only {wrong:?}");
            assert!(
                unknown < wrong * 10,
                "unknown {unknown:?} vs wrong {wrong:?}"
            );
            assert!(
                wrong < unknown * 10,
                "unknown {unknown:?} vs wrong {wrong:?}"
            );
        });
    }

    #[test]
    fn hasher_is_clone_send_sync_and_shares_its_limit() {
        fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
        assert_send_sync::<PasswordHasher>();

        let hasher = PasswordHasher::new(3);
        let clone = hasher.clone();
        assert_eq!(clone.available_permits(), 3);
        assert_eq!(PasswordHasher::new(0).available_permits(), 1);
    }

    /// Runs `tasks` jobs through `run_limited` and returns the most that were ever
    /// running at the same moment.
    fn max_in_flight(max_concurrent: usize, tasks: usize) -> usize {
        runtime().block_on(async {
            let hasher = PasswordHasher::new(max_concurrent);
            let in_flight = Arc::new(AtomicUsize::new(0));
            let max_seen = Arc::new(AtomicUsize::new(0));
            let mut handles = Vec::new();
            for _ in 0..tasks {
                let hasher = hasher.clone();
                let in_flight = Arc::clone(&in_flight);
                let max_seen = Arc::clone(&max_seen);
                handles.push(tokio::spawn(async move {
                    hasher
                        .run_limited(move || {
                            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                            max_seen.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(30));
                            in_flight.fetch_sub(1, Ordering::SeqCst);
                        })
                        .await
                        .unwrap();
                }));
            }
            for handle in handles {
                handle.await.unwrap();
            }
            assert_eq!(hasher.available_permits(), max_concurrent);
            max_seen.load(Ordering::SeqCst)
        })
    }

    #[test]
    fn semaphore_caps_concurrency_at_one() {
        assert_eq!(max_in_flight(1, 5), 1);
    }

    #[test]
    fn semaphore_caps_concurrency_at_two() {
        assert!(max_in_flight(2, 6) <= 2);
    }

    #[test]
    fn hashing_holds_a_permit_while_it_runs() {
        runtime().block_on(async {
            let hasher = PasswordHasher::new(1);
            let other = hasher.clone();
            let job = tokio::spawn(async move { other.hash("tulip-anvil-42-river").await });
            // The hash takes tens of milliseconds: while it runs, the only permit is taken.
            let start = Instant::now();
            let mut saw_taken = false;
            while !job.is_finished() {
                if hasher.available_permits() == 0 {
                    saw_taken = true;
                    break;
                }
                assert!(start.elapsed() < Duration::from_secs(10));
                tokio::task::yield_now().await;
            }
            assert!(saw_taken, "the hash never held the permit");
            job.await.unwrap().unwrap();
            assert_eq!(hasher.available_permits(), 1);
        });
    }
}

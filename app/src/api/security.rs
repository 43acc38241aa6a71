//! The account's security: its second factor (set up, confirm, turn off), and its
//! sessions (list, end one, end all others). Account-level: each function starts with
//! `require_user()`, and acts on the caller's own account only. A lead's reset of
//! another member's factor is `api::members::reset_second_factor`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The second factor as its owner's account page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FactorState {
    Off,
    /// Set-up started: what to put in the app, and the recovery codes, shown until the
    /// first code confirms it (then never again).
    Pending {
        secret_text: String,
        otpauth_url: String,
        qr_svg: String,
        recovery_codes: Vec<String>,
    },
    On {
        recovery_codes_left: i64,
    },
}

/// One of the member's sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: String,
    pub device: String,
    pub ip_prefix: String,
    pub first_seen: chrono::DateTime<chrono::Utc>,
    pub last_seen: chrono::DateTime<chrono::Utc>,
    pub second_factor: bool,
    /// The session this page was loaded in.
    pub current: bool,
}

/// What the account page's security sections show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityData {
    pub email: String,
    pub factor: FactorState,
    /// A role of theirs needs the second factor (lead anywhere, or organizer where the
    /// campaign asks it).
    pub required: bool,
    /// This session was signed in with the second factor.
    pub session_has_factor: bool,
    pub sessions: Vec<SessionRow>,
}

/// The account page's security sections (its one load).
#[server(prefix = "/api", endpoint = "pages/security")]
pub async fn security_page() -> Result<SecurityData, AppError> {
    let caller = crate::auth::require_user().await?;
    let store = &caller.state.store;
    let user_id = caller.user.id;
    let now = chrono::Utc::now();
    let (record, required, sessions) = tokio::try_join!(
        store.second_factor(user_id),
        store.second_factor_required(user_id),
        store.list_sessions(user_id, now),
    )?;
    let factor = match record {
        None => FactorState::Off,
        Some(r) if r.confirmed => FactorState::On {
            recovery_codes_left: store.recovery_codes_left(user_id).await?,
        },
        Some(r) => ssr::pending_view(&caller.state, user_id, &caller.user.email, &r)?,
    };
    let sessions: Vec<SessionRow> = sessions
        .into_iter()
        .map(|s| SessionRow {
            current: s.id == caller.session_id,
            id: s.id,
            device: s.device,
            ip_prefix: s.ip_prefix,
            first_seen: s.first_seen,
            last_seen: s.last_seen,
            second_factor: s.second_factor,
        })
        .collect();
    let session_has_factor = sessions.iter().any(|s| s.current && s.second_factor);
    Ok(SecurityData {
        email: caller.user.email.clone(),
        factor,
        required,
        session_has_factor,
        sessions,
    })
}

/// Starts setting up the second factor: a new secret made here (never taken from the
/// client) and ten recovery codes, both sealed until the first code confirms them.
/// Starting again replaces an unconfirmed set-up; a confirmed factor is left alone.
#[server(prefix = "/api", endpoint = "security/begin")]
pub async fn begin_second_factor() -> Result<(), AppError> {
    use crate::auth::second_factor::{new_recovery_codes, new_secret, seal};
    let caller = crate::auth::require_user().await?;
    let state = &caller.state;
    let context = ssr::context(caller.user.id);
    let secret_box = seal(&state.keys, &context, &new_secret())?;
    let codes = new_recovery_codes().join(" ");
    let pending_box = seal(&state.keys, &context, codes.as_bytes())?;
    state
        .store
        .begin_second_factor(
            caller.user.id,
            &secret_box,
            &pending_box,
            chrono::Utc::now(),
        )
        .await?;
    Ok(())
}

/// Turns the second factor on with the first code from the app. The recovery codes
/// shown with the QR code are kept from now on as hashes only, and this session counts
/// as signed in with the factor. Wrong codes count against the sign-in throttle.
#[server(prefix = "/api", endpoint = "security/confirm")]
pub async fn confirm_second_factor(code: String) -> Result<(), AppError> {
    use crate::auth::second_factor::{hash_recovery_code, matching_step, open, parse_code, Code};
    let caller = crate::auth::require_user().await?;
    let state = &caller.state;
    let user_id = caller.user.id;
    let attempt = ssr::code_attempt(&caller).await?;
    let outcome: Result<_, AppError> = async {
        let record = state
            .store
            .second_factor(user_id)
            .await?
            .filter(|r| !r.confirmed)
            .ok_or_else(|| {
                AppError::Conflict("There is no set-up to confirm: start it again.".into())
            })?;
        // Recovery codes turn nothing on: only the app's six digits.
        let Ok(Code::Totp(code)) = parse_code(&code, "code") else {
            return Err(AppError::validation(
                "code",
                "Enter the 6-digit code your authenticator app shows now.",
            ));
        };
        let context = ssr::context(user_id);
        let secret = open(&state.keys, &context, &record.secret_box)?;
        let step = matching_step(&secret, &code, ssr::unix(chrono::Utc::now()))?
            .ok_or_else(ssr::wrong_code)?;
        let codes = String::from_utf8(open(&state.keys, &context, &record.pending_box)?)
            .map_err(|_| AppError::Internal)?;
        let hashes: Vec<String> = codes
            .split_whitespace()
            .map(|c| hash_recovery_code(&state.keys, c))
            .collect();
        let event = caller.event(None, "auth.second_factor_on", format!("user:{user_id}"), "");
        let step = i64::try_from(step).map_err(|_| AppError::Internal)?;
        if !state
            .store
            .confirm_second_factor(user_id, step, &hashes, &caller.session_id, &event)
            .await?
        {
            return Err(AppError::Conflict(
                "There is no set-up to confirm: start it again.".into(),
            ));
        }
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => attempt.succeeded(state).await,
        Err(err @ AppError::Validation { .. }) => {
            attempt.failed(state, Some(user_id)).await?;
            Err(err)
        }
        Err(other) => {
            attempt.succeeded(state).await?;
            Err(other)
        }
    }
}

/// Turns the second factor off, with a code (or a recovery code) as proof. The
/// account's sessions stay, but none counts as signed in with a second factor any more.
#[server(prefix = "/api", endpoint = "security/turn_off")]
pub async fn turn_off_second_factor(code: String) -> Result<(), AppError> {
    let caller = crate::auth::require_user().await?;
    let state = &caller.state;
    let user_id = caller.user.id;
    let attempt = ssr::code_attempt(&caller).await?;
    let now = chrono::Utc::now();
    if let Err(err) = ssr::check_code(state, user_id, &caller.client_ip, &code, now).await {
        attempt.failed(state, Some(user_id)).await?;
        return Err(err);
    }
    attempt.succeeded(state).await?;
    let event = caller.event(
        None,
        "auth.second_factor_off",
        format!("user:{user_id}"),
        "",
    );
    state
        .store
        .remove_second_factor(user_id, false, now, &event)
        .await?;
    Ok(())
}

/// Ends one of the caller's sessions (this one signs out). Every instance sees it at
/// once: each request reads its session's row.
#[server(prefix = "/api", endpoint = "security/end_session")]
pub async fn end_session(session: String) -> Result<(), AppError> {
    use crate::store::EndSessions;
    let caller = crate::auth::require_user().await?;
    let gone = || AppError::Conflict("That session has already ended.".into());
    if session.is_empty() || session.len() > 64 {
        return Err(gone());
    }
    let record = format!("session:{}", session.get(..8).unwrap_or(&session));
    let event = caller.event(None, "auth.session_ended", record, "");
    let ended = caller
        .state
        .store
        .end_sessions(
            caller.user.id,
            EndSessions::One(&session),
            chrono::Utc::now(),
            &event,
        )
        .await?;
    if ended == 0 {
        // Ended already, or not theirs: the same answer.
        return Err(gone());
    }
    if session == caller.session_id {
        crate::api::auth::signed_out(&caller.state)?;
    }
    Ok(())
}

/// Ends every session of the caller's but this one; answers how many ended.
#[server(prefix = "/api", endpoint = "security/end_others")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    use crate::store::EndSessions;
    let caller = crate::auth::require_user().await?;
    let event = caller.event(
        None,
        "auth.sessions_ended",
        format!("user:{}", caller.user.id),
        "{n} other sessions",
    );
    Ok(caller
        .state
        .store
        .end_sessions(
            caller.user.id,
            EndSessions::AllBut(&caller.session_id),
            chrono::Utc::now(),
            &event,
        )
        .await?)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::FactorState;
    use crate::auth::second_factor::{
        hash_recovery_code, matching_step, open, otpauth_url, parse_code, qr_svg, secret_text, Code,
    };
    use crate::error::AppError;
    use crate::state::AppState;
    use crate::store::{AuditEvent, SecondFactorRecord};

    /// A code typed by a signed-in member (to turn the factor on or off), reserved in the
    /// one sign-in throttle.
    pub async fn code_attempt(
        caller: &crate::auth::Caller,
    ) -> Result<crate::auth::throttle::Attempt, AppError> {
        crate::auth::throttle::reserve(
            &caller.state,
            crate::store::AttemptKind::SecondFactor,
            &caller.user.email,
            &caller.client_ip,
        )
        .await
    }

    /// What a box is sealed to: its owner.
    pub fn context(user_id: i64) -> String {
        format!("user:{user_id}")
    }

    pub fn unix(now: chrono::DateTime<chrono::Utc>) -> u64 {
        u64::try_from(now.timestamp()).unwrap_or(0)
    }

    pub fn wrong_code() -> AppError {
        AppError::validation(
            "code",
            "That code is not right. Check the app and try again.",
        )
    }

    /// The pending set-up, opened for its owner's page.
    pub fn pending_view(
        state: &AppState,
        user_id: i64,
        email: &str,
        record: &SecondFactorRecord,
    ) -> Result<FactorState, AppError> {
        let secret = open(&state.keys, &context(user_id), &record.secret_box)?;
        let codes = String::from_utf8(open(&state.keys, &context(user_id), &record.pending_box)?)
            .map_err(|_| AppError::Internal)?;
        let url = otpauth_url(&secret, email)?;
        Ok(FactorState::Pending {
            secret_text: secret_text(&secret),
            qr_svg: qr_svg(&url)?,
            otpauth_url: url,
            recovery_codes: codes.split_whitespace().map(str::to_owned).collect(),
        })
    }

    /// How a code was accepted.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum CodeUse {
        App,
        Recovery { left: i64 },
    }

    /// Checks `input` against the user's confirmed factor: a code from the app for a
    /// time step later than the last accepted (the store's atomic update decides), or
    /// an unused recovery code (spent, audited). A wrong, replayed or malformed code is
    /// a validation error on `code`; the caller counts it against the throttle.
    pub async fn check_code(
        state: &AppState,
        user_id: i64,
        ip: &str,
        input: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<CodeUse, AppError> {
        let code = parse_code(input, "code")?;
        let record = state
            .store
            .second_factor(user_id)
            .await?
            .filter(|r| r.confirmed)
            .ok_or_else(wrong_code)?;
        match code {
            Code::Totp(code) => {
                let secret = open(&state.keys, &context(user_id), &record.secret_box)?;
                let step = matching_step(&secret, &code, unix(now))?.ok_or_else(wrong_code)?;
                let step = i64::try_from(step).map_err(|_| AppError::Internal)?;
                if state.store.use_code_step(user_id, step).await? {
                    Ok(CodeUse::App)
                } else {
                    Err(AppError::validation(
                        "code",
                        "That code was already used. Wait for the next one in your app.",
                    ))
                }
            }
            Code::Recovery(code) => {
                let hash = hash_recovery_code(&state.keys, &code);
                let event = AuditEvent {
                    actor_id: Some(user_id),
                    action: "auth.recovery_code_used".into(),
                    record: context(user_id),
                    detail: "{left} left".into(),
                    client_ip: ip.to_owned(),
                    ..Default::default()
                };
                match state
                    .store
                    .use_recovery_code(user_id, &hash, now, &event)
                    .await?
                {
                    Some(left) => Ok(CodeUse::Recovery { left }),
                    None => Err(AppError::validation(
                        "code",
                        "That recovery code is not right, or was already used.",
                    )),
                }
            }
        }
    }
}

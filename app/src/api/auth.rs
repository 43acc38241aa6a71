//! Signing in and out, invites, and the account page.

use leptos::prelude::*;

use crate::domain::CurrentUser;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod imp {
    use chrono::{Duration, Utc};
    use http::header::SET_COOKIE;
    use http::HeaderValue;

    use crate::error::AppError;

    /// Failed sign-ins allowed per account, and per client address, in the window.
    pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
    pub const MAX_FAILURES_PER_IP: i64 = 20;
    pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

    pub fn throttle_since() -> chrono::DateTime<Utc> {
        Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES)
    }

    pub fn set_cookies(values: impl IntoIterator<Item = String>) -> Result<(), AppError> {
        let options = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            .ok_or(AppError::Internal)?;
        for value in values {
            let value = HeaderValue::from_str(&value).map_err(|_| AppError::Internal)?;
            options.append_header(SET_COOKIE, value);
        }
        Ok(())
    }

    /// Accepts only local paths (`/x`), never `//host` or a full URL.
    pub fn safe_next(next: &str) -> String {
        if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
            next.to_owned()
        } else {
            "/".to_owned()
        }
    }
}

/// The signed-in user, or `None`.
#[server(prefix = "/api", endpoint = "auth/me")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    match crate::auth::require_user().await {
        Ok(caller) => Ok(Some(caller.user)),
        Err(AppError::Unauthorized) => Ok(None),
        Err(other) => Err(other),
    }
}

#[server(prefix = "/api", endpoint = "auth/sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    use crate::auth::guard::client_ip;
    use crate::domain::Email;
    use crate::store::{app_state, AuditEvent};

    let state = app_state()?;
    let ip = client_ip();
    let email = Email::parse(&email)?;
    let now = chrono::Utc::now();
    let (by_email, by_ip) = state
        .store
        .failed_sign_ins(email.as_str(), &ip, imp::throttle_since())
        .await?;
    if by_email >= imp::MAX_FAILURES_PER_EMAIL || by_ip >= imp::MAX_FAILURES_PER_IP {
        let event = AuditEvent::anonymous("auth.sign_in_throttled", email.as_str(), &ip);
        state.store.audit(&event).await?;
        return Err(AppError::TooManyRequests);
    }
    let credentials = state.store.user_credentials(&email).await?;
    // An unknown e-mail is verified against a dummy hash: same answer, similar time.
    let ok = state
        .hasher
        .verify(
            &password,
            credentials.as_ref().map(|c| c.password_hash.as_str()),
        )
        .await?;
    state
        .store
        .record_sign_in(email.as_str(), &ip, ok, now)
        .await?;
    let user = match (ok, credentials) {
        (true, Some(user)) => user,
        _ => {
            let event = AuditEvent::anonymous("auth.sign_in_failed", email.as_str(), &ip);
            state.store.audit(&event).await?;
            return Err(AppError::validation(
                "password",
                "That e-mail and password do not match an account.",
            ));
        }
    };
    let (session_id, cookies) = crate::auth::session::start_session(
        state.store.as_ref(),
        &state.keys,
        state.cookies,
        user.id,
        now,
    )
    .await?;
    state
        .store
        .audit(&AuditEvent {
            actor_id: Some(user.id),
            action: "auth.sign_in".into(),
            record: format!("session:{}", &session_id[..8]),
            client_ip: ip,
            ..Default::default()
        })
        .await?;
    imp::set_cookies(cookies)?;
    leptos_axum::redirect(&imp::safe_next(&next));
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let state = crate::store::app_state()?;
    if let Ok(caller) = crate::auth::require_user().await {
        state
            .store
            .revoke_session(&caller.session_id, chrono::Utc::now())
            .await?;
        caller.audit(None, "auth.sign_out", "", "").await?;
    }
    imp::set_cookies(state.cookies.clearing())?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    let caller = crate::auth::require_user().await?;
    caller
        .state
        .store
        .revoke_user_sessions(caller.user.id, chrono::Utc::now())
        .await?;
    caller
        .audit(None, "auth.sign_out_everywhere", "", "")
        .await?;
    imp::set_cookies(caller.state.cookies.clearing())?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/change_password")]
pub async fn change_password(current: String, new_password: String) -> Result<(), AppError> {
    use crate::auth::password::check_password_policy;

    let caller = crate::auth::require_user().await?;
    let store = &caller.state.store;
    let stored = store.password_hash(caller.user.id).await?;
    if !caller.state.hasher.verify(&current, Some(&stored)).await? {
        return Err(AppError::validation(
            "current",
            "That is not your current password.",
        ));
    }
    check_password_policy(&new_password, &caller.user.email)
        .map_err(|e| rename_field(e, "new_password"))?;
    let hash = caller.state.hasher.hash(&new_password).await?;
    store.set_password_hash(caller.user.id, &hash).await?;
    // Every other session ends; this one goes on with fresh tokens.
    let now = chrono::Utc::now();
    store.revoke_user_sessions(caller.user.id, now).await?;
    let (_, cookies) = crate::auth::session::start_session(
        store.as_ref(),
        &caller.state.keys,
        caller.state.cookies,
        caller.user.id,
        now,
    )
    .await?;
    imp::set_cookies(cookies)?;
    caller.audit(None, "auth.password_changed", "", "").await?;
    Ok(())
}

#[cfg(feature = "ssr")]
fn rename_field(err: AppError, field: &str) -> AppError {
    match err {
        AppError::Validation { message, .. } => AppError::validation(field, message),
        other => other,
    }
}

/// What an invite link offers, shown before the invitee sets a password.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InviteInfo {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub role: crate::domain::Role,
    /// The full link, to show the lead who created it.
    pub link: String,
}

#[cfg(feature = "ssr")]
async fn live_invite(
    state: &crate::store::AppState,
    token: &str,
) -> Result<crate::store::InviteRecord, AppError> {
    let hash = crate::auth::tokens::hash_refresh_token(token.trim());
    match state.store.invite(&hash).await? {
        Some(invite) if !invite.used && invite.expires_at > chrono::Utc::now() => Ok(invite),
        _ => Err(AppError::Conflict(
            "This invite link has expired or was already used. Ask your lead for a new one.".into(),
        )),
    }
}

#[server(prefix = "/api", endpoint = "auth/get_invite")]
pub async fn get_invite(token: String) -> Result<InviteInfo, AppError> {
    let state = crate::store::app_state()?;
    let invite = live_invite(&state, &token).await?;
    Ok(InviteInfo {
        campaign_id: invite.campaign_id,
        campaign_name: invite.campaign_name,
        role: invite.role,
        link: format!("{}/invite/{}", state.public_url, token.trim()),
    })
}

/// Accepts an invite: creates the account (or, for an existing account, checks its
/// password), adds the membership, spends the invite and signs the invitee in.
#[server(prefix = "/api", endpoint = "auth/accept_invite")]
pub async fn accept_invite(token: String, email: String, password: String) -> Result<(), AppError> {
    use crate::auth::password::check_password_policy;
    use crate::domain::Email;
    use crate::store::AuditEvent;

    let state = crate::store::app_state()?;
    let invite = live_invite(&state, &token).await?;
    let email = Email::parse(&email)?;
    let now = chrono::Utc::now();
    let user = match state.store.user_credentials(&email).await? {
        Some(existing) => {
            if !state
                .hasher
                .verify(&password, Some(&existing.password_hash))
                .await?
            {
                return Err(AppError::validation(
                    "password",
                    "An account with this e-mail exists: enter its password to join.",
                ));
            }
            existing.id
        }
        None => {
            check_password_policy(&password, email.as_str())?;
            let hash = state.hasher.hash(&password).await?;
            state.store.create_user(&email, &hash).await?.id
        }
    };
    let hash = crate::auth::tokens::hash_refresh_token(token.trim());
    if !state.store.spend_invite(&hash, user, now).await? {
        return Err(AppError::Conflict(
            "This invite link has expired or was already used. Ask your lead for a new one.".into(),
        ));
    }
    state
        .store
        .upsert_member(
            invite.campaign_id,
            user,
            invite.role,
            &invite.area_ids,
            &AuditEvent {
                campaign_id: Some(invite.campaign_id),
                actor_id: Some(user),
                action: "member.joined".into(),
                record: format!("user:{user}"),
                detail: format!("role={} invite={}", invite.role.as_str(), invite.id),
                client_ip: crate::auth::guard::client_ip(),
            },
        )
        .await?;
    let (_, cookies) = crate::auth::session::start_session(
        state.store.as_ref(),
        &state.keys,
        state.cookies,
        user,
        now,
    )
    .await?;
    imp::set_cookies(cookies)?;
    leptos_axum::redirect(&format!("/campaigns/{}", invite.campaign_id));
    Ok(())
}

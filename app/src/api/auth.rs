//! Signing in and out, invites, and the account page.

use leptos::prelude::*;

use crate::domain::CurrentUser;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod imp {
    use http::header::SET_COOKIE;
    use http::HeaderValue;

    use crate::error::AppError;

    pub fn set_cookies(values: impl IntoIterator<Item = String>) -> Result<(), AppError> {
        let options = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            .ok_or(AppError::Internal)?;
        for value in values {
            let value = HeaderValue::from_str(&value).map_err(|_| AppError::Internal)?;
            options.append_header(SET_COOKIE, value);
        }
        Ok(())
    }

    /// The claims of this request's second-step cookie, if it is live.
    pub fn second_step_claims(
        state: &crate::state::AppState,
        now: i64,
    ) -> Option<crate::auth::tokens::SecondStepClaims> {
        let parts = leptos::prelude::use_context::<http::request::Parts>()?;
        let token = state.cookies.read_second_step(
            parts
                .headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok()),
        )?;
        crate::auth::tokens::verify_second_step(&state.keys, &token, now).ok()
    }

    /// Starts a session after a sign-in (with its audit row), clears what the browser
    /// kept of a previous one, and sends it on: to `forced` if given, to set up a second
    /// factor if the account's roles need one and it has none, else where it was going.
    pub async fn begin_session(
        state: &crate::state::AppState,
        user_id: i64,
        second_factor: bool,
        ip: &str,
        next: &str,
        forced: &str,
    ) -> Result<(), AppError> {
        use crate::store::AuditEvent;
        let (session_id, cookies) = crate::auth::session::start_session(
            state.store.as_ref(),
            &state.keys,
            state.cookies,
            user_id,
            second_factor,
            chrono::Utc::now(),
        )
        .await?;
        state
            .store
            .audit(&AuditEvent {
                actor_id: Some(user_id),
                action: "auth.sign_in".into(),
                record: format!("session:{}", &session_id[..8]),
                detail: if second_factor {
                    "with second factor".into()
                } else {
                    String::new()
                },
                client_ip: ip.to_owned(),
                ..Default::default()
            })
            .await?;
        set_cookies(cookies)?;
        clear_site_storage()?;
        let wanted = crate::domain::access::local_path(next);
        let to = if !forced.is_empty() {
            forced.to_owned()
        } else if wanted == "/"
            && !second_factor
            && state.store.second_factor_required(user_id).await?
        {
            // Where a lead without a second factor goes, unless sent somewhere (a page
            // that needs it says so, with the way here).
            "/account?setup=required#second-factor".to_owned()
        } else {
            let campaigns = state.store.campaigns_for_user(user_id).await?;
            crate::domain::access::landing(next, &campaigns)
        };
        leptos_axum::redirect(&to);
        Ok(())
    }

    /// `Clear-Site-Data: "storage"`: the service worker's kept pages (and anything else
    /// stored for this site) go when someone signs in or out, so a shared phone keeps
    /// nothing of one member's chart for the next (README, "Offline").
    pub fn clear_site_storage() -> Result<(), AppError> {
        let options = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            .ok_or(AppError::Internal)?;
        options.insert_header(
            http::HeaderName::from_static("clear-site-data"),
            HeaderValue::from_static("\"storage\""),
        );
        Ok(())
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

/// What a right password leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SignedIn {
    /// A session: the account has no second factor.
    Session,
    /// The code form: the account has a second factor, and the five-minute second-step
    /// cookie is set. No session yet.
    CodeNeeded,
}

#[server(prefix = "/api", endpoint = "auth/sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: String,
) -> Result<SignedIn, AppError> {
    use crate::auth::guard::client_ip;
    use crate::auth::throttle;
    use crate::domain::Email;
    use crate::state::app_state;
    use crate::store::AttemptKind;

    let state = app_state()?;
    let ip = client_ip();
    let email = Email::parse(&email)?;
    let now = chrono::Utc::now();
    let attempt = throttle::reserve(&state, AttemptKind::SignIn, email.as_str(), &ip).await?;
    let credentials = state.store.user_credentials(&email).await?;
    // An unknown e-mail is verified against a dummy hash: same answer, similar time.
    let ok = state
        .hasher
        .verify(
            &password,
            credentials.as_ref().map(|c| c.password_hash.as_str()),
        )
        .await?;
    let user = match (ok, credentials) {
        (true, Some(user)) => user,
        _ => {
            attempt.failed(&state, None).await?;
            return Err(AppError::validation(
                "password",
                "That e-mail and password do not match an account.",
            ));
        }
    };
    attempt.succeeded(&state).await?;
    let factor_on = state
        .store
        .second_factor(user.id)
        .await?
        .is_some_and(|f| f.confirmed);
    if factor_on {
        // No session until the code: a token good for nothing but the code form.
        let token = crate::auth::tokens::issue_second_step(
            &state.keys,
            user.id,
            &user.email,
            now.timestamp(),
        )
        .map_err(|_| AppError::Internal)?;
        imp::set_cookies([state.cookies.second_step_cookie(token)])?;
        leptos_axum::redirect(&code_page(&next));
        return Ok(SignedIn::CodeNeeded);
    }
    imp::begin_session(&state, user.id, false, &ip, &next, "").await?;
    Ok(SignedIn::Session)
}

/// The code form's address, carrying where sign-in was going.
#[cfg(feature = "ssr")]
pub fn code_page(next: &str) -> String {
    let next = crate::domain::access::local_path(next);
    if next == "/" {
        "/login/code".to_owned()
    } else {
        let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        format!("/login/code?next={encoded}")
    }
}

/// The second step of signing in: the code from the authenticator app (or a recovery
/// code), with the second-step cookie a right password set. Wrong codes count against
/// the same throttle as wrong passwords.
#[server(prefix = "/api", endpoint = "auth/second_step")]
pub async fn second_step(code: String, #[server(default)] next: String) -> Result<(), AppError> {
    use crate::api::security::ssr::{check_code, CodeUse};
    use crate::auth::guard::client_ip;
    use crate::store::AttemptKind;

    let state = crate::state::app_state()?;
    let ip = client_ip();
    let now = chrono::Utc::now();
    let claims = imp::second_step_claims(&state, now.timestamp()).ok_or_else(|| {
        AppError::validation(
            "code",
            "More than five minutes have passed since your password. Sign in again.",
        )
    })?;
    let attempt =
        crate::auth::throttle::reserve(&state, AttemptKind::SecondFactor, &claims.email, &ip)
            .await?;
    let used = match check_code(&state, claims.sub, &ip, &code, now).await {
        Ok(used) => used,
        Err(err) => {
            attempt.failed(&state, Some(claims.sub)).await?;
            return Err(err);
        }
    };
    attempt.succeeded(&state).await?;
    imp::set_cookies([state.cookies.second_step_clearing()])?;
    match used {
        CodeUse::App => imp::begin_session(&state, claims.sub, true, &ip, &next, "").await,
        // Someone using a recovery code has likely lost their phone: the account page
        // says how many are left and how to set up the factor again.
        CodeUse::Recovery { .. } => {
            imp::begin_session(
                &state,
                claims.sub,
                true,
                &ip,
                &next,
                "/account#second-factor",
            )
            .await
        }
    }
}

/// Whether this browser is between its password and its code (the code page asks, so
/// it can say "sign in again" instead of a form that cannot work).
#[server(prefix = "/api", endpoint = "auth/second_step_state")]
pub async fn second_step_state() -> Result<bool, AppError> {
    let state = crate::state::app_state()?;
    Ok(imp::second_step_claims(&state, chrono::Utc::now().timestamp()).is_some())
}

#[server(prefix = "/api", endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    if let Ok(caller) = crate::auth::require_user().await {
        state
            .store
            .revoke_session(&caller.session_id, chrono::Utc::now())
            .await?;
        caller.audit(None, "auth.sign_out", "", "").await?;
    }
    signed_out(&state)
}

/// What signing out sends: both cookies deleted, `Clear-Site-Data`, and the way to the
/// sign-in page.
#[cfg(feature = "ssr")]
pub fn signed_out(state: &crate::state::AppState) -> Result<(), AppError> {
    imp::set_cookies(state.cookies.clearing())?;
    imp::clear_site_storage()?;
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
    signed_out(&caller.state)
}

#[server(prefix = "/api", endpoint = "auth/change_password")]
pub async fn change_password(current: String, new_password: String) -> Result<(), AppError> {
    use crate::auth::password::check_password_policy;

    let caller = crate::auth::require_user().await?;
    let store = &caller.state.store;
    // Whoever holds a session can guess its password: the same throttle as signing in.
    let attempt = crate::auth::throttle::reserve(
        &caller.state,
        crate::store::AttemptKind::PasswordCheck,
        &caller.user.email,
        &caller.client_ip,
    )
    .await?;
    let stored = store.password_hash(caller.user.id).await?;
    if !caller.state.hasher.verify(&current, Some(&stored)).await? {
        attempt.failed(&caller.state, Some(caller.user.id)).await?;
        return Err(AppError::validation(
            "current",
            "That is not your current password.",
        ));
    }
    attempt.succeeded(&caller.state).await?;
    check_password_policy(&new_password, &caller.user.email)
        .map_err(|e| rename_field(e, "new_password"))?;
    let hash = caller.state.hasher.hash(&new_password).await?;
    store.set_password_hash(caller.user.id, &hash).await?;
    // Every other session ends; this one goes on with fresh tokens (and counts as
    // signed in with the second factor if it was).
    let now = chrono::Utc::now();
    let second_factor = store
        .list_sessions(caller.user.id, now)
        .await?
        .iter()
        .any(|s| s.id == caller.session_id && s.second_factor);
    store.revoke_user_sessions(caller.user.id, now).await?;
    let (_, cookies) = crate::auth::session::start_session(
        store.as_ref(),
        &caller.state.keys,
        caller.state.cookies,
        caller.user.id,
        second_factor,
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
}

#[cfg(feature = "ssr")]
async fn live_invite(
    state: &crate::state::AppState,
    token: &str,
) -> Result<crate::store::InviteRecord, AppError> {
    let hash = crate::auth::tokens::hash_refresh_token(token.trim());
    match state.store.invite(&hash).await? {
        Some(invite) if !invite.used && invite.expires_at > chrono::Utc::now() => Ok(invite),
        _ => Err(invite_gone()),
    }
}

/// The one answer for an invite that cannot be used (unknown, used, revoked, expired).
#[cfg(feature = "ssr")]
fn invite_gone() -> AppError {
    AppError::Conflict(
        "This invite link has expired or was already used. Ask your lead for a new one.".into(),
    )
}

#[server(prefix = "/api", endpoint = "auth/get_invite")]
pub async fn get_invite(token: String) -> Result<InviteInfo, AppError> {
    let state = crate::state::app_state()?;
    let invite = live_invite(&state, &token).await?;
    Ok(InviteInfo {
        campaign_id: invite.campaign_id,
        campaign_name: invite.campaign_name,
        role: invite.role,
    })
}

/// Where an anonymous invitee goes after [`create_account`]: sign in, then join.
pub fn sign_in_to_join(token: &str) -> String {
    crate::domain::access::local_path(&format!("/login?next=/invite/{}", token.trim()))
}

/// Creates an account from an invite link, for someone who has none. It never signs
/// in and never joins, and it answers the same whether or not the e-mail already has
/// an account (for one that does, nothing is created): in both cases the invitee is
/// sent to sign in, and joins from the invite page once signed in.
#[server(prefix = "/api", endpoint = "auth/create_account")]
pub async fn create_account(
    token: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    use crate::auth::password::check_password_policy;
    use crate::domain::Email;
    use crate::store::{AttemptKind, AuditEvent};

    let state = crate::state::app_state()?;
    let ip = crate::auth::guard::client_ip();
    let invite = live_invite(&state, &token).await?;
    let email = Email::parse(&email)?;
    // The policy depends only on what was typed, so it cannot tell accounts apart.
    check_password_policy(&password, email.as_str())?;
    // A new account is a way in too: counted against the address.
    let attempt =
        crate::auth::throttle::reserve(&state, AttemptKind::CreateAccount, email.as_str(), &ip)
            .await?;
    // Hash in both cases, so the time taken does not tell them apart either.
    let hash = state.hasher.hash(&password).await?;
    let mut event = AuditEvent::anonymous("auth.account_created", email.as_str(), &ip);
    event.campaign_id = Some(invite.campaign_id);
    event.detail = format!("invite={}", invite.id);
    let created = match state.store.user_credentials(&email).await? {
        Some(_) => false,
        None => {
            // The account and its audit row commit together.
            let new = AuditEvent {
                record: "user:{id}".into(),
                ..event.clone()
            };
            match state.store.create_user(&email, &hash, &new).await {
                Ok(_) => true,
                // Created a moment ago by a parallel request: the same as existing.
                Err(crate::store::StoreError::Conflict(_)) => false,
                Err(other) => return Err(other.into()),
            }
        }
    };
    attempt.succeeded(&state).await?;
    if !created {
        event.action = "auth.account_exists".into();
        state.store.audit(&event).await?;
    }
    leptos_axum::redirect(&sign_in_to_join(&token));
    Ok(())
}

/// Joins the invite's campaign as the signed-in user. The invite is spent, the
/// membership and its audit row written, in one transaction; an existing member keeps
/// their role and the invite stays unspent. Answers the campaign's id.
#[server(prefix = "/api", endpoint = "auth/join_invite")]
pub async fn join_invite(token: String) -> Result<i64, AppError> {
    use crate::store::JoinOutcome;

    let caller = crate::auth::require_user().await?;
    let hash = crate::auth::tokens::hash_refresh_token(token.trim());
    let outcome = caller
        .state
        .store
        .join_invite(&hash, caller.user.id, chrono::Utc::now(), &caller.client_ip)
        .await?;
    match outcome {
        JoinOutcome::Joined { campaign_id, .. } => {
            leptos_axum::redirect(&format!("/campaigns/{campaign_id}"));
            Ok(campaign_id)
        }
        JoinOutcome::AlreadyMember { .. } => Err(AppError::Conflict(
            "You are already a member of this campaign. Your role is unchanged and the invite is still unused."
                .into(),
        )),
        JoinOutcome::Unavailable => Err(invite_gone()),
    }
}

//! Sign in, accept an invite, and the account page.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::auth::{
    get_invite, second_step_state, sign_in_to_join, whoami, ChangePassword, CreateAccount,
    JoinInvite, SecondStep, SignIn, SignOutEverywhere,
};
use crate::api::security::{
    security_page, BeginSecondFactor, ConfirmSecondFactor, EndOtherSessions, EndSession,
    FactorState, SecurityData, SessionRow, TurnOffSecondFactor,
};
use crate::components::form::{action_error, Field, FormError, ReturnTo};
use crate::components::gate::Loaded;
use crate::domain::Choice;
use crate::error::AppError;

#[component]
pub fn LoginPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let error = action_error(sign_in);
    let query = use_query_map();
    let next = move || query.get().get("next").unwrap_or_default();
    // Sent here from an invite: the account may be new or old, the page cannot know.
    let from_invite = move || next().starts_with("/invite/");
    view! {
        <h1>"Sign in"</h1>
        <Show when=from_invite>
            <p class="ok" role="status" data-testid="sign-in-to-join">
                "Now sign in to join (if you already had an account, use its password)."
            </p>
        </Show>
        <section class="card">
            <ActionForm action=sign_in attr:class="stack" attr:novalidate=true>
                <ReturnTo />
                <input type="hidden" name="next" value=next />
                <Field id="login-email" name="email" label="E-mail" kind="email" autocomplete="username" error />
                <Field id="login-password" name="password" label="Password" kind="password" autocomplete="current-password" error />
                <FormError fields=&["email", "password"] error />
                <button type="submit" class="primary">"Sign in"</button>
            </ActionForm>
        </section>
        <p class="hint">"rankfile is invite-only. Ask your campaign's lead for an invite link."</p>
    }
}

/// The second step of signing in: the code from the authenticator app, or a recovery
/// code. Reached with the five-minute cookie a right password sets; without it (or
/// after it), the page says to sign in again.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let step = ServerAction::<SecondStep>::new();
    let error = action_error(step);
    let query = use_query_map();
    let next = move || query.get().get("next").unwrap_or_default();
    let live = OnceResource::new(second_step_state());
    view! {
        <h1>"Enter your code"</h1>
        <Loaded data=live loading="" let:live>
            {if live {
                view! {
                    <section class="card">
                        <ActionForm action=step attr:class="stack" attr:novalidate=true>
                            <ReturnTo />
                            <input type="hidden" name="next" value=next />
                            <Field id="login-code" name="code" label="Code from your authenticator app" autocomplete="one-time-code" error />
                            <FormError fields=&["code"] error />
                            <button type="submit" class="primary">"Sign in"</button>
                        </ActionForm>
                    </section>
                    <p class="hint">
                        "Lost your phone? Type one of your recovery codes instead, or ask a lead of your campaign to reset your second factor."
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <p data-testid="second-step-expired">
                        "This sign-in has expired (you have five minutes after your password). "
                        <a href="/login">"Sign in again"</a>
                    </p>
                }
                .into_any()
            }}
        </Loaded>
    }
}

/// An invite link. Signed in: one button joins. Not signed in: sign in to accept, or
/// create an account (which sends the invitee to sign in, then back here).
#[component]
pub fn AcceptInvitePage() -> impl IntoView {
    let token = use_params_map()
        .try_get_untracked()
        .and_then(|params| params.get("token"))
        .unwrap_or_default();
    // The invite, and who opened it (an error reading the session counts as signed out).
    let invite = OnceResource::new({
        let token = token.clone();
        async move { Ok::<_, AppError>((get_invite(token).await?, whoami().await.ok().flatten())) }
    });
    let join = ServerAction::<JoinInvite>::new();
    let create = ServerAction::<CreateAccount>::new();
    let join_error = action_error(join);
    let error = action_error(create);
    view! {
        <Loaded data=invite loading="Checking the invite…" error_heading="Invite" let:invite>
            {invite_view(invite, token.clone(), join, create, join_error, error)}
        </Loaded>
    }
}

/// The invite, as its page offers it to whoever opened the link.
fn invite_view(
    (invite, user): (
        crate::api::auth::InviteInfo,
        Option<crate::domain::CurrentUser>,
    ),
    token: String,
    join: ServerAction<JoinInvite>,
    create: ServerAction<CreateAccount>,
    join_error: Signal<Option<AppError>>,
    error: Signal<Option<AppError>>,
) -> AnyView {
    let sign_in = sign_in_to_join(&token);
    match user {
            Some(user) => view! {
                <h1>"Join " {invite.campaign_name.clone()}</h1>
                <p>"Signed in as " <strong>{user.email}</strong> "."</p>
                <section class="card">
                    <ActionForm action=join attr:class="stack">
                        <ReturnTo />
                        <input type="hidden" name="token" value=token.clone() />
                        <FormError fields=&[] error=join_error />
                        <button type="submit" class="primary">
                            {format!("Join {} as {}", invite.campaign_name, invite.role.as_str())}
                        </button>
                    </ActionForm>
                    <p class="hint">{invite.role.label()}</p>
                </section>
            }
            .into_any(),
            _ => view! {
                <h1>"Join " {invite.campaign_name.clone()}</h1>
                <p>"You are invited as " <strong>{invite.role.label()}</strong> "."</p>
                <p>
                    <a class="button" href=sign_in>
                        "Already have an account? Sign in to accept"
                    </a>
                </p>
                <section class="card" aria-labelledby="create-heading">
                    <h2 id="create-heading">"Create your account"</h2>
                    <ActionForm action=create attr:class="stack" attr:novalidate=true>
                        <ReturnTo />
                        <input type="hidden" name="token" value=token.clone() />
                        <Field id="invite-email" name="email" label="Your e-mail" kind="email" autocomplete="username" error />
                        <Field id="invite-password" name="password" label="Choose a password (12 characters or more)" kind="password" autocomplete="new-password" error />
                        <FormError fields=&["email", "password"] error />
                        <button type="submit" class="primary">"Create your account"</button>
                    </ActionForm>
                    <p class="hint">"Then sign in, and join from this page."</p>
                </section>
            }
            .into_any(),
        }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let me = OnceResource::new(async { whoami().await?.ok_or(AppError::Unauthorized) });
    let security = OnceResource::new(security_page());
    let asked = use_query_map()
        .get_untracked()
        .get("setup")
        .is_some_and(|v| v == "required");
    let change = ServerAction::<ChangePassword>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let error = action_error(change);
    let saved = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <Loaded data=me loading="" let:user>
            {account_heading(user)}
        </Loaded>
        <Loaded data=security loading="" let:page>
            {security_view(page, asked)}
        </Loaded>
        <section class="card" aria-labelledby="pw-heading">
            <h2 id="pw-heading">"Change your password"</h2>
            <ActionForm action=change attr:class="stack" attr:novalidate=true>
                <ReturnTo />
                <Field id="pw-current" name="current" label="Current password" kind="password" autocomplete="current-password" error />
                <Field id="pw-new" name="new_password" label="New password (12 characters or more)" kind="password" autocomplete="new-password" error />
                <FormError fields=&["current", "new_password"] error />
                <p class="ok" role="status">{move || saved().then_some("Password changed. Your other sessions are signed out.")}</p>
                <button type="submit" class="primary">"Change password"</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="everywhere-heading">
            <h2 id="everywhere-heading">"Lost a phone?"</h2>
            <p>"Sign out of rankfile on every device, this one included."</p>
            <ActionForm action=everywhere>
                <ReturnTo />
                <button type="submit">"Sign out everywhere"</button>
            </ActionForm>
        </section>
    }
}

fn account_heading(user: crate::domain::CurrentUser) -> AnyView {
    view! {
        <h1>"Your account"</h1>
        <p>"Signed in as " <strong>{user.email}</strong></p>
    }
    .into_any()
}

/// The second factor and the sessions, as the account page shows them.
fn security_view(page: SecurityData, asked: bool) -> AnyView {
    let must = page.required && !page.session_has_factor;
    let notice = (must || asked).then(|| {
        view! {
            <p class="notice" role="status" data-testid="second-factor-required">
                "You lead a campaign (or organize where it is required): its pages need a second factor. "
                "Set it up below; from then on you sign in with your password and a code from your phone."
            </p>
        }
    });
    view! {
        {notice}
        <section class="card" id="second-factor" aria-labelledby="factor-heading">
            <h2 id="factor-heading">"Second factor"</h2>
            {factor_view(page.factor, page.required)}
        </section>
        {sessions_view(page.sessions)}
    }
    .into_any()
}

fn factor_view(factor: FactorState, required: bool) -> AnyView {
    let begin = ServerAction::<BeginSecondFactor>::new();
    let confirm = ServerAction::<ConfirmSecondFactor>::new();
    let off = ServerAction::<TurnOffSecondFactor>::new();
    let begin_error = action_error(begin);
    let confirm_error = action_error(confirm);
    let off_error = action_error(off);
    match factor {
        FactorState::Off => view! {
            <p data-testid="second-factor-state">"Off. "
                {if required { "Your role needs it." } else { "Anyone who learns your password can sign in as you." }}
            </p>
            <p>"You need an authenticator app on your phone (any that takes a QR code: Aegis, Google Authenticator, 1Password, …)."</p>
            <ActionForm action=begin>
                <ReturnTo />
                <FormError fields=&[] error=begin_error />
                <button type="submit" class="primary">"Set up a second factor"</button>
            </ActionForm>
        }
        .into_any(),
        FactorState::Pending { secret_text, otpauth_url, qr_svg, recovery_codes } => view! {
            <p data-testid="second-factor-state">"Being set up: three steps."</p>
            <h3>"1. Add rankfile to your authenticator app"</h3>
            <p>"Scan this code with the app, or type the key below into it."</p>
            <div class="qr" inner_html=qr_svg></div>
            <p>"Key: " <code data-testid="totp-secret" class="secret">{secret_text}</code></p>
            <p class="hint"><a href=otpauth_url>"Open in an authenticator app on this device"</a></p>
            <h3>"2. Keep your recovery codes"</h3>
            <p>"Each one signs you in once if you lose your phone. Write them down or print them; they are shown only until you finish."</p>
            <ol class="recovery-codes" data-testid="recovery-codes">
                {recovery_codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ol>
            <h3>"3. Enter the code the app shows"</h3>
            <ActionForm action=confirm attr:class="stack" attr:novalidate=true>
                <ReturnTo />
                <Field id="factor-code" name="code" label="6-digit code" autocomplete="one-time-code" error=confirm_error />
                <FormError fields=&["code"] error=confirm_error />
                <button type="submit" class="primary">"Turn on"</button>
            </ActionForm>
            <ActionForm action=begin>
                <ReturnTo />
                <FormError fields=&[] error=begin_error />
                <button type="submit">"Start again with a new key"</button>
            </ActionForm>
        }
        .into_any(),
        FactorState::On { recovery_codes_left } => view! {
            <p data-testid="second-factor-state">
                "On. " {format!("{recovery_codes_left} recovery code{} left.", if recovery_codes_left == 1 { "" } else { "s" })}
            </p>
            {(recovery_codes_left <= 3).then(|| view! {
                <p class="notice">"Few recovery codes left: turn the second factor off and on again for ten new ones."</p>
            })}
            <details class="confirm">
                <summary>"Turn off…"</summary>
                {required.then(|| view! { <p>"Your role needs it: campaign pages close until you set it up again."</p> })}
                <ActionForm action=off attr:class="stack" attr:novalidate=true>
                    <ReturnTo />
                    <Field id="off-code" name="code" label="A code from your app, or a recovery code" autocomplete="one-time-code" error=off_error />
                    <FormError fields=&["code"] error=off_error />
                    <button type="submit" class="danger">"Turn off the second factor"</button>
                </ActionForm>
            </details>
        }
        .into_any(),
    }
}

fn sessions_view(sessions: Vec<SessionRow>) -> AnyView {
    let end = ServerAction::<EndSession>::new();
    let others = ServerAction::<EndOtherSessions>::new();
    let error = Signal::derive(move || {
        end.value()
            .get()
            .and_then(Result::err)
            .or_else(|| others.value().get().and_then(Result::err))
    });
    let any_other = sessions.iter().any(|s| !s.current);
    view! {
        <section class="card" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Where you are signed in"</h2>
            <FormError fields=&[] error />
            <ul class="sessions" data-testid="sessions">
                {sessions.into_iter().map(|s| session_item(s, end)).collect_view()}
            </ul>
            {any_other.then(|| view! {
                <ActionForm action=others>
                    <ReturnTo />
                    <button type="submit">"End all other sessions"</button>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}

fn session_item(s: SessionRow, end: ServerAction<EndSession>) -> impl IntoView {
    let when = |t: chrono::DateTime<chrono::Utc>| t.format("%-d %b %Y, %H:%M UTC").to_string();
    let place = if s.ip_prefix.is_empty() {
        "unknown network".to_owned()
    } else {
        s.ip_prefix.clone()
    };
    let label = format!("End the session on {} from {place}", s.device);
    view! {
        <li data-current=s.current.to_string()>
            <strong>{s.device.clone()}</strong>
            {s.current.then_some(" (this one)")}
            <br />
            {format!("from {place}; signed in {}, last seen {}", when(s.first_seen), when(s.last_seen))}
            {s.second_factor.then_some(" · with second factor")}
            {(!s.current).then(|| view! {
                <ActionForm action=end>
                    <ReturnTo />
                    <input type="hidden" name="session" value=s.id.clone() />
                    <button type="submit" aria-label=label>"End this session"</button>
                </ActionForm>
            })}
        </li>
    }
}

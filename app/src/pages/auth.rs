//! Sign in, accept an invite, and the account page.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::auth::{
    get_invite, sign_in_to_join, whoami, ChangePassword, CreateAccount, JoinInvite, SignIn,
    SignOutEverywhere,
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
    let change = ServerAction::<ChangePassword>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let error = action_error(change);
    let saved = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <Loaded data=me loading="" let:user>
            {account_heading(user)}
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

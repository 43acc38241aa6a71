//! Sign in, accept an invite, and the account page.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::auth::{get_invite, AcceptInvite, ChangePassword, SignIn, SignOutEverywhere};
use crate::components::form::{Field, FormError, ReturnTo};
use crate::components::gate::error_view;

#[component]
pub fn LoginPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || sign_in.value().get().and_then(Result::err));
    let next = move || use_query_map().get().get("next").unwrap_or_default();
    view! {
        <h1>"Sign in"</h1>
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

#[component]
pub fn AcceptInvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let info = Resource::new(token, get_invite);
    let accept = ServerAction::<AcceptInvite>::new();
    let error = Signal::derive(move || accept.value().get().and_then(Result::err));
    view! {
        <Suspense fallback=|| view! { <p>"Checking the invite…"</p> }>
            {move || Suspend::new(async move {
                match info.await {
                    Err(err) => view! {
                        <h1>"Invite"</h1>
                        {error_view(err)}
                    }
                    .into_any(),
                    Ok(invite) => view! {
                        <h1>"Join " {invite.campaign_name.clone()}</h1>
                        <p>"You are invited as " <strong>{invite.role.label()}</strong> "."</p>
                        <section class="card">
                            <ActionForm action=accept attr:class="stack" attr:novalidate=true>
                                <ReturnTo />
                                <input type="hidden" name="token" value=token />
                                <Field id="invite-email" name="email" label="Your e-mail" kind="email" autocomplete="username" error />
                                <Field id="invite-password" name="password" label="Choose a password (12 characters or more)" kind="password" autocomplete="new-password" error />
                                <FormError fields=&["email", "password"] error />
                                <button type="submit" class="primary">"Join the campaign"</button>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| crate::api::auth::whoami());
    let change = ServerAction::<ChangePassword>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let saved = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) => view! {
                        <h1>"Your account"</h1>
                        <p>"Signed in as " <strong>{user.email}</strong></p>
                    }
                    .into_any(),
                    Ok(None) => error_view(crate::error::AppError::Unauthorized),
                    Err(err) => error_view(err),
                }
            })}
        </Suspense>
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

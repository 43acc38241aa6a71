//! The pages of one campaign: its home, its members, and its audit log.

use leptos::prelude::*;

use crate::api::members::{
    audit_log, members_page, CreateInvite, MembersPageData, RemoveMember, ResetSecondFactor,
    RevokeInvite, UpdateMember,
};
use crate::components::form::{action_error, Field, FormError, ReturnTo};
use crate::components::gate::{CampaignLoad, Loaded};
use crate::domain::{Choice, MemberSummary, MyCampaign, Role};
use crate::pages::dashboard::CampaignDashboard;
use crate::pages::layout::{campaign_id, query};

#[component]
pub fn CampaignHome() -> impl IntoView {
    let CampaignLoad(campaign) = expect_context::<CampaignLoad>();
    view! {
        <Loaded data=campaign let:c>
            {home_view(c)}
        </Loaded>
    }
}

/// The campaign's name, the caller's role, a lead's dashboard, and the pages their role
/// opens.
fn home_view(c: MyCampaign) -> AnyView {
    view! {
        <h1>{c.name.clone()}</h1>
        <p>"Your role: " <strong>{c.role.label()}</strong></p>
        {(c.role == Role::Lead).then(|| view! { <CampaignDashboard id=c.id /> })}
        <nav class="stack" aria-label="Campaign">
            {(c.role != Role::Viewer).then(|| view! {
                <a class="button primary" href=format!("/campaigns/{}/my", c.id)>"My list"</a>
                <a class="button" href=format!("/campaigns/{}/chart", c.id)>"Chart"</a>
                <a class="button" href=format!("/campaigns/{}/coworkers", c.id)>"Coworkers"</a>
            })}
            {(c.role == Role::Lead).then(|| view! {
                <a class="button" href=format!("/campaigns/{}/map", c.id)>"Workplace map"</a>
                <a class="button" href=format!("/campaigns/{}/import", c.id)>"Import the employer's list"</a>
                <a class="button" href=format!("/campaigns/{}/coverage", c.id)>"Coverage"</a>
                <a class="button" href=format!("/campaigns/{}/members", c.id)>"Members and invites"</a>
                <a class="button" href=format!("/campaigns/{}/audit", c.id)>"Audit log"</a>
            })}
            <a class="button" href=format!("/campaigns/{}/heat", c.id)>"Heat map"</a>
            <a class="button" href=format!("/campaigns/{}/tests", c.id)>"Structure tests"</a>
            <a class="button" href=format!("/campaigns/{}/votes", c.id)>"Strike vote planning"</a>
        </nav>
    }
    .into_any()
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let id = campaign_id();
    // Without JavaScript the new link comes back from the server once: `?shown=` names
    // the new invite, never its token.
    let shown = query().get("shown").and_then(|v| v.parse::<i64>().ok());
    let data = OnceResource::new(members_page(id, shown));
    view! {
        <h1>"Members"</h1>
        <p><a class="back" href=format!("/campaigns/{id}")>"← Campaign"</a></p>
        <Loaded data loading="Loading members…" let:d>
            {members_view(id, d)}
        </Loaded>
    }
}

fn members_view(id: i64, d: MembersPageData) -> AnyView {
    let invite = ServerAction::<CreateInvite>::new();
    let update = ServerAction::<UpdateMember>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let revoke = ServerAction::<RevokeInvite>::new();
    let reset = ServerAction::<ResetSecondFactor>::new();
    let invite_error = action_error(invite);
    let change_error = Signal::derive(move || {
        update
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
            .or_else(|| reset.value().get().and_then(Result::err))
    });
    let revoke_error = action_error(revoke);
    view! {
        <FormError fields=&[] error=change_error />
        <ul class="member-list" data-testid="member-list">
            {d.members.into_iter().map(|m| view! { <MemberRow member=m campaign_id=id update remove reset /> }).collect_view()}
        </ul>
        <section class="card" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite someone"</h2>
            <ActionForm action=invite attr:class="stack" attr:novalidate=true>
                <ReturnTo />
                <input type="hidden" name="campaign_id" value=id />
                <label for="invite-role">"Role"</label>
                <select id="invite-role" name="role">
                    <option value="organizer">{Role::Organizer.label()}</option>
                    <option value="viewer">{Role::Viewer.label()}</option>
                    <option value="lead">{Role::Lead.label()}</option>
                </select>
                <Field id="invite-areas" name="areas" label="Areas (numbers, comma-separated; organizers only)" error=invite_error />
                <Field id="invite-note" name="note" label="Note (who it is for)" error=invite_error />
                <FormError fields=&["areas", "note"] error=invite_error />
                <button type="submit" class="primary">"Create invite link"</button>
            </ActionForm>
            {d.link.map(|url| view! {
                <p>"Send this link privately. It works once and expires in 72 hours:"</p>
                <output class="invite-link" data-testid="invite-link">{url}</output>
            })}
        </section>
        <section class="card" aria-labelledby="open-invites-heading">
            <h2 id="open-invites-heading">"Open invites"</h2>
            <FormError fields=&[] error=revoke_error />
            {if d.invites.is_empty() {
                view! { <p>"No open invites."</p> }.into_any()
            } else {
                view! {
                    <ul class="invite-list" data-testid="open-invites">
                        {d.invites.into_iter().map(|i| {
                            let label = format!("Revoke the {} invite {}", i.role.as_str(), i.id);
                            view! {
                                <li>
                                    <p>
                                        <strong>{i.role.as_str()}</strong>
                                        {(!i.note.is_empty()).then(|| format!(" — {}", i.note))}
                                        " · made " {i.created_at.format("%Y-%m-%d %H:%M").to_string()}
                                        " · expires " {i.expires_at.format("%Y-%m-%d %H:%M").to_string()} " UTC"
                                    </p>
                                    <ActionForm action=revoke>
                                        <ReturnTo />
                                        <input type="hidden" name="campaign_id" value=id />
                                        <input type="hidden" name="invite_id" value=i.id />
                                        <button type="submit" class="danger" aria-label=label>"Revoke"</button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn MemberRow(
    member: MemberSummary,
    campaign_id: i64,
    update: ServerAction<UpdateMember>,
    remove: ServerAction<RemoveMember>,
    reset: ServerAction<ResetSecondFactor>,
) -> impl IntoView {
    let areas = member
        .area_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let select_id = format!("role-{}", member.user_id);
    let email = member.email.clone();
    let email_again = email.clone();
    let role_label = format!("Role for {email}");
    let remove_label = format!("Remove {email}");
    let reset_label = format!("Reset the second factor of {email}");
    let reset_question = format!(
        "Lost phone? Reset the second factor of {email}: every session of theirs ends now, and they set it up again at their next sign-in."
    );
    let current_role = member.role;
    let areas_id = format!("areas-{}", member.user_id);
    view! {
        <li class="card">
            <p><strong>{email}</strong> " — " {member.role.as_str()}</p>
            <ActionForm action=update attr:class="stack">
                <ReturnTo />
                <input type="hidden" name="campaign_id" value=campaign_id />
                <input type="hidden" name="user_id" value=member.user_id />
                <label for=select_id.clone()>{role_label}</label>
                <select id=select_id name="role">
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=r == current_role>{r.as_str()}</option>
                    }).collect_view()}
                </select>
                <label for=areas_id.clone()>"Areas"</label>
                <input id=areas_id name="areas" type="text" value=areas />
                <button type="submit">"Save"</button>
            </ActionForm>
            // Two steps, without JavaScript too: the first opens the question.
            <details class="confirm">
                <summary>"Remove…"</summary>
                <p>{format!("Remove {email_again} from the campaign? They lose access at once; what they logged stays.")}</p>
                <ActionForm action=remove>
                    <ReturnTo />
                    <input type="hidden" name="campaign_id" value=campaign_id />
                    <input type="hidden" name="user_id" value=member.user_id />
                    <button type="submit" class="danger" aria-label=remove_label>"Yes, remove"</button>
                </ActionForm>
            </details>
            <details class="confirm">
                <summary>"Reset second factor…"</summary>
                <p>{reset_question}</p>
                <ActionForm action=reset>
                    <ReturnTo />
                    <input type="hidden" name="campaign_id" value=campaign_id />
                    <input type="hidden" name="user_id" value=member.user_id />
                    <button type="submit" class="danger" aria-label=reset_label>"Yes, reset"</button>
                </ActionForm>
            </details>
        </li>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let id = campaign_id();
    let filter = {
        let q = query();
        let get = |k: &str| q.get(k).unwrap_or_default();
        (get("before"), get("action"), get("actor"))
    };
    let (before, action, actor) = filter.clone();
    let page = OnceResource::new(audit_log(id, before, action, actor));
    view! {
        <h1>"Audit log"</h1>
        <p><a class="back" href=format!("/campaigns/{id}")>"← Campaign"</a></p>
        <Loaded data=page let:page>
            {audit_view(id, filter.clone(), page)}
        </Loaded>
    }
}

/// The filter (a GET form: works before WebAssembly loads), one page of entries, and a
/// link to the older ones that keeps the filter.
fn audit_view(
    campaign_id: i64,
    (_, action, actor): (String, String, String),
    page: crate::api::members::AuditPage,
) -> AnyView {
    let older = page.older.map(|before| {
        let mut href = format!("/campaigns/{campaign_id}/audit?before={before}");
        if !action.is_empty() {
            href.push_str(&format!("&action={action}"));
        }
        if !actor.is_empty() {
            href.push_str(&format!("&actor={actor}"));
        }
        view! { <p><a href=href data-testid="audit-older">"Older entries →"</a></p> }
    });
    let empty = page.entries.is_empty();
    view! {
        <form method="get" class="card chart-filter" aria-label="Filter the audit log">
            <div>
            <label for="audit-action">"What"</label>
            <select id="audit-action" name="action">
                <option value="" selected=action.is_empty()>"Everything"</option>
                {page.actions.into_iter().map(|a| {
                    let selected = a == action;
                    view! { <option value=a.clone() selected=selected>{a.clone()}</option> }
                }).collect_view()}
            </select>
            </div>
            <div>
            <label for="audit-actor">"Who"</label>
            <select id="audit-actor" name="actor">
                <option value="" selected=actor.is_empty()>"Anyone"</option>
                {page.members.into_iter().map(|(user_id, email)| {
                    let selected = user_id.to_string() == actor;
                    view! { <option value=user_id selected=selected>{email}</option> }
                }).collect_view()}
            </select>
            </div>
            <button type="submit">"Show"</button>
        </form>
        {empty.then(|| view! { <p>"No entries match."</p> })}
        <div class="table-wrap" tabindex="0" role="region" aria-label="Audit entries">
            <table class="audit-table" data-testid="audit-log">
                <thead><tr><th>"When (UTC)"</th><th>"Who"</th><th>"What"</th><th>"Record"</th><th>"Detail"</th></tr></thead>
                <tbody>
                    {page.entries.into_iter().map(|e| view! {
                        <tr>
                            <td>{e.at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                            <td>{e.actor.unwrap_or_else(|| "—".into())}</td>
                            <td>{e.action}</td>
                            <td>{e.record}</td>
                            <td>{e.detail}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {older}
    }
    .into_any()
}

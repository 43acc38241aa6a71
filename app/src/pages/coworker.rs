//! One coworker: their record (edit, archive), their history and their ties, loaded
//! by one server function ([`coworker_page`]).

use leptos::prelude::*;

use crate::api::coworkers::{
    coworker_page, AddTie, ArchiveCoworker, CoworkerPageData, RemoveTie, UpdateCoworker,
};
use crate::api::organizing::SetRating;
use crate::components::chip::rating_meanings;
use crate::components::chip::{rating_class, rating_words};
use crate::components::form::{action_error, Field, FieldError, FormError, ReturnTo};
use crate::components::gate::Loaded;
use crate::domain::organizing::Source;
use crate::domain::{Choice, EmploymentStatus, TieKind};
use crate::pages::layout::{campaign_id, query, route_id};

/// The `:cid` of a `/campaigns/:id/coworkers/:cid/...` route (0 when malformed: the
/// server answers NotFound).
pub(crate) fn coworker_id() -> i64 {
    route_id("cid")
}

#[component]
pub fn CoworkerPage() -> impl IntoView {
    let campaign = campaign_id();
    let id = coworker_id();
    // A plain form post comes back here; `?saved` says the details were saved.
    let saved = query().get("saved").is_some();
    let data = OnceResource::new(coworker_page(campaign, id));
    view! {
        <p><a class="back" href=format!("/campaigns/{campaign}/chart")>"← Chart"</a></p>
        <Loaded data let:d>
            {coworker_view(campaign, d, saved)}
        </Loaded>
    }
}

fn coworker_view(cid: i64, d: CoworkerPageData, saved: bool) -> AnyView {
    // Each form posts without JavaScript; an error comes back in the address, and
    // `ServerAction::value` reads it on the server.
    let update = ServerAction::<UpdateCoworker>::new();
    let archive = ServerAction::<ArchiveCoworker>::new();
    let add_tie = ServerAction::<AddTie>::new();
    let remove_tie = ServerAction::<RemoveTie>::new();
    let rate = ServerAction::<SetRating>::new();
    let rate_error = action_error(rate);
    let update_error = action_error(update);
    let tie_error = action_error(add_tie);
    let saved = saved.then_some("Saved.");
    let c = d.coworker.clone();
    let f = c.fields.clone();
    let is_lead = d.organizers.is_some();
    view! {
        <h1>
            {f.name.clone()}
            " "
            <span class=format!("chip {}", rating_class(c.rating)) data-testid="coworker-rating">
                {rating_words(c.rating)}
            </span>
        </h1>
        {c.archived.then(|| view! { <p class="notice" role="status">"Archived: off the chart, history kept."</p> })}
        <p class="hint">
            {f.job_title.clone()}
            {f.organic_leader.then_some(" · ★ organic leader")}
            {f.committee_member.then_some(" · ◆ committee member")}
        </p>

        <p class="actions">
            <a class="button primary" href=format!("/campaigns/{cid}/coworkers/{}/log", c.id)>"Log a one-on-one"</a>
        </p>

        <ActionForm action=rate attr:class="card stack" attr:novalidate=true attr:data-testid="rate-form">
            <h2>"Rate without a conversation"</h2>
            <ReturnTo />
            <input type="hidden" name="campaign_id" value=cid />
            <input type="hidden" name="coworker_id" value=c.id />
            <input type="hidden" name="client_id" value=d.rate_client_id.clone() />
            <fieldset class="choices">
                <legend>"Rating"</legend>
                {rating_meanings()[..5].iter().map(|(k, m)| view! {
                    <label class=format!("choice chip r{k}")>
                        <input type="radio" name="rating" value=*k />
                        {format!(" {k} · {m}")}
                    </label>
                }).collect_view()}
            </fieldset>
            <FieldError id="rate-rating" field="rating" error=rate_error />
            <label for="rate-source">"From"</label>
            <select id="rate-source" name="source">
                {[Source::Observation, Source::StructureTest].into_iter().map(|s| view! {
                    <option value=s.key()>{s.label()}</option>
                }).collect_view()}
            </select>
            <label for="rate-note">"Note"</label>
            <input id="rate-note" name="note" type="text" />
            <FormError fields=&["rating"] error=rate_error />
            <button type="submit">"Save rating"</button>
        </ActionForm>

        <section class="card" aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            {d.history.commitments.iter().filter(|m| m.status == crate::domain::organizing::CommitmentStatus::Open).map(|m| view! {
                <p class="notice">{format!("Said yes to: {} (due {})", m.what, m.due_on)}</p>
            }).collect_view()}
            <h3>"Ratings"</h3>
            {if d.history.ratings.is_empty() {
                view! { <p class="empty">"Not yet rated."</p> }.into_any()
            } else {
                view! {
                    <ol class="plain-list" data-testid="rating-timeline">
                        {d.history.ratings.iter().map(|r| view! {
                            <li>
                                <span class=format!("chip {}", rating_class(Some(r.rating)))>{rating_words(Some(r.rating))}</span>
                                <span class="hint">{format!(" {} · {} · {}", r.at.format("%Y-%m-%d"), r.source.label(), r.organizer)}</span>
                                {(!r.note.is_empty()).then(|| view! { <span>" — " {r.note.clone()}</span> })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <h3>"One-on-ones"</h3>
            {if d.history.conversations.is_empty() {
                view! { <p class="empty">"Nobody has talked to them yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="plain-list" data-testid="conversations">
                        {d.history.conversations.iter().map(|v| view! {
                            <li class="stack">
                                <span class="hint">{format!("{} · {} · {}", v.at.format("%Y-%m-%d %H:%M"), v.channel.label(), v.organizer)}</span>
                                {(!v.issues.is_empty()).then(|| view! { <span>"Issues: " {v.issues.join(", ")}</span> })}
                                {(!v.ask.is_empty()).then(|| view! {
                                    <span>"Asked: " {v.ask.clone()} " → " {v.answer.map(|a| a.label()).unwrap_or("no answer")}</span>
                                })}
                                {(!v.notes.is_empty()).then(|| view! { <span>{v.notes.clone()}</span> })}
                                {(!v.next_step.is_empty()).then(|| view! { <span>"Next: " {v.next_step.clone()}</span> })}
                                {v.follow_up_on.map(|d| view! {
                                    <span data-testid="follow-up">{format!(
                                        "Follow up on {}{}",
                                        d.format("%a %-d %b %Y"),
                                        if v.follow_up_done { " (done)" } else { "" }
                                    )}</span>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {(!d.tests.is_empty()).then(|| view! {
                <h3>"Structure tests"</h3>
                <ol class="plain-list" data-testid="coworker-tests">
                    {d.tests.iter().map(|t| view! {
                        <li>
                            <a href=format!("/campaigns/{cid}/tests/{}", t.test_id)>{t.title.clone()}</a>
                            {format!(" — {} (rated {} when it opened)",
                                crate::domain::structure::tally::mark_words(t.response),
                                rating_words(t.rating_then))}
                        </li>
                    }).collect_view()}
                </ol>
            })}
        </section>

        <ActionForm action=update attr:class="card stack" attr:novalidate=true attr:data-testid="coworker-edit">
            <h2>"Details"</h2>
            <ReturnTo />
            <input type="hidden" name="campaign_id" value=cid />
            <input type="hidden" name="coworker_id" value=c.id />
            <Field id="cw-name" name="name" label="Name" value=f.name.clone() error=update_error />
            <label for="cw-area">"Area"</label>
            <select id="cw-area" name="area_id" aria-describedby="cw-area-error">
                <option value="">"— none —"</option>
                {d.areas.iter().filter(|a| !a.retired || Some(a.id) == f.area_id).map(|a| view! {
                    <option value=a.id selected=Some(a.id) == f.area_id>{a.name.clone()}</option>
                }).collect_view()}
            </select>
            <FieldError id="cw-area" field="area_id" error=update_error />
            <label for="cw-shift">"Shift"</label>
            <select id="cw-shift" name="shift_id">
                <option value="">"— none —"</option>
                {d.shifts.iter().map(|s| view! {
                    <option value=s.id selected=Some(s.id) == f.shift_id>{s.name.clone()}</option>
                }).collect_view()}
            </select>
            <Field id="cw-job" name="job_title" label="Job title" value=f.job_title.clone() error=update_error />
            <Field id="cw-phone" name="phone" label="Personal phone" kind="tel" value=f.phone.clone() error=update_error />
            <Field id="cw-email" name="email" label="Personal e-mail" kind="email" value=f.email.clone() error=update_error />
            <Field id="cw-language" name="language" label="Preferred language" value=f.language.clone() error=update_error />
            <Field id="cw-tags" name="tags" label="Tags (social groups, comma-separated)" value=f.tags.join(", ") error=update_error />
            <Field id="cw-ref" name="employee_ref" label="Employee ID" value=f.employee_ref.clone() error=update_error />
            <label class="check">
                <input type="checkbox" name="organic_leader" checked=f.organic_leader />
                " Organic leader (others listen to them)"
            </label>
            <label class="check">
                <input type="checkbox" name="committee_member" checked=f.committee_member />
                " Organizing committee member"
            </label>
            <label for="cw-status">"Employment status"</label>
            <select id="cw-status" name="employment_status">
                {EmploymentStatus::ALL.into_iter().map(|s| view! {
                    <option value=s.key() selected=s == f.employment_status>{s.label()}</option>
                }).collect_view()}
            </select>
            {match d.organizers.clone() {
                Some(organizers) => view! {
                    <label for="cw-organizer">"Assigned organizer"</label>
                    <select id="cw-organizer" name="assigned_organizer">
                        <option value="">"— nobody —"</option>
                        {organizers.into_iter().map(|m| view! {
                            <option value=m.user_id selected=Some(m.user_id) == f.assigned_organizer>{m.email}</option>
                        }).collect_view()}
                    </select>
                }.into_any(),
                None => ().into_any(),
            }}
            <label for="cw-notes">"Notes"</label>
            <textarea id="cw-notes" name="notes" rows="4" aria-describedby="cw-notes-error">{crate::components::form::text_area(&f.notes)}</textarea>
            <FieldError id="cw-notes" field="notes" error=update_error />
            <FormError fields=&["name", "area_id", "job_title", "phone", "email", "language", "tags", "employee_ref", "notes"] error=update_error />
            <p class="ok" role="status" data-testid="coworker-saved">{saved}</p>
            <button type="submit" class="primary">"Save"</button>
        </ActionForm>

        <section class="card stack" aria-labelledby="ties-heading">
            <h2 id="ties-heading">"Ties"</h2>
            {if d.ties.is_empty() {
                view! { <p class="empty">"No ties recorded yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list" data-testid="tie-list">
                        {d.ties.clone().into_iter().map(|t| view! {
                            <li class="row">
                                <span>
                                    {t.kind.phrase(t.outgoing)} " "
                                    <a href=format!("/campaigns/{cid}/coworkers/{}", t.other_id)>{t.other_name.clone()}</a>
                                    <span class="hint">" (" {rating_words(t.other_rating)} ")"</span>
                                </span>
                                <ActionForm action=remove_tie>
                                    <ReturnTo />
                                    <input type="hidden" name="campaign_id" value=cid />
                                    <input type="hidden" name="tie_id" value=t.id />
                                    <button type="submit" class="link" aria-label=format!("Remove the tie to {}", t.other_name)>"Remove"</button>
                                </ActionForm>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ActionForm action=add_tie attr:class="stack" attr:novalidate=true>
                <ReturnTo />
                <input type="hidden" name="campaign_id" value=cid />
                <input type="hidden" name="coworker_id" value=c.id />
                <label for="tie-kind">"This coworker…"</label>
                <select id="tie-kind" name="kind">
                    {TieKind::ALL.into_iter().map(|k| view! { <option value=k.key()>{k.phrase(true)}</option> }).collect_view()}
                </select>
                <label for="tie-other">"…whom (a name from the list, or #number)"</label>
                <input id="tie-other" name="other" type="text" list="tie-suggestions" autocomplete="off" aria-describedby="tie-other-error" />
                <datalist id="tie-suggestions">
                    {d.nearby.iter().map(|n| view! { <option value=format!("{} #{}", n.name, n.id)></option> }).collect_view()}
                </datalist>
                <FieldError id="tie-other" field="other" error=tie_error />
                <FormError fields=&["other"] error=tie_error />
                <button type="submit">"Add tie"</button>
            </ActionForm>
        </section>

        {is_lead.then(|| view! {
            <ActionForm action=archive attr:class="card stack">
                <ReturnTo />
                <input type="hidden" name="campaign_id" value=cid />
                <input type="hidden" name="coworker_id" value=c.id />
                {if c.archived {
                    view! {
                        <input type="hidden" name="restore" value="on" />
                        <button type="submit">"Bring back onto the chart"</button>
                    }.into_any()
                } else {
                    view! {
                        <p class="hint">"Archiving takes them off the chart; nothing is deleted."</p>
                        <button type="submit" class="danger">"Archive"</button>
                    }.into_any()
                }}
            </ActionForm>
        })}
    }
    .into_any()
}

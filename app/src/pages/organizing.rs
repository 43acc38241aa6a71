//! The organizer's loop on a phone: My list, logging a one-on-one, and (for leads)
//! coverage. Every form posts without JavaScript too.

use leptos::prelude::*;

use crate::api::organizing::{
    coverage_page, get_log_form, get_my_list, CoveragePageData, FollowUpDone, LogConversation,
    LogFormPage, ResolveCommitment, UpdateSettings,
};
use crate::components::chip::{coworker_link, rating_words};
use crate::components::form::{action_error, Field, FormError, ReturnTo};
use crate::components::gate::Loaded;
use crate::components::log_form::LogConversationForm;
use crate::domain::organizing::{MyList, Person};
use crate::error::AppError;
use crate::pages::layout::{campaign_id, query};

fn log_link(campaign: i64, id: i64, name: &str) -> impl IntoView {
    view! {
        <a class="button primary log" href=format!("/campaigns/{campaign}/coworkers/{id}/log")
            aria-label=format!("Log a one-on-one with {name}")>"Log"</a>
    }
}

fn people(campaign: i64, list: Vec<Person>, testid: &'static str) -> impl IntoView {
    view! {
        <ul class="plain-list" data-testid=testid>
            {list.into_iter().map(|p| view! {
                <li class="row">
                    {coworker_link(campaign, p.id, &p.name, p.rating)}
                    {log_link(campaign, p.id, &p.name)}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// The organizer's home page: what to do today, each one tap from logging.
#[component]
pub fn MyListPage() -> impl IntoView {
    let id = campaign_id();
    let q = query();
    let logged = q.get("logged").map(|_| "Saved the one-on-one.");
    let search = q.get("q").unwrap_or_default();
    let list = OnceResource::new(get_my_list(id, search.clone()));
    view! {
        <h1>"My list"</h1>
        <p><a class="back" href=format!("/campaigns/{id}")>"← Campaign"</a></p>
        <p class="ok" role="status" data-testid="logged">{logged}</p>
        <form method="get" class="card row search" role="search" aria-label="Find a coworker">
            <label for="my-q" class="visually-hidden">"Find a coworker by name"</label>
            <input id="my-q" name="q" type="search" value=search placeholder="Find a coworker by name" autocomplete="off" maxlength="100" />
            <button type="submit">"Find"</button>
        </form>
        <Loaded data=list loading="Loading your list…" let:l>
            {my_list_view(id, l)}
        </Loaded>
    }
}

fn my_list_view(campaign: i64, l: MyList) -> AnyView {
    let done = ServerAction::<FollowUpDone>::new();
    let resolve = ServerAction::<ResolveCommitment>::new();
    let empty = l.follow_ups.is_empty()
        && l.commitments.is_empty()
        && l.never_talked.is_empty()
        && l.unreached.is_empty()
        && l.stale.is_empty();
    let searched = !l.search.is_empty();
    view! {
        {searched.then(|| view! {
            <section aria-labelledby="found-heading">
                <h2 id="found-heading">{format!("Named like “{}” ({})", l.search, l.found.len())}</h2>
                {if l.found.is_empty() {
                    view! { <p class="empty">"Nobody you organize has a name like that."</p> }.into_any()
                } else {
                    people(campaign, l.found, "found").into_any()
                }}
            </section>
        })}
        {(empty && !searched).then(|| view! { <p class="empty">"Nothing due, and you have talked to everyone you organize."</p> })}
        {(!l.follow_ups.is_empty()).then(|| view! {
            <section aria-labelledby="followups-heading">
                <h2 id="followups-heading">{format!("Follow-ups due ({})", l.follow_ups.len())}</h2>
                <ul class="plain-list" data-testid="follow-ups">
                    {l.follow_ups.into_iter().map(|f| {
                        let overdue = f.due < l.today;
                        view! {
                            <li class="stack">
                                <div class="row">
                                    <a href=format!("/campaigns/{campaign}/coworkers/{}", f.coworker_id)><strong>{f.coworker_name.clone()}</strong></a>
                                    {log_link(campaign, f.coworker_id, &f.coworker_name)}
                                </div>
                                <span class=if overdue { "overdue" } else { "hint" }>
                                    {if overdue { format!("Overdue since {}", f.due) } else { "Due today".to_owned() }}
                                    {(!f.next_step.is_empty()).then(|| format!(" · {}", f.next_step))}
                                </span>
                                <ActionForm action=done>
                                    <ReturnTo />
                                    <input type="hidden" name="campaign_id" value=campaign />
                                    <input type="hidden" name="conversation_id" value=f.conversation_id />
                                    <button type="submit" class="link">"Done"</button>
                                </ActionForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!l.commitments.is_empty()).then(|| view! {
            <section aria-labelledby="commitments-heading">
                <h2 id="commitments-heading">{format!("Commitments to check ({})", l.commitments.len())}</h2>
                <ul class="plain-list" data-testid="commitments">
                    {l.commitments.into_iter().map(|c| view! {
                        <li class="stack">
                            <div class="row">
                                <span><a href=format!("/campaigns/{campaign}/coworkers/{}", c.coworker_id)><strong>{c.coworker_name.clone()}</strong></a>" said yes to: " {c.what.clone()}</span>
                            </div>
                            <span class="hint">{format!("Due {}", c.due_on)}</span>
                            <div class="row">
                                {["kept", "broken"].into_iter().map(|status| view! {
                                    <ActionForm action=resolve>
                                        <ReturnTo />
                                        <input type="hidden" name="campaign_id" value=campaign />
                                        <input type="hidden" name="commitment_id" value=c.id />
                                        <input type="hidden" name="status" value=status />
                                        <button type="submit">{if status == "kept" { "Kept" } else { "Broken" }}</button>
                                    </ActionForm>
                                }).collect_view()}
                            </div>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!l.never_talked.is_empty()).then(|| view! {
            <section aria-labelledby="never-heading">
                <h2 id="never-heading">{format!("Never talked to, assigned to you ({})", l.never_talked.len())}</h2>
                {people(campaign, l.never_talked, "never-talked")}
            </section>
        })}
        {(!l.unreached.is_empty()).then(|| {
            let more = l.unreached_total - l.unreached.len() as i64;
            view! {
                <section aria-labelledby="unreached-heading">
                    <h2 id="unreached-heading">{format!("Never talked to, also in your areas ({})", l.unreached_total)}</h2>
                    {people(campaign, l.unreached, "unreached")}
                    {(more > 0).then(|| view! { <p class="hint">{format!("And {more} more: find them by name above.")}</p> })}
                </section>
            }
        })}
        {(!l.stale.is_empty()).then(|| view! {
            <section aria-labelledby="stale-heading">
                <h2 id="stale-heading">{format!("Rated more than {} days ago ({})", l.stale_days, l.stale.len())}</h2>
                {people(campaign, l.stale, "stale")}
            </section>
        })}
    }
    .into_any()
}

/// Logging a one-on-one: the defaults fit the common case (in person, now, rating
/// unchanged), so a phone on a break needs only a few taps besides the notes. The form
/// is HTML ([`LogConversationForm`]); only its Save button is an island.
#[component]
pub fn LogPage() -> impl IntoView {
    let campaign = campaign_id();
    let coworker = crate::pages::coworker::coworker_id();
    // Read here, on the server, and handed to the island: the error of a post without
    // JavaScript that came back to this page, the form as it was posted then, and the
    // path such a post returns to.
    let returned = ServerAction::<LogConversation>::new()
        .value()
        .get_untracked()
        .and_then(Result::err);
    let typed = crate::components::form::posted::<LogConversation>()
        .filter(|p| p.campaign_id == campaign && p.coworker_id == coworker);
    let return_path = crate::components::form::current_return_path();
    let form = OnceResource::new(get_log_form(campaign, coworker));
    view! {
        <Loaded data=form let:f>
            {log_view(campaign, f, returned.clone(), typed.clone(), return_path.clone())}
        </Loaded>
    }
}

fn log_view(
    campaign: i64,
    f: LogFormPage,
    returned: Option<AppError>,
    typed: Option<LogConversation>,
    return_path: String,
) -> AnyView {
    let c = f.coworker;
    let (typed, typed_issues) = match typed {
        Some(p) => (Some(p.form), p.issues),
        None => (None, Vec::new()),
    };
    view! {
        <p><a class="back" href=format!("/campaigns/{campaign}/my")>"← My list"</a></p>
        <h1>"One-on-one with " {c.fields.name.clone()}</h1>
        <p class="hint">"Now rated: " {rating_words(c.rating)}</p>
        <LogConversationForm
            campaign_id=campaign
            coworker_id=c.id
            client_id=f.client_id
            issue_tags=f.issue_tags
            today=f.today
            return_path
            initial_error=returned
            typed
            typed_issues
        />
    }
    .into_any()
}

/// Coverage for leads: who organizes whom, where the committee is, who nobody talks
/// to; and the loop's settings.
#[component]
pub fn CoveragePage() -> impl IntoView {
    let id = campaign_id();
    let days = query().get("days").unwrap_or_default();
    let data = OnceResource::new(coverage_page(id, days));
    view! {
        <h1>"Coverage"</h1>
        <p><a class="back" href=format!("/campaigns/{id}")>"← Campaign"</a></p>
        <Loaded data let:d>
            {coverage_view(id, d)}
        </Loaded>
    }
}

fn coverage_view(campaign: i64, d: CoveragePageData) -> AnyView {
    let CoveragePageData {
        coverage: c,
        settings: s,
    } = d;
    let update = ServerAction::<UpdateSettings>::new();
    let settings_error = action_error(update);
    let gaps: Vec<String> = c
        .gaps()
        .map(|g| format!("{} · {}", g.area, g.shift))
        .collect();
    view! {
        <section class="card" aria-labelledby="load-heading">
            <h2 id="load-heading">"Organizers (guideline: 1 for every 10)"</h2>
            <ul class="plain-list" data-testid="organizer-load">
                {c.organizers.iter().map(|o| view! {
                    <li class="row">
                        <span>{o.email.clone()}</span>
                        <strong class=if o.over_guideline() { "overdue" } else { "" }>
                            {format!("{} coworkers{}", o.assigned, if o.over_guideline() { " — over 10" } else { "" })}
                        </strong>
                    </li>
                }).collect_view()}
                <li class="row"><span>"Assigned to nobody"</span><strong>{c.unassigned}</strong></li>
            </ul>
        </section>
        <section class="card" aria-labelledby="committee-heading">
            <h2 id="committee-heading">"Committee members by area and shift"</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="committee-heading">
                <table data-testid="committee-cells">
                    <thead><tr><th scope="col">"Area"</th><th scope="col">"Shift"</th><th scope="col">"Coworkers"</th><th scope="col">"Committee"</th></tr></thead>
                    <tbody>
                        {c.cells.iter().map(|cell| view! {
                            <tr class=if cell.committee == 0 { "gap" } else { "" }>
                                <td>{cell.area.clone()}</td><td>{cell.shift.clone()}</td>
                                <td>{cell.coworkers}</td><td>{cell.committee}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p data-testid="gaps">
                {if gaps.is_empty() { "Every area and shift has a committee member.".to_owned() } else { format!("No committee member: {}.", gaps.join("; ")) }}
            </p>
        </section>
        <section class="card" aria-labelledby="contact-heading">
            <h2 id="contact-heading">{format!("Not talked to in {} days ({})", c.days, c.not_contacted_count)}</h2>
            <form method="get" class="row">
                <label for="coverage-days">"Days"</label>
                <input id="coverage-days" name="days" type="number" min="1" max="3650" inputmode="numeric" value=c.days />
                <button type="submit">"Show"</button>
            </form>
            <ul class="chips" data-testid="not-contacted">
                {c.not_contacted.into_iter().map(|p| view! { <li>{coworker_link(campaign, p.id, &p.name, p.rating)}</li> }).collect_view()}
            </ul>
        </section>
        <ActionForm action=update attr:class="card stack" attr:novalidate=true attr:data-testid="settings-form">
            <h2>"Loop settings"</h2>
            <ReturnTo />
            <input type="hidden" name="campaign_id" value=campaign />
            <Field id="stale-days" name="stale_days" label="A rating is stale after (days)" kind="number" value=s.stale_days.to_string() error=settings_error />
            <Field id="issue-tags" name="issue_tags" label="Issues one-on-ones are tagged with (comma-separated)" value=s.issue_tags.join(", ") error=settings_error />
            <Field id="min-group" name="min_group_size" label="Viewers see no counts for groups smaller than (people)" kind="number" value=s.min_group_size.to_string() error=settings_error />
            <Field id="support-target" name="support_target" label="Support target before acting (percent rated 1–2)" kind="number" value=s.support_target.to_string() error=settings_error />
            <label class="check" for="factor-organizers">
                <input id="factor-organizers" name="second_factor_for_organizers" type="checkbox" value="on" checked=s.second_factor_for_organizers />
                "Organizers need a second factor too (leads always do)"
            </label>
            <FormError fields=&["stale_days", "issue_tags", "min_group_size", "support_target"] error=settings_error />
            <button type="submit">"Save settings"</button>
        </ActionForm>
    }
    .into_any()
}

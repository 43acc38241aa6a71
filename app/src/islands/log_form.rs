//! Logging a one-on-one, the form an organizer fills in on a break. As an island it
//! checks the form with the server's own rules before sending (a mistake is shown at
//! once, beside its field, with nothing sent), sends it without a page load, and keeps
//! what was typed when the network fails. Without WebAssembly it is the same form,
//! posted by the browser.

use leptos::prelude::*;

use crate::api::organizing::LogConversation;
use crate::components::chip::rating_meanings;
use crate::components::form::{FieldError, FormError, ReturnTo};
use crate::domain::organizing::{parse_log, Answer, Channel};
use crate::domain::Choice;
use crate::error::AppError;

/// The log form. Props are what the page already shows, and no more: the person's
/// record stays on the server.
#[island]
pub fn LogConversationForm(
    campaign_id: i64,
    coworker_id: i64,
    /// Made on the server for this page: sending the form twice stores it once.
    client_id: String,
    /// The campaign's issues, to tick.
    issue_tags: Vec<String>,
    /// The earliest follow-up date the picker offers (`YYYY-MM-DD`).
    today: String,
    /// The page to come back to after a post without JavaScript.
    return_path: String,
    /// The error of a post without JavaScript that came back to this page.
    initial_error: Option<AppError>,
) -> impl IntoView {
    let log = ServerAction::<LogConversation>::new();
    // A mistake found here, before sending; cleared when the form is sent.
    let checked = RwSignal::new(initial_error);
    let error = Signal::derive(move || {
        checked
            .get()
            .or_else(|| log.value().get().and_then(Result::err))
    });
    let pending = log.pending();
    Effect::new(move |_| {
        if let Some(Ok(_)) = log.value().get() {
            let _ = window()
                .location()
                .set_href(&format!("/campaigns/{campaign_id}/my?logged={coworker_id}"));
        }
    });
    let tags = issue_tags.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        use leptos::form::FromFormData;
        // A form this code cannot read is left to the browser to post.
        let Ok(args) = LogConversation::from_event(&ev) else {
            return;
        };
        ev.prevent_default();
        let at = chrono::DateTime::UNIX_EPOCH;
        match parse_log(coworker_id, &args.form, &args.issues, at, &tags) {
            Err(err) => checked.set(Some(err.into())),
            Ok(_) => {
                checked.set(None);
                log.dispatch(args);
            }
        }
    };
    let url = <LogConversation as leptos::server_fn::ServerFn>::url();
    let form = NodeRef::<leptos::html::Form>::new();
    super::mark_hydrated(form);
    view! {
        <form
            node_ref=form
            method="post"
            action=url
            class="card stack"
            novalidate=true
            data-testid="log-form"
            on:submit=on_submit
        >
            <ReturnTo path=return_path />
            <input type="hidden" name="campaign_id" value=campaign_id />
            <input type="hidden" name="coworker_id" value=coworker_id />
            <input type="hidden" name="client_id" value=client_id />
            <fieldset class="choices">
                <legend>"Rating after"</legend>
                <label class="choice"><input type="radio" name="rating_after" value="" checked=true />" Leave unchanged"</label>
                {rating_meanings()[..5].iter().map(|(k, m)| view! {
                    <label class=format!("choice chip r{k}")>
                        <input type="radio" name="rating_after" value=*k />
                        {format!(" {k} · {m}")}
                    </label>
                }).collect_view()}
            </fieldset>
            <FieldError id="log-rating" field="rating_after" error />
            <fieldset class="choices">
                <legend>"How"</legend>
                {Channel::ALL.into_iter().map(|ch| view! {
                    <label class="choice"><input type="radio" name="channel" value=ch.key() checked=ch == Channel::InPerson />{format!(" {}", ch.label())}</label>
                }).collect_view()}
            </fieldset>
            <fieldset class="choices">
                <legend>"Issues raised"</legend>
                {issue_tags.iter().enumerate().map(|(i, tag)| view! {
                    <label class="choice"><input type="checkbox" name=format!("issues[{i}]") value=tag.clone() />{format!(" {tag}")}</label>
                }).collect_view()}
            </fieldset>
            <FieldError id="log-issues" field="issues" error />
            <label for="log-ask">"The ask (what you asked them to do)"</label>
            <input id="log-ask" name="ask" type="text" aria-describedby="log-ask-error" />
            <FieldError id="log-ask" field="ask" error />
            <fieldset class="choices">
                <legend>"Their answer"</legend>
                <label class="choice"><input type="radio" name="answer" value="" checked=true />" No ask"</label>
                {Answer::ALL.into_iter().map(|a| view! {
                    <label class="choice"><input type="radio" name="answer" value=a.key() />{format!(" {}", a.label())}</label>
                }).collect_view()}
            </fieldset>
            <label for="log-next">"Next step"</label>
            <input id="log-next" name="next_step" type="text" aria-describedby="log-next-error" />
            <FieldError id="log-next" field="next_step" error />
            <label for="log-follow">"Follow up on"</label>
            <input id="log-follow" name="follow_up_on" type="date" min=today aria-describedby="log-follow-error" />
            <FieldError id="log-follow" field="follow_up_on" error />
            <label for="log-notes">"Notes"</label>
            <textarea id="log-notes" name="notes" rows="4" aria-describedby="log-notes-error"></textarea>
            <FieldError id="log-notes" field="notes" error />
            <FormError fields=&["rating_after", "issues", "ask", "next_step", "follow_up_on", "notes"] error />
            <button type="submit" class="primary" disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { "Save" }}
            </button>
        </form>
    }
}

//! Logging a one-on-one, the form an organizer fills in on a break. As an island it
//! checks the form with the server's own rules before sending (a mistake is shown at
//! once, beside its field, with nothing sent), sends it without a page load, and keeps
//! what was typed when the network fails. Without WebAssembly it is the same form,
//! posted by the browser.

use leptos::prelude::*;

use crate::api::organizing::LogConversation;
use crate::components::chip::rating_meanings;
use crate::components::form::{FieldError, FormError, ReturnTo};
use crate::domain::organizing::{
    parse_log, Answer, Channel, LogForm, ASK_MAX, FOLLOW_UP_PICKS, NOTES_MAX,
};
use crate::domain::text::count_words;
use crate::domain::Choice;
use crate::error::AppError;

/// The log form. Props are what the page already shows, and no more: the person's
/// record stays on the server.
#[island(lazy)]
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
    /// The form as that post sent it: every field shows it again.
    typed: Option<LogForm>,
    /// The issues that post ticked.
    typed_issues: Vec<String>,
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
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| match log.value().get() {
        Some(Ok(_)) => {
            let _ = window()
                .location()
                .set_href(&format!("/campaigns/{campaign_id}/my?logged={coworker_id}"));
        }
        // No signal: where the service worker keeps posts, the browser posts the form
        // itself and the worker keeps it to send later (the same client id: stored once
        // whichever send arrives).
        Some(Err(AppError::Network)) if worker_keeps_posts() => {
            if let Some(form) = form.get_untracked() {
                let _ = form.submit();
            }
        }
        _ => {}
    });
    let typed = typed.unwrap_or(LogForm {
        client_id,
        ..LogForm::default()
    });
    // The first field the error names: the server's page puts `autofocus` on it, and a
    // mistake found here moves the focus there.
    let first = move || {
        error.with(|e| {
            e.as_ref()
                .and_then(|e| e.fields().first().map(|(f, _)| input_of(f)))
        })
    };
    let tags = issue_tags.clone();
    // The form's checks count from today (the server's, as the page was made): a
    // follow-up from today to a year on.
    // (The domain's own date reader: chrono's would ship its whole parser here.)
    let today_date = crate::domain::organizing::parse_date(&today, "today")
        .ok()
        .flatten();
    let at = today_date
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .map_or(chrono::DateTime::UNIX_EPOCH, |t| t.and_utc());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        use leptos::form::FromFormData;
        // A form this code cannot read is left to the browser to post.
        let Ok(args) = LogConversation::from_event(&ev) else {
            return;
        };
        ev.prevent_default();
        match parse_log(coworker_id, &args.form, &args.issues, at, &tags) {
            Err(err) => {
                checked.set(Some(err.into()));
                if let Some(id) = first() {
                    if let Some(el) = document().get_element_by_id(id) {
                        use leptos::wasm_bindgen::JsCast;
                        if let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>() {
                            let _ = el.focus();
                        }
                    }
                }
            }
            Ok(_) => {
                checked.set(None);
                log.dispatch(args);
            }
        }
    };
    let url = <LogConversation as leptos::server_fn::ServerFn>::url();
    super::mark_hydrated(form);
    let focus = move |id: &'static str| move || first() == Some(id);
    let invalid = move |field: &'static str| crate::components::form::invalid(error, field);
    let notes_len = RwSignal::new(typed.notes.chars().count());
    let rating = typed.rating_after.trim().to_owned();
    let channel = Channel::parse(typed.channel.trim()).unwrap_or(Channel::InPerson);
    let answer = typed.answer.trim().to_owned();
    // A break's conversation logged after the shift keeps its day: yesterday, one tap.
    let yesterday = today_date
        .and_then(|d| d.pred_opt())
        .map(|d| format!("{d}T12:00"))
        .unwrap_or_default();
    let when = typed.at.trim().to_owned();
    let follow_in = typed.follow_up_in.trim().to_owned();
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
            <input type="hidden" name="client_id" value=typed.client_id.clone() />
            <fieldset class="choices">
                <legend>"Rating after"</legend>
                <label class="choice"><input id="log-rating" type="radio" name="rating_after" value="" checked=rating.is_empty() autofocus=focus("log-rating") aria-invalid=invalid("rating_after") aria-describedby="log-rating-error" />" Leave unchanged"</label>
                {rating_meanings()[..5].iter().map(|(k, m)| view! {
                    <label class=format!("choice chip r{k}")>
                        <input type="radio" name="rating_after" value=*k checked=rating == *k />
                        {format!(" {k} · {m}")}
                    </label>
                }).collect_view()}
            </fieldset>
            <FieldError id="log-rating" field="rating_after" error />
            <fieldset class="choices">
                <legend>"How"</legend>
                {Channel::ALL.into_iter().map(|ch| view! {
                    <label class="choice"><input type="radio" name="channel" value=ch.key() checked=ch == channel />{format!(" {}", ch.label())}</label>
                }).collect_view()}
            </fieldset>
            <fieldset class="choices">
                <legend>"When"</legend>
                <label class="choice"><input id="log-at" type="radio" name="at" value="" checked=when.is_empty() autofocus=focus("log-at") />" Today"</label>
                <label class="choice"><input type="radio" name="at" value=yesterday.clone() checked=!when.is_empty() && when == yesterday />" Yesterday"</label>
                {(!when.is_empty() && when != yesterday).then(|| view! {
                    <label class="choice"><input type="radio" name="at" value=when.clone() checked=true />{format!(" {}", when.replace('T', " "))}</label>
                })}
            </fieldset>
            <FieldError id="log-at" field="at" error />
            <fieldset class="choices">
                <legend>"Issues raised"</legend>
                {issue_tags.iter().enumerate().map(|(i, tag)| view! {
                    <label class="choice"><input id=(i == 0).then_some("log-issues") type="checkbox" name=format!("issues[{i}]") value=tag.clone() checked=typed_issues.contains(tag) autofocus=move || i == 0 && first() == Some("log-issues") /> {format!(" {tag}")}</label>
                }).collect_view()}
            </fieldset>
            <FieldError id="log-issues" field="issues" error />
            <label for="log-ask">{format!("The ask (what you asked them to do; up to {ASK_MAX} characters)")}</label>
            <input id="log-ask" name="ask" type="text" value=typed.ask.clone() autofocus=focus("log-ask") aria-invalid=invalid("ask") aria-describedby="log-ask-error" />
            <FieldError id="log-ask" field="ask" error />
            <fieldset class="choices">
                <legend>"Their answer"</legend>
                <label class="choice"><input id="log-answer" type="radio" name="answer" value="" checked=answer.is_empty() autofocus=focus("log-answer") />" No ask"</label>
                {Answer::ALL.into_iter().map(|a| view! {
                    <label class="choice"><input type="radio" name="answer" value=a.key() checked=answer == a.key() />{format!(" {}", a.label())}</label>
                }).collect_view()}
            </fieldset>
            <FieldError id="log-answer" field="answer" error />
            <label for="log-next">"Next step"</label>
            <input id="log-next" name="next_step" type="text" value=typed.next_step.clone() autofocus=focus("log-next") aria-invalid=invalid("next_step") aria-describedby="log-next-error" />
            <FieldError id="log-next" field="next_step" error />
            // One tap for the usual follow-ups; a day of one's own below them.
            <fieldset class="choices">
                <legend>"Follow up"</legend>
                <label class="choice"><input type="radio" name="follow_up_in" value="" checked=follow_in.is_empty() />" No follow-up"</label>
                {FOLLOW_UP_PICKS.into_iter().map(|(days, words)| view! {
                    <label class="choice"><input type="radio" name="follow_up_in" value=days checked=follow_in == days.to_string() />{format!(" {words}")}</label>
                }).collect_view()}
            </fieldset>
            <label for="log-follow">"Or follow up on a day of your choosing"</label>
            <input id="log-follow" name="follow_up_on" type="date" min=today value=typed.follow_up_on.clone() autofocus=focus("log-follow") aria-invalid=invalid("follow_up_on") aria-describedby="log-follow-error" />
            <FieldError id="log-follow" field="follow_up_on" error />
            <label for="log-notes">"Notes"</label>
            <textarea id="log-notes" name="notes" rows="4" autofocus=focus("log-notes") aria-invalid=invalid("notes") aria-describedby="log-notes-count log-notes-error" on:input=move |ev| notes_len.set(event_target_value(&ev).chars().count())>{crate::components::form::text_area(&typed.notes)}</textarea>
            <p id="log-notes-count" class="hint" data-testid="notes-count">{move || count_words(notes_len.get(), NOTES_MAX)}</p>
            <FieldError id="log-notes" field="notes" error />
            <FormError fields=&["rating_after", "at", "issues", "ask", "answer", "next_step", "follow_up_on", "notes"] error />
            <button type="submit" class="primary" disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { "Save" }}
            </button>
        </form>
    }
}

/// The input a field's mistake sends the focus to.
fn input_of(field: &str) -> &'static str {
    match field {
        "at" => "log-at",
        "rating_after" => "log-rating",
        "issues" => "log-issues",
        "ask" => "log-ask",
        "answer" => "log-answer",
        "next_step" => "log-next",
        "follow_up_on" => "log-follow",
        _ => "log-notes",
    }
}

/// True when a service worker controls this page: it keeps a post made with no signal
/// (the outbox, `server/src/offline/sw.js`).
fn worker_keeps_posts() -> bool {
    use leptos::wasm_bindgen::JsValue;
    use leptos::web_sys::js_sys::Reflect;
    Reflect::get(&window(), &JsValue::from_str("navigator"))
        .and_then(|navigator| Reflect::get(&navigator, &JsValue::from_str("serviceWorker")))
        .and_then(|workers| Reflect::get(&workers, &JsValue::from_str("controller")))
        .is_ok_and(|controller| controller.is_object())
}

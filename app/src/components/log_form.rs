//! Logging a one-on-one, the form an organizer fills in on a break: plain HTML, posted
//! by the browser, that works without WebAssembly. Its Save button is the island
//! ([`LogFormSend`]) that, where WebAssembly runs, checks the form with the server's own
//! rules before sending, sends it without a page load, and keeps what was typed when
//! the network fails. The fields themselves ship no code.

use leptos::prelude::*;

use crate::components::chip::rating_meanings;
use crate::components::form::{first_invalid, invalid, FieldError, FormError, ReturnTo};
use crate::domain::organizing::{Answer, Channel, LogForm, ASK_MAX, FOLLOW_UP_PICKS, NOTES_MAX};
use crate::domain::text::count_words;
use crate::domain::Choice;
use crate::error::AppError;
use crate::islands::log_form::{LogFormSend, LOG_FIELDS};

/// The log form, as the server renders it.
#[component]
pub fn LogConversationForm(
    campaign_id: i64,
    coworker_id: i64,
    /// Made on the server for this page: sending the form twice stores it once.
    client_id: String,
    /// The campaign's issues, to tick.
    issue_tags: Vec<String>,
    /// Today at the server (`YYYY-MM-DD`): the earliest follow-up date the picker offers.
    today: chrono::NaiveDate,
    /// The page to come back to after a post without JavaScript.
    return_path: String,
    /// The error of a post without JavaScript that came back to this page.
    initial_error: Option<AppError>,
    /// The form as that post sent it: every field shows it again.
    typed: Option<LogForm>,
    /// The issues that post ticked.
    typed_issues: Vec<String>,
) -> impl IntoView {
    let error = Signal::stored(initial_error);
    let typed = typed.unwrap_or(LogForm {
        client_id,
        ..LogForm::default()
    });
    let url = <crate::api::organizing::LogConversation as leptos::server_fn::ServerFn>::url();
    // The server's page puts `autofocus` on the first field its error names.
    let focus = move |field: &'static str| first_invalid(error, field);
    let invalid = move |field: &'static str| invalid(error, field);
    let rating = typed.rating_after.trim().to_owned();
    let channel = Channel::parse(typed.channel.trim()).unwrap_or(Channel::InPerson);
    let answer = typed.answer.trim().to_owned();
    // A break's conversation logged after the shift keeps its day: yesterday, one tap.
    let yesterday = today
        .pred_opt()
        .map(|d| format!("{d}T12:00"))
        .unwrap_or_default();
    let when = typed.at.trim().to_owned();
    let follow_in = typed.follow_up_in.trim().to_owned();
    let notes_count = count_words(typed.notes.chars().count(), NOTES_MAX);
    view! {
        <form method="post" action=url class="card stack" novalidate=true data-testid="log-form">
            <ReturnTo path=return_path />
            <input type="hidden" name="campaign_id" value=campaign_id />
            <input type="hidden" name="coworker_id" value=coworker_id />
            <input type="hidden" name="client_id" value=typed.client_id.clone() />
            <fieldset class="choices">
                <legend>"Rating after"</legend>
                <label class="choice"><input id="log-rating" type="radio" name="rating_after" value="" checked=rating.is_empty() autofocus=focus("rating_after") aria-invalid=invalid("rating_after") aria-describedby="log-rating-error" />" Leave unchanged"</label>
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
                <label class="choice"><input id="log-at" type="radio" name="at" value="" checked=when.is_empty() autofocus=focus("at") aria-invalid=invalid("at") aria-describedby="log-at-error" />" Today"</label>
                <label class="choice"><input type="radio" name="at" value=yesterday.clone() checked=!when.is_empty() && when == yesterday />" Yesterday"</label>
                {(!when.is_empty() && when != yesterday).then(|| view! {
                    <label class="choice"><input type="radio" name="at" value=when.clone() checked=true />{format!(" {}", when.replace('T', " "))}</label>
                })}
            </fieldset>
            <FieldError id="log-at" field="at" error />
            <fieldset class="choices">
                <legend>"Issues raised"</legend>
                {issue_tags.iter().enumerate().map(|(i, tag)| view! {
                    <label class="choice"><input id=(i == 0).then_some("log-issues") type="checkbox" name=format!("issues[{i}]") value=tag.clone() checked=typed_issues.contains(tag) autofocus=i == 0 && focus("issues")() /> {format!(" {tag}")}</label>
                }).collect_view()}
            </fieldset>
            <FieldError id="log-issues" field="issues" error />
            <label for="log-ask">{format!("The ask (what you asked them to do; up to {ASK_MAX} characters)")}</label>
            <input id="log-ask" name="ask" type="text" value=typed.ask.clone() autofocus=focus("ask") aria-invalid=invalid("ask") aria-describedby="log-ask-error" />
            <FieldError id="log-ask" field="ask" error />
            <fieldset class="choices">
                <legend>"Their answer"</legend>
                <label class="choice"><input id="log-answer" type="radio" name="answer" value="" checked=answer.is_empty() autofocus=focus("answer") aria-invalid=invalid("answer") aria-describedby="log-answer-error" />" No ask"</label>
                {Answer::ALL.into_iter().map(|a| view! {
                    <label class="choice"><input type="radio" name="answer" value=a.key() checked=answer == a.key() />{format!(" {}", a.label())}</label>
                }).collect_view()}
            </fieldset>
            <FieldError id="log-answer" field="answer" error />
            <label for="log-next">"Next step"</label>
            <input id="log-next" name="next_step" type="text" value=typed.next_step.clone() autofocus=focus("next_step") aria-invalid=invalid("next_step") aria-describedby="log-next-error" />
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
            <input id="log-follow" name="follow_up_on" type="date" min=today.to_string() value=typed.follow_up_on.clone() autofocus=focus("follow_up_on") aria-invalid=invalid("follow_up_on") aria-describedby="log-follow-error" />
            <FieldError id="log-follow" field="follow_up_on" error />
            <label for="log-notes">"Notes"</label>
            <textarea id="log-notes" name="notes" rows="4" autofocus=focus("notes") aria-invalid=invalid("notes") aria-describedby="log-notes-count log-notes-error">{crate::components::form::text_area(&typed.notes)}</textarea>
            <p id="log-notes-count" class="hint" data-testid="notes-count">{notes_count}</p>
            <FieldError id="log-notes" field="notes" error />
            <FormError fields=LOG_FIELDS error />
            <LogFormSend />
        </form>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::islands::log_form::input_of;

    fn render(error: Option<AppError>) -> String {
        let owner = Owner::new();
        owner.with(|| {
            view! {
                <LogConversationForm
                    campaign_id=4
                    coworker_id=9
                    client_id="c-1".into()
                    issue_tags=vec!["staffing".into(), "pay".into()]
                    today=chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
                    return_path="/campaigns/4/coworkers/9/log".into()
                    initial_error=error
                    typed=None
                    typed_issues=Vec::new()
                />
            }
            .to_html()
        })
    }

    // The island finds every message's place and every field's input by id in the
    // server's HTML: a field the form does not render would have its mistake lost.
    #[test]
    fn every_field_the_island_checks_has_its_input_and_its_message_on_the_page() {
        let html = render(None);
        for field in LOG_FIELDS {
            let id = input_of(field).expect("each field has an input");
            assert!(html.contains(&format!("id=\"{id}\"")), "{field}: #{id}");
            assert!(
                html.contains(&format!("id=\"{id}-error\"")),
                "{field}: #{id}-error"
            );
        }
        assert_eq!(input_of("client_id"), None);
        assert!(html.contains("class=\"form-error\""));
        assert!(html.contains("id=\"log-notes-count\""));
        assert!(
            html.contains("<leptos-island"),
            "the Save button is the island"
        );
    }

    // A post that came back refused: its message beside the field, that field marked
    // and focused, no other field marked.
    #[test]
    fn a_refused_post_shows_its_mistake_beside_its_field() {
        let html = render(Some(AppError::validation("ask", "Say what you asked.")));
        assert!(html.contains("Say what you asked."));
        let ask = html
            .split("id=\"log-ask\"")
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .unwrap();
        assert!(ask.contains("aria-invalid=\"true\""), "{ask}");
        assert!(ask.contains("autofocus"), "{ask}");
        assert_eq!(html.matches("aria-invalid=\"true\"").count(), 1);
        assert_eq!(html.matches("autofocus").count(), 1);
    }
}

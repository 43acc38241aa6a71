//! The organizer's daily loop: one-on-ones, dated ratings, commitments, My list and
//! coverage. Plain types and validation, compiled for the server and the browser.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Choice;
use crate::choice::choice;
use crate::Invalid;

choice! {
    /// How a one-on-one happened.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Channel {
        InPerson => "in_person", "In person";
        Phone => "phone", "Phone";
        Text => "text", "Text";
        HomeVisit => "home_visit", "Home visit";
    }
}

choice! {
    /// The answer to the ask. "Maybe" is recorded as said, and counted as a no.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Answer {
        Yes => "yes", "Yes";
        No => "no", "No";
        Maybe => "maybe", "Maybe (maybe means no)";
    }
}

choice! {
    /// Where a rating came from.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Source {
        Conversation => "conversation", "Conversation";
        StructureTest => "structure_test", "Structure test";
        Observation => "observation", "Observation";
    }
}

/// A rating from a form: "" (leave unchanged) or 1–5.
pub fn parse_rating(raw: &str, field: &str) -> Result<Option<i32>, Invalid> {
    match raw.trim() {
        "" => Ok(None),
        r => match r.parse::<i32>() {
            Ok(n @ 1..=5) => Ok(Some(n)),
            _ => Err(Invalid::new(field, "A rating is 1 to 5.")),
        },
    }
}

/// An optional date from a form (`YYYY-MM-DD`).
///
/// Read by hand rather than with chrono's `parse_from_str`: this runs in the log island
/// too, and chrono's format parser is several kilobytes of the phone's download.
pub fn parse_date(raw: &str, field: &str) -> Result<Option<NaiveDate>, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let number = |part: Option<&str>, digits: std::ops::RangeInclusive<usize>| {
        part.filter(|p| digits.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let mut parts = raw.split('-');
    let (year, month, day) = (
        number(parts.next(), 4..=4),
        number(parts.next(), 1..=2),
        number(parts.next(), 1..=2),
    );
    match (year, month, day, parts.next()) {
        (Some(y), Some(m), Some(d), None) => NaiveDate::from_ymd_opt(y as i32, m, d).map(Some),
        _ => None,
    }
    .ok_or_else(|| Invalid::new(field, "Give the date as year-month-day."))
}

/// A client-generated id: 8–64 letters, digits and dashes.
pub fn parse_client_id(raw: &str) -> Result<String, Invalid> {
    let id = raw.trim();
    if (8..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(id.to_owned())
    } else {
        Err(Invalid::new(
            "client_id",
            "This form is out of date; reload the page and try again.",
        ))
    }
}

/// Issue tags chosen on the form, each one of the campaign's.
pub fn parse_issues(chosen: &[String], campaign_tags: &[String]) -> Result<Vec<String>, Invalid> {
    let mut issues: Vec<String> = Vec::new();
    for tag in chosen.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let Some(known) = campaign_tags.iter().find(|t| t.eq_ignore_ascii_case(tag)) else {
            return Err(Invalid::new(
                "issues",
                format!("'{tag}' is not one of this campaign's issues."),
            ));
        };
        if !issues.contains(known) {
            issues.push(known.clone());
        }
    }
    Ok(issues)
}

/// Per-campaign settings of the organizing loop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSettings {
    /// A rating older than this many days is stale.
    pub stale_days: i64,
    /// The issues a one-on-one can be tagged with.
    pub issue_tags: Vec<String>,
    /// Viewers see no counts for a group smaller than this (a one-person area's share
    /// of 1–2s is that person's rating).
    pub min_group_size: i64,
    /// The supermajority (percent of everyone on the chart rated 1–2) the campaign
    /// aims for before it acts: 50 to 100, 70 unless a lead sets another.
    pub support_target: i64,
    /// Organizers reach the campaign only from a session signed in with a second factor
    /// (leads always do).
    #[serde(default)]
    pub second_factor_for_organizers: bool,
}

/// The smallest group whose counts a viewer may see, unless a lead sets another.
pub const DEFAULT_MIN_GROUP_SIZE: i64 = 5;

/// The settings form as a lead posts it; [`SettingsForm::parse`] checks it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub stale_days: String,
    pub issue_tags: String,
    /// Empty: the default ([`DEFAULT_MIN_GROUP_SIZE`]).
    pub min_group_size: String,
    /// Empty: unchanged.
    pub support_target: String,
    /// A checkbox: "on" (or "true") when ticked, absent when not.
    pub second_factor_for_organizers: String,
}

impl SettingsForm {
    pub fn parse(&self, current: &CampaignSettings) -> Result<CampaignSettings, Invalid> {
        let issue_tags = super::fields::parse_tags(&self.issue_tags)
            .map_err(|e| Invalid::new("issue_tags", e.message))?;
        if issue_tags.is_empty() {
            return Err(Invalid::new("issue_tags", "Give at least one issue."));
        }
        Ok(CampaignSettings {
            stale_days: parse_bounded(
                &self.stale_days,
                "stale_days",
                1..=3650,
                "Give a number of days from 1 to 3650.",
            )?
            .ok_or_else(|| Invalid::new("stale_days", "Give a number of days from 1 to 3650."))?,
            issue_tags,
            min_group_size: parse_bounded(
                &self.min_group_size,
                "min_group_size",
                1..=100,
                "Give a number of people from 1 to 100.",
            )?
            .unwrap_or(DEFAULT_MIN_GROUP_SIZE),
            support_target: parse_bounded(
                &self.support_target,
                "support_target",
                50..=100,
                "Give a target from 50 to 100 percent.",
            )?
            .unwrap_or(current.support_target),
            second_factor_for_organizers: matches!(
                self.second_factor_for_organizers.trim(),
                "on" | "true"
            ),
        })
    }
}

/// A whole number in `range` from a form, or `None` for an empty field.
pub fn parse_bounded(
    raw: &str,
    field: &str,
    range: std::ops::RangeInclusive<i64>,
    message: &str,
) -> Result<Option<i64>, Invalid> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw
            .parse::<i64>()
            .ok()
            .filter(|n| range.contains(n))
            .map(Some)
            .ok_or_else(|| Invalid::new(field, message)),
    }
}

/// A validated one-on-one, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewConversation {
    pub coworker_id: i64,
    pub client_id: String,
    pub at: DateTime<Utc>,
    pub channel: Channel,
    pub issues: Vec<String>,
    pub notes: String,
    pub ask: String,
    pub answer: Option<Answer>,
    pub rating_after: Option<i32>,
    pub next_step: String,
    pub follow_up_on: Option<NaiveDate>,
    /// A yes to an ask: the commitment to follow up, due on this date.
    pub commitment_due: Option<NaiveDate>,
}

impl NewConversation {
    /// A yes to an ask becomes a commitment, due at the follow-up date or in a week.
    pub fn commitment(&self, today: NaiveDate) -> Option<(String, NaiveDate)> {
        (self.answer == Some(Answer::Yes) && !self.ask.trim().is_empty()).then(|| {
            (
                self.ask.trim().to_owned(),
                self.commitment_due
                    .or(self.follow_up_on)
                    .unwrap_or(today + chrono::Duration::days(7)),
            )
        })
    }
}

/// The log form as it was filled in: the log server function's form, and what the log
/// island reads from the form before it sends anything (one rule on both sides). The
/// issues ticked (`issues[i]`) come beside it: a list does not survive `flatten`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogForm {
    /// Made by the form when it was rendered: the same form sent twice is stored once.
    #[serde(default)]
    pub client_id: String,
    /// When it happened (`YYYY-MM-DDTHH:MM`, or RFC 3339); empty: now.
    #[serde(default)]
    pub at: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub ask: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub rating_after: String,
    #[serde(default)]
    pub next_step: String,
    #[serde(default)]
    pub follow_up_on: String,
    /// A follow-up picked with one tap: so many days after the conversation ("" none).
    /// A date in `follow_up_on` wins over it.
    #[serde(default)]
    pub follow_up_in: String,
}

impl LogForm {
    /// When the conversation happened, by the server's clock `now`: see [`taken_at`].
    pub fn moment(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>, Invalid> {
        taken_at(&self.at, now)
    }
}

/// When something was noted (a one-on-one, a rating), field `at`, by the server's clock
/// `now`: the time given (`YYYY-MM-DDTHH:MM` in UTC, or RFC 3339: a phone that kept the
/// post while it had no signal sends when it was taken), or now if none; never more than
/// five minutes ahead, nor more than a year back.
pub fn taken_at(raw: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, Invalid> {
    let at = match raw.trim() {
        "" => now,
        raw => DateTime::parse_from_rfc3339(raw)
            .map(|t| t.with_timezone(&Utc))
            .or_else(|_| {
                chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M").map(|t| t.and_utc())
            })
            .map_err(|_| Invalid::new("at", "Give the time as year-month-day hour:minute."))?,
    };
    if at > now + chrono::Duration::minutes(5) {
        return Err(Invalid::new("at", "The time cannot be in the future."));
    }
    if at < now - chrono::Duration::days(366) {
        return Err(Invalid::new(
            "at",
            "Log the last year only; older is history.",
        ));
    }
    Ok(at)
}

/// Checks a filled-in log form and its ticked issues against the campaign's issues. The
/// time it happened is the caller's to decide ([`LogForm::moment`] on the server).
pub fn parse_log(
    coworker_id: i64,
    form: &LogForm,
    issues: &[String],
    at: DateTime<Utc>,
    issue_tags: &[String],
) -> Result<NewConversation, Invalid> {
    use super::fields::parse_text;
    use crate::AllOk;
    let channel = match form.channel.trim() {
        "" => Ok(Channel::InPerson),
        c => Channel::parse(c).ok_or_else(|| Invalid::new("channel", "Choose how you talked.")),
    };
    let answer = match form.answer.trim() {
        "" => Ok(None),
        a => Answer::parse(a)
            .map(Some)
            .ok_or_else(|| Invalid::new("answer", "Choose yes, no or maybe.")),
    };
    // The answer needs its ask: checked with the two fields' own rules, as one field.
    let ask_and_answer = (parse_text(&form.ask, "ask", "The ask", ASK_MAX), answer)
        .all_ok()
        .and_then(|(ask, answer)| {
            if answer.is_some() && ask.is_empty() {
                Err(Invalid::new(
                    "ask",
                    "Say what you asked, or leave the answer empty.",
                ))
            } else {
                Ok((ask, answer))
            }
        });
    // In the form's order, so the first mistake named is the first on the page.
    let (client_id, rating_after, channel, issues, (ask, answer), next_step, follow_up_on, notes) =
        (
            parse_client_id(&form.client_id),
            parse_rating(&form.rating_after, "rating_after"),
            channel,
            parse_issues(issues, issue_tags),
            ask_and_answer,
            parse_text(&form.next_step, "next_step", "The next step", NEXT_STEP_MAX),
            parse_follow_up(form, at.date_naive()),
            parse_text(&form.notes, "notes", "Notes", NOTES_MAX),
        )
            .all_ok()?;
    if rating_after.is_none()
        && issues.is_empty()
        && ask.is_empty()
        && next_step.is_empty()
        && follow_up_on.is_none()
        && notes.is_empty()
    {
        return Err(Invalid::new(
            "notes",
            "Say how it went: a few words of notes, a rating, an issue or a next step.",
        ));
    }
    Ok(NewConversation {
        coworker_id,
        client_id,
        at,
        channel,
        issues,
        notes,
        ask,
        answer,
        rating_after,
        next_step,
        follow_up_on,
        commitment_due: None,
    })
}

/// The follow-ups the log form offers with one tap, in days after the conversation,
/// with their words: a break leaves no time for a date picker.
pub const FOLLOW_UP_PICKS: [(u32, &str); 3] =
    [(2, "In 2 days"), (7, "In a week"), (14, "In 2 weeks")];

/// The follow-up a log form asks for: a date typed, or else a pick of so many days after
/// the conversation's `day`; checked against [`follow_up_within_a_year`].
fn parse_follow_up(form: &LogForm, day: NaiveDate) -> Result<Option<NaiveDate>, Invalid> {
    let date = match parse_date(&form.follow_up_on, "follow_up_on")? {
        Some(d) => Some(d),
        None => match form.follow_up_in.trim() {
            "" => None,
            days => {
                let days = days
                    .parse::<u32>()
                    .ok()
                    .filter(|d| FOLLOW_UP_PICKS.iter().any(|(n, _)| n == d))
                    .ok_or_else(|| Invalid::new("follow_up_on", "Choose when to follow up."))?;
                day.checked_add_days(chrono::Days::new(days.into()))
            }
        },
    };
    follow_up_within_a_year(date, day)
}

/// A follow-up is on the conversation's day or later, and within a year of it: a date
/// in the past would be overdue at once, and one years away is a typo.
fn follow_up_within_a_year(
    date: Option<NaiveDate>,
    day: NaiveDate,
) -> Result<Option<NaiveDate>, Invalid> {
    match date {
        Some(d) if d < day || d > day + chrono::Duration::days(366) => Err(Invalid::new(
            "follow_up_on",
            // The ISO date: chrono's strftime would ship to the browser with the log form.
            format!("Follow up between {day} and a year after it."),
        )),
        other => Ok(other),
    }
}

/// The longest notes a one-on-one keeps, in characters (the form says so and counts).
pub const NOTES_MAX: usize = 4000;
/// The longest ask, in characters.
pub const ASK_MAX: usize = 500;
/// The longest next step, in characters.
pub const NEXT_STEP_MAX: usize = 500;

/// A one-on-one as the coworker page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub organizer: String,
    pub channel: Channel,
    pub issues: Vec<String>,
    pub notes: String,
    pub ask: String,
    pub answer: Option<Answer>,
    pub rating_after: Option<i32>,
    pub next_step: String,
    pub follow_up_on: Option<NaiveDate>,
    pub follow_up_done: bool,
}

/// A dated rating: the timeline on the coworker page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub at: DateTime<Utc>,
    pub rating: i32,
    pub source: Source,
    pub note: String,
    pub organizer: String,
}

choice! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum CommitmentStatus {
        Open => "open", "Open";
        Kept => "kept", "Kept";
        Broken => "broken", "Broken";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub id: i64,
    pub coworker_id: i64,
    pub coworker_name: String,
    pub what: String,
    pub due_on: NaiveDate,
    pub status: CommitmentStatus,
}

/// A follow-up an organizer promised themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub conversation_id: i64,
    pub coworker_id: i64,
    pub coworker_name: String,
    pub due: NaiveDate,
    pub next_step: String,
}

/// Someone on My list for not having been talked to, or for an old rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub rating: Option<i32>,
    /// When they were last rated (stale list) or talked to (coverage).
    pub since: Option<DateTime<Utc>>,
}

/// At most this many of the others never talked to are listed (the rest are counted).
pub const UNREACHED_SHOWN: i64 = 100;
/// At most this many people answer a name search.
pub const FOUND_SHOWN: i64 = 20;
/// The longest name search, in characters.
pub const SEARCH_MAX: usize = 100;

/// A name search as typed: trimmed, at most [`SEARCH_MAX`] characters (longer is cut:
/// no name is that long), as a `LIKE` pattern that matches it anywhere in a name,
/// lower-cased, with `%`, `_` and `\` escaped (`ESCAPE '\'`). `None` for an empty search.
pub fn name_pattern(search: &str) -> Option<String> {
    let search: String = search.trim().chars().take(SEARCH_MAX).collect();
    if search.is_empty() {
        return None;
    }
    let mut pattern = String::from("%");
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    Some(pattern)
}

/// The organizer's home page on a phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyList {
    pub today: NaiveDate,
    pub stale_days: i64,
    /// Due today or overdue, oldest first.
    pub follow_ups: Vec<FollowUp>,
    /// Open commitments due by today.
    pub commitments: Vec<Commitment>,
    /// Assigned to me and never talked to.
    pub never_talked: Vec<Person>,
    /// Everyone else in my scope never talked to (assigned to someone else or to nobody),
    /// by name, at most [`UNREACHED_SHOWN`].
    pub unreached: Vec<Person>,
    /// How many that is in all.
    pub unreached_total: i64,
    /// The name searched for at the top of the list (empty: none).
    pub search: String,
    /// The people in my scope whose name holds it, at most [`FOUND_SHOWN`].
    pub found: Vec<Person>,
    /// Assigned to me, rated more than `stale_days` ago.
    pub stale: Vec<Person>,
}

/// One organizer's load against the 1:10 guideline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizerLoad {
    pub user_id: i64,
    pub email: String,
    pub assigned: i64,
}

/// The organizing guideline: one organizer for every ten coworkers.
pub const COWORKERS_PER_ORGANIZER: i64 = 10;

impl OrganizerLoad {
    pub fn over_guideline(&self) -> bool {
        self.assigned > COWORKERS_PER_ORGANIZER
    }
}

/// Committee members in one area × shift cell (areas and shifts with coworkers only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeCell {
    pub area: String,
    pub shift: String,
    pub coworkers: i64,
    pub committee: i64,
}

/// The coverage page for leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub organizers: Vec<OrganizerLoad>,
    /// Active coworkers assigned to nobody.
    pub unassigned: i64,
    pub cells: Vec<CommitteeCell>,
    pub days: i64,
    /// Not talked to in `days` days (or ever), at most 500, longest first.
    pub not_contacted: Vec<Person>,
    pub not_contacted_count: i64,
}

impl Coverage {
    /// Area × shift cells with coworkers and no committee member: where to recruit next.
    pub fn gaps(&self) -> impl Iterator<Item = &CommitteeCell> {
        self.cells.iter().filter(|c| c.committee == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> LogForm {
        LogForm {
            client_id: "form-1234".into(),
            notes: "Talked at the lockers.".into(),
            ..LogForm::default()
        }
    }

    #[test]
    fn a_log_says_something_and_its_follow_up_is_within_a_year() {
        let tags: Vec<String> = vec![];
        let at = DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let log = |f: LogForm| parse_log(7, &f, &[], at, &tags);
        let empty = LogForm {
            notes: "  ".into(),
            ..fields()
        };
        assert_eq!(field_of(log(empty.clone())), "notes");
        for something in [
            LogForm {
                rating_after: "3".into(),
                ..empty.clone()
            },
            LogForm {
                next_step: "Coffee".into(),
                ..empty.clone()
            },
            LogForm {
                ask: "Sign".into(),
                ..empty.clone()
            },
            LogForm {
                follow_up_on: "2026-12-07".into(),
                ..empty.clone()
            },
        ] {
            assert!(log(something.clone()).is_ok(), "{something:?}");
        }
        let on = |day: &str| {
            log(LogForm {
                follow_up_on: day.into(),
                ..fields()
            })
            .map(|c| c.follow_up_on.unwrap().to_string())
        };
        assert_eq!(on("2026-12-06"), Ok("2026-12-06".into()), "the same day");
        assert_eq!(on("2027-12-07"), Ok("2027-12-07".into()), "366 days on");
        assert_eq!(on("2026-12-05").unwrap_err().field, "follow_up_on");
        assert_eq!(on("2027-12-08").unwrap_err().field, "follow_up_on");
        assert_eq!(on("2024-01-10").unwrap_err().field, "follow_up_on");
    }

    #[test]
    fn a_follow_up_is_one_tap_and_a_date_typed_wins() {
        let tags: Vec<String> = vec![];
        let at = DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let follow = |on: &str, days: &str| {
            parse_log(
                7,
                &LogForm {
                    follow_up_on: on.into(),
                    follow_up_in: days.into(),
                    notes: String::new(),
                    ..fields()
                },
                &[],
                at,
                &tags,
            )
            .map(|c| c.follow_up_on.map(|d| d.to_string()))
        };
        // Each pick counts from the conversation's day, and a pick alone says something.
        assert_eq!(follow("", "2"), Ok(Some("2026-12-08".into())));
        assert_eq!(follow("", " 7 "), Ok(Some("2026-12-13".into())));
        assert_eq!(follow("", "14"), Ok(Some("2026-12-20".into())));
        assert_eq!(follow("2026-12-10", "14"), Ok(Some("2026-12-10".into())));
        // Only the form's own picks: no way round the year's bound.
        for bad in ["0", "1", "3", "400", "-2", "x", "99999999999"] {
            assert_eq!(follow("", bad).unwrap_err().field, "follow_up_on", "{bad}");
        }
        // Nothing picked, nothing typed: an empty log.
        assert_eq!(follow("", "").unwrap_err().field, "notes");
        // A conversation yesterday with a pick in 2 days: two days after it.
        let yesterday = at - chrono::Duration::days(1);
        let picked = parse_log(
            7,
            &LogForm {
                follow_up_in: "2".into(),
                ..fields()
            },
            &[],
            yesterday,
            &tags,
        )
        .unwrap();
        assert_eq!(picked.follow_up_on.unwrap().to_string(), "2026-12-07");
    }

    #[test]
    fn a_name_search_is_a_bounded_escaped_pattern() {
        assert_eq!(name_pattern("  "), None);
        assert_eq!(name_pattern(" Ana ").as_deref(), Some("%ana%"));
        assert_eq!(
            name_pattern("50%_a\\b").as_deref(),
            Some("%50\\%\\_a\\\\b%")
        );
        assert_eq!(
            name_pattern(&"x".repeat(500)).map(|p| p.len()),
            Some(SEARCH_MAX + 2)
        );
    }

    #[test]
    fn the_moment_is_typed_or_now_and_never_ahead() {
        let now = DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |raw: &str| {
            LogForm {
                at: raw.into(),
                ..fields()
            }
            .moment(now)
        };
        assert_eq!(at(""), Ok(now));
        assert_eq!(
            at(" 2026-12-06T09:30 ").unwrap().to_rfc3339(),
            "2026-12-06T09:30:00+00:00"
        );
        assert_eq!(
            at("2026-12-06T11:00:00+02:00").unwrap().to_rfc3339(),
            "2026-12-06T09:00:00+00:00"
        );
        assert_eq!(
            at("2026-12-06T10:05").map(|t| t == now + chrono::Duration::minutes(5)),
            Ok(true)
        );
        assert_eq!(at("2026-12-06T10:06").unwrap_err().field, "at");
        assert_eq!(at("yesterday").unwrap_err().field, "at");
        assert!(at("2025-12-05T10:00").is_ok(), "366 days ago");
        assert_eq!(at("2025-12-04T10:00").unwrap_err().field, "at");
    }

    fn field_of(result: Result<NewConversation, Invalid>) -> String {
        match result {
            Err(Invalid { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn every_mistake_in_a_log_form_is_named_at_once() {
        let tags = vec!["pay".to_owned()];
        let form = LogForm {
            notes: "n".repeat(NOTES_MAX + 1),
            answer: "yes".into(),
            rating_after: "9".into(),
            follow_up_on: "soon".into(),
            ..fields()
        };
        let refused =
            parse_log(7, &form, &["rent".to_owned()], DateTime::UNIX_EPOCH, &tags).unwrap_err();
        let named: Vec<&str> = refused.each().map(|p| p.field.as_str()).collect();
        assert_eq!(
            named,
            ["rating_after", "issues", "ask", "follow_up_on", "notes"],
            "in the form's order"
        );
        let at_limit = LogForm {
            notes: "é".repeat(NOTES_MAX),
            ..fields()
        };
        assert!(
            parse_log(7, &at_limit, &[], DateTime::UNIX_EPOCH, &tags).is_ok(),
            "the limit counts characters, not bytes"
        );
    }

    #[test]
    fn a_log_form_is_checked_by_one_rule() {
        let tags = vec!["staffing".to_owned(), "pay".to_owned()];
        let chosen = vec!["Staffing".to_owned(), "staffing".to_owned()];
        let at = DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let ok = parse_log(
            7,
            &LogForm {
                rating_after: "2".into(),
                answer: "yes".into(),
                ask: "Sign the petition".into(),
                follow_up_on: "2026-12-08".into(),
                ..fields()
            },
            &chosen,
            at,
            &tags,
        )
        .expect("a good form");
        assert_eq!(ok.issues, ["staffing"], "tags match the campaign's, once");
        assert_eq!(ok.rating_after, Some(2));
        assert_eq!(ok.channel, Channel::InPerson, "the default channel");
        assert_eq!(ok.follow_up_on, NaiveDate::from_ymd_opt(2026, 12, 8));

        let none: Vec<String> = vec![];
        let wrong = [
            (
                LogForm {
                    answer: "yes".into(),
                    ..fields()
                },
                "ask",
            ),
            (
                LogForm {
                    rating_after: "6".into(),
                    ..fields()
                },
                "rating_after",
            ),
            (
                LogForm {
                    follow_up_on: "8/12/2026".into(),
                    ..fields()
                },
                "follow_up_on",
            ),
            (
                LogForm {
                    notes: "n".repeat(4001),
                    ..fields()
                },
                "notes",
            ),
            (
                LogForm {
                    client_id: "x".into(),
                    ..fields()
                },
                "client_id",
            ),
            (
                LogForm {
                    channel: "carrier pigeon".into(),
                    ..fields()
                },
                "channel",
            ),
        ];
        for (form, field) in &wrong {
            assert_eq!(field_of(parse_log(7, form, &none, at, &tags)), *field);
        }
        let unknown = vec!["parking".to_owned()];
        assert_eq!(
            field_of(parse_log(7, &fields(), &unknown, at, &tags)),
            "issues"
        );
    }

    fn log(answer: Option<Answer>, ask: &str) -> NewConversation {
        NewConversation {
            coworker_id: 1,
            client_id: "abcdefgh".into(),
            at: Utc::now(),
            channel: Channel::InPerson,
            issues: vec![],
            notes: String::new(),
            ask: ask.into(),
            answer,
            rating_after: None,
            next_step: String::new(),
            follow_up_on: None,
            commitment_due: None,
        }
    }

    #[test]
    fn only_a_yes_to_an_ask_is_a_commitment() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            log(Some(Answer::Yes), "sign the petition").commitment(today),
            Some((
                "sign the petition".into(),
                today + chrono::Duration::days(7)
            ))
        );
        assert_eq!(
            log(Some(Answer::Maybe), "sign").commitment(today),
            None,
            "maybe means no"
        );
        assert_eq!(log(Some(Answer::Yes), " ").commitment(today), None);
        let mut dated = log(Some(Answer::Yes), "wear the sticker");
        dated.follow_up_on = NaiveDate::from_ymd_opt(2026, 11, 25);
        assert_eq!(
            dated.commitment(today).unwrap().1,
            dated.follow_up_on.unwrap()
        );
    }

    #[test]
    fn form_values_are_checked() {
        assert_eq!(parse_rating("", "rating").unwrap(), None);
        assert_eq!(parse_rating("2", "rating").unwrap(), Some(2));
        assert!(parse_rating("0", "rating").is_err());
        assert!(parse_rating("3.5", "rating").is_err());
        assert!(parse_date("2026-02-30", "follow_up_on").is_err());
        assert_eq!(
            parse_date(" 2026-12-08 ", "follow_up_on").unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 8)
        );
        assert_eq!(
            parse_date("2026-1-5", "follow_up_on").unwrap(),
            NaiveDate::from_ymd_opt(2026, 1, 5),
            "unpadded, as chrono's %m and %d read it"
        );
        assert_eq!(parse_date("", "follow_up_on").unwrap(), None);
        for bad in [
            "2026-12",
            "2026-12-08-01",
            "26-12-08",
            "2026-+1-08",
            "2026-12-08T10:00",
        ] {
            assert!(parse_date(bad, "follow_up_on").is_err(), "{bad}");
        }
        assert!(parse_client_id("short").is_err());
        assert!(parse_client_id("0b9e6a1c-8f7d-4c1e-9a55-3f1f7f0e2d11").is_ok());
        let tags = vec!["pay".to_owned(), "safety".to_owned()];
        assert_eq!(
            parse_issues(&["Pay".into(), "pay".into()], &tags).unwrap(),
            ["pay"]
        );
        assert!(parse_issues(&["parking".into()], &tags).is_err());
    }
}

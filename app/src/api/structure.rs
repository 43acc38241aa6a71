//! Structure tests: leads plan, open and close them; organizers and leads record who took
//! part (inside their scope); everyone sees the tally, viewers without names or small
//! groups; leads read what a closed test says about the ratings.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use self::ssr::*;
use crate::domain::structure::{
    Outcome, ScopePerson, StructureTest, Tally, TestForm, TimelineEntry, Validation,
};
use crate::domain::{Area, Role, Shift};
use crate::error::AppError;

/// Plans a test (leads). Returns its id.
#[server(prefix = "/api", endpoint = "structure/create")]
pub async fn create_test(
    campaign_id: i64,
    #[server(flatten)] form: TestForm,
    #[server(default)] area_ids: Vec<String>,
) -> Result<i64, AppError> {
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let areas = member.store().list_areas(member.campaign()).await?;
    let plan = form.parse(&area_ids, &areas)?;
    let event = member.event(
        "structure_test.create",
        "structure_test:{id}",
        format!("kind={}", crate::domain::Choice::key(plan.kind)),
    );
    let id = member
        .store()
        .create_test(member.campaign(), &plan, member.user_id(), &event)
        .await?;
    if crate::auth::is_plain_form_post() {
        leptos_axum::redirect(&format!("/campaigns/{campaign_id}/tests/{id}"));
    }
    Ok(id)
}

/// Changes a planned test (leads); Conflict once it has opened.
#[server(prefix = "/api", endpoint = "structure/update")]
pub async fn update_test(
    campaign_id: i64,
    test_id: i64,
    #[server(flatten)] form: TestForm,
    #[server(default)] area_ids: Vec<String>,
) -> Result<(), AppError> {
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let areas = member.store().list_areas(member.campaign()).await?;
    let plan = form.parse(&area_ids, &areas)?;
    let event = member.event(
        "structure_test.update",
        format!("structure_test:{test_id}"),
        "",
    );
    member
        .store()
        .update_test(member.campaign(), test_id, &plan, &event)
        .await?;
    Ok(())
}

/// Opens a planned test now (leads): its scope is fixed as the chart stands, each
/// person with their rating. Returns the scope's size.
#[server(prefix = "/api", endpoint = "structure/open")]
pub async fn open_test(campaign_id: i64, test_id: i64) -> Result<i64, AppError> {
    use crate::domain::structure::subtree;
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let test = test_of(&member, test_id).await?;
    let areas = member.store().list_areas(member.campaign()).await?;
    let within = (!test.area_ids.is_empty()).then(|| subtree(&areas, &test.area_ids));
    let event = member.event(
        "structure_test.open",
        format!("structure_test:{test_id}"),
        "",
    );
    let scope = member
        .store()
        .open_test(
            member.campaign(),
            test_id,
            within.as_deref(),
            chrono::Utc::now(),
            &event,
        )
        .await?;
    Ok(scope)
}

/// Closes a live test now (leads): no more marks.
#[server(prefix = "/api", endpoint = "structure/close")]
pub async fn close_test(campaign_id: i64, test_id: i64) -> Result<(), AppError> {
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let event = member.event(
        "structure_test.close",
        format!("structure_test:{test_id}"),
        "",
    );
    member
        .store()
        .close_test(member.campaign(), test_id, chrono::Utc::now(), &event)
        .await?;
    Ok(())
}

/// What a recording did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// People the form named.
    pub marked: usize,
    /// Marks that were new (a form sent again stores nothing).
    pub stored: u64,
}

/// Marks people of a live test (organizers and leads, inside their scope): one person
/// tapped (`one` = `"{coworker_id}:{response}"`), or everyone ticked (`coworker_ids`) with
/// `response`. `client_id` is the form's: sending it again stores nothing more.
#[server(prefix = "/api", endpoint = "structure/record")]
pub async fn record_marks(
    campaign_id: i64,
    test_id: i64,
    client_id: String,
    #[server(default)] response: String,
    #[server(default)] one: String,
    #[server(default)] coworker_ids: Vec<String>,
) -> Result<Recorded, AppError> {
    use crate::domain::structure::parse_marking;
    let member = crate::auth::require_organizer(campaign_id).await?;
    let test = test_of(&member, test_id).await?;
    let marking = parse_marking(test.kind, &one, &response, &coworker_ids)?;
    record(&member, &test, &client_id, marking).await
}

/// Marks everyone of a live test in an area and/or a shift (as when it opened) that the
/// recorder's scope reaches; `only_unmarked` ("on") leaves people already marked alone.
#[server(prefix = "/api", endpoint = "structure/record_group")]
pub async fn record_group(
    campaign_id: i64,
    test_id: i64,
    client_id: String,
    response: String,
    #[server(default)] area_id: String,
    #[server(default)] shift_id: String,
    #[server(default)] only_unmarked: String,
) -> Result<Recorded, AppError> {
    use crate::domain::fields::{checked, optional_id};
    use crate::domain::structure::{parse_marking, subtree, MAX_MARKS};
    use crate::store::TestPeopleFilter;
    let member = crate::auth::require_organizer(campaign_id).await?;
    let test = test_of(&member, test_id).await?;
    let area = optional_id(&area_id, "area_id")?;
    let shift = optional_id(&shift_id, "shift_id")?;
    if area.is_none() && shift.is_none() {
        return Err(AppError::validation(
            "area_id",
            "Choose an area or a shift to mark everyone in it.",
        ));
    }
    let area_ids = match area {
        Some(a) => Some(subtree(
            &member.store().list_areas(member.campaign()).await?,
            &[a],
        )),
        None => None,
    };
    let filter = TestPeopleFilter {
        area_ids,
        shift_id: shift,
        name: None,
        unmarked_only: checked(&only_unmarked),
        limit: MAX_MARKS as i64 + 1,
    };
    let (people, _) = member
        .store()
        .test_people(member.campaign(), test_id, member.scope()?, &filter)
        .await?;
    if people.len() > MAX_MARKS {
        return Err(AppError::validation(
            "area_id",
            format!("That is more than {MAX_MARKS} people: choose a shift too."),
        ));
    }
    if people.is_empty() {
        return Err(AppError::validation(
            "area_id",
            "Nobody you can mark is in that group.",
        ));
    }
    let ids: Vec<String> = people.iter().map(|p| p.coworker_id.to_string()).collect();
    let marking = parse_marking(test.kind, "", &response, &ids)?;
    record(&member, &test, &client_id, marking).await
}

/// The campaign's tests on the escalation timeline, oldest first (planned ones last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestsPageData {
    pub timeline: Vec<TimelineEntry>,
    pub areas: Vec<Area>,
    pub role: Role,
}

#[server(prefix = "/api", endpoint = "pages/tests")]
pub async fn tests_page(campaign_id: i64) -> Result<TestsPageData, AppError> {
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    let policy = member.disclosure().await?.campaign_wide();
    let store = member.store();
    let (tests, areas) = tokio::try_join!(
        store.structure_tests(member.campaign(), member.own_scope()),
        store.list_areas(member.campaign())
    )?;
    let timeline = tests
        .into_iter()
        .map(|(t, c)| TimelineEntry::new(t, c, policy))
        .collect();
    member.audit("structure_tests.read", "", "").await?;
    Ok(TestsPageData {
        timeline,
        areas,
        role: member.role(),
    })
}

/// A test's page: the plan, the tally, and for organizers and leads the people to mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestPageData {
    pub test: StructureTest,
    pub scope_words: String,
    pub tally: Tally,
    pub outcome: Option<Outcome>,
    pub areas: Vec<Area>,
    pub shifts: Vec<Shift>,
    pub role: Role,
    /// The people shown (organizers and leads, once open), and how many match in all.
    pub people: Vec<ScopePerson>,
    pub people_total: i64,
    /// A fresh id for this page's recording forms.
    pub client_id: String,
    /// Leads, while planned: the plan as a form to edit.
    pub form: Option<TestForm>,
    /// Leads, once closed: what it says about the ratings.
    pub validation: Option<Validation>,
}

/// At most this many people are listed at once; the filters narrow the list.
pub const PEOPLE_SHOWN: i64 = 300;

/// The test page of `test_id`, its list narrowed to `area`, `shift`, names containing
/// `q`, and `unmarked` ("on") people.
#[server(prefix = "/api", endpoint = "pages/test")]
pub async fn test_page(
    campaign_id: i64,
    test_id: i64,
    #[server(default)] area: String,
    #[server(default)] shift: String,
    #[server(default)] q: String,
    #[server(default)] unmarked: String,
) -> Result<TestPageData, AppError> {
    use crate::domain::fields::{checked, optional_id, parse_text};
    use crate::domain::structure::{subtree, TestStatus, Validation};
    use crate::store::TestPeopleFilter;
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    let test = test_of(&member, test_id).await?;
    let (tally, areas, shifts) = tally_of(&member, test_id).await?;
    let store = member.store();
    let (mut people, mut people_total) = (Vec::new(), 0);
    if member.role() != Role::Viewer && test.status != TestStatus::Planned {
        let area = optional_id(&area, "area")?;
        let name = parse_text(&q, "q", "The search", 100)?;
        let filter = TestPeopleFilter {
            area_ids: area.map(|a| subtree(&areas, &[a])),
            shift_id: optional_id(&shift, "shift")?,
            name: (!name.is_empty()).then_some(name),
            unmarked_only: checked(&unmarked),
            limit: PEOPLE_SHOWN,
        };
        (people, people_total) = store
            .test_people(member.campaign(), test_id, member.scope()?, &filter)
            .await?;
    }
    let lead = member.role() == Role::Lead;
    let validation = if lead && test.status == TestStatus::Closed {
        let input = store.test_validation(member.campaign(), test_id).await?;
        Some(Validation::build(&input, &areas))
    } else {
        None
    };
    member
        .audit(
            "structure_test.read",
            format!("structure_test:{test_id}"),
            format!("people={}", people.len()),
        )
        .await?;
    Ok(TestPageData {
        scope_words: test.scope_words(&areas),
        outcome: tally.outcome(&test),
        form: (lead && test.status == TestStatus::Planned).then(|| TestForm::of(&test)),
        test,
        tally,
        areas,
        shifts,
        role: member.role(),
        people,
        people_total,
        // Time-ordered: the id says when the form was rendered (see `made_at`).
        client_id: uuid::Uuid::now_v7().to_string(),
        validation,
    })
}

/// The tally alone, for a screen everyone can see (it reloads itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyPageData {
    pub test: StructureTest,
    pub tally: Tally,
    pub outcome: Option<Outcome>,
}

#[server(prefix = "/api", endpoint = "pages/test_tally")]
pub async fn test_tally_page(campaign_id: i64, test_id: i64) -> Result<TallyPageData, AppError> {
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    let test = test_of(&member, test_id).await?;
    let (tally, _, _) = tally_of(&member, test_id).await?;
    Ok(TallyPageData {
        outcome: tally.outcome(&test),
        test,
        tally,
    })
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::api::structure::Recorded;
    use crate::auth::InCampaign;
    use crate::domain::structure::{Marking, StructureTest, Tally};
    use crate::domain::{Area, Choice, Shift};
    use crate::error::AppError;
    use crate::store::NewMarks;
    use chrono::{DateTime, Utc};

    /// Test `test_id` of the member's campaign; NotFound for another campaign's.
    pub(super) async fn test_of(
        member: &InCampaign,
        test_id: i64,
    ) -> Result<StructureTest, AppError> {
        member
            .store()
            .structure_test(member.campaign(), test_id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The test's tally as the member may see it, with the campaign's areas and shifts.
    pub(super) async fn tally_of(
        member: &InCampaign,
        test_id: i64,
    ) -> Result<(Tally, Vec<Area>, Vec<Shift>), AppError> {
        let store = member.store();
        let (disclosure, groups, areas, shifts) = tokio::try_join!(
            member.disclosure(),
            async {
                Ok(store
                    .test_tally(member.campaign(), test_id, member.own_scope())
                    .await?)
            },
            async { Ok(store.list_areas(member.campaign()).await?) },
            async { Ok(store.list_shifts(member.campaign()).await?) },
        )?;
        // A test's scope is campaign-wide: an organizer's own marks are in it.
        let tally = Tally::build(&groups, &areas, &shifts, disclosure.campaign_wide());
        Ok((tally, areas, shifts))
    }

    /// When a form's marks were made: the time its page was rendered, read from the form's
    /// time-ordered id (UUID v7), and never later than `now` (a form cannot claim the
    /// future to pin its mark). An id of another shape was made now.
    pub fn made_at(client_id: &str, now: DateTime<Utc>) -> DateTime<Utc> {
        uuid::Uuid::parse_str(client_id)
            .ok()
            .and_then(|id| id.get_timestamp())
            .and_then(|t| {
                let (secs, nanos) = t.to_unix();
                DateTime::<Utc>::from_timestamp(i64::try_from(secs).ok()?, nanos)
            })
            .map_or(now, |made| made.min(now))
    }

    /// Records `marking` for the member, then (for a form posted without JavaScript)
    /// sends the browser back to the page it came from, saying how many were marked.
    pub(super) async fn record(
        member: &InCampaign,
        test: &StructureTest,
        client_id: &str,
        marking: Marking,
    ) -> Result<Recorded, AppError> {
        use crate::domain::organizing::parse_client_id;
        let client_id = parse_client_id(client_id)?;
        let at = chrono::Utc::now();
        let marks = NewMarks {
            made_at: made_at(&client_id, at),
            client_id,
            response: marking.response,
            coworker_ids: marking.coworker_ids,
            recorded_by: member.user_id(),
            at,
        };
        let event = member.event(
            "participation.record",
            format!("structure_test:{}", test.id),
            format!(
                "mark={} people={}",
                marks.response.key(),
                marks.coworker_ids.len()
            ),
        );
        let stored = member
            .store()
            .record_marks(member.campaign(), test.id, member.scope()?, &marks, &event)
            .await?;
        let recorded = Recorded {
            marked: marks.coworker_ids.len(),
            stored,
        };
        if crate::auth::is_plain_form_post() {
            // Back where the marking was done: one person's row, or the list's head.
            let place = match marks.coworker_ids.as_slice() {
                [one] => format!("row-{one}"),
                _ => "record-heading".to_owned(),
            };
            leptos_axum::redirect(&format!(
                "{}#{place}",
                back_with_recorded(member.campaign_id(), test.id, recorded.marked)
            ));
        }
        Ok(recorded)
    }

    /// The page the form came from (the form layer puts it in the Referer), with
    /// `recorded=N`; the test's page when there is none.
    fn back_with_recorded(campaign_id: i64, test_id: i64, marked: usize) -> String {
        let own = format!("/campaigns/{campaign_id}/tests/{test_id}");
        let back = leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::REFERER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|r| r.parse::<http::Uri>().ok())
                    .and_then(|u| u.path_and_query().map(|pq| pq.to_string()))
            })
            .filter(|p| p.starts_with(&own))
            .unwrap_or(own);
        let (path, query) = back.split_once('?').unwrap_or((&back, ""));
        let mut params: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("recorded=") && !p.starts_with("__"))
            .collect();
        let recorded = format!("recorded={marked}");
        params.push(&recorded);
        format!("{path}?{}", params.join("&"))
    }
}

//! Arguments of the app's wider server functions with every optional field empty, as a
//! form that leaves them blank sends them. A story sets what it needs on top:
//! `UpdateCoworker { tags: "choir".into(), ..calls::update_coworker(campaign, ana, "Ana") }`,
//! or for a flattened form, `with_form(calls::update_coworker(campaign, ana, "Ana"), |f|
//! f.tags = "choir".into())`.
//! Every field is named here, so a changed signature fails to compile, here or in the
//! story.

use app::api::auth::SignIn;
use app::api::coworkers::{AddTie, CreateCoworker, UpdateCoworker};
use app::api::map::{CreateArea, GetChart, UpdateArea};
use app::api::members::{AuditLog, CreateInvite, UpdateMember};
use app::api::organizing::{LogConversation, SetRating, UpdateSettings};
use app::api::roster::{ApplyRoster, PreviewRoster};
use app::api::structure::{CreateTest, RecordMarks, TestPage};
use app::api::votes::{AddPlace, CreatePlan, SaveScenario, UpdatePlan, VotePage, WhatIf};
use app::domain::forecast::plan::{PlaceForm, PlanForm};
use app::domain::forecast::Rates;
use app::domain::organizing::{LogForm, SettingsForm};
use app::domain::structure::TestForm;
use app::domain::workplace::CoworkerForm;

pub fn sign_in(email: &str, password: &str) -> SignIn {
    SignIn {
        email: email.into(),
        password: password.into(),
        next: String::new(),
    }
}

pub fn create_area(campaign_id: i64, name: &str) -> CreateArea {
    CreateArea {
        campaign_id,
        name: name.into(),
        parent_id: String::new(),
    }
}

pub fn update_area(campaign_id: i64, area_id: i64, name: &str) -> UpdateArea {
    UpdateArea {
        campaign_id,
        area_id,
        name: name.into(),
        parent_id: String::new(),
        retired: String::new(),
        grid_x: String::new(),
        grid_y: String::new(),
        grid_w: String::new(),
        grid_h: String::new(),
    }
}

/// A new coworker in `area_id` (`None`: no area).
pub fn create_coworker(campaign_id: i64, name: &str, area_id: Option<i64>) -> CreateCoworker {
    CreateCoworker {
        campaign_id,
        form: CoworkerForm {
            name: name.into(),
            area_id: area_id.map(|a| a.to_string()).unwrap_or_default(),
            ..CoworkerForm::default()
        },
    }
}

/// An edit that keeps the name `name` and clears everything else (the area too).
pub fn update_coworker(campaign_id: i64, coworker_id: i64, name: &str) -> UpdateCoworker {
    UpdateCoworker {
        campaign_id,
        coworker_id,
        form: CoworkerForm {
            name: name.into(),
            ..CoworkerForm::default()
        },
    }
}

/// The arguments of a server function that takes a flattened form.
pub trait WithForm {
    type Form;
    fn form_mut(&mut self) -> &mut Self::Form;
}

/// `WithForm` for server functions whose flattened form is their `form` field.
macro_rules! with_form_field {
    ($($args:ty => $form:ty),+ $(,)?) => {$(
        impl WithForm for $args {
            type Form = $form;
            fn form_mut(&mut self) -> &mut $form {
                &mut self.form
            }
        }
    )+};
}

with_form_field!(
    CreateCoworker => CoworkerForm,
    UpdateCoworker => CoworkerForm,
    UpdateSettings => SettingsForm,
    CreateTest => TestForm,
    CreatePlan => PlanForm,
    UpdatePlan => PlanForm,
    AddPlace => PlaceForm,
    LogConversation => LogForm,
);

/// `args` with its form's fields changed by `change`.
pub fn with_form<A: WithForm>(mut args: A, change: impl FnOnce(&mut A::Form)) -> A {
    change(args.form_mut());
    args
}

pub fn add_tie(campaign_id: i64, coworker_id: i64, other: &str, kind: &str) -> AddTie {
    AddTie {
        campaign_id,
        coworker_id,
        other: other.into(),
        kind: kind.into(),
    }
}

pub fn chart(campaign_id: i64) -> GetChart {
    GetChart {
        campaign_id,
        q: String::new(),
        rating: String::new(),
        tag: String::new(),
        organizer: String::new(),
    }
}

pub fn invite(campaign_id: i64, role: &str) -> CreateInvite {
    CreateInvite {
        campaign_id,
        role: role.into(),
        areas: String::new(),
        note: String::new(),
    }
}

pub fn update_member(campaign_id: i64, user_id: i64, role: &str, areas: &str) -> UpdateMember {
    UpdateMember {
        campaign_id,
        user_id,
        role: role.into(),
        areas: areas.into(),
    }
}

/// The first page of the audit log, unfiltered.
pub fn audit_log(campaign_id: i64) -> AuditLog {
    AuditLog {
        campaign_id,
        before: String::new(),
        action: String::new(),
        actor: String::new(),
    }
}

/// A one-on-one with nothing filled in but its `client_id`.
pub fn log_conversation(campaign_id: i64, coworker_id: i64, client_id: &str) -> LogConversation {
    LogConversation {
        campaign_id,
        coworker_id,
        form: LogForm {
            client_id: client_id.into(),
            // A one-on-one says something (an empty one is refused).
            notes: "Talked.".into(),
            ..LogForm::default()
        },
        issues: Vec::new(),
    }
}

pub fn set_rating(campaign_id: i64, coworker_id: i64, rating: &str) -> SetRating {
    SetRating {
        campaign_id,
        coworker_id,
        rating: rating.into(),
        source: String::new(),
        note: String::new(),
        at: String::new(),
        client_id: String::new(),
    }
}

pub fn update_settings(campaign_id: i64, stale_days: &str, issue_tags: &str) -> UpdateSettings {
    UpdateSettings {
        campaign_id,
        form: SettingsForm {
            stale_days: stale_days.into(),
            issue_tags: issue_tags.into(),
            ..SettingsForm::default()
        },
    }
}

pub fn preview_roster(campaign_id: i64, import_id: i64) -> PreviewRoster {
    PreviewRoster {
        campaign_id,
        import_id,
        mapping: String::new(),
        match_by: String::new(),
        encoding: String::new(),
    }
}

/// Applies an import with `mapping`, adding new people (`add_new` ticked), no moves or
/// departures confirmed.
pub fn apply_roster(campaign_id: i64, import_id: i64, mapping: &str) -> ApplyRoster {
    ApplyRoster {
        campaign_id,
        import_id,
        mapping: mapping.into(),
        match_by: String::new(),
        add_new: "on".into(),
        moves: Vec::new(),
        gone: Vec::new(),
        encoding: String::new(),
    }
}

/// A structure test of `kind` with a 70% goal over the whole campaign, nothing else set
/// (a vote needs its rule: `with_form(.., |f| f.yes_percent = "75".into())`).
pub fn plan_test(campaign_id: i64, kind: &str, title: &str) -> CreateTest {
    CreateTest {
        campaign_id,
        form: TestForm {
            kind: kind.into(),
            title: title.into(),
            goal_percent: "70".into(),
            ..TestForm::default()
        },
        area_ids: Vec::new(),
    }
}

/// Marks everyone in `coworkers` with `response`, as the ticked boxes of one form.
pub fn record(
    campaign_id: i64,
    test_id: i64,
    client_id: &str,
    response: &str,
    coworkers: &[i64],
) -> RecordMarks {
    RecordMarks {
        campaign_id,
        test_id,
        client_id: client_id.into(),
        response: response.into(),
        one: String::new(),
        coworker_ids: coworkers.iter().map(i64::to_string).collect(),
    }
}

/// The test page with no filter.
pub fn test_page(campaign_id: i64, test_id: i64) -> TestPage {
    TestPage {
        campaign_id,
        test_id,
        area: String::new(),
        shift: String::new(),
        q: String::new(),
        unmarked: String::new(),
    }
}

/// A vote plan over the whole campaign: yes from 75% of everyone in the scope, no
/// turnout rule, the default target and planned turnout (`with_form` for others, and
/// `area_ids` for a narrower scope).
pub fn plan_vote(campaign_id: i64, title: &str) -> CreatePlan {
    CreatePlan {
        campaign_id,
        form: PlanForm {
            title: title.into(),
            vote_base: "unit".into(),
            yes_percent: "75".into(),
            ..PlanForm::default()
        },
        area_ids: Vec::new(),
    }
}

/// The default rates with one changed: a scenario must change something to be saved.
pub fn hopeful_rates() -> Rates {
    let mut rates = Rates::default();
    rates.turnout[2] = 80;
    rates
}

/// A scenario of `rates` with no moves (add rows to `move_area` etc. for moves).
pub fn save_scenario(campaign_id: i64, plan_id: i64, name: &str, rates: &Rates) -> SaveScenario {
    let text = |v: &[u8]| v.iter().map(u8::to_string).collect();
    SaveScenario {
        campaign_id,
        plan_id,
        name: name.into(),
        turnout: text(&rates.turnout),
        yes: text(&rates.yes),
        move_area: Vec::new(),
        move_from: Vec::new(),
        move_to: Vec::new(),
        move_count: Vec::new(),
    }
}

/// The what-if of a scenario form: its figures, sent without its name.
pub fn what_if(form: SaveScenario) -> WhatIf {
    WhatIf {
        campaign_id: form.campaign_id,
        plan_id: form.plan_id,
        turnout: form.turnout,
        yes: form.yes,
        move_area: form.move_area,
        move_from: form.move_from,
        move_to: form.move_to,
        move_count: form.move_count,
    }
}

/// A polling place for every area and shift of the scope, open `opens_at` to `closes_at`
/// ("YYYY-MM-DDTHH:MM"), covered by nobody.
pub fn add_place(
    campaign_id: i64,
    plan_id: i64,
    name: &str,
    opens_at: &str,
    closes_at: &str,
) -> AddPlace {
    AddPlace {
        campaign_id,
        plan_id,
        form: PlaceForm {
            name: name.into(),
            opens_at: opens_at.into(),
            closes_at: closes_at.into(),
            ..PlaceForm::default()
        },
    }
}

/// A plan's forecast page with its default scenario (the newest saved).
pub fn vote_page(campaign_id: i64, plan_id: i64) -> VotePage {
    VotePage {
        campaign_id,
        plan_id,
        scenario: String::new(),
    }
}

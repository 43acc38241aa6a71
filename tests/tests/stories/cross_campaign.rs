//! Cross-campaign object ids: a lead of campaign A sends A's `campaign_id` — so every
//! guard lets them in — with the id of an object of campaign B (a coworker, a tie, a test,
//! a vote plan, an area used as a reference…). Each such request is refused as a request
//! for an object that exists nowhere is: the same status and answer (numbers aside), no
//! trace of B in it, and not one row changed anywhere in the database. The same request
//! with A's own object is then answered, so a refusal is about the id, never about a
//! malformed request.
//!
//! A new server function fails this story until it has a row here, or is listed among
//! those that take no object id.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

use app::api::auth::{
    ChangePassword, CreateAccount, GetInvite, JoinInvite, SecondStep, SecondStepState, SignIn,
    SignOut, SignOutEverywhere, Whoami,
};
use app::api::campaigns::{CreateCampaign, GetCampaign, ListCampaigns};
use app::api::coworkers::{
    ArchiveCoworker, CoworkerPage, CoworkersPage, GetCoworker, ListCoworkers, ListTies,
    OrganicLeaders, RemoveTie,
};
use app::api::dashboard::DashboardPage;
use app::api::heat::{ExportHeatMap, GetHeatCell, GetHeatMap};
use app::api::map::{
    ChartPage, CreateArea, CreateShift, FloorPlan, ListAreas, ListShifts, MapPage,
};
use app::api::members::{
    AuditLog, CreateInvite, ListInvites, ListMembers, MembersPage, RemoveMember, ResetSecondFactor,
    RevokeInvite,
};
use app::api::organizing::{
    CoveragePage, CoworkerHistory, FollowUpDone, GetCoverage, GetLogForm, GetMyList, GetSettings,
    ResolveCommitment, UpdateSettings,
};
use app::api::roster::{ApplyRoster, UploadRoster};
use app::api::security::{
    BeginSecondFactor, ConfirmSecondFactor, EndOtherSessions, EndSession, SecurityPage,
    TurnOffSecondFactor,
};
use app::api::structure::{CloseTest, OpenTest, RecordGroup, TestTallyPage, TestsPage, UpdateTest};
use app::api::votes::{RemovePlace, StartPractice, UpdatePlan, VotePlanPage, VotesPage};
use app::domain::forecast::Rates;
use app::domain::ChartFilter;
use rankfile_tests::calls::{self, with_form};
use rankfile_tests::{area, coworker_on, shift, stories, Backend, Browser, TestApp};
use serde::Serialize;
use server_fn::ServerFn;
use sqlx::Connection;

stories!(another_campaigns_ids_are_refused_through_my_campaign);

/// Server functions that name no object but their campaign (or an invite token, which
/// is the invitation itself): nothing of another campaign can be put in their arguments.
const NO_OBJECT_IDS: &[&str] = &[
    Whoami::PATH,
    SignIn::PATH,
    SignOut::PATH,
    SignOutEverywhere::PATH,
    ChangePassword::PATH,
    SecondStep::PATH,
    SecondStepState::PATH,
    // The account's own second factor and sessions: a session id names one of the
    // caller's sessions, and another's answers as a missing one (second_factor.rs).
    SecurityPage::PATH,
    BeginSecondFactor::PATH,
    ConfirmSecondFactor::PATH,
    TurnOffSecondFactor::PATH,
    EndSession::PATH,
    EndOtherSessions::PATH,
    GetInvite::PATH,
    CreateAccount::PATH,
    JoinInvite::PATH,
    ListCampaigns::PATH,
    CreateCampaign::PATH,
    GetCampaign::PATH,
    ListMembers::PATH,
    ListInvites::PATH,
    ListAreas::PATH,
    ListShifts::PATH,
    CreateShift::PATH,
    FloorPlan::PATH,
    MapPage::PATH,
    ListCoworkers::PATH,
    CoworkersPage::PATH,
    OrganicLeaders::PATH,
    GetMyList::PATH,
    GetCoverage::PATH,
    CoveragePage::PATH,
    GetSettings::PATH,
    UpdateSettings::PATH,
    DashboardPage::PATH,
    GetHeatMap::PATH,
    ExportHeatMap::PATH,
    UploadRoster::PATH,
    TestsPage::PATH,
    VotesPage::PATH,
];

/// What a campaign's texts are made of: B's turn up in no answer to A's lead.
struct Names {
    /// In every place name and title ("Alpha Dock", "Alpha petition"…).
    tag: &'static str,
    /// The coworker, their neighbour (tied to them), and the one who leaves.
    people: [&'static str; 3],
    /// The members' e-mail domain.
    domain: &'static str,
}

const ALPHA: Names = Names {
    tag: "Alpha",
    people: ["Dana Reyes", "Sam Okafor", "Lou Ferreira"],
    domain: "a.example.org",
};

const BRAVO: Names = Names {
    tag: "Bravo",
    people: ["Bea Lindqvist", "Kofi Mensah", "Yara Haddad"],
    domain: "b.example.org",
};

impl Names {
    /// Strings that mark an answer as holding this campaign's data.
    fn traces(&self) -> Vec<String> {
        let mut traces = vec![self.tag.to_owned(), self.tag.to_lowercase()];
        for person in self.people {
            traces.push(person.to_owned());
            traces.push(person.rsplit(' ').next().unwrap_or(person).to_owned());
        }
        traces.push(format!("@{}", self.domain));
        traces
    }

    fn lead_email(&self) -> String {
        format!("lead@{}", self.domain)
    }

    /// The roster file both imports of the campaign hold: the coworker and the neighbour
    /// where they are, and not the leaver (so a reconciliation lists the leaver as gone).
    fn roster(&self) -> Vec<u8> {
        format!(
            "Employee Name,Dept\n{},{tag} Dock\n{},{tag} Dock\n",
            self.people[0],
            self.people[1],
            tag = self.tag
        )
        .into_bytes()
    }
}

/// One campaign's objects: one of each kind a server function can name.
#[derive(Debug, Clone, Default)]
struct Objects {
    area: i64,
    /// A second area (an area moved under another needs two).
    area2: i64,
    shift: i64,
    coworker: i64,
    neighbour: i64,
    leaver: i64,
    tie: i64,
    conversation: i64,
    commitment: i64,
    lead: i64,
    organizer: i64,
    invite: i64,
    planned_test: i64,
    live_test: i64,
    plan: i64,
    scenario: i64,
    place: i64,
    import: i64,
}

/// Which of a campaign's objects a swap puts in place of A's.
#[derive(Debug, Clone, Copy)]
enum Id {
    Area,
    Area2,
    Shift,
    Coworker,
    Neighbour,
    Leaver,
    Tie,
    Conversation,
    Commitment,
    Lead,
    Organizer,
    Invite,
    PlannedTest,
    LiveTest,
    Plan,
    Scenario,
    Place,
    Import,
}

impl Id {
    const ALL: [Id; 18] = [
        Id::Area,
        Id::Area2,
        Id::Shift,
        Id::Coworker,
        Id::Neighbour,
        Id::Leaver,
        Id::Tie,
        Id::Conversation,
        Id::Commitment,
        Id::Lead,
        Id::Organizer,
        Id::Invite,
        Id::PlannedTest,
        Id::LiveTest,
        Id::Plan,
        Id::Scenario,
        Id::Place,
        Id::Import,
    ];

    fn of(self, o: &mut Objects) -> &mut i64 {
        match self {
            Id::Area => &mut o.area,
            Id::Area2 => &mut o.area2,
            Id::Shift => &mut o.shift,
            Id::Coworker => &mut o.coworker,
            Id::Neighbour => &mut o.neighbour,
            Id::Leaver => &mut o.leaver,
            Id::Tie => &mut o.tie,
            Id::Conversation => &mut o.conversation,
            Id::Commitment => &mut o.commitment,
            Id::Lead => &mut o.lead,
            Id::Organizer => &mut o.organizer,
            Id::Invite => &mut o.invite,
            Id::PlannedTest => &mut o.planned_test,
            Id::LiveTest => &mut o.live_test,
            Id::Plan => &mut o.plan,
            Id::Scenario => &mut o.scenario,
            Id::Place => &mut o.place,
            Id::Import => &mut o.import,
        }
    }

    /// `ours` with this one object taken from `from`.
    fn swapped(self, ours: &Objects, from: &Objects) -> Objects {
        let mut ids = ours.clone();
        *self.of(&mut ids) = *self.of(&mut from.clone());
        ids
    }
}

impl Objects {
    /// Ids no campaign has (each its own, so an answer cannot mix them up).
    fn ghost() -> Objects {
        let mut ids = Objects::default();
        for (n, id) in Id::ALL.into_iter().enumerate() {
            *id.of(&mut ids) = 9_000_001 + n as i64;
        }
        ids
    }
}

/// How a request naming another campaign's object must be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The object is what the call acts on or reads: 404.
    NotFound,
    /// The object is a reference inside a form (an area, a shift, an organizer): 422,
    /// naming the field, as the form shows it.
    Invalid,
    /// The object narrows a read (a filter) or is one of a list the call matches against
    /// its own campaign's: answered (2xx), acting on nothing of B.
    Ignored,
}

impl Expect {
    fn accepts(self, status: u16) -> bool {
        match self {
            Expect::NotFound => status == 404,
            Expect::Invalid => status == 422,
            Expect::Ignored => (200..300).contains(&status),
        }
    }
}

type Answer = Pin<Box<dyn Future<Output = reqwest::Response>>>;

struct Swap {
    id: Id,
    expect: Expect,
}

struct Row {
    /// The server function's registered path.
    path: &'static str,
    /// The request, with A's campaign and the object ids given.
    call: Box<dyn Fn(Browser, Objects) -> Answer>,
    swaps: Vec<Swap>,
    /// Tables an answered call writes (an answered read audits itself): left out of
    /// "nothing changed" for this row's `Ignored` swaps.
    writes: &'static [&'static str],
}

/// A row for the server function whose arguments `args` makes from the object ids.
fn row<F>(args: impl Fn(&Objects) -> F + 'static) -> Row
where
    F: ServerFn + Serialize + 'static,
{
    Row {
        path: F::PATH,
        call: Box::new(move |browser: Browser, ids: Objects| -> Answer {
            let args = args(&ids);
            Box::pin(async move { browser.call_fn(args).await })
        }),
        swaps: Vec::new(),
        writes: &[],
    }
}

impl Row {
    fn swap(mut self, id: Id, expect: Expect) -> Row {
        self.swaps.push(Swap { id, expect });
        self
    }

    fn writes(mut self, tables: &'static [&'static str]) -> Row {
        self.writes = tables;
        self
    }
}

/// A fresh `client_id` per call: a form sent again is stored once, and each call here
/// is a new form.
fn client_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A fresh upload of A's roster, applied with `gone` and `moves` ticking the leaver: A's
/// own leaver is in the reconciliation and leaves; anyone else's id matches nothing.
fn apply_fresh_upload(a: i64) -> Row {
    Row {
        path: ApplyRoster::PATH,
        call: Box::new(move |browser: Browser, ids: Objects| -> Answer {
            Box::pin(async move {
                let import = browser
                    .upload_roster_ok(a, "alpha-again.csv", ALPHA.roster())
                    .await;
                browser
                    .call_fn(ApplyRoster {
                        add_new: String::new(),
                        match_by: "name_area".into(),
                        moves: vec![ids.leaver],
                        gone: vec![ids.leaver],
                        ..calls::apply_roster(a, import, "name,area")
                    })
                    .await
            })
        }),
        swaps: vec![Swap {
            id: Id::Leaver,
            expect: Expect::Ignored,
        }],
        writes: &["roster_imports", "audit_events"],
    }
}

/// Revoking an invite: its own function, so that the ignored story can ask 404 of it.
fn revoke_invite(a: i64, expect: Expect) -> Row {
    row(move |ids| RevokeInvite {
        campaign_id: a,
        invite_id: ids.invite,
    })
    .swap(Id::Invite, expect)
}

/// Every request that names an object, each with the ids A's own objects have; the
/// swaps say which one is replaced by B's (or by an id of nothing) and what must come
/// back. The calls that use an object up come last, in the order their objects allow.
fn rows(a: i64) -> Vec<Row> {
    use Expect::*;
    use Id::*;
    let name = ALPHA.people[0];
    let text = |id: i64| id.to_string();
    vec![
        // --- members ---
        row(move |ids| CreateInvite {
            areas: text(ids.area),
            ..calls::invite(a, "organizer")
        })
        .swap(Area, Invalid),
        row(move |ids| calls::update_member(a, ids.organizer, "organizer", &text(ids.area)))
            .swap(Organizer, NotFound)
            .swap(Area, Invalid),
        // Filtered by who did it: A's log holds nothing by B's lead, as by nobody.
        // (`before` is a cursor over one sequence of entries, not an object.)
        row(move |ids| AuditLog {
            actor: text(ids.lead),
            ..calls::audit_log(a)
        })
        .swap(Lead, Ignored)
        .writes(&["audit_events"]),
        // An invite link made without JavaScript is shown once, to the lead who made it:
        // B's stays B's, unspent.
        row(move |ids| MembersPage {
            campaign_id: a,
            shown: Some(ids.invite),
        })
        .swap(Invite, Ignored)
        .writes(&["audit_events"]),
        // --- the workplace map ---
        row(move |ids| CreateArea {
            parent_id: text(ids.area),
            ..calls::create_area(a, "Alpha Loft")
        })
        .swap(Area, Invalid),
        // The second area moved under the first: the subject, then the new parent (not
        // found either: this form's store error is not turned into a field's).
        row(move |ids| app::api::map::UpdateArea {
            parent_id: text(ids.area),
            ..calls::update_area(a, ids.area2, "Alpha Yard")
        })
        .swap(Area2, NotFound)
        .swap(Area, NotFound),
        row(move |ids| app::api::map::GetChart {
            organizer: text(ids.organizer),
            ..calls::chart(a)
        })
        .swap(Organizer, Ignored)
        .writes(&["audit_events"]),
        row(move |ids| ChartPage {
            campaign_id: a,
            filter: ChartFilter {
                organizer: text(ids.organizer),
                ..Default::default()
            },
        })
        .swap(Organizer, Ignored)
        .writes(&["audit_events"]),
        // --- coworkers and ties ---
        row(move |ids| GetCoworker {
            campaign_id: a,
            coworker_id: ids.coworker,
        })
        .swap(Coworker, NotFound),
        row(move |ids| {
            with_form(
                calls::create_coworker(a, "Alpha Probe", Some(ids.area)),
                |f| {
                    f.shift_id = text(ids.shift);
                    f.assigned_organizer = text(ids.organizer);
                },
            )
        })
        .swap(Area, Invalid)
        .swap(Shift, Invalid)
        .swap(Organizer, Invalid),
        row(move |ids| {
            with_form(calls::update_coworker(a, ids.coworker, name), |f| {
                f.area_id = text(ids.area);
                f.shift_id = text(ids.shift);
                f.assigned_organizer = text(ids.organizer);
            })
        })
        .swap(Coworker, NotFound)
        .swap(Area, Invalid)
        .swap(Shift, Invalid)
        .swap(Organizer, Invalid),
        row(move |ids| ListTies {
            campaign_id: a,
            coworker_id: ids.coworker,
        })
        .swap(Coworker, NotFound),
        row(move |ids| calls::add_tie(a, ids.coworker, &text(ids.neighbour), "carpool"))
            .swap(Coworker, NotFound)
            .swap(Neighbour, Invalid),
        row(move |ids| CoworkerPage {
            campaign_id: a,
            coworker_id: ids.coworker,
        })
        .swap(Coworker, NotFound),
        // --- the organizer's loop ---
        row(move |ids| GetLogForm {
            campaign_id: a,
            coworker_id: ids.coworker,
        })
        .swap(Coworker, NotFound),
        row(move |ids| calls::log_conversation(a, ids.coworker, &client_id()))
            .swap(Coworker, NotFound),
        row(move |ids| calls::set_rating(a, ids.coworker, "3")).swap(Coworker, NotFound),
        row(move |ids| CoworkerHistory {
            campaign_id: a,
            coworker_id: ids.coworker,
        })
        .swap(Coworker, NotFound),
        // --- the roster ---
        row(move |ids| calls::preview_roster(a, ids.import)).swap(Import, NotFound),
        // --- structure tests ---
        row(move |ids| app::api::structure::CreateTest {
            area_ids: vec![text(ids.area)],
            ..calls::plan_test(a, "petition", "Alpha probe test")
        })
        .swap(Area, Invalid),
        row(move |ids| UpdateTest {
            campaign_id: a,
            test_id: ids.planned_test,
            form: calls::plan_test(a, "petition", "Alpha petition").form,
            area_ids: vec![text(ids.area)],
        })
        .swap(PlannedTest, NotFound)
        .swap(Area, Invalid),
        row(move |ids| calls::record(a, ids.live_test, &client_id(), "took_part", &[ids.coworker]))
            .swap(LiveTest, NotFound)
            .swap(Coworker, NotFound),
        row(move |ids| RecordGroup {
            campaign_id: a,
            test_id: ids.live_test,
            client_id: client_id(),
            response: "took_part".into(),
            area_id: text(ids.area),
            shift_id: text(ids.shift),
            only_unmarked: String::new(),
        })
        .swap(LiveTest, NotFound)
        .swap(Area, Invalid)
        .swap(Shift, Invalid),
        row(move |ids| app::api::structure::TestPage {
            area: text(ids.area),
            shift: text(ids.shift),
            ..calls::test_page(a, ids.live_test)
        })
        .swap(LiveTest, NotFound)
        .swap(Area, Ignored)
        .swap(Shift, Ignored)
        .writes(&["audit_events"]),
        row(move |ids| TestTallyPage {
            campaign_id: a,
            test_id: ids.live_test,
        })
        .swap(LiveTest, NotFound),
        // --- vote plans ---
        row(move |ids| app::api::votes::CreatePlan {
            area_ids: vec![text(ids.area)],
            ..calls::plan_vote(a, "Alpha probe vote")
        })
        .swap(Area, Invalid),
        row(move |ids| UpdatePlan {
            campaign_id: a,
            plan_id: ids.plan,
            form: calls::plan_vote(a, "Alpha vote").form,
            area_ids: vec![text(ids.area)],
        })
        .swap(Plan, NotFound)
        .swap(Area, Invalid),
        row(move |ids| app::api::votes::SaveScenario {
            move_area: vec![text(ids.area)],
            move_from: vec!["3".into()],
            move_to: vec!["1".into()],
            move_count: vec!["1".into()],
            ..calls::save_scenario(a, ids.plan, "Alpha probe hopes", &Rates::default())
        })
        .swap(Plan, NotFound)
        .swap(Area, Invalid),
        // The what-if names an area in a move as the scenario does; B's is a mistake in the
        // figures (answered, as an area that exists nowhere is: "moves"), never B's count.
        row(move |ids| {
            calls::what_if(app::api::votes::SaveScenario {
                move_area: vec![text(ids.area)],
                move_from: vec!["3".into()],
                move_to: vec!["1".into()],
                move_count: vec!["1".into()],
                ..calls::save_scenario(a, ids.plan, "", &Rates::default())
            })
        })
        .swap(Plan, NotFound)
        .swap(Area, Ignored),
        row(move |ids| {
            with_form(
                calls::add_place(
                    a,
                    ids.plan,
                    "Alpha probe place",
                    "2027-03-01T06:00",
                    "2027-03-01T22:00",
                ),
                |f| {
                    f.area_id = text(ids.area);
                    f.shift_id = text(ids.shift);
                    f.organizer_id = text(ids.organizer);
                },
            )
        })
        .swap(Plan, NotFound)
        .swap(Area, Invalid)
        .swap(Shift, Invalid)
        .swap(Organizer, Invalid),
        row(move |ids| app::api::votes::VotePage {
            scenario: text(ids.scenario),
            ..calls::vote_page(a, ids.plan)
        })
        .swap(Plan, NotFound)
        .swap(Scenario, NotFound),
        row(move |ids| VotePlanPage {
            campaign_id: a,
            plan_id: ids.plan,
        })
        .swap(Plan, NotFound),
        // --- the heat map: one cell, by area and shift ---
        row(move |ids| GetHeatCell {
            campaign_id: a,
            dimension: "shift".into(),
            as_of: String::new(),
            days: String::new(),
            area_id: text(ids.area),
            column: text(ids.shift),
        })
        .swap(Area, Invalid)
        .swap(Shift, Ignored)
        .writes(&["audit_events"]),
        // --- calls that use their object up, after every row that needs it ---
        // Another campaign's invite is not found (404); one of this campaign's that was
        // used or revoked already is a conflict (409).
        revoke_invite(a, NotFound),
        row(move |ids| RemoveTie {
            campaign_id: a,
            tie_id: ids.tie,
        })
        .swap(Tie, NotFound),
        row(move |ids| FollowUpDone {
            campaign_id: a,
            conversation_id: ids.conversation,
        })
        .swap(Conversation, NotFound),
        row(move |ids| ResolveCommitment {
            campaign_id: a,
            commitment_id: ids.commitment,
            status: "kept".into(),
        })
        .swap(Commitment, NotFound),
        row(move |ids| ApplyRoster {
            add_new: String::new(),
            match_by: "name_area".into(),
            ..calls::apply_roster(a, ids.import, "name,area")
        })
        .swap(Import, NotFound),
        apply_fresh_upload(a),
        // After the plan's update (a planned test only).
        row(move |ids| OpenTest {
            campaign_id: a,
            test_id: ids.planned_test,
        })
        .swap(PlannedTest, NotFound),
        // After the marks (a live test only).
        row(move |ids| CloseTest {
            campaign_id: a,
            test_id: ids.live_test,
        })
        .swap(LiveTest, NotFound),
        row(move |ids| RemovePlace {
            campaign_id: a,
            plan_id: ids.plan,
            place_id: ids.place,
        })
        .swap(Plan, NotFound)
        .swap(Place, NotFound),
        row(move |ids| StartPractice {
            campaign_id: a,
            plan_id: ids.plan,
        })
        .swap(Plan, NotFound),
        // B's organizer is not A's member: 404.
        row(move |ids| ResetSecondFactor {
            campaign_id: a,
            user_id: ids.organizer,
        })
        .swap(Organizer, NotFound),
        // After every row that names the organizer.
        row(move |ids| RemoveMember {
            campaign_id: a,
            user_id: ids.organizer,
        })
        .swap(Organizer, NotFound),
        // Last: the neighbour leaves the chart (archiving is the dangerous direction).
        row(move |ids| ArchiveCoworker {
            campaign_id: a,
            coworker_id: ids.neighbour,
            restore: String::new(),
        })
        .swap(Neighbour, NotFound),
    ]
}

/// A campaign with one of each object, made by its lead through the app.
async fn furnish(app: &TestApp, lead: &Browser, c: i64, names: &Names) -> Objects {
    let tag = names.tag;
    let [first, second, third] = names.people;
    let dock = area(lead, c, &format!("{tag} Dock")).await;
    let yard = area(lead, c, &format!("{tag} Yard")).await;
    let nights = shift(lead, c, &format!("{tag} Nights")).await;
    let coworker = coworker_on(lead, c, first, dock, nights).await;
    let neighbour = coworker_on(lead, c, second, dock, nights).await;
    let leaver = rankfile_tests::coworker(lead, c, third, dock).await;
    let tie = lead
        .call_fn_ok(calls::add_tie(
            c,
            coworker,
            &neighbour.to_string(),
            "friends",
        ))
        .await
        .as_i64()
        .expect("a tie id");
    // A yes to an ask is a commitment; the follow-up date makes it a follow-up too.
    let logged = lead
        .call_fn_ok(with_form(
            calls::log_conversation(c, coworker, &client_id()),
            |f| {
                f.ask = "sign the petition".into();
                f.answer = "yes".into();
                f.follow_up_on = chrono::Utc::now().date_naive().to_string();
            },
        ))
        .await;
    let history = lead
        .call_fn_ok(CoworkerHistory {
            campaign_id: c,
            coworker_id: coworker,
        })
        .await;
    let organizer_email = format!("organizer@{}", names.domain);
    let organizer = app
        .invite_member(lead, c, &organizer_email, "organizer", &dock.to_string())
        .await;
    // With a second factor, for their lead to reset.
    rankfile_tests::factor::enroll(&organizer, &organizer_email).await;
    // Made without JavaScript, so its link waits to be shown once.
    let made = lead
        .post_form_fn(
            &format!("/campaigns/{c}/members"),
            CreateInvite {
                note: format!("{tag} note"),
                ..calls::invite(c, "viewer")
            },
        )
        .await;
    let location = made
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let invite = location
        .rsplit_once("shown=")
        .and_then(|(_, id)| id.parse().ok())
        .unwrap_or_else(|| panic!("a plain invite goes back to the members page: {location}"));
    let test = |title: String| async move {
        lead.call_fn_ok(calls::plan_test(c, "petition", &title))
            .await
            .as_i64()
            .expect("a test id")
    };
    let planned_test = test(format!("{tag} petition")).await;
    let live_test = test(format!("{tag} march")).await;
    lead.call_fn_ok(OpenTest {
        campaign_id: c,
        test_id: live_test,
    })
    .await;
    let plan = lead
        .call_fn_ok(calls::plan_vote(c, &format!("{tag} vote")))
        .await
        .as_i64()
        .expect("a plan id");
    let scenario = lead
        .call_fn_ok(calls::save_scenario(
            c,
            plan,
            &format!("{tag} hopes"),
            &calls::hopeful_rates(),
        ))
        .await
        .as_i64()
        .expect("a scenario id");
    let place = lead
        .call_fn_ok(calls::add_place(
            c,
            plan,
            &format!("{tag} canteen"),
            "2027-03-01T06:00",
            "2027-03-01T22:00",
        ))
        .await
        .as_i64()
        .expect("a place id");
    let import = lead
        .upload_roster_ok(c, &format!("{tag}.csv"), names.roster())
        .await;
    Objects {
        area: dock,
        area2: yard,
        shift: nights,
        coworker,
        neighbour,
        leaver,
        tie,
        conversation: logged["conversation_id"]
            .as_i64()
            .expect("a conversation id"),
        commitment: history["commitments"][0]["id"]
            .as_i64()
            .expect("a commitment id"),
        lead: app.member_id(lead, c, &names.lead_email()).await,
        organizer: app.member_id(lead, c, &organizer_email).await,
        invite,
        planned_test,
        live_test,
        plan,
        scenario,
        place,
        import,
    }
}

/// Every row of every table, as text, by table: what "nothing changed" is checked against.
/// A campaign's `chart_version` is left out: like the audit log, it counts every change of
/// the caller's own campaign, refused or not elsewhere (it is raised with the audit row).
async fn snapshot(app: &TestApp) -> BTreeMap<String, Vec<String>> {
    let mut tables = BTreeMap::new();
    match app.backend {
        Backend::Sqlite => {
            let mut db = sqlx::SqliteConnection::connect(&app.database_url)
                .await
                .expect("connect to the SQLite database");
            let names: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite%' AND name NOT LIKE '\\_sqlx%' ESCAPE '\\'",
            )
            .fetch_all(&mut db)
            .await
            .expect("tables");
            for table in names {
                let columns: Vec<String> = sqlx::query_scalar(&format!(
                    "SELECT name FROM pragma_table_info('{table}') \
                         WHERE name <> 'chart_version'"
                ))
                .fetch_all(&mut db)
                .await
                .expect("columns");
                let row = columns
                    .iter()
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                let mut rows: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT {row} FROM \"{table}\""))
                        .fetch_all(&mut db)
                        .await
                        .expect("rows");
                rows.sort();
                tables.insert(table, rows);
            }
        }
        Backend::Postgres => {
            let mut db = sqlx::PgConnection::connect(&app.database_url)
                .await
                .expect("connect to the PostgreSQL database");
            let names: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 AND table_name NOT LIKE '\\_sqlx%'",
            )
            .fetch_all(&mut db)
            .await
            .expect("tables");
            for table in names {
                let mut rows: Vec<String> = sqlx::query_scalar(&format!(
                    "SELECT (to_jsonb(t) - 'chart_version')::text FROM \"{table}\" t"
                ))
                .fetch_all(&mut db)
                .await
                .expect("rows");
                rows.sort();
                tables.insert(table, rows);
            }
        }
    }
    tables
}

/// What changed between two snapshots, outside the tables in `except`.
fn changes(
    before: &BTreeMap<String, Vec<String>>,
    after: &BTreeMap<String, Vec<String>>,
    except: &[&str],
) -> Vec<String> {
    let empty = Vec::new();
    let tables: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut out = Vec::new();
    for table in tables {
        if except.contains(&table.as_str()) {
            continue;
        }
        let was: BTreeSet<&String> = before.get(table).unwrap_or(&empty).iter().collect();
        let is: BTreeSet<&String> = after.get(table).unwrap_or(&empty).iter().collect();
        for row in is.difference(&was).take(3) {
            out.push(format!("{table}: + {row}"));
        }
        for row in was.difference(&is).take(3) {
            out.push(format!("{table}: - {row}"));
        }
    }
    out
}

/// An answer with its numbers and fresh uuids (a page's new form id) taken out: they
/// differ between two objects that are both absent, the words must not.
fn without_numbers(body: &str) -> String {
    let uuid = |s: &[u8]| {
        s.len() >= 36
            && s[..36].iter().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                _ => b.is_ascii_hexdigit(),
            })
    };
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if uuid(&bytes[i..]) {
            out.extend_from_slice(b"<uuid>");
            i += 36;
        } else if bytes[i].is_ascii_digit() {
            out.push(b'#');
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn answer(call: Answer) -> (u16, String) {
    let res = call.await;
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

fn short(body: &str) -> String {
    body.chars().take(240).collect()
}

/// Builds campaigns A and B, then sends each row's request with each swap of A's object
/// for B's and for an id of nothing, then with A's own: the table of what came back and
/// the problems found.
async fn try_rows(
    app: &TestApp,
    rows: impl FnOnce(i64) -> Vec<Row>,
) -> (String, Vec<String>, BTreeSet<String>) {
    let backend = format!("{:?}", app.backend);
    let started = Instant::now();
    let (lead, a) = app.lead_of(&ALPHA.lead_email(), "Campaign Alpha").await;
    let (lead_b, b) = app.lead_of(&BRAVO.lead_email(), "Campaign Bravo").await;
    let ours = furnish(app, &lead, a, &ALPHA).await;
    let theirs = furnish(app, &lead_b, b, &BRAVO).await;
    let ghost = Objects::ghost();
    let traces = BRAVO.traces();
    let setup_time = started.elapsed();

    let rows = rows(a);
    let mut problems: Vec<String> = Vec::new();
    let mut table = String::new();
    let _ = writeln!(
        table,
        "cross-campaign ids ({backend}): A's campaign with B's object → status (an id of nothing → status); A's own → status"
    );
    for row in &rows {
        for swap in &row.swaps {
            let with_theirs = swap.id.swapped(&ours, &theirs);
            let with_ghost = swap.id.swapped(&ours, &ghost);
            let before = snapshot(app).await;
            if swap.expect == Expect::Ignored {
                // An answered read audits itself: one call first, so that the two
                // answers compared below are given against the same log.
                answer((row.call)(lead.clone(), with_ghost.clone())).await;
            }
            let (status, body) = answer((row.call)(lead.clone(), with_theirs)).await;
            let (ghost_status, ghost_body) = answer((row.call)(lead.clone(), with_ghost)).await;
            let after = snapshot(app).await;
            let what = format!("{} with B's {:?}", row.path, swap.id);
            let mut ok = true;
            if !swap.expect.accepts(status) {
                ok = false;
                problems.push(format!(
                    "{what}: expected {:?}, got {status}: {}",
                    swap.expect,
                    short(&body)
                ));
            }
            if (status, without_numbers(&body)) != (ghost_status, without_numbers(&ghost_body)) {
                ok = false;
                problems.push(format!(
                    "{what}: answered unlike an id of nothing: {status} {} / {ghost_status} {}",
                    short(&body),
                    short(&ghost_body)
                ));
            }
            for trace in traces.iter().filter(|t| body.contains(t.as_str())) {
                ok = false;
                problems.push(format!(
                    "{what}: the answer holds B's {trace:?}: {}",
                    short(&body)
                ));
            }
            let except: &[&str] = if swap.expect == Expect::Ignored {
                row.writes
            } else {
                &[]
            };
            for change in changes(&before, &after, except) {
                ok = false;
                problems.push(format!("{what}: changed the database: {change}"));
            }
            let _ = writeln!(
                table,
                "{:28} {:13} {:9} → {status} ({ghost_status}) {}",
                row.path,
                format!("{:?}", swap.id),
                format!("{:?}", swap.expect),
                if ok { "" } else { "✗" }
            );
        }
        // A's own objects: answered, so each refusal above was about the id.
        let (status, body) = answer((row.call)(lead.clone(), ours.clone())).await;
        let _ = writeln!(
            table,
            "{:28} {:13} {:9} → {status}",
            row.path, "A's own", ""
        );
        if !(200..300).contains(&status) {
            problems.push(format!(
                "{} with A's own objects: expected an answer, got {status} (so its refusals prove nothing): {}",
                row.path,
                short(&body)
            ));
        }
    }
    let calls_time = started.elapsed() - setup_time;

    eprintln!("{table}");
    eprintln!(
        "{backend}: fixture {setup_time:.2?}, {} swaps {calls_time:.2?}, total {:.2?}",
        rows.iter().map(|r| r.swaps.len()).sum::<usize>(),
        started.elapsed()
    );
    let paths = rows.iter().map(|r| r.path.to_owned()).collect();
    (table, problems, paths)
}

/// Server functions with no row here that do not say they name no object.
fn unlisted(with_rows: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    let registered: BTreeSet<String> = server_fn::axum::server_fn_paths()
        .map(|(path, _method)| path.to_owned())
        .filter(|path| path.starts_with("/api/"))
        .collect();
    let without_ids: BTreeSet<String> = NO_OBJECT_IDS.iter().map(|p| (*p).to_owned()).collect();
    if registered.is_empty() {
        problems.push("no server functions are registered: the completeness check is blind".into());
    }
    for missing in registered
        .iter()
        .filter(|p| !with_rows.contains(*p) && !without_ids.contains(*p))
    {
        problems.push(format!(
            "add a cross-campaign row for {missing}, or list it in NO_OBJECT_IDS if it names no object"
        ));
    }
    for both in with_rows.intersection(&without_ids) {
        problems.push(format!("{both} has rows but is listed in NO_OBJECT_IDS"));
    }
    problems
}

async fn another_campaigns_ids_are_refused_through_my_campaign(app: TestApp) {
    let (table, mut problems, with_rows) = try_rows(&app, rows).await;
    problems.extend(unlisted(&with_rows));
    assert!(problems.is_empty(), "{table}\n{}", problems.join("\n"));
    app.stop().await;
}

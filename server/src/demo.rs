//! A believable demo campaign so a newcomer has something to explore — a hospital of
//! 20 departments and 3 shifts, with ratings, organic leaders, committee members and
//! ties between coworkers — and a one-time way in.

use app::domain::organizing::Source;
use app::domain::{CampaignName, CoworkerFields, Email, GridBox, Role, TieKind};
use app::store::{
    AreaChange, AuditEvent, NewAssessment, NewCoworker, NewInvite, NewTie, PastActivity, PastMove,
    PastTalk, Storage,
};
use chrono::{DateTime, Duration, Utc};

use crate::config::Settings;

pub const DEMO_CAMPAIGN: &str = "Mercy General Hospital — nurses and techs";
pub const DEFAULT_COWORKERS: usize = 600;
/// The account that issues demo invites; its password is random and never shown.
const DEMO_ISSUER: &str = "demo-issuer@rankfile.invalid";

const DEPARTMENTS: [(&str, &[&str]); 20] = [
    ("Emergency", &["RN", "ER Tech", "Unit Clerk"]),
    ("ICU", &["RN", "Respiratory Therapist"]),
    ("Med-Surg 3 West", &["RN", "CNA"]),
    ("Med-Surg 4 East", &["RN", "CNA"]),
    ("Labor & Delivery", &["RN", "Surgical Tech"]),
    ("NICU", &["RN"]),
    ("Pediatrics", &["RN", "CNA"]),
    ("Oncology", &["RN", "Pharmacy Tech"]),
    ("Cardiac Step-Down", &["RN", "Monitor Tech"]),
    (
        "Operating Room",
        &["RN", "Surgical Tech", "Anesthesia Tech"],
    ),
    ("PACU", &["RN"]),
    ("Radiology", &["Rad Tech", "CT Tech", "MRI Tech"]),
    ("Laboratory", &["Med Lab Scientist", "Phlebotomist"]),
    ("Pharmacy", &["Pharmacy Tech"]),
    ("Dialysis", &["RN", "Dialysis Tech"]),
    ("Behavioral Health", &["RN", "Mental Health Tech"]),
    ("Rehab", &["PT Assistant", "OT Assistant"]),
    ("Environmental Services", &["EVS Tech"]),
    ("Dietary", &["Cook", "Diet Aide"]),
    ("Transport", &["Patient Transporter"]),
];
const SHIFTS: [&str; 3] = ["Day", "Evening", "Night"];
const FIRST: [&str; 40] = [
    "Maria", "James", "Aisha", "Luis", "Mei", "Darnell", "Priya", "Tomasz", "Fatima", "Kevin",
    "Rosa", "Andre", "Ngozi", "Sean", "Yuki", "Carmen", "Omar", "Linh", "Grace", "Diego", "Hannah",
    "Kwame", "Sofia", "Raj", "Elena", "Marcus", "Ana", "Tyrone", "Ivy", "Jorge", "Leila",
    "Patrick", "Mariam", "Victor", "Keisha", "Hiro", "Lucia", "Samuel", "Noor", "Brenda",
];
const LAST: [&str; 40] = [
    "Garcia",
    "Johnson",
    "Okafor",
    "Nguyen",
    "Patel",
    "Kowalski",
    "Haddad",
    "Smith",
    "Chen",
    "Reyes",
    "Williams",
    "Mensah",
    "O'Brien",
    "Tanaka",
    "Lopez",
    "Ali",
    "Tran",
    "Brown",
    "Hernandez",
    "Davis",
    "Osei",
    "Rossi",
    "Singh",
    "Petrova",
    "Jackson",
    "Silva",
    "Moore",
    "Nakamura",
    "Diaz",
    "Hussein",
    "Murphy",
    "Kim",
    "Castillo",
    "Abebe",
    "Walker",
    "Sato",
    "Morales",
    "Baker",
    "Rahman",
    "Evans",
];

const GROUPS: [&str; 8] = [
    "soccer league",
    "church choir",
    "smoke-break crew",
    "Tagalog speakers",
    "parents group",
    "night carpool",
    "book club",
    "veterans",
];
const LANGUAGES: [&str; 5] = ["", "", "Spanish", "Tagalog", "Vietnamese"];

/// A deterministic mix of `i`, so neighbours differ.
fn mix(i: usize, salt: u64) -> u64 {
    (i as u64 ^ salt)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(17)
}

/// Coworker `i`: a name, a department and shift, a job, and a rating that depends on
/// how organized the department already is (some are hot, some cold).
fn person(i: usize, departments: &[(i64, &[&str])], shifts: &[i64]) -> NewCoworker {
    let h = mix(i, 0);
    let dept = i % departments.len();
    let (area, titles) = departments[dept];
    let mut fields = CoworkerFields::named(
        format!(
            "{} {}",
            FIRST[(h % 40) as usize],
            LAST[((h >> 8) % 40) as usize]
        ),
        Some(area),
        // Nights are thinner than days, as on a real roster.
        Some(shifts[[0, 0, 1, 1, 2][((h >> 16) % 5) as usize]]),
    );
    fields.job_title = titles[((h >> 24) % titles.len() as u64) as usize].to_owned();
    fields.employee_ref = format!("E{:05}", 10_000 + i);
    fields.language = LANGUAGES[((h >> 28) % 5) as usize].to_owned();
    if (h >> 32).is_multiple_of(4) {
        fields.tags = vec![GROUPS[((h >> 36) % 8) as usize].to_owned()];
    }
    fields.organic_leader = (h >> 40).is_multiple_of(20);
    fields.committee_member = (h >> 44).is_multiple_of(30);
    // Department temperature 0..=4: 0 is cold (mostly 4s and 5s), 4 is hot (1s and 2s).
    let heat = (mix(dept, 7) % 5) as i32;
    let roll = ((h >> 48) % 100) as i32;
    let rating = if roll < 30 - heat * 4 {
        None // not yet assessed: its own state, never a 3
    } else {
        let skew = ((h >> 56) % 5) as i32; // 0..=4
        Some((5 - (heat + skew) / 2).clamp(1, 5))
    };
    if fields.committee_member {
        return NewCoworker {
            fields,
            rating: Some(1),
            since: None,
        };
    }
    NewCoworker {
        fields,
        rating,
        since: None,
    }
}

/// Ties: everyone works beside the next person in their department, and the
/// department's coworkers listen to its organic leaders.
fn ties(ids: &[i64], people: &[NewCoworker], departments: usize) -> Vec<NewTie> {
    let mut ties = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if let Some(next) = ids.get(i + departments) {
            ties.push(NewTie {
                from_id: *id,
                to_id: *next,
                kind: TieKind::WorksBeside,
                created_by: None,
            });
        }
        if people[i].fields.organic_leader {
            // Up to eight listeners in the same department, nearby on the roster.
            for k in 1..=8 {
                let Some(j) = i.checked_sub(k * departments) else {
                    break;
                };
                ties.push(NewTie {
                    from_id: ids[j],
                    to_id: *id,
                    kind: TieKind::ListensTo,
                    created_by: None,
                });
            }
        }
    }
    ties
}

/// The demo's organizers: accounts nobody can sign in to (their password is random and
/// discarded), each organizing every fifth department.
const ORGANIZERS: [&str; 5] = [
    "keisha.organizer@demo.rankfile.invalid",
    "tomasz.organizer@demo.rankfile.invalid",
    "priya.organizer@demo.rankfile.invalid",
    "marcus.organizer@demo.rankfile.invalid",
    "linh.organizer@demo.rankfile.invalid",
];
/// The demo's history: everyone joined in the first of these weeks, then twelve weeks of
/// one-on-ones, ratings and a few moves.
const HISTORY_WEEKS: i64 = 13;

/// An account for `email` that nobody can sign in to, made once.
async fn locked_account(store: &dyn Storage, email: &str, note: &str) -> anyhow::Result<i64> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(user) = store.user_credentials(&email).await? {
        return Ok(user.id);
    }
    let (random, _) = app::auth::tokens::new_refresh_token();
    let hash = app::auth::password::PasswordHasher::new(1)
        .hash(&random)
        .await?;
    let audit = AuditEvent {
        action: "auth.account_created_by_cli".into(),
        record: "user:{id}".into(),
        detail: note.into(),
        ..Default::default()
    };
    Ok(store.create_user(&email, &hash, &audit).await?.id)
}

/// The demo's organizers, members of the campaign with their departments as scope (and
/// the invite issuer as its lead).
async fn organizers(
    store: &dyn Storage,
    campaign_id: i64,
    departments: &[(i64, &[&str])],
) -> anyhow::Result<Vec<i64>> {
    // A campaign always has a lead: the account that issues the demo's lead invites.
    let issuer = locked_account(store, DEMO_ISSUER, "demo invite issuer").await?;
    let audit = AuditEvent {
        campaign_id: Some(campaign_id),
        action: "member.added".into(),
        record: format!("user:{issuer}"),
        detail: "role=lead demo invite issuer".into(),
        ..Default::default()
    };
    store
        .upsert_member(
            store.campaign_key(campaign_id),
            issuer,
            Role::Lead,
            &[],
            &audit,
        )
        .await?;
    let mut ids = Vec::new();
    for (n, email) in ORGANIZERS.into_iter().enumerate() {
        let id = locked_account(store, email, "demo organizer").await?;
        let areas: Vec<i64> = departments
            .iter()
            .skip(n)
            .step_by(ORGANIZERS.len())
            .map(|(area, _)| *area)
            .collect();
        let audit = AuditEvent {
            campaign_id: Some(campaign_id),
            action: "member.added".into(),
            record: format!("user:{id}"),
            detail: "role=organizer demo".into(),
            ..Default::default()
        };
        store
            .upsert_member(
                store.campaign_key(campaign_id),
                id,
                Role::Organizer,
                &areas,
                &audit,
            )
            .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// What the demo makes of coworker `i` over the weeks: who organizes them, when they
/// joined, where they started (one in a hundred moved department later), and their
/// ratings and one-on-ones up to the rating they have today.
struct Story {
    organizer: i64,
    joined: DateTime<Utc>,
    first_area: i64,
    moved_at: Option<DateTime<Utc>>,
    ratings: Vec<(DateTime<Utc>, i32)>,
}

fn story(
    i: usize,
    today: Option<i32>,
    departments: &[(i64, &[&str])],
    organizers: &[i64],
    ratings_each: Option<usize>,
    start: DateTime<Utc>,
) -> Story {
    let dept = i % departments.len();
    let organizer = organizers[dept % organizers.len()];
    let minutes = |salt: u64, span_days: i64| {
        Duration::minutes((mix(i, salt) % (span_days as u64 * 1440)) as i64)
    };
    let joined = start + minutes(4, 7);
    let moved = mix(i, 5).is_multiple_of(100);
    let first_area = if moved {
        departments[(dept + 1) % departments.len()].0
    } else {
        departments[dept].0
    };
    let moved_at = moved.then(|| joined + Duration::weeks(2) + minutes(6, 63));
    let mut ratings = Vec::new();
    if let Some(today) = today {
        let k = ratings_each.unwrap_or(1 + (mix(i, 7) % 3) as usize).max(1);
        // Spread over the weeks after the first, all before today; the campaign warms: a supporter today was a notch
        // cooler before their last conversation.
        let span = Duration::weeks(HISTORY_WEEKS - 2).num_minutes() / (k as i64 + 1);
        let earlier = if today <= 3 { today + 1 } else { today };
        for j in 0..k {
            let at = joined + Duration::weeks(1) + Duration::minutes(span * (j as i64 + 1));
            let at = at + minutes(8 + j as u64, 2);
            ratings.push((at, if j + 1 == k { today } else { earlier }));
        }
    }
    Story {
        organizer,
        joined,
        first_area,
        moved_at,
        ratings,
    }
}

/// Seeds the demo when the database has no campaigns (or `force`); returns its name if it did.
pub async fn seed(
    store: &dyn Storage,
    force: bool,
    coworkers: usize,
) -> anyhow::Result<Option<String>> {
    seed_with(store, force, coworkers, None).await
}

/// [`seed`], with about `ratings` ratings in all (the benchmark's million); by default
/// one to three for each coworker who has been assessed.
pub async fn seed_with(
    store: &dyn Storage,
    force: bool,
    coworkers: usize,
    ratings: Option<usize>,
) -> anyhow::Result<Option<String>> {
    if !force && !store.list_campaigns().await?.is_empty() {
        return Ok(None);
    }
    let name = CampaignName::parse(DEMO_CAMPAIGN).map_err(|e| anyhow::anyhow!("{e}"))?;
    let campaign = store.create_campaign(&name).await?;
    // The demo's map is built by rankfile itself: audited as such, with no actor.
    let event = |action: &str, record: &str| AuditEvent {
        campaign_id: Some(campaign.id),
        action: action.into(),
        record: record.into(),
        detail: "demo".into(),
        ..Default::default()
    };
    let site = store
        .create_area(
            store.campaign_key(campaign.id),
            "Mercy General",
            None,
            &event("area.created", "area:{id}"),
        )
        .await?;
    let mut departments = Vec::new();
    for (n, (dept, titles)) in DEPARTMENTS.into_iter().enumerate() {
        let id = store
            .create_area(
                store.campaign_key(campaign.id),
                dept,
                Some(site.id),
                &event("area.created", "area:{id}"),
            )
            .await?
            .id;
        // Five departments a row on the floor plan.
        let (col, row) = ((n % 5) as i32, (n / 5) as i32);
        store
            .update_area(
                store.campaign_key(campaign.id),
                id,
                &AreaChange {
                    name: dept.to_owned(),
                    parent_id: Some(site.id),
                    retired: false,
                    grid: Some(GridBox {
                        x: col * 12,
                        y: row * 10,
                        w: 11,
                        h: 9,
                    }),
                },
                &event("area.updated", &format!("area:{id}")),
            )
            .await?;
        departments.push((id, titles));
    }
    let mut shifts = Vec::new();
    for shift in SHIFTS {
        shifts.push(
            store
                .create_shift(
                    store.campaign_key(campaign.id),
                    shift,
                    &event("shift.created", "shift:{id}"),
                )
                .await?
                .id,
        );
    }
    let organizers = organizers(store, campaign.id, &departments).await?;
    let start = Utc::now() - Duration::weeks(HISTORY_WEEKS);
    let mut people: Vec<NewCoworker> = (0..coworkers)
        .map(|i| person(i, &departments, &shifts))
        .collect();
    let rated = people.iter().filter(|p| p.rating.is_some()).count().max(1);
    let ratings_each = ratings.map(|total| total.div_ceil(rated));
    let stories: Vec<Story> = people
        .iter_mut()
        .enumerate()
        .map(|(i, p)| {
            let s = story(
                i,
                p.rating.take(),
                &departments,
                &organizers,
                ratings_each,
                start,
            );
            // Six in ten are assigned to their department's organizer.
            if mix(i, 3) % 10 < 6 {
                p.fields.assigned_organizer = Some(s.organizer);
            }
            p.since = Some(s.joined);
            s
        })
        .collect();
    let mut ids = Vec::with_capacity(coworkers);
    for (chunk, stories) in people.chunks(5_000).zip(stories.chunks(5_000)) {
        // Everyone starts where their story starts; the movers move below.
        let starting: Vec<NewCoworker> = chunk
            .iter()
            .zip(stories)
            .map(|(p, s)| {
                let mut p = p.clone();
                p.fields.area_id = Some(s.first_area);
                p
            })
            .collect();
        ids.extend(
            store
                .create_coworkers(store.campaign_key(campaign.id), &starting)
                .await?,
        );
    }
    const BATCH: usize = 2_000;
    for (n, (range, stories)) in ids.chunks(BATCH).zip(stories.chunks(BATCH)).enumerate() {
        let mut past = PastActivity::default();
        for ((id, s), p) in range.iter().zip(stories).zip(&people[n * BATCH..]) {
            if let Some(at) = s.moved_at {
                past.moves.push(PastMove {
                    coworker_id: *id,
                    at,
                    area_id: p.fields.area_id,
                    shift_id: p.fields.shift_id,
                });
            }
            let last_two = s.ratings.len().saturating_sub(2);
            for (n, (at, rating)) in s.ratings.iter().enumerate() {
                // The latest two ratings came from one-on-ones; earlier ones from watching.
                let talked = n >= last_two;
                past.ratings.push(NewAssessment {
                    coworker_id: *id,
                    organizer_id: s.organizer,
                    rating: *rating,
                    source: if talked {
                        Source::Conversation
                    } else {
                        Source::Observation
                    },
                    note: String::new(),
                    at: *at,
                });
                if talked {
                    past.talks.push(PastTalk {
                        coworker_id: *id,
                        organizer_id: s.organizer,
                        at: *at,
                        rating_after: Some(*rating),
                    });
                }
            }
        }
        store.seed_history(campaign.id, &past).await?;
    }
    for chunk in ties(&ids, &people, departments.len()).chunks(5_000) {
        store
            .create_ties(store.campaign_key(campaign.id), chunk)
            .await?;
    }
    if let Some(&organizer) = organizers.first() {
        structure_tests(store, campaign.id, organizer).await?;
        vote_plan(store, campaign.id, organizer).await?;
    }
    Ok(Some(campaign.name))
}

/// The demo's structure tests: a majority petition a month ago, closed (its marks follow
/// the ratings, with the surprises a real chart has), and a sticker day live now.
async fn structure_tests(store: &dyn Storage, campaign_id: i64, by: i64) -> anyhow::Result<()> {
    use app::domain::structure::{Response, TestKind, TestPlan};
    use app::store::NewMarks;
    let event = |action: &str| AuditEvent {
        campaign_id: Some(campaign_id),
        action: action.into(),
        record: "structure_test:{id}".into(),
        detail: "demo".into(),
        ..Default::default()
    };
    let plan = |kind, title: &str, what: &str| TestPlan {
        kind,
        title: title.into(),
        description: what.into(),
        opens_at: None,
        closes_at: None,
        goal_percent: 70,
        rule: None,
        area_ids: Vec::new(),
    };
    let tests = [
        (
            plan(
                TestKind::Petition,
                "Safe staffing petition",
                "Sign for safe nurse-to-patient ratios, delivered to the CEO.",
            ),
            Duration::weeks(5),
            true,
        ),
        (
            plan(
                TestKind::StickerDay,
                "Red badge day",
                "Wear the red badge reel on every shift this week.",
            ),
            Duration::days(1),
            false,
        ),
    ];
    for (n, (plan, ago, close)) in tests.into_iter().enumerate() {
        let opened = Utc::now() - ago;
        let id = store
            .create_test(
                store.campaign_key(campaign_id),
                &plan,
                by,
                &event("structure_test.create"),
            )
            .await?;
        store
            .open_test(
                store.campaign_key(campaign_id),
                id,
                None,
                opened,
                &event("structure_test.open"),
            )
            .await?;
        // Who took part follows the rating then, most of the time.
        let mut by_response: Vec<(Response, Vec<i64>)> = Vec::new();
        for (i, p) in store
            .test_validation(store.campaign_key(campaign_id), id)
            .await?
            .iter()
            .enumerate()
        {
            let roll = mix(i, 40 + n as u64) % 100;
            let joins = match p.rating_then {
                Some(1) => 92,
                Some(2) => 75,
                Some(3) => 35,
                Some(_) => 8,
                None => 25,
            };
            let response = match (roll < joins, close, roll % 3) {
                (true, _, _) => Response::TookPart,
                // A live test is half recorded.
                (false, false, _) if roll.is_multiple_of(2) => continue,
                (false, _, 0) => Response::NotReached,
                (false, _, _) => Response::Declined,
            };
            match by_response.iter_mut().find(|(r, _)| *r == response) {
                Some((_, ids)) => ids.push(p.coworker_id),
                None => by_response.push((response, vec![p.coworker_id])),
            }
        }
        for (k, (response, ids)) in by_response.into_iter().enumerate() {
            for (c, chunk) in ids.chunks(5_000).enumerate() {
                let marks = NewMarks {
                    client_id: format!("demo-test-{id}-{k}-{c}"),
                    response,
                    coworker_ids: chunk.to_vec(),
                    recorded_by: by,
                    at: opened + Duration::hours(6),
                    made_at: opened + Duration::hours(6),
                };
                store
                    .record_marks(
                        store.campaign_key(campaign_id),
                        id,
                        &app::domain::CoworkerScope::Campaign,
                        &marks,
                        &event("participation.record"),
                    )
                    .await?;
            }
        }
        if close {
            store
                .close_test(
                    store.campaign_key(campaign_id),
                    id,
                    opened + Duration::days(4),
                    &event("structure_test.close"),
                )
                .await?;
        }
    }
    Ok(())
}

/// The demo's strike vote in preparation: 75% of the whole unit must vote yes (the
/// Chicago rule), three weeks out, with day and night polling places at the first site
/// and none yet for the rest, so the plan shows who has no way to vote.
async fn vote_plan(store: &dyn Storage, campaign_id: i64, by: i64) -> anyhow::Result<()> {
    use app::domain::forecast::plan::{NewPlace, PlanFields};
    use app::domain::structure::{VoteBase, VoteRule};
    let event = |action: &str| AuditEvent {
        campaign_id: Some(campaign_id),
        action: action.into(),
        record: "vote_plan:{id}".into(),
        detail: "demo".into(),
        ..Default::default()
    };
    let day = (Utc::now() + Duration::weeks(3)).date_naive();
    let fields = PlanFields {
        title: "Strike authorization vote".into(),
        rule: VoteRule {
            base: VoteBase::Unit,
            yes_percent: 75,
            turnout_percent: 0,
        },
        area_ids: Vec::new(),
        vote_on: Some(day),
        target_percent: 90,
        planned_turnout: 95,
    };
    let plan_id = store
        .create_plan(
            store.campaign_key(campaign_id),
            &fields,
            by,
            &event("vote_plan.create"),
        )
        .await?;
    let areas = store.list_areas(store.campaign_key(campaign_id)).await?;
    let shifts = store.list_shifts(store.campaign_key(campaign_id)).await?;
    let Some(site) = areas.iter().find(|a| a.parent_id.is_none()) else {
        return Ok(());
    };
    for (i, shift) in shifts.iter().take(2).enumerate() {
        let opens = day
            .and_hms_opt(if i == 0 { 6 } else { 18 }, 0, 0)
            .unwrap_or_default();
        let place = NewPlace {
            name: format!("{} break room", site.name),
            area_id: Some(site.id),
            shift_id: Some(shift.id),
            opens_at: opens,
            closes_at: opens + Duration::hours(4),
            organizer_id: Some(by),
        };
        store
            .add_place(
                store.campaign_key(campaign_id),
                plan_id,
                &place,
                &event("polling_place.add"),
            )
            .await?;
    }
    Ok(())
}

/// A fresh single-use lead invite into the demo campaign, if there is one.
pub async fn one_time_lead_link(
    store: &dyn Storage,
    settings: &Settings,
) -> anyhow::Result<Option<String>> {
    let Some(campaign) = store
        .list_campaigns()
        .await?
        .into_iter()
        .find(|c| c.name == DEMO_CAMPAIGN)
    else {
        return Ok(None);
    };
    // Nobody can sign in as the issuer: its password is random and discarded.
    let issuer = locked_account(store, DEMO_ISSUER, "demo invite issuer").await?;
    let (token, token_hash) = app::auth::tokens::new_refresh_token();
    let now = chrono::Utc::now();
    store
        .create_invite(
            &NewInvite {
                campaign: store.campaign_key(campaign.id),
                token_hash,
                role: Role::Lead,
                area_ids: Vec::new(),
                note: "demo lead (printed by rankfile demo)".into(),
                created_by: issuer,
                now,
                expires_at: now + chrono::Duration::hours(app::api::members::INVITE_TTL_HOURS),
                reveal: None,
            },
            &AuditEvent {
                campaign_id: Some(campaign.id),
                action: "member.invited".into(),
                record: "invite:{id}".into(),
                detail: "role=lead demo".into(),
                ..Default::default()
            },
        )
        .await?;
    Ok(Some(format!("{}/invite/{token}", settings.public_url)))
}

//! A believable demo campaign so a newcomer has something to explore — a hospital of
//! 20 departments and 3 shifts, with ratings, organic leaders, committee members and
//! ties between coworkers — and a one-time way in.

use app::domain::{CampaignName, CoworkerFields, Email, GridBox, Role, TieKind};
use app::store::{AreaChange, AuditEvent, NewCoworker, NewInvite, NewTie, Store};

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

/// Seeds the demo when the database has no campaigns (or `force`); returns its name if it did.
pub async fn seed(
    store: &dyn Store,
    force: bool,
    coworkers: usize,
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
            campaign.id,
            "Mercy General",
            None,
            &event("area.created", "area:{id}"),
        )
        .await?;
    let mut departments = Vec::new();
    for (n, (dept, titles)) in DEPARTMENTS.into_iter().enumerate() {
        let id = store
            .create_area(
                campaign.id,
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
                campaign.id,
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
                .create_shift(campaign.id, shift, &event("shift.created", "shift:{id}"))
                .await?
                .id,
        );
    }
    let people: Vec<NewCoworker> = (0..coworkers)
        .map(|i| person(i, &departments, &shifts))
        .collect();
    let mut ids = Vec::with_capacity(coworkers);
    for chunk in people.chunks(5_000) {
        ids.extend(store.create_coworkers(campaign.id, chunk).await?);
    }
    for chunk in ties(&ids, &people, departments.len()).chunks(5_000) {
        store.create_ties(campaign.id, chunk).await?;
    }
    Ok(Some(campaign.name))
}

/// A fresh single-use lead invite into the demo campaign, if there is one.
pub async fn one_time_lead_link(
    store: &dyn Store,
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
    let issuer_email = Email::parse(DEMO_ISSUER).map_err(|e| anyhow::anyhow!("{e}"))?;
    let issuer = match store.user_credentials(&issuer_email).await? {
        Some(user) => user.id,
        None => {
            // Nobody can sign in as the issuer: its password is random and discarded.
            let (random, _) = app::auth::tokens::new_refresh_token();
            let hash = app::auth::password::PasswordHasher::new(1)
                .hash(&random)
                .await?;
            store
                .create_user(
                    &issuer_email,
                    &hash,
                    &AuditEvent {
                        action: "auth.account_created_by_cli".into(),
                        record: "user:{id}".into(),
                        detail: "demo invite issuer".into(),
                        ..Default::default()
                    },
                )
                .await?
                .id
        }
    };
    let (token, token_hash) = app::auth::tokens::new_refresh_token();
    let now = chrono::Utc::now();
    store
        .create_invite(
            &NewInvite {
                campaign_id: campaign.id,
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

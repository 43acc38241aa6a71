//! A believable demo campaign so a newcomer has something to explore — a hospital of
//! 20 departments and 3 shifts — and a one-time way in.

use app::domain::{CampaignName, Email, Role};
use app::store::{NewCoworker, NewInvite, Store};

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
    let site = store
        .create_area(campaign.id, "Mercy General", None)
        .await?;
    let mut departments = Vec::new();
    for (dept, titles) in DEPARTMENTS {
        departments.push((
            store
                .create_area(campaign.id, dept, Some(site.id))
                .await?
                .id,
            titles,
        ));
    }
    let mut shifts = Vec::new();
    for shift in SHIFTS {
        shifts.push(store.create_shift(campaign.id, shift).await?.id);
    }
    let people: Vec<NewCoworker> = (0..coworkers)
        .map(|i| {
            // Deterministic spread: a mixed hash so neighbours differ in name, area and shift.
            let h = (i as u64)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(17);
            let (area, titles) = departments[i % departments.len()];
            NewCoworker {
                name: format!(
                    "{} {}",
                    FIRST[(h % 40) as usize],
                    LAST[((h >> 8) % 40) as usize]
                ),
                area_id: Some(area),
                // Nights are thinner than days, as on a real roster.
                shift_id: Some(shifts[[0, 0, 1, 1, 2][((h >> 16) % 5) as usize]]),
                job_title: titles[((h >> 24) % titles.len() as u64) as usize].to_owned(),
                assigned_organizer: None,
            }
        })
        .collect();
    for chunk in people.chunks(5_000) {
        store.create_coworkers(campaign.id, chunk).await?;
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
            store.create_user(&issuer_email, &hash).await?.id
        }
    };
    let (token, token_hash) = app::auth::tokens::new_refresh_token();
    let now = chrono::Utc::now();
    store
        .create_invite(&NewInvite {
            campaign_id: campaign.id,
            token_hash,
            role: Role::Lead,
            area_ids: Vec::new(),
            note: "demo lead (printed by rankfile demo)".into(),
            created_by: issuer,
            now,
            expires_at: now + chrono::Duration::hours(app::api::members::INVITE_TTL_HOURS),
        })
        .await?;
    Ok(Some(format!("{}/invite/{token}", settings.public_url)))
}

//! The authorization matrix: every registered server function, called by every kind
//! of caller, against the set of callers it is meant to admit.
//!
//! A call is "allowed" when its status is not one of the denials (401 not signed in,
//! 403 role too low, 404 not a member): a 422 or 409 means the guard let the caller
//! through and the function refused the input. No call may answer with a server error.
//!
//! A new server function fails this test until it has a row here.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Instant;

use app::domain::{Role, TieKind};
use app::store::{AuditEvent, NewTie};
use rankfile_tests::{stories, Browser, TestApp, PASSWORD};

stories!(authorization_matrix);

/// Statuses that mean "the guard refused this caller".
const DENIALS: [u16; 3] = [401, 403, 404];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Actor {
    Anonymous,
    Viewer,
    OrganizerInScope,
    OrganizerOutOfScope,
    OtherCampaignLead,
    Lead,
}

use Actor::*;

const ACTORS: [Actor; 6] = [
    Anonymous,
    Viewer,
    OrganizerInScope,
    OrganizerOutOfScope,
    OtherCampaignLead,
    Lead,
];

/// Everyone, signed in or not.
const EVERYONE: &[Actor] = &ACTORS;
/// Any signed-in user.
const SIGNED_IN: &[Actor] = &[
    Viewer,
    OrganizerInScope,
    OrganizerOutOfScope,
    OtherCampaignLead,
    Lead,
];
/// Any member of campaign A.
const MEMBERS_OF_A: &[Actor] = &[Viewer, OrganizerInScope, OrganizerOutOfScope, Lead];
/// Campaign A's lead.
const LEAD_OF_A: &[Actor] = &[Lead];
/// Members who may see names: organizers (within their scope) and the lead.
const ORGANIZERS_OF_A: &[Actor] = &[OrganizerInScope, OrganizerOutOfScope, Lead];
/// Those whose scope covers area 1.
const SCOPE_OF_AREA_1: &[Actor] = &[OrganizerInScope, Lead];

impl Actor {
    fn label(self) -> &'static str {
        match self {
            Anonymous => "anonymous",
            Viewer => "viewer",
            OrganizerInScope => "org in scope",
            OrganizerOutOfScope => "org out of scope",
            OtherCampaignLead => "other camp. lead",
            Lead => "lead",
        }
    }

    fn email(self) -> Option<&'static str> {
        match self {
            Anonymous => None,
            Viewer => Some("viewer@a.example.org"),
            OrganizerInScope => Some("organizer-in@a.example.org"),
            OrganizerOutOfScope => Some("organizer-out@a.example.org"),
            OtherCampaignLead => Some("lead@b.example.org"),
            Lead => Some("lead@a.example.org"),
        }
    }

    /// A short word used to keep per-actor inputs (e-mails) apart.
    fn slug(self) -> &'static str {
        match self {
            Anonymous => "anonymous",
            Viewer => "viewer",
            OrganizerInScope => "organizer-in",
            OrganizerOutOfScope => "organizer-out",
            OtherCampaignLead => "other-lead",
            Lead => "lead",
        }
    }
}

const VICTIM_EMAIL: &str = "victim@a.example.org";

/// What the rows need from the fixture.
struct Fixture {
    campaign_a: i64,
    victim_id: i64,
    /// A coworker in area 1: inside the in-scope organizer's areas, outside the other's.
    coworker_id: i64,
    /// A second coworker in area 1, for ties.
    neighbour_id: i64,
    /// A tie between the two, put back before each call (removing it is a row).
    tie_id: std::sync::Arc<std::sync::atomic::AtomicI64>,
    /// A roster upload awaiting preview.
    import_id: i64,
    /// A one-on-one with the coworker in area 1, with a follow-up and a commitment.
    conversation_id: i64,
    commitment_id: i64,
}

/// A small roster the upload row sends.
const ROSTER: &[u8] = b"Employee Name,Dept\nRosa Diaz,Area 1\n";

type Args = Vec<(&'static str, String)>;

struct Row {
    /// The server function's registered path, e.g. "/api/campaigns/list".
    path: &'static str,
    /// Form arguments for one actor's call.
    args: Box<dyn Fn(Actor) -> Args>,
    allowed: &'static [Actor],
}

fn row(
    path: &'static str,
    allowed: &'static [Actor],
    args: impl Fn(Actor) -> Args + 'static,
) -> Row {
    Row {
        path,
        args: Box::new(args),
        allowed,
    }
}

fn rows(fx: &Fixture) -> Vec<Row> {
    let a = fx.campaign_a.to_string();
    let victim = fx.victim_id.to_string();
    // Campaign A's id, for the rows that need nothing else.
    let in_a = |a: &String| {
        let a = a.clone();
        move |_: Actor| vec![("campaign_id", a.clone())]
    };
    vec![
        // --- auth: public ---
        row("/api/auth/me", EVERYONE, |_| vec![]),
        // A wrong password: nothing happens, 422 for everyone (the function is public).
        // Each actor uses its own unknown e-mail so the per-e-mail throttle stays out of it.
        row("/api/auth/sign_in", EVERYONE, |actor| {
            vec![
                ("email", format!("nobody-{}@example.org", actor.slug())),
                ("password", "not the password".into()),
            ]
        }),
        row("/api/auth/sign_out", EVERYONE, |_| vec![]),
        // A bogus token: 409 "expired or already used".
        row("/api/auth/get_invite", EVERYONE, |_| {
            vec![("token", "no-such-invite-token".into())]
        }),
        // A bogus token: 409, before anything is created.
        row("/api/auth/create_account", EVERYONE, |actor| {
            vec![
                ("token", "no-such-invite-token".into()),
                ("email", format!("joiner-{}@example.org", actor.slug())),
                ("password", PASSWORD.into()),
            ]
        }),
        // --- auth: any signed-in user ---
        // A bogus token: 409 "expired or already used" for anyone signed in.
        row("/api/auth/join_invite", SIGNED_IN, |_| {
            vec![("token", "no-such-invite-token".into())]
        }),
        row("/api/auth/sign_out_everywhere", SIGNED_IN, |_| vec![]),
        // A wrong current password, so nothing changes: 422 for signed-in users.
        row("/api/auth/change_password", SIGNED_IN, |_| {
            vec![
                ("current", "not the password".into()),
                ("new_password", "a brand new long passphrase 42".into()),
            ]
        }),
        // --- campaigns ---
        row("/api/campaigns/list", SIGNED_IN, |_| vec![]),
        row("/api/campaigns/create", SIGNED_IN, |actor| {
            vec![("name", format!("Matrix probe by {}", actor.slug()))]
        }),
        row("/api/campaigns/get", MEMBERS_OF_A, in_a(&a)),
        // --- members and audit: A's lead only ---
        row("/api/members/list", LEAD_OF_A, in_a(&a)),
        row("/api/members/invite", LEAD_OF_A, {
            let a = a.clone();
            move |_| {
                vec![
                    ("campaign_id", a.clone()),
                    ("role", "organizer".into()),
                    ("areas", "1".into()),
                ]
            }
        }),
        row("/api/members/list_invites", LEAD_OF_A, in_a(&a)),
        // No such invite: 409 for the lead (nothing to revoke), 200 with nothing to show.
        row("/api/members/revoke_invite", LEAD_OF_A, {
            let a = a.clone();
            move |_| vec![("campaign_id", a.clone()), ("invite_id", "999999".into())]
        }),
        row("/api/members/reveal_invite", LEAD_OF_A, {
            let a = a.clone();
            move |_| vec![("campaign_id", a.clone()), ("invite_id", "999999".into())]
        }),
        row("/api/members/update", LEAD_OF_A, {
            let (a, victim) = (a.clone(), victim.clone());
            move |_| {
                vec![
                    ("campaign_id", a.clone()),
                    ("user_id", victim.clone()),
                    ("role", "viewer".into()),
                    ("areas", "".into()),
                ]
            }
        }),
        row("/api/members/remove", LEAD_OF_A, {
            let (a, victim) = (a.clone(), victim.clone());
            move |_| vec![("campaign_id", a.clone()), ("user_id", victim.clone())]
        }),
        row("/api/audit/list", LEAD_OF_A, in_a(&a)),
        // --- the workplace map ---
        row("/api/areas/list", MEMBERS_OF_A, in_a(&a)),
        row("/api/areas/create", LEAD_OF_A, {
            let a = a.clone();
            move |actor| {
                vec![
                    ("campaign_id", a.clone()),
                    ("name", format!("Probe {}", actor.slug())),
                ]
            }
        }),
        row("/api/shifts/list", MEMBERS_OF_A, in_a(&a)),
        row("/api/shifts/create", LEAD_OF_A, {
            let a = a.clone();
            move |actor| {
                vec![
                    ("campaign_id", a.clone()),
                    ("name", format!("Probe {}", actor.slug())),
                ]
            }
        }),
        // Viewers read aggregates, never names.
        row("/api/coworkers/list", ORGANIZERS_OF_A, in_a(&a)),
        row("/api/coworkers/get", SCOPE_OF_AREA_1, {
            let (a, c) = (a.clone(), fx.coworker_id.to_string());
            move |_| vec![("campaign_id", a.clone()), ("coworker_id", c.clone())]
        }),
        row("/api/coworkers/create", SCOPE_OF_AREA_1, {
            let a = a.clone();
            move |actor| {
                vec![
                    ("campaign_id", a.clone()),
                    ("name", format!("Probe {}", actor.slug())),
                    ("area_id", "1".into()),
                ]
            }
        }),
        row("/api/coworkers/update", SCOPE_OF_AREA_1, {
            let (a, c) = (a.clone(), fx.coworker_id.to_string());
            move |_| {
                vec![
                    ("campaign_id", a.clone()),
                    ("coworker_id", c.clone()),
                    ("name", "Dana Reyes".into()),
                    ("area_id", "1".into()),
                ]
            }
        }),
        // Restoring an unarchived coworker changes nothing: the guard is the point.
        row("/api/coworkers/archive", LEAD_OF_A, {
            let (a, c) = (a.clone(), fx.coworker_id.to_string());
            move |_| {
                vec![
                    ("campaign_id", a.clone()),
                    ("coworker_id", c.clone()),
                    ("restore", "on".into()),
                ]
            }
        }),
        row("/api/areas/update", LEAD_OF_A, {
            let a = a.clone();
            move |_| {
                vec![
                    ("campaign_id", a.clone()),
                    ("area_id", "1".into()),
                    ("name", "Area 1".into()),
                ]
            }
        }),
        row("/api/areas/stats", MEMBERS_OF_A, in_a(&a)),
        row("/api/chart/get", ORGANIZERS_OF_A, in_a(&a)),
        row("/api/leaders/reach", ORGANIZERS_OF_A, in_a(&a)),
        row("/api/ties/list", SCOPE_OF_AREA_1, {
            let (a, c) = (a.clone(), fx.coworker_id.to_string());
            move |_| vec![("campaign_id", a.clone()), ("coworker_id", c.clone())]
        }),
        row("/api/ties/add", SCOPE_OF_AREA_1, {
            let (a, c, n) = (
                a.clone(),
                fx.coworker_id.to_string(),
                fx.neighbour_id.to_string(),
            );
            move |_| {
                vec![
                    ("campaign_id", a.clone()),
                    ("coworker_id", c.clone()),
                    ("other", n.clone()),
                    ("kind", "carpool".into()),
                ]
            }
        }),
        row("/api/ties/remove", SCOPE_OF_AREA_1, {
            let (a, tie) = (a.clone(), fx.tie_id.clone());
            move |_| {
                vec![
                    ("campaign_id", a.clone()),
                    (
                        "tie_id",
                        tie.load(std::sync::atomic::Ordering::SeqCst).to_string(),
                    ),
                ]
            }
        }),
        // --- the organizer's loop ---
        row("/api/conversations/form", SCOPE_OF_AREA_1, {
            let (a, c) = (a.clone(), fx.coworker_id.to_string());
            move |_| vec![("campaign_id", a.clone()), ("coworker_id", c.clone())]
        }),
        row("/api/conversations/log", SCOPE_OF_AREA_1, {
            let (a, c) = (a.clone(), fx.coworker_id.to_string());
            move |actor| {
                vec![
                    ("campaign_id", a.clone()),
                    ("coworker_id", c.clone()),
                    ("client_id", format!("matrix-{}", actor.slug())),
                    ("notes", "Talked about staffing.".into()),
                ]
            }
        }),
        row("/api/ratings/set", SCOPE_OF_AREA_1, {
            let (a, c) = (a.clone(), fx.coworker_id.to_string());
            move |_| {
                vec![
                    ("campaign_id", a.clone()),
                    ("coworker_id", c.clone()),
                    ("rating", "2".into()),
                ]
            }
        }),
        row("/api/coworkers/history", SCOPE_OF_AREA_1, {
            let (a, c) = (a.clone(), fx.coworker_id.to_string());
            move |_| vec![("campaign_id", a.clone()), ("coworker_id", c.clone())]
        }),
        row("/api/followups/done", SCOPE_OF_AREA_1, {
            let (a, v) = (a.clone(), fx.conversation_id.to_string());
            move |_| vec![("campaign_id", a.clone()), ("conversation_id", v.clone())]
        }),
        row("/api/commitments/resolve", SCOPE_OF_AREA_1, {
            let (a, m) = (a.clone(), fx.commitment_id.to_string());
            move |_| {
                vec![
                    ("campaign_id", a.clone()),
                    ("commitment_id", m.clone()),
                    ("status", "kept".into()),
                ]
            }
        }),
        row("/api/mylist/get", ORGANIZERS_OF_A, in_a(&a)),
        row("/api/coverage/get", LEAD_OF_A, in_a(&a)),
        row("/api/settings/get", MEMBERS_OF_A, in_a(&a)),
        row("/api/settings/update", LEAD_OF_A, {
            let a = a.clone();
            move |_| {
                vec![
                    ("campaign_id", a.clone()),
                    ("stale_days", "30".into()),
                    ("issue_tags", "pay, staffing, safety".into()),
                ]
            }
        }),
        // Sent as multipart by the loop below, with ROSTER as the file.
        row("/api/roster/upload", LEAD_OF_A, in_a(&a)),
        row("/api/roster/preview", LEAD_OF_A, {
            let (a, i) = (a.clone(), fx.import_id.to_string());
            move |_| vec![("campaign_id", a.clone()), ("import_id", i.clone())]
        }),
        // The lead comes last: applying (nothing confirmed) marks the import applied.
        row("/api/roster/apply", LEAD_OF_A, {
            let (a, i) = (a.clone(), fx.import_id.to_string());
            move |_| {
                vec![
                    ("campaign_id", a.clone()),
                    ("import_id", i.clone()),
                    ("mapping", "name,area".into()),
                ]
            }
        }),
    ]
}

/// Every server function the binary registered under /api/.
fn registered_paths() -> BTreeSet<String> {
    // Make sure the app's server functions are linked in (they register via inventory).
    let _ = std::hint::black_box(std::mem::size_of::<app::api::campaigns::ListCampaigns>());
    server_fn::axum::server_fn_paths()
        .map(|(path, _method)| path.to_owned())
        .filter(|path| path.starts_with("/api/"))
        .collect()
}

/// A fresh browser for the actor: a new cookie jar, signed in again.
async fn browser_for(app: &TestApp, actor: Actor) -> Browser {
    let browser = app.browser();
    if let Some(email) = actor.email() {
        browser.sign_in(email, PASSWORD).await;
    }
    browser
}

struct Cell {
    expected_allowed: bool,
    status: u16,
}

impl Cell {
    fn allowed(&self) -> bool {
        !DENIALS.contains(&self.status)
    }
    fn server_error(&self) -> bool {
        self.status >= 500
    }
    fn ok(&self) -> bool {
        self.allowed() == self.expected_allowed && !self.server_error()
    }
}

fn table(backend: &str, results: &[(&'static str, Vec<Cell>)]) -> String {
    let width = results
        .iter()
        .map(|(p, _)| p.len())
        .max()
        .unwrap_or(0)
        .max(8);
    let col = ACTORS
        .iter()
        .map(|a| a.label().len())
        .max()
        .unwrap_or(0)
        .max(14);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "authorization matrix ({backend}): expected allow/deny → actual status; ✗ marks a mismatch or a server error"
    );
    let _ = write!(out, "{:width$}", "function");
    for actor in ACTORS {
        let _ = write!(out, " | {:col$}", actor.label());
    }
    out.push('\n');
    let _ = write!(out, "{}", "-".repeat(width));
    for _ in ACTORS {
        let _ = write!(out, "-+-{}", "-".repeat(col));
    }
    out.push('\n');
    for (path, cells) in results {
        let _ = write!(out, "{path:width$}");
        for cell in cells {
            let text = format!(
                "{} {} {}",
                if cell.expected_allowed {
                    "allow"
                } else {
                    "deny "
                },
                cell.status,
                if cell.ok() { " " } else { "✗" },
            );
            let _ = write!(out, " | {text:col$}");
        }
        out.push('\n');
    }
    out
}

async fn authorization_matrix(app: TestApp) {
    let backend = format!("{:?}", app.backend);
    let started = Instant::now();

    // --- Fixture ---
    let (lead, campaign_a) = app.lead_of(Lead.email().unwrap(), "Campaign A").await;
    // Areas 1, 2 and 3 (a fresh database numbers them so), and a coworker in area 1.
    let a_id = campaign_a.to_string();
    for (n, name) in ["Area 1", "Area 2", "Area 3"].iter().enumerate() {
        let area = lead
            .call_ok("areas/create", &[("campaign_id", &a_id), ("name", name)])
            .await;
        assert_eq!(
            area["id"].as_i64(),
            Some(n as i64 + 1),
            "area ids must be 1, 2, 3"
        );
    }
    let coworker = lead
        .call_ok(
            "coworkers/create",
            &[
                ("campaign_id", &a_id),
                ("name", "Dana Reyes"),
                ("area_id", "1"),
            ],
        )
        .await;
    let coworker_id = coworker["id"].as_i64().expect("coworker id");
    let neighbour_id = lead
        .call_ok(
            "coworkers/create",
            &[
                ("campaign_id", &a_id),
                ("name", "Sam Okafor"),
                ("area_id", "1"),
            ],
        )
        .await["id"]
        .as_i64()
        .expect("neighbour id");
    let import_id: i64 = lead
        .upload_roster(&a_id, "roster.csv", ROSTER.to_vec(), false)
        .await
        .text()
        .await
        .expect("upload answer")
        .parse()
        .expect("the upload answers the import id");
    let (_other, campaign_b) = app
        .lead_of(OtherCampaignLead.email().unwrap(), "Campaign B")
        .await;
    assert_ne!(campaign_a, campaign_b);
    app.invite_member(&lead, campaign_a, Viewer.email().unwrap(), "viewer", "")
        .await;
    app.invite_member(
        &lead,
        campaign_a,
        OrganizerInScope.email().unwrap(),
        "organizer",
        "1,2",
    )
    .await;
    app.invite_member(
        &lead,
        campaign_a,
        OrganizerOutOfScope.email().unwrap(),
        "organizer",
        "3",
    )
    .await;
    app.invite_member(&lead, campaign_a, VICTIM_EMAIL, "organizer", "")
        .await;
    let members = lead
        .call_ok("members/list", &[("campaign_id", &campaign_a.to_string())])
        .await;
    let members = members.as_array().expect("members/list answers a list");
    let victim_id = members
        .iter()
        .find(|m| m["email"] == VICTIM_EMAIL)
        .expect("victim listed")["user_id"]
        .as_i64()
        .expect("victim user id");
    assert_eq!(members.len(), 5, "lead, viewer, two organizers, victim");
    let logged = lead
        .call_ok(
            "conversations/log",
            &[
                ("campaign_id", &a_id),
                ("coworker_id", &coworker_id.to_string()),
                ("client_id", "matrix-fixture"),
                ("ask", "sign the petition"),
                ("answer", "yes"),
                ("follow_up_on", "2026-01-01"),
            ],
        )
        .await;
    let conversation_id = logged["conversation_id"].as_i64().expect("conversation id");
    let history = lead
        .call_ok(
            "coworkers/history",
            &[
                ("campaign_id", &a_id),
                ("coworker_id", &coworker_id.to_string()),
            ],
        )
        .await;
    let commitment_id = history["commitments"][0]["id"]
        .as_i64()
        .expect("a yes to an ask is a commitment");
    let fixture = Fixture {
        campaign_a,
        victim_id,
        coworker_id,
        neighbour_id,
        tie_id: Default::default(),
        import_id,
        conversation_id,
        commitment_id,
    };
    let setup_time = started.elapsed();

    // --- Calls: every row × every actor ---
    let rows = rows(&fixture);
    let mut results: Vec<(&'static str, Vec<Cell>)> = Vec::new();
    let mut bodies: Vec<String> = Vec::new();
    for row in &rows {
        let mut cells = Vec::new();
        for actor in ACTORS {
            // Destructive calls target the victim: put them back each time.
            app.store
                .upsert_member(
                    campaign_a,
                    victim_id,
                    Role::Organizer,
                    &[],
                    &AuditEvent::default(),
                )
                .await
                .expect("re-add victim");
            // The tie the remove row deletes: put it back too.
            let tie = match app
                .store
                .ties(campaign_a, coworker_id)
                .await
                .expect("ties")
                .into_iter()
                .find(|t| t.kind == TieKind::Friends)
            {
                Some(tie) => tie.id,
                None => app
                    .store
                    .add_tie(
                        campaign_a,
                        &NewTie {
                            from_id: coworker_id,
                            to_id: neighbour_id,
                            kind: TieKind::Friends,
                            created_by: None,
                        },
                        &AuditEvent::default(),
                    )
                    .await
                    .expect("re-add tie"),
            };
            fixture
                .tie_id
                .store(tie, std::sync::atomic::Ordering::SeqCst);
            let browser = browser_for(&app, actor).await;
            let args = (row.args)(actor);
            let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let endpoint = row.path.strip_prefix("/api/").expect("an /api/ path");
            let res = if endpoint == "roster/upload" {
                browser
                    .upload_roster(&a_id, "roster.csv", ROSTER.to_vec(), false)
                    .await
            } else {
                browser.call(endpoint, &form).await
            };
            let status = res.status().as_u16();
            let cell = Cell {
                expected_allowed: row.allowed.contains(&actor),
                status,
            };
            if !cell.ok() {
                let body = res.text().await.unwrap_or_default();
                bodies.push(format!(
                    "{} as {}: {status} {}",
                    row.path,
                    actor.label(),
                    body.chars().take(300).collect::<String>()
                ));
            }
            cells.push(cell);
        }
        results.push((row.path, cells));
    }
    let calls_time = started.elapsed() - setup_time;

    // --- Completeness: one row per registered server function, and no stray rows ---
    let registered = registered_paths();
    let row_keys: BTreeSet<String> = rows.iter().map(|r| r.path.to_owned()).collect();
    assert_eq!(
        row_keys.len(),
        rows.len(),
        "the matrix has two rows for the same function"
    );
    let mut problems: Vec<String> = Vec::new();
    if registered.is_empty() {
        problems.push(
            "no server functions are registered in this binary: the completeness check is blind"
                .into(),
        );
    }
    for missing in registered.difference(&row_keys) {
        problems.push(format!(
            "add a row to the authorization matrix for {missing} (a registered server function with no row)"
        ));
    }
    for stray in row_keys.difference(&registered) {
        problems.push(format!(
            "the matrix has a row for {stray}, but no server function is registered there"
        ));
    }
    for (path, cells) in &results {
        for (actor, cell) in ACTORS.iter().zip(cells) {
            if cell.server_error() {
                problems.push(format!(
                    "{path} as {}: server error {}",
                    actor.label(),
                    cell.status
                ));
            } else if !cell.ok() {
                problems.push(format!(
                    "{path} as {}: expected {}, got {}",
                    actor.label(),
                    if cell.expected_allowed {
                        "allowed"
                    } else {
                        "denied"
                    },
                    cell.status
                ));
            }
        }
    }

    let table = table(&backend, &results);
    eprintln!("{table}");
    eprintln!(
        "{backend}: fixture {setup_time:.2?}, {} calls {calls_time:.2?}, total {:.2?}",
        rows.len() * ACTORS.len(),
        started.elapsed()
    );
    assert!(
        problems.is_empty(),
        "{table}\n{}\n\nresponse bodies of failing calls:\n{}",
        problems.join("\n"),
        bodies.join("\n")
    );
    app.stop().await;
}

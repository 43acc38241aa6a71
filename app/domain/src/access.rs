//! Who may do what: roles, e-mail addresses, members and their scope.

use serde::{Deserialize, Serialize};

use super::Choice;
use crate::Invalid;

/// A member's role in one campaign. Ordered: a lead can do what an organizer can,
/// an organizer what a viewer can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Organizer,
    Lead,
}

impl Choice for Role {
    type All = [Role; 3];
    const ALL: [Role; 3] = [Role::Lead, Role::Organizer, Role::Viewer];

    fn key(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Organizer => "organizer",
            Role::Lead => "lead",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Role::Viewer => "Viewer — reads totals and heat maps, no names",
            Role::Organizer => "Organizer — works their areas and assigned coworkers",
            Role::Lead => "Lead — manages the campaign and its members",
        }
    }
}

impl Role {
    /// The stored spelling: [`Choice::key`], callable without the trait in scope.
    pub fn as_str(self) -> &'static str {
        self.key()
    }

    /// A role from a form or the database; this inherent `parse` (not
    /// [`Choice::parse`]) trims and says what went wrong.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        <Role as Choice>::parse(raw.trim())
            .ok_or_else(|| Invalid::new("role", "Choose a role: lead, organizer or viewer."))
    }

    /// True when this role includes everything `needed` may do.
    pub fn at_least(self, needed: Role) -> bool {
        self >= needed
    }

    /// Whether this role reaches a campaign only from a session signed in with a second
    /// factor: always for leads (they read and export the whole chart), for organizers
    /// when the campaign asks it, never for viewers (they see no names).
    pub fn needs_second_factor(self, organizers_too: bool) -> bool {
        match self {
            Role::Lead => true,
            Role::Organizer => organizers_too,
            Role::Viewer => false,
        }
    }
}

/// A trimmed, lower-cased e-mail address with one `@` and a dotted domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub const FIELD: &'static str = "email";

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let email = raw.trim().to_lowercase();
        let invalid = || {
            Invalid::new(
                Self::FIELD,
                "Enter an e-mail address like name@example.org.",
            )
        };
        if email.is_empty() {
            return Err(Invalid::new(Self::FIELD, "Enter your e-mail address."));
        }
        if !super::fields::is_plausible_email(&email) {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A user's membership in a campaign, as the authorization check found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: i64,
    pub campaign_id: i64,
    pub role: Role,
    /// Areas an organizer is given (empty for leads and viewers).
    pub area_ids: Vec<i64>,
}

/// A row of the members page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSummary {
    pub user_id: i64,
    pub email: String,
    pub role: Role,
    pub area_ids: Vec<i64>,
    pub joined_at: chrono::DateTime<chrono::Utc>,
}

/// The signed-in user, as pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
}

/// A campaign with the caller's role in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyCampaign {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: Option<String>,
    pub action: String,
    pub record: String,
    pub detail: String,
}

/// An invite that can still be used, as the members page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInvite {
    pub id: i64,
    pub role: Role,
    pub note: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// The longest path a redirect may carry back.
const MAX_LOCAL_PATH: usize = 2048;

/// `raw` if it is a path on this site, else `/`: the one check for every place that
/// redirects to a path the client chose (sign-in's `next`, a form's `__return`).
///
/// It must start with exactly one `/` (`//host` and `/\host` are other sites to a
/// browser) and hold no backslash and no control character: browsers drop tabs and
/// newlines from URLs, so `/\t/evil.example` becomes `//evil.example`, and a newline
/// cannot be put in a header at all.
pub fn local_path(raw: &str) -> String {
    let ok = raw.len() <= MAX_LOCAL_PATH
        && raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.contains('\\')
        // Visible ASCII only: a space, a control character, a text-direction override or
        // any other non-ASCII character is no path a link of ours makes, and a header
        // value cannot carry it (the redirect would fail after the session is made).
        && raw.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        raw.to_owned()
    } else {
        "/".to_owned()
    }
}

/// Where a sign-in lands: `next` when it names a page of this site; otherwise, for a
/// member of one campaign, that campaign (an organizer's My list, the campaign's home for
/// a lead or a viewer); otherwise the list of campaigns.
pub fn landing(next: &str, campaigns: &[MyCampaign]) -> String {
    let next = local_path(next);
    match campaigns {
        [only] if next == "/" => match only.role {
            Role::Organizer => format!("/campaigns/{}/my", only.id),
            Role::Lead | Role::Viewer => format!("/campaigns/{}", only.id),
        },
        _ => next,
    }
}

/// Parses a comma-separated list of area ids (`"3, 7"`), as forms send it.
pub fn parse_area_ids(raw: &str) -> Result<Vec<i64>, Invalid> {
    let mut ids = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id = part
            .parse::<i64>()
            .map_err(|_| Invalid::new("areas", format!("'{part}' is not an area number.")))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_lands_in_the_only_campaign_unless_sent_somewhere() {
        let one = |role| {
            vec![MyCampaign {
                id: 7,
                name: "Mercy".into(),
                role,
            }]
        };
        assert_eq!(landing("", &one(Role::Organizer)), "/campaigns/7/my");
        assert_eq!(landing("/", &one(Role::Lead)), "/campaigns/7");
        assert_eq!(
            landing("//evil.example", &one(Role::Viewer)),
            "/campaigns/7"
        );
        assert_eq!(landing("/invite/abc", &one(Role::Lead)), "/invite/abc");
        assert_eq!(landing("", &[]), "/");
        let two = [one(Role::Lead), one(Role::Organizer)].concat();
        assert_eq!(landing("", &two), "/");
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Lead.at_least(Role::Organizer));
        assert!(Role::Organizer.at_least(Role::Viewer));
        assert!(!Role::Viewer.at_least(Role::Organizer));
        assert!(!Role::Organizer.at_least(Role::Lead));
    }

    #[test]
    fn role_parse_round_trips() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
        assert!(Role::parse("admin").is_err());
    }

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            Email::parse("  Ana@Example.ORG ").unwrap().as_str(),
            "ana@example.org"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@x.org",
            "ana@localhost",
            "a b@x.org",
            "a@b@c.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn local_paths_stay_on_the_site() {
        for good in [
            "/",
            "/campaigns/3",
            "/invite/abc_DEF-123",
            "/campaigns/1/members?shown=4",
            "/a/b#frag",
            "/%09/evil.example",
        ] {
            assert_eq!(local_path(good), good, "{good:?}");
        }
        for bad in [
            "",
            "evil.example",
            "https://evil.example/",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=y",
            "/\0",
            "/x\u{7f}",
            "/x\u{85}",
            "/x\u{9b}",
            "/x\u{202e}",
            "/caf\u{e9}",
            "/a b",
            " /x",
            "\t//evil.example",
            "javascript:alert(1)",
        ] {
            assert_eq!(local_path(bad), "/", "{bad:?}");
        }
        assert_eq!(local_path(&format!("/{}", "a".repeat(5000))), "/");
    }

    #[test]
    fn area_ids_parse() {
        assert_eq!(parse_area_ids(" 3, 7,3 ,").unwrap(), vec![3, 7]);
        assert!(parse_area_ids("3,x").is_err());
    }
}

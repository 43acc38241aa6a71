//! The workplace map: areas, shifts, coworkers, and who may see which coworker.

use serde::{Deserialize, Serialize};

use super::access::{Member, Role};
use super::disclosure::{Keyed, Policy};
use super::Choice;
use crate::choice::choice;
use crate::fields::{
    checked, optional_id, parse_email, parse_name, parse_phone, parse_tags, parse_text,
};
use crate::Invalid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub retired: bool,
    /// Its place on the floor plan, if a lead has drawn it.
    pub grid: Option<GridBox>,
}

impl Area {
    /// An area in use, not drawn on the floor plan (`parent_id` None: at the top).
    pub fn new(id: i64, parent_id: Option<i64>, name: impl Into<String>) -> Self {
        Area {
            id,
            parent_id,
            name: name.into(),
            retired: false,
            grid: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub id: i64,
    pub name: String,
}

/// Where an area sits on the floor-plan grid (cells; the picture scales them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridBox {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

/// The floor-plan grid is this many cells square at most.
pub const GRID_MAX: i32 = 60;

impl GridBox {
    /// All four numbers or none; a box must fit the grid.
    pub fn parse(x: &str, y: &str, w: &str, h: &str) -> Result<Option<GridBox>, Invalid> {
        let raw = [("grid_x", x), ("grid_y", y), ("grid_w", w), ("grid_h", h)];
        if raw.iter().all(|(_, v)| v.trim().is_empty()) {
            return Ok(None);
        }
        let mut n = [0i32; 4];
        for (i, (field, v)) in raw.iter().enumerate() {
            n[i] = v.trim().parse::<i32>().map_err(|_| {
                Invalid::new(
                    *field,
                    "Give all four grid numbers (column, row, width, height), or none.",
                )
            })?;
        }
        let [x, y, w, h] = n;
        if x < 0 || y < 0 || w < 1 || h < 1 || x + w > GRID_MAX || y + h > GRID_MAX {
            return Err(Invalid::new(
                "grid_x",
                format!("The box must fit the {GRID_MAX}×{GRID_MAX} grid, at least 1×1."),
            ));
        }
        Ok(Some(GridBox { x, y, w, h }))
    }
}

/// An area with its place on the floor plan and who is in it: the floor-plan picture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaStats {
    pub area: Area,
    pub coworkers: i64,
    /// Rated 1 or 2 (leaders and supporters).
    pub supporters: i64,
    pub unknown: i64,
    /// The counts are withheld: fewer people than the campaign's minimum group size.
    #[serde(default)]
    pub suppressed: bool,
    /// The disclosure keys of the three sets counted, of the people outside the reader's
    /// scope (`domain::disclosure`), and how many of each are inside it: server-side.
    #[serde(skip)]
    pub keys: [u32; 3],
    #[serde(skip)]
    pub inside: [i64; 3],
}

impl AreaStats {
    /// The figures as `policy` shows them: an area with people but fewer than the minimum
    /// keeps its place on the plan and loses its counts; the others go through the policy
    /// (supporters and unknowns at most everyone). Empty areas show 0.
    pub fn seen_by(self, policy: Policy) -> Self {
        let keyed = |i: usize, people: i64| Keyed {
            people,
            key: self.keys[i],
            inside: self.inside[i],
        };
        if policy.withholds_keyed(keyed(0, self.coworkers)) {
            return Self {
                coworkers: 0,
                supporters: 0,
                unknown: 0,
                suppressed: true,
                keys: [0; 3],
                inside: [0; 3],
                ..self
            };
        }
        let coworkers = policy.count(keyed(0, self.coworkers));
        Self {
            coworkers,
            supporters: policy.count(keyed(1, self.supporters)).min(coworkers),
            unknown: policy.count(keyed(2, self.unknown)).min(coworkers),
            keys: [0; 3],
            inside: [0; 3],
            ..self
        }
    }

    /// Share of 1–2s among everyone in the area, in whole percent.
    pub fn support_percent(&self) -> i64 {
        if self.coworkers == 0 {
            0
        } else {
            self.supporters * 100 / self.coworkers
        }
    }
}

/// A coworker as lists and chips show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoworkerSummary {
    pub id: i64,
    pub name: String,
    pub area_id: Option<i64>,
    pub shift_id: Option<i64>,
    pub job_title: String,
    pub assigned_organizer: Option<i64>,
    /// 1–5; `None` is unknown (never a 3).
    pub rating: Option<i32>,
    pub organic_leader: bool,
    pub committee_member: bool,
    pub tags: Vec<String>,
}

/// What the chart page shows and how it is narrowed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartFilter {
    /// Part of a name, any case.
    pub q: String,
    /// "1".."5", "unknown", or "" for all.
    pub rating: String,
    pub tag: String,
    /// A user id, or "" for all.
    pub organizer: String,
}

impl ChartFilter {
    pub fn is_empty(&self) -> bool {
        self.q.trim().is_empty()
            && self.rating.is_empty()
            && self.tag.trim().is_empty()
            && self.organizer.is_empty()
    }

    pub fn matches(&self, c: &CoworkerSummary) -> bool {
        let q = self.q.trim().to_lowercase();
        if !q.is_empty() && !c.name.to_lowercase().contains(&q) {
            return false;
        }
        match self.rating.as_str() {
            "" => {}
            "unknown" => {
                if c.rating.is_some() {
                    return false;
                }
            }
            r => {
                if c.rating.map(|x| x.to_string()).as_deref() != Some(r) {
                    return false;
                }
            }
        }
        let tag = self.tag.trim();
        if !tag.is_empty() && !c.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            return false;
        }
        if !self.organizer.is_empty()
            && c.assigned_organizer.map(|o| o.to_string()).as_deref() != Some(&self.organizer)
        {
            return false;
        }
        true
    }
}

choice! {
    /// Employment status: the chart keeps people who left or were fired, for history.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum EmploymentStatus {
        Active => "active", "Active";
        OnLeave => "on_leave", "On leave";
        Left => "left", "Left";
        Disciplined => "disciplined", "Disciplined";
        Fired => "fired", "Fired";
    }
}

impl EmploymentStatus {
    /// Still in the unit, so counted on heat maps and coverage: not left, not fired.
    pub const EMPLOYED: [EmploymentStatus; 3] = [
        EmploymentStatus::Active,
        EmploymentStatus::OnLeave,
        EmploymentStatus::Disciplined,
    ];

    pub fn is_employed(self) -> bool {
        Self::EMPLOYED.contains(&self)
    }
}

/// The kinds of tie on the social map. `ListensTo` has a direction; the rest are mutual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TieKind {
    WorksBeside,
    Friends,
    Family,
    Carpool,
    ListensTo,
}

impl Choice for TieKind {
    type All = [TieKind; 5];
    const ALL: [TieKind; 5] = [
        Self::WorksBeside,
        Self::Friends,
        Self::Family,
        Self::Carpool,
        Self::ListensTo,
    ];

    fn key(self) -> &'static str {
        match self {
            Self::WorksBeside => "works_beside",
            Self::Friends => "friends",
            Self::Family => "family",
            Self::Carpool => "carpool",
            Self::ListensTo => "listens_to",
        }
    }

    /// As the tie form lists it: read from the coworker it is recorded on.
    fn label(self) -> &'static str {
        self.phrase(true)
    }
}

impl TieKind {
    /// How the tie reads from one end: "works beside Ana", "listens to Ben", "is listened to by Cy".
    pub fn phrase(self, outgoing: bool) -> &'static str {
        match (self, outgoing) {
            (Self::WorksBeside, _) => "works beside",
            (Self::Friends, _) => "friends with",
            (Self::Family, _) => "family of",
            (Self::Carpool, _) => "carpools with",
            (Self::ListensTo, true) => "listens to",
            (Self::ListensTo, false) => "is listened to by",
        }
    }
}

/// An organic leader and the coworkers who listen to them (ties of kind "listens to").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderReach {
    pub id: i64,
    pub name: String,
    pub area_id: Option<i64>,
    pub assigned_organizer: Option<i64>,
    pub rating: Option<i32>,
    pub listeners: i64,
    /// Listeners rated 1 or 2.
    pub supporters: i64,
    pub unknown: i64,
}

/// A tie as seen from one coworker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tie {
    pub id: i64,
    pub kind: TieKind,
    /// True when this coworker is the `from` end (matters for "listens to").
    pub outgoing: bool,
    pub other_id: i64,
    pub other_name: String,
    pub other_rating: Option<i32>,
    /// Where the other end is, for the organizer-scope check.
    pub other_area_id: Option<i64>,
    pub other_assigned: Option<i64>,
}

/// Everything on a coworker's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coworker {
    pub id: i64,
    pub fields: CoworkerFields,
    pub rating: Option<i32>,
    pub archived: bool,
}

/// The editable part of a coworker, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoworkerFields {
    pub name: String,
    pub area_id: Option<i64>,
    pub shift_id: Option<i64>,
    pub job_title: String,
    pub employee_ref: String,
    pub phone: String,
    pub email: String,
    pub language: String,
    pub tags: Vec<String>,
    pub organic_leader: bool,
    pub committee_member: bool,
    pub assigned_organizer: Option<i64>,
    pub employment_status: EmploymentStatus,
    pub notes: String,
}

impl CoworkerFields {
    /// A new coworker's fields: just a name and a place.
    pub fn named(name: String, area_id: Option<i64>, shift_id: Option<i64>) -> Self {
        Self {
            name,
            area_id,
            shift_id,
            job_title: String::new(),
            employee_ref: String::new(),
            phone: String::new(),
            email: String::new(),
            language: String::new(),
            tags: Vec::new(),
            organic_leader: false,
            committee_member: false,
            assigned_organizer: None,
            employment_status: EmploymentStatus::Active,
            notes: String::new(),
        }
    }
}

/// The coworker form as a browser posts it (adding and editing): every field the
/// raw text of its input, absent ones empty. [`CoworkerForm::parse`] is the one rule
/// that turns it into what is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CoworkerForm {
    pub name: String,
    pub area_id: String,
    pub shift_id: String,
    pub job_title: String,
    pub employee_ref: String,
    pub phone: String,
    pub email: String,
    pub language: String,
    pub tags: String,
    pub organic_leader: String,
    pub committee_member: String,
    pub assigned_organizer: String,
    pub employment_status: String,
    pub notes: String,
}

impl CoworkerForm {
    /// The fields to store. `current` is the record being edited (`None` when adding):
    /// an empty employment status keeps its status (Active when adding), and unless
    /// `may_assign` (leads assign coworkers to organizers) the assignment is kept too.
    pub fn parse(
        &self,
        current: Option<&CoworkerFields>,
        may_assign: bool,
    ) -> Result<CoworkerFields, Invalid> {
        let assigned_organizer = if may_assign {
            optional_id(&self.assigned_organizer, "assigned_organizer")?
        } else {
            current.and_then(|c| c.assigned_organizer)
        };
        let employment_status = match self.employment_status.trim() {
            "" => current.map_or(EmploymentStatus::Active, |c| c.employment_status),
            raw => EmploymentStatus::parse(raw)
                .ok_or_else(|| Invalid::new("employment_status", "Choose an employment status."))?,
        };
        Ok(CoworkerFields {
            name: parse_name(&self.name, "name", "coworker", 200)?,
            area_id: optional_id(&self.area_id, "area_id")?,
            shift_id: optional_id(&self.shift_id, "shift_id")?,
            job_title: parse_text(&self.job_title, "job_title", "A job title", 120)?,
            employee_ref: parse_text(&self.employee_ref, "employee_ref", "An employee ID", 60)?,
            phone: parse_phone(&self.phone)?,
            email: parse_email(&self.email)?,
            language: parse_text(&self.language, "language", "A language", 60)?,
            tags: parse_tags(&self.tags)?,
            organic_leader: checked(&self.organic_leader),
            committee_member: checked(&self.committee_member),
            assigned_organizer,
            employment_status,
            notes: parse_text(&self.notes, "notes", "Notes", 4000)?,
        })
    }
}

/// What applying a roster import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterOutcome {
    pub added: u64,
    pub moved: u64,
    pub marked_left: u64,
    pub areas_created: u64,
    pub shifts_created: u64,
    pub refs_linked: u64,
}

impl RosterOutcome {
    /// The counts as the audit log records them.
    pub fn summary(&self) -> String {
        format!(
            "added={} moved={} left={} areas={} shifts={} ids={}",
            self.added,
            self.moved,
            self.marked_left,
            self.areas_created,
            self.shifts_created,
            self.refs_linked
        )
    }
}

/// Which coworkers a member may see and edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoworkerScope {
    /// Leads: the whole campaign.
    Campaign,
    /// Organizers: their areas and the coworkers assigned to them.
    Organizer { user_id: i64, area_ids: Vec<i64> },
}

impl CoworkerScope {
    /// The scope of `member`; viewers have none (they read aggregates, never names).
    pub fn of(member: &Member) -> Option<Self> {
        match member.role {
            Role::Lead => Some(CoworkerScope::Campaign),
            Role::Organizer => Some(CoworkerScope::Organizer {
                user_id: member.user_id,
                area_ids: member.area_ids.clone(),
            }),
            Role::Viewer => None,
        }
    }

    pub fn allows(&self, area_id: Option<i64>, assigned_organizer: Option<i64>) -> bool {
        match self {
            CoworkerScope::Campaign => true,
            CoworkerScope::Organizer { user_id, area_ids } => {
                assigned_organizer == Some(*user_id)
                    || area_id.is_some_and(|a| area_ids.contains(&a))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role, areas: &[i64]) -> Member {
        Member {
            user_id: 7,
            campaign_id: 1,
            role,
            area_ids: areas.to_vec(),
        }
    }

    #[test]
    fn organizers_see_their_areas_and_assignees_only() {
        let scope = CoworkerScope::of(&member(Role::Organizer, &[1, 2])).unwrap();
        assert!(scope.allows(Some(1), None));
        assert!(
            scope.allows(Some(3), Some(7)),
            "assigned to them, elsewhere"
        );
        assert!(!scope.allows(Some(3), Some(8)));
        assert!(!scope.allows(None, None));
    }

    #[test]
    fn leads_see_all_and_viewers_no_names() {
        assert!(CoworkerScope::of(&member(Role::Lead, &[]))
            .unwrap()
            .allows(None, None));
        assert!(CoworkerScope::of(&member(Role::Viewer, &[1])).is_none());
    }

    #[test]
    fn the_coworker_form_keeps_what_only_a_lead_may_change() {
        let mut current = CoworkerFields::named("Ana".into(), Some(1), None);
        current.assigned_organizer = Some(9);
        current.employment_status = EmploymentStatus::OnLeave;
        let form = CoworkerForm {
            name: " Ana Lopez ".into(),
            area_id: "2".into(),
            assigned_organizer: "3".into(),
            organic_leader: "on".into(),
            tags: "nights, Nights, union".into(),
            ..CoworkerForm::default()
        };
        let organizer = form.parse(Some(&current), false).unwrap();
        assert_eq!(organizer.name, "Ana Lopez");
        assert_eq!(organizer.area_id, Some(2));
        assert_eq!(
            organizer.assigned_organizer,
            Some(9),
            "organizers cannot reassign"
        );
        assert_eq!(organizer.employment_status, EmploymentStatus::OnLeave);
        assert!(organizer.organic_leader && !organizer.committee_member);
        assert_eq!(organizer.tags, ["nights", "union"]);
        let lead = form.parse(Some(&current), true).unwrap();
        assert_eq!(lead.assigned_organizer, Some(3));
        let added = form.parse(None, false).unwrap();
        assert_eq!(added.assigned_organizer, None);
        assert_eq!(added.employment_status, EmploymentStatus::Active);
    }

    #[test]
    fn the_coworker_form_names_the_field_it_refuses() {
        let refused = |form: CoworkerForm| match form.parse(None, true) {
            Err(Invalid { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        };
        let named = |f: fn(&mut CoworkerForm)| {
            let mut form = CoworkerForm {
                name: "Ana".into(),
                ..CoworkerForm::default()
            };
            f(&mut form);
            form
        };
        assert_eq!(refused(CoworkerForm::default()), "name");
        assert_eq!(refused(named(|f| f.area_id = "x".into())), "area_id");
        assert_eq!(refused(named(|f| f.phone = "12".into())), "phone");
        assert_eq!(refused(named(|f| f.email = "nobody".into())), "email");
        assert_eq!(
            refused(named(|f| f.employment_status = "sacked".into())),
            "employment_status"
        );
        assert_eq!(refused(named(|f| f.notes = "n".repeat(4001))), "notes");
    }
}

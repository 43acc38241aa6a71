//! The workplace map: areas, shifts, coworkers, and who may see which coworker.

use serde::{Deserialize, Serialize};

use super::access::{Member, Role};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub id: i64,
    pub name: String,
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
}

/// Trims and bounds a required name field: 1 to `max` characters, no control characters.
pub fn parse_name(raw: &str, field: &str, what: &str, max: usize) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(AppError::validation(
            field,
            format!("Give the {what} a name."),
        ));
    }
    if name.chars().count() > max {
        return Err(AppError::validation(
            field,
            format!("A {what} name can be at most {max} characters."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::validation(
            field,
            format!("A {what} name cannot contain control characters."),
        ));
    }
    Ok(name.to_owned())
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
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            parse_name("  Line 3 ", "name", "area", 120).unwrap(),
            "Line 3"
        );
        assert!(parse_name(" ", "name", "area", 120).is_err());
        assert!(parse_name(&"x".repeat(121), "name", "area", 120).is_err());
    }
}

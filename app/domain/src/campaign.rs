use serde::{Deserialize, Serialize};

use crate::Invalid;

/// A campaign's name, trimmed, 1 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignName(String);

impl CampaignName {
    pub const MAX_CHARS: usize = 200;
    pub const FIELD: &'static str = "name";

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(Invalid::new(Self::FIELD, "Give the campaign a name."));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(Invalid::new(
                Self::FIELD,
                format!(
                    "A campaign name can be at most {} characters.",
                    Self::MAX_CHARS
                ),
            ));
        }
        if name.chars().any(super::text::is_forbidden_in_name) {
            return Err(Invalid::new(
                Self::FIELD,
                "A campaign name cannot contain control characters or text-direction overrides.",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_accepts_a_normal_name() {
        let name = CampaignName::parse("  Mercy Hospital nurses ").unwrap();
        assert_eq!(name.as_str(), "Mercy Hospital nurses");
    }

    #[test]
    fn refuses_empty_and_blank_names() {
        for raw in ["", "   ", "\t\n"] {
            let err = CampaignName::parse(raw).unwrap_err();
            assert_eq!(
                err.field_message("name").as_deref(),
                Some("Give the campaign a name.")
            );
        }
    }

    #[test]
    fn counts_characters_not_bytes() {
        let at_limit = "é".repeat(200);
        assert!(CampaignName::parse(&at_limit).is_ok());
        let over = "é".repeat(201);
        assert!(CampaignName::parse(&over)
            .unwrap_err()
            .field_message("name")
            .unwrap()
            .contains("at most 200"));
    }

    #[test]
    fn refuses_control_characters() {
        assert!(CampaignName::parse("a\u{0}b").is_err());
    }
}

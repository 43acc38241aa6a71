//! A vote's rule, the one vocabulary a practice vote (a structure test) and a vote plan
//! share: what the yes share is a share of, the yes share, the turnout. One type, one
//! parser (the same field names on every form), one way to say it in words.

use serde::{Deserialize, Serialize};

use crate::choice::choice;
use crate::organizing::parse_bounded;
use crate::{Choice, Invalid};

choice! {
    /// What a vote's yes share is a share of.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum VoteBase {
        Cast => "cast", "Of the votes cast (yes and no)";
        Unit => "unit", "Of everyone in the scope (the whole unit)";
    }
}

/// A vote's rule: it passes when at least `turnout_percent` of the scope votes (yes, no
/// or abstain) and yes reaches `yes_percent` of the base. Abstentions count as turnout
/// but are not votes cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRule {
    pub base: VoteBase,
    pub yes_percent: i64,
    pub turnout_percent: i64,
}

/// The rule's fields as a form sends them (`vote_base`, `yes_percent`,
/// `turnout_percent`: the same names on the structure test and the vote plan forms).
#[derive(Debug, Clone, Copy)]
pub struct RuleFields<'a> {
    pub vote_base: &'a str,
    pub yes_percent: &'a str,
    pub turnout_percent: &'a str,
}

/// The rule's form fields, the form filled in (`vote_base`, `yes_percent`,
/// `turnout_percent`).
pub type RuleValues = (String, String, String);

impl VoteRule {
    /// The yes share bounds any rule takes: a majority at least.
    pub const YES_PERCENT: std::ops::RangeInclusive<i64> = 50..=100;

    /// Reads a rule, each mistake named by its field. No base given: of the votes cast;
    /// no turnout given: none required.
    pub fn parse(form: RuleFields<'_>) -> Result<VoteRule, Invalid> {
        use crate::AllOk;
        let base = match form.vote_base.trim() {
            "" => Ok(VoteBase::Cast),
            b => VoteBase::parse(b).ok_or_else(|| {
                Invalid::new("vote_base", "Choose what the yes share is a share of.")
            }),
        };
        let yes_percent = parse_bounded(
            form.yes_percent,
            "yes_percent",
            Self::YES_PERCENT,
            "The yes share needed: a whole percent from 50 to 100.",
        )
        .and_then(|y| {
            y.ok_or_else(|| Invalid::new("yes_percent", "Give the yes share needed (50 to 100)."))
        });
        let turnout_percent = parse_bounded(
            form.turnout_percent,
            "turnout_percent",
            0..=100,
            "The turnout needed: a whole percent from 0 to 100.",
        )
        .map(|t| t.unwrap_or(0));
        let (base, yes_percent, turnout_percent) = (base, yes_percent, turnout_percent).all_ok()?;
        Ok(VoteRule {
            base,
            yes_percent,
            turnout_percent,
        })
    }

    /// The form fields filled in with this rule.
    pub fn values(&self) -> RuleValues {
        (
            self.base.key().to_owned(),
            self.yes_percent.to_string(),
            self.turnout_percent.to_string(),
        )
    }

    /// The rule in words: "Yes from 75% of the votes cast, with at least 50% voting".
    pub fn words(&self) -> String {
        let of = match self.base {
            VoteBase::Cast => "of the votes cast",
            VoteBase::Unit => "of everyone in the scope",
        };
        if self.turnout_percent > 0 {
            format!(
                "Yes from {}% {of}, with at least {}% voting",
                self.yes_percent, self.turnout_percent
            )
        } else {
            format!("Yes from {}% {of}", self.yes_percent)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(base: &'a str, yes: &'a str, turnout: &'a str) -> RuleFields<'a> {
        RuleFields {
            vote_base: base,
            yes_percent: yes,
            turnout_percent: turnout,
        }
    }

    #[test]
    fn a_rule_reads_its_three_fields_with_their_defaults() {
        assert_eq!(
            VoteRule::parse(fields("unit", " 75 ", "50")),
            Ok(VoteRule {
                base: VoteBase::Unit,
                yes_percent: 75,
                turnout_percent: 50
            })
        );
        assert_eq!(
            VoteRule::parse(fields("", "50", "")),
            Ok(VoteRule {
                base: VoteBase::Cast,
                yes_percent: 50,
                turnout_percent: 0
            })
        );
        assert_eq!(
            VoteRule::parse(fields("cast", "100", "100")).map(|r| r.values()),
            Ok(("cast".into(), "100".into(), "100".into()))
        );
    }

    #[test]
    fn each_mistake_names_its_field() {
        let field = |f: RuleFields<'_>| VoteRule::parse(f).unwrap_err().field;
        assert_eq!(field(fields("most", "75", "")), "vote_base");
        assert_eq!(field(fields("cast", "", "")), "yes_percent");
        assert_eq!(field(fields("cast", "49", "")), "yes_percent");
        assert_eq!(field(fields("cast", "101", "")), "yes_percent");
        assert_eq!(field(fields("cast", "3/4", "")), "yes_percent");
        assert_eq!(field(fields("cast", "75", "-1")), "turnout_percent");
        assert_eq!(field(fields("cast", "75", "101")), "turnout_percent");
    }

    #[test]
    fn the_rule_in_words() {
        let rule = |base, turnout_percent| VoteRule {
            base,
            yes_percent: 75,
            turnout_percent,
        };
        assert_eq!(
            rule(VoteBase::Cast, 0).words(),
            "Yes from 75% of the votes cast"
        );
        assert_eq!(
            rule(VoteBase::Unit, 50).words(),
            "Yes from 75% of everyone in the scope, with at least 50% voting"
        );
    }
}

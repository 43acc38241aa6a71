//! Counting a test's marks against its goal: overall, by area and by shift, as the
//! reader's disclosure policy shows them.

use serde::{Deserialize, Serialize};

use super::{Response, StructureTest, TestStatus, VoteBase, VoteRule};
use crate::disclosure::{Keyed, Policy};
use crate::{Area, Choice, Shift};

/// The marks of a group of people: how many are in it, and how many have each mark
/// (indexed by [`Response::index`]); the rest have none yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub scope: i64,
    pub marks: [i64; 8],
    /// The disclosure keys of each mark's people outside the reader's scope, then of the
    /// unmarked, and how many of each are inside it (`domain::disclosure`): server-side.
    #[serde(skip)]
    pub keys: [u32; 9],
    #[serde(skip)]
    pub inside: [i64; 9],
}

impl Counts {
    pub fn add(&mut self, response: Option<Response>, people: Keyed) {
        self.scope += people.people;
        let slot = match response {
            Some(r) => {
                self.marks[r.index()] += people.people;
                r.index()
            }
            None => 8,
        };
        self.keys[slot] = self.keys[slot].wrapping_add(people.key);
        self.inside[slot] += people.inside;
    }

    /// The counts as `policy` shows them: each mark's and the unmarked count through it,
    /// the scope their sum (so a row adds up). The keys do not go on.
    pub fn seen_by(&self, policy: Policy) -> Counts {
        let count = |i: usize, people: i64| {
            policy.count(Keyed {
                people,
                key: self.keys[i],
                inside: self.inside[i],
            })
        };
        let marks: [i64; 8] = std::array::from_fn(|i| count(i, self.marks[i]));
        let unmarked = count(8, self.unmarked());
        Counts {
            scope: marks.iter().sum::<i64>() + unmarked,
            marks,
            keys: [0; 9],
            inside: [0; 9],
        }
    }

    /// None when `policy` withholds a group this small (its people outside the reader's
    /// scope), else the counts it shows.
    pub fn disclosed(&self, policy: Policy) -> Option<Counts> {
        let everyone = Keyed {
            people: self.scope,
            key: 0,
            inside: self.inside.iter().sum(),
        };
        (!policy.withholds_keyed(everyone)).then(|| self.seen_by(policy))
    }

    pub fn of(&self, response: Response) -> i64 {
        self.marks[response.index()]
    }

    pub fn marked(&self) -> i64 {
        self.marks.iter().sum()
    }

    pub fn unmarked(&self) -> i64 {
        self.scope - self.marked()
    }

    /// Took part, or voted yes.
    pub fn took_part(&self) -> i64 {
        self.of(Response::TookPart) + self.of(Response::Yes)
    }

    /// Voted at all: yes, no, or abstained.
    pub fn turnout(&self) -> i64 {
        self.of(Response::Yes) + self.of(Response::No) + self.of(Response::Abstain)
    }

    /// `part` of the scope in whole percent, rounded down (never overstating support).
    pub fn percent(&self, part: i64) -> i64 {
        share(part, self.scope)
    }
}

pub use crate::dashboard::percent_floor as share;

/// The smallest `n` with `n * 100 >= percent * whole`: how many reach `percent` of `whole`.
fn needed(percent: i64, whole: i64) -> i64 {
    (percent * whole + 99) / 100
}

/// Where a test stands against its goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// An action: who took part, against the goal's share of the scope.
    Action {
        took_part: i64,
        scope: i64,
        goal_percent: i64,
        /// More who must take part to reach the goal (0 when met).
        short: i64,
    },
    /// A vote, against its rule.
    Vote {
        yes: i64,
        no: i64,
        abstain: i64,
        scope: i64,
        rule: VoteRule,
        /// More voters needed for the turnout (0 when met).
        turnout_short: i64,
        /// More yes votes needed, counting each new one as a new voter (0 when met;
        /// `None` when new yes votes alone cannot pass it: a 100% rule with a no).
        yes_short: Option<i64>,
    },
}

impl Outcome {
    pub fn of(counts: &Counts, goal_percent: i64, rule: Option<VoteRule>) -> Self {
        match rule {
            None => {
                let took_part = counts.took_part();
                Outcome::Action {
                    took_part,
                    scope: counts.scope,
                    goal_percent,
                    short: (needed(goal_percent, counts.scope) - took_part).max(0),
                }
            }
            Some(rule) => {
                let yes = counts.of(Response::Yes);
                let no = counts.of(Response::No);
                let abstain = counts.of(Response::Abstain);
                let turnout = yes + no + abstain;
                let turnout_short = (needed(rule.turnout_percent, counts.scope) - turnout).max(0);
                let yes_short = match rule.base {
                    VoteBase::Unit => Some((needed(rule.yes_percent, counts.scope) - yes).max(0)),
                    // (yes + k) * 100 >= p * (yes + no + k)  <=>  k * (100 - p) >= p * (yes + no) - 100 * yes
                    VoteBase::Cast => {
                        let gap = rule.yes_percent * (yes + no) - 100 * yes;
                        if rule.yes_percent >= 100 {
                            (no == 0).then_some(1 - yes.min(1))
                        } else {
                            let room = 100 - rule.yes_percent;
                            Some(((gap.max(0) + room - 1) / room).max(1 - (yes + no).min(1)))
                        }
                    }
                };
                Outcome::Vote {
                    yes,
                    no,
                    abstain,
                    scope: counts.scope,
                    rule,
                    turnout_short,
                    yes_short,
                }
            }
        }
    }

    /// True when the goal (or the rule) is reached.
    pub fn met(&self) -> bool {
        match *self {
            Outcome::Action { scope, short, .. } => scope > 0 && short == 0,
            Outcome::Vote {
                scope,
                turnout_short,
                yes_short,
                ..
            } => scope > 0 && turnout_short == 0 && yes_short == Some(0),
        }
    }

    /// The headline share: who took part, or the yes share of the rule's base.
    pub fn percent(&self) -> i64 {
        match *self {
            Outcome::Action {
                took_part, scope, ..
            } => share(took_part, scope),
            Outcome::Vote {
                yes,
                no,
                scope,
                rule,
                ..
            } => match rule.base {
                VoteBase::Cast => share(yes, yes + no),
                VoteBase::Unit => share(yes, scope),
            },
        }
    }

    /// The goal's share.
    pub fn goal_percent(&self) -> i64 {
        match *self {
            Outcome::Action { goal_percent, .. } => goal_percent,
            Outcome::Vote { rule, .. } => rule.yes_percent,
        }
    }

    /// One sentence on where it stands.
    pub fn words(&self) -> String {
        match *self {
            Outcome::Action {
                took_part,
                scope,
                goal_percent,
                short,
            } => {
                let head = format!(
                    "{took_part} of {scope} took part ({}%; goal {goal_percent}%)",
                    share(took_part, scope)
                );
                if self.met() {
                    format!("{head}: goal reached.")
                } else {
                    format!("{head}: {short} more to reach it.")
                }
            }
            Outcome::Vote {
                yes,
                no,
                abstain,
                scope,
                turnout_short,
                yes_short,
                ..
            } => {
                let turnout = yes + no + abstain;
                let head = format!(
                    "{yes} yes, {no} no, {abstain} abstained: turnout {turnout} of {scope} ({}%)",
                    share(turnout, scope)
                );
                if self.met() {
                    return format!("{head}: the vote passes its rule.");
                }
                let mut short = Vec::new();
                match yes_short {
                    Some(0) => {}
                    Some(n) => short.push(format!("{n} more yes votes")),
                    None => short.push("no votes to change".to_owned()),
                }
                if turnout_short > 0 {
                    short.push(format!("{turnout_short} more voters"));
                }
                format!("{head}: short by {}.", short.join(" and "))
            }
        }
    }
}

/// One row of a breakdown: an area or a shift (`id` None: none given). `counts` is None
/// when the row is withheld from the reader (too few people).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyRow {
    pub id: Option<i64>,
    pub label: String,
    pub counts: Option<Counts>,
}

/// A test's count: overall, by area and by shift (where people were when it opened).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// None when the whole scope is too small for a viewer to see.
    pub overall: Option<Counts>,
    pub by_area: Vec<TallyRow>,
    pub by_shift: Vec<TallyRow>,
    /// Set for a protected reader: groups smaller than this are withheld, and every
    /// count is rounded to a multiple of it (`domain::disclosure`).
    pub min_group_size: Option<i64>,
}

/// One group of a test's scope as storage counts it: area, shift, mark, and people (with
/// their disclosure key).
pub type TallyGroup = (Option<i64>, Option<i64>, Option<Response>, Keyed);

impl Tally {
    /// Counts `groups`, every row and the whole as `policy` shows them.
    pub fn build(groups: &[TallyGroup], areas: &[Area], shifts: &[Shift], policy: Policy) -> Self {
        let mut overall = Counts::default();
        let mut by_area: Vec<(Option<i64>, Counts)> = Vec::new();
        let mut by_shift: Vec<(Option<i64>, Counts)> = Vec::new();
        for &(area, shift, response, people) in groups {
            overall.add(response, people);
            bump(&mut by_area, area, response, people);
            bump(&mut by_shift, shift, response, people);
        }
        let area_name = |id: Option<i64>| match id {
            Some(id) => areas
                .iter()
                .find(|a| a.id == id)
                .map_or_else(|| format!("Area {id}"), |a| a.name.clone()),
            None => "No area".to_owned(),
        };
        let shift_name = |id: Option<i64>| match id {
            Some(id) => shifts
                .iter()
                .find(|s| s.id == id)
                .map_or_else(|| format!("Shift {id}"), |s| s.name.clone()),
            None => "No shift".to_owned(),
        };
        let rows = |groups: Vec<(Option<i64>, Counts)>, name: &dyn Fn(Option<i64>) -> String| {
            let mut rows: Vec<TallyRow> = groups
                .into_iter()
                .map(|(id, counts)| TallyRow {
                    id,
                    label: name(id),
                    counts: counts.disclosed(policy),
                })
                .collect();
            rows.sort_by(|a, b| (a.id.is_none(), &a.label).cmp(&(b.id.is_none(), &b.label)));
            rows
        };
        Tally {
            overall: overall.disclosed(policy),
            by_area: rows(by_area, &area_name),
            by_shift: rows(by_shift, &shift_name),
            min_group_size: match policy {
                Policy::Exact => None,
                Policy::Protected { min_group_size } => Some(min_group_size),
            },
        }
    }

    pub fn outcome(&self, test: &StructureTest) -> Option<Outcome> {
        self.overall
            .map(|c| Outcome::of(&c, test.goal_percent, test.rule))
    }
}

fn bump(
    groups: &mut Vec<(Option<i64>, Counts)>,
    key: Option<i64>,
    response: Option<Response>,
    people: Keyed,
) {
    match groups.iter_mut().find(|(k, _)| *k == key) {
        Some((_, c)) => c.add(response, people),
        None => {
            let mut c = Counts::default();
            c.add(response, people);
            groups.push((key, c));
        }
    }
}

/// One test on the escalation timeline: what it was and how it did against its goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub test: StructureTest,
    /// None while planned (no scope yet), or when too small for the reader.
    pub outcome: Option<Outcome>,
}

impl TimelineEntry {
    pub fn new(test: StructureTest, counts: Option<Counts>, policy: Policy) -> Self {
        let counts = counts
            .filter(|_| test.status != TestStatus::Planned)
            .and_then(|c| c.disclosed(policy));
        let outcome = counts.map(|c| Outcome::of(&c, test.goal_percent, test.rule));
        TimelineEntry { test, outcome }
    }
}

/// The words for a mark, or for none.
pub fn mark_words(response: Option<Response>) -> &'static str {
    response.map_or("Not marked", Response::label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(scope: i64, marks: &[(Response, i64)]) -> Counts {
        let mut c = Counts {
            scope,
            ..Counts::default()
        };
        for &(r, n) in marks {
            c.marks[r.index()] += n;
        }
        c
    }

    fn rule(base: VoteBase, yes: i64, turnout: i64) -> Option<VoteRule> {
        Some(VoteRule {
            base,
            yes_percent: yes,
            turnout_percent: turnout,
        })
    }

    #[test]
    fn an_action_is_measured_against_its_share_of_the_scope() {
        let c = counts(10, &[(Response::TookPart, 6), (Response::Declined, 2)]);
        assert_eq!(c.unmarked(), 2);
        let o = Outcome::of(&c, 70, None);
        assert_eq!(
            o,
            Outcome::Action {
                took_part: 6,
                scope: 10,
                goal_percent: 70,
                short: 1
            }
        );
        assert!(!o.met());
        assert_eq!(o.percent(), 60);
        assert_eq!(
            o.words(),
            "6 of 10 took part (60%; goal 70%): 1 more to reach it."
        );
        let o = Outcome::of(&counts(10, &[(Response::TookPart, 7)]), 70, None);
        assert!(o.met());
        // 70% of 9 is 6.3 people: 7 are needed, 6 are not enough.
        assert!(!Outcome::of(&counts(9, &[(Response::TookPart, 6)]), 70, None).met());
        assert!(Outcome::of(&counts(9, &[(Response::TookPart, 7)]), 70, None).met());
        // An empty scope never meets a goal.
        assert!(!Outcome::of(&Counts::default(), 1, None).met());
    }

    #[test]
    fn a_vote_of_the_whole_unit_counts_everyone_who_did_not_vote_yes_against_it() {
        // Chicago: 75% of all members. 100 in the unit, 80 voted, 74 yes.
        let c = counts(
            100,
            &[
                (Response::Yes, 74),
                (Response::No, 4),
                (Response::Abstain, 2),
            ],
        );
        let o = Outcome::of(&c, 75, rule(VoteBase::Unit, 75, 0));
        assert_eq!(o.percent(), 74);
        assert!(!o.met());
        match o {
            Outcome::Vote {
                yes_short,
                turnout_short,
                ..
            } => {
                assert_eq!(yes_short, Some(1));
                assert_eq!(turnout_short, 0);
            }
            _ => unreachable!(),
        }
        // The same votes pass a rule of the votes cast: 74 of 78 is 94%.
        let o = Outcome::of(&c, 75, rule(VoteBase::Cast, 75, 50));
        assert_eq!(o.percent(), 94);
        assert!(o.met());
    }

    #[test]
    fn a_vote_of_the_votes_cast_needs_its_turnout_too() {
        let c = counts(100, &[(Response::Yes, 30), (Response::No, 5)]);
        let o = Outcome::of(&c, 60, rule(VoteBase::Cast, 60, 50));
        match o {
            Outcome::Vote {
                yes_short,
                turnout_short,
                ..
            } => {
                assert_eq!(yes_short, Some(0));
                assert_eq!(turnout_short, 15);
            }
            _ => unreachable!(),
        }
        assert!(!o.met());
        assert_eq!(
            o.words(),
            "30 yes, 5 no, 0 abstained: turnout 35 of 100 (35%): short by 15 more voters."
        );
        // 10 yes, 10 no at 2/3: k new yes votes with (10 + k) * 3 >= 2 * (20 + k): k = 10.
        let c = counts(40, &[(Response::Yes, 10), (Response::No, 10)]);
        match Outcome::of(&c, 67, rule(VoteBase::Cast, 67, 0)) {
            Outcome::Vote { yes_short, .. } => {
                // (10 + k) * 100 >= 67 * (20 + k)  <=>  33k >= 340  <=>  k >= 11
                assert_eq!(yes_short, Some(11));
                let k = 11;
                assert!((10 + k) * 100 >= 67 * (20 + k));
                assert!((10 + k - 1) * 100 < 67 * (20 + k - 1));
            }
            _ => unreachable!(),
        }
        // Nobody has voted: one yes vote passes a rule of the votes cast.
        match Outcome::of(&counts(5, &[]), 75, rule(VoteBase::Cast, 75, 0)) {
            Outcome::Vote { yes_short, .. } => assert_eq!(yes_short, Some(1)),
            _ => unreachable!(),
        }
        // Unanimity with a no already cast cannot be reached by more yes votes.
        let c = counts(5, &[(Response::Yes, 3), (Response::No, 1)]);
        match Outcome::of(&c, 100, rule(VoteBase::Cast, 100, 0)) {
            Outcome::Vote { yes_short, .. } => assert_eq!(yes_short, None),
            _ => unreachable!(),
        }
    }

    fn area(id: i64, name: &str) -> Area {
        Area::new(id, None, name)
    }

    #[test]
    fn a_tally_counts_by_area_and_shift() {
        let areas = [area(1, "Packing"), area(2, "Shipping")];
        let shifts = [Shift {
            id: 7,
            name: "Night".into(),
        }];
        let groups: Vec<TallyGroup> = vec![
            (Some(1), Some(7), Some(Response::TookPart), people(5)),
            (Some(1), None, None, people(2)),
            (Some(2), Some(7), Some(Response::Declined), people(3)),
            (None, Some(7), Some(Response::TookPart), people(1)),
        ];
        let t = Tally::build(&groups, &areas, &shifts, Policy::Exact);
        assert_eq!(t.overall.unwrap().scope, 11);
        assert_eq!(t.overall.unwrap().took_part(), 6);
        let labels: Vec<&str> = t.by_area.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["Packing", "Shipping", "No area"]);
        assert_eq!(t.by_area[0].counts.unwrap().scope, 7);
        assert_eq!(t.by_area[0].counts.unwrap().unmarked(), 2);
        let labels: Vec<&str> = t.by_shift.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["Night", "No shift"]);
        assert_eq!(t.by_shift[0].counts.unwrap().scope, 9);
    }

    /// `n` people with some fixed disclosure key.
    fn people(n: i64) -> Keyed {
        Keyed {
            inside: 0,
            people: n,
            key: (n as u32).wrapping_mul(0x9e37_79b9),
        }
    }

    #[test]
    fn a_protected_reader_sees_small_groups_withheld_and_the_rest_rounded() {
        let areas = [area(1, "Packing"), area(2, "Shipping"), area(3, "Office")];
        let groups: Vec<TallyGroup> = vec![
            (Some(1), None, Some(Response::TookPart), people(10)),
            (Some(2), None, Some(Response::TookPart), people(6)),
            (Some(2), None, None, people(1)),
            (Some(3), None, Some(Response::Declined), people(1)),
        ];
        let protected = Policy::Protected { min_group_size: 3 };
        let t = Tally::build(&groups, &areas, &[], protected);
        let row = |label: &str| t.by_area.iter().find(|r| r.label == label).unwrap();
        assert_eq!(row("Office").counts, None, "one person's mark");
        let packing = row("Packing").counts.unwrap().took_part();
        assert!(packing == 9 || packing == 12, "ten took part: {packing}");
        // Every count shown is a multiple of three, so 18 overall minus 9 minus Shipping's
        // figures is never the office's one person; each row adds up.
        for c in t.by_area.iter().filter_map(|r| r.counts).chain(t.overall) {
            assert!(
                c.marks.iter().chain([&c.scope]).all(|n| n % 3 == 0),
                "{c:?}"
            );
            assert_eq!(c.scope, c.marked() + c.unmarked());
        }
        assert_eq!(t.min_group_size, Some(3));
        // A scope of one is too small to show at all.
        let t = Tally::build(&groups[3..], &areas, &[], protected);
        assert_eq!(t.overall, None);
        // Leads see everything as it is.
        let t = Tally::build(&groups, &areas, &[], Policy::Exact);
        assert!(t.by_area.iter().all(|r| r.counts.is_some()));
        assert_eq!(t.overall.unwrap().scope, 18);
    }

    #[test]
    fn counts_add_up_the_reader_s_own_and_every_kind_of_mark() {
        let mut c = Counts::default();
        let own = |n| Keyed {
            people: n,
            key: 0,
            inside: n,
        };
        c.add(Some(Response::TookPart), own(2));
        c.add(Some(Response::TookPart), own(2));
        c.add(Some(Response::Yes), people(3));
        c.add(Some(Response::No), people(4));
        c.add(Some(Response::Abstain), people(5));
        c.add(None, own(1));
        assert_eq!((c.scope, c.marked(), c.unmarked()), (17, 16, 1));
        assert_eq!(c.took_part(), 4 + 3, "took part, or voted yes");
        assert_eq!(c.turnout(), 3 + 4 + 5);
        assert_eq!(c.percent(6), 35);
        assert_eq!(c.percent(7), 41, "rounded down");
        // An organizer's own four who took part are shown exactly, not rounded.
        let seen = c.seen_by(Policy::Protected { min_group_size: 5 });
        assert_eq!(seen.of(Response::TookPart), 4);
        assert_eq!(seen.unmarked(), 1);
        assert_eq!(mark_words(None), "Not marked");
        assert_eq!(mark_words(Some(Response::TookPart)), "Took part");
    }

    #[test]
    fn a_vote_s_shortfalls_are_each_the_least_that_would_pass_it() {
        let vote = |c: &Counts, r| match Outcome::of(c, 0, r) {
            Outcome::Vote {
                turnout_short,
                yes_short,
                ..
            } => (turnout_short, yes_short),
            _ => unreachable!(),
        };
        // Turnout counts yes, no and abstain: 6 + 3 + 2 = 11 of 20 at 60% needs 1 more.
        let c = counts(
            20,
            &[
                (Response::Yes, 6),
                (Response::No, 3),
                (Response::Abstain, 2),
            ],
        );
        assert_eq!(vote(&c, rule(VoteBase::Cast, 60, 60)), (1, Some(0)));
        assert_eq!(vote(&c, rule(VoteBase::Cast, 60, 55)), (0, Some(0)));
        // Of the whole unit: 75% of 20 is 15, six said yes: nine more.
        assert_eq!(vote(&c, rule(VoteBase::Unit, 75, 0)), (0, Some(9)));
        // Of the votes cast, the gap a whole multiple of the room: one no at 50% needs
        // exactly one yes; two no need two.
        let one_no = counts(9, &[(Response::No, 1)]);
        assert_eq!(vote(&one_no, rule(VoteBase::Cast, 50, 0)), (0, Some(1)));
        let two_no = counts(9, &[(Response::No, 2)]);
        assert_eq!(vote(&two_no, rule(VoteBase::Cast, 50, 0)), (0, Some(2)));
        // Unanimity: with nobody voting, one yes; with yes votes only, none more.
        let none = counts(9, &[(Response::Abstain, 1)]);
        assert_eq!(vote(&none, rule(VoteBase::Cast, 100, 0)), (0, Some(1)));
        let all_yes = counts(9, &[(Response::Yes, 3)]);
        assert_eq!(vote(&all_yes, rule(VoteBase::Cast, 100, 0)), (0, Some(0)));
        // Brute force over small votes: yes_short is the least k that passes.
        for yes in 0..6 {
            for no in 0..6 {
                for p in [50, 60, 67, 75, 99] {
                    let c = counts(20, &[(Response::Yes, yes), (Response::No, no)]);
                    let k = (0..1000)
                        .find(|k| yes + k + no > 0 && (yes + k) * 100 >= p * (yes + k + no))
                        .unwrap();
                    assert_eq!(
                        vote(&c, rule(VoteBase::Cast, p, 0)).1,
                        Some(k),
                        "{yes}/{no} at {p}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_outcome_says_where_it_stands_in_words_and_figures() {
        let c = counts(
            20,
            &[
                (Response::Yes, 6),
                (Response::No, 3),
                (Response::Abstain, 2),
            ],
        );
        let passing = Outcome::of(&c, 60, rule(VoteBase::Cast, 60, 50));
        assert!(passing.met());
        assert_eq!((passing.percent(), passing.goal_percent()), (66, 60));
        assert_eq!(
            passing.words(),
            "6 yes, 3 no, 2 abstained: turnout 11 of 20 (55%): the vote passes its rule."
        );
        let short = Outcome::of(&c, 75, rule(VoteBase::Unit, 75, 50));
        assert_eq!((short.percent(), short.goal_percent()), (30, 75));
        assert_eq!(
            short.words(),
            "6 yes, 3 no, 2 abstained: turnout 11 of 20 (55%): short by 9 more yes votes."
        );
        let unanimous = counts(4, &[(Response::Yes, 1), (Response::No, 1)]);
        assert_eq!(
            Outcome::of(&unanimous, 100, rule(VoteBase::Cast, 100, 100)).words(),
            "1 yes, 1 no, 0 abstained: turnout 2 of 4 (50%): short by no votes to change \
             and 2 more voters."
        );
        let action = Outcome::of(&counts(10, &[(Response::TookPart, 3)]), 40, None);
        assert_eq!(action.goal_percent(), 40);
        // A goal of nothing over nobody is still not a goal reached.
        assert!(!Outcome::of(&Counts::default(), 0, None).met());
        // Nor is a vote of nobody, though no one is short of the whole unit's share.
        assert!(!Outcome::of(&Counts::default(), 50, rule(VoteBase::Unit, 50, 0)).met());
        assert!(Outcome::of(&counts(1, &[]), 0, None).met());
        // The tally's outcome is the test's, against its goal and rule.
        let test = StructureTest {
            id: 1,
            campaign_id: 1,
            kind: crate::structure::TestKind::Petition,
            title: "Petition".into(),
            description: String::new(),
            status: TestStatus::Live,
            opens_at: None,
            closes_at: None,
            goal_percent: 40,
            rule: None,
            area_ids: Vec::new(),
            opened_at: None,
            closed_at: None,
        };
        let groups: Vec<TallyGroup> = vec![(None, None, Some(Response::TookPart), people(3))];
        let t = Tally::build(&groups, &[], &[], Policy::Exact);
        assert!(t.outcome(&test).is_some_and(|o| o.met()));
    }
}

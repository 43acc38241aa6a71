//! The one disclosure policy: what a reader who may not see people (a viewer, or an
//! organizer looking outside their scope) sees of a count of people.
//!
//! **The method: keyed rounding to the minimum group size, with small groups withheld.**
//! Every coworker carries a fixed secret random key (`coworkers.disclosure_key`, never
//! sent to a browser); a count's key is the sum of the keys of the people it counts
//! ([`Keyed`]). A protected count is rounded to a multiple of the campaign's minimum group
//! size `b`, up or down, with the chance of going up its remainder over `b` (unbiased), the
//! choice made by the key: the same people always round the same way, in every view, on
//! every page and on every day, so asking again or through another page teaches nothing
//! (the cell key method of the Australian Bureau of Statistics' TableBuilder, with
//! rounding for the perturbation). A group with people in it but fewer than `b` is
//! withheld whole, as before.
//!
//! **The guarantee.** Every number a protected reader sees is a multiple of `b`, and so is
//! every sum and difference of them, across views and days: no subtraction gives back a
//! group of 1 to `b − 1` people, nor their ratings. **The limits** (README, security):
//! an attacker who can average many different noisy views of nearly the same people
//! learns an estimate, not a count; a group whose every member shares one rating shows
//! it (the rule protects groups, not attributes shared by a whole group); rounding costs
//! viewers precision on small areas (± `b` − 1), and figures may not add up.

use chrono::NaiveDate;

use super::Role;
use crate::calendar::week_end;

/// A count of people and the key of the set counted: the wrapping sum of their keys.
/// Keys add, so the store's tallies and the map's sums keep them as they count.
///
/// An organizer knows the people in their scope by name, so a count mixing them with
/// others would give the others back by subtraction: `inside` of the `people` are the
/// reader's own (shown exactly), and `key` is the sum of the keys of the others only,
/// whose count alone is protected. For a viewer nobody is inside.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Keyed {
    pub people: i64,
    pub key: u32,
    pub inside: i64,
}

impl Keyed {
    /// `people` none of whom is the reader's, their keys summing to `key_sum`.
    pub fn new(people: i64, key_sum: i64) -> Self {
        // Sums of keys come from SQL as integers; only their value modulo 2^32 matters.
        Keyed {
            people,
            key: key_sum as u32,
            inside: 0,
        }
    }

    /// One person with their key, inside the reader's scope or not.
    pub fn one(key: u32, inside: bool) -> Self {
        if inside {
            Keyed {
                people: 1,
                key: 0,
                inside: 1,
            }
        } else {
            Keyed {
                people: 1,
                key,
                inside: 0,
            }
        }
    }

    pub fn add(&mut self, other: Keyed) {
        self.people += other.people;
        self.key = self.key.wrapping_add(other.key);
        self.inside += other.inside;
    }

    /// Those outside the reader's scope.
    pub fn outside(self) -> i64 {
        self.people - self.inside
    }
}

/// How one reader sees counts of people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Leads, and organizers within their scope: every count as it is.
    Exact,
    /// Viewers, and organizers outside their scope: rounded by key to a multiple of
    /// `min_group_size`, groups under it withheld.
    Protected { min_group_size: i64 },
}

impl Policy {
    pub fn is_exact(self) -> bool {
        self == Policy::Exact
    }

    /// True when a group of `people` is withheld whole: somebody, but fewer than the
    /// minimum group size.
    pub fn withholds(self, people: i64) -> bool {
        match self {
            Policy::Exact => false,
            Policy::Protected { min_group_size } => people > 0 && people < min_group_size,
        }
    }

    /// True when a count's people outside the reader's scope are a small group.
    pub fn withholds_keyed(self, count: Keyed) -> bool {
        self.withholds(count.outside())
    }

    /// A count as this reader sees it: the reader's own people exactly, the others
    /// protected.
    pub fn count(self, count: Keyed) -> i64 {
        match self {
            Policy::Exact => count.people,
            Policy::Protected { min_group_size } => {
                let others = Keyed {
                    people: count.outside(),
                    key: count.key,
                    inside: 0,
                };
                count.inside + round(others, min_group_size)
            }
        }
    }

    /// The day a reader asking for `day`'s past gets: leads and organizers any day;
    /// protected readers the end of its week (the Sunday on or before it), the grain of
    /// the trend, so days can only be compared a week apart.
    pub fn day(self, day: NaiveDate) -> NaiveDate {
        match self {
            Policy::Exact => day,
            Policy::Protected { .. } => week_end(day),
        }
    }
}

/// Rounds `count` to a multiple of `base`: up with the chance of its remainder over
/// `base`, the draw made by the key (mixed, so that sets one person apart draw apart).
fn round(count: Keyed, base: i64) -> i64 {
    if base <= 1 {
        return count.people;
    }
    let remainder = count.people.rem_euclid(base);
    if remainder == 0 {
        return count.people;
    }
    let draw = (u64::from(mix(count.key)) * base as u64) >> 32; // uniform in 0..base
    let down = count.people - remainder;
    if (draw as i64) < remainder {
        down + base
    } else {
        down
    }
}

/// MurmurHash3's 32-bit finalizer: every bit of the key moves every bit of the draw.
fn mix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// The policy for one member of a campaign: the one entry point every count a member can
/// read goes through (`InCampaign::disclosure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disclosure {
    pub role: Role,
    pub min_group_size: i64,
}

impl Disclosure {
    /// For counts of people within the member's scope (a viewer has none).
    pub fn in_scope(self) -> Policy {
        match self.role {
            Role::Lead | Role::Organizer => Policy::Exact,
            Role::Viewer => self.protected(),
        }
    }

    /// For counts of people some of whom may be outside the member's scope.
    pub fn campaign_wide(self) -> Policy {
        match self.role {
            Role::Lead => Policy::Exact,
            Role::Organizer | Role::Viewer => self.protected(),
        }
    }

    fn protected(self) -> Policy {
        Policy::Protected {
            min_group_size: self.min_group_size.max(1),
        }
    }
}

#[cfg(test)]
mod tests {

    use super::{Keyed, Policy};

    fn keyed(people: i64, key: u32) -> Keyed {
        Keyed {
            people,
            key,
            inside: 0,
        }
    }

    #[test]
    fn a_reader_s_own_people_are_exact_and_only_the_others_are_protected() {
        let policy = Policy::Protected { min_group_size: 5 };
        // Nine people, four of them the organizer's: shown as 4 + (5 rounded to 5).
        let mixed = Keyed {
            people: 9,
            key: 77,
            inside: 4,
        };
        assert_eq!(policy.count(mixed), 9);
        assert!(!policy.withholds_keyed(mixed));
        // Six, four the organizer's: two others, a small group withheld whole; the shown
        // number less the organizer's own is never one person.
        let few = Keyed { people: 6, ..mixed };
        assert!(policy.withholds_keyed(few));
        for key in 0..1000u32 {
            let seven = Keyed {
                people: 7,
                key: key.wrapping_mul(2_654_435_761),
                inside: 1,
            };
            assert_eq!((policy.count(seven) - 1) % 5, 0);
        }
        let mut sum = Keyed::one(3, true);
        sum.add(Keyed::one(5, false));
        assert_eq!(
            sum,
            Keyed {
                people: 2,
                key: 5,
                inside: 1
            }
        );
    }

    #[test]
    fn a_protected_count_is_a_multiple_of_the_minimum_next_to_the_true_one() {
        let policy = Policy::Protected { min_group_size: 5 };
        for people in 0..200 {
            for key in [0, 1, 7, 0x8000_0000, u32::MAX, 123_456_789] {
                let shown = policy.count(keyed(people, key));
                assert_eq!(shown % 5, 0, "{people} shown as {shown}");
                assert!((shown - people).abs() < 5, "{people} shown as {shown}");
                if people % 5 == 0 {
                    assert_eq!(shown, people, "a multiple is shown as it is");
                }
            }
        }
        assert_eq!(Policy::Exact.count(keyed(7, 3)), 7);
    }

    #[test]
    fn the_same_people_round_the_same_way_and_the_rounding_is_unbiased() {
        let policy = Policy::Protected { min_group_size: 5 };
        // Sets of 7 people with keys spread as real keys are: on average 7 is shown.
        let draws: Vec<i64> = (0u32..10_000)
            .map(|i| policy.count(keyed(7, i.wrapping_mul(2_654_435_761))))
            .collect();
        let mean = draws.iter().sum::<i64>() as f64 / draws.len() as f64;
        assert!((mean - 7.0).abs() < 0.1, "mean {mean}");
        assert!(draws.contains(&5) && draws.contains(&10));
        for i in 0u32..100 {
            let k = keyed(7, i.wrapping_mul(2_654_435_761));
            assert_eq!(policy.count(k), policy.count(k));
        }
    }

    #[test]
    fn keys_add_as_the_people_do() {
        let mut a = keyed(1, u32::MAX);
        a.add(keyed(2, 3));
        assert_eq!(a, keyed(3, 2));
        assert_eq!(Keyed::new(4, (1i64 << 32) + 9), keyed(4, 9));
    }

    #[test]
    fn the_draw_is_murmur3_and_the_same_in_every_release() {
        // The keys are stored: a draw that changed with an upgrade would round the same
        // people the other way, and the two figures, before and after, could be
        // subtracted. MurmurHash3's fmix32, pinned by its published value at 1, and the
        // rounding it gives, computed apart (in Python) for these people and keys.
        assert_eq!(super::mix(1), 0x514e_28b7);
        assert_eq!(super::mix(2), 0x30f4_c306);
        assert_eq!(super::mix(0xdead_beef), 0x0de5_c6a9);
        assert_eq!(super::mix(0x8000_0000), 0x6d3c_65a0);
        for (people, key, by_5, by_10) in [
            (7, 1, 10, 10),
            (7, 2, 10, 10),
            (8, 0xdead_beef, 10, 10),
            (6, 123_456_789, 5, 0),
            (9, 0x8000_0000, 10, 10),
            (13, 42, 15, 20),
            (21, 7, 25, 30),
        ] {
            assert_eq!(super::round(keyed(people, key), 5), by_5, "{people} by 5");
            assert_eq!(
                super::round(keyed(people, key), 10),
                by_10,
                "{people} by 10"
            );
        }
    }

    #[test]
    fn every_remainder_rounds_up_with_its_own_chance() {
        // 6 goes up one time in five, 9 four times in five: the mean is the true count
        // whatever the remainder (7 alone cannot tell "below" from "above" the draw).
        let policy = Policy::Protected { min_group_size: 5 };
        for people in 5..=9 {
            let draws: Vec<i64> = (0u32..20_000)
                .map(|i| policy.count(keyed(people, i.wrapping_mul(2_654_435_761))))
                .collect();
            let mean = draws.iter().sum::<i64>() as f64 / draws.len() as f64;
            assert!((mean - people as f64).abs() < 0.1, "{people}: mean {mean}");
        }
    }

    #[test]
    fn a_sum_counts_the_reader_s_own_from_both_sides() {
        let mut a = Keyed {
            people: 3,
            key: 1,
            inside: 2,
        };
        a.add(Keyed {
            people: 4,
            key: 2,
            inside: 3,
        });
        assert_eq!((a.people, a.key, a.inside, a.outside()), (7, 3, 5, 2));
        assert!(Policy::Exact.is_exact());
        assert!(!Policy::Protected { min_group_size: 5 }.is_exact());
    }

    #[test]
    fn small_groups_are_withheld_whole_and_only_from_protected_readers() {
        let policy = Policy::Protected { min_group_size: 5 };
        assert!(!policy.withholds(0), "nobody gives nothing away");
        assert!(policy.withholds(1) && policy.withholds(4));
        assert!(!policy.withholds(5));
        assert!(!Policy::Exact.withholds(1));
    }

    #[test]
    fn protected_readers_get_week_ends_and_the_campaign_wide_policy() {
        use super::Disclosure;
        use crate::Role;
        let wednesday = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let sunday = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let policy = Policy::Protected { min_group_size: 5 };
        assert_eq!(policy.day(wednesday), sunday);
        assert_eq!(policy.day(sunday), sunday);
        assert_eq!(Policy::Exact.day(wednesday), wednesday);
        let of = |role| Disclosure {
            role,
            min_group_size: 5,
        };
        assert_eq!(of(Role::Lead).campaign_wide(), Policy::Exact);
        assert_eq!(of(Role::Organizer).in_scope(), Policy::Exact);
        assert_eq!(of(Role::Organizer).campaign_wide(), policy);
        assert_eq!(of(Role::Viewer).in_scope(), policy);
    }
}

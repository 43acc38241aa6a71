//! Withholding small groups from viewers so that no count singles a person out — and so
//! that a withheld count cannot be worked out from the ones shown beside it.
//!
//! A table's sums tie its counts together: a row total is its cells, a parent area is its
//! sub-areas. Where exactly one count of such a sum is withheld, the total minus the others
//! gives it back. [`protect`] withholds more (the smallest count still shown, so the least
//! is lost) until every sum hides either nothing or at least two of its parts — the
//! secondary suppression statistical offices apply to published tables. It is their usual
//! heuristic, not a proof: it closes every single sum, and the tests check that.

/// A sum a viewer can check: `total` is the sum of `parts` (indexes into the counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sum {
    pub parts: Vec<usize>,
    pub total: usize,
}

/// Withholds more of `people` (the head count of each published count) until no `sum`
/// has exactly one withheld member among its parts and total. `withheld` comes in with
/// the small groups marked and goes out with the counts to hide.
pub fn protect(people: &[i64], withheld: &mut [bool], sums: &[Sum]) {
    // Each round hides at least one more count, so this ends within `people.len()` rounds.
    for _ in 0..=people.len() {
        let mut changed = false;
        for sum in sums {
            let members = || sum.parts.iter().chain(std::iter::once(&sum.total));
            let hidden = members().filter(|&&i| withheld[i]).count();
            if hidden != 1 {
                continue;
            }
            // A count of nobody gives nothing away; hide the smallest count of somebody,
            // a part before the total.
            let next = sum
                .parts
                .iter()
                .copied()
                .filter(|&i| !withheld[i] && people[i] > 0)
                .min_by_key(|&i| (people[i], i))
                .or_else(|| (!withheld[sum.total] && people[sum.total] > 0).then_some(sum.total));
            if let Some(i) = next {
                withheld[i] = true;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// True when no sum can be solved for a single withheld count.
pub fn is_protected(withheld: &[bool], people: &[i64], sums: &[Sum]) -> bool {
    sums.iter().all(|sum| {
        let members: Vec<usize> = sum
            .parts
            .iter()
            .copied()
            .chain(std::iter::once(sum.total))
            .filter(|&i| people[i] > 0)
            .collect();
        members.iter().filter(|&&i| withheld[i]).count() != 1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2 × 2 table with row and column totals and a grand total:
    /// indexes 0 1 / 2 3 are the cells, 4 5 the row totals, 6 7 the column totals, 8 all.
    fn table() -> Vec<Sum> {
        vec![
            Sum {
                parts: vec![0, 1],
                total: 4,
            },
            Sum {
                parts: vec![2, 3],
                total: 5,
            },
            Sum {
                parts: vec![0, 2],
                total: 6,
            },
            Sum {
                parts: vec![1, 3],
                total: 7,
            },
            Sum {
                parts: vec![4, 5],
                total: 8,
            },
            Sum {
                parts: vec![6, 7],
                total: 8,
            },
        ]
    }

    #[test]
    fn one_small_cell_takes_its_row_and_column_neighbours_with_it() {
        //   10  1 | 11
        //    8  9 | 17
        //   18 10 | 28
        let people = [10, 1, 8, 9, 11, 17, 18, 10, 28];
        let mut withheld = people.map(|n| n > 0 && n < 3);
        assert!(
            !is_protected(&withheld, &people, &table()),
            "11 − 10 gives the 1 away"
        );
        protect(&people, &mut withheld, &table());
        assert!(is_protected(&withheld, &people, &table()));
        // The 1; its row's other cell (10, a part before the total); the 10's column
        // neighbour (8); the 1's column neighbour (9): all four cells, no total.
        assert_eq!(
            withheld,
            [true, true, true, true, false, false, false, false, false]
        );
    }

    #[test]
    fn nothing_more_is_hidden_when_nothing_is_small() {
        let people = [10, 4, 8, 9, 14, 17, 18, 13, 31];
        let mut withheld = people.map(|n| n > 0 && n < 3);
        protect(&people, &mut withheld, &table());
        assert!(withheld.iter().all(|w| !w));
    }

    #[test]
    fn an_empty_cell_is_no_cover_and_needs_none() {
        //   0 2 | 2   (the 2 is small; its row total equals it)
        //   5 6 | 11
        let people = [0, 2, 5, 6, 2, 11, 5, 8, 13];
        let mut withheld = people.map(|n| n > 0 && n < 3);
        protect(&people, &mut withheld, &table());
        assert!(is_protected(&withheld, &people, &table()));
        assert!(
            withheld[1] && withheld[4],
            "the row's total is the cell itself"
        );
        assert!(!withheld[0], "a zero gives nothing away");
    }
}

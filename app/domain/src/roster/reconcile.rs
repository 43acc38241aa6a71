//! The rows against the chart: who is new, who is gone, who moved.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::normalize::{normalize_area, normalize_name};
use super::RosterRow;
use crate::choice::choice;

choice! {
    /// How to recognise a coworker already on the chart.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum MatchBy {
        /// By employee ID; rows without one (or with one nobody has) fall back to name and area.
        EmployeeRef => "employee_ref", "Employee ID (then name and area)";
        /// By name and area.
        NameAndArea => "name_area", "Name and area";
    }
}

/// A coworker already on the chart, as the reconciliation sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Existing {
    pub id: i64,
    pub name: String,
    pub employee_ref: String,
    /// Area name, or "".
    pub area: String,
    /// Shift name, or "".
    pub shift: String,
    pub job_title: String,
    /// False if their employment status is already "left" or "fired".
    pub on_list: bool,
}

/// A coworker on both the chart and the file whose area, shift or job title differs.
/// Each `to_` is what the chart should say after the import (the `from_` value when the
/// file's cell was empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    pub id: i64,
    pub line: usize,
    pub name: String,
    pub from_area: String,
    pub to_area: String,
    pub from_shift: String,
    pub to_shift: String,
    pub from_job: String,
    pub to_job: String,
}

/// What importing the file would change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Reconciliation {
    /// On the file, not on the chart.
    pub new: Vec<RosterRow>,
    /// On the chart (and on the list), not on the file.
    pub gone: Vec<Existing>,
    /// Matched, and the area, shift or job title differs (an empty cell in the file
    /// means "unchanged", not "cleared").
    pub moved: Vec<Moved>,
    /// Matched, and nothing differs.
    pub unchanged: usize,
    /// Area names in the file that match no existing area, in first-seen order.
    pub new_areas: Vec<String>,
    /// Shift names in the file that match no existing shift, in first-seen order.
    pub new_shifts: Vec<String>,
    /// Matched coworkers the chart has no employee ID for, with the file's: recorded on
    /// apply, so the next list matches them by ID.
    pub link_refs: Vec<(i64, String)>,
}

/// Compares the file's rows with the chart. Each existing coworker is matched at most
/// once; coworkers already off the list (left, fired) still match, so a rehire is not
/// added twice. Linear in the number of rows and coworkers.
///
/// With [`MatchBy::EmployeeRef`], a row matches the coworker with the same employee ID
/// (trimmed, case-insensitive). A row without an ID falls back to name and area; so does
/// a row whose ID nobody has, but then only against coworkers with no ID yet (the
/// first import onto a chart built by hand).
///
/// By name and area: both equal after [`normalize_name`] / [`normalize_area`]. Failing
/// that, the name alone matches when exactly one coworker has it and either the row or
/// that coworker has no area.
pub fn reconcile(
    rows: &[RosterRow],
    existing: &[Existing],
    known_areas: &[String],
    known_shifts: &[String],
    by: MatchBy,
) -> Reconciliation {
    let mut index = ChartIndex::build(existing);
    let mut matched = vec![false; existing.len()];
    let mut out = Reconciliation::default();

    for row in rows {
        let Some(i) = index.find(row, by, &matched) else {
            out.new.push(row.clone());
            continue;
        };
        matched[i] = true;
        let ex = &existing[i];
        if ex.employee_ref.trim().is_empty() && !row.employee_ref.trim().is_empty() {
            out.link_refs
                .push((ex.id, row.employee_ref.trim().to_owned()));
        }
        let changed = |file: &str, chart: &str| {
            !file.is_empty() && normalize_area(file) != normalize_area(chart)
        };
        if changed(&row.area, &ex.area)
            || changed(&row.shift, &ex.shift)
            || changed(&row.job_title, &ex.job_title)
        {
            let after =
                |file: &str, chart: &str| if file.is_empty() { chart } else { file }.to_owned();
            out.moved.push(Moved {
                id: ex.id,
                line: row.line,
                name: row.name.clone(),
                from_area: ex.area.clone(),
                to_area: after(&row.area, &ex.area),
                from_shift: ex.shift.clone(),
                to_shift: after(&row.shift, &ex.shift),
                from_job: ex.job_title.clone(),
                to_job: after(&row.job_title, &ex.job_title),
            });
        } else {
            out.unchanged += 1;
        }
    }

    out.gone = existing
        .iter()
        .zip(&matched)
        .filter(|(ex, matched)| ex.on_list && !**matched)
        .map(|(ex, _)| ex.clone())
        .collect();
    out.new_areas = unknown_names(rows.iter().map(|r| r.area.as_str()), known_areas);
    out.new_shifts = unknown_names(rows.iter().map(|r| r.shift.as_str()), known_shifts);
    out
}

/// Non-empty names not among `known` (normalized), deduplicated, in first-seen order.
fn unknown_names<'a>(names: impl Iterator<Item = &'a str>, known: &[String]) -> Vec<String> {
    let mut seen: HashSet<String> = known.iter().map(|k| normalize_area(k)).collect();
    names
        .filter(|name| !name.trim().is_empty())
        .filter(|name| seen.insert(normalize_area(name)))
        .map(|name| name.trim().to_owned())
        .collect()
}

/// Existing coworkers that share a key, handed out in order, each once.
#[derive(Default)]
struct Bucket {
    ids: Vec<usize>,
    /// Everything before this is already matched (so `take` is amortised O(1)).
    next: usize,
}

impl Bucket {
    fn take(&mut self, matched: &[bool]) -> Option<usize> {
        while self.next < self.ids.len() && matched[self.ids[self.next]] {
            self.next += 1;
        }
        self.ids.get(self.next).copied()
    }
}

/// Name lookups over a set of existing coworkers.
#[derive(Default)]
struct NameIndex {
    by_name_area: HashMap<(String, String), Bucket>,
    by_name: HashMap<String, Bucket>,
}

impl NameIndex {
    fn add(&mut self, i: usize, name: &str, area: &str) {
        self.by_name_area
            .entry((name.to_owned(), area.to_owned()))
            .or_default()
            .ids
            .push(i);
        self.by_name.entry(name.to_owned()).or_default().ids.push(i);
    }

    fn find(
        &mut self,
        name: &str,
        area: &str,
        areas: &[String],
        matched: &[bool],
    ) -> Option<usize> {
        if !area.is_empty() {
            let key = (name.to_owned(), area.to_owned());
            if let Some(i) = self
                .by_name_area
                .get_mut(&key)
                .and_then(|b| b.take(matched))
            {
                return Some(i);
            }
        }
        // The name alone, only when it cannot be anyone else.
        match self.by_name.get(name)?.ids.as_slice() {
            [i] if !matched[*i] && (area.is_empty() || areas[*i].is_empty()) => Some(*i),
            _ => None,
        }
    }
}

/// The chart, indexed for [`reconcile`].
struct ChartIndex {
    by_ref: HashMap<String, Bucket>,
    /// Everyone, by name.
    all: NameIndex,
    /// Only coworkers without an employee ID, by name.
    without_ref: NameIndex,
    /// Each coworker's normalized area.
    areas: Vec<String>,
}

impl ChartIndex {
    fn build(existing: &[Existing]) -> Self {
        let mut index = ChartIndex {
            by_ref: HashMap::with_capacity(existing.len()),
            all: NameIndex::default(),
            without_ref: NameIndex::default(),
            areas: Vec::with_capacity(existing.len()),
        };
        for (i, ex) in existing.iter().enumerate() {
            let employee_ref = ref_key(&ex.employee_ref);
            let name = normalize_name(&ex.name);
            let area = normalize_area(&ex.area);
            if !employee_ref.is_empty() {
                index
                    .by_ref
                    .entry(employee_ref.clone())
                    .or_default()
                    .ids
                    .push(i);
            }
            if !name.is_empty() {
                index.all.add(i, &name, &area);
                if employee_ref.is_empty() {
                    index.without_ref.add(i, &name, &area);
                }
            }
            index.areas.push(area);
        }
        index
    }

    fn find(&mut self, row: &RosterRow, by: MatchBy, matched: &[bool]) -> Option<usize> {
        let name = normalize_name(&row.name);
        let area = normalize_area(&row.area);
        let employee_ref = ref_key(&row.employee_ref);
        if by == MatchBy::EmployeeRef && !employee_ref.is_empty() {
            if let Some(i) = self
                .by_ref
                .get_mut(&employee_ref)
                .and_then(|b| b.take(matched))
            {
                return Some(i);
            }
            if name.is_empty() {
                return None;
            }
            return self.without_ref.find(&name, &area, &self.areas, matched);
        }
        if name.is_empty() {
            return None;
        }
        self.all.find(&name, &area, &self.areas, matched)
    }
}

fn ref_key(employee_ref: &str) -> String {
    employee_ref.trim().to_lowercase()
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::fixtures::*;
    use crate::Choice;

    // --- MatchBy ---

    #[test]
    fn match_by_keys_round_trip() {
        assert_eq!(MatchBy::parse("employee_ref"), Some(MatchBy::EmployeeRef));
        assert_eq!(MatchBy::parse("name_area"), Some(MatchBy::NameAndArea));
        assert_eq!(
            MatchBy::parse(MatchBy::NameAndArea.key()),
            Some(MatchBy::NameAndArea)
        );
        assert_eq!(MatchBy::parse("name"), None);
    }

    // --- reconcile ---

    #[test]
    fn sorts_rows_into_new_gone_moved_and_unchanged() {
        let rows = [
            row(2, "Jane Doe", "1", "Packing"),
            row(3, "Ann Lee", "2", "Shipping"),
            row(4, "Bo Kim", "9", "Packing"),
        ];
        let chart = [
            existing(10, "Jane Doe", "1", "packing"),
            existing(11, "Ann Lee", "2", "Packing"),
            existing(12, "Cy Park", "3", "Packing"),
        ];
        let r = reconcile(
            &rows,
            &chart,
            &strings(&["Packing"]),
            &[],
            MatchBy::EmployeeRef,
        );
        assert_eq!(r.unchanged, 1);
        assert_eq!(r.new, [rows[2].clone()]);
        assert_eq!(r.gone, [chart[2].clone()]);
        assert_eq!(
            r.moved,
            [Moved {
                id: 11,
                line: 3,
                name: "Ann Lee".into(),
                from_area: "Packing".into(),
                to_area: "Shipping".into(),
                from_shift: String::new(),
                to_shift: String::new(),
                from_job: String::new(),
                to_job: String::new(),
            }]
        );
        assert_eq!(r.new_areas, ["Shipping"]);
        assert!(r.new_shifts.is_empty());
    }

    #[test]
    fn an_empty_cell_in_the_file_means_unchanged() {
        let mut on_chart = existing(10, "Jane Doe", "1", "Packing");
        on_chart.shift = "Nights".into();
        on_chart.job_title = "Picker".into();
        let mut same = row(2, "Jane Doe", "1", "");
        let r = reconcile(
            &[same.clone()],
            &[on_chart.clone()],
            &[],
            &[],
            MatchBy::EmployeeRef,
        );
        assert_eq!((r.unchanged, r.moved.len()), (1, 0));

        same.shift = "Days".into();
        let r = reconcile(
            &[same],
            &[on_chart],
            &[],
            &strings(&["days"]),
            MatchBy::EmployeeRef,
        );
        assert_eq!(r.moved.len(), 1);
        let m = &r.moved[0];
        assert_eq!(
            (m.from_area.as_str(), m.to_area.as_str()),
            ("Packing", "Packing")
        );
        assert_eq!(
            (m.from_shift.as_str(), m.to_shift.as_str()),
            ("Nights", "Days")
        );
        assert_eq!(
            (m.from_job.as_str(), m.to_job.as_str()),
            ("Picker", "Picker")
        );
        assert!(
            r.new_shifts.is_empty(),
            "Days is known (case-insensitively)"
        );
    }

    #[test]
    fn job_title_changes_count_as_moved_but_case_does_not() {
        let mut on_chart = existing(10, "Jane Doe", "", "Packing");
        on_chart.job_title = "Picker".into();
        let mut file_row = row(2, "Jane Doe", "", "Packing");
        file_row.job_title = "PICKER".into();
        let r = reconcile(
            &[file_row.clone()],
            &[on_chart.clone()],
            &[],
            &[],
            MatchBy::NameAndArea,
        );
        assert_eq!(r.unchanged, 1);
        file_row.job_title = "Lead Picker".into();
        let r = reconcile(&[file_row], &[on_chart], &[], &[], MatchBy::NameAndArea);
        assert_eq!(r.moved[0].to_job, "Lead Picker");
    }

    #[test]
    fn lists_new_areas_and_shifts_once_in_first_seen_order() {
        let mut rows = vec![
            row(2, "A", "", "Shipping"),
            row(3, "B", "", "packing"),
            row(4, "C", "", "Dock"),
            row(5, "D", "", " shipping "),
            row(6, "E", "", ""),
        ];
        rows[0].shift = "Nights".into();
        rows[1].shift = "Days".into();
        rows[2].shift = "NIGHTS".into();
        let r = reconcile(
            &rows,
            &[],
            &strings(&["Packing"]),
            &strings(&["Days"]),
            MatchBy::NameAndArea,
        );
        assert_eq!(r.new_areas, ["Shipping", "Dock"]);
        assert_eq!(r.new_shifts, ["Nights"]);
        assert_eq!(r.new.len(), 5);
    }

    #[test]
    fn matching_by_id_ignores_names_and_by_name_ignores_ids() {
        let rows = [row(2, "Jane Smith", "7", "Packing")];
        let chart = [
            existing(10, "Jane Doe", "7", "Packing"),
            existing(11, "Jane Smith", "8", "Packing"),
        ];
        let by_ref = reconcile(&rows, &chart, &[], &[], MatchBy::EmployeeRef);
        assert_eq!(by_ref.unchanged, 1);
        assert_eq!(by_ref.gone, [chart[1].clone()]);
        let by_name = reconcile(&rows, &chart, &[], &[], MatchBy::NameAndArea);
        assert_eq!(by_name.unchanged, 1);
        assert_eq!(by_name.gone, [chart[0].clone()]);
    }

    #[test]
    fn ids_match_trimmed_and_case_insensitively() {
        let rows = [row(2, "Jane Doe", " ab-7 ", "Packing")];
        let chart = [existing(10, "J. Doe", "AB-7", "Packing")];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::EmployeeRef);
        assert_eq!((r.unchanged, r.new.len(), r.gone.len()), (1, 0, 0));
    }

    #[test]
    fn matching_by_id_falls_back_to_name_for_rows_without_one() {
        let rows = [row(2, "Doe, Jane", "", "Packing")];
        let chart = [existing(10, "Jane Doe", "5", "Packing")];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::EmployeeRef);
        assert_eq!(r.unchanged, 1);
    }

    #[test]
    fn an_unknown_id_matches_by_name_only_a_coworker_without_an_id() {
        // The first import onto a chart built by hand: nobody has an ID yet.
        let rows = [
            row(2, "Jane Doe", "100", "Packing"),
            row(3, "Ann Lee", "101", "Packing"),
        ];
        let chart = [
            existing(10, "Jane Doe", "", "Packing"),
            existing(11, "Ann Lee", "55", "Packing"),
        ];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::EmployeeRef);
        assert_eq!(r.unchanged, 1);
        assert_eq!(
            r.new,
            [rows[1].clone()],
            "Ann Lee with ID 55 is someone else"
        );
        assert_eq!(r.gone, [chart[1].clone()]);
    }

    #[test]
    fn a_name_alone_matches_only_when_it_is_unique() {
        let rows = [row(2, "Jane Doe", "", ""), row(3, "Ann Lee", "", "")];
        let chart = [
            existing(10, "Jane Doe", "", "Packing"),
            existing(11, "Ann Lee", "", "Packing"),
            existing(12, "Ann Lee", "", "Shipping"),
        ];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::NameAndArea);
        assert_eq!(
            r.unchanged, 1,
            "Jane matched by name; the area is unchanged"
        );
        assert_eq!(r.new, [rows[1].clone()], "two Ann Lees: cannot tell which");
        assert_eq!(r.gone.len(), 2);
    }

    #[test]
    fn a_coworker_without_an_area_matches_by_name_and_moves() {
        let rows = [row(2, "Jane Doe", "", "Packing")];
        let chart = [existing(10, "Jane Doe", "", "")];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::NameAndArea);
        assert_eq!(r.moved.len(), 1);
        assert_eq!(
            (r.moved[0].from_area.as_str(), r.moved[0].to_area.as_str()),
            ("", "Packing")
        );
        // But a coworker in another area is someone else.
        let chart = [existing(10, "Jane Doe", "", "Shipping")];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::NameAndArea);
        assert_eq!((r.new.len(), r.gone.len()), (1, 1));
    }

    #[test]
    fn each_coworker_is_matched_at_most_once() {
        let rows = [
            row(2, "Jane Doe", "", "Packing"),
            row(3, "Jane Doe", "", "Packing"),
        ];
        let chart = [
            existing(10, "Jane Doe", "", "Packing"),
            existing(11, "Jane Doe", "", "Packing"),
            existing(12, "Jane Doe", "", "Packing"),
        ];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::NameAndArea);
        assert_eq!(r.unchanged, 2);
        assert_eq!(r.gone, [chart[2].clone()]);

        let rows = [row(2, "Jane Doe", "1", ""), row(3, "Jane Doe", "1", "")];
        let chart = [existing(10, "Jane Doe", "1", "")];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::EmployeeRef);
        assert_eq!((r.unchanged, r.new.len()), (1, 1));
    }

    #[test]
    fn coworkers_off_the_list_still_match_and_are_never_gone() {
        let mut left = existing(10, "Jane Doe", "1", "Packing");
        left.on_list = false;
        let mut fired = existing(11, "Ann Lee", "2", "Packing");
        fired.on_list = false;
        let rows = [row(2, "Jane Doe", "1", "Shipping")];
        let r = reconcile(&rows, &[left, fired], &[], &[], MatchBy::EmployeeRef);
        assert!(r.new.is_empty());
        assert!(r.gone.is_empty());
        assert_eq!(r.moved[0].id, 10);
    }

    #[test]
    fn reconciles_a_hundred_thousand_rows() {
        const N: usize = 100_000;
        let areas: Vec<String> = (0..50).map(|a| format!("Area {a}")).collect();
        let rows: Vec<RosterRow> = (0..N)
            .map(|i| {
                // Every tenth row has no ID, so name matching is exercised too.
                let employee_ref = if i % 10 == 0 {
                    String::new()
                } else {
                    i.to_string()
                };
                let area = &areas[i % 50];
                let mut r = row(i + 2, &format!("Worker {i}"), &employee_ref, area);
                // Some with an ID move (without one, a move reads as new + gone).
                if i % 7 == 0 && !r.employee_ref.is_empty() {
                    r.area = areas[(i + 1) % 50].clone();
                }
                r
            })
            .collect();
        let chart: Vec<Existing> = (0..N)
            .map(|i| {
                // The last thousand on the chart are not on the file.
                let n = if i >= N - 1000 { i + N } else { i };
                existing(
                    n as i64,
                    &format!("Worker {n}"),
                    &n.to_string(),
                    &areas[n % 50],
                )
            })
            .collect();
        let r = reconcile(&rows, &chart, &areas, &[], MatchBy::EmployeeRef);
        assert_eq!(r.new.len(), 1000);
        assert_eq!(r.gone.len(), 1000);
        assert_eq!(r.unchanged + r.moved.len(), N - 1000);
        assert!(!r.moved.is_empty());
    }
}

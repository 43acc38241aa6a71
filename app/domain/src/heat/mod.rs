//! The heat map: the areas (a tree, a parent row summing its children and its own
//! coworkers) against one dimension (shift, job title, tag or assigned organizer), each
//! cell counting who is there, at each rating and unknown, assessed, talked to lately and
//! on the committee. The store does the counting in SQL (one grouped query per map);
//! this module turns its tallies into the map: the tree, the totals, the derived shares,
//! the trend, and for viewers the small cells withheld.
//!
//! Honesty rules: unknown is never support (the 1–2 share is of everyone in the cell),
//! and a past map puts people where they were and rates them as they were rated then.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::disclosure::{Keyed, Policy};
use super::workplace::Area;
use super::Choice;
pub use crate::calendar::{end_of_day, week_end};
use crate::choice::choice;
use crate::{AllOk, Invalid};

mod cell;
mod past;
pub use cell::{group_by_rating, CellPerson, HeatCellDetail, RatingGroup, CELL_PEOPLE_MAX};
pub use past::{
    placement_before, rating_before, snapshot_before, snapshot_moments, trend_weeks, Placement,
    SNAPSHOT_WEEKS,
};

choice! {
    /// What the heat map's columns are.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    pub enum Dimension {
        #[default]
        Shift => "shift", "Shift";
        JobTitle => "job_title", "Job title";
        Tag => "tag", "Tag";
        Organizer => "organizer", "Assigned organizer";
    }
}

impl Dimension {
    /// The heading of the column of coworkers with no value (key "").
    pub fn none_label(self) -> &'static str {
        match self {
            Dimension::Shift => "No shift",
            Dimension::JobTitle => "No job title",
            Dimension::Tag => "No tag",
            Dimension::Organizer => "Unassigned",
        }
    }
}

/// The trend covers this many weeks, the last ending on the map's day.
pub const TREND_WEEKS: usize = 12;
/// "Talked to in the last N days": the default N and the bound.
pub const DEFAULT_DAYS: i64 = 30;
pub const MAX_DAYS: i64 = 366;
/// A past map goes back this far at most.
pub const MAX_YEARS_BACK: i32 = 20;

/// What a heat map request asks for, checked: the columns, the day (None: today, the
/// chart as it stands) and the "talked to" window in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeatParams {
    pub dimension: Dimension,
    pub as_of: Option<NaiveDate>,
    pub days: i64,
}

impl HeatParams {
    /// Reads the form's three fields ("" for each default), each refused with its own
    /// field error. A day in the future, or more than twenty years back, is refused;
    /// today is the current map.
    pub fn parse(
        dimension: &str,
        as_of: &str,
        days: &str,
        today: NaiveDate,
    ) -> Result<Self, Invalid> {
        let dimension = match dimension.trim() {
            "" => Ok(Dimension::default()),
            raw => Dimension::parse(raw).ok_or_else(|| {
                Invalid::new(
                    "dimension",
                    "Choose the columns: shift, job title, tag or assigned organizer.",
                )
            }),
        };
        let as_of = parse_as_of(as_of, today);
        let days = match days.trim() {
            "" => Ok(DEFAULT_DAYS),
            raw => raw
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=MAX_DAYS).contains(d))
                .ok_or_else(|| {
                    Invalid::new(
                        "days",
                        format!(
                            "\"Talked to\" looks back a whole number of days, 1 to {MAX_DAYS}."
                        ),
                    )
                }),
        };
        // Every mistake at once, in the form's order.
        let (dimension, as_of, days) = (dimension, as_of, days).all_ok()?;
        Ok(Self {
            dimension,
            as_of,
            days,
        })
    }
}

/// The day a map stands at: `""` or today is None (the chart as it stands); a day in
/// the future or more than [`MAX_YEARS_BACK`] years back is refused.
fn parse_as_of(as_of: &str, today: NaiveDate) -> Result<Option<NaiveDate>, Invalid> {
    match as_of.trim() {
        "" => Ok(None),
        raw => {
            let day = (raw.len() <= 10)
                .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
                .flatten()
                .ok_or_else(|| {
                    Invalid::new(
                        "as_of",
                        "Give the day as YYYY-MM-DD, or leave it empty for today.",
                    )
                })?;
            let oldest = today
                .with_year(today.year() - MAX_YEARS_BACK)
                .unwrap_or(NaiveDate::MIN);
            if day > today {
                return Err(Invalid::new(
                    "as_of",
                    "That day has not happened yet: choose today or a day before.",
                ));
            }
            if day < oldest {
                return Err(Invalid::new(
                    "as_of",
                    format!("Choose a day within the last {MAX_YEARS_BACK} years."),
                ));
            }
            Ok((day < today).then_some(day))
        }
    }
}

/// Who is in a cell, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatCounts {
    pub coworkers: i64,
    /// At each rating: `rated[0]` is rated 1 (leader), `rated[4]` rated 5 (hostile).
    pub rated: [i64; 5],
    /// Not assessed: its own state, never a 3.
    pub unknown: i64,
    /// Had a one-on-one in the map's last N days.
    pub talked: i64,
    pub committee: i64,
    /// The keys of the sets counted (`domain::disclosure`): server-side only.
    #[serde(skip)]
    pub keys: HeatKeys,
}

/// The disclosure keys of a cell's sets: each rating's, the unknowns', those talked to
/// and the committee's (everyone's is the sum of the ratings' and the unknowns').
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeatKeys {
    pub rated: [u32; 5],
    pub unknown: u32,
    pub talked: u32,
    pub committee: u32,
}

impl HeatCounts {
    pub fn add(&mut self, other: &HeatCounts) {
        self.coworkers += other.coworkers;
        for (mine, theirs) in self.rated.iter_mut().zip(other.rated) {
            *mine += theirs;
        }
        self.unknown += other.unknown;
        self.talked += other.talked;
        self.committee += other.committee;
        let (k, o) = (&mut self.keys, &other.keys);
        for (mine, theirs) in k.rated.iter_mut().zip(o.rated) {
            *mine = mine.wrapping_add(theirs);
        }
        k.unknown = k.unknown.wrapping_add(o.unknown);
        k.talked = k.talked.wrapping_add(o.talked);
        k.committee = k.committee.wrapping_add(o.committee);
    }

    /// The counts as `policy` shows them: each rating's and the unknowns' count through
    /// the policy, everyone their sum (so a cell's figures add up), those talked to and
    /// the committee through it too (at most everyone). The keys do not go on.
    pub fn seen_by(&self, policy: Policy) -> HeatCounts {
        // A heat map is a viewer's (nobody inside) or exact: its keys are everyone's.
        let count = |people: i64, key: u32| {
            policy.count(Keyed {
                people,
                key,
                inside: 0,
            })
        };
        let rated: [i64; 5] = std::array::from_fn(|i| count(self.rated[i], self.keys.rated[i]));
        let unknown = count(self.unknown, self.keys.unknown);
        let coworkers = rated.iter().sum::<i64>() + unknown;
        HeatCounts {
            coworkers,
            rated,
            unknown,
            talked: count(self.talked, self.keys.talked).min(coworkers),
            committee: count(self.committee, self.keys.committee).min(coworkers),
            keys: HeatKeys::default(),
        }
    }

    /// Rated at all (1–5).
    pub fn assessed(&self) -> i64 {
        self.rated.iter().sum()
    }

    /// Rated 1 or 2.
    pub fn supporters(&self) -> i64 {
        self.rated[0] + self.rated[1]
    }

    /// Share rated 1–2 of everyone in the cell (the unknown count against); None if empty.
    pub fn support_share(&self) -> Option<f64> {
        share(self.supporters(), self.coworkers)
    }

    pub fn assessed_share(&self) -> Option<f64> {
        share(self.assessed(), self.coworkers)
    }

    pub fn talked_share(&self) -> Option<f64> {
        share(self.talked, self.coworkers)
    }

    /// Committee members per coworker; the guide is one to ten (0.1).
    pub fn committee_per_coworker(&self) -> Option<f64> {
        share(self.committee, self.coworkers)
    }

    /// At least one committee member per ten coworkers (an empty cell needs none).
    pub fn meets_committee_guide(&self) -> bool {
        self.committee * 10 >= self.coworkers
    }
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A share in whole percent, rounded to nearest; "–" for an empty cell.
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_owned(), |s| format!("{:.0}%", s * 100.0))
}

/// A cell as shown: its counts, or none at all when they are withheld.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatCell {
    pub counts: HeatCounts,
    /// Withheld from a viewer: people in it, fewer than the minimum group size. The
    /// counts are then all zero.
    pub suppressed: bool,
}

impl HeatCell {
    /// A cell as `policy` shows it: withheld when it holds a small group, else its counts
    /// seen by the policy.
    fn of(counts: HeatCounts, policy: Policy) -> Self {
        if policy.withholds(counts.coworkers) {
            HeatCell {
                counts: HeatCounts::default(),
                suppressed: true,
            }
        } else {
            HeatCell {
                counts: counts.seen_by(policy),
                suppressed: false,
            }
        }
    }
}

/// One column: the key the drill-down and the store use, and its heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatColumn {
    /// A shift's or organizer's id, a job title or a tag; "" for "none".
    pub key: String,
    pub label: String,
}

/// The 1–2 share of a row at the end of one week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub week_end: NaiveDate,
    pub coworkers: i64,
    pub supporters: i64,
    /// Withheld from a viewer (see [`HeatCell::suppressed`]); the counts are then zero.
    pub suppressed: bool,
}

impl TrendPoint {
    pub fn support_share(&self) -> Option<f64> {
        share(self.supporters, self.coworkers)
    }
}

/// One row: an area with everyone in it and in its sub-areas, or "No area".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatRow {
    /// None for the coworkers placed in no area.
    pub area_id: Option<i64>,
    pub name: String,
    pub parent_id: Option<i64>,
    /// 0 for a top-level area; rows come in tree order (a parent before its children).
    pub depth: usize,
    pub has_children: bool,
    /// Aligned with [`HeatMap::columns`].
    pub cells: Vec<HeatCell>,
    /// The whole row (with the tag dimension a coworker with two tags is in two
    /// cells, and once here).
    pub total: HeatCell,
    /// Aligned with [`HeatMap::weeks`]; empty when the trend was not asked for.
    pub trend: Vec<TrendPoint>,
}

/// The heat map as the page, the dashboard and the CSV read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatMap {
    pub dimension: Dimension,
    /// The day the map shows, at its end (UTC): today for the current map.
    pub as_of: NaiveDate,
    /// True for today's map (read from the chart as it stands).
    pub current: bool,
    /// "Talked to" means a one-on-one in the `days` days up to the map's moment.
    pub days: i64,
    pub columns: Vec<HeatColumn>,
    pub rows: Vec<HeatRow>,
    /// Aligned with `columns`.
    pub column_totals: Vec<HeatCell>,
    pub total: HeatCell,
    /// The end of each trend week, oldest first (the last is `as_of`).
    pub weeks: Vec<NaiveDate>,
    /// Cells under this many people are withheld from viewers, and their other counts
    /// are rounded to multiples of it (`domain::disclosure`).
    pub min_group_size: i64,
    /// This map is a viewer's: counts only, through the disclosure policy, no drill-down.
    pub counts_only: bool,
}

/// What the store counted in one cell: `column` None is the row's total over every
/// column (sent for the tag dimension only, where the cells of a row overlap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellTally {
    pub area_id: Option<i64>,
    pub column: Option<String>,
    pub counts: HeatCounts,
}

/// What the store counted in one area at the end of trend week `week`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendTally {
    pub area_id: Option<i64>,
    pub week: usize,
    pub coworkers: i64,
    pub supporters: i64,
    /// The disclosure keys of the two sets counted.
    pub coworkers_key: u32,
    pub supporters_key: u32,
}

/// Everything [`build`] needs.
#[derive(Debug, Clone)]
pub struct HeatInput {
    pub dimension: Dimension,
    pub as_of: NaiveDate,
    pub current: bool,
    pub days: i64,
    pub areas: Vec<Area>,
    /// The columns to show in order even when empty (a campaign's shifts, its organizers);
    /// keys found only in the tallies are added after them.
    pub columns: Vec<HeatColumn>,
    pub cells: Vec<CellTally>,
    pub trend: Vec<TrendTally>,
    pub min_group_size: i64,
    /// How the reader sees the counts: a viewer's map through the protected policy.
    pub policy: Policy,
    /// Each row gets its trend (else `weeks` and every row's `trend` are empty).
    pub with_trend: bool,
}

/// Builds the map from the store's tallies.
pub fn build(input: HeatInput) -> HeatMap {
    let policy = input.policy;
    let dimension = input.dimension;
    let known: HashSet<i64> = input.areas.iter().map(|a| a.id).collect();
    // A tally in an area the list does not have (it should not happen) counts as no area.
    let area_of = |id: Option<i64>| id.filter(|id| known.contains(id));

    let columns = columns_of(&input);
    let index: HashMap<&str, usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.key.as_str(), i))
        .collect();

    // What each area holds directly (not in its sub-areas).
    let mut direct: HashMap<Option<i64>, Sums> = HashMap::new();
    // The store's row totals, when a row's cells overlap (tags).
    let mut given: HashMap<Option<i64>, HeatCounts> = HashMap::new();
    for tally in &input.cells {
        let area = area_of(tally.area_id);
        let d = direct
            .entry(area)
            .or_insert_with(|| Sums::empty(columns.len()));
        match &tally.column {
            None => given.entry(area).or_default().add(&tally.counts),
            Some(key) => d.cells[index[key.as_str()]].add(&tally.counts),
        }
    }
    for (area, d) in direct.iter_mut() {
        d.total = given.get(area).copied().unwrap_or_else(|| {
            let mut sum = HeatCounts::default();
            for c in &d.cells {
                sum.add(c);
            }
            sum
        });
    }
    let weeks = if input.with_trend {
        trend_weeks(input.as_of)
    } else {
        Vec::new()
    };
    for t in &input.trend {
        if t.week < weeks.len() {
            let d = direct
                .entry(area_of(t.area_id))
                .or_insert_with(|| Sums::empty(columns.len()));
            d.trend[t.week]
                .0
                .add(Keyed::new(t.coworkers, t.coworkers_key.into()));
            d.trend[t.week]
                .1
                .add(Keyed::new(t.supporters, t.supporters_key.into()));
        }
    }

    // The tree: children by name, top-level areas first, "No area" last.
    let mut children: BTreeMap<Option<i64>, Vec<&Area>> = BTreeMap::new();
    for area in &input.areas {
        let parent = area
            .parent_id
            .filter(|p| known.contains(p) && *p != area.id);
        children.entry(parent).or_default().push(area);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    let mut tree = Tree {
        children: &children,
        direct: &direct,
        width: columns.len(),
        weeks: &weeks,
        policy,
        rows: Vec::new(),
        visited: HashSet::new(),
    };
    for root in children.get(&None).map(Vec::as_slice).unwrap_or_default() {
        tree.visit(root, 0);
    }
    if let Some(sums) = direct.get(&None) {
        tree.push_row(None, "No area".to_owned(), None, 0, false, sums);
    }
    let rows = tree.rows;

    let mut column_sums = vec![HeatCounts::default(); columns.len()];
    let mut total = HeatCounts::default();
    for d in direct.values() {
        for (sum, cell) in column_sums.iter_mut().zip(&d.cells) {
            sum.add(cell);
        }
        total.add(&d.total);
    }
    // A job title or tag is free text: one held by fewer people than the minimum can name
    // them ("Maria's carpool"), so a protected reader sees no such column at all (its
    // cells would all be withheld anyway). Shifts and organizers are the campaign's lists.
    let keep: Vec<bool> = column_sums
        .iter()
        .map(|c| {
            !matches!(dimension, Dimension::JobTitle | Dimension::Tag)
                || !policy.withholds(c.coworkers)
        })
        .collect();
    let kept = |i: &usize| keep[*i];
    let mut rows = rows;
    for row in &mut rows {
        row.cells = (0..row.cells.len())
            .filter(kept)
            .map(|i| row.cells[i])
            .collect();
    }
    HeatMap {
        dimension,
        as_of: input.as_of,
        current: input.current,
        days: input.days,
        columns: (0..columns.len())
            .filter(kept)
            .map(|i| columns[i].clone())
            .collect(),
        rows,
        column_totals: column_sums
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep[*i])
            .map(|(_, c)| HeatCell::of(c, policy))
            .collect(),
        total: HeatCell::of(total, policy),
        weeks,
        min_group_size: input.min_group_size,
        counts_only: !policy.is_exact(),
    }
}

/// The known columns in order, then those only the tallies name (by label), then "none".
/// Organizers are columns only with someone assigned to them: a member with nobody (a
/// new organizer, a lead, the system's own account) is no column of the map.
fn columns_of(input: &HeatInput) -> Vec<HeatColumn> {
    let with_people: HashSet<&str> = input
        .cells
        .iter()
        .filter(|t| t.counts.coworkers > 0)
        .filter_map(|t| t.column.as_deref())
        .collect();
    let mut columns: Vec<HeatColumn> = input
        .columns
        .iter()
        .filter(|c| !c.key.is_empty())
        .filter(|c| input.dimension != Dimension::Organizer || with_people.contains(c.key.as_str()))
        .cloned()
        .collect();
    let mut seen: HashSet<String> = columns.iter().map(|c| c.key.clone()).collect();
    let mut extra: Vec<HeatColumn> = Vec::new();
    let mut none = false;
    for key in input.cells.iter().filter_map(|t| t.column.as_ref()) {
        if key.is_empty() {
            none = true;
        } else if seen.insert(key.clone()) {
            extra.push(HeatColumn {
                key: key.clone(),
                label: key.clone(),
            });
        }
    }
    extra.sort_by_key(|a| a.label.to_lowercase());
    columns.extend(extra);
    if none {
        columns.push(HeatColumn {
            key: String::new(),
            label: input.dimension.none_label().to_owned(),
        });
    }
    columns
}

/// What an area holds: directly (its own coworkers), or with its whole subtree.
struct Sums {
    cells: Vec<HeatCounts>,
    total: HeatCounts,
    /// (everyone, supporters) per trend week, with their keys.
    trend: Vec<(Keyed, Keyed)>,
}

impl Sums {
    fn empty(width: usize) -> Self {
        Self {
            cells: vec![HeatCounts::default(); width],
            total: HeatCounts::default(),
            trend: vec![(Keyed::default(), Keyed::default()); TREND_WEEKS],
        }
    }

    fn add(&mut self, other: &Sums) {
        for (sum, cell) in self.cells.iter_mut().zip(&other.cells) {
            sum.add(cell);
        }
        self.total.add(&other.total);
        for (sum, (n, s)) in self.trend.iter_mut().zip(&other.trend) {
            sum.0.add(*n);
            sum.1.add(*s);
        }
    }
}

struct Tree<'a> {
    children: &'a BTreeMap<Option<i64>, Vec<&'a Area>>,
    direct: &'a HashMap<Option<i64>, Sums>,
    width: usize,
    weeks: &'a [NaiveDate],
    policy: Policy,
    rows: Vec<HeatRow>,
    visited: HashSet<i64>,
}

impl Tree<'_> {
    /// Adds `area`'s row and its subtree's (a parent before its children); returns the
    /// subtree's sums. A retired area with nobody in it is left out.
    fn visit(&mut self, area: &Area, depth: usize) -> Sums {
        let mut sums = Sums::empty(self.width);
        if !self.visited.insert(area.id) {
            return sums; // a loop in the tree (refused on write): counted once
        }
        if let Some(d) = self.direct.get(&Some(area.id)) {
            sums.add(d);
        }
        let at = self.rows.len();
        let kids = self
            .children
            .get(&Some(area.id))
            .cloned()
            .unwrap_or_default();
        let mut shown_children = false;
        for child in kids {
            let before = self.rows.len();
            let child_sums = self.visit(child, depth + 1);
            shown_children |= self.rows.len() > before;
            sums.add(&child_sums);
        }
        if area.retired && sums.total.coworkers == 0 {
            self.rows.truncate(at);
            return sums;
        }
        let row = self.row(
            Some(area.id),
            area.name.clone(),
            area.parent_id,
            depth,
            shown_children,
            &sums,
        );
        self.rows.insert(at, row);
        sums
    }

    fn push_row(
        &mut self,
        area_id: Option<i64>,
        name: String,
        parent_id: Option<i64>,
        depth: usize,
        has_children: bool,
        sums: &Sums,
    ) {
        let row = self.row(area_id, name, parent_id, depth, has_children, sums);
        self.rows.push(row);
    }

    fn row(
        &self,
        area_id: Option<i64>,
        name: String,
        parent_id: Option<i64>,
        depth: usize,
        has_children: bool,
        sums: &Sums,
    ) -> HeatRow {
        let policy = self.policy;
        HeatRow {
            area_id,
            name,
            parent_id,
            depth,
            has_children,
            cells: sums
                .cells
                .iter()
                .map(|c| HeatCell::of(*c, policy))
                .collect(),
            total: HeatCell::of(sums.total, policy),
            trend: self
                .weeks
                .iter()
                .zip(&sums.trend)
                .map(|(week_end, (everyone, supporters))| {
                    let hidden = policy.withholds(everyone.people);
                    let coworkers = if hidden { 0 } else { policy.count(*everyone) };
                    TrendPoint {
                        week_end: *week_end,
                        coworkers,
                        supporters: if hidden {
                            0
                        } else {
                            policy.count(*supporters).min(coworkers)
                        },
                        suppressed: hidden,
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workplace::EmploymentStatus;
    use chrono::{DateTime, TimeZone, Utc};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h, 0, 0).unwrap()
    }

    fn area(id: i64, parent: Option<i64>, name: &str) -> Area {
        Area::new(id, parent, name)
    }

    /// A coworker's whole history, as the fixtures state it.
    struct Person {
        placements: Vec<Placement>,
        ratings: Vec<(DateTime<Utc>, i32)>,
        talks: Vec<DateTime<Utc>>,
        committee: bool,
    }

    fn placed(at: DateTime<Utc>, area: i64, shift: i64) -> Placement {
        Placement {
            at,
            area_id: Some(area),
            shift_id: Some(shift),
            status: EmploymentStatus::Active,
            archived: false,
        }
    }

    fn person(placements: Vec<Placement>, ratings: Vec<(DateTime<Utc>, i32)>) -> Person {
        Person {
            placements,
            ratings,
            talks: Vec::new(),
            committee: false,
        }
    }

    /// What the store's grouped SQL computes, written plainly over whole histories:
    /// the reference the fixtures are counted by.
    fn tally(people: &[Person], moment: DateTime<Utc>, days: i64) -> Vec<CellTally> {
        let since = moment - chrono::Duration::days(days);
        let mut cells: BTreeMap<(Option<i64>, String), HeatCounts> = BTreeMap::new();
        for (i, p) in people.iter().enumerate() {
            // Each person's disclosure key: any fixed number will do.
            let key = (i as u32 + 1).wrapping_mul(0x9e37_79b9);
            let Some(place) = placement_before(&p.placements, moment).filter(|p| p.counted())
            else {
                continue;
            };
            let column = place.shift_id.map(|s| s.to_string()).unwrap_or_default();
            let c = cells.entry((place.area_id, column)).or_default();
            let add = |n: &mut i64, k: &mut u32| {
                *n += 1;
                *k = k.wrapping_add(key);
            };
            c.coworkers += 1;
            match rating_before(&p.ratings, moment) {
                Some(r) => add(
                    &mut c.rated[(r - 1) as usize],
                    &mut c.keys.rated[(r - 1) as usize],
                ),
                None => add(&mut c.unknown, &mut c.keys.unknown),
            }
            if p.talks.iter().any(|t| *t >= since && *t < moment) {
                add(&mut c.talked, &mut c.keys.talked);
            }
            if p.committee {
                add(&mut c.committee, &mut c.keys.committee);
            }
        }
        cells
            .into_iter()
            .map(|((area_id, key), counts)| CellTally {
                area_id,
                column: Some(key),
                counts,
            })
            .collect()
    }

    fn shifts() -> Vec<HeatColumn> {
        vec![
            HeatColumn {
                key: "1".into(),
                label: "Day".into(),
            },
            HeatColumn {
                key: "2".into(),
                label: "Night".into(),
            },
        ]
    }

    fn input(areas: Vec<Area>, cells: Vec<CellTally>, as_of: NaiveDate) -> HeatInput {
        HeatInput {
            dimension: Dimension::Shift,
            as_of,
            current: false,
            days: 30,
            areas,
            columns: shifts(),
            cells,
            trend: Vec::new(),
            min_group_size: 3,
            policy: Policy::Exact,
            with_trend: false,
        }
    }

    /// The hospital of the fixtures: Site (10) holds ICU (11) and ER (12).
    fn hospital() -> Vec<Area> {
        vec![
            area(10, None, "Site"),
            area(11, Some(10), "ICU"),
            area(12, Some(10), "ER"),
        ]
    }

    #[test]
    fn unknown_counts_against_support_and_parents_sum_their_children() {
        let early = at(1, 9);
        let people = vec![
            person(vec![placed(early, 11, 1)], vec![(early, 1)]),
            person(vec![placed(early, 11, 1)], vec![(early, 2)]),
            person(vec![placed(early, 11, 1)], vec![]), // unknown, never a 3
            person(vec![placed(early, 11, 2)], vec![(early, 4)]),
            person(vec![placed(early, 12, 2)], vec![(early, 5)]),
            // Directly in the site, in no department.
            person(vec![placed(early, 10, 1)], vec![(early, 3)]),
        ];
        let map = build(input(
            hospital(),
            tally(&people, end_of_day(day(10)), 30),
            day(10),
        ));
        let names: Vec<&str> = map.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["Site", "ER", "ICU"],
            "a parent, then its children by name"
        );
        assert_eq!(map.rows[0].depth, 0);
        assert!(map.rows[0].has_children);
        assert_eq!(map.rows[2].depth, 1);

        let icu = &map.rows[2];
        let icu_day = icu.cells[0].counts;
        assert_eq!(icu_day.coworkers, 3);
        assert_eq!(icu_day.rated, [1, 1, 0, 0, 0]);
        assert_eq!(icu_day.unknown, 1);
        assert_eq!(icu_day.assessed(), 2);
        // Two of three, not two of the two assessed.
        assert_eq!(percent(icu_day.support_share()), "67%");
        assert_eq!(percent(icu_day.assessed_share()), "67%");
        assert_eq!(icu.total.counts.coworkers, 4);
        assert_eq!(icu.total.counts.supporters(), 2);

        let site = &map.rows[0];
        assert_eq!(
            site.cells[0].counts.coworkers, 4,
            "ICU's three and its own one"
        );
        assert_eq!(site.cells[1].counts.coworkers, 2);
        assert_eq!(site.total.counts.coworkers, 6);
        assert_eq!(site.total.counts.rated, [1, 1, 1, 1, 1]);
        assert_eq!(site.total.counts.unknown, 1);
        assert_eq!(map.column_totals[0].counts.coworkers, 4);
        assert_eq!(map.column_totals[1].counts.coworkers, 2);
        assert_eq!(map.total.counts.coworkers, 6);
        assert_eq!(percent(map.total.counts.support_share()), "33%");
        assert_eq!(
            map.columns.len(),
            2,
            "no 'No shift' column when everyone has one"
        );
        assert_eq!(percent(HeatCounts::default().support_share()), "–");
    }

    #[test]
    fn organizers_are_columns_only_with_people_and_shifts_always() {
        let early = at(1, 9);
        // Shift 1's people stand for organizer 1's; nobody is on shift 2 / organizer 2.
        let people = vec![
            person(vec![placed(early, 11, 1)], vec![(early, 1)]),
            person(vec![placed(early, 12, 1)], vec![(early, 2)]),
        ];
        let cells = tally(&people, end_of_day(day(10)), 30);
        let shifts_map = build(input(hospital(), cells.clone(), day(10)));
        assert_eq!(
            shifts_map.columns.len(),
            2,
            "an empty shift is still a column"
        );
        let mut by_organizer = input(hospital(), cells, day(10));
        by_organizer.dimension = Dimension::Organizer;
        let map = build(by_organizer);
        let keys: Vec<&str> = map.columns.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["1"], "a member with nobody assigned is no column");
        assert!(map.rows.iter().all(|r| r.cells.len() == 1));
    }

    #[test]
    fn archived_and_departed_coworkers_leave_the_map_from_that_day() {
        let early = at(1, 9);
        let left = Placement {
            at: at(5, 12),
            status: EmploymentStatus::Left,
            ..placed(at(5, 12), 11, 1)
        };
        let archived = Placement {
            at: at(6, 12),
            archived: true,
            ..placed(at(6, 12), 11, 1)
        };
        let on_leave = Placement {
            status: EmploymentStatus::OnLeave,
            ..placed(early, 11, 1)
        };
        let people = vec![
            person(vec![placed(early, 11, 1), left], vec![(early, 1)]),
            person(vec![placed(early, 11, 1), archived], vec![(early, 2)]),
            person(vec![on_leave], vec![(early, 4)]),
        ];
        let count = |d| {
            build(input(
                hospital(),
                tally(&people, end_of_day(day(d)), 30),
                day(d),
            ))
            .total
            .counts
        };
        assert_eq!(count(4).coworkers, 3, "all three before anyone left");
        assert_eq!(count(4).supporters(), 2);
        assert_eq!(
            count(5).coworkers,
            2,
            "the one who left, gone from their last day"
        );
        assert_eq!(count(6).coworkers, 1, "archived too; on leave still counts");
        assert_eq!(count(6).supporters(), 0);
        assert_eq!(count(6).rated[3], 1);
    }

    #[test]
    fn a_past_map_puts_people_where_they_were_and_rates_them_as_they_were() {
        let early = at(1, 9);
        let people = vec![
            // Moved from ICU days to ER nights on the 8th.
            person(
                vec![placed(early, 11, 1), placed(at(8, 15), 12, 2)],
                vec![(early, 3), (at(8, 16), 2)],
            ),
            // Rated 2 on the 3rd, then 4 on the 9th, then 1 late on the 9th.
            person(
                vec![placed(early, 12, 2)],
                vec![(at(3, 10), 2), (at(9, 8), 4), (at(9, 23), 1)],
            ),
            // Joined on the 9th: not on the map before.
            person(vec![placed(at(9, 10), 11, 1)], vec![]),
        ];
        let on = |d| {
            build(input(
                hospital(),
                tally(&people, end_of_day(day(d)), 30),
                day(d),
            ))
        };
        let row =
            |map: &HeatMap, name: &str| map.rows.iter().find(|r| r.name == name).unwrap().clone();

        let before = on(7);
        assert_eq!(
            row(&before, "ICU").cells[0].counts.rated[2],
            1,
            "a 3 on ICU days"
        );
        assert_eq!(
            row(&before, "ER").cells[1].counts.supporters(),
            1,
            "a 2 then"
        );
        assert_eq!(before.total.counts.coworkers, 2);

        let after_move = on(8);
        assert_eq!(row(&after_move, "ICU").total.counts.coworkers, 0);
        assert_eq!(row(&after_move, "ER").cells[1].counts.coworkers, 2);
        assert_eq!(row(&after_move, "ER").cells[1].counts.supporters(), 2);

        let end_of_ninth = on(9);
        let er_nights = row(&end_of_ninth, "ER").cells[1].counts;
        assert_eq!(
            er_nights.rated,
            [1, 1, 0, 0, 0],
            "the day's last rating stands"
        );
        assert_eq!(row(&end_of_ninth, "ICU").cells[0].counts.unknown, 1);

        // Before the 1st nobody was there: every row is empty.
        assert_eq!(
            on(1).total.counts.coworkers,
            3 - 1,
            "the newcomer joined on the 9th"
        );
        let nothing = build(input(hospital(), tally(&people, at(1, 0), 30), day(1)));
        assert_eq!(nothing.total.counts.coworkers, 0);
        assert!(nothing.rows.iter().all(|r| r.total.counts.coworkers == 0));
    }

    #[test]
    fn talked_to_counts_one_on_ones_in_the_window_only() {
        let early = at(1, 9);
        let mut ana = person(vec![placed(early, 11, 1)], vec![]);
        ana.talks = vec![at(2, 10)];
        let mut ben = person(vec![placed(early, 11, 1)], vec![]);
        ben.talks = vec![at(9, 10), at(20, 10)];
        ben.committee = true;
        let people = [ana, ben];
        let counts = build(input(
            hospital(),
            tally(&people, end_of_day(day(10)), 7),
            day(10),
        ))
        .total
        .counts;
        assert_eq!(
            counts.talked, 1,
            "Ana's talk is older than 7 days; Ben's later one is after"
        );
        assert_eq!(counts.committee, 1);
        assert_eq!(percent(counts.committee_per_coworker()), "50%");
        assert!(counts.meets_committee_guide());
        let ten = HeatCounts {
            coworkers: 11,
            committee: 1,
            ..Default::default()
        };
        assert!(
            !ten.meets_committee_guide(),
            "1:10 is the guide; 1:11 falls short"
        );
    }

    #[test]
    fn viewers_see_small_cells_withheld_and_every_count_a_multiple_of_the_minimum() {
        let early = at(1, 9);
        let mut people: Vec<Person> = (0..3)
            .map(|_| person(vec![placed(early, 11, 1)], vec![(early, 2)]))
            .collect();
        people.push(person(vec![placed(early, 11, 2)], vec![(early, 1)]));
        people.push(person(vec![placed(early, 12, 2)], vec![(early, 5)]));
        let mut viewer = input(hospital(), tally(&people, end_of_day(day(10)), 30), day(10));
        viewer.policy = Policy::Protected { min_group_size: 3 };
        let map = build(viewer.clone());
        assert!(map.counts_only);
        let row = |name: &str| map.rows.iter().find(|r| r.name == name).unwrap();
        let lone = row("ICU").cells[1];
        assert!(lone.suppressed, "one person's cell would be their rating");
        assert_eq!(lone.counts, HeatCounts::default());
        assert!(!row("ICU").cells[0].suppressed, "three on ICU days");
        assert!(row("ER").total.suppressed);
        assert!(map.column_totals[1].suppressed, "two on nights in all");
        // Whatever is shown is a multiple of three, so no difference of shown counts is a
        // group of one or two (ICU's total − ICU days is not the lone night worker).
        let shown = map
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().chain([&r.total]))
            .chain(&map.column_totals)
            .chain([&map.total]);
        for cell in shown {
            let c = cell.counts;
            for n in c
                .rated
                .iter()
                .chain([&c.unknown, &c.coworkers, &c.talked, &c.committee])
            {
                assert_eq!(n % 3, 0, "{c:?}");
            }
            assert_eq!(c.coworkers, c.assessed() + c.unknown, "a cell adds up");
        }
        // The same people round the same way: the map built again is the same map.
        assert_eq!(build(viewer), map);
        // The same tallies for a lead: nothing withheld, nothing rounded.
        let lead = build(input(
            hospital(),
            tally(&people, end_of_day(day(10)), 30),
            day(10),
        ));
        assert!(lead
            .rows
            .iter()
            .all(|r| r.cells.iter().all(|c| !c.suppressed)));
        assert_eq!(lead.total.counts.coworkers, 5);
    }

    #[test]
    fn a_protected_reader_sees_no_tag_held_by_fewer_than_the_minimum() {
        let counts = |n| HeatCounts {
            coworkers: n,
            unknown: n,
            ..Default::default()
        };
        let tally = |column: &str, n| CellTally {
            area_id: Some(11),
            column: Some(column.into()),
            counts: counts(n),
        };
        let mut viewer = input(
            hospital(),
            vec![tally("choir", 6), tally("Maria's carpool", 2), tally("", 4)],
            day(10),
        );
        viewer.dimension = Dimension::Tag;
        viewer.columns = Vec::new();
        viewer.policy = Policy::Protected { min_group_size: 3 };
        let map = build(viewer.clone());
        let labels: Vec<&str> = map.columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["choir", "No tag"], "the carpool names its two");
        assert!(map.rows.iter().all(|r| r.cells.len() == 2));
        assert_eq!(map.column_totals.len(), 2);
        viewer.policy = Policy::Exact;
        assert_eq!(build(viewer).columns.len(), 3, "a lead sees every tag");
    }

    #[test]
    fn tags_overlap_in_cells_but_count_once_in_totals() {
        let counts = |n| HeatCounts {
            coworkers: n,
            unknown: n,
            ..Default::default()
        };
        let tallies = vec![
            CellTally {
                area_id: Some(11),
                column: Some("choir".into()),
                counts: counts(2),
            },
            CellTally {
                area_id: Some(11),
                column: Some("carpool".into()),
                counts: counts(2),
            },
            CellTally {
                area_id: Some(11),
                column: Some(String::new()),
                counts: counts(1),
            },
            CellTally {
                area_id: Some(11),
                column: None,
                counts: counts(4),
            },
            CellTally {
                area_id: None,
                column: Some("choir".into()),
                counts: counts(1),
            },
        ];
        let mut tags = input(hospital(), tallies, day(10));
        tags.dimension = Dimension::Tag;
        tags.columns = Vec::new();
        let map = build(tags);
        let labels: Vec<&str> = map.columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["carpool", "choir", "No tag"]);
        let icu = map.rows.iter().find(|r| r.name == "ICU").unwrap();
        assert_eq!(
            icu.total.counts.coworkers, 4,
            "one with both tags counted once"
        );
        assert_eq!(
            map.rows[0].total.counts.coworkers, 4,
            "the site sums ICU's total"
        );
        let last = map.rows.last().unwrap();
        assert_eq!((last.area_id, last.name.as_str()), (None, "No area"));
        assert_eq!(last.total.counts.coworkers, 1);
        assert_eq!(map.total.counts.coworkers, 5);
        assert_eq!(map.column_totals[1].counts.coworkers, 3);
    }

    #[test]
    fn the_trend_sums_subtrees_week_by_week() {
        let mut with_trend = input(hospital(), Vec::new(), day(31));
        with_trend.with_trend = true;
        with_trend.trend = vec![
            TrendTally {
                area_id: Some(11),
                week: 0,
                coworkers: 4,
                supporters: 1,
                coworkers_key: 0,
                supporters_key: 0,
            },
            TrendTally {
                area_id: Some(12),
                week: 0,
                coworkers: 4,
                supporters: 3,
                coworkers_key: 0,
                supporters_key: 0,
            },
            TrendTally {
                area_id: Some(11),
                week: 11,
                coworkers: 4,
                supporters: 4,
                coworkers_key: 0,
                supporters_key: 0,
            },
        ];
        let map = build(with_trend);
        assert_eq!(map.weeks.len(), TREND_WEEKS);
        assert_eq!(map.weeks[11], day(31));
        assert_eq!(
            map.weeks[10],
            day(29),
            "the Sunday before: a snapshot's week"
        );
        let site = &map.rows[0].trend;
        assert_eq!(percent(site[0].support_share()), "50%");
        assert_eq!(percent(site[11].support_share()), "100%");
        assert_eq!(site[5].support_share(), None, "nobody counted that week");
        assert_eq!(map.rows[1].name, "ER");
        assert_eq!(map.rows[1].trend[11].coworkers, 0);
    }

    #[test]
    fn retired_empty_areas_drop_out_and_drill_downs_group_by_rating() {
        let mut areas = hospital();
        areas[2].retired = true;
        let map = build(input(areas.clone(), Vec::new(), day(10)));
        let names: Vec<&str> = map.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Site", "ICU"]);

        let who = |id, name: &str| CellPerson {
            id,
            name: name.into(),
        };
        let groups = group_by_rating(vec![
            (None, who(1, "Zoe")),
            (Some(2), who(2, "Bo")),
            (Some(1), who(3, "Al")),
            (Some(2), who(4, "Ab")),
        ]);
        let shape: Vec<(Option<i32>, Vec<&str>)> = groups
            .iter()
            .map(|g| (g.rating, g.people.iter().map(|p| p.name.as_str()).collect()))
            .collect();
        assert_eq!(
            shape,
            [
                (Some(1), vec!["Al"]),
                (Some(2), vec!["Ab", "Bo"]),
                (None, vec!["Zoe"])
            ]
        );
    }

    #[test]
    fn the_edges_hold_a_change_at_the_moment_is_not_yet_in_force() {
        // A placement or rating made at the very moment is not in force before it.
        let moment = at(5, 12);
        let history = [placed(at(1, 9), 11, 1), placed(moment, 12, 1)];
        assert_eq!(
            placement_before(&history, moment).unwrap().area_id,
            Some(11)
        );
        let ratings = [(at(1, 9), 3), (moment, 1)];
        assert_eq!(rating_before(&ratings, moment), Some(3));
        assert_eq!(rating_before(&ratings, at(1, 9)), None);
        // Exactly MAX_YEARS_BACK years back may still be asked; a day more may not.
        let today = day(15);
        let oldest = "2006-03-15";
        assert_eq!(
            HeatParams::parse("", oldest, "", today).unwrap().as_of,
            NaiveDate::from_ymd_opt(2006, 3, 15)
        );
        assert!(HeatParams::parse("", "2006-03-14", "", today).is_err());
        // The share talked to.
        let counts = HeatCounts {
            coworkers: 8,
            talked: 2,
            ..HeatCounts::default()
        };
        assert_eq!(counts.talked_share(), Some(0.25));
        assert_eq!(HeatCounts::default().talked_share(), None);
    }

    #[test]
    fn odd_trees_still_draw_every_area_once() {
        // An area whose parent is unknown, or itself, is drawn at the top; a parent whose
        // only child dropped out (retired, empty) has no children to open.
        let mut areas = vec![
            area(10, None, "Site"),
            area(11, Some(10), "Old wing"),
            area(20, Some(99), "Annex"),
            area(30, Some(30), "Loop"),
        ];
        areas[1].retired = true;
        let mut with_trend = input(areas, Vec::new(), day(31));
        with_trend.with_trend = true;
        // A trend row past the last week is ignored, not a panic.
        with_trend.trend = vec![TrendTally {
            area_id: Some(10),
            week: TREND_WEEKS,
            coworkers: 4,
            supporters: 4,
            coworkers_key: 0,
            supporters_key: 0,
        }];
        let map = build(with_trend);
        let names: Vec<(&str, usize, bool)> = map
            .rows
            .iter()
            .map(|r| (r.name.as_str(), r.depth, r.has_children))
            .collect();
        assert_eq!(
            names,
            [("Annex", 0, false), ("Loop", 0, false), ("Site", 0, false)]
        );
        assert!(map
            .rows
            .iter()
            .all(|r| r.trend.iter().all(|t| t.coworkers == 0)));
    }

    #[test]
    fn each_parameter_is_checked_with_its_own_field() {
        let today = day(15);
        let ok = HeatParams::parse("", "", "", today).unwrap();
        assert_eq!(
            ok,
            HeatParams {
                dimension: Dimension::Shift,
                as_of: None,
                days: 30
            }
        );
        let past = HeatParams::parse("tag", "2026-03-01", "7", today).unwrap();
        assert_eq!(
            (past.dimension, past.as_of, past.days),
            (Dimension::Tag, Some(day(1)), 7)
        );
        assert_eq!(
            HeatParams::parse("", "2026-03-15", "", today)
                .unwrap()
                .as_of,
            None,
            "today is now"
        );
        let field = |r: Result<HeatParams, Invalid>| match r {
            Err(Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(HeatParams::parse("rating", "", "", today)),
            "dimension"
        );
        assert_eq!(
            field(HeatParams::parse("", "2026-03-16", "", today)),
            "as_of"
        );
        assert_eq!(
            field(HeatParams::parse("", "1999-01-01", "", today)),
            "as_of"
        );
        assert_eq!(
            field(HeatParams::parse("", "03/01/2026", "", today)),
            "as_of"
        );
        assert_eq!(
            field(HeatParams::parse("", &"9".repeat(5000), "", today)),
            "as_of"
        );
        assert_eq!(field(HeatParams::parse("", "", "0", today)), "days");
        assert_eq!(field(HeatParams::parse("", "", "367", today)), "days");
        assert_eq!(field(HeatParams::parse("", "", "ten", today)), "days");
    }

    #[test]
    fn every_mistake_in_the_view_form_is_named_at_once() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        let err = HeatParams::parse("rating", "2026-03-16", "0", today).unwrap_err();
        let named: Vec<&str> = std::iter::once(err.field.as_str())
            .chain(err.also.iter().map(|i| i.field.as_str()))
            .collect();
        assert_eq!(named, ["dimension", "as_of", "days"]);
        let err = HeatParams::parse("", "2026-03-16", "0", today).unwrap_err();
        assert_eq!(err.field, "as_of");
        assert_eq!(err.also.len(), 1);
        assert_eq!(err.also[0].field, "days");
    }

    #[test]
    fn days_end_at_midnight_utc() {
        assert_eq!(end_of_day(day(9)), at(10, 0));
        // 2026-03-31 is a Tuesday: the Sundays from 18 January to 29 March, then the day.
        let weeks = trend_weeks(day(31));
        assert_eq!(weeks.len(), TREND_WEEKS);
        assert_eq!(weeks[0], NaiveDate::from_ymd_opt(2026, 1, 18).unwrap());
        assert_eq!(weeks[10], day(29));
        assert_eq!(weeks[11], day(31));
        assert!(weeks[..11]
            .iter()
            .all(|d| d.weekday() == chrono::Weekday::Sun));
        // A Sunday is its own week's end: twelve Sundays, a week apart.
        let sundays = trend_weeks(day(29));
        assert_eq!(sundays.len(), TREND_WEEKS);
        assert_eq!(sundays[11], day(29));
        assert_eq!(sundays[0], NaiveDate::from_ymd_opt(2026, 1, 11).unwrap());
    }

    #[test]
    fn snapshots_stand_for_the_ends_of_weeks_that_are_over() {
        assert_eq!(week_end(day(29)), day(29), "a Sunday");
        assert_eq!(week_end(day(30)), day(29), "the Monday after");
        assert_eq!(week_end(day(28)), day(22), "the Saturday before");
        // Tuesday 31 March, noon: the last week over ended on Sunday the 29th.
        let kept = snapshot_moments(at(31, 12));
        assert_eq!(kept.len(), SNAPSHOT_WEEKS);
        assert_eq!(*kept.last().unwrap(), at(30, 0));
        assert!(kept
            .windows(2)
            .all(|w| w[1] - w[0] == chrono::Duration::days(7)));
        // On a Sunday its own week is not over yet.
        assert_eq!(*snapshot_moments(at(29, 23)).last().unwrap(), at(23, 0));
        assert_eq!(*snapshot_moments(at(30, 0)).last().unwrap(), at(30, 0));
        // A map at the end of Tuesday the 31st starts from Monday the 30th, 00:00; at the
        // end of Sunday the 29th, from that very moment; and each trend week before the
        // last is a snapshot.
        assert_eq!(snapshot_before(end_of_day(day(31))), at(30, 0));
        assert_eq!(snapshot_before(end_of_day(day(29))), at(30, 0));
        assert_eq!(snapshot_before(end_of_day(day(28))), at(23, 0));
        assert_eq!(snapshot_before(at(30, 0)), at(30, 0));
        for week in &trend_weeks(day(31))[..11] {
            assert_eq!(snapshot_before(end_of_day(*week)), end_of_day(*week));
        }
        assert!(snapshot_moments(at(31, 12)).contains(&end_of_day(trend_weeks(day(31))[10])));
    }
}

//! The viewer's attacker (issue 28's acceptance): it is handed every number a reader saw,
//! each with the people it counts (the test knows the ground truth), and tries to single
//! people out by combining them, as someone with a spreadsheet and patience would: across
//! views, days and subtractions.
//!
//! **Units.** A [`Unit`] is a person over a stretch of days with one rating: a person whose
//! rating did not change between the days compared is one unit on both, one whose rating
//! changed is two (before and after). The unknowns are, for each unit and each rating
//! (1 to 5, unknown), whether the unit had that rating: a count at a rating is the sum of
//! that rating's unknowns over everyone in its cell, a head count the sum of all of them.
//! So the attacker knows who is in which cell on which day (the worst case: "nobody else
//! moved, nobody else left"), but no rating unless the numbers give it. Recording a count
//! at a rating as the set of the units that had it would hand the attacker every rating.
//! For a person who is two units it adds the known relation that the person is counted
//! once on each day: the head-count sum of the one unit equals the other's.
//!
//! **Exact elimination.** Every published number is such a sum, so a target (a group's
//! head count, or its count at a rating) is *determined* when its vector lies in the span
//! of the published vectors, and its value is then the same combination of the published
//! values. The span is computed by Gaussian elimination modulo the prime 2^61 − 1 (`u128`
//! products), which is exact rational elimination at our sizes: the ranks modulo p and
//! over the rationals differ only where p divides a minor of the system (whose entries are
//! 0 and ±1: up to 36 unknowns Hadamard's bound keeps every minor below p; beyond, a minor
//! of a few hundred such entries is a multiple of p with odds of about 2^−61), and a
//! recovery is claimed only when the derived value also equals the true one.
//!
//! **Perturbed numbers.** Where numbers contradict each other (a policy that rounds or adds
//! noise), a value derived through them depends on which ones are combined: one that hits
//! the truth is a guess the attacker cannot tell from the others. So the attacker first
//! sets aside every number that contradicts others, with the numbers it contradicts,
//! until the rest agree (the consistent core), and claims only what the core determines.
//! On exact numbers the core is everything.
//!
//! **A recovery** is a group G of people defined by anything but their ratings (a place,
//! a shift, a tag, a job, an organizer, who left between two days, the people placed on a
//! parent area itself) with 1 ≤ |G| < the minimum group size, whose head count, or one of
//! whose non-zero counts at a rating (1 to 5, unknown, or 1–2), is determined and derives
//! to its true value. The groups tried are built from the published head counts' sets
//! ([`Attacker::publish_population`]): each set itself; each difference A \ B of two sets
//! where B ⊂ A (on one day, across views, and across days); each set less its maximal
//! published proper subsets (a parent less its children); the atoms of the partition of
//! people by which sets they are in; and who left or joined a set of one label between
//! two days.

use std::collections::{HashMap, HashSet};
use std::fmt;

/// The prime the elimination runs modulo: 2^61 − 1.
const PRIME: u64 = (1 << 61) - 1;

/// A set of persons, or of units (by index, below 128).
type Bits = u128;

/// The ratings a unit may have had, as a coordinate within the unit: 1 to 5, unknown.
const LEVELS: usize = 6;
/// Every rating: a head count.
const ALL: u8 = (1 << LEVELS) - 1;

/// What a unit was rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// 1 (leader) to 5 (hostile).
    Rated(u8),
    Unknown,
}

impl Level {
    fn index(self) -> usize {
        match self {
            Level::Rated(r @ 1..=5) => usize::from(r - 1),
            Level::Rated(r) => panic!("a rating is 1 to 5, not {r}"),
            Level::Unknown => 5,
        }
    }

    fn mask(levels: &[Level]) -> u8 {
        levels.iter().fold(0, |m, l| m | 1 << l.index())
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Level::Rated(r) => write!(f, "rated {r}"),
            Level::Unknown => write!(f, "unknown"),
        }
    }
}

/// A person (by index) over the `epoch`-th stretch of days with one rating, `level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Unit {
    pub person: usize,
    pub epoch: usize,
    pub level: Level,
}

/// A published number's vector: a signed sum of (units × ratings) blocks.
type Terms = Vec<(Bits, u8, i64)>;

/// A number the reader saw (or a relation they know): its vector and value.
#[derive(Debug, Clone)]
struct Count {
    label: String,
    terms: Terms,
    shown: i64,
    /// A relation the attacker knows (a person counted once on each day), not a number
    /// shown: a derivation names how many it used, not each.
    relation: bool,
    /// What the reader knows of one of their own people (by index): a derivation sums
    /// these per person.
    known: Option<usize>,
    /// The published head count (population) it is a count of.
    cell: Option<usize>,
}

/// A published head count, to publish its counts at ratings with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell(usize);

/// The people a published head count counts, on its day.
#[derive(Debug, Clone)]
struct Population {
    /// Its place in `Attacker::populations`.
    index: usize,
    /// What it is, without the day ("heat by shift: Site × Day").
    key: String,
    day: String,
    /// Its units.
    bits: Bits,
    persons: Bits,
    /// Each person's unit on the day, by person.
    units: Vec<(usize, usize)>,
}

impl Population {
    fn label(&self) -> String {
        format!("{} on {}", self.key, self.day)
    }

    /// The units (indexes) of the persons of `persons`, on this population's day.
    fn units_of(&self, persons: Bits) -> Bits {
        self.units
            .iter()
            .filter(|(p, _)| persons & bit(*p) != 0)
            .fold(0, |b, (_, u)| b | bit(*u))
    }
}

/// A group to try to single out: its units, and how it was formed.
#[derive(Debug, Clone)]
struct Target {
    description: String,
    units: Bits,
    /// The populations it was formed from: a derivation from their counts alone, when
    /// there is one, is the one reported (the shortest to read).
    from: Vec<usize>,
}

/// One group the attacker singled out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// How the group is defined.
    pub group: String,
    pub people: usize,
    /// What of it was derived: ("head count" | "rated 5" | "unknown" | "rated 1–2", its
    /// true value, the published numbers combined, e.g. "Site (14) − Alpha (6) − Beta (6)
    /// = 2").
    pub found: Vec<(String, i64, String)>,
}

impl Recovery {
    /// The value derived for `what` ("head count", "rated 5"...), if it was.
    pub fn value(&self, what: &str) -> Option<i64> {
        self.found.iter().find(|f| f.0 == what).map(|f| f.1)
    }
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{} people]:", self.group, self.people)?;
        for (what, value, derivation) in &self.found {
            write!(f, "\n    {what} = {value}: {derivation}")?;
        }
        Ok(())
    }
}

/// Everything one reader saw, and what they already knew.
#[derive(Debug, Clone)]
pub struct Attacker {
    min_group_size: usize,
    units: Vec<Unit>,
    unit_index: HashMap<(usize, usize), usize>,
    counts: Vec<Count>,
    populations: Vec<Population>,
    /// Persons the reader knows by name (an organizer's own scope), with a label.
    known: Vec<(usize, String)>,
    /// What the six levels stand for when they are not ratings (a structure test's
    /// marks: see [`Attacker::with_level_names`]).
    names: Option<[String; LEVELS]>,
}

fn bit(i: usize) -> Bits {
    assert!(i < 128, "the attacker handles up to 128 people and units");
    1 << i
}

fn members(bits: Bits) -> impl Iterator<Item = usize> {
    (0..128).filter(move |&i| bits & (1 << i) != 0)
}

fn size(bits: Bits) -> usize {
    bits.count_ones() as usize
}

impl Attacker {
    /// An attacker against a campaign whose minimum group size is `min_group_size`.
    pub fn new(min_group_size: i64) -> Self {
        Attacker {
            min_group_size: usize::try_from(min_group_size).unwrap_or(0),
            units: Vec::new(),
            unit_index: HashMap::new(),
            counts: Vec::new(),
            populations: Vec::new(),
            known: Vec::new(),
            names: None,
        }
    }

    /// The same attacker over another attribute of a person than their rating: its six
    /// values named `names` in the order of [`Level`]'s (1 to 5, then unknown). A
    /// structure test's marks are such an attribute: a unit's level is its mark.
    pub fn with_level_names(mut self, names: [&str; LEVELS]) -> Self {
        self.names = Some(names.map(str::to_owned));
        self
    }

    /// How a level is said in a recovery.
    fn level_name(&self, level: Level) -> String {
        match &self.names {
            Some(names) => names[level.index()].clone(),
            None => level.to_string(),
        }
    }

    /// The set of `units`, registering the new ones.
    fn unit_bits(&mut self, units: &[Unit]) -> Bits {
        let mut bits = 0;
        for u in units {
            let next = self.units.len();
            let i = *self.unit_index.entry((u.person, u.epoch)).or_insert(next);
            if i == next {
                self.units.push(*u);
            }
            assert_eq!(
                self.units[i].level, u.level,
                "one unit, one rating: {u:?} and {:?}",
                self.units[i]
            );
            bits |= bit(i);
        }
        bits
    }

    /// A head count the reader saw: `shown` people, `units` on `day`, under `key` (the
    /// same key on two days is the same group then and now: a row, a column, a cell).
    pub fn publish_population(&mut self, key: &str, day: &str, units: &[Unit], shown: i64) -> Cell {
        let bits = self.unit_bits(units);
        let mut by_person: Vec<(usize, usize)> = units
            .iter()
            .map(|u| (u.person, self.unit_index[&(u.person, u.epoch)]))
            .collect();
        by_person.sort();
        let index = self.populations.len();
        let population = Population {
            index,
            key: key.to_owned(),
            day: day.to_owned(),
            bits,
            persons: by_person.iter().fold(0, |b, (p, _)| b | bit(*p)),
            units: by_person,
        };
        self.counts.push(Count {
            label: population.label(),
            terms: vec![(bits, ALL, 1)],
            shown,
            relation: false,
            known: None,
            cell: Some(index),
        });
        self.populations.push(population);
        Cell(index)
    }

    /// A count the reader saw of the people of `cell` rated one of `levels` (`what`:
    /// "rated 5", "unknown", "rated 1–2").
    pub fn publish_levels(&mut self, cell: Cell, what: &str, levels: &[Level], shown: i64) {
        let p = &self.populations[cell.0];
        self.counts.push(Count {
            label: format!("{}, {what}, on {}", p.key, p.day),
            terms: vec![(p.bits, Level::mask(levels), 1)],
            shown,
            relation: false,
            known: None,
            cell: Some(cell.0),
        });
    }

    /// A person the reader knows by name (and so every count of them, on every day): no
    /// group with them in is a target, and they are taken out of every other.
    pub fn know(&mut self, label: &str, person: usize) {
        self.known.push((person, label.to_owned()));
    }

    /// How many numbers the reader saw.
    pub fn published(&self) -> usize {
        self.counts.len()
    }

    /// The published counts, the relations known of two-unit persons, and what the
    /// reader knows of their own people.
    fn equations(&self) -> Vec<Count> {
        let mut all = self.counts.clone();
        let mut by_person: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, u) in self.units.iter().enumerate() {
            by_person.entry(u.person).or_default().push(i);
        }
        let mut persons: Vec<_> = by_person.into_iter().collect();
        persons.sort();
        for (person, mut units) in persons {
            units.sort_by_key(|&i| self.units[i].epoch);
            for pair in units.windows(2) {
                all.push(Count {
                    label: format!("person #{person} counted once on each day"),
                    terms: vec![(bit(pair[0]), ALL, 1), (bit(pair[1]), ALL, -1)],
                    shown: 0,
                    relation: true,
                    known: None,
                    cell: None,
                });
            }
            if let Some((_, label)) = self.known.iter().find(|(p, _)| *p == person) {
                for &i in &units {
                    for level in 0..LEVELS {
                        all.push(Count {
                            label: label.clone(),
                            terms: vec![(bit(i), 1 << level, 1)],
                            shown: i64::from(self.units[i].level.index() == level),
                            relation: false,
                            known: Some(person),
                            cell: None,
                        });
                    }
                }
            }
        }
        all
    }

    /// Every group below the minimum size the published numbers single out, with how.
    /// A group is reported with every count of it that was derived; a later group only
    /// when it gives away a count not reported yet.
    pub fn recoveries(&self) -> Vec<Recovery> {
        let equations = self.equations();
        // The consistent core: numbers that contradict others (perturbed ones) are set
        // aside with every number they contradict, until none do.
        let mut core: Vec<usize> = (0..equations.len()).collect();
        let basis = loop {
            let basis = Basis::of(&equations, &core, self.units.len());
            if basis.conflicts.is_empty() {
                break basis;
            }
            core.retain(|i| !basis.conflicts.contains(i));
        };
        let mut solved: HashMap<(Bits, u8), Option<String>> = HashMap::new();
        let mut reported: HashSet<(Bits, u8)> = HashSet::new();
        let mut out = Vec::new();
        for target in self.targets() {
            let mut found = Vec::new();
            let mut new = false;
            // The counts of the populations it was formed from, and the known relations.
            let local = || {
                let near: Vec<usize> = core
                    .iter()
                    .copied()
                    .filter(|&i| equations[i].cell.is_none_or(|c| target.from.contains(&c)))
                    .collect();
                Basis::of(&equations, &near, self.units.len())
            };
            let mut near: Option<Basis> = None;
            for (what, mask, truth) in self.target_counts(target.units) {
                let derivation = solved.entry((target.units, mask)).or_insert_with(|| {
                    let gives = |s: &Solution| {
                        s.value == signed(truth) && s.certain(&equations, self.min_group_size)
                    };
                    basis.solve(target.units, mask).filter(gives)?;
                    let solution = near
                        .get_or_insert_with(local)
                        .solve(target.units, mask)
                        .filter(gives)
                        .or_else(|| basis.solve(target.units, mask))?;
                    Some(solution.derivation(&equations, truth))
                });
                if let Some(derivation) = derivation {
                    new |= reported.insert((target.units, mask));
                    found.push((what, truth, derivation.clone()));
                }
            }
            if new {
                out.push(Recovery {
                    group: target.description,
                    people: size(target.units),
                    found,
                });
            }
        }
        out
    }

    /// The counts of a group to try to derive: its head count, each non-zero count at a
    /// rating, and its 1–2s; with their true values.
    fn target_counts(&self, units: Bits) -> Vec<(String, u8, i64)> {
        let levels: Vec<Level> = members(units).map(|i| self.units[i].level).collect();
        let count = |mask: u8| {
            levels
                .iter()
                .filter(|l| mask & (1 << l.index()) != 0)
                .count() as i64
        };
        let mut out = vec![("head count".to_owned(), ALL, levels.len() as i64)];
        let mut distinct = levels.clone();
        distinct.sort();
        distinct.dedup();
        for level in distinct {
            let mask = Level::mask(&[level]);
            out.push((self.level_name(level), mask, count(mask)));
        }
        let supporters = Level::mask(&[Level::Rated(1), Level::Rated(2)]);
        if self.names.is_none() && count(supporters) > 0 {
            out.push(("rated 1–2".to_owned(), supporters, count(supporters)));
        }
        out
    }

    /// The groups to try, each once (by its units).
    fn targets(&self) -> Vec<Target> {
        let known: Bits = self.known.iter().fold(0, |b, (p, _)| b | bit(*p));
        let mut seen: HashSet<Bits> = HashSet::new();
        let mut out = Vec::new();
        let min = self.min_group_size;
        let small = |persons: Bits| (1..min).contains(&size(persons & !known));
        // A group of `persons` on the day of `from[0]`, formed from the populations `from`.
        let mut offer = |description: String, from: &[&Population], persons: Bits| {
            let units = from[0].units_of(persons & !known);
            if (1..min).contains(&size(units)) && seen.insert(units) {
                let from = from.iter().map(|p| p.index).collect();
                out.push(Target {
                    description,
                    units,
                    from,
                });
            }
        };
        // One population per set of people and day (the views repeat each other).
        let mut distinct: Vec<&Population> = Vec::new();
        let mut index: HashSet<(Bits, &str)> = HashSet::new();
        for p in &self.populations {
            if p.persons != 0 && index.insert((p.persons, p.day.as_str())) {
                distinct.push(p);
            }
        }

        // Each published set itself.
        for p in &distinct {
            offer(p.label(), &[p], p.persons);
        }
        // A \ B where B ⊂ A: on one day, across views, across days.
        for a in &distinct {
            for b in &distinct {
                let rest = a.persons & !b.persons;
                if b.persons & !a.persons == 0 && small(rest) {
                    offer(format!("({}) − ({})", a.label(), b.label()), &[a, b], rest);
                }
            }
        }
        // A less its maximal published proper subsets (a parent less its children): of
        // its own day, and of any day.
        for a in &distinct {
            for same_day in [true, false] {
                let inside: Vec<&Population> = distinct
                    .iter()
                    .copied()
                    .filter(|b| {
                        b.persons & !a.persons == 0
                            && b.persons != a.persons
                            && (!same_day || b.day == a.day)
                    })
                    .collect();
                let maximal: Vec<&Population> = inside
                    .iter()
                    .copied()
                    .filter(|b| {
                        !inside
                            .iter()
                            .any(|c| b.persons & !c.persons == 0 && b.persons != c.persons)
                    })
                    .collect();
                let covered = maximal.iter().fold(0, |acc, b| acc | b.persons);
                let rest = a.persons & !covered;
                if !maximal.is_empty() && small(rest) {
                    let children: Vec<String> =
                        maximal.iter().map(|b| format!("({})", b.label())).collect();
                    let from: Vec<&Population> = std::iter::once(*a).chain(maximal).collect();
                    offer(
                        format!("({}) − {}", a.label(), children.join(" − ")),
                        &from,
                        rest,
                    );
                }
            }
        }
        // The atoms: people in exactly the same published sets, on each day they are.
        let everyone = distinct.iter().fold(0, |acc, p| acc | p.persons);
        let mut atoms: HashMap<Vec<bool>, Bits> = HashMap::new();
        for person in members(everyone) {
            let signature: Vec<bool> = distinct
                .iter()
                .map(|p| p.persons & bit(person) != 0)
                .collect();
            *atoms.entry(signature).or_default() |= bit(person);
        }
        let mut atoms: Vec<(Vec<bool>, Bits)> = atoms.into_iter().collect();
        atoms.sort_by_key(|(_, persons)| *persons);
        for (signature, persons) in atoms.into_iter().filter(|(_, p)| small(*p)) {
            let mut days: HashSet<&str> = HashSet::new();
            for (p, _) in distinct.iter().zip(&signature).filter(|(_, s)| **s) {
                if days.insert(p.day.as_str()) {
                    offer(
                        format!(
                            "the people of ({}) in exactly the same published groups",
                            p.label()
                        ),
                        &[p],
                        persons,
                    );
                }
            }
        }
        // Who left or joined a group of one label between two days.
        let mut by_key: HashMap<&str, Vec<&Population>> = HashMap::new();
        for p in &self.populations {
            by_key.entry(p.key.as_str()).or_default().push(p);
        }
        let mut keys: Vec<&str> = by_key.keys().copied().collect();
        keys.sort();
        for key in keys {
            let days = &by_key[key];
            for a in days {
                for b in days {
                    let rest = a.persons & !b.persons;
                    if a.day != b.day && small(rest) {
                        offer(
                            format!("{key}: on {} and not on {}", a.day, b.day),
                            &[a, b],
                            rest,
                        );
                    }
                }
            }
        }
        out
    }
}

fn add(a: u64, b: u64) -> u64 {
    let s = a + b;
    if s >= PRIME {
        s - PRIME
    } else {
        s
    }
}

fn sub(a: u64, b: u64) -> u64 {
    add(a, PRIME - b)
}

fn mul(a: u64, b: u64) -> u64 {
    // A Mersenne prime reduces with a shift and an add, no division.
    let x = u128::from(a) * u128::from(b);
    add((x as u64) & PRIME, (x >> 61) as u64)
}

fn inverse(a: u64) -> u64 {
    // Fermat: a^(p − 2).
    let (mut base, mut exp, mut out) = (a, PRIME - 2, 1);
    while exp > 0 {
        if exp & 1 == 1 {
            out = mul(out, base);
        }
        base = mul(base, base);
        exp >>= 1;
    }
    out
}

fn signed(value: i64) -> u64 {
    let magnitude = value.unsigned_abs() % PRIME;
    if value >= 0 {
        magnitude
    } else {
        sub(0, magnitude)
    }
}

/// A value modulo the prime as a small fraction (numerator, denominator), if it is one.
fn fraction(a: u64) -> Option<(i128, i128)> {
    // Rational reconstruction: the extended Euclid on (p, a), stopped halfway.
    let bound: i128 = 1 << 30;
    let (mut r0, mut r1) = (i128::from(PRIME), i128::from(a));
    let (mut t0, mut t1) = (0i128, 1i128);
    while r1 >= bound {
        let q = r0 / r1;
        (r0, r1) = (r1, r0 - q * r1);
        (t0, t1) = (t1, t0 - q * t1);
    }
    if t1 == 0 || t1.abs() >= bound {
        return None;
    }
    Some(if t1 < 0 { (-r1, -t1) } else { (r1, t1) })
}

/// One row of the reduced echelon form: a combination of published counts.
#[derive(Debug, Clone)]
struct Row {
    pivot: usize,
    vector: Vec<u64>,
    value: u64,
    /// The combination, as coefficients of `Basis::sources`.
    combination: Vec<u64>,
}

/// The published vectors in reduced row echelon form, over (unit, rating) coordinates.
#[derive(Debug)]
struct Basis {
    width: usize,
    rows: Vec<Row>,
    /// The row whose pivot each coordinate is, if any.
    row_of: Vec<Option<usize>>,
    /// The equations (indexes) that entered the basis, in order.
    sources: Vec<usize>,
    /// Equations that contradict the basis, and the basis equations they contradict.
    conflicts: HashSet<usize>,
}

/// A determined target: its derived value and the combination giving it.
struct Solution {
    value: u64,
    /// (equation index, coefficient).
    terms: Vec<(usize, u64)>,
}

impl Solution {
    /// Whether the reader can trust it, knowing the policy (README: every protected count
    /// is a multiple of the minimum `b`, each off its truth by less than `b`). A derivation
    /// that combines only multiples of `b`, some with a fractional coefficient (1/4 × this
    /// − 3/4 × that), lands anywhere within the numbers' errors: when it hits the truth,
    /// it is by chance, a guess the reader cannot tell from a wrong one. With integer
    /// coefficients it gives a multiple of `b` (no group of 1 to `b` − 1); with any
    /// number that is not a multiple of `b`, the numbers are not all rounded, and it is
    /// trusted (exact numbers: the leaks this attacker is for).
    fn certain(&self, equations: &[Count], min_group_size: usize) -> bool {
        let b = min_group_size.max(1) as i64;
        let published: Vec<(u64, &Count)> = self
            .terms
            .iter()
            .map(|&(i, c)| (c, &equations[i]))
            .filter(|(_, e)| !e.relation && e.known.is_none())
            .collect();
        let all_rounded = published.iter().all(|(_, e)| e.shown % b == 0);
        let fractional = published
            .iter()
            .any(|(c, _)| !matches!(fraction(*c), Some((_, 1))));
        !(all_rounded && fractional)
    }

    fn derivation(&self, equations: &[Count], truth: i64) -> String {
        // (coefficient, label, value): what the reader saw, then what they know of each
        // of their own people, summed per person.
        let mut parts: Vec<(u64, String, String)> = Vec::new();
        let mut known: Vec<(usize, String, u64)> = Vec::new();
        let mut relations = 0;
        for &(i, c) in &self.terms {
            let e = &equations[i];
            match e.known {
                _ if e.relation => relations += 1,
                Some(person) => match known.iter_mut().find(|k| k.0 == person) {
                    Some(k) => k.2 = add(k.2, mul(c, signed(e.shown))),
                    None => known.push((person, e.label.clone(), mul(c, signed(e.shown)))),
                },
                None => parts.push((c, e.label.clone(), e.shown.to_string())),
            }
        }
        for (_, label, net) in known.into_iter().filter(|k| k.2 != 0) {
            let (sign, value) = match fraction(net) {
                Some((num, 1)) if num < 0 => (sub(0, 1), (-num).to_string()),
                Some((num, den)) if num < 0 => (sub(0, 1), format!("{}/{den}", -num)),
                Some((num, 1)) => (1, num.to_string()),
                Some((num, den)) => (1, format!("{num}/{den}")),
                None => (1, net.to_string()),
            };
            parts.push((sign, label, value));
        }
        let mut text = String::new();
        for (n, (c, label, value)) in parts.into_iter().enumerate() {
            let (negative, num, den) = match fraction(c) {
                Some((num, den)) => (num < 0, num.abs(), den),
                None => (false, i128::from(c), 1),
            };
            let sign = match (n, negative) {
                (0, false) => "",
                (0, true) => "−",
                (_, false) => " + ",
                (_, true) => " − ",
            };
            let factor = match (num, den) {
                (1, 1) => String::new(),
                (num, 1) => format!("{num} × "),
                (num, den) => format!("{num}/{den} × "),
            };
            text.push_str(&format!("{sign}{factor}{label} ({value})"));
        }
        match relations {
            0 => format!("{text} = {truth}"),
            n => format!(
                "{text} = {truth} (with {n} people whose rating changed, each counted once a day)"
            ),
        }
    }
}

impl Basis {
    /// The basis of the equations `using` (indexes into `equations`), over `units` units.
    fn of(equations: &[Count], using: &[usize], units: usize) -> Self {
        let width = units * LEVELS;
        let mut basis = Basis {
            width,
            rows: Vec::new(),
            row_of: vec![None; width],
            sources: Vec::new(),
            conflicts: HashSet::new(),
        };
        // The same set shown twice is one equation, or a contradiction.
        let mut seen: HashMap<&Terms, usize> = HashMap::new();
        for &i in using {
            match seen.get(&equations[i].terms) {
                None => {
                    seen.insert(&equations[i].terms, i);
                    basis.insert(i, &equations[i]);
                }
                Some(&first) if equations[first].shown != equations[i].shown => {
                    basis.conflicts.extend([first, i]);
                }
                Some(_) => {}
            }
        }
        basis
    }

    fn dense(&self, terms: &[(Bits, u8, i64)]) -> Vec<u64> {
        let mut vector = vec![0; self.width];
        for &(units, levels, coefficient) in terms {
            for u in members(units) {
                for level in (0..LEVELS).filter(|l| levels & (1 << l) != 0) {
                    let x = &mut vector[u * LEVELS + level];
                    *x = add(*x, signed(coefficient));
                }
            }
        }
        vector
    }

    fn insert(&mut self, index: usize, equation: &Count) {
        let mut vector = self.dense(&equation.terms);
        let mut value = signed(equation.shown);
        let source = self.sources.len();
        let mut combination = vec![0; source + 1];
        combination[source] = 1;
        for row in &self.rows {
            let f = vector[row.pivot];
            if f == 0 {
                continue;
            }
            for (x, y) in vector.iter_mut().zip(&row.vector) {
                if *y != 0 {
                    *x = sub(*x, mul(f, *y));
                }
            }
            value = sub(value, mul(f, row.value));
            for (x, y) in combination.iter_mut().zip(&row.combination) {
                *x = sub(*x, mul(f, *y));
            }
        }
        let Some(pivot) = vector.iter().position(|&x| x != 0) else {
            // In the span already: it agrees with the basis, or contradicts the counts
            // it is a combination of.
            if value != 0 {
                self.conflicts.insert(index);
                self.conflicts.extend(
                    combination[..source]
                        .iter()
                        .zip(&self.sources)
                        .filter(|(c, _)| **c != 0)
                        .map(|(_, s)| *s),
                );
            }
            return;
        };
        let scale = inverse(vector[pivot]);
        for x in vector.iter_mut() {
            *x = mul(*x, scale);
        }
        value = mul(value, scale);
        for x in combination.iter_mut() {
            *x = mul(*x, scale);
        }
        // Reduced: the new pivot leaves every other row.
        for row in &mut self.rows {
            let f = row.vector[pivot];
            if f == 0 {
                continue;
            }
            for (x, y) in row.vector.iter_mut().zip(&vector) {
                if *y != 0 {
                    *x = sub(*x, mul(f, *y));
                }
            }
            row.value = sub(row.value, mul(f, value));
            row.combination.resize(source + 1, 0);
            for (x, y) in row.combination.iter_mut().zip(&combination) {
                *x = sub(*x, mul(f, *y));
            }
        }
        self.row_of[pivot] = Some(self.rows.len());
        self.sources.push(index);
        self.rows.push(Row {
            pivot,
            vector,
            value,
            combination,
        });
    }

    /// The count of `units` at the ratings of `levels` as a combination of the published
    /// counts, if it is one. In the reduced form the target's coefficient on each row is
    /// its own entry at the row's pivot.
    fn solve(&self, units: Bits, levels: u8) -> Option<Solution> {
        let target = [(units, levels, 1)];
        let mut residual = self.dense(&target);
        let mut value = 0;
        let mut combination = vec![0; self.sources.len()];
        let coordinates: Vec<usize> = (0..self.width).filter(|&c| residual[c] != 0).collect();
        for c in coordinates {
            let Some(r) = self.row_of[c] else {
                continue;
            };
            let row = &self.rows[r];
            for (x, y) in residual.iter_mut().zip(&row.vector) {
                if *y != 0 {
                    *x = sub(*x, *y);
                }
            }
            value = add(value, row.value);
            for (x, y) in combination.iter_mut().zip(&row.combination) {
                *x = add(*x, *y);
            }
        }
        if residual.iter().any(|&x| x != 0) {
            return None;
        }
        let terms = combination
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != 0)
            .map(|(s, c)| (self.sources[s], *c))
            .collect();
        Some(Solution { value, terms })
    }
}

#[cfg(test)]
mod tests {
    use super::{Attacker, Level, Unit};

    /// The attacker finds a group of `people` by their head count.
    fn assert_finds_group(attacker: &Attacker, people: usize) {
        let found = attacker.recoveries();
        assert!(
            found
                .iter()
                .any(|r| r.people == people && r.value("head count") == Some(people as i64)),
            "{found:#?}"
        );
    }

    fn people(range: std::ops::Range<usize>, level: Level) -> Vec<Unit> {
        range
            .map(|person| Unit {
                person,
                epoch: 0,
                level,
            })
            .collect()
    }

    const SHOWN: [Level; 6] = [
        Level::Rated(1),
        Level::Rated(2),
        Level::Rated(3),
        Level::Rated(4),
        Level::Rated(5),
        Level::Unknown,
    ];

    /// A cell as a viewer's map shows it: its head count and each rating's count,
    /// through `shown`.
    fn cell(
        attacker: &mut Attacker,
        key: &str,
        day: &str,
        units: &[Unit],
        shown: &dyn Fn(usize) -> i64,
    ) {
        let cell = attacker.publish_population(key, day, units, shown(units.len()));
        for level in SHOWN {
            let n = units.iter().filter(|u| u.level == level).count();
            attacker.publish_levels(cell, &level.to_string(), &[level], shown(n));
        }
    }

    /// Site holds Alpha and Beta and two people of its own, both rated 5.
    fn site(shown: &dyn Fn(usize) -> i64) -> Attacker {
        let own = people(0..2, Level::Rated(5));
        let alpha: Vec<Unit> = people(2..5, Level::Rated(1))
            .into_iter()
            .chain(people(5..8, Level::Rated(5)))
            .collect();
        let beta: Vec<Unit> = people(8..12, Level::Unknown)
            .into_iter()
            .chain(people(12..14, Level::Rated(5)))
            .collect();
        let site: Vec<Unit> = own.iter().chain(&alpha).chain(&beta).copied().collect();
        let mut attacker = Attacker::new(5);
        for (name, units) in [("Site", &site), ("Alpha", &alpha), ("Beta", &beta)] {
            cell(&mut attacker, name, "today", units, shown);
        }
        attacker
    }

    #[test]
    fn a_parent_less_its_children_is_its_own_people() {
        let found = site(&|n| n as i64).recoveries();
        let own = found
            .iter()
            .find(|r| r.people == 2)
            .unwrap_or_else(|| panic!("Site's own two: {found:#?}"));
        assert_eq!(
            own.found[0],
            (
                "head count".to_owned(),
                2,
                "Site on today (14) − Alpha on today (6) − Beta on today (6) = 2".to_owned()
            )
        );
        assert_eq!(own.value("rated 5"), Some(2), "both rated 5: {own}");
        assert!(
            own.group.contains("Site") && own.group.contains("Alpha"),
            "{own}"
        );
    }

    #[test]
    fn two_days_totals_give_away_who_left_and_their_rating() {
        let sunday: Vec<Unit> = people(0..9, Level::Rated(3))
            .into_iter()
            .chain(people(9..10, Level::Rated(1)))
            .collect();
        let today = people(0..9, Level::Rated(3));
        let mut attacker = Attacker::new(5);
        cell(&mut attacker, "total", "Sunday", &sunday, &|n| n as i64);
        cell(&mut attacker, "total", "today", &today, &|n| n as i64);
        let found = attacker.recoveries();
        let left = found
            .iter()
            .find(|r| r.people == 1)
            .unwrap_or_else(|| panic!("the one who left: {found:#?}"));
        assert_eq!(
            left.found[0].2,
            "total on Sunday (10) − total on today (9) = 1"
        );
        assert_eq!(left.value("rated 1"), Some(1), "{left}");
    }

    #[test]
    fn a_head_count_alone_gives_no_rating() {
        // As above, but today's map shows only its head count: the one who left is one
        // person, and nothing says how they were rated but Sunday's counts, which count
        // the nine who stayed too.
        let sunday: Vec<Unit> = people(0..6, Level::Rated(3))
            .into_iter()
            .chain(people(6..10, Level::Rated(4)))
            .collect();
        let mut attacker = Attacker::new(5);
        cell(&mut attacker, "total", "Sunday", &sunday, &|n| n as i64);
        attacker.publish_population("total", "today", &sunday[..9], 9);
        let found = attacker.recoveries();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].value("head count"), Some(1));
        assert_eq!(found[0].value("rated 4"), None, "{}", found[0]);
    }

    #[test]
    fn a_rating_changed_between_the_days_is_two_units_of_one_person() {
        // Person 0 went from 3 to 1; person 9 left. The two totals still differ by the
        // one who left, because person 0 is counted once on each day.
        let mut sunday = people(0..10, Level::Rated(3));
        let mut today = people(0..9, Level::Rated(3));
        today[0] = Unit {
            person: 0,
            epoch: 1,
            level: Level::Rated(1),
        };
        sunday[9].level = Level::Rated(4);
        let mut attacker = Attacker::new(5);
        attacker.publish_population("total", "Sunday", &sunday, 10);
        attacker.publish_population("total", "today", &today, 9);
        assert_finds_group(&attacker, 1);
    }

    #[test]
    fn rounded_numbers_give_nothing_away() {
        let round = |n: usize| (n as i64 + 2) / 5 * 5;
        assert_eq!(site(&round).recoveries(), []);
    }

    #[test]
    fn numbers_that_contradict_each_other_are_no_derivation() {
        // As `site`, but Alpha's ratings add up to 5 of its 6: one of Alpha's numbers is
        // off, so Site − Alpha − Beta is a guess.
        let mut attacker = site(&|n| n as i64);
        for count in &mut attacker.counts {
            if count.label == "Alpha, rated 1, on today" {
                count.shown = 2;
            }
        }
        assert_eq!(attacker.recoveries(), []);
    }

    #[test]
    fn a_contradiction_elsewhere_hides_nothing() {
        // Gamma, beside Site, adds up wrong; Site's own two are still Site − Alpha − Beta.
        let mut attacker = site(&|n| n as i64);
        let gamma = people(20..27, Level::Rated(3));
        let cell = attacker.publish_population("Gamma", "today", &gamma, 7);
        attacker.publish_levels(cell, "rated 3", &[Level::Rated(3)], 10);
        assert_finds_group(&attacker, 2);
    }

    #[test]
    fn a_group_outside_the_span_is_not_claimed() {
        // Ward's sixteen: the day shift and the choir overlap in three (7, 8, 9), so Ward
        // less both leaves 0 and 1 as a target, but no sum of the three gives them.
        let ward = people(0..16, Level::Rated(3));
        let mut attacker = Attacker::new(5);
        attacker.publish_population("Ward", "today", &ward, 16);
        attacker.publish_population("Ward × Day", "today", &ward[2..10], 8);
        attacker.publish_population("Ward × choir", "today", &ward[7..16], 9);
        assert_eq!(attacker.recoveries(), []);
    }

    #[test]
    fn what_an_organizer_knows_is_subtracted() {
        // Area B's own six: four the organizer's own, known by name; two outside.
        let b = people(0..6, Level::Rated(2));
        let mut attacker = Attacker::new(5);
        attacker.publish_population("floor plan: B", "today", &b, 6);
        for person in 0..4 {
            attacker.know("one of your own", person);
        }
        assert_finds_group(&attacker, 2);
    }
}

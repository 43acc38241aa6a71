//! The path to the threshold: the fewest moves that lift the chance of passing above a
//! chosen level.
//!
//! A move is one of two things an organizer can do with one person: a conversation that
//! moves them one level towards 1 (a 3 to a 2), or a plan to vote with them (a time, a
//! ride, a shift swap: their turnout rises to `Goal::planned_turnout`). Moving a 3 to a 1
//! is two moves. People not yet rated are not moved: the first step with them is to find
//! out where they are.
//!
//! Within a level everyone has the same chances, so the chance of passing depends only
//! on how many people end at each level with or without a plan to vote — the *end
//! state* — and the fewest moves to reach an end state is fixed by it (the level steps
//! it takes plus the plans). Units of up to 16 people are searched exhaustively (breadth
//! first over end states, up to 20,000 of them: a path of a dozen moves or more can go
//! past that, and then the heuristic answers): the unit tests check that against trying
//! every move for every person (2 to 5 people) and against a search over end states (6
//! to 16). Larger units use a heuristic: climb greedily (the move that raises the
//! chance most per move, or, while the chance is too small to compare, the tighter
//! margin; a person may jump several levels; in batches while far off), then trim the
//! moves it can do without, give up two for one and swap one for another while that
//! raises the chance. On small units, where both can be checked, it finds the fewest
//! in at least 95 cases of 100 and is never more than one move over (unit test).

use serde::{Deserialize, Serialize};

use super::model::{self, Chance, Moments};
use super::{Cell, Rates, LEVELS, UNRATED};
use crate::structure::VoteRule;

/// What the path is for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    /// The chance of passing to reach (0.9 by default).
    pub target: f64,
    /// A person's turnout once they have a plan to vote (whole percent).
    pub planned_turnout: u8,
}

impl Default for Goal {
    fn default() -> Self {
        Goal {
            target: 0.9,
            planned_turnout: 95,
        }
    }
}

/// People at each level, without and with a plan to vote.
pub type State = [[i64; 2]; LEVELS];

/// The fewest moves found, as counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Path {
    pub before: f64,
    pub after: f64,
    /// True when the chance reaches the target (false: every move made and still short,
    /// or already there).
    pub reached: bool,
    /// Conversations moving someone one level, and plans to vote.
    pub level_moves: i64,
    pub turnout_moves: i64,
    pub start: State,
    pub end: State,
}

impl Path {
    pub fn moves(&self) -> i64 {
        self.level_moves + self.turnout_moves
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// One person at level `l` (with plan `w`) moves to `l - 1`.
    Up(usize, usize),
    /// One person at level `l` (with plan `w`) moves `j` levels at once: `j` moves.
    Jump(usize, usize, usize),
    /// One person at level `l` gets a plan to vote.
    Plan(usize),
    /// The inverses, to trim.
    Down(usize, usize),
    Unplan(usize),
}

/// Units up to this size are searched exhaustively, looking at no more than
/// `EXHAUSTIVE_STATES` end states (beyond, the heuristic is used).
const EXHAUSTIVE_MAX: i64 = 16;
const EXHAUSTIVE_STATES: usize = 20_000;

/// Units up to this size also try giving up two moves for one (cheap while small).
const COMPRESS_MAX: i64 = 40;

/// Every single move that brings a person closer to voting yes.
const ADD: [Op; 14] = [
    Op::Up(1, 0),
    Op::Up(2, 0),
    Op::Up(3, 0),
    Op::Up(4, 0),
    Op::Up(1, 1),
    Op::Up(2, 1),
    Op::Up(3, 1),
    Op::Up(4, 1),
    Op::Plan(0),
    Op::Plan(1),
    Op::Plan(2),
    Op::Plan(3),
    Op::Plan(4),
    Op::Plan(UNRATED),
];

/// `ADD`'s moves taken back, in the same order.
const REMOVE: [Op; 14] = {
    let mut ops = ADD;
    let mut i = 0;
    while i < ops.len() {
        ops[i] = match ADD[i] {
            Op::Up(l, w) => Op::Down(l - 1, w),
            Op::Plan(l) => Op::Unplan(l),
            other => other,
        };
        i += 1;
    }
    ops
};

/// The chances of someone at `level`, with a plan to vote (`w` 1) or without.
fn chance(rates: &Rates, goal: &Goal, level: usize, w: usize) -> Chance {
    let mut turnout = rates.turnout[level];
    if w == 1 {
        turnout = turnout.max(goal.planned_turnout);
    }
    Chance::new(
        f64::from(turnout) / 100.0,
        f64::from(rates.yes[level]) / 100.0,
    )
}

struct Search<'a> {
    rule: &'a VoteRule,
    rates: &'a Rates,
    goal: &'a Goal,
    start: State,
    people: i64,
}

impl Search<'_> {
    fn moments(&self, s: &State) -> Moments {
        let mut m = Moments::default();
        for (l, row) in s.iter().enumerate() {
            for (w, &n) in row.iter().enumerate() {
                m.add(chance(self.rates, self.goal, l, w), n);
            }
        }
        m
    }

    fn prob(&self, s: &State) -> f64 {
        if self.people as usize <= model::EXACT_MAX {
            let chances: Vec<Chance> = s
                .iter()
                .enumerate()
                .flat_map(|(l, row)| {
                    row.iter()
                        .enumerate()
                        .flat_map(move |(w, &n)| std::iter::repeat_n((l, w), n.max(0) as usize))
                })
                .map(|(l, w)| chance(self.rates, self.goal, l, w))
                .collect();
            model::predict_exact(self.rule, &chances).pass
        } else {
            model::pass_normal(self.rule, &self.moments(s))
        }
    }

    fn margin(&self, s: &State) -> f64 {
        model::margin(self.rule, &self.moments(s))
    }

    /// `s` changed by `k` of `op`, if every count stays possible.
    fn apply(&self, s: &State, op: Op, k: i64) -> Option<State> {
        let mut t = *s;
        match op {
            Op::Up(l, w) => {
                t[l][w] -= k;
                t[l - 1][w] += k;
            }
            Op::Jump(l, w, j) => {
                t[l][w] -= k;
                t[l - j][w] += k;
            }
            Op::Plan(l) => {
                t[l][0] -= k;
                t[l][1] += k;
            }
            Op::Down(l, w) => {
                t[l][w] -= k;
                t[l + 1][w] += k;
            }
            Op::Unplan(l) => {
                t[l][1] -= k;
                t[l][0] += k;
            }
        }
        self.possible(&t).then_some(t)
    }

    /// Reachable from the start by moving people only towards 1 and adding plans: at
    /// every level, at least as many at that level or better as at the start.
    fn possible(&self, t: &State) -> bool {
        if t.iter().flatten().any(|&n| n < 0) {
            return false;
        }
        let (mut have, mut had) = (0, 0);
        for (now, then) in t.iter().zip(&self.start).take(UNRATED) {
            have += now[0] + now[1];
            had += then[0] + then[1];
            if have < had {
                return false;
            }
        }
        have == had
            && t[UNRATED][0] + t[UNRATED][1] == self.start[UNRATED][0] + self.start[UNRATED][1]
    }

    /// Takes back every move the target can do without.
    /// Each kind of move is taken back as many times as the target allows, found by
    /// doubling then halving (the chance falls as more are taken back), so a large
    /// overshoot costs a few dozen evaluations, not one per move.
    fn trim(&self, s: &mut State, p: &mut f64) {
        for op in REMOVE {
            let keeps = |k: i64| {
                self.apply(s, op, k)
                    .map(|t| (t, self.prob(&t)))
                    .filter(|(_, q)| *q >= self.goal.target)
            };
            let Some(mut best) = keeps(1).map(|b| (1, b)) else {
                continue;
            };
            let mut hi = 2;
            while let Some(b) = keeps(hi) {
                best = (hi, b);
                hi *= 2;
            }
            let mut lo = best.0;
            while hi - lo > 1 {
                let mid = (lo + hi) / 2;
                match keeps(mid) {
                    Some(b) => {
                        best = (mid, b);
                        lo = mid;
                    }
                    None => hi = mid,
                }
            }
            *s = best.1 .0;
            *p = best.1 .1;
        }
    }

    /// One move fewer: two taken back and one other made, still reaching the target.
    fn compress(&self, s: &State) -> Option<(State, f64)> {
        for (i, r1) in REMOVE.into_iter().enumerate() {
            let Some(t1) = self.apply(s, r1, 1) else {
                continue;
            };
            for r2 in REMOVE.into_iter().skip(i) {
                let Some(t2) = self.apply(&t1, r2, 1) else {
                    continue;
                };
                for a in ADD {
                    let Some(u) = self.apply(&t2, a, 1) else {
                        continue;
                    };
                    let q = self.prob(&u);
                    if q >= self.goal.target {
                        return Some((u, q));
                    }
                }
            }
        }
        None
    }

    /// The swap of one move for another that raises the chance most (by more than a
    /// rounding error).
    fn best_swap(&self, s: &State, p: f64) -> Option<(State, f64)> {
        let mut best: Option<(State, f64)> = None;
        for r in REMOVE {
            let Some(t) = self.apply(s, r, 1) else {
                continue;
            };
            for a in ADD {
                let Some(u) = self.apply(&t, a, 1) else {
                    continue;
                };
                if u == *s {
                    continue;
                }
                let q = self.prob(&u);
                if q > best.map_or(p, |b| b.1) + 1e-9 {
                    best = Some((u, q));
                }
            }
        }
        best
    }

    fn cost(&self, t: &State) -> (i64, i64) {
        let level =
            |s: &State| -> i64 { (0..UNRATED).map(|l| l as i64 * (s[l][0] + s[l][1])).sum() };
        let plans = |s: &State| -> i64 { s.iter().map(|r| r[1]).sum() };
        (level(&self.start) - level(t), plans(t) - plans(&self.start))
    }
}

/// The fewest moves found that lift `cells` (after a scenario's moves) to the goal.
pub fn path(rule: &VoteRule, rates: &Rates, goal: &Goal, cells: &[Cell]) -> Path {
    let mut start: State = [[0; 2]; LEVELS];
    for c in cells {
        start[c.level][0] += c.people;
    }
    let search = Search {
        rule,
        rates,
        goal,
        start,
        people: start.iter().flatten().sum(),
    };
    let before = search.prob(&start);
    let exhaustive = if search.people <= EXHAUSTIVE_MAX {
        search.exhaustive(EXHAUSTIVE_STATES)
    } else {
        None
    };
    let (s, p) = exhaustive.unwrap_or_else(|| search.heuristic(before));
    let (level_moves, turnout_moves) = search.cost(&s);
    Path {
        before,
        after: p,
        reached: p >= goal.target,
        level_moves,
        turnout_moves,
        start,
        end: s,
    }
}

impl Search<'_> {
    /// The fewest moves for certain, by breadth-first search over end states (of those
    /// with the fewest moves, the likeliest to pass); None when more than `budget` end
    /// states would be looked at.
    fn exhaustive(&self, budget: usize) -> Option<(State, f64)> {
        let mut seen = std::collections::HashSet::from([self.start]);
        let mut level = vec![self.start];
        while !level.is_empty() {
            let best = level
                .iter()
                .map(|s| (*s, self.prob(s)))
                .filter(|(_, q)| *q >= self.goal.target)
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if best.is_some() {
                return best;
            }
            let mut next = Vec::new();
            for s in &level {
                for op in ADD {
                    if let Some(t) = self.apply(s, op, 1) {
                        if seen.insert(t) {
                            next.push(t);
                        }
                    }
                }
            }
            if seen.len() > budget {
                return None;
            }
            level = next;
        }
        // Every move made and still short: the likeliest end state, had with all moves.
        let all = seen
            .iter()
            .max_by(|a, b| self.prob(a).total_cmp(&self.prob(b)))?;
        Some((*all, self.prob(all)))
    }

    /// A short path for a unit too large to search exhaustively: two climbs (every kind
    /// of move; conversations only, plans to vote added while polishing), each polished,
    /// the shorter kept.
    fn heuristic(&self, before: f64) -> (State, f64) {
        let mut best: Option<(State, f64)> = None;
        for ops in climbs() {
            let (mut s, mut p) = self.climb(before, &ops);
            if p >= self.goal.target {
                self.polish(&mut s, &mut p);
            }
            if best.is_none_or(|b| self.better((&s, p), (&b.0, b.1))) {
                best = Some((s, p));
            }
        }
        best.unwrap_or((self.start, before))
    }

    /// Whether end state `a` (with its chance) is a better path than `b`: one that reaches
    /// the goal over one that does not; of two that do, the fewer moves, then the
    /// likelier; of two that do not, the likelier. A tie is not better.
    fn better(&self, (a, p): (&State, f64), (b, q): (&State, f64)) -> bool {
        let moves = |s: &State| {
            let (levels, plans) = self.cost(s);
            levels + plans
        };
        match (p >= self.goal.target, q >= self.goal.target) {
            (true, false) => true,
            (false, true) => false,
            (true, true) => (moves(a), -p) < (moves(b), -q),
            (false, false) => p > q,
        }
    }

    /// Makes the move that raises the chance most (or, while the chance is too small to
    /// compare, the tighter margin), in batches while far off, until the target.
    fn climb(&self, before: f64, ops: &[Op]) -> (State, f64) {
        let target = self.goal.target;
        let z_target = inverse_norm(target);
        let mut s = self.start;
        let mut p = before;
        while p < target {
            let m0 = self.margin(&s);
            let Some((op, dp, dm)) = self.steepest(&s, p, m0, ops) else {
                break;
            };
            if dp <= 1e-12 && dm <= 1e-12 {
                break;
            }
            let k = self.batch(&s, op, dm, m0, z_target);
            let Some(t) = self.apply(&s, op, k) else {
                break;
            };
            s = t;
            p = self.prob(&s);
        }
        (s, p)
    }

    /// Of `ops`, the move from `s` (its chance `p`, its margin `m0`) that raises the
    /// chance most for what it costs (a jump of `j` levels costs `j`), or, while no
    /// move's gain is big enough to compare, the margin most; with its gains per move.
    fn steepest(&self, s: &State, p: f64, m0: f64, ops: &[Op]) -> Option<(Op, f64, f64)> {
        let mut best: Option<(Op, f64, f64)> = None;
        for &op in ops {
            let Some(t) = self.apply(s, op, 1) else {
                continue;
            };
            let cost = match op {
                Op::Jump(_, _, j) => j as f64,
                _ => 1.0,
            };
            let (dp, dm) = ((self.prob(&t) - p) / cost, (self.margin(&t) - m0) / cost);
            let better = match best {
                None => true,
                Some((_, bp, bm)) => {
                    if dp.max(bp) > 1e-9 {
                        dp > bp
                    } else {
                        dm > bm
                    }
                }
            };
            if better {
                best = Some((op, dp, dm));
            }
        }
        best
    }

    /// How many of `op` to make at once from `s`: far from the target in a large unit,
    /// half of those the margin says are still needed (`dm` the margin one move adds,
    /// `m0` the margin now, `z_target` the margin the target asks for), no more than
    /// there are people to make it; otherwise one.
    fn batch(&self, s: &State, op: Op, dm: f64, m0: f64, z_target: f64) -> i64 {
        if self.people as usize <= model::EXACT_MAX || dm <= 1e-12 || m0 >= z_target {
            return 1;
        }
        let wanted = (((z_target - m0) / dm) / 2.0).floor().max(1.0) as i64;
        let people = match op {
            Op::Up(l, w) | Op::Jump(l, w, _) => s[l][w],
            Op::Plan(l) => s[l][0],
            Op::Down(..) | Op::Unplan(_) => 1,
        };
        wanted.min(people).max(1)
    }

    /// Trims, gives up two moves for one, and swaps one move for another, while any
    /// helps.
    fn polish(&self, s: &mut State, p: &mut f64) {
        let small = self.people <= COMPRESS_MAX;
        // A large unit is close to continuous: a few rounds of swaps are all that help.
        let rounds = if small { 200 } else { 12 };
        for _ in 0..rounds {
            self.trim(s, p);
            if small {
                if let Some((u, q)) = self.compress(s) {
                    *s = u;
                    *p = q;
                    continue;
                }
            }
            match self.best_swap(s, *p) {
                Some((u, q)) => {
                    *s = u;
                    *p = q;
                }
                None => break,
            }
        }
        self.trim(s, p);
    }
}

/// The moves of the heuristic's two climbs: every kind, and conversations only. Moving
/// one person several levels at once can pass where each single step lowers the chance
/// (a 5 who would only vote no as a 4).
fn climbs() -> [Vec<Op>; 2] {
    let mut jumps = Vec::new();
    for l in 1..UNRATED {
        for j in 1..=l {
            for w in 0..2 {
                jumps.push(Op::Jump(l, w, j));
            }
        }
    }
    let levels_only = jumps.clone();
    jumps.extend_from_slice(&ADD[8..]);
    [jumps, levels_only]
}

/// The z with Φ(z) = p (bisection on the normal distribution function).
fn inverse_norm(p: f64) -> f64 {
    let (mut lo, mut hi) = (-10.0_f64, 10.0_f64);
    for _ in 0..80 {
        let mid = (lo + hi) / 2.0;
        if model::norm_cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// One person's part in a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonMove {
    /// Their index in the list given to [`assign`].
    pub index: usize,
    pub from: usize,
    pub to: usize,
    pub plan_to_vote: bool,
}

/// Which people make a path's moves. `levels[i]` is person i's level (after the
/// scenario), `rank[i]` their priority (lowest first: the weakest areas, say). Within a
/// level the people ranked first are moved first; the path's plans to vote go to the
/// people ending at each level in rank order.
pub fn assign(path: &Path, levels: &[usize], rank: &[i64]) -> Vec<PersonMove> {
    let mut order: Vec<usize> = (0..levels.len()).collect();
    order.sort_by_key(|&i| (levels[i], rank[i], i));
    // End slots, best level first; the unrated stay where they are.
    let mut slots = Vec::new();
    for l in 0..LEVELS {
        let n = path.end[l][0] + path.end[l][1];
        slots.extend(std::iter::repeat_n(l, n.max(0) as usize));
    }
    let mut plans: Vec<i64> = path.end.iter().map(|r| r[1]).collect();
    let mut out = Vec::new();
    let mut by_end: Vec<Vec<(usize, usize)>> = vec![Vec::new(); LEVELS];
    for (&i, &to) in order.iter().zip(&slots) {
        by_end[to].push((i, levels[i]));
    }
    for (to, people) in by_end.iter().enumerate() {
        for &(i, from) in people {
            let plan = plans[to] > 0;
            if plan {
                plans[to] -= 1;
            }
            if from != to || plan {
                out.push(PersonMove {
                    index: i,
                    from,
                    to,
                    plan_to_vote: plan,
                });
            }
        }
    }
    out.sort_by_key(|m| (rank[m.index], m.index));
    out
}

/// The moves a path of *protected* counts hands to people (`domain::disclosure`): it says
/// how many leave each level, not who, and its counts are not the people's, so nobody is
/// matched to a slot. Everyone at a level the path moves people from is a step up from it
/// (the unrated stay), and everyone at a level it gives plans to vote is offered one.
/// `levels[i]` is person i's level; the reader's page names only their own.
pub fn offered(path: &Path, levels: &[usize]) -> Vec<PersonMove> {
    let total = |s: &State, l: usize| s[l][0] + s[l][1];
    levels
        .iter()
        .enumerate()
        .filter_map(|(index, &from)| {
            let leaves =
                from != UNRATED && from > 0 && total(&path.end, from) < total(&path.start, from);
            let to = if leaves { from - 1 } else { from };
            let plan_to_vote = path.end[to][1] > 0;
            (leaves || plan_to_vote).then_some(PersonMove {
                index,
                from,
                to,
                plan_to_vote,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::VoteBase;
    use std::collections::{HashSet, VecDeque};

    /// Any rule, for tests where which one does not matter: yes from 60 % of the unit,
    /// 70 % turnout.
    const UNIT_RULE: VoteRule = VoteRule {
        base: VoteBase::Unit,
        yes_percent: 60,
        turnout_percent: 70,
    };

    /// A search from `start`, its people counted.
    fn search_from<'a>(
        rule: &'a VoteRule,
        rates: &'a Rates,
        goal: &'a Goal,
        start: State,
    ) -> Search<'a> {
        Search {
            rule,
            rates,
            goal,
            start,
            people: start.iter().flatten().sum(),
        }
    }

    fn cells(levels: &[i64; LEVELS]) -> Vec<Cell> {
        levels
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(level, &people)| Cell {
                area_id: None,
                shift_id: None,
                level,
                people,
            })
            .collect()
    }

    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    type Check<'a> = dyn Fn(&[(usize, usize)]) -> bool + 'a;

    /// The true fewest moves, person by person: every end level and plan for everyone.
    fn person_by_person(
        rule: &VoteRule,
        rates: &Rates,
        goal: &Goal,
        people: &[usize],
    ) -> Option<i64> {
        fn walk(
            i: usize,
            people: &[usize],
            chosen: &mut Vec<(usize, usize)>,
            best: &mut Option<i64>,
            check: &Check,
        ) {
            if i == people.len() {
                let cost: i64 = chosen
                    .iter()
                    .zip(people)
                    .map(|(&(end, w), &from)| (from - end) as i64 + w as i64)
                    .sum();
                if best.is_none_or(|b| cost < b) && check(chosen) {
                    *best = Some(cost);
                }
                return;
            }
            let ends = if people[i] == UNRATED {
                UNRATED..=UNRATED
            } else {
                0..=people[i]
            };
            for end in ends {
                for w in 0..2 {
                    chosen.push((end, w));
                    walk(i + 1, people, chosen, best, check);
                    chosen.pop();
                }
            }
        }
        let check = |chosen: &[(usize, usize)]| {
            let chances: Vec<Chance> = chosen
                .iter()
                .map(|&(l, w)| chance(rates, goal, l, w))
                .collect();
            model::predict_exact(rule, &chances).pass >= goal.target
        };
        let mut best = None;
        walk(0, people, &mut Vec::new(), &mut best, &check);
        best
    }

    /// The fewest moves by breadth-first search over end states.
    fn by_end_states(
        rule: &VoteRule,
        rates: &Rates,
        goal: &Goal,
        levels: &[i64; LEVELS],
    ) -> Option<i64> {
        let mut start: State = [[0; 2]; LEVELS];
        for (l, &n) in levels.iter().enumerate() {
            start[l][0] = n;
        }
        let search = Search {
            rule,
            rates,
            goal,
            start,
            people: levels.iter().sum(),
        };
        let mut seen = HashSet::from([start]);
        let mut queue = VecDeque::from([(start, 0)]);
        while let Some((s, d)) = queue.pop_front() {
            if search.prob(&s) >= goal.target {
                return Some(d);
            }
            for op in ADD {
                if let Some(t) = search.apply(&s, op, 1) {
                    if seen.insert(t) {
                        queue.push_back((t, d + 1));
                    }
                }
            }
        }
        None
    }

    fn random_case(g: &mut Lcg, case: usize, people: u64) -> ([i64; LEVELS], VoteRule, Goal) {
        let mut levels = [0; LEVELS];
        for _ in 0..people {
            levels[g.next(LEVELS as u64) as usize] += 1;
        }
        let rule = VoteRule {
            base: if case.is_multiple_of(2) {
                VoteBase::Cast
            } else {
                VoteBase::Unit
            },
            yes_percent: [50, 60, 67, 75][g.next(4) as usize],
            turnout_percent: [0, 50, 70][g.next(3) as usize],
        };
        let goal = Goal {
            target: [0.5, 0.8, 0.9][g.next(3) as usize],
            planned_turnout: 98,
        };
        (levels, rule, goal)
    }

    #[test]
    fn the_path_is_as_short_as_trying_every_move_for_everyone() {
        let mut g = Lcg(5);
        let rates = Rates::default();
        let mut reached = 0;
        for case in 0..150 {
            let n = 2 + g.next(4);
            let (levels, rule, goal) = random_case(&mut g, case, n);
            let people: Vec<usize> = (0..LEVELS)
                .flat_map(|l| std::iter::repeat_n(l, levels[l] as usize))
                .collect();
            let want = person_by_person(&rule, &rates, &goal, &people);
            let got = path(&rule, &rates, &goal, &cells(&levels));
            assert_eq!(
                got.reached,
                want.is_some(),
                "case {case} {levels:?} {rule:?} {goal:?}"
            );
            if let Some(n) = want {
                assert_eq!(got.moves(), n, "case {case} {levels:?} {rule:?} {goal:?}");
                assert!(got.after >= goal.target);
                reached += (n > 0) as usize;
            }
        }
        assert!(reached > 40, "{reached}");
    }

    /// Every size the exhaustive search covers, 6 to 16 people (person by person is
    /// too slow above 5): within its budget of end states its path is as short as a
    /// breadth-first search over end states finds; past the budget (a path of a dozen
    /// moves or more) the heuristic answers, at most one move over.
    #[test]
    fn the_path_is_the_fewest_moves_for_every_size_searched_exhaustively() {
        let mut g = Lcg(23);
        let rates = Rates::default();
        let (mut exact, mut over_budget) = (0, 0);
        for n in 6..=EXHAUSTIVE_MAX as u64 {
            for case in 0..2 {
                let (levels, rule, goal) = random_case(&mut g, case, n);
                let want = by_end_states(&rule, &rates, &goal, &levels);
                let got = path(&rule, &rates, &goal, &cells(&levels));
                let case = format!("{n}: {levels:?} {rule:?} {goal:?}");
                assert_eq!(got.reached, want.is_some(), "{case}");
                let Some(want) = want else { continue };
                let mut start: State = [[0; 2]; LEVELS];
                for (l, &k) in levels.iter().enumerate() {
                    start[l][0] = k;
                }
                let search = search_from(&rule, &rates, &goal, start);
                if search.exhaustive(EXHAUSTIVE_STATES).is_some() {
                    assert_eq!(got.moves(), want, "{case}");
                    exact += (want > 0) as usize;
                } else {
                    assert!(want >= 10, "only long paths exceed the budget: {case}");
                    assert!((want..=want + 1).contains(&got.moves()), "{case}");
                    over_budget += 1;
                }
            }
        }
        assert!(
            exact > 8 && over_budget < exact,
            "{exact} exact, {over_budget} over"
        );
    }

    /// For units too large to search exhaustively the heuristic is used; on units small
    /// enough to check (6 to 8 people, exact chances) it finds the fewest moves in at
    /// least 95 cases of 100, and is
    /// never more than one move over.
    #[test]
    fn the_heuristic_is_at_most_one_move_over_and_mostly_exact() {
        let mut g = Lcg(11);
        let rates = Rates::default();
        let (mut exact, mut total) = (0, 0);
        for case in 0..120 {
            let n = 6 + g.next(3);
            let (levels, rule, goal) = random_case(&mut g, case, n);
            let Some(want) = by_end_states(&rule, &rates, &goal, &levels) else {
                continue;
            };
            let mut start: State = [[0; 2]; LEVELS];
            for (l, &n) in levels.iter().enumerate() {
                start[l][0] = n;
            }
            let search = search_from(&rule, &rates, &goal, start);
            let (end, p) = search.heuristic(search.prob(&start));
            assert!(p >= goal.target, "case {case}");
            let (a, b) = search.cost(&end);
            let got = a + b;
            assert!(
                got >= want && got <= want + 1,
                "case {case} {levels:?} {rule:?} {goal:?}: {got} vs {want}"
            );
            exact += (got == want) as usize;
            total += 1;
            // A unit this small is searched exhaustively: the path is the fewest moves
            // even where the heuristic is one over.
            assert_eq!(
                path(&rule, &rates, &goal, &cells(&levels)).moves(),
                want,
                "case {case}"
            );
        }
        assert!(
            total >= 60 && exact * 100 >= total * 95 && exact < total,
            "{exact} of {total} (some over: the exhaustive search is told from the heuristic)"
        );
    }

    #[test]
    fn a_large_unit_reaches_the_target_with_few_wasted_moves() {
        // 100,000 people, mostly undecided: far short of 75% of the unit.
        let levels = [5_000, 25_000, 40_000, 20_000, 5_000, 5_000];
        let rule = UNIT_RULE;
        let rates = Rates::default();
        let goal = Goal::default();
        let p = path(&rule, &rates, &goal, &cells(&levels));
        assert!(p.before < 0.01 && p.reached, "{p:?}");
        assert!(p.after >= 0.9 && p.after < 0.99, "{p:?}");
        // One move fewer does not reach it: no move can be taken back.
        let search = search_from(&rule, &rates, &goal, p.start);
        for op in REMOVE {
            if let Some(t) = search.apply(&p.end, op, 1) {
                assert!(search.prob(&t) < 0.9, "{op:?} could be taken back");
            }
        }
    }

    /// An end state is possible when the start reaches it by moves towards 1 and plans
    /// (for the rated and the unrated alike), with nobody made up, lost or moved back.
    #[test]
    fn a_state_is_possible_only_when_the_start_reaches_it() {
        let rule = UNIT_RULE;
        let (rates, goal) = (Rates::default(), Goal::default());
        let start: State = [[0, 0], [0, 0], [2, 0], [3, 0], [1, 0], [2, 0]];
        let search = search_from(&rule, &rates, &goal, start);
        assert!(search.possible(&start));
        // Two 3s made 1s, a 4 a 2, plans at four levels and for one of the unrated.
        assert!(search.possible(&[[1, 1], [0, 1], [0, 0], [1, 1], [1, 0], [1, 1]]));
        for (t, why) in [
            (
                [[0, 0], [0, 0], [1, 0], [4, 0], [1, 0], [2, 0]],
                "a 3 moved back to 4",
            ),
            (
                [[1, 0], [0, 0], [2, 0], [3, 0], [1, 0], [2, 0]],
                "a rated person made up",
            ),
            (
                [[0, 0], [0, 0], [2, 0], [3, 0], [1, 0], [1, 0]],
                "an unrated person lost",
            ),
            (
                [[0, 0], [0, 0], [2, 0], [3, 0], [1, 0], [3, 0]],
                "an unrated person made up",
            ),
            (
                [[-1, 1], [0, 0], [2, 0], [3, 0], [1, 0], [2, 0]],
                "a count below zero",
            ),
        ] {
            assert!(!search.possible(&t), "{why}");
        }
        // A start where some already have a plan: they count at their level like anyone.
        let planned: State = [[0, 0], [0, 0], [1, 1], [2, 1], [1, 0], [1, 1]];
        let search = Search {
            start: planned,
            ..search
        };
        assert!(search.possible(&planned));
        let end = [[1, 1], [0, 1], [0, 1], [1, 1], [0, 0], [0, 2]];
        assert!(search.possible(&end));
        // Its cost counts only what changed: levels 17 → 9, plans 3 → 6.
        assert_eq!(search.cost(&planned), (0, 0));
        assert_eq!(search.cost(&end), (8, 3));
    }

    /// A search of `people` random people (levels 1–5 and unrated, none planned), its
    /// start; `g` picks them.
    fn random_start(g: &mut Lcg, people: u64) -> State {
        let mut start: State = [[0; 2]; LEVELS];
        for _ in 0..people {
            start[g.next(LEVELS as u64) as usize][0] += 1;
        }
        start
    }

    /// The best swap is the one, of every move taken back and another made, that raises
    /// the chance most; none when none raises it (a chance already certain, say).
    #[test]
    fn the_best_swap_raises_the_chance_most_or_is_none() {
        let rates = Rates::default();
        let mut g = Lcg(31);
        let (mut some, mut none) = (0, 0);
        for case in 0..40 {
            let (_, rule, _) = random_case(&mut g, case, 0);
            let goal = Goal {
                target: 0.9,
                planned_turnout: [50, 98][case % 2],
            };
            let n = 20 + g.next(20);
            let start = random_start(&mut g, n);
            let search = search_from(&rule, &rates, &goal, start);
            // Some moves made, at random.
            let mut s = start;
            for _ in 0..g.next(12) {
                let op = ADD[g.next(ADD.len() as u64) as usize];
                s = search.apply(&s, op, 1 + g.next(3) as i64).unwrap_or(s);
            }
            if case % 5 == 0 {
                // Everyone rated a 1, half of everyone with a plan: nothing to gain, and
                // where a plan changes nobody's turnout (50 %) a plan moved from a 1 to
                // someone unrated changes nothing either (no swap for nothing).
                let (rated, unrated): (i64, i64) =
                    ((0..UNRATED).map(|l| start[l][0]).sum(), start[UNRATED][0]);
                s = [[0; 2]; LEVELS];
                s[0] = [rated / 2, rated - rated / 2];
                s[UNRATED] = [unrated / 2, unrated - unrated / 2];
            }
            let p = search.prob(&s);
            let by_hand = REMOVE
                .into_iter()
                .filter_map(|r| search.apply(&s, r, 1))
                .flat_map(|t| {
                    ADD.into_iter()
                        .filter_map(|a| search.apply(&t, a, 1))
                        .collect::<Vec<_>>()
                })
                .filter(|u| *u != s)
                .map(|u| search.prob(&u))
                .fold(f64::NEG_INFINITY, f64::max);
            match search.best_swap(&s, p) {
                Some((u, q)) => {
                    assert!(u != s && q > p + 1e-9, "case {case}: {q} from {p}");
                    assert_eq!(q, search.prob(&u), "case {case}");
                    assert_eq!(q, by_hand, "case {case}: the best of them");
                    some += 1;
                }
                None => {
                    assert!(by_hand <= p + 1e-9, "case {case}: {by_hand} > {p}");
                    none += 1;
                }
            }
        }
        assert!(some >= 5 && none >= 5, "{some} swaps, {none} none");
    }

    /// The exhaustive search gives up past its budget of end states, and not before:
    /// one person at level 3 has 8 end states (4 levels, with a plan or not).
    #[test]
    fn the_exhaustive_search_stops_past_its_budget_and_not_before() {
        let rule = UNIT_RULE;
        let rates = Rates::default();
        // Out of reach: every end state is looked at.
        let goal = Goal {
            target: 1.5,
            planned_turnout: 98,
        };
        let mut start: State = [[0; 2]; LEVELS];
        start[3][0] = 1;
        let search = search_from(&rule, &rates, &goal, start);
        let (end, p) = search
            .exhaustive(8)
            .expect("8 end states: within a budget of 8");
        assert_eq!(
            end,
            [[0, 1], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]],
            "the likeliest"
        );
        assert_eq!(p, search.prob(&end));
        for budget in [0, 3, 7] {
            assert_eq!(search.exhaustive(budget), None, "budget {budget}");
        }
    }

    /// The heuristic climbs twice (every kind of move; conversations only) and keeps the
    /// shorter of the two that reach the goal (the likelier when as short), or the
    /// likelier when neither does.
    #[test]
    fn the_heuristic_keeps_the_shorter_of_its_two_climbs() {
        let rates = Rates::default();
        let mut g = Lcg(41);
        let (mut differ, mut short) = (0, 0);
        for case in 0..40 {
            let (_, rule, mut goal) = random_case(&mut g, case, 0);
            goal.planned_turnout = [98, 80, 65][case % 3];
            if case % 6 == 0 {
                goal.target = 0.999_999_999; // out of reach for most units
            }
            let n = [20 + g.next(30), 130 + g.next(300)][case % 2];
            let start = random_start(&mut g, n);
            let search = search_from(&rule, &rates, &goal, start);
            let before = search.prob(&start);
            let cost = |s: &State| {
                let (a, b) = search.cost(s);
                a + b
            };
            let tries: Vec<(State, f64)> = climbs()
                .iter()
                .map(|ops| {
                    let (mut s, mut p) = search.climb(before, ops);
                    if p >= goal.target {
                        search.polish(&mut s, &mut p);
                    }
                    (s, p)
                })
                .collect();
            let (end, p) = search.heuristic(before);
            let reached: Vec<&(State, f64)> =
                tries.iter().filter(|(_, q)| *q >= goal.target).collect();
            let want = if reached.is_empty() {
                short += 1;
                tries.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap()
            } else {
                reached
                    .iter()
                    .min_by(|a, b| (cost(&a.0), -a.1).partial_cmp(&(cost(&b.0), -b.1)).unwrap())
                    .unwrap()
            };
            assert_eq!((end, p), *want, "case {case}: {tries:?}");
            differ += (tries[0].0 != tries[1].0) as usize;
        }
        assert!(differ >= 5 && short >= 2, "{differ} differ, {short} short");
    }

    /// Of two end states: one that reaches the goal beats one that does not; of two that
    /// do, the fewer moves (conversations and plans alike), then the likelier; of two that
    /// do not, the likelier; a tie is not better (the first found stays).
    #[test]
    fn a_better_path_reaches_then_is_shorter_then_likelier() {
        let rule = UNIT_RULE;
        let (rates, goal) = (Rates::default(), Goal::default());
        let start: State = [[0, 0], [0, 0], [0, 0], [6, 0], [0, 0], [0, 0]];
        let search = search_from(&rule, &rates, &goal, start);
        // Three conversations; two and a plan; one and three plans; two conversations.
        let three: State = [[0, 0], [0, 0], [3, 0], [3, 0], [0, 0], [0, 0]];
        let three_planned: State = [[0, 0], [0, 0], [2, 0], [3, 1], [0, 0], [0, 0]];
        let four: State = [[0, 0], [0, 0], [1, 0], [2, 3], [0, 0], [0, 0]];
        let two: State = [[0, 0], [0, 0], [2, 0], [4, 0], [0, 0], [0, 0]];
        assert_eq!(
            [&three, &three_planned, &four, &two].map(|s| search.cost(s)),
            [(3, 0), (2, 1), (1, 3), (2, 0)]
        );
        let better = |a: &State, p: f64, b: &State, q: f64| search.better((a, p), (b, q));
        // Reached beats short, whatever the moves.
        assert!(better(&four, 0.9, &two, 0.89));
        assert!(!better(&two, 0.89, &four, 0.9));
        // Both reach: the fewer moves (conversations and plans alike), even when less
        // likely; as many: the likelier; a tie is not better.
        assert!(better(&three, 0.91, &four, 0.99));
        assert!(!better(&four, 0.99, &three, 0.91));
        assert!(better(&two, 0.9, &three, 0.95));
        assert!(better(&three_planned, 0.95, &three, 0.92));
        assert!(!better(&three_planned, 0.92, &three, 0.95));
        assert!(!better(&three_planned, 0.95, &three, 0.95));
        // Neither reaches: the likelier; a tie is not better.
        assert!(better(&four, 0.5, &two, 0.4));
        assert!(!better(&two, 0.4, &four, 0.5));
        assert!(!better(&two, 0.5, &four, 0.5));
    }

    /// The climb makes, at each step, the move that raises the chance most for what it
    /// costs (a jump of two levels is two moves): with a target one good move away, that
    /// one move is all it makes.
    #[test]
    fn the_climb_makes_the_move_that_raises_the_chance_most_per_move() {
        let rates = Rates::default();
        let mut g = Lcg(43);
        let mut jumped = 0;
        for case in 0..40 {
            let (_, rule, _) = random_case(&mut g, case, 0);
            let n = 6 + g.next(6);
            let start = random_start(&mut g, n);
            let probe = Goal::default();
            let search = search_from(&rule, &rates, &probe, start);
            let before = search.prob(&start);
            let ops = &climbs()[case % 2];
            let gain = |op: Op| {
                let t = search.apply(&start, op, 1)?;
                let cost = match op {
                    Op::Jump(_, _, j) => j as f64,
                    _ => 1.0,
                };
                Some((t, (search.prob(&t) - before) / cost))
            };
            let Some((best, per_move)) = ops
                .iter()
                .filter_map(|&op| gain(op))
                .max_by(|a, b| a.1.total_cmp(&b.1))
            else {
                continue;
            };
            if per_move <= 1e-6 {
                continue; // too small to compare: the margin decides (not this test)
            }
            // The target: just reached by the best move, by no other single move.
            let goal = Goal {
                target: search.prob(&best),
                ..probe
            };
            let search = Search {
                goal: &goal,
                ..search
            };
            let (end, p) = search.climb(before, ops);
            assert_eq!(end, best, "case {case}");
            assert_eq!(p, search.prob(&best));
            jumped += (cost_levels(&start, &end) > 1) as usize;
        }
        assert!(
            jumped >= 1,
            "a jump of several levels was the best move at least once"
        );
    }

    /// The steepest move gains the most chance per move; while no move's gain in chance
    /// is big enough to compare (a unit far from passing), the most margin per move.
    #[test]
    fn the_steepest_move_gains_most_per_move_in_chance_else_in_margin() {
        let rates = Rates::default();
        let mut g = Lcg(47);
        let (mut by_chance, mut by_margin, mut jumps) = (0, 0, 0);
        for case in 0..60 {
            let (_, mut rule, goal) = random_case(&mut g, case, 0);
            if case % 3 == 0 {
                // Far out of reach: no single move changes the chance to compare.
                rule.yes_percent = 90;
                rule.turnout_percent = 90;
            }
            let n = [8 + g.next(8), 150 + g.next(200)][case % 2];
            let start = random_start(&mut g, n);
            let search = search_from(&rule, &rates, &goal, start);
            let (p, m0) = (search.prob(&start), search.margin(&start));
            let ops = &climbs()[(case / 2) % 2];
            let gains: Vec<(Op, f64, f64)> = ops
                .iter()
                .filter_map(|&op| {
                    let t = search.apply(&start, op, 1)?;
                    let cost = match op {
                        Op::Jump(_, _, j) => j as f64,
                        _ => 1.0,
                    };
                    Some((
                        op,
                        (search.prob(&t) - p) / cost,
                        (search.margin(&t) - m0) / cost,
                    ))
                })
                .collect();
            let Some((op, dp, dm)) = search.steepest(&start, p, m0, ops) else {
                assert!(gains.is_empty(), "case {case}");
                continue;
            };
            assert!(gains.contains(&(op, dp, dm)), "case {case}: {op:?}");
            let top = |f: fn(&(Op, f64, f64)) -> f64| gains.iter().map(f).fold(f64::MIN, f64::max);
            if top(|g| g.1) > 1e-9 {
                assert_eq!(dp, top(|g| g.1), "case {case}: the most chance");
                by_chance += 1;
            } else {
                assert_eq!(dm, top(|g| g.2), "case {case}: the most margin");
                by_margin += 1;
            }
            jumps += matches!(op, Op::Jump(_, _, j) if j > 1) as usize;
        }
        assert!(
            by_chance >= 10 && by_margin >= 10 && jumps >= 1,
            "{by_chance} by chance, {by_margin} by margin, {jumps} jumps"
        );
    }

    /// Far from the target, a large unit moves in batches of half the moves the margin
    /// says are still needed; near it, past it, with a move adding no margin, or in a unit
    /// small enough for exact chances, one at a time.
    #[test]
    fn far_from_the_target_a_large_unit_moves_in_batches() {
        let rule = UNIT_RULE;
        let (rates, goal) = (Rates::default(), Goal::default());
        let of = |people: i64| Search {
            rule: &rule,
            rates: &rates,
            goal: &goal,
            start: [[0; 2]; LEVELS],
            people,
        };
        let (large, small) = (of(500), of(model::EXACT_MAX as i64));
        // 40 undecided, 12 opposed with a plan, 8 unrated.
        let mut s: State = [[0; 2]; LEVELS];
        s[2][0] = 40;
        s[3][1] = 12;
        s[UNRATED][0] = 8;
        let (up, plan) = (Op::Up(2, 0), Op::Plan(2));
        // (2.0 − (−1.0)) / 0.1 = 30 moves still needed: 15 at once.
        assert_eq!(large.batch(&s, up, 0.1, -1.0, 2.0), 15);
        assert_eq!(large.batch(&s, plan, 0.1, -1.0, 2.0), 15);
        assert_eq!(large.batch(&s, up, 0.5, 1.0, 2.0), 1, "two needed");
        assert_eq!(large.batch(&s, up, 0.1, 2.5, 2.0), 1, "past the target");
        assert_eq!(large.batch(&s, up, 0.0, -1.0, 2.0), 1, "adds no margin");
        assert_eq!(small.batch(&s, up, 0.1, -1.0, 2.0), 1, "exact chances");
        assert_eq!(small.batch(&s, up, 0.0, -1.0, 2.0), 1);
        // No more than there are people to make the move: 12 planned 4s, 8 unrated.
        assert_eq!(large.batch(&s, Op::Jump(3, 1, 2), 0.01, -1.0, 2.0), 12);
        assert_eq!(large.batch(&s, Op::Plan(UNRATED), 0.01, -1.0, 2.0), 8);
        assert_eq!(large.batch(&s, Op::Up(2, 1), 0.01, -1.0, 2.0), 1, "nobody");
    }

    /// The margin the target asks for: Φ⁻¹ of it.
    #[test]
    fn the_inverse_of_the_normal_distribution() {
        for (p, z) in [
            (0.5, 0.0),
            (0.9, 1.281_551_565_5),
            (0.025, -1.959_963_985),
            (0.999, 3.090_232_306),
        ] {
            assert!(
                (inverse_norm(p) - z).abs() < 1e-8,
                "{p}: {}",
                inverse_norm(p)
            );
        }
    }

    /// The levels a state moved people from `start` (the sum of the levels gained).
    fn cost_levels(start: &State, end: &State) -> i64 {
        let level =
            |s: &State| -> i64 { (0..UNRATED).map(|l| l as i64 * (s[l][0] + s[l][1])).sum() };
        level(start) - level(end)
    }

    /// Trimming takes back every move the goal can do without, however many of one kind
    /// that is (not only a power of two of them): afterwards no single move can go.
    #[test]
    fn trimming_leaves_no_move_the_goal_can_do_without() {
        let rule = UNIT_RULE;
        let rates = Rates::default();
        let mut lcg = Lcg(11);
        for case in 0..8 {
            let goal = Goal {
                target: [0.6, 0.75, 0.9][case % 3],
                planned_turnout: 95,
            };
            let start: State = std::array::from_fn(|_| [20 + lcg.next(60) as i64, 0]);
            let search = search_from(&rule, &rates, &goal, start);
            // Far past the goal: every rated person a 1 with a plan, the unrated planned.
            let mut s: State = [[0, 0]; LEVELS];
            s[0][1] = (0..UNRATED).map(|l| start[l][0]).sum();
            s[UNRATED][1] = start[UNRATED][0];
            let mut p = search.prob(&s);
            search.trim(&mut s, &mut p);
            assert!(
                p >= goal.target && search.possible(&s),
                "case {case}: {s:?}"
            );
            assert_eq!(p, search.prob(&s), "case {case}: the chance is the state's");
            for op in REMOVE {
                if let Some(t) = search.apply(&s, op, 1) {
                    assert!(
                        search.prob(&t) < goal.target,
                        "case {case}: {op:?} could still be taken back from {s:?}"
                    );
                }
            }
        }
    }

    /// A plan to vote lifts a person's turnout to the planned one (never lowers it); no
    /// plan leaves their level's; the yes share is their level's either way.
    #[test]
    fn a_plan_to_vote_sets_the_turnout_only_for_the_planned() {
        let rates = Rates {
            turnout: [98, 90, 60, 40, 20, 50],
            yes: [99, 95, 50, 20, 5, 45],
        };
        let goal = Goal {
            target: 0.9,
            planned_turnout: 85,
        };
        let of = |level, w| {
            let c = chance(&rates, &goal, level, w);
            ((c.votes * 100.0).round(), (c.yes / c.votes * 100.0).round())
        };
        assert_eq!(of(3, 0), (40.0, 20.0));
        assert_eq!(of(3, 1), (85.0, 20.0));
        assert_eq!(of(0, 0), (98.0, 99.0));
        assert_eq!(of(0, 1), (98.0, 99.0), "never lowered");
        assert_eq!(of(UNRATED, 1), (85.0, 45.0));
    }

    /// Each of `REMOVE`'s moves takes back `ADD`'s at the same place, and nothing else.
    #[test]
    fn each_removal_takes_back_its_move() {
        let rule = UNIT_RULE;
        let (rates, goal) = (Rates::default(), Goal::default());
        // Two people at every level, none with a plan: every move can be made once.
        let start: State = [[2, 0]; LEVELS];
        let search = search_from(&rule, &rates, &goal, start);
        // Then everyone's first moves made, so each can be taken back.
        let mut moved = start;
        for op in ADD {
            moved = search.apply(&moved, op, 1).unwrap_or(moved);
        }
        for (add, remove) in ADD.into_iter().zip(REMOVE) {
            let Some(there) = search.apply(&moved, add, 1) else {
                continue;
            };
            assert_eq!(
                search.apply(&there, remove, 1),
                Some(moved),
                "{add:?} then {remove:?}"
            );
        }
        assert!(
            ADD.into_iter()
                .zip(REMOVE)
                .all(|(add, remove)| search.apply(&moved, add, 1).is_some()
                    || search.apply(&moved, remove, 1).is_some()),
            "every pair is exercised"
        );
    }

    /// A protected path's counts are offered to everyone they could be about: each
    /// person at a level it moves people from, a step up; each at a level (after that
    /// step) it gives plans to vote at, a plan. Nobody else, and never the unrated or a
    /// 1 up a level.
    #[test]
    fn a_protected_path_is_offered_to_everyone_it_could_be_about() {
        let of = |start: State, end: State| Path {
            before: 0.2,
            after: 0.9,
            reached: true,
            level_moves: 0,
            turnout_moves: 0,
            start,
            end,
        };
        let mv = |index, from, to, plan_to_vote| PersonMove {
            index,
            from,
            to,
            plan_to_vote,
        };
        // A 2 becomes a 1 (1s get no plan); a 3's level gets a plan, the unrated one.
        let start: State = [[1, 0], [0, 0], [3, 0], [2, 0], [0, 0], [1, 0]];
        let path = of(start, [[1, 0], [1, 0], [2, 0], [1, 1], [0, 0], [0, 1]]);
        let levels = [2, 3, UNRATED, 0, 2, 4];
        assert_eq!(
            offered(&path, &levels),
            [
                mv(0, 2, 1, false),
                mv(1, 3, 3, true),
                mv(2, UNRATED, UNRATED, true),
                mv(4, 2, 1, false),
            ]
        );
        // With plans for those who become 1s, a step up comes with a plan.
        let path = of(start, [[1, 0], [0, 1], [2, 0], [2, 0], [0, 0], [1, 0]]);
        assert_eq!(offered(&path, &[2, 3, 0]), [mv(0, 2, 1, true)]);
        // Counts that say fewer 1s (no path says so) still move nobody up from 1.
        let path = of(start, [[0, 0], [2, 0], [2, 0], [2, 0], [0, 0], [1, 0]]);
        assert_eq!(offered(&path, &[0, 2]), [mv(1, 2, 1, false)]);
        // Nothing moved, nothing planned: nothing offered.
        assert_eq!(offered(&of(start, start), &levels), []);
    }

    #[test]
    fn people_are_assigned_in_rank_order_and_only_upwards() {
        // A 3, three 4s and someone unrated; the path: three level moves and one plan.
        let levels = [2, 3, 3, 3, 5];
        let path = Path {
            before: 0.0,
            after: 1.0,
            reached: true,
            level_moves: 3,
            turnout_moves: 1,
            start: [[0, 0], [0, 0], [1, 0], [3, 0], [0, 0], [1, 0]],
            end: [[0, 0], [1, 0], [1, 1], [1, 0], [0, 0], [1, 0]],
        };
        let rank = [5, 4, 3, 2, 0];
        let moves = assign(&path, &levels, &rank);
        let m = |index, from, to, plan_to_vote| PersonMove {
            index,
            from,
            to,
            plan_to_vote,
        };
        // The best-ranked 4s move first; the 3 takes the 2 slot; the plan goes to the
        // best-ranked person ending at 3 · undecided.
        assert_eq!(
            moves,
            vec![m(3, 3, 2, true), m(2, 3, 2, false), m(0, 2, 1, false)]
        );
    }
}

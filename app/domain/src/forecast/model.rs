//! The forecast of one vote from per-person chances.
//!
//! Each person has three outcomes: votes yes (`yes`), votes but not yes (`no`; an
//! abstention is counted here as a no, which can only make a "share of the votes cast"
//! forecast more cautious), or does not vote. The vote passes when the voters reach the
//! turnout and the yes votes reach the rule's share of the base — the votes cast or the
//! whole scope — exactly as [`crate::structure::Outcome`] counts a real vote.
//!
//! "Of the votes cast" makes the yes share a ratio of two dependent sums (the same
//! person's yes is also a vote), so the forecast tracks the pair (voters, yes votes)
//! jointly, never as two independent counts:
//!
//! - **Exact** (up to [`EXACT_MAX`] people): the joint distribution of (voters, yes) by
//!   dynamic programming, one person at a time, O(n³/6). The yes count alone is a
//!   Poisson-binomial; the power-sum recursion for it is never used (it is unstable
//!   above about twenty people).
//! - **Normal** (above): the pair is a sum of independent bounded vectors, so it is
//!   close to a bivariate normal with the exact means and covariance. The rule becomes
//!   two linear conditions on the pair, each with a continuity correction of half its
//!   lattice step, and the probability of both is one integral of a normal density
//!   times a normal distribution function (Simpson's rule, 200 panels). The unit tests
//!   hold the two within [`NORMAL_TOLERANCE`] of each other from 60 people up.

use serde::{Deserialize, Serialize};

use crate::structure::{VoteBase, VoteRule};

/// The largest group forecast exactly.
pub const EXACT_MAX: usize = 120;

/// How far the normal approximation may be from the exact figure, in probability, for
/// 60 people or more (checked by the unit tests, on passing chances and on shares).
pub const NORMAL_TOLERANCE: f64 = 0.03;

/// One person's chances: of voting yes, and of voting at all (`yes <= votes <= 1`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Chance {
    pub yes: f64,
    pub votes: f64,
}

impl Chance {
    /// From a turnout and a yes-when-voting probability.
    pub fn new(turnout: f64, yes_when_voting: f64) -> Self {
        let votes = turnout.clamp(0.0, 1.0);
        Chance {
            yes: votes * yes_when_voting.clamp(0.0, 1.0),
            votes,
        }
    }
}

/// What a forecast says of one group of people.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub people: i64,
    /// The chance the vote passes its rule (this group voting alone).
    pub pass: f64,
    /// The expected yes share of the rule's base (votes cast, or the scope).
    pub yes_share: f64,
    /// An 80% interval for that share (its 10th and 90th percentiles).
    pub share_low: f64,
    pub share_high: f64,
    /// The expected turnout, as a share of the people.
    pub turnout: f64,
    /// The yes votes the rule needs when everyone expected votes (None: no one).
    pub expected_yes: f64,
    pub expected_voters: f64,
    /// True when computed exactly, false when by the normal approximation.
    pub exact: bool,
}

/// The smallest `n` with `n * 100 >= percent * whole` (as the tally counts).
fn needed(percent: i64, whole: i64) -> i64 {
    (percent * whole + 99) / 100
}

/// True when `voters` voters of whom `yes` voted yes pass `rule` in a scope of `people`.
pub fn passes(rule: &VoteRule, people: i64, voters: i64, yes: i64) -> bool {
    if people == 0 || voters < needed(rule.turnout_percent, people) {
        return false;
    }
    match rule.base {
        VoteBase::Unit => yes >= needed(rule.yes_percent, people),
        VoteBase::Cast => voters > 0 && 100 * yes >= rule.yes_percent * voters,
    }
}

/// The forecast for `chances`, exact when small enough.
pub fn predict(rule: &VoteRule, chances: &[Chance]) -> Prediction {
    if chances.len() <= EXACT_MAX {
        predict_exact(rule, chances)
    } else {
        predict_normal(rule, &Moments::of(chances))
    }
}

/// The joint distribution of (voters, yes): `p[v * (v + 1) / 2 + y]`, `y <= v <= n`.
pub fn joint(chances: &[Chance]) -> Vec<f64> {
    let n = chances.len();
    let mut p = vec![0.0; (n + 1) * (n + 2) / 2];
    p[0] = 1.0;
    for (i, c) in chances.iter().enumerate() {
        let (py, pn, pa) = (c.yes, (c.votes - c.yes).max(0.0), (1.0 - c.votes).max(0.0));
        // From the top down, so each cell reads only the previous person's values.
        for v in (0..=i + 1).rev() {
            let row = v * (v + 1) / 2;
            for y in (0..=v).rev() {
                let stay = if v <= i { p[row + y] * pa } else { 0.0 };
                let mut from_vote = 0.0;
                if v >= 1 {
                    let prev = (v - 1) * v / 2;
                    if y < v {
                        from_vote += p[prev + y] * pn;
                    }
                    if y >= 1 {
                        from_vote += p[prev + y - 1] * py;
                    }
                }
                p[row + y] = stay + from_vote;
            }
        }
    }
    p
}

/// The exact forecast (use for up to a few hundred people).
pub fn predict_exact(rule: &VoteRule, chances: &[Chance]) -> Prediction {
    let n = chances.len();
    let people = n as i64;
    let p = joint(chances);
    let mut pass = 0.0;
    let mut shares: Vec<(f64, f64)> = Vec::with_capacity(p.len());
    let mut counted = 0.0;
    for v in 0..=n {
        let row = v * (v + 1) / 2;
        for y in 0..=v {
            let pr = p[row + y];
            if pr == 0.0 {
                continue;
            }
            if passes(rule, people, v as i64, y as i64) {
                pass += pr;
            }
            let share = match rule.base {
                VoteBase::Unit if n > 0 => Some(y as f64 / n as f64),
                VoteBase::Cast if v > 0 => Some(y as f64 / v as f64),
                _ => None,
            };
            if let Some(s) = share {
                shares.push((s, pr));
                counted += pr;
            }
        }
    }
    shares.sort_by(|a, b| a.0.total_cmp(&b.0));
    let yes_share = if counted > 0.0 {
        shares.iter().map(|(s, pr)| s * pr).sum::<f64>() / counted
    } else {
        0.0
    };
    let quantile = |q: f64| {
        let mut acc = 0.0;
        for &(s, pr) in &shares {
            acc += pr / counted;
            if acc >= q - 1e-12 {
                return s;
            }
        }
        shares.last().map_or(0.0, |s| s.0)
    };
    let m = Moments::of(chances);
    Prediction {
        people,
        pass: pass.clamp(0.0, 1.0),
        yes_share,
        share_low: if counted > 0.0 { quantile(0.1) } else { 0.0 },
        share_high: if counted > 0.0 { quantile(0.9) } else { 0.0 },
        turnout: if n > 0 { m.voters / n as f64 } else { 0.0 },
        expected_yes: m.yes,
        expected_voters: m.voters,
        exact: true,
    }
}

/// The means and covariance of (yes, voters) over a group: all a normal forecast needs,
/// and additive, so a change to one person is two subtractions and two additions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    pub people: i64,
    pub yes: f64,
    pub voters: f64,
    pub var_yes: f64,
    pub var_voters: f64,
    pub cov: f64,
}

impl Moments {
    pub fn of(chances: &[Chance]) -> Self {
        let mut m = Moments::default();
        for c in chances {
            m.add(*c, 1);
        }
        m
    }

    /// Adds `count` people with chance `c` (a negative count removes them).
    pub fn add(&mut self, c: Chance, count: i64) {
        let k = count as f64;
        self.people += count;
        self.yes += k * c.yes;
        self.voters += k * c.votes;
        self.var_yes += k * c.yes * (1.0 - c.yes);
        self.var_voters += k * c.votes * (1.0 - c.votes);
        // E[YV] = P(yes), since a yes is a vote.
        self.cov += k * c.yes * (1.0 - c.votes);
    }
}

/// The standard normal distribution function (libm's `erfc`, accurate in the tails).
pub fn norm_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

fn norm_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// The rule as two linear conditions on (yes, voters): `a*yes + b*voters >= s` and
/// `voters >= t`, each already moved half a lattice step for the continuity correction.
struct Conditions {
    a: f64,
    b: f64,
    s: f64,
    t: f64,
}

fn conditions(rule: &VoteRule, people: i64) -> Conditions {
    let turnout = needed(rule.turnout_percent, people) as f64;
    match rule.base {
        VoteBase::Unit => Conditions {
            a: 1.0,
            b: 0.0,
            s: needed(rule.yes_percent, people) as f64 - 0.5,
            t: turnout - 0.5,
        },
        // 100*yes - p*voters >= 0 moves in steps of gcd(100, p); at least one voter.
        VoteBase::Cast => Conditions {
            a: 100.0,
            b: -(rule.yes_percent as f64),
            s: -(gcd(100, rule.yes_percent) as f64) / 2.0,
            t: turnout.max(1.0) - 0.5,
        },
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.abs().max(1)
    } else {
        gcd(b, a % b)
    }
}

/// P(X >= x0 and Z >= z0) for a bivariate normal with the given means, deviations and
/// correlation: one Simpson integral over Z's density of X's conditional distribution.
fn both_at_least(mx: f64, sx: f64, x0: f64, mz: f64, sz: f64, z0: f64, rho: f64) -> f64 {
    let tail = |m: f64, s: f64, x: f64| {
        if s <= 1e-12 {
            if m >= x {
                1.0
            } else {
                0.0
            }
        } else {
            norm_cdf((m - x) / s)
        }
    };
    if sz <= 1e-12 {
        return if mz >= z0 { tail(mx, sx, x0) } else { 0.0 };
    }
    if sx <= 1e-12 {
        return if mx >= x0 { tail(mz, sz, z0) } else { 0.0 };
    }
    let rho = rho.clamp(-1.0, 1.0);
    let lo = ((z0 - mz) / sz).max(-9.0);
    if lo >= 9.0 {
        return 0.0;
    }
    let hi = 9.0_f64;
    let rest = (1.0 - rho * rho).max(0.0).sqrt();
    let inner = |u: f64| {
        // X given Z = mz + sz*u.
        let m = mx + rho * sx * u;
        norm_pdf(u) * tail(m, sx * rest, x0)
    };
    const PANELS: usize = 200;
    let h = (hi - lo) / PANELS as f64;
    let mut sum = inner(lo) + inner(hi);
    for i in 1..PANELS {
        let w = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += w * inner(lo + h * i as f64);
    }
    (sum * h / 3.0).clamp(0.0, 1.0)
}

/// The chance of passing, from the moments alone.
pub fn pass_normal(rule: &VoteRule, m: &Moments) -> f64 {
    if m.people == 0 {
        return 0.0;
    }
    let c = conditions(rule, m.people);
    let mx = c.a * m.yes + c.b * m.voters;
    let vx = c.a * c.a * m.var_yes + 2.0 * c.a * c.b * m.cov + c.b * c.b * m.var_voters;
    let cxz = c.a * m.cov + c.b * m.var_voters;
    let (sx, sz) = (vx.max(0.0).sqrt(), m.var_voters.max(0.0).sqrt());
    let rho = if sx > 1e-12 && sz > 1e-12 {
        cxz / (sx * sz)
    } else {
        0.0
    };
    both_at_least(mx, sx, c.s, m.voters, sz, c.t, rho)
}

/// How far the group is from passing, in standard deviations of its tighter condition
/// (positive: expected to pass). Cheap, and still informative where the chance of
/// passing is too small to tell two plans apart.
pub fn margin(rule: &VoteRule, m: &Moments) -> f64 {
    if m.people == 0 {
        return f64::NEG_INFINITY;
    }
    let c = conditions(rule, m.people);
    let mx = c.a * m.yes + c.b * m.voters;
    let vx = c.a * c.a * m.var_yes + 2.0 * c.a * c.b * m.cov + c.b * c.b * m.var_voters;
    let z = |mean: f64, var: f64, at: f64| (mean - at) / var.max(0.0).sqrt().max(0.5);
    z(mx, vx, c.s).min(z(m.voters, m.var_voters, c.t))
}

/// The share `q` with P(share <= q) = `level` under the normal approximation: the share
/// is at most q exactly when yes - q*base <= 0, itself a sum over people.
fn share_quantile(base: VoteBase, m: &Moments, level: f64) -> f64 {
    let below = |q: f64| {
        let (mean, var) = match base {
            VoteBase::Unit => (m.yes - q * m.people as f64, m.var_yes),
            VoteBase::Cast => (
                m.yes - q * m.voters,
                m.var_yes - 2.0 * q * m.cov + q * q * m.var_voters,
            ),
        };
        let sd = var.max(0.0).sqrt();
        if sd <= 1e-12 {
            if mean <= 0.0 {
                1.0
            } else {
                0.0
            }
        } else {
            norm_cdf(-mean / sd)
        }
    };
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..50 {
        let mid = (lo + hi) / 2.0;
        if below(mid) >= level {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// The forecast by the normal approximation.
pub fn predict_normal(rule: &VoteRule, m: &Moments) -> Prediction {
    let n = m.people.max(0) as f64;
    let yes_share = match rule.base {
        VoteBase::Unit if n > 0.0 => m.yes / n,
        VoteBase::Cast if m.voters > 0.0 => m.yes / m.voters,
        _ => 0.0,
    };
    Prediction {
        people: m.people,
        pass: pass_normal(rule, m),
        yes_share,
        share_low: share_quantile(rule.base, m, 0.1),
        share_high: share_quantile(rule.base, m, 0.9),
        turnout: if n > 0.0 { m.voters / n } else { 0.0 },
        expected_yes: m.yes,
        expected_voters: m.voters,
        exact: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(base: VoteBase, yes: i64, turnout: i64) -> VoteRule {
        VoteRule {
            base,
            yes_percent: yes,
            turnout_percent: turnout,
        }
    }

    /// A small deterministic generator, so the tests need no crate and never change.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn mixed(n: usize, seed: u64) -> Vec<Chance> {
        let mut r = Lcg(seed);
        (0..n)
            .map(|_| Chance::new(0.5 + 0.5 * r.next(), r.next()))
            .collect()
    }

    #[test]
    fn two_people_by_hand() {
        // A: votes 0.9, yes when voting 0.8 (yes 0.72, no 0.18, away 0.1).
        // B: votes 0.5, yes when voting 0.5 (yes 0.25, no 0.25, away 0.5).
        let c = [Chance::new(0.9, 0.8), Chance::new(0.5, 0.5)];
        let p = joint(&c);
        let at = |v: usize, y: usize| p[v * (v + 1) / 2 + y];
        assert!((at(0, 0) - 0.05).abs() < 1e-12);
        assert!((at(1, 0) - (0.18 * 0.5 + 0.1 * 0.25)).abs() < 1e-12);
        assert!((at(1, 1) - (0.72 * 0.5 + 0.1 * 0.25)).abs() < 1e-12);
        assert!((at(2, 0) - 0.18 * 0.25).abs() < 1e-12);
        assert!((at(2, 1) - (0.72 * 0.25 + 0.18 * 0.25)).abs() < 1e-12);
        assert!((at(2, 2) - 0.72 * 0.25).abs() < 1e-12);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // Majority of votes cast, no turnout: passes on (1,1), (2,1) and (2,2).
        let f = predict_exact(&rule(VoteBase::Cast, 50, 0), &c);
        let want = at(1, 1) + at(2, 1) + at(2, 2);
        assert!((f.pass - want).abs() < 1e-12, "{} vs {want}", f.pass);
        // Of the whole unit at 75%: both must vote yes.
        let f = predict_exact(&rule(VoteBase::Unit, 75, 0), &c);
        assert!((f.pass - 0.72 * 0.25).abs() < 1e-12);
        // Expected yes share of votes cast = E[Y/V | V > 0].
        let want = (at(1, 1) + at(2, 1) * 0.5 + at(2, 2)) / (1.0 - at(0, 0));
        assert!((f.people - 2) == 0);
        let f = predict_exact(&rule(VoteBase::Cast, 50, 0), &c);
        assert!((f.yes_share - want).abs() < 1e-12);
    }

    #[test]
    fn three_valued_outcomes_are_not_two_independent_sums() {
        // One person who always votes and says yes half the time: the share of votes
        // cast is 0 or 1, never the 0.25 two independent sums would allow.
        let c = [Chance::new(1.0, 0.5)];
        let f = predict_exact(&rule(VoteBase::Cast, 50, 100), &c);
        assert!((f.pass - 0.5).abs() < 1e-12);
        assert_eq!((f.share_low, f.share_high), (0.0, 1.0));
    }

    #[test]
    fn exact_matches_monte_carlo() {
        let c = mixed(40, 7);
        for r in [
            rule(VoteBase::Cast, 60, 50),
            rule(VoteBase::Unit, 50, 0),
            rule(VoteBase::Cast, 75, 80),
        ] {
            let f = predict_exact(&r, &c);
            let mut g = Lcg(99);
            let trials = 40_000;
            let mut passed = 0;
            for _ in 0..trials {
                let (mut v, mut y) = (0, 0);
                for p in &c {
                    let u = g.next();
                    if u < p.yes {
                        y += 1;
                        v += 1;
                    } else if u < p.votes {
                        v += 1;
                    }
                }
                passed += passes(&r, c.len() as i64, v, y) as usize;
            }
            let mc = passed as f64 / trials as f64;
            // Four standard errors at most.
            let se = (f.pass * (1.0 - f.pass) / trials as f64).sqrt().max(1e-4);
            assert!(
                (mc - f.pass).abs() < 4.0 * se,
                "{r:?}: exact {} vs MC {mc}",
                f.pass
            );
        }
    }

    #[test]
    fn normal_agrees_with_exact_within_the_tolerance() {
        let mut worst = 0.0_f64;
        for (n, seed) in [(60, 1), (80, 2), (120, 3), (200, 4), (300, 5)] {
            let c = mixed(n, seed);
            let m = Moments::of(&c);
            for base in [VoteBase::Cast, VoteBase::Unit] {
                // Rules around the expected outcome, where the chance is neither 0 nor 1.
                let expected = match base {
                    VoteBase::Cast => m.yes / m.voters,
                    VoteBase::Unit => m.yes / n as f64,
                };
                for dy in [-6, -3, 0, 3, 6] {
                    let yes = ((expected * 100.0).round() as i64 + dy).clamp(50, 100);
                    let turnout = ((m.voters / n as f64 * 100.0) as i64 - 3).clamp(0, 100);
                    let r = rule(base, yes, turnout);
                    let e = predict_exact(&r, &c);
                    let a = predict_normal(&r, &m);
                    for (what, x, y) in [
                        ("pass", e.pass, a.pass),
                        ("share", e.yes_share, a.yes_share),
                        ("low", e.share_low, a.share_low),
                        ("high", e.share_high, a.share_high),
                    ] {
                        worst = worst.max((x - y).abs());
                        assert!(
                            (x - y).abs() <= NORMAL_TOLERANCE,
                            "n={n} {r:?} {what}: exact {x} normal {y}"
                        );
                    }
                }
            }
        }
        assert!(worst > 0.0);
    }

    /// An independent exact computation: the distribution of (yes, no) counts, pushed
    /// forward one person at a time into a fresh square table (no triangular packing, no
    /// in-place update), and the rule checked from its definition in percentages.
    fn independent_table(c: &[Chance]) -> Vec<Vec<f64>> {
        let n = c.len();
        let mut dist = vec![vec![0.0_f64; n + 1]; n + 1];
        dist[0][0] = 1.0;
        for (i, p) in c.iter().enumerate() {
            let mut next = vec![vec![0.0_f64; n + 1]; n + 1];
            for yes in 0..=i {
                for no in 0..=i - yes {
                    let w = dist[yes][no];
                    next[yes + 1][no] += w * p.yes;
                    next[yes][no + 1] += w * (p.votes - p.yes);
                    next[yes][no] += w * (1.0 - p.votes);
                }
            }
            dist = next;
        }
        dist
    }

    fn independent(r: &VoteRule, dist: &[Vec<f64>]) -> (f64, f64, f64, f64) {
        let n = dist.len() - 1;
        let people = n as f64;
        let (mut pass, mut outcomes) = (0.0, Vec::new());
        for (yes, row) in dist.iter().enumerate() {
            for (no, &w) in row.iter().enumerate().take(n + 1 - yes) {
                let (y, v) = (yes as f64, (yes + no) as f64);
                let turnout_met = n > 0 && 100.0 * v >= r.turnout_percent as f64 * people;
                let base = match r.base {
                    VoteBase::Unit => people,
                    VoteBase::Cast => v,
                };
                if turnout_met && base > 0.0 && 100.0 * y >= r.yes_percent as f64 * base {
                    pass += w;
                }
                if base > 0.0 && w > 0.0 {
                    outcomes.push((y / base, w));
                }
            }
        }
        outcomes.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = outcomes.iter().map(|o| o.1).sum();
        let mean = outcomes.iter().map(|o| o.0 * o.1).sum::<f64>() / total;
        let at = |q: f64| {
            let mut acc = 0.0;
            outcomes
                .iter()
                .find(|o| {
                    acc += o.1 / total;
                    acc >= q - 1e-12
                })
                .map_or(1.0, |o| o.0)
        };
        (pass, mean, at(0.1), at(0.9))
    }

    #[test]
    fn exact_matches_an_independent_computation_from_1_to_120_people() {
        let mut checked = 0;
        for n in (1..=40).chain((45..=120).step_by(5)) {
            // Mostly supporters, so the 50-100% thresholds fall where the chance of
            // passing is neither 0 nor 1.
            let mut g = Lcg(n as u64);
            let c: Vec<Chance> = (0..n)
                .map(|_| Chance::new(0.4 + 0.6 * g.next(), 0.45 + 0.5 * g.next()))
                .collect();
            let table = independent_table(&c);
            for base in [VoteBase::Cast, VoteBase::Unit] {
                for yes in [50, 51, 60, 67, 75, 90, 100] {
                    for turnout in [0, 50, 75] {
                        let r = rule(base, yes, turnout);
                        let e = predict_exact(&r, &c);
                        let (pass, mean, low, high) = independent(&r, &table);
                        assert!(
                            (e.pass - pass).abs() < 1e-9,
                            "n={n} {r:?}: {} vs {pass}",
                            e.pass
                        );
                        assert!((e.yes_share - mean).abs() < 1e-9, "n={n} {r:?} share");
                        assert_eq!((e.share_low, e.share_high), (low, high), "n={n} {r:?}");
                        checked += (pass > 0.01 && pass < 0.99) as usize;
                    }
                }
            }
        }
        // The sizes and rules were chosen so many cases are undecided.
        assert!(checked > 300, "only {checked} undecided cases");
    }

    #[test]
    fn exact_matches_every_outcome_enumerated_for_small_groups() {
        // All 3^n outcomes, one by one, for n up to 8.
        for n in 1..=8usize {
            let mut g = Lcg(100 + n as u64);
            let c: Vec<Chance> = (0..n).map(|_| Chance::new(g.next(), g.next())).collect();
            for r in [
                rule(VoteBase::Cast, 60, 50),
                rule(VoteBase::Unit, 50, 0),
                rule(VoteBase::Unit, 75, 80),
            ] {
                let mut pass = 0.0;
                for code in 0..3usize.pow(n as u32) {
                    let (mut k, mut w, mut v, mut y) = (code, 1.0, 0, 0);
                    for p in &c {
                        match k % 3 {
                            0 => {
                                w *= p.yes;
                                y += 1;
                                v += 1;
                            }
                            1 => {
                                w *= p.votes - p.yes;
                                v += 1;
                            }
                            _ => w *= 1.0 - p.votes,
                        }
                        k /= 3;
                    }
                    let base = if r.base == VoteBase::Unit { n } else { v };
                    if 100 * v >= r.turnout_percent as usize * n
                        && base > 0
                        && 100 * y >= r.yes_percent as usize * base
                    {
                        pass += w;
                    }
                }
                let e = predict_exact(&r, &c);
                assert!(
                    (e.pass - pass).abs() < 1e-12,
                    "n={n} {r:?}: {} vs {pass}",
                    e.pass
                );
            }
        }
    }

    #[test]
    fn certain_people_give_certain_answers() {
        let all_yes = vec![Chance::new(1.0, 1.0); 500];
        let f = predict(&rule(VoteBase::Unit, 75, 50), &all_yes);
        assert!(!f.exact);
        assert!((f.pass - 1.0).abs() < 1e-9 && (f.yes_share - 1.0).abs() < 1e-12);
        let none = vec![Chance::new(0.0, 1.0); 500];
        assert_eq!(predict(&rule(VoteBase::Cast, 50, 0), &none).pass, 0.0);
        assert_eq!(predict(&rule(VoteBase::Cast, 50, 0), &[]).pass, 0.0);
    }

    #[test]
    fn normal_cdf_is_accurate() {
        assert!((norm_cdf(0.0) - 0.5).abs() < 1e-15);
        assert!((norm_cdf(1.959963984540054) - 0.975).abs() < 1e-12);
        assert!((norm_cdf(-1.2815515655446004) - 0.1).abs() < 1e-12);
        assert!(norm_cdf(-40.0) >= 0.0 && norm_cdf(40.0) <= 1.0);
    }

    /// Nobody in the scope, or nobody who can vote: every share is 0, never 0 / 0.
    #[test]
    fn a_vote_with_no_one_to_count_has_shares_of_zero_not_nan() {
        for (name, p) in [
            (
                "no people, unit",
                predict_exact(&rule(VoteBase::Unit, 50, 0), &[]),
            ),
            (
                "no people, cast",
                predict_exact(&rule(VoteBase::Cast, 50, 0), &[]),
            ),
            (
                "no one votes, cast",
                predict_exact(&rule(VoteBase::Cast, 50, 0), &[Chance::new(0.0, 0.9); 3]),
            ),
        ] {
            assert_eq!(
                (p.yes_share, p.share_low, p.share_high, p.turnout, p.pass),
                (0.0, 0.0, 0.0, 0.0, 0.0),
                "{name}: {p:?}"
            );
        }
    }

    /// The share's mean and 80% interval among outcomes where the base is not empty,
    /// against every outcome of every person (abstain, no, yes) counted one by one, with
    /// turnouts low enough that nobody voting is likely.
    #[test]
    fn shares_are_of_the_outcomes_with_a_base_against_every_outcome() {
        fn by_outcomes(base: VoteBase, chances: &[Chance]) -> (f64, f64, f64) {
            let n = chances.len();
            let mut shares: Vec<(f64, f64)> = Vec::new();
            for code in 0..3usize.pow(n as u32) {
                let (mut pr, mut voters, mut yes, mut c) = (1.0, 0, 0, code);
                for ch in chances {
                    match c % 3 {
                        0 => pr *= 1.0 - ch.votes,
                        1 => {
                            pr *= ch.votes - ch.yes;
                            voters += 1;
                        }
                        _ => {
                            pr *= ch.yes;
                            voters += 1;
                            yes += 1;
                        }
                    }
                    c /= 3;
                }
                let whole = if base == VoteBase::Unit { n } else { voters };
                if whole > 0 && pr > 0.0 {
                    shares.push((yes as f64 / whole as f64, pr));
                }
            }
            let total: f64 = shares.iter().map(|s| s.1).sum();
            let mean = shares.iter().map(|(s, pr)| s * pr).sum::<f64>() / total;
            shares.sort_by(|a, b| a.0.total_cmp(&b.0));
            let quantile = |q: f64| {
                let mut below = 0.0;
                for &(s, pr) in &shares {
                    below += pr;
                    if below / total >= q - 1e-9 {
                        return s;
                    }
                }
                shares.last().unwrap().0
            };
            (mean, quantile(0.1), quantile(0.9))
        }
        let mut checked = 0;
        for n in 1..=4 {
            for turnout in [0.15, 0.3, 1.0] {
                for yes in [0.2, 0.6, 0.9] {
                    let chances: Vec<Chance> = (0..n)
                        .map(|i| Chance::new(turnout * (1.0 - 0.1 * i as f64), yes))
                        .collect();
                    for base in [VoteBase::Cast, VoteBase::Unit] {
                        let p = predict_exact(&rule(base, 50, 0), &chances);
                        let (mean, low, high) = by_outcomes(base, &chances);
                        let case = format!("{n} people, turnout {turnout}, yes {yes}, {base:?}");
                        assert!(
                            (p.yes_share - mean).abs() < 1e-12,
                            "{case}: {p:?} mean {mean}"
                        );
                        assert_eq!((p.share_low, p.share_high), (low, high), "{case}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 72);
        // One person sure to vote, nine in ten yes: a no is exactly the bottom tenth.
        let one = predict_exact(&rule(VoteBase::Cast, 50, 0), &[Chance::new(1.0, 0.9)]);
        assert_eq!((one.share_low, one.share_high), (0.0, 1.0));
    }

    #[test]
    fn the_exact_turnout_is_the_expected_share_of_people_voting() {
        let p = predict_exact(
            &rule(VoteBase::Cast, 50, 0),
            &[
                Chance::new(0.5, 0.5),
                Chance::new(0.5, 0.5),
                Chance::new(1.0, 0.5),
                Chance::new(0.0, 0.5),
            ],
        );
        assert!((p.turnout - 0.5).abs() < 1e-12, "{p:?}");
        assert!((p.expected_voters - 2.0).abs() < 1e-12, "{p:?}");
    }

    /// The normal approximation's conditions, each half a lattice step inside the rule.
    #[test]
    fn the_rule_as_conditions_moved_half_a_step() {
        let of = |c: Conditions| (c.a, c.b, c.s, c.t);
        // Half of 10 people (5), and half of them voting (5): 4.5 each.
        assert_eq!(
            of(conditions(&rule(VoteBase::Unit, 50, 50), 10)),
            (1.0, 0.0, 4.5, 4.5)
        );
        // 100·yes − 60·voters moves in steps of gcd(100, 60) = 20; at least one voter.
        assert_eq!(
            of(conditions(&rule(VoteBase::Cast, 60, 0), 10)),
            (100.0, -60.0, -10.0, 0.5)
        );
        assert_eq!(
            of(conditions(&rule(VoteBase::Cast, 67, 40), 10)),
            (100.0, -67.0, -0.5, 3.5)
        );
        assert_eq!((gcd(100, 0), gcd(0, 0), gcd(100, 75)), (100, 1, 25));
    }

    /// The bivariate normal's orthant against its closed forms: at the means,
    /// P(X ≥ μx, Z ≥ μz) = 1/4 + asin(ρ)/2π; with ρ = 0, the product of the two tails;
    /// and a certain Z leaves X's tail alone.
    #[test]
    fn both_at_least_is_the_bivariate_normal_orthant() {
        for rho in [-0.9, -0.5, 0.0, 0.3, 0.5, 0.9] {
            let got = both_at_least(10.0, 2.0, 10.0, -3.0, 0.5, -3.0, rho);
            let want = 0.25 + f64::asin(rho) / (2.0 * std::f64::consts::PI);
            assert!((got - want).abs() < 1e-6, "rho {rho}: {got} against {want}");
        }
        for (x0, z0) in [(1.0, -0.5), (-1.5, 2.0), (0.3, 0.3)] {
            let got = both_at_least(0.0, 1.0, x0, 0.0, 1.0, z0, 0.0);
            let want = norm_cdf(-x0) * norm_cdf(-z0);
            assert!(
                (got - want).abs() < 1e-6,
                "{x0}, {z0}: {got} against {want}"
            );
        }
        let x_alone = both_at_least(5.0, 2.0, 6.0, 1.0, 0.0, 1.0, 0.7);
        assert!((x_alone - norm_cdf(-0.5)).abs() < 1e-12);
        assert_eq!(both_at_least(5.0, 2.0, 6.0, 1.0, 0.0, 1.5, 0.7), 0.0);
        // A certain X leaves Z's tail alone where it reaches its bound, nothing where not.
        let z_alone = both_at_least(6.0, 0.0, 5.0, 1.0, 2.0, 2.0, 0.7);
        assert!((z_alone - norm_cdf(-0.5)).abs() < 1e-12);
        assert_eq!(both_at_least(5.0, 0.0, 5.0, 1.0, 2.0, 2.0, 0.7), z_alone);
        assert_eq!(both_at_least(4.0, 0.0, 5.0, 1.0, 2.0, 2.0, 0.7), 0.0);
        // Z's bound far below it (the integral runs over all of Z's likely values) and
        // well below it: X's tail, then the orthant with ρ = 0.
        for (z0, want) in [
            (-20.0, norm_cdf(-0.5)),
            (-2.0, norm_cdf(-0.5) * norm_cdf(2.0)),
        ] {
            let got = both_at_least(0.0, 1.0, 0.5, 0.0, 1.0, z0, 0.0);
            assert!((got - want).abs() < 1e-6, "z0 {z0}: {got} against {want}");
        }
        assert_eq!(
            both_at_least(5.0, 2.0, 6.0, 0.0, 1.0, 10.0, 0.7),
            0.0,
            "Z far out"
        );
    }

    fn moments(
        people: i64,
        yes: f64,
        voters: f64,
        var_yes: f64,
        var_voters: f64,
        cov: f64,
    ) -> Moments {
        Moments {
            people,
            yes,
            voters,
            var_yes,
            var_voters,
            cov,
        }
    }

    /// The margin's value, worked by hand: each condition's distance in its own standard
    /// deviations (at least half a voter), the tighter one; nobody in scope is −∞.
    #[test]
    fn the_margin_is_the_tighter_condition_in_deviations() {
        // Unit, 10 people, 60 % yes (6, so 5.5) and 50 % turnout (5, so 4.5):
        // yes (7 − 5.5)/2 = 0.75 against turnout (8 − 4.5)/1 = 3.5.
        let m = margin(
            &rule(VoteBase::Unit, 60, 50),
            &moments(10, 7.0, 8.0, 4.0, 1.0, 0.5),
        );
        assert!((m - 0.75).abs() < 1e-12, "{m}");
        // The turnout tighter, its deviation 0.32 raised to half a voter:
        // yes (6 − 4.5)/1 = 1.5 against turnout (7 − 7.5)/0.5 = −1.
        let m = margin(
            &rule(VoteBase::Unit, 50, 80),
            &moments(10, 6.0, 7.0, 1.0, 0.1, 0.0),
        );
        assert!((m + 1.0).abs() < 1e-12, "{m}");
        // Cast, 60 %: X = 100·yes − 60·voters = 120 against −10, its variance
        // 100²·2 + 2·100·(−60)·0.5 + 60²·1.5 = 19,400; turnout (8 − 4.5)/√1.5.
        let m = margin(
            &rule(VoteBase::Cast, 60, 50),
            &moments(10, 6.0, 8.0, 2.0, 1.5, 0.5),
        );
        assert!((m - 130.0 / 19_400f64.sqrt()).abs() < 1e-12, "{m}");
        // A negative variance (rounding) counts as none: half a voter.
        let m = margin(
            &rule(VoteBase::Unit, 50, 0),
            &moments(10, 5.5, 9.0, -1e-9, 0.0, 0.0),
        );
        assert!((m - 2.0).abs() < 1e-9, "{m}");
        assert_eq!(
            margin(
                &rule(VoteBase::Unit, 50, 50),
                &moments(0, 0.0, 0.0, 0.0, 0.0, 0.0)
            ),
            f64::NEG_INFINITY
        );
    }

    /// The normal chance of passing carries the yes condition's correlation with the
    /// turnout: with both at their thresholds it is the orthant 1/4 + asin(ρ)/2π, for ρ
    /// worked by hand from the moments on both bases.
    #[test]
    fn pass_normal_at_the_thresholds_is_the_orthant_of_its_correlation() {
        let orthant = |rho: f64| 0.25 + rho.asin() / (2.0 * std::f64::consts::PI);
        // Unit: X = yes at 5.5, Z = voters at 4.5; ρ = 3/(3·2) = 0.5, so 1/3.
        let p = pass_normal(
            &rule(VoteBase::Unit, 60, 50),
            &moments(10, 5.5, 4.5, 9.0, 4.0, 3.0),
        );
        assert!((p - orthant(0.5)).abs() < 1e-6, "{p}");
        // Cast, 50 %: X = 100·2 − 50·4.5 = −25 (its threshold), var 10,000 − 8,000 +
        // 2,500 = 4,500, cov(X, Z) = 100·0.8 − 50·1 = 30; ρ = 30/√4,500.
        let p = pass_normal(
            &rule(VoteBase::Cast, 50, 50),
            &moments(10, 2.0, 4.5, 1.0, 1.0, 0.8),
        );
        assert!((p - orthant(30.0 / 4_500f64.sqrt())).abs() < 1e-6, "{p}");
        // Negatively tied: fewer pass together than apart.
        let p = pass_normal(
            &rule(VoteBase::Unit, 60, 50),
            &moments(10, 5.5, 4.5, 9.0, 4.0, -3.0),
        );
        assert!((p - orthant(-0.5)).abs() < 1e-6, "{p}");
        // Certain turnout (no variance): the yes tail alone, whatever the covariance says.
        let p = pass_normal(
            &rule(VoteBase::Unit, 60, 50),
            &moments(10, 5.5, 9.0, 9.0, 0.0, 3.0),
        );
        assert!((p - 0.5).abs() < 1e-9, "{p}");
        assert_eq!(
            pass_normal(
                &rule(VoteBase::Unit, 50, 50),
                &moments(0, 0.0, 0.0, 0.0, 0.0, 0.0)
            ),
            0.0
        );
    }

    /// The share at a level is where the chance of a share at most that is the level:
    /// for a share of the votes cast, yes − q·voters has variance var_yes − 2q·cov +
    /// q²·var_voters (worked here by hand); with nothing uncertain, the share is yes/voters.
    #[test]
    fn the_share_at_a_level_is_where_that_much_of_the_chance_lies() {
        let m = Moments {
            people: 40,
            yes: 18.0,
            voters: 30.0,
            var_yes: 6.0,
            var_voters: 5.0,
            cov: 3.5,
        };
        for level in [0.1, 0.5, 0.9] {
            let q = share_quantile(VoteBase::Cast, &m, level);
            let var = m.var_yes - 2.0 * q * m.cov + q * q * m.var_voters;
            let at = norm_cdf(-(m.yes - q * m.voters) / var.sqrt());
            assert!((at - level).abs() < 1e-9, "{level}: {q} gives {at}");
            let q = share_quantile(VoteBase::Unit, &m, level);
            let at = norm_cdf(-(m.yes - q * 40.0) / m.var_yes.sqrt());
            assert!((at - level).abs() < 1e-9, "unit, {level}: {q} gives {at}");
        }
        // The median of votes cast: yes / voters, 18 / 30, whatever the spread.
        assert!((share_quantile(VoteBase::Cast, &m, 0.5) - 0.6).abs() < 1e-9);
        let certain = Moments {
            var_yes: 0.0,
            var_voters: 0.0,
            cov: 0.0,
            ..m
        };
        for level in [0.1, 0.9] {
            let q = share_quantile(VoteBase::Cast, &certain, level);
            assert!((q - 0.6).abs() < 1e-9, "certain, {level}: {q}");
        }
    }

    /// The yes share (of the unit, or of the votes cast) and the turnout; with nobody in
    /// the unit, or nobody expected to vote, 0, never 0/0.
    #[test]
    fn a_share_of_nobody_is_zero() {
        let rule = |base| VoteRule {
            base,
            yes_percent: 50,
            turnout_percent: 0,
        };
        let nobody = Moments::default();
        let no_voters = Moments {
            people: 3,
            ..Moments::default()
        };
        for base in [VoteBase::Unit, VoteBase::Cast] {
            assert_eq!(
                predict_normal(&rule(base), &nobody).yes_share,
                0.0,
                "{base:?}"
            );
            assert_eq!(
                predict_normal(&rule(base), &nobody).turnout,
                0.0,
                "{base:?}"
            );
        }
        assert_eq!(
            predict_normal(&rule(VoteBase::Cast), &no_voters).yes_share,
            0.0
        );
        // Four people, three expected to vote, two of them yes.
        let four = Moments {
            people: 4,
            yes: 2.0,
            voters: 3.0,
            ..Moments::default()
        };
        let unit = predict_normal(&rule(VoteBase::Unit), &four);
        assert_eq!((unit.yes_share, unit.turnout), (0.5, 0.75));
        let cast = predict_normal(&rule(VoteBase::Cast), &four);
        assert_eq!(cast.yes_share, 2.0 / 3.0);
    }
}

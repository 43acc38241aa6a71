//! Results kept by what alone they depend on, one server's, bounded: the leads' dashboard
//! by chart version, heat-map trends by history version, past maps and vote pages by
//! chart version. Each server keeps its own (tests run many servers in one process, with
//! the same campaign ids; instances sharing a database each read the versions from it).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::domain::dashboard::Dashboard;
use crate::domain::heat::{CellTally, TrendTally};

/// Dashboards kept per campaign and chart version (every committed change raises it), for
/// a minute at most: its counts also move with the clock (a rating turns stale, a week
/// starts), and a minute late is soon enough for a lead's weekly figures. At 100,000
/// coworkers one takes 0.6 s to count (BENCHMARKS.md); the campaign home shows it.
pub type Dashboards = Kept<(i64, i64), Dashboard>;

pub fn kept_dashboards() -> Dashboards {
    Dashboards::new(256, Some(std::time::Duration::from_secs(60)))
}

/// A 12-week trend costs about twelve past maps (see BENCHMARKS.md), and it changes
/// only when a rating or a placement is written: it is kept, per campaign, scope and
/// week ends, until the newest assessment or placement (in any campaign) is no longer
/// the one it was counted with.
pub type TrendKey = (i64, String, Vec<DateTime<Utc>>, (i64, i64));

pub type Trends = Kept<TrendKey, Vec<TrendTally>>;

pub fn kept_trends() -> Trends {
    Trends::new(TRENDS_KEPT, None)
}

/// A past map's counts depend on the chart alone: kept per campaign, query (scope,
/// day, dimension, window) and chart version. A viewer's days are week ends, so a
/// campaign's viewers share a dozen of them.
pub type PastKey = (i64, String, i64);
pub type PastMaps = Kept<PastKey, Vec<CellTally>>;

pub fn kept_past_maps() -> PastMaps {
    PastMaps::new(PAST_MAPS_KEPT, None)
}

/// A vote page as one member reads it (names only inside their scope, counts through
/// their disclosure policy), kept per campaign, plan, member, chosen scenario and chart
/// version: a scenario saved, a plan changed, a mark made or a member's scope changed
/// are all audited changes, which raise the version. For a minute at most: a practice
/// vote closes with its clock, not with a write. At 20,000 coworkers a load counted
/// 160 ms of CPU (BENCHMARKS.md), and the committee reloads it through a meeting.
pub type VotePageKey = (i64, i64, i64, Option<i64>, i64);
pub type VotePages = Kept<VotePageKey, crate::api::votes::VotePageData>;

pub fn kept_vote_pages() -> VotePages {
    VotePages::new(VOTE_PAGES_KEPT, Some(Duration::from_secs(60)))
}

/// At most this many vote pages are kept: a page is tens of kilobytes (the path's names
/// are capped per group), so a few megabytes in all.
const VOTE_PAGES_KEPT: usize = 128;

/// At most this many past maps are kept. A map of 300 areas × 20 columns is ~6,000
/// cells of a few hundred bytes each (counts, keys, a column label): ~2 MB, so ~120 MB
/// in all at the very largest, and far less for real campaigns (tens of areas).
const PAST_MAPS_KEPT: usize = 64;

/// At most this many trends are kept; when full, all are dropped (simpler than
/// tracking the oldest, and a lead's next visit counts theirs again).
const TRENDS_KEPT: usize = 64;

pub struct Kept<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
    /// The keys being built now, each with the turn its builders take one at a time.
    building: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
    /// At most this many; when full, the expired and outdated go, then all.
    capacity: usize,
    /// Kept this long at most, whatever the key (for results that move with the clock).
    max_age: Option<Duration>,
}

impl<K: Eq + Hash, V: Clone> Kept<K, V> {
    pub fn new(capacity: usize, max_age: Option<Duration>) -> Self {
        Kept {
            entries: Mutex::new(HashMap::new()),
            building: Mutex::new(HashMap::new()),
            capacity,
            max_age,
        }
    }

    fn fresh(&self, at: Instant) -> bool {
        self.max_age.is_none_or(|age| at.elapsed() < age)
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let (at, value) = entries.get(key)?;
        self.fresh(*at).then(|| value.clone())
    }

    /// Keeps `value` under `key`, first dropping the entries `outdated` names (made from
    /// an older version: they can never be read again).
    pub fn put(&self, key: K, value: V, outdated: impl Fn(&K) -> bool) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|k, (at, _)| !outdated(k) && self.fresh(*at));
            if entries.len() >= self.capacity {
                entries.clear();
            }
            entries.insert(key, (Instant::now(), value));
        }
    }

    /// The value kept under `key`, else `build`'s, kept (dropping what `outdated` names).
    /// A failed build keeps nothing. Readers missing the same key at once build it once:
    /// the first builds, the others wait for it and read what it kept (at 100,000
    /// coworkers, eight readers of a cold page each counted it, a second apiece, holding
    /// every database connection). Different keys build side by side.
    pub async fn get_or_build<E>(
        &self,
        key: K,
        build: impl std::future::Future<Output = Result<V, E>>,
        outdated: impl Fn(&K) -> bool,
    ) -> Result<V, E>
    where
        K: Clone,
    {
        if let Some(hit) = self.get(&key) {
            return Ok(hit);
        }
        let turn = Turn::take(&self.building, &key);
        let _mine = turn.gate.lock().await;
        // Whoever built while this reader waited kept it (unless their build failed).
        if let Some(hit) = self.get(&key) {
            return Ok(hit);
        }
        let value = build.await?;
        self.put(key, value.clone(), outdated);
        Ok(value)
    }
}

/// One reader's place in the builders of one key; the key's entry goes with its last
/// reader, however that reader ends (built, failed, or dropped while waiting).
struct Turn<'a, K: Eq + Hash> {
    building: &'a Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
    key: K,
    gate: Arc<tokio::sync::Mutex<()>>,
}

impl<'a, K: Eq + Hash + Clone> Turn<'a, K> {
    fn take(building: &'a Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>, key: &K) -> Self {
        let gate = match building.lock() {
            Ok(mut map) => map.entry(key.clone()).or_default().clone(),
            Err(_) => Arc::default(),
        };
        Turn {
            building,
            key: key.clone(),
            gate,
        }
    }
}

impl<K: Eq + Hash> Drop for Turn<'_, K> {
    fn drop(&mut self) {
        if let Ok(mut map) = self.building.lock() {
            // The map's own handle and this one: no one else waits on this key.
            if Arc::strong_count(&self.gate) <= 2 {
                map.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_until_outdated_full_or_old() {
        let kept: Kept<(i64, i64), &str> = Kept::new(2, None);
        kept.put((1, 1), "a", |_| false);
        assert_eq!(kept.get(&(1, 1)), Some("a"));
        assert_eq!(kept.get(&(1, 2)), None);
        kept.put((1, 2), "b", |k| k.0 == 1 && k.1 != 2);
        assert_eq!(kept.get(&(1, 1)), None, "an older version is dropped");
        kept.put((2, 1), "c", |_| false);
        assert_eq!(kept.get(&(1, 2)), Some("b"));
        kept.put((3, 1), "d", |_| false);
        assert_eq!(kept.get(&(1, 2)), None, "full: all dropped");
        assert_eq!(kept.get(&(2, 1)), None, "full: all dropped");
        assert_eq!(kept.get(&(3, 1)), Some("d"));
        let brief: Kept<i64, i64> = Kept::new(8, Some(Duration::ZERO));
        brief.put(1, 1, |_| false);
        assert_eq!(brief.get(&1), None, "older than its age");
    }

    #[test]
    fn builds_on_a_miss_only_and_keeps_no_failure() {
        fn run<F: std::future::Future>(f: F) -> F::Output {
            tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("a runtime")
                .block_on(f)
        }
        let kept: Kept<(i64, i64), i64> = Kept::new(8, None);
        let builds = std::sync::atomic::AtomicUsize::new(0);
        let build = |value: Result<i64, &'static str>| {
            builds.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async move { value }
        };
        let failed = run(kept.get_or_build((1, 1), build(Err("down")), |_| false));
        assert_eq!(failed, Err("down"));
        assert_eq!(kept.get(&(1, 1)), None, "a failure is not kept");
        assert_eq!(
            run(kept.get_or_build((1, 1), build(Ok(7)), |_| false)),
            Ok(7)
        );
        let hit = run(kept.get_or_build((1, 1), async { Ok::<_, &str>(8) }, |_| false));
        assert_eq!(hit, Ok(7), "a hit is the kept value, not a new build");
        assert_eq!(builds.load(std::sync::atomic::Ordering::SeqCst), 2);
        let next = run(kept.get_or_build((1, 2), build(Ok(9)), |k| k.1 != 2));
        assert_eq!(next, Ok(9));
        assert_eq!(kept.get(&(1, 1)), None, "the outdated version is dropped");
    }

    #[test]
    fn readers_missing_one_key_at_once_build_it_once() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let kept: Kept<i64, i64> = Kept::new(8, None);
        let builds = std::sync::atomic::AtomicUsize::new(0);
        let reader = |key: i64| {
            let (kept, builds) = (&kept, &builds);
            async move {
                kept.get_or_build(
                    key,
                    async {
                        builds.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        // Long enough that every other reader arrives meanwhile.
                        tokio::task::yield_now().await;
                        tokio::task::yield_now().await;
                        Ok::<_, ()>(key * 10)
                    },
                    |_| false,
                )
                .await
            }
        };
        let got = runtime.block_on(async {
            tokio::join!(reader(1), reader(1), reader(1), reader(2), reader(1))
        });
        assert_eq!(got, (Ok(10), Ok(10), Ok(10), Ok(20), Ok(10)));
        assert_eq!(
            builds.load(std::sync::atomic::Ordering::SeqCst),
            2,
            "one build per key"
        );
        assert!(
            kept.building.lock().unwrap().is_empty(),
            "no turn left behind"
        );
    }
}

//! Results kept by what alone they depend on, one server's, bounded: the leads' dashboard
//! by chart version, heat-map trends by history version, past maps by chart version. Each
//! server keeps its own (tests run many servers in one process, with the same campaign
//! ids; instances sharing a database each read the versions from it).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Kept<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
    /// At most this many; when full, the expired and outdated go, then all.
    capacity: usize,
    /// Kept this long at most, whatever the key (for results that move with the clock).
    max_age: Option<Duration>,
}

impl<K: Eq + Hash, V: Clone> Kept<K, V> {
    pub fn new(capacity: usize, max_age: Option<Duration>) -> Self {
        Kept {
            entries: Mutex::new(HashMap::new()),
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
}

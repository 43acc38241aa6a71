//! What the server does to the data on its own, never for a request: sweeps, snapshots,
//! and a past written at once (the demo, benchmarks, stories). A trait of its own, apart
//! from [`Store`](super::Store), so the request path (which holds an `Arc<dyn Store>`)
//! cannot reach it; the server's start-up holds the whole [`Storage`](super::Storage).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::*;

#[async_trait]
pub trait Maintenance: Send + Sync {
    /// Deletes the files of imports still pending that were uploaded before
    /// `uploaded_before` (they become "discarded") and of any applied or discarded one
    /// still holding its file, keeping their summaries. Returns how many files it deleted.
    async fn purge_abandoned_rosters(&self, uploaded_before: DateTime<Utc>) -> StoreResult<u64>;
    /// Forgets attempts made before `before`, and lockouts made before it that have
    /// ended by `now` (every request adds a row: without this the table only grows).
    /// Returns how many rows it deleted.
    async fn prune_auth_history(
        &self,
        before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Makes the weekly snapshots a past map and a trend start from
    /// ([`crate::domain::heat::snapshot_moments`] at `now`) that are missing or were
    /// outdated by a late write, for every campaign, and drops those older; returns how
    /// many it made. Each is made in one write transaction, from the one before it and
    /// that week's history when there is one. The server calls it at start-up and every
    /// hour; reads never write them, and read the histories alone where none stands.
    async fn keep_heat_snapshots(&self, now: DateTime<Utc>) -> StoreResult<usize>;
    /// Writes a campaign's past at once, in one transaction (the demo and the benchmark's
    /// history): moves, ratings and one-on-ones dated in the past, then each coworker's
    /// current rating and last contact from them.
    async fn seed_history(&self, campaign_id: i64, past: &PastActivity) -> StoreResult<()>;
    /// The key to a campaign's data without a member's check: for the server's own work
    /// (the demo, sweeps), the benchmarks and the stories, which hold the whole storage.
    fn campaign_key(&self, campaign_id: i64) -> CampaignKey {
        CampaignKey(campaign_id)
    }
}

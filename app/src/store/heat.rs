//! The heat map's storage: counts grouped in SQL, and the seeded past of the demo and
//! the benchmarks.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{CampaignKey, NewAssessment, StoreResult};
use crate::domain::heat::{CellPerson, CellTally, Dimension, TrendTally};
use crate::domain::CoworkerScope;

/// The heat map's counting, grouped in SQL: one query per map, never every coworker
/// loaded to be counted.
#[async_trait]
pub trait HeatMaps: Send + Sync {
    /// The map's cells: who in `query.scope` is on the map at its moment, counted by area
    /// and column (and, for the tag dimension, each area's total as a `column: None` row).
    async fn heat_cells(
        &self,
        campaign: CampaignKey,
        query: &HeatQuery,
    ) -> StoreResult<Vec<CellTally>>;
    /// Head count and 1–2s by area before each of `moments` (week `k` is `moments[k]`),
    /// from the histories, in one query.
    async fn heat_trend(
        &self,
        campaign: CampaignKey,
        scope: &CoworkerScope,
        moments: &[DateTime<Utc>],
    ) -> StoreResult<Vec<TrendTally>>;
    /// The people of one cell with their rating then, by name, at most `limit`: in the
    /// areas `area_ids` (None: in no area) and the column `column` ("" for none).
    async fn heat_people(
        &self,
        campaign: CampaignKey,
        query: &HeatQuery,
        area_ids: Option<&[i64]>,
        column: &str,
        limit: usize,
    ) -> StoreResult<Vec<(Option<i32>, CellPerson)>>;
    /// The ids of the newest assessment and the newest placement (of any campaign): a
    /// trend counted from the histories stays true while these stay the same.
    async fn history_version(&self) -> StoreResult<(i64, i64)>;
}

/// Which map to count.
#[derive(Debug, Clone)]
pub struct HeatQuery {
    pub dimension: Dimension,
    /// Whose coworkers: a viewer's counts are the campaign's (they see no names).
    pub scope: CoworkerScope,
    /// None: now, from the chart as it stands. Some: before this moment, from the
    /// placement history and the assessments.
    pub before: Option<DateTime<Utc>>,
    /// "Talked to" counts one-on-ones from this moment on.
    pub talked_since: DateTime<Utc>,
}

/// A past written at once by [`HeatMaps::seed_history`].
#[derive(Debug, Clone, Default)]
pub struct PastActivity {
    pub moves: Vec<PastMove>,
    pub ratings: Vec<NewAssessment>,
    pub talks: Vec<PastTalk>,
}

/// A coworker moved to an area and shift at a past moment.
#[derive(Debug, Clone)]
pub struct PastMove {
    pub coworker_id: i64,
    pub at: DateTime<Utc>,
    pub area_id: Option<i64>,
    pub shift_id: Option<i64>,
}

/// A one-on-one at a past moment (in person, no notes).
#[derive(Debug, Clone)]
pub struct PastTalk {
    pub coworker_id: i64,
    pub organizer_id: i64,
    pub at: DateTime<Utc>,
    pub rating_after: Option<i32>,
}

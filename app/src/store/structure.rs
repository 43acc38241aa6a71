//! Structure tests' storage: the tests, the scope each fixed when it opened (with every
//! person's rating then), and the marks, append-only, with each person's current one.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{AuditEvent, CampaignKey, StoreResult};
use crate::domain::structure::tally::TallyGroup;
use crate::domain::structure::{
    Counts, CoworkerTest, Response, ScopePerson, StructureTest, TestPlan, ValidationInput,
};
use crate::domain::CoworkerScope;

#[async_trait]
pub trait StructureTests: Send + Sync {
    /// Plans a test (status planned); its id.
    async fn create_test(
        &self,
        campaign: CampaignKey,
        plan: &TestPlan,
        created_by: i64,
        audit: &AuditEvent,
    ) -> StoreResult<i64>;
    /// Changes a planned test; Conflict once it has opened.
    async fn update_test(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        plan: &TestPlan,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn structure_test(
        &self,
        campaign: CampaignKey,
        test_id: i64,
    ) -> StoreResult<Option<StructureTest>>;
    /// The campaign's tests, in the order they opened (planned ones last), each with its
    /// overall counts (None while planned).
    /// Each count holds the disclosure keys of those outside `inside` (the reader's own
    /// scope; None: nobody's) and how many are inside it.
    async fn structure_tests(
        &self,
        campaign: CampaignKey,
        inside: Option<&CoworkerScope>,
    ) -> StoreResult<Vec<(StructureTest, Option<Counts>)>>;
    /// Opens a planned test at `at`: its scope becomes the employed coworkers in
    /// `area_ids` (None: the whole campaign) as they are now, with each one's rating and
    /// who gave it. Returns the scope's size. Conflict unless planned.
    async fn open_test(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        area_ids: Option<&[i64]>,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<i64>;
    /// Closes a live test at `at`; Conflict unless live.
    async fn close_test(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Records `marks` in one transaction: each person's mark is appended to the history
    /// and becomes their current one. A mark sent again with the same client id is stored
    /// once. Every person must be in the test's scope and in `scope`, or nothing is
    /// written (NotFound); Conflict unless the test is live. Returns how many marks were
    /// new.
    async fn record_marks(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        scope: &CoworkerScope,
        marks: &NewMarks,
        audit: &AuditEvent,
    ) -> StoreResult<u64>;
    /// The scope counted by area and shift (when it opened) and current mark.
    /// Each group's people are inside `inside` (the reader's own scope) or not.
    async fn test_tally(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        inside: Option<&CoworkerScope>,
    ) -> StoreResult<Vec<TallyGroup>>;
    /// The people of the test's scope that `scope` reaches and `filter` keeps, by area
    /// and name, at most `filter.limit`; and how many match in all.
    async fn test_people(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        scope: &CoworkerScope,
        filter: &TestPeopleFilter,
    ) -> StoreResult<(Vec<ScopePerson>, i64)>;
    /// Everyone in the test's scope with their rating then and now, and their mark.
    async fn test_validation(
        &self,
        campaign: CampaignKey,
        test_id: i64,
    ) -> StoreResult<Vec<ValidationInput>>;
    /// The tests a coworker was in (every test opened since they were in its scope), the
    /// latest opened first.
    async fn coworker_tests(
        &self,
        campaign: CampaignKey,
        coworker_id: i64,
    ) -> StoreResult<Vec<CoworkerTest>>;
    /// One person's marks in a test, oldest first: (mark, by whom, when).
    async fn mark_history(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        coworker_id: i64,
    ) -> StoreResult<Vec<(Response, String, DateTime<Utc>)>>;
}

/// Marks to record: one response for each of `coworker_ids`.
#[derive(Debug, Clone)]
pub struct NewMarks {
    /// Made for the form that sent them: the same form sent twice is stored once.
    pub client_id: String,
    pub response: Response,
    pub coworker_ids: Vec<i64>,
    pub recorded_by: i64,
    /// When the server received them.
    pub at: DateTime<Utc>,
    /// When they were made: the time the form was rendered, never after `at`. A person's
    /// current mark is the one made last, so a form sent late (a phone that lost its
    /// signal) never overwrites a mark made after it.
    pub made_at: DateTime<Utc>,
}

/// Which people of a test's scope to list.
#[derive(Debug, Clone, Default)]
pub struct TestPeopleFilter {
    /// Only these areas (as when the test opened).
    pub area_ids: Option<Vec<i64>>,
    pub shift_id: Option<i64>,
    /// Only names containing this (any case).
    pub name: Option<String>,
    pub unmarked_only: bool,
    pub limit: i64,
}

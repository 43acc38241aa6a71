//! Vote plans' storage: the plans, their saved scenarios and polling places, the people
//! a forecast counts, and what closed structure tests observed per rating level.

use async_trait::async_trait;

use super::{AuditEvent, CampaignKey, StoreResult};
use crate::domain::forecast::plan::{
    NewPlace, Observed, PlanFields, PollingPlace, SavedScenario, VotePlan, Voter,
};
use crate::domain::forecast::Scenario;
use crate::domain::CoworkerScope;

#[async_trait]
pub trait VotePlans: Send + Sync {
    async fn create_plan(
        &self,
        campaign: CampaignKey,
        fields: &PlanFields,
        created_by: i64,
        audit: &AuditEvent,
    ) -> StoreResult<i64>;
    async fn update_plan(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
        fields: &PlanFields,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn vote_plan(&self, campaign: CampaignKey, plan_id: i64)
        -> StoreResult<Option<VotePlan>>;
    /// The campaign's plans, the newest first.
    async fn vote_plans(&self, campaign: CampaignKey) -> StoreResult<Vec<VotePlan>>;
    /// Everyone on the chart in `area_ids` (empty: the whole campaign), by id: what a
    /// forecast counts. No names: a forecast is figures.
    async fn voters(&self, campaign: CampaignKey, area_ids: &[i64]) -> StoreResult<Vec<Voter>>;
    /// The names of those of `ids` that `scope` reaches (id, name), by name.
    async fn voter_names(
        &self,
        campaign: CampaignKey,
        ids: &[i64],
        scope: &CoworkerScope,
    ) -> StoreResult<Vec<(i64, String)>>;
    /// Saves a scenario; its id. NotFound if the plan is not the campaign's.
    async fn save_scenario(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
        name: &str,
        scenario: &Scenario,
        saved_by: i64,
        audit: &AuditEvent,
    ) -> StoreResult<i64>;
    /// The plan's saved scenarios, the newest first, at most `limit`.
    async fn scenarios(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<SavedScenario>>;
    /// Adds a polling place; its id. Conflict once the plan has `MAX_PLACES`.
    async fn add_place(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
        place: &NewPlace,
        audit: &AuditEvent,
    ) -> StoreResult<i64>;
    async fn remove_place(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
        place_id: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// The plan's polling places, by opening time and name.
    async fn places(&self, campaign: CampaignKey, plan_id: i64) -> StoreResult<Vec<PollingPlace>>;
    /// Links the practice vote held for the plan (a structure test of the campaign).
    async fn link_practice(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
        test_id: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// What the campaign's closed tests observed per rating level when they opened.
    /// With the disclosure keys of those outside `inside` (the reader's own scope; None:
    /// nobody's) and how many are inside it.
    async fn observed_rates(
        &self,
        campaign: CampaignKey,
        inside: Option<&CoworkerScope>,
    ) -> StoreResult<Observed>;
}

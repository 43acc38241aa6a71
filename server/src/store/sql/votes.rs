//! Vote plans: the plans, their scenarios and polling places, and what a forecast counts.

use app::domain::forecast::plan::{
    NewPlace, Observed, PlanFields, PollingPlace, SavedScenario, VotePlan, Voter,
};
use app::domain::forecast::{level_of, Scenario};
use app::domain::structure::{Response, VoteBase, VoteRule};
use app::domain::{Choice, CoworkerScope};
use app::store::{AuditEvent, CampaignKey, StoreError, StoreResult, VotePlans};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::dashboard::ON_CHART;
use super::structure::placeholders;
use super::{commit_inserted, Adapter};
use crate::store::rows::{corrupt, join_ids};
use crate::store::{scope_clause, DbResult};

const PLAN_COLUMNS: &str = "id, campaign_id, title, vote_base, yes_percent, turnout_percent, \
     area_ids, vote_on, target_percent, planned_turnout, test_id, created_at";

/// Binds a plan's fields, title through planned turnout, in the order both the insert
/// and the update name them.
macro_rules! bind_plan_fields {
    ($query:expr, $f:expr) => {
        $query
            .bind(&$f.title)
            .bind($f.rule.base.key())
            .bind($f.rule.yes_percent)
            .bind($f.rule.turnout_percent)
            .bind(join_ids(&$f.area_ids))
            .bind($f.vote_on)
            .bind($f.target_percent)
            .bind($f.planned_turnout)
    };
}

/// Ids per statement when reading names: well under either backend's limit on binds.
const CHUNK: usize = 500;

/// A saved scenario with who saved it; `scenario` is its JSON.
#[derive(sqlx::FromRow)]
struct ScenarioRow {
    id: i64,
    name: String,
    scenario: String,
    saved_by: String,
    saved_at: DateTime<Utc>,
}

/// A polling place with its organizer's email (None: no organizer).
#[derive(sqlx::FromRow)]
struct PlaceRow {
    id: i64,
    name: String,
    area_id: Option<i64>,
    shift_id: Option<i64>,
    opens_at: NaiveDateTime,
    closes_at: NaiveDateTime,
    organizer_id: Option<i64>,
    organizer: Option<String>,
}

/// The people of closed tests of one kind with one rating (when the test opened) and
/// one mark, on one side of the reader's scope (`inside` 1 or 0), and the sum of their
/// disclosure keys.
#[derive(sqlx::FromRow)]
struct ObservedRow {
    kind: String,
    rating: Option<i32>,
    response: Option<String>,
    people: i64,
    key_sum: i64,
    inside: i32,
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    campaign_id: i64,
    title: String,
    vote_base: String,
    yes_percent: i64,
    turnout_percent: i64,
    area_ids: String,
    vote_on: Option<NaiveDate>,
    target_percent: i64,
    planned_turnout: i64,
    test_id: Option<i64>,
    created_at: DateTime<Utc>,
}

impl TryFrom<PlanRow> for VotePlan {
    type Error = StoreError;

    fn try_from(r: PlanRow) -> Result<Self, StoreError> {
        Ok(VotePlan {
            id: r.id,
            campaign_id: r.campaign_id,
            fields: PlanFields {
                title: r.title,
                rule: VoteRule {
                    base: VoteBase::parse(&r.vote_base)
                        .ok_or_else(|| corrupt("vote base", &r.vote_base))?,
                    yes_percent: r.yes_percent,
                    turnout_percent: r.turnout_percent,
                },
                area_ids: r
                    .area_ids
                    .split(',')
                    .filter_map(|id| id.parse().ok())
                    .collect(),
                vote_on: r.vote_on,
                target_percent: r.target_percent,
                planned_turnout: r.planned_turnout,
            },
            test_id: r.test_id,
            created_at: r.created_at,
        })
    }
}

/// NotFound unless plan `plan_id` is the campaign's, read in `tx`.
async fn plan_in(tx: &mut super::Tx, campaign_id: i64, plan_id: i64) -> StoreResult<()> {
    sqlx::query_scalar::<_, i64>("SELECT id FROM vote_plans WHERE id = $1 AND campaign_id = $2")
        .bind(plan_id)
        .bind(campaign_id)
        .fetch_optional(&mut **tx)
        .await
        .db()?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

#[async_trait]
impl VotePlans for Adapter {
    async fn create_plan(
        &self,
        campaign: CampaignKey,
        f: &PlanFields,
        created_by: i64,
        audit: &AuditEvent,
    ) -> StoreResult<i64> {
        let campaign_id = campaign.id();
        let tx = self.begin_write().await.db()?;
        let insert = sqlx::query_scalar::<_, i64>(
            "INSERT INTO vote_plans (campaign_id, title, vote_base, yes_percent, turnout_percent, \
             area_ids, vote_on, target_percent, planned_turnout, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(campaign_id);
        let insert = bind_plan_fields!(insert, f)
            .bind(created_by)
            .bind(Utc::now());
        commit_inserted(tx, insert, audit).await
    }

    async fn update_plan(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
        f: &PlanFields,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let update = sqlx::query(
            "UPDATE vote_plans SET title = $1, vote_base = $2, yes_percent = $3, \
             turnout_percent = $4, area_ids = $5, vote_on = $6, target_percent = $7, \
             planned_turnout = $8 WHERE id = $9 AND campaign_id = $10",
        );
        let update = bind_plan_fields!(update, f).bind(plan_id).bind(campaign_id);
        self.change_audited(update, audit).await
    }

    async fn vote_plan(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
    ) -> StoreResult<Option<VotePlan>> {
        self.record_in::<PlanRow, _>("vote_plans", PLAN_COLUMNS, campaign.id(), plan_id)
            .await
    }

    async fn vote_plans(&self, campaign: CampaignKey) -> StoreResult<Vec<VotePlan>> {
        let campaign_id = campaign.id();
        sqlx::query_as::<_, PlanRow>(&format!(
            "SELECT {PLAN_COLUMNS} FROM vote_plans WHERE campaign_id = $1 ORDER BY id DESC"
        ))
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?
        .into_iter()
        .map(VotePlan::try_from)
        .collect()
    }

    async fn voters(&self, campaign: CampaignKey, area_ids: &[i64]) -> StoreResult<Vec<Voter>> {
        let campaign_id = campaign.id();
        let areas = if area_ids.is_empty() {
            String::new()
        } else {
            format!(" AND c.area_id IN ({})", placeholders(2, area_ids.len()))
        };
        let sql = format!(
            "SELECT c.id, c.area_id, c.shift_id, c.rating, c.assigned_organizer, c.disclosure_key \
             FROM coworkers c \
             WHERE c.campaign_id = $1 AND {ON_CHART}{areas} ORDER BY c.id"
        );
        let mut query = sqlx::query_as::<
            _,
            (i64, Option<i64>, Option<i64>, Option<i32>, Option<i64>, i32),
        >(&sql)
        .persistent(false)
        .bind(campaign_id);
        for id in area_ids {
            query = query.bind(*id);
        }
        Ok(query
            .fetch_all(&self.pool)
            .await
            .db()?
            .into_iter()
            .map(
                |(coworker_id, area_id, shift_id, rating, organizer_id, key)| Voter {
                    coworker_id,
                    area_id,
                    shift_id,
                    rating,
                    organizer_id,
                    key: key as u32,
                },
            )
            .collect())
    }

    async fn voter_names(
        &self,
        campaign: CampaignKey,
        ids: &[i64],
        scope: &CoworkerScope,
    ) -> StoreResult<Vec<(i64, String)>> {
        let campaign_id = campaign.id();
        let mut out = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            let (scope_sql, scope_binds) = scope_clause(scope, "c.", 2 + chunk.len());
            let sql = format!(
                "SELECT c.id, c.name FROM coworkers c WHERE c.campaign_id = $1 \
                 AND c.id IN ({}){scope_sql}",
                placeholders(2, chunk.len())
            );
            let mut query = sqlx::query_as::<_, (i64, String)>(&sql)
                .persistent(false)
                .bind(campaign_id);
            for id in chunk.iter().chain(&scope_binds) {
                query = query.bind(*id);
            }
            out.extend(query.fetch_all(&self.pool).await.db()?);
        }
        out.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
        Ok(out)
    }

    async fn save_scenario(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
        name: &str,
        scenario: &Scenario,
        saved_by: i64,
        audit: &AuditEvent,
    ) -> StoreResult<i64> {
        let campaign_id = campaign.id();
        let json = serde_json::to_string(scenario).map_err(|e| StoreError::Backend(Box::new(e)))?;
        let mut tx = self.begin_write().await.db()?;
        plan_in(&mut tx, campaign_id, plan_id).await?;
        let insert = sqlx::query_scalar::<_, i64>(
            "INSERT INTO vote_scenarios (plan_id, name, scenario, saved_by, saved_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(plan_id)
        .bind(name)
        .bind(json)
        .bind(saved_by)
        .bind(Utc::now());
        commit_inserted(tx, insert, audit).await
    }

    async fn scenarios(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<SavedScenario>> {
        let campaign_id = campaign.id();
        let rows = sqlx::query_as::<_, ScenarioRow>(
            "SELECT s.id, s.name, s.scenario, u.email AS saved_by, s.saved_at FROM vote_scenarios s \
             JOIN vote_plans p ON p.id = s.plan_id JOIN users u ON u.id = s.saved_by \
             WHERE s.plan_id = $1 AND p.campaign_id = $2 ORDER BY s.id DESC LIMIT $3",
        )
        .bind(plan_id)
        .bind(campaign_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .db()?;
        rows.into_iter()
            .map(
                |ScenarioRow {
                     id,
                     name,
                     scenario,
                     saved_by,
                     saved_at,
                 }| {
                    let scenario =
                        serde_json::from_str(&scenario).map_err(|_| corrupt("scenario", &name))?;
                    Ok(SavedScenario {
                        id,
                        name,
                        scenario,
                        saved_by,
                        saved_at,
                    })
                },
            )
            .collect()
    }

    async fn add_place(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
        place: &NewPlace,
        audit: &AuditEvent,
    ) -> StoreResult<i64> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        plan_in(&mut tx, campaign_id, plan_id).await?;
        let count =
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM polling_places WHERE plan_id = $1")
                .bind(plan_id)
                .fetch_one(&mut *tx)
                .await
                .db()?;
        if count >= app::domain::forecast::plan::MAX_PLACES {
            return Err(StoreError::Conflict(format!(
                "A plan holds at most {} polling places.",
                app::domain::forecast::plan::MAX_PLACES
            )));
        }
        let insert = sqlx::query_scalar::<_, i64>(
            "INSERT INTO polling_places (plan_id, name, area_id, shift_id, opens_at, closes_at, \
             organizer_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(plan_id)
        .bind(&place.name)
        .bind(place.area_id)
        .bind(place.shift_id)
        .bind(place.opens_at)
        .bind(place.closes_at)
        .bind(place.organizer_id)
        .bind(Utc::now());
        commit_inserted(tx, insert, audit).await
    }

    async fn remove_place(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
        place_id: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let delete = sqlx::query(
            "DELETE FROM polling_places WHERE id = $1 AND plan_id = $2 \
             AND EXISTS (SELECT 1 FROM vote_plans p WHERE p.id = $2 AND p.campaign_id = $3)",
        )
        .bind(place_id)
        .bind(plan_id)
        .bind(campaign_id);
        self.change_audited(delete, audit).await
    }

    async fn places(&self, campaign: CampaignKey, plan_id: i64) -> StoreResult<Vec<PollingPlace>> {
        let campaign_id = campaign.id();
        let rows = sqlx::query_as::<_, PlaceRow>(
            "SELECT l.id, l.name, l.area_id, l.shift_id, l.opens_at, l.closes_at, l.organizer_id, \
             u.email AS organizer FROM polling_places l JOIN vote_plans p ON p.id = l.plan_id \
             LEFT JOIN users u ON u.id = l.organizer_id \
             WHERE l.plan_id = $1 AND p.campaign_id = $2 ORDER BY l.opens_at, l.name, l.id",
        )
        .bind(plan_id)
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        Ok(rows
            .into_iter()
            .map(|r| PollingPlace {
                id: r.id,
                plan_id,
                name: r.name,
                area_id: r.area_id,
                shift_id: r.shift_id,
                opens_at: r.opens_at,
                closes_at: r.closes_at,
                organizer_id: r.organizer_id,
                organizer: r.organizer,
            })
            .collect())
    }

    async fn link_practice(
        &self,
        campaign: CampaignKey,
        plan_id: i64,
        test_id: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let link = sqlx::query(
            "UPDATE vote_plans SET test_id = $1 WHERE id = $2 AND campaign_id = $3 \
             AND EXISTS (SELECT 1 FROM structure_tests t WHERE t.id = $1 AND t.campaign_id = $3)",
        )
        .bind(test_id)
        .bind(plan_id)
        .bind(campaign_id);
        self.change_audited(link, audit).await
    }

    async fn observed_rates(
        &self,
        campaign: CampaignKey,
        inside: Option<&CoworkerScope>,
    ) -> StoreResult<Observed> {
        let campaign_id = campaign.id();
        let (inside, binds) = crate::store::inside_clause(inside, "c.", 2);
        let sql = format!(
            "SELECT t.kind, s.rating, s.response, COUNT(*) AS people, \
             SUM(c.disclosure_key) AS key_sum, CASE WHEN {inside} THEN 1 ELSE 0 END AS inside \
             FROM structure_test_scope s JOIN structure_tests t ON t.id = s.test_id \
             JOIN coworkers c ON c.id = s.coworker_id \
             WHERE t.campaign_id = $1 AND t.status = 'closed' \
             GROUP BY t.kind, s.rating, s.response, CASE WHEN {inside} THEN 1 ELSE 0 END"
        );
        let mut query = sqlx::query_as::<_, ObservedRow>(&sql).bind(campaign_id);
        for value in binds {
            query = query.bind(value);
        }
        let rows = query.fetch_all(&self.pool).await.db()?;
        let tests = sqlx::query_as::<_, (String, i64)>(
            "SELECT kind, COUNT(*) FROM structure_tests WHERE campaign_id = $1 \
             AND status = 'closed' GROUP BY kind",
        )
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        let is_vote = |kind: &str| matches!(kind, "mock_vote" | "strike_vote");
        let mut o = Observed::default();
        for (kind, n) in tests {
            if is_vote(&kind) {
                o.vote_tests += n;
            } else {
                o.action_tests += n;
            }
        }
        for ObservedRow {
            kind,
            rating,
            response,
            people,
            key_sum,
            inside,
        } in rows
        {
            // Those inside the reader's scope count exactly, the others by their keys.
            let (key, inside) = if inside == 1 {
                (0, people)
            } else {
                (app::domain::disclosure::Keyed::new(people, key_sum).key, 0)
            };
            let level = level_of(rating);
            let mark = response
                .map(|m| Response::parse(&m).ok_or_else(|| corrupt("mark", &m)))
                .transpose()?;
            if is_vote(&kind) {
                let (v, k) = (&mut o.votes[level], &mut o.keys.votes[level]);
                let i = &mut o.keys.votes_inside[level];
                v.0 += people;
                k.0 = k.0.wrapping_add(key);
                i.0 += inside;
                if matches!(mark, Some(Response::Yes | Response::No | Response::Abstain)) {
                    v.1 += people;
                    k.1 = k.1.wrapping_add(key);
                    i.1 += inside;
                }
                if mark == Some(Response::Yes) {
                    v.2 += people;
                    k.2 = k.2.wrapping_add(key);
                    i.2 += inside;
                }
            } else {
                let (a, k) = (&mut o.actions[level], &mut o.keys.actions[level]);
                let i = &mut o.keys.actions_inside[level];
                a.0 += people;
                k.0 = k.0.wrapping_add(key);
                i.0 += inside;
                if mark.is_some_and(Response::took_part) {
                    a.1 += people;
                    k.1 = k.1.wrapping_add(key);
                    i.1 += inside;
                }
            }
        }
        Ok(o)
    }
}

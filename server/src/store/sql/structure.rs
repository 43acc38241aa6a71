//! Structure tests: the tests, the scope each fixed when it opened, and the marks.

use app::domain::disclosure::Keyed;

/// A group's count as the disclosure policy takes it: all inside the reader's scope
/// (`inside` 1: counted exactly), or all outside (their keys summed).
fn keyed(people: i64, key_sum: i64, inside: i32) -> Keyed {
    if inside == 1 {
        Keyed {
            people,
            key: 0,
            inside: people,
        }
    } else {
        Keyed::new(people, key_sum)
    }
}
use app::domain::structure::tally::TallyGroup;
use app::domain::structure::{
    Counts, CoworkerTest, Response, ScopePerson, StructureTest, TestKind, TestPlan, TestStatus,
    ValidationInput, VoteBase, VoteRule,
};
use app::domain::{Choice, CoworkerScope};
use app::store::{
    AuditEvent, CampaignKey, NewMarks, StoreError, StoreResult, StructureTests, TestPeopleFilter,
};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};

use super::dashboard::ON_CHART;
use super::{commit_audited, commit_inserted, Adapter, Db, Tx, FOR_UPDATE};
use crate::store::rows::{corrupt, join_ids};
use crate::store::{scope_clause, DbResult};

const TEST_COLUMNS: &str = "id, campaign_id, kind, title, description, status, opens_at, \
     closes_at, goal_percent, vote_base, yes_percent, turnout_percent, area_ids, \
     opened_at, closed_at";

/// Binds a plan's ten columns, in the order both statements name them.
macro_rules! bind_plan {
    ($query:expr, $plan:expr) => {
        $query
            .bind($plan.kind.key())
            .bind(&$plan.title)
            .bind(&$plan.description)
            .bind($plan.opens_at)
            .bind($plan.closes_at)
            .bind($plan.goal_percent)
            .bind($plan.rule.map(|r| r.base.key()))
            .bind($plan.rule.map(|r| r.yes_percent))
            .bind($plan.rule.map(|r| r.turnout_percent))
            .bind(join_ids(&$plan.area_ids))
    };
}

/// People per statement when marking many: well under either backend's limit on binds.
const CHUNK: usize = 500;

/// The people of one test with one mark, on one side of the reader's scope (`inside`
/// 1 or 0), and the sum of their disclosure keys.
#[derive(sqlx::FromRow)]
struct MarkGroupRow {
    test_id: i64,
    response: Option<String>,
    people: i64,
    key_sum: i64,
    inside: i32,
}

/// The people of one test in one area × shift with one mark, on one side of the
/// reader's scope (`inside` 1 or 0), and the sum of their disclosure keys.
#[derive(sqlx::FromRow)]
struct TallyRow {
    area_id: Option<i64>,
    shift_id: Option<i64>,
    response: Option<String>,
    people: i64,
    key_sum: i64,
    inside: i32,
}

/// A person in a test's scope, with their mark and current rating.
#[derive(sqlx::FromRow)]
struct ScopePersonRow {
    coworker_id: i64,
    name: String,
    area_id: Option<i64>,
    shift_id: Option<i64>,
    response: Option<String>,
    rating: Option<i32>,
}

/// A person in a test's scope as the validation compares them: their area, rating and
/// rater when the test opened, their mark, and their rating, area and organizer now.
#[derive(sqlx::FromRow)]
struct ValidationRow {
    coworker_id: i64,
    name: String,
    area_id: Option<i64>,
    rating_then: Option<i32>,
    rated_by: Option<String>,
    response: Option<String>,
    rating_now: Option<i32>,
    disclosure_key: i32,
    now_area_id: Option<i64>,
    assigned_organizer: Option<i64>,
}

/// A test a coworker was in scope of, with their mark and their rating when it opened.
#[derive(sqlx::FromRow)]
struct CoworkerTestRow {
    test_id: i64,
    title: String,
    kind: String,
    status: String,
    response: Option<String>,
    rating_then: Option<i32>,
}

impl TryFrom<CoworkerTestRow> for CoworkerTest {
    type Error = StoreError;

    fn try_from(r: CoworkerTestRow) -> StoreResult<Self> {
        Ok(CoworkerTest {
            test_id: r.test_id,
            title: r.title,
            kind: TestKind::parse(&r.kind).ok_or_else(|| corrupt("test kind", &r.kind))?,
            status: TestStatus::parse(&r.status)
                .ok_or_else(|| corrupt("test status", &r.status))?,
            response: response(r.response)?,
            rating_then: r.rating_then,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TestRow {
    id: i64,
    campaign_id: i64,
    kind: String,
    title: String,
    description: String,
    status: String,
    opens_at: Option<NaiveDateTime>,
    closes_at: Option<NaiveDateTime>,
    goal_percent: i64,
    vote_base: Option<String>,
    yes_percent: Option<i64>,
    turnout_percent: Option<i64>,
    area_ids: String,
    opened_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
}

impl TryFrom<TestRow> for StructureTest {
    type Error = StoreError;

    fn try_from(r: TestRow) -> Result<Self, StoreError> {
        let rule = match (r.vote_base, r.yes_percent) {
            (Some(base), Some(yes_percent)) => Some(VoteRule {
                base: VoteBase::parse(&base).ok_or_else(|| corrupt("vote base", &base))?,
                yes_percent,
                turnout_percent: r.turnout_percent.unwrap_or(0),
            }),
            _ => None,
        };
        Ok(StructureTest {
            id: r.id,
            campaign_id: r.campaign_id,
            kind: TestKind::parse(&r.kind).ok_or_else(|| corrupt("test kind", &r.kind))?,
            title: r.title,
            description: r.description,
            status: TestStatus::parse(&r.status)
                .ok_or_else(|| corrupt("test status", &r.status))?,
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            goal_percent: r.goal_percent,
            rule,
            area_ids: r
                .area_ids
                .split(',')
                .filter_map(|id| id.parse().ok())
                .collect(),
            opened_at: r.opened_at,
            closed_at: r.closed_at,
        })
    }
}

fn response(raw: Option<String>) -> StoreResult<Option<Response>> {
    raw.map(|r| Response::parse(&r).ok_or_else(|| corrupt("mark", &r)))
        .transpose()
}

/// `$first, $first+1, …` for `n` binds.
pub(super) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The status of test `test_id` of the campaign, read in `tx`; NotFound if none.
async fn status_in(tx: &mut Tx, campaign_id: i64, test_id: i64) -> StoreResult<TestStatus> {
    let status = sqlx::query_scalar::<_, String>(
        "SELECT status FROM structure_tests WHERE id = $1 AND campaign_id = $2",
    )
    .bind(test_id)
    .bind(campaign_id)
    .fetch_optional(&mut **tx)
    .await
    .db()?
    .ok_or(StoreError::NotFound)?;
    TestStatus::parse(&status).ok_or_else(|| corrupt("test status", &status))
}

/// Moves a test from `from` to `to`, setting `stamp` (a column) to `at`, in `tx`.
async fn advance(
    tx: &mut Tx,
    campaign_id: i64,
    test_id: i64,
    from: TestStatus,
    to: TestStatus,
    stamp: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let status = status_in(tx, campaign_id, test_id).await?;
    if status != from {
        return Err(StoreError::Conflict(format!(
            "This test is {}, not {}.",
            status.label().to_lowercase(),
            from.label().to_lowercase()
        )));
    }
    sqlx::query(&format!(
        "UPDATE structure_tests SET status = $1, {stamp} = $2 WHERE id = $3 AND campaign_id = $4"
    ))
    .bind(to.key())
    .bind(at)
    .bind(test_id)
    .bind(campaign_id)
    .execute(&mut **tx)
    .await
    .db()?;
    Ok(())
}

/// The `WHERE` of the people of a test that `scope` and `filter` keep, and its binds
/// after `$1` (test) and `$2` (campaign).
fn people_where(
    scope: &CoworkerScope,
    filter: &TestPeopleFilter,
) -> (String, Vec<i64>, Option<String>) {
    let (mut sql, mut binds) = scope_clause(scope, "c.", 3);
    if let Some(areas) = &filter.area_ids {
        if areas.is_empty() {
            sql.push_str(" AND 1 = 0");
        } else {
            sql.push_str(&format!(
                " AND s.area_id IN ({})",
                placeholders(3 + binds.len(), areas.len())
            ));
            binds.extend(areas);
        }
    }
    if let Some(shift) = filter.shift_id {
        sql.push_str(&format!(" AND s.shift_id = ${}", 3 + binds.len()));
        binds.push(shift);
    }
    if filter.unmarked_only {
        sql.push_str(" AND s.response IS NULL");
    }
    let name = filter.name.as_ref().map(|n| {
        sql.push_str(&format!(
            " AND lower(c.name) LIKE ${} ESCAPE '\\'",
            3 + binds.len()
        ));
        let escaped = n
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    (sql, binds, name)
}

#[async_trait]
impl StructureTests for Adapter {
    async fn create_test(
        &self,
        campaign: CampaignKey,
        plan: &TestPlan,
        created_by: i64,
        audit: &AuditEvent,
    ) -> StoreResult<i64> {
        let campaign_id = campaign.id();
        let tx = self.begin_write().await.db()?;
        let insert = sqlx::query_scalar::<_, i64>(
            "INSERT INTO structure_tests (campaign_id, kind, title, description, opens_at, \
             closes_at, goal_percent, vote_base, yes_percent, turnout_percent, \
             area_ids, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(campaign_id);
        let insert = bind_plan!(insert, plan).bind(created_by).bind(Utc::now());
        commit_inserted(tx, insert, audit).await
    }

    async fn update_test(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        plan: &TestPlan,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        if status_in(&mut tx, campaign_id, test_id).await? != TestStatus::Planned {
            return Err(StoreError::Conflict(
                "This test has opened: its plan is fixed.".into(),
            ));
        }
        let update = sqlx::query(
            "UPDATE structure_tests SET kind = $1, title = $2, description = $3, opens_at = $4, \
             closes_at = $5, goal_percent = $6, vote_base = $7, yes_percent = $8, \
             turnout_percent = $9, area_ids = $10 WHERE id = $11 AND campaign_id = $12",
        );
        bind_plan!(update, plan)
            .bind(test_id)
            .bind(campaign_id)
            .execute(&mut *tx)
            .await
            .db()?;
        commit_audited(tx, audit).await
    }

    async fn structure_test(
        &self,
        campaign: CampaignKey,
        test_id: i64,
    ) -> StoreResult<Option<StructureTest>> {
        self.record_in::<TestRow, _>("structure_tests", TEST_COLUMNS, campaign.id(), test_id)
            .await
    }

    async fn structure_tests(
        &self,
        campaign: CampaignKey,
        inside: Option<&CoworkerScope>,
    ) -> StoreResult<Vec<(StructureTest, Option<Counts>)>> {
        let campaign_id = campaign.id();
        let tests = sqlx::query_as::<_, TestRow>(&format!(
            "SELECT {TEST_COLUMNS} FROM structure_tests WHERE campaign_id = $1 \
             ORDER BY opened_at IS NULL, opened_at, id"
        ))
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        let (inside, binds) = crate::store::inside_clause(inside, "c.", 2);
        let sql = format!(
            "SELECT s.test_id, s.response, COUNT(*) AS people, SUM(c.disclosure_key) AS key_sum, \
             CASE WHEN {inside} THEN 1 ELSE 0 END AS inside \
             FROM structure_test_scope s JOIN structure_tests t ON t.id = s.test_id \
             JOIN coworkers c ON c.id = s.coworker_id WHERE t.campaign_id = $1 \
             GROUP BY s.test_id, s.response, CASE WHEN {inside} THEN 1 ELSE 0 END"
        );
        let mut query = sqlx::query_as::<_, MarkGroupRow>(&sql).bind(campaign_id);
        for value in binds {
            query = query.bind(value);
        }
        let groups = query.fetch_all(&self.pool).await.db()?;
        let mut counts: Vec<(i64, Counts)> = Vec::new();
        for MarkGroupRow {
            test_id,
            response: mark,
            people,
            key_sum,
            inside,
        } in groups
        {
            let mark = response(mark)?;
            let people = keyed(people, key_sum, inside);
            match counts.iter_mut().find(|(id, _)| *id == test_id) {
                Some((_, c)) => c.add(mark, people),
                None => {
                    let mut c = Counts::default();
                    c.add(mark, people);
                    counts.push((test_id, c));
                }
            }
        }
        tests
            .into_iter()
            .map(|row| {
                let test = StructureTest::try_from(row)?;
                let c = (test.status != TestStatus::Planned).then(|| {
                    counts
                        .iter()
                        .find(|(id, _)| *id == test.id)
                        .map(|(_, c)| *c)
                        .unwrap_or_default()
                });
                Ok((test, c))
            })
            .collect()
    }

    async fn open_test(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        area_ids: Option<&[i64]>,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<i64> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        advance(
            &mut tx,
            campaign_id,
            test_id,
            TestStatus::Planned,
            TestStatus::Live,
            "opened_at",
            at,
        )
        .await?;
        let areas = match area_ids {
            None => String::new(),
            Some([]) => " AND 1 = 0".to_owned(),
            Some(ids) => format!(" AND c.area_id IN ({})", placeholders(3, ids.len())),
        };
        // Each person's rating now, and who gave it: the latest assessment, which is the
        // one `coworkers.rating` holds.
        let sql = format!(
            "INSERT INTO structure_test_scope (test_id, coworker_id, area_id, shift_id, rating, \
             rated_by) \
             SELECT $1, c.id, c.area_id, c.shift_id, c.rating, \
             CASE WHEN c.rating IS NULL THEN NULL ELSE (SELECT a.organizer_id FROM assessments a \
             WHERE a.coworker_id = c.id ORDER BY a.at DESC, a.id DESC LIMIT 1) END \
             FROM coworkers c WHERE c.campaign_id = $2 AND {ON_CHART}{areas}"
        );
        let mut insert = sqlx::query(&sql).bind(test_id).bind(campaign_id);
        for id in area_ids.unwrap_or_default() {
            insert = insert.bind(*id);
        }
        let scope = insert.execute(&mut *tx).await.db()?.rows_affected();
        commit_audited(tx, audit).await?;
        Ok(scope as i64)
    }

    async fn close_test(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        advance(
            &mut tx,
            campaign_id,
            test_id,
            TestStatus::Live,
            TestStatus::Closed,
            "closed_at",
            at,
        )
        .await?;
        commit_audited(tx, audit).await
    }

    async fn record_marks(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        scope: &CoworkerScope,
        marks: &NewMarks,
        audit: &AuditEvent,
    ) -> StoreResult<u64> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        if status_in(&mut tx, campaign_id, test_id).await? != TestStatus::Live {
            return Err(StoreError::Conflict(
                "This test is not live: marks are recorded while it is open.".into(),
            ));
        }
        // Everyone named must be in the test and in the recorder's scope, or nothing is
        // written: checked in the same transaction as the write.
        for chunk in marks.coworker_ids.chunks(CHUNK) {
            let (scope_sql, scope_binds) = scope_clause(scope, "c.", 3 + chunk.len());
            let sql = format!(
                "SELECT COUNT(*) FROM structure_test_scope s JOIN coworkers c \
                 ON c.id = s.coworker_id WHERE s.test_id = $1 AND c.campaign_id = $2 \
                 AND s.coworker_id IN ({}){scope_sql}",
                placeholders(3, chunk.len())
            );
            let mut count = sqlx::query_scalar::<_, i64>(&sql)
                .bind(test_id)
                .bind(campaign_id);
            for id in chunk.iter().chain(&scope_binds) {
                count = count.bind(*id);
            }
            if count.fetch_one(&mut *tx).await.db()? != chunk.len() as i64 {
                return Err(StoreError::NotFound);
            }
        }
        // Each person's place in the scope is locked until this form's marks are theirs
        // (PostgreSQL; SQLite's writer holds the database): a form recorded at the same
        // moment for the same people waits, then compares its marks with these. Locked
        // in order of id, so two forms never wait on each other.
        if !FOR_UPDATE.is_empty() {
            let mut ids = marks.coworker_ids.clone();
            ids.sort_unstable();
            for chunk in ids.chunks(CHUNK) {
                let sql = format!(
                    "SELECT coworker_id FROM structure_test_scope WHERE test_id = $1 \
                     AND coworker_id IN ({}) ORDER BY coworker_id{FOR_UPDATE}",
                    placeholders(2, chunk.len())
                );
                let mut lock = sqlx::query_scalar::<_, i64>(&sql).bind(test_id);
                for id in chunk {
                    lock = lock.bind(*id);
                }
                lock.fetch_all(&mut *tx).await.db()?;
            }
        }
        let mut stored = 0;
        for chunk in marks.coworker_ids.chunks(CHUNK) {
            let mut insert = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO participation_marks (test_id, coworker_id, response, client_id, \
                 recorded_by, recorded_at, made_at_ms) ",
            );
            insert.push_values(chunk, |mut row, id| {
                row.push_bind(test_id)
                    .push_bind(*id)
                    .push_bind(marks.response.key())
                    .push_bind(marks.client_id.clone())
                    .push_bind(marks.recorded_by)
                    .push_bind(marks.at)
                    .push_bind(marks.made_at.timestamp_millis());
            });
            insert.push(" ON CONFLICT (test_id, client_id, coworker_id) DO NOTHING");
            stored += insert.build().execute(&mut *tx).await.db()?.rows_affected();
        }
        if stored > 0 {
            // Each person's current mark becomes this form's, unless a mark made later
            // is already theirs: made later by the time each form was rendered, then by
            // arrival (a mark stored before made_at_ms existed loses to any new one). A
            // form sent late, or sent again, changes nothing it should not.
            sqlx::query(
                "UPDATE structure_test_scope SET \
                 response = (SELECT m.response FROM participation_marks m WHERE m.test_id = $1 \
                  AND m.client_id = $2 AND m.coworker_id = structure_test_scope.coworker_id), \
                 mark_id = (SELECT m.id FROM participation_marks m WHERE m.test_id = $1 \
                  AND m.client_id = $2 AND m.coworker_id = structure_test_scope.coworker_id) \
                 WHERE test_id = $1 AND coworker_id IN (SELECT m.coworker_id FROM \
                  participation_marks m WHERE m.test_id = $1 AND m.client_id = $2) \
                 AND NOT EXISTS (SELECT 1 FROM participation_marks cur \
                  JOIN participation_marks new ON new.test_id = $1 AND new.client_id = $2 \
                  AND new.coworker_id = cur.coworker_id \
                  WHERE cur.id = structure_test_scope.mark_id \
                  AND (COALESCE(cur.made_at_ms, -1) > new.made_at_ms \
                   OR (COALESCE(cur.made_at_ms, -1) = new.made_at_ms AND cur.id >= new.id)))",
            )
            .bind(test_id)
            .bind(&marks.client_id)
            .execute(&mut *tx)
            .await
            .db()?;
            commit_audited(tx, audit).await?;
        } else {
            tx.commit().await.db()?;
        }
        Ok(stored)
    }

    async fn test_tally(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        inside: Option<&CoworkerScope>,
    ) -> StoreResult<Vec<TallyGroup>> {
        let campaign_id = campaign.id();
        let (inside, binds) = crate::store::inside_clause(inside, "c.", 3);
        let sql = format!(
            "SELECT s.area_id, s.shift_id, s.response, COUNT(*) AS people, \
             SUM(c.disclosure_key) AS key_sum, CASE WHEN {inside} THEN 1 ELSE 0 END AS inside \
             FROM structure_test_scope s JOIN coworkers c ON c.id = s.coworker_id \
             WHERE s.test_id = $1 AND s.test_id IN \
             (SELECT id FROM structure_tests WHERE campaign_id = $2) \
             GROUP BY s.area_id, s.shift_id, s.response, CASE WHEN {inside} THEN 1 ELSE 0 END"
        );
        let mut query = sqlx::query_as::<_, TallyRow>(&sql)
            .bind(test_id)
            .bind(campaign_id);
        for value in binds {
            query = query.bind(value);
        }
        let rows = query.fetch_all(&self.pool).await.db()?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    r.area_id,
                    r.shift_id,
                    response(r.response)?,
                    keyed(r.people, r.key_sum, r.inside),
                ))
            })
            .collect()
    }

    async fn test_people(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        scope: &CoworkerScope,
        filter: &TestPeopleFilter,
    ) -> StoreResult<(Vec<ScopePerson>, i64)> {
        let campaign_id = campaign.id();
        let (conditions, binds, name) = people_where(scope, filter);
        let from = format!(
            "FROM structure_test_scope s JOIN coworkers c ON c.id = s.coworker_id \
             LEFT JOIN areas a ON a.id = s.area_id \
             WHERE s.test_id = $1 AND c.campaign_id = $2{conditions}"
        );
        let sql = format!(
            "SELECT s.coworker_id, c.name, s.area_id, s.shift_id, s.response, c.rating {from} \
             ORDER BY a.name IS NULL, a.name, c.name, c.id LIMIT {}",
            filter.limit.max(0)
        );
        let mut list = sqlx::query_as::<_, ScopePersonRow>(&sql)
            .bind(test_id)
            .bind(campaign_id);
        let count_sql = format!("SELECT COUNT(*) {from}");
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql)
            .bind(test_id)
            .bind(campaign_id);
        for b in &binds {
            list = list.bind(*b);
            count = count.bind(*b);
        }
        if let Some(name) = &name {
            list = list.bind(name.clone());
            count = count.bind(name.clone());
        }
        let rows = list.fetch_all(&self.pool).await.db()?;
        let total = count.fetch_one(&self.pool).await.db()?;
        let people = rows
            .into_iter()
            .map(|r| {
                Ok(ScopePerson {
                    coworker_id: r.coworker_id,
                    name: r.name,
                    area_id: r.area_id,
                    shift_id: r.shift_id,
                    response: response(r.response)?,
                    rating: r.rating,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((people, total))
    }

    async fn test_validation(
        &self,
        campaign: CampaignKey,
        test_id: i64,
    ) -> StoreResult<Vec<ValidationInput>> {
        let campaign_id = campaign.id();
        let rows = sqlx::query_as::<_, ValidationRow>(
            "SELECT s.coworker_id, c.name, s.area_id, s.rating AS rating_then, u.email AS rated_by, \
             s.response, c.rating AS rating_now, c.disclosure_key, c.area_id AS now_area_id, \
             c.assigned_organizer \
             FROM structure_test_scope s JOIN coworkers c ON c.id = s.coworker_id \
             LEFT JOIN users u ON u.id = s.rated_by \
             WHERE s.test_id = $1 AND c.campaign_id = $2 ORDER BY c.name, c.id",
        )
        .bind(test_id)
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        rows.into_iter()
            .map(|r| {
                Ok(ValidationInput {
                    coworker_id: r.coworker_id,
                    name: r.name,
                    area_id: r.area_id,
                    rating_then: r.rating_then,
                    rated_by: r.rated_by,
                    response: response(r.response)?,
                    rating_now: r.rating_now,
                    key: r.disclosure_key as u32,
                    now_area_id: r.now_area_id,
                    organizer_id: r.assigned_organizer,
                })
            })
            .collect()
    }

    async fn coworker_tests(
        &self,
        campaign: CampaignKey,
        coworker_id: i64,
    ) -> StoreResult<Vec<CoworkerTest>> {
        let sql = "SELECT t.id AS test_id, t.title, t.kind, t.status, s.response, \
             s.rating AS rating_then \
             FROM structure_test_scope s JOIN structure_tests t ON t.id = s.test_id \
             WHERE t.campaign_id = $1 AND s.coworker_id = $2 ORDER BY t.opened_at DESC, t.id DESC";
        self.rows_of::<CoworkerTestRow, _>(sql, campaign.id(), coworker_id)
            .await
    }

    async fn mark_history(
        &self,
        campaign: CampaignKey,
        test_id: i64,
        coworker_id: i64,
    ) -> StoreResult<Vec<(Response, String, DateTime<Utc>)>> {
        let campaign_id = campaign.id();
        let rows = sqlx::query_as::<_, (String, String, DateTime<Utc>)>(
            "SELECT m.response, u.email, m.recorded_at FROM participation_marks m \
             JOIN users u ON u.id = m.recorded_by JOIN structure_tests t ON t.id = m.test_id \
             WHERE m.test_id = $1 AND t.campaign_id = $2 AND m.coworker_id = $3 ORDER BY m.id",
        )
        .bind(test_id)
        .bind(campaign_id)
        .bind(coworker_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        rows.into_iter()
            .map(|(mark, by, at)| {
                let mark = Response::parse(&mark).ok_or_else(|| corrupt("mark", &mark))?;
                Ok((mark, by, at))
            })
            .collect()
    }
}

//! The organizer's loop: settings, one-on-ones, ratings, follow-ups, commitments.

use app::domain::organizing::{
    Assessment, CampaignSettings, Commitment, CommitmentStatus, CommitteeCell, Conversation,
    Coverage, FollowUp, MyList, NewConversation, OrganizerLoad, Person, Source, FOUND_SHOWN,
    SEARCH_MAX, UNREACHED_SHOWN,
};
use app::domain::{Choice, CoworkerScope};
use app::store::{
    AuditEvent, CampaignKey, LoggedItem, NewAssessment, OrganizingLoop, StoreError, StoreResult,
};
use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{commit_audited, Adapter, Db, Tx};
use crate::store::rows::{corrupt, split_tags, CommitmentRow, ConversationRow};
use crate::store::{scope_clause, DbResult};

/// A dated rating with the organizer who gave it.
#[derive(sqlx::FromRow)]
struct AssessmentRow {
    at: DateTime<Utc>,
    rating: i32,
    source: String,
    note: String,
    organizer: String,
}

impl TryFrom<AssessmentRow> for Assessment {
    type Error = StoreError;

    fn try_from(r: AssessmentRow) -> StoreResult<Self> {
        Ok(Assessment {
            at: r.at,
            rating: r.rating,
            source: Source::parse(&r.source).ok_or_else(|| corrupt("source", &r.source))?,
            note: r.note,
            organizer: r.organizer,
        })
    }
}

/// Coworkers and committee members in one area × shift (None: no area, no shift).
#[derive(sqlx::FromRow)]
struct CellRow {
    area: Option<String>,
    shift: Option<String>,
    coworkers: i64,
    committee: i64,
}

/// A campaign's settings as stored; `issue_tags` is comma-separated.
#[derive(sqlx::FromRow)]
struct SettingsRow {
    stale_days: i64,
    issue_tags: String,
    min_group_size: i64,
    support_target: i64,
    second_factor_for_organizers: bool,
}

/// A rating dated at or after the coworker's latest (`$1` rating, `$2` its moment, `$3`
/// now, `$4` coworker, `$5` campaign) becomes the current one. The rating runs (migration
/// 0015): the same number continues the current run; another number starts a run at `$2`,
/// and the run it ends becomes the prior one; a first rating starts the first run. The
/// assignments read the row as it was.
const RATE_CURRENT: &str = "UPDATE coworkers SET \
     prior_rating = CASE WHEN rated_at IS NULL THEN NULL \
         WHEN rating = $1 THEN prior_rating ELSE rating END, \
     prior_since = CASE WHEN rated_at IS NULL THEN NULL \
         WHEN rating = $1 THEN prior_since ELSE rating_since END, \
     rating_since = CASE WHEN rated_at IS NOT NULL AND rating = $1 THEN rating_since \
         ELSE $2 END, \
     rating = $1, rated_at = $2, updated_at = $3 \
     WHERE id = $4 AND campaign_id = $5 AND (rated_at IS NULL OR rated_at <= $2)";

/// A rating dated before the coworker's latest (a log sent late; `$1` rating, `$2` its
/// moment, `$3` coworker, `$4` campaign) leaves the current rating alone, but it lands
/// inside the history the runs describe. Where it breaks a run (another number inside
/// it), the row stops vouching for what it no longer knows: the current run then starts
/// at the latest rating, and the prior run is unknown (its start at the current run's, so
/// a past map probes the history). Before the first run, it is the run before, or the
/// first run's new start when it gives the same number. Before the prior run it changes
/// nothing.
const RATE_LATE: &str = "UPDATE coworkers SET \
     rating_since = CASE WHEN $2 >= rating_since \
             THEN CASE WHEN rating = $1 THEN rating_since ELSE rated_at END \
         WHEN prior_since IS NULL AND rating = $1 THEN $2 \
         ELSE rating_since END, \
     prior_rating = CASE WHEN $2 < rating_since AND prior_since IS NULL AND rating <> $1 \
         THEN $1 ELSE prior_rating END, \
     prior_since = CASE WHEN $2 >= rating_since \
             THEN CASE WHEN rating = $1 THEN prior_since ELSE rated_at END \
         WHEN prior_since IS NULL THEN CASE WHEN rating = $1 THEN NULL ELSE $2 END \
         WHEN $2 >= prior_since AND prior_rating <> $1 THEN rating_since \
         ELSE prior_since END \
     WHERE id = $3 AND campaign_id = $4 AND rated_at > $2";

/// Appends a dated rating and makes it the coworker's current one unless a later
/// rating exists (a log sent late must not overwrite a newer judgment).
async fn insert_assessment(
    tx: &mut Tx,
    campaign_id: i64,
    a: &NewAssessment,
    conversation_id: Option<i64>,
    client_id: Option<&str>,
) -> StoreResult<bool> {
    // A repeated client id (a kept rating sent again) stores nothing the second time.
    let inserted = sqlx::query(
        "INSERT INTO assessments (campaign_id, coworker_id, rating, organizer_id, at, source, \
         note, conversation_id, client_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (campaign_id, client_id) DO NOTHING",
    )
    .bind(campaign_id)
    .bind(a.coworker_id)
    .bind(a.rating)
    .bind(a.organizer_id)
    .bind(a.at)
    .bind(a.source.key())
    .bind(&a.note)
    .bind(conversation_id)
    .bind(client_id)
    .execute(&mut **tx)
    .await
    .db()?;
    if inserted.rows_affected() == 0 {
        return Ok(false);
    }
    let current = sqlx::query(RATE_CURRENT)
        .bind(a.rating)
        .bind(a.at)
        .bind(Utc::now())
        .bind(a.coworker_id)
        .bind(campaign_id)
        .execute(&mut **tx)
        .await
        .db()?;
    if current.rows_affected() == 0 {
        sqlx::query(RATE_LATE)
            .bind(a.rating)
            .bind(a.at)
            .bind(a.coworker_id)
            .bind(campaign_id)
            .execute(&mut **tx)
            .await
            .db()?;
    }
    Ok(true)
}

/// The coworker a conversation or a commitment is about (`sql` selects `coworker_id`).
async fn coworker_of(
    pool: &sqlx::Pool<Db>,
    sql: &'static str,
    campaign_id: i64,
    id: i64,
) -> StoreResult<Option<i64>> {
    sqlx::query_scalar::<_, i64>(sql)
        .bind(campaign_id)
        .bind(id)
        .fetch_optional(pool)
        .await
        .db()
}

/// A coworker in one of the organizer's lists: `id, name, rating` and the moment the
/// list is about (rated, or last talked to).
type PersonRow = (i64, String, Option<i32>, Option<DateTime<Utc>>);

fn person((id, name, rating, since): PersonRow) -> Person {
    Person {
        id,
        name,
        rating,
        since,
    }
}

/// The people `query` selects (its columns a [`PersonRow`], its arguments bound).
async fn people<'q>(
    pool: &sqlx::Pool<Db>,
    query: sqlx::query::QueryAs<'q, Db, PersonRow, <Db as sqlx::Database>::Arguments<'q>>,
) -> StoreResult<Vec<Person>> {
    let rows = query.fetch_all(pool).await.db()?;
    Ok(rows.into_iter().map(person).collect())
}

/// People selected by `sql` with `$1` the campaign, `$2` `second`, then the scope's values.
fn scoped<'q, V>(
    sql: &'q str,
    campaign_id: i64,
    second: V,
    scope_binds: &[i64],
) -> sqlx::query::QueryAs<'q, Db, PersonRow, <Db as sqlx::Database>::Arguments<'q>>
where
    V: 'q + Send + sqlx::Encode<'q, Db> + sqlx::Type<Db>,
{
    let mut query = sqlx::query_as::<_, PersonRow>(sql)
        .bind(campaign_id)
        .bind(second);
    for value in scope_binds {
        query = query.bind(*value);
    }
    query
}

/// What an organizer's due follow-ups and commitments are selected by: `$1` the campaign,
/// `$2` the organizer, `$3` today, then the values of their scope.
struct DueFor<'a> {
    pool: &'a sqlx::Pool<Db>,
    campaign_id: i64,
    user_id: i64,
    today: NaiveDate,
    scope_binds: &'a [i64],
}

impl DueFor<'_> {
    async fn rows<T>(&self, sql: &str) -> StoreResult<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
    {
        let mut query = sqlx::query_as::<_, T>(sql)
            .bind(self.campaign_id)
            .bind(self.user_id)
            .bind(self.today);
        for value in self.scope_binds {
            query = query.bind(*value);
        }
        query.fetch_all(self.pool).await.db()
    }
}

/// Appends dated ratings in one statement, without touching the coworkers' current
/// rating (the caller sets it from the history once, for many).
pub(super) async fn insert_assessment_row(
    tx: &mut Tx,
    campaign_id: i64,
    ratings: &[NewAssessment],
) -> StoreResult<()> {
    if ratings.is_empty() {
        return Ok(());
    }
    let mut insert = sqlx::QueryBuilder::<Db>::new(
        "INSERT INTO assessments (campaign_id, coworker_id, rating, organizer_id, at, source, \
         note) ",
    );
    insert.push_values(ratings, |mut row, a| {
        row.push_bind(campaign_id)
            .push_bind(a.coworker_id)
            .push_bind(a.rating)
            .push_bind(a.organizer_id)
            .push_bind(a.at)
            .push_bind(a.source.key())
            .push_bind(a.note.clone());
    });
    insert.build().execute(&mut **tx).await.db()?;
    Ok(())
}

#[async_trait]
impl OrganizingLoop for Adapter {
    async fn campaign_settings(&self, campaign: CampaignKey) -> StoreResult<CampaignSettings> {
        let campaign_id = campaign.id();
        let row = sqlx::query_as::<_, SettingsRow>(
            "SELECT stale_days, issue_tags, min_group_size, support_target, \
             second_factor_for_organizers FROM campaigns WHERE id = $1",
        )
        .bind(campaign_id)
        .fetch_optional(&self.pool)
        .await
        .db()?
        .ok_or(StoreError::NotFound)?;
        Ok(CampaignSettings {
            stale_days: row.stale_days,
            issue_tags: split_tags(&row.issue_tags),
            min_group_size: row.min_group_size,
            support_target: row.support_target,
            second_factor_for_organizers: row.second_factor_for_organizers,
        })
    }

    async fn set_campaign_settings(
        &self,
        campaign: CampaignKey,
        settings: &CampaignSettings,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let statement = sqlx::query(
            "UPDATE campaigns SET stale_days = $1, issue_tags = $2, min_group_size = $3, \
             support_target = $4, second_factor_for_organizers = $5 WHERE id = $6",
        )
        .bind(settings.stale_days)
        .bind(settings.issue_tags.join(","))
        .bind(settings.min_group_size)
        .bind(settings.support_target)
        .bind(settings.second_factor_for_organizers)
        .bind(campaign_id);
        self.execute_audited(statement, audit).await
    }

    async fn log_conversation(
        &self,
        campaign: CampaignKey,
        organizer_id: i64,
        log: &NewConversation,
        commitment: Option<(String, NaiveDate)>,
        audit: &AuditEvent,
    ) -> StoreResult<(i64, bool)> {
        let campaign_id = campaign.id();
        let now = Utc::now();
        let mut tx = self.begin_write().await.db()?;
        let inserted = sqlx::query_scalar::<_, i64>(
            "INSERT INTO conversations (campaign_id, coworker_id, organizer_id, client_id, at, \
             channel, \
             issues, notes, ask, answer, rating_after, next_step, follow_up_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (campaign_id, client_id) DO NOTHING RETURNING id",
        )
        .bind(campaign_id)
        .bind(log.coworker_id)
        .bind(organizer_id)
        .bind(&log.client_id)
        .bind(log.at)
        .bind(log.channel.key())
        .bind(log.issues.join(","))
        .bind(&log.notes)
        .bind(&log.ask)
        .bind(log.answer.map(|a| a.key()).unwrap_or(""))
        .bind(log.rating_after)
        .bind(&log.next_step)
        .bind(log.follow_up_on)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        let Some(id) = inserted else {
            // Sent before: the first one stands, nothing else is written.
            let id = sqlx::query_scalar::<_, i64>(
                "SELECT id FROM conversations WHERE campaign_id = $1 AND client_id = $2",
            )
            .bind(campaign_id)
            .bind(&log.client_id)
            .fetch_one(&mut *tx)
            .await
            .db()?;
            tx.commit().await.db()?;
            return Ok((id, false));
        };
        sqlx::query(
            "UPDATE coworkers SET last_contact_at = $1 \
             WHERE id = $2 AND campaign_id = $3 AND (last_contact_at IS NULL \
             OR last_contact_at < $1)",
        )
        .bind(log.at)
        .bind(log.coworker_id)
        .bind(campaign_id)
        .execute(&mut *tx)
        .await
        .db()?;
        if let Some(rating) = log.rating_after {
            insert_assessment(
                &mut tx,
                campaign_id,
                &NewAssessment {
                    coworker_id: log.coworker_id,
                    organizer_id,
                    rating,
                    source: Source::Conversation,
                    note: String::new(),
                    at: log.at,
                },
                Some(id),
                None,
            )
            .await?;
        }
        if let Some((what, due)) = commitment {
            sqlx::query(
                "INSERT INTO commitments (campaign_id, coworker_id, conversation_id, organizer_id, \
                 what, due_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(campaign_id)
            .bind(log.coworker_id)
            .bind(id)
            .bind(organizer_id)
            .bind(what)
            .bind(due)
            .bind(now)
            .execute(&mut *tx)
            .await
            .db()?;
        }
        commit_audited(tx, &audit.for_new(id)).await?;
        Ok((id, true))
    }

    async fn rate(
        &self,
        campaign: CampaignKey,
        rating: &NewAssessment,
        client_id: Option<&str>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        if !insert_assessment(&mut tx, campaign_id, rating, None, client_id).await? {
            return Ok(false); // sent before: stored then, audited then
        }
        commit_audited(tx, audit).await?;
        Ok(true)
    }

    async fn assessments(
        &self,
        campaign: CampaignKey,
        coworker_id: i64,
    ) -> StoreResult<Vec<Assessment>> {
        let sql = "SELECT a.at, a.rating, a.source, a.note, u.email AS organizer \
             FROM assessments a JOIN users u ON u.id = a.organizer_id \
             WHERE a.campaign_id = $1 AND a.coworker_id = $2 ORDER BY a.at DESC, a.id DESC";
        self.rows_of::<AssessmentRow, _>(sql, campaign.id(), coworker_id)
            .await
    }

    async fn conversations(
        &self,
        campaign: CampaignKey,
        coworker_id: i64,
    ) -> StoreResult<Vec<Conversation>> {
        let sql = "SELECT c.id, c.at, u.email AS organizer, c.channel, c.issues, c.notes, \
             c.ask, c.answer, c.rating_after, c.next_step, c.follow_up_on, \
             c.follow_up_done_at IS NOT NULL AS follow_up_done \
             FROM conversations c JOIN users u ON u.id = c.organizer_id \
             WHERE c.campaign_id = $1 AND c.coworker_id = $2 ORDER BY c.at DESC, c.id DESC";
        self.rows_of::<ConversationRow, _>(sql, campaign.id(), coworker_id)
            .await
    }

    async fn logged_coworker(
        &self,
        campaign: CampaignKey,
        record: LoggedItem,
        id: i64,
    ) -> StoreResult<Option<i64>> {
        let sql = match record {
            LoggedItem::Conversation => {
                "SELECT coworker_id FROM conversations WHERE campaign_id = $1 AND id = $2"
            }
            LoggedItem::Commitment => {
                "SELECT coworker_id FROM commitments WHERE campaign_id = $1 AND id = $2"
            }
        };
        coworker_of(&self.pool, sql, campaign.id(), id).await
    }

    async fn follow_up_done(
        &self,
        campaign: CampaignKey,
        id: i64,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let statement = sqlx::query(
            "UPDATE conversations SET follow_up_done_at = $1 \
             WHERE campaign_id = $2 AND id = $3 AND follow_up_done_at IS NULL",
        )
        .bind(now)
        .bind(campaign_id)
        .bind(id);
        self.execute_audited(statement, audit).await
    }

    async fn resolve_commitment(
        &self,
        campaign: CampaignKey,
        id: i64,
        status: CommitmentStatus,
        by: i64,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let statement = sqlx::query(
            "UPDATE commitments SET status = $1, resolved_at = $2, resolved_by = $3 \
             WHERE campaign_id = $4 AND id = $5",
        )
        .bind(status.key())
        .bind(now)
        .bind(by)
        .bind(campaign_id)
        .bind(id);
        self.execute_audited(statement, audit).await
    }

    async fn open_commitments(
        &self,
        campaign: CampaignKey,
        coworker_id: i64,
    ) -> StoreResult<Vec<Commitment>> {
        let sql =
            "SELECT m.id, m.coworker_id, c.name AS coworker_name, m.what, m.due_on, m.status \
             FROM commitments m JOIN coworkers c ON c.id = m.coworker_id \
             WHERE m.campaign_id = $1 AND m.coworker_id = $2 ORDER BY m.due_on, m.id";
        self.rows_of::<CommitmentRow, _>(sql, campaign.id(), coworker_id)
            .await
    }

    async fn my_list(
        &self,
        campaign: CampaignKey,
        user_id: i64,
        scope: &CoworkerScope,
        today: NaiveDate,
        stale_days: i64,
        search: &str,
    ) -> StoreResult<MyList> {
        let campaign_id = campaign.id();
        // Follow-ups and commitments were made under an earlier scope: only those
        // about coworkers in the organizer's scope today are shown.
        let (in_scope, scope_binds) = scope_clause(scope, "c.", 4);
        let follow_ups_sql = format!(
            "SELECT v.id, v.coworker_id, c.name, v.follow_up_on, v.next_step \
             FROM conversations v JOIN coworkers c ON c.id = v.coworker_id \
             WHERE v.campaign_id = $1 AND v.organizer_id = $2 AND v.follow_up_on <= $3 \
             AND v.follow_up_done_at IS NULL AND c.archived_at IS NULL{in_scope} \
             ORDER BY v.follow_up_on, v.id"
        );
        let due_for = DueFor {
            pool: &self.pool,
            campaign_id,
            user_id,
            today,
            scope_binds: &scope_binds,
        };
        let follow_ups = due_for
            .rows::<(i64, i64, String, NaiveDate, String)>(&follow_ups_sql)
            .await?
            .into_iter()
            .map(
                |(conversation_id, coworker_id, coworker_name, due, next_step)| FollowUp {
                    conversation_id,
                    coworker_id,
                    coworker_name,
                    due,
                    next_step,
                },
            )
            .collect();
        let commitments_sql = format!(
            "SELECT m.id, m.coworker_id, c.name AS coworker_name, m.what, m.due_on, m.status \
             FROM commitments m JOIN coworkers c ON c.id = m.coworker_id \
             WHERE m.campaign_id = $1 AND m.organizer_id = $2 AND m.status = 'open' \
             AND m.due_on <= $3 AND c.archived_at IS NULL{in_scope} ORDER BY m.due_on, m.id"
        );
        let commitments = due_for
            .rows::<CommitmentRow>(&commitments_sql)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect::<Result<Vec<_>, _>>()?;
        let never_talked = sqlx::query_as(
            "SELECT id, name, rating, rated_at FROM coworkers WHERE campaign_id = $1 \
             AND assigned_organizer = $2 AND archived_at IS NULL AND last_contact_at IS NULL \
             AND employment_status IN ('active', 'on_leave', 'disciplined') ORDER BY name, id",
        )
        .bind(campaign_id)
        .bind(user_id);
        let never_talked = people(&self.pool, never_talked).await?;
        // Everyone else in scope not yet talked to, and the name search: `$1` the
        // campaign, `$2` the organizer (or the pattern), then the scope's values.
        let (in_scope_3, binds_3) = scope_clause(scope, "c.", 3);
        let unreached_where = format!(
            "FROM coworkers c WHERE c.campaign_id = $1 \
             AND (c.assigned_organizer IS NULL OR c.assigned_organizer <> $2) \
             AND c.archived_at IS NULL AND c.last_contact_at IS NULL \
             AND c.employment_status IN ('active', 'on_leave', 'disciplined'){in_scope_3}"
        );
        let unreached_sql = format!(
            "SELECT c.id, c.name, c.rating, c.rated_at {unreached_where} \
             ORDER BY c.name, c.id LIMIT {UNREACHED_SHOWN}"
        );
        let unreached = people(
            &self.pool,
            scoped(&unreached_sql, campaign_id, user_id, &binds_3),
        )
        .await?;
        let unreached_total = if (unreached.len() as i64) < UNREACHED_SHOWN {
            unreached.len() as i64
        } else {
            let count_sql = format!("SELECT COUNT(*) {unreached_where}");
            let mut count = sqlx::query_scalar::<_, i64>(&count_sql)
                .bind(campaign_id)
                .bind(user_id);
            for value in &binds_3 {
                count = count.bind(*value);
            }
            count.fetch_one(&self.pool).await.db()?
        };
        let found = match app::domain::organizing::name_pattern(search) {
            None => Vec::new(),
            Some(pattern) => {
                let sql = format!(
                    "SELECT c.id, c.name, c.rating, c.rated_at FROM coworkers c \
                     WHERE c.campaign_id = $1 AND c.archived_at IS NULL \
                     AND LOWER(c.name) LIKE $2 ESCAPE '\\'{in_scope_3} \
                     ORDER BY c.name, c.id LIMIT {FOUND_SHOWN}"
                );
                people(&self.pool, scoped(&sql, campaign_id, pattern, &binds_3)).await?
            }
        };
        let stale_before =
            today.and_hms_opt(0, 0, 0).expect("midnight").and_utc() - Duration::days(stale_days);
        let stale = sqlx::query_as(
            "SELECT id, name, rating, rated_at FROM coworkers WHERE campaign_id = $1 \
             AND assigned_organizer = $2 AND archived_at IS NULL AND rated_at < $3 \
             AND employment_status IN ('active', 'on_leave', 'disciplined') ORDER BY rated_at, id",
        )
        .bind(campaign_id)
        .bind(user_id)
        .bind(stale_before);
        let stale = people(&self.pool, stale).await?;
        Ok(MyList {
            today,
            stale_days,
            follow_ups,
            commitments,
            never_talked,
            unreached,
            unreached_total,
            search: search.trim().chars().take(SEARCH_MAX).collect(),
            found,
            stale,
        })
    }

    async fn coverage(
        &self,
        campaign: CampaignKey,
        days: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Coverage> {
        let campaign_id = campaign.id();
        const ACTIVE: &str = "c.archived_at IS NULL AND c.employment_status IN ('active', \
                              'on_leave', 'disciplined')";
        let organizers = sqlx::query_as::<_, (i64, String, i64)>(&format!(
            "SELECT u.id, u.email, COUNT(c.id) FROM memberships m JOIN users u ON u.id = m.user_id \
             LEFT JOIN coworkers c ON c.assigned_organizer = u.id \
             AND c.campaign_id = m.campaign_id AND {ACTIVE} \
             WHERE m.campaign_id = $1 AND m.role IN ('lead', 'organizer') \
             GROUP BY u.id, u.email ORDER BY COUNT(c.id) DESC, u.email"
        ))
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?
        .into_iter()
        .map(|(user_id, email, assigned)| OrganizerLoad {
            user_id,
            email,
            assigned,
        })
        .collect();
        let unassigned = sqlx::query_scalar::<_, i64>(&format!(
            "SELECT COUNT(*) FROM coworkers c WHERE c.campaign_id = $1 \
             AND c.assigned_organizer IS NULL AND {ACTIVE}"
        ))
        .bind(campaign_id)
        .fetch_one(&self.pool)
        .await
        .db()?;
        let cells = sqlx::query_as::<_, CellRow>(&format!(
            "SELECT a.name AS area, s.name AS shift, COUNT(*) AS coworkers, \
             SUM(CASE WHEN c.committee_member THEN 1 ELSE 0 END) AS committee \
             FROM coworkers c LEFT JOIN areas a ON a.id = c.area_id LEFT JOIN shifts s \
             ON s.id = c.shift_id WHERE c.campaign_id = $1 AND {ACTIVE} \
             GROUP BY a.id, a.name, s.id, s.name ORDER BY a.name, s.name"
        ))
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?
        .into_iter()
        .map(|r| CommitteeCell {
            area: r.area.unwrap_or_else(|| "No area".into()),
            shift: r.shift.unwrap_or_else(|| "No shift".into()),
            coworkers: r.coworkers,
            committee: r.committee,
        })
        .collect();
        let since = now - Duration::days(days);
        let not_contacted_count = sqlx::query_scalar::<_, i64>(&format!(
            "SELECT COUNT(*) FROM coworkers c WHERE c.campaign_id = $1 AND {ACTIVE} \
             AND (c.last_contact_at IS NULL OR c.last_contact_at < $2)"
        ))
        .bind(campaign_id)
        .bind(since)
        .fetch_one(&self.pool)
        .await
        .db()?;
        let not_contacted_sql = format!(
            "SELECT c.id, c.name, c.rating, c.last_contact_at FROM coworkers c \
             WHERE c.campaign_id = $1 \
             AND {ACTIVE} AND (c.last_contact_at IS NULL OR c.last_contact_at < $2) \
             ORDER BY c.last_contact_at IS NOT NULL, c.last_contact_at, c.name, c.id LIMIT 500"
        );
        let not_contacted = sqlx::query_as(&not_contacted_sql)
            .bind(campaign_id)
            .bind(since);
        let not_contacted = people(&self.pool, not_contacted).await?;
        Ok(Coverage {
            organizers,
            unassigned,
            cells,
            days,
            not_contacted,
            not_contacted_count,
        })
    }
}

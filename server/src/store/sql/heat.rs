//! The heat map's counting: one grouped query per map, now or as of a moment.
//!
//! Now, the chart as it stands (`coworkers`). As of a moment, each coworker's placement
//! and rating then: today's when it dates from before that moment (`placed_at`,
//! `rated_at` on the coworker row), else one index probe into the history
//! (`coworker_placements_as_of`, `assessments_as_of`); "talked to" from the window's
//! one-on-ones (`conversations_campaign_at`).
//! The scope rule is `scope_clause`, applied to the coworker as they are now.

use app::domain::heat::{CellPerson, CellTally, Dimension, HeatCounts, TrendTally};
use app::domain::{Choice, CoworkerScope, EmploymentStatus};
use app::store::{HeatMaps, HeatQuery, PastActivity, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::organizing::insert_assessment_row;
use super::workplace::update_placed;
use super::{Adapter, Db, TAG_ROWS};
use crate::store::{scope_clause, DbResult};

/// `('active', 'on_leave', 'disciplined')`: who is in the unit.
fn employed() -> String {
    let keys: Vec<String> = EmploymentStatus::EMPLOYED
        .iter()
        .map(|s| format!("'{}'", s.key()))
        .collect();
    format!("({})", keys.join(", "))
}

/// The rating a coworker had before `{moment}`: today's if it was given before then (or
/// they were added with it and no assessment replaced it: demo and legacy rows), else
/// their latest assessment before then (an index probe for those rated since).
fn rating_before(moment: &str) -> String {
    format!(
        "CASE WHEN c.rated_at IS NULL OR c.rated_at < {moment} THEN c.rating \
         ELSE (SELECT a.rating FROM assessments a WHERE a.coworker_id = c.id \
         AND a.at < {moment} ORDER BY a.at DESC, a.id DESC LIMIT 1) END"
    )
}

/// A field of the coworker's placement in force before `{moment}`: today's if their
/// latest placement dates from before then, else an index probe into the history.
fn placed_before(moment: &str, field: &str) -> String {
    format!(
        "CASE WHEN c.placed_at < {moment} THEN c.{field} \
         ELSE (SELECT l.{field} FROM coworker_placements l WHERE l.coworker_id = c.id \
         AND l.at < {moment} ORDER BY l.at DESC, l.id DESC LIMIT 1) END"
    )
}

/// True when the coworker was on the map before `{moment}`: placed by then, employed and
/// not archived (today's state, or the history's for those changed since).
fn counted_before(moment: &str) -> String {
    let employed = employed();
    format!(
        "CASE WHEN c.placed_at < {moment} \
         THEN (c.archived_at IS NULL AND c.employment_status IN {employed}) \
         ELSE COALESCE((SELECT l.archived = FALSE AND l.employment_status IN {employed} \
         FROM coworker_placements l WHERE l.coworker_id = c.id AND l.at < {moment} \
         ORDER BY l.at DESC, l.id DESC LIMIT 1), FALSE) END"
    )
}

/// The SQL of `x`, one row per counted coworker: area, shift, the dimension's fields,
/// rating and talked (0/1). Binds `$1` campaign, `$2` talked since, `$3` the moment for a
/// past map; returns the first free placeholder and the scope's values to bind there.
fn counted(query: &HeatQuery) -> (String, usize, Vec<i64>) {
    let first = if query.before.is_some() { 4 } else { 3 };
    let (scope_sql, binds) = scope_clause(&query.scope, "c.", first);
    let next = first + binds.len();
    let sql = match query.before {
        None => format!(
            "SELECT c.id, c.name, c.area_id, c.shift_id, c.job_title, c.assigned_organizer, \
             c.committee_member, c.rating, \
             CASE WHEN c.last_contact_at >= $2 THEN 1 ELSE 0 END AS talked \
             FROM coworkers c WHERE c.campaign_id = $1 AND c.archived_at IS NULL \
             AND c.employment_status IN {}{scope_sql}",
            employed()
        ),
        Some(_) => format!(
            "SELECT c.id, c.name, {} AS area_id, {} AS shift_id, c.job_title, \
             c.assigned_organizer, c.committee_member, {} AS rating, \
             CASE WHEN c.id IN (SELECT v.coworker_id FROM conversations v \
             WHERE v.campaign_id = $1 AND v.at >= $2 AND v.at < $3) THEN 1 ELSE 0 END AS talked \
             FROM coworkers c WHERE c.campaign_id = $1 AND {}{scope_sql}",
            placed_before("$3", "area_id"),
            placed_before("$3", "shift_id"),
            rating_before("$3"),
            counted_before("$3"),
        ),
    };
    (sql, next, binds)
}

/// The column of a row of `x`: its key (ids as text, "" for none), what it is grouped by
/// (the bare column, so a scan of `coworkers_heat` groups in index order, without a
/// sort), and the join it needs.
fn column(dimension: Dimension) -> (&'static str, &'static str, &'static str) {
    match dimension {
        Dimension::Shift => ("COALESCE(CAST(x.shift_id AS TEXT), '')", "x.shift_id", ""),
        Dimension::JobTitle => ("x.job_title", "x.job_title", ""),
        Dimension::Organizer => (
            "COALESCE(CAST(x.assigned_organizer AS TEXT), '')",
            "x.assigned_organizer",
            "",
        ),
        Dimension::Tag => (
            "COALESCE(t.tag, '')",
            "t.tag",
            " LEFT JOIN tag_rows t ON t.coworker_id = x.id",
        ),
    }
}

const COUNTS: &str = "COUNT(*), \
     SUM(CASE WHEN x.rating = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN x.rating = 2 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN x.rating = 3 THEN 1 ELSE 0 END), SUM(CASE WHEN x.rating = 4 THEN 1 ELSE 0 END), \
     SUM(CASE WHEN x.rating = 5 THEN 1 ELSE 0 END), SUM(CASE WHEN x.rating IS NULL THEN 1 ELSE 0 END), \
     SUM(x.talked), SUM(CASE WHEN x.committee_member THEN 1 ELSE 0 END)";

type CountsRow = (
    Option<i64>,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);

/// `WITH RECURSIVE` (the tag rows are recursive on SQLite), the tag rows, and `x`.
fn with_counted(query: &HeatQuery, x: &str) -> String {
    let tags = if query.dimension == Dimension::Tag {
        format!("{TAG_ROWS}, ")
    } else {
        String::new()
    };
    format!("WITH RECURSIVE {tags}x AS ({x}) ")
}

/// Binds `$1`, `$2`, `$3` of [`counted`].
fn bind_counted<'q, O>(
    mut q: sqlx::query::QueryAs<'q, Db, O, <Db as sqlx::Database>::Arguments<'q>>,
    campaign_id: i64,
    query: &HeatQuery,
) -> sqlx::query::QueryAs<'q, Db, O, <Db as sqlx::Database>::Arguments<'q>> {
    q = q.bind(campaign_id).bind(query.talked_since);
    if let Some(before) = query.before {
        q = q.bind(before);
    }
    q
}

#[async_trait]
impl HeatMaps for Adapter {
    async fn heat_cells(&self, campaign_id: i64, query: &HeatQuery) -> StoreResult<Vec<CellTally>> {
        let (x, _, binds) = counted(query);
        let (col, group, join) = column(query.dimension);
        let mut sql = format!(
            "{}SELECT x.area_id, {col}, {COUNTS} FROM x{join} GROUP BY x.area_id, {group}",
            with_counted(query, &x)
        );
        if query.dimension == Dimension::Tag {
            // A coworker with two tags is in two cells: each row's total counts them once.
            sql.push_str(&format!(
                " UNION ALL SELECT x.area_id, NULL, {COUNTS} FROM x GROUP BY x.area_id"
            ));
        }
        let mut q = bind_counted(sqlx::query_as::<_, CountsRow>(&sql), campaign_id, query);
        for value in binds {
            q = q.bind(value);
        }
        // Unnamed (planned with this call's values): PostgreSQL's cached generic plan for
        // a past moment scanned the histories (292 ms against 65 ms with the values).
        let rows = q.persistent(false).fetch_all(&self.pool).await.db()?;
        Ok(rows
            .into_iter()
            .map(
                |(area_id, column, n, r1, r2, r3, r4, r5, unknown, talked, committee)| CellTally {
                    area_id,
                    column,
                    counts: HeatCounts {
                        coworkers: n,
                        rated: [r1, r2, r3, r4, r5],
                        unknown,
                        talked,
                        committee,
                    },
                },
            )
            .collect())
    }

    async fn heat_trend(
        &self,
        campaign_id: i64,
        scope: &CoworkerScope,
        moments: &[DateTime<Utc>],
    ) -> StoreResult<Vec<TrendTally>> {
        if moments.is_empty() {
            return Ok(Vec::new());
        }
        let weeks: Vec<String> = (0..moments.len())
            .map(|k| format!("({k}, ${})", k + 2))
            .collect();
        let (scope_sql, binds) = scope_clause(scope, "c.", moments.len() + 2);
        let sql = format!(
            "WITH weeks(k, t) AS (VALUES {}) \
             SELECT x.area_id, CAST(x.k AS BIGINT), COUNT(*), \
             SUM(CASE WHEN x.rating <= 2 THEN 1 ELSE 0 END) \
             FROM (SELECT w.k AS k, {} AS area_id, {} AS rating \
             FROM weeks w JOIN coworkers c ON c.campaign_id = $1{scope_sql} WHERE {}) x \
             GROUP BY x.area_id, x.k",
            weeks.join(", "),
            placed_before("w.t", "area_id"),
            rating_before("w.t"),
            counted_before("w.t"),
        );
        let mut q = sqlx::query_as::<_, (Option<i64>, i64, i64, i64)>(&sql).bind(campaign_id);
        for moment in moments {
            q = q.bind(*moment);
        }
        for value in binds {
            q = q.bind(value);
        }
        // Unnamed (planned with this call's values): PostgreSQL's cached generic plan for
        // a past moment scanned the histories (292 ms against 65 ms with the values).
        let rows = q.persistent(false).fetch_all(&self.pool).await.db()?;
        Ok(rows
            .into_iter()
            .map(|(area_id, week, coworkers, supporters)| TrendTally {
                area_id,
                week: usize::try_from(week).unwrap_or(usize::MAX),
                coworkers,
                supporters,
            })
            .collect())
    }

    async fn history_version(&self) -> StoreResult<(i64, i64)> {
        // Each a read of the primary key's last entry.
        Ok(sqlx::query_as::<_, (i64, i64)>(
            "SELECT COALESCE((SELECT MAX(id) FROM assessments), 0), \
             COALESCE((SELECT MAX(id) FROM coworker_placements), 0)",
        )
        .fetch_one(&self.pool)
        .await
        .db()?)
    }

    async fn heat_people(
        &self,
        campaign_id: i64,
        query: &HeatQuery,
        area_ids: Option<&[i64]>,
        column_key: &str,
        limit: usize,
    ) -> StoreResult<Vec<(Option<i32>, CellPerson)>> {
        let (x, next, binds) = counted(query);
        let (col, _, join) = column(query.dimension);
        let areas = match area_ids {
            None => " AND x.area_id IS NULL".to_owned(),
            Some([]) => return Ok(Vec::new()),
            Some(ids) => {
                let marks: Vec<String> = (0..ids.len())
                    .map(|i| format!("${}", next + 1 + i))
                    .collect();
                format!(" AND x.area_id IN ({})", marks.join(", "))
            }
        };
        let sql = format!(
            "{}SELECT x.rating, x.id, x.name FROM x{join} WHERE {col} = ${next}{areas} \
             ORDER BY x.name, x.id LIMIT {}",
            with_counted(query, &x),
            limit
        );
        let mut q = bind_counted(
            sqlx::query_as::<_, (Option<i32>, i64, String)>(&sql),
            campaign_id,
            query,
        );
        for value in binds {
            q = q.bind(value);
        }
        q = q.bind(column_key);
        for id in area_ids.unwrap_or_default() {
            q = q.bind(*id);
        }
        // Unnamed (planned with this call's values): PostgreSQL's cached generic plan for
        // a past moment scanned the histories (292 ms against 65 ms with the values).
        let rows = q.persistent(false).fetch_all(&self.pool).await.db()?;
        Ok(rows
            .into_iter()
            .map(|(rating, id, name)| (rating, CellPerson { id, name }))
            .collect())
    }

    async fn seed_history(&self, campaign_id: i64, past: &PastActivity) -> StoreResult<()> {
        let mut tx = self.begin_write().await.db()?;
        for m in &past.moves {
            let statement = sqlx::query(
                "UPDATE coworkers SET area_id = $1, shift_id = $2, updated_at = $3 \
                 WHERE campaign_id = $4 AND id = $5",
            )
            .bind(m.area_id)
            .bind(m.shift_id);
            update_placed(&mut tx, statement, campaign_id, m.coworker_id, m.at).await?;
        }
        // Many rows a statement: a million ratings must not take a million round trips.
        for chunk in past.ratings.chunks(1_000) {
            insert_assessment_row(&mut tx, campaign_id, chunk).await?;
        }
        for chunk in past.talks.chunks(1_000) {
            let mut insert = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO conversations (campaign_id, coworker_id, organizer_id, client_id, \
                 at, channel, rating_after, created_at) ",
            );
            insert.push_values(chunk.iter().enumerate(), |mut row, (i, t)| {
                row.push_bind(campaign_id)
                    .push_bind(t.coworker_id)
                    .push_bind(t.organizer_id)
                    .push_bind(format!(
                        "seeded-{}-{}-{i}",
                        t.coworker_id,
                        t.at.timestamp_micros()
                    ))
                    .push_bind(t.at)
                    .push_bind("in_person")
                    .push_bind(t.rating_after)
                    .push_bind(t.at);
            });
            insert.build().execute(&mut *tx).await.db()?;
        }
        // Each coworker's current rating and last contact, from the history just written
        // (for the coworkers it names: a batch of many does not rescan the campaign).
        let named = past
            .ratings
            .iter()
            .map(|a| a.coworker_id)
            .chain(past.talks.iter().map(|t| t.coworker_id));
        let (low, high) = named.fold((i64::MAX, i64::MIN), |(lo, hi), id| {
            (lo.min(id), hi.max(id))
        });
        if low > high {
            return tx.commit().await.db();
        }
        let current = [
            "UPDATE coworkers SET \
             rating = (SELECT a.rating FROM assessments a WHERE a.coworker_id = coworkers.id \
             ORDER BY a.at DESC, a.id DESC LIMIT 1), \
             rated_at = (SELECT MAX(a.at) FROM assessments a WHERE a.coworker_id = coworkers.id) \
             WHERE campaign_id = $1 AND id BETWEEN $2 AND $3 AND EXISTS (SELECT 1 FROM \
             assessments a WHERE a.coworker_id = coworkers.id)",
            // `v.campaign_id` first, so both probes use conversations_coworker.
            "UPDATE coworkers SET last_contact_at = (SELECT MAX(v.at) FROM conversations v \
             WHERE v.campaign_id = coworkers.campaign_id AND v.coworker_id = coworkers.id) \
             WHERE campaign_id = $1 \
             AND id BETWEEN $2 AND $3 \
             AND EXISTS (SELECT 1 FROM conversations v WHERE v.campaign_id = coworkers.campaign_id \
             AND v.coworker_id = coworkers.id)",
        ];
        for sql in current {
            sqlx::query(sql)
                .bind(campaign_id)
                .bind(low)
                .bind(high)
                .execute(&mut *tx)
                .await
                .db()?;
        }
        tx.commit().await.db()
    }
}

//! The heat map's counting: one grouped query per map, now or as of a moment.
//!
//! Now, the chart as it stands (`coworkers`). As of a moment, each coworker's placement
//! and rating then: from the coworker row when it answers (today's placement when it
//! dates from before that moment, `placed_at`; the rating from the row's last two runs
//! of equal ratings, `rating_since`, `prior_rating`, `prior_since`), else one index
//! probe into the history (`coworker_placements_as_of`, `assessments_as_of`); "talked
//! to" from the window's one-on-ones (`conversations_campaign_at`). A trend's weeks are
//! read from the stored weekly snapshots (`heat_snapshots`, made by
//! `keep_heat_snapshots`, each from the one before and that week's history) where they
//! stand, else the same way as a past map.
//! The scope rule is `scope_clause`, applied to the coworker as they are now.

use std::collections::HashSet;

use app::domain::disclosure::Keyed;
use app::domain::heat::{
    snapshot_moments, CellPerson, CellTally, Dimension, HeatCounts, HeatKeys, TrendTally,
};
use app::domain::{Choice, CoworkerScope, EmploymentStatus};
use app::store::{CampaignKey, HeatMaps, HeatQuery, PastActivity, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::organizing::insert_assessment_row;
use super::workplace::update_placed;
use super::{member_of, Adapter, Db, TAG_ROWS};
use crate::store::{scope_clause, DbResult};

/// `('active', 'on_leave', 'disciplined')`: who is in the unit.
fn employed() -> String {
    let keys: Vec<String> = EmploymentStatus::EMPLOYED
        .iter()
        .map(|s| format!("'{}'", s.key()))
        .collect();
    format!("({})", keys.join(", "))
}

/// The `WHEN` arms of the rating a coworker had before `{moment}` that the coworker row
/// answers alone: today's if it has stood since before then (or they were added with it
/// and no assessment replaced it: demo and legacy rows); none if the moment is before
/// their first run of ratings; the prior run's if the moment falls inside it (the rating
/// runs, migration 0015). The rest need the history (and so would a row that knew no
/// runs: each arm needs its start).
fn rating_from_runs(moment: &str) -> String {
    format!(
        "WHEN c.rated_at IS NULL OR c.rating_since < {moment} THEN c.rating \
         WHEN c.prior_since IS NULL AND c.rating_since IS NOT NULL THEN NULL \
         WHEN c.prior_since < {moment} THEN c.prior_rating"
    )
}

/// The rating a coworker had before `{moment}`: from their row where its runs answer
/// (`rating_from_runs`), else their latest assessment before then (an index probe, for
/// those whose rating changed twice or more since).
fn rating_before(moment: &str) -> String {
    format!(
        "CASE {} \
         ELSE (SELECT a.rating FROM assessments a WHERE a.coworker_id = c.id \
         AND a.at < {moment} ORDER BY a.at DESC, a.id DESC LIMIT 1) END",
        rating_from_runs(moment)
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

/// Whether coworker `c` has a row of `table` (one with `campaign_id`, `coworker_id` and
/// `at`) at or after `from` and before `to`: a condition, and the join it needs (named
/// `alias`). The set is one range of the campaign's history; how it is joined is the
/// backend's (`member_of`: an `IN` on SQLite, a `LEFT JOIN` on PostgreSQL).
fn touched_between(
    table: &str,
    alias: &str,
    campaign: &str,
    from: &str,
    to: &str,
) -> (String, String) {
    member_of(
        &format!(
            "SELECT DISTINCT h.coworker_id FROM {table} h WHERE h.campaign_id = {campaign} \
             AND h.at >= {from} AND h.at < {to}"
        ),
        alias,
    )
}

/// Each coworker's state before a past moment, as SQL over `coworkers c`: where they
/// were, their rating, and whether they were on the map.
struct PastState {
    /// `coworkers c` and what it is joined with.
    from: String,
    area: String,
    shift: String,
    rating: String,
    counted: String,
}

impl PastState {
    /// From the histories alone, before `moment` (a placeholder): one index probe per
    /// coworker rated or placed since then.
    fn from_histories(moment: &str) -> Self {
        PastState {
            from: "coworkers c".to_owned(),
            area: placed_before(moment, "area_id"),
            shift: placed_before(moment, "shift_id"),
            rating: rating_before(moment),
            counted: counted_before(moment),
        }
    }

    /// From the snapshot standing for `snapshot` (a placeholder; at or before `moment`)
    /// and the history between the two: the snapshot's state, but for those rated or
    /// placed between the two (each set read once, in one range of the campaign's
    /// history: `assessments_campaign_at`, `coworker_placements_campaign_at`), whose
    /// latest rating or placement before the moment is one index probe each. Membership
    /// in each set is `touched_between`'s (built once, on each backend its own way).
    fn from_snapshot(campaign: &str, snapshot: &str, moment: &str) -> Self {
        let employed = employed();
        let touched =
            |table: &str, alias: &str| touched_between(table, alias, campaign, snapshot, moment);
        let ((rated, rated_join), (placed, placed_join)) = (
            touched("assessments", "rated_since"),
            touched("coworker_placements", "placed_since"),
        );
        let latest_place = |field: &str| {
            format!(
                "(SELECT {field} FROM coworker_placements l WHERE l.coworker_id = c.id \
                 AND l.at < {moment} ORDER BY l.at DESC, l.id DESC LIMIT 1)"
            )
        };
        let place = |field: &str| {
            format!(
                "CASE WHEN c.placed_at < {moment} THEN c.{field} WHEN {placed} THEN {} \
                 ELSE s.{field} END",
                latest_place(&format!("l.{field}"))
            )
        };
        PastState {
            from: format!(
                "coworkers c LEFT JOIN heat_snapshots s ON s.campaign_id = c.campaign_id \
                 AND s.taken_for = {snapshot} AND s.coworker_id = c.id{rated_join}{placed_join}"
            ),
            area: place("area_id"),
            shift: place("shift_id"),
            rating: format!(
                "CASE {} \
                 WHEN {rated} THEN (SELECT a.rating FROM assessments a WHERE a.coworker_id = c.id \
                 AND a.at < {moment} ORDER BY a.at DESC, a.id DESC LIMIT 1) ELSE s.rating END",
                rating_from_runs(moment)
            ),
            counted: format!(
                "CASE WHEN c.placed_at < {moment} \
                 THEN (c.archived_at IS NULL AND c.employment_status IN {employed}) \
                 WHEN {placed} THEN COALESCE({}, FALSE) \
                 ELSE COALESCE(s.counted, FALSE) END",
                latest_place(&format!(
                    "l.archived = FALSE AND l.employment_status IN {employed}"
                ))
            ),
        }
    }

    /// From the snapshot when one stands for the week before (`snapshot`), else from the
    /// histories.
    fn of(campaign: &str, snapshot: Option<&str>, moment: &str) -> Self {
        match snapshot {
            Some(snapshot) => Self::from_snapshot(campaign, snapshot, moment),
            None => Self::from_histories(moment),
        }
    }
}

/// The SQL of `x`, one row per counted coworker: area, shift, the dimension's fields,
/// rating and talked (0/1). Binds `$1`
/// campaign, `$2` talked since, and for a past map `$3` the moment; returns the first
/// free placeholder and the scope's values to bind there. A past map reads the
/// histories: starting from the week's snapshot instead measured slower (BENCHMARKS.md:
/// the join of every coworker with their snapshot row costs more than the probes it
/// saves), so snapshots serve the trend's weeks and the making of the next snapshot.
fn counted(query: &HeatQuery) -> (String, usize, Vec<i64>) {
    let first = if query.before.is_some() { 4 } else { 3 };
    let (scope_sql, binds) = scope_clause(&query.scope, "c.", first);
    let next = first + binds.len();
    let sql = match query.before {
        None => format!(
            "SELECT c.id, c.name, c.area_id, c.shift_id, c.job_title, c.assigned_organizer, \
                 c.committee_member, c.rating, c.disclosure_key AS dkey, \
                 CASE WHEN c.last_contact_at >= $2 THEN 1 ELSE 0 END AS talked \
                 FROM coworkers c WHERE c.campaign_id = $1 AND c.archived_at IS NULL \
                 AND c.employment_status IN {}{scope_sql}",
            employed()
        ),
        Some(_) => {
            let past = PastState::from_histories("$3");
            let (talked, talked_join) =
                touched_between("conversations", "talked_to", "$1", "$2", "$3");
            format!(
                "SELECT c.id, c.name, {} AS area_id, {} AS shift_id, c.job_title, \
                     c.assigned_organizer, c.committee_member, {} AS rating, \
                     c.disclosure_key AS dkey, \
                     CASE WHEN {} THEN 1 ELSE 0 END \
                     AS talked FROM {}{talked_join} WHERE c.campaign_id = $1 AND {}{scope_sql}",
                past.area, past.shift, past.rating, talked, past.from, past.counted,
            )
        }
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

/// A cell's counts, then the disclosure key sums of the same sets (`domain::disclosure`).
const COUNTS: &str = "COUNT(*) AS n, \
     SUM(CASE WHEN x.rating = 1 THEN 1 ELSE 0 END) AS r1, SUM(CASE WHEN x.rating = 2 THEN 1 ELSE 0 END) AS r2, \
     SUM(CASE WHEN x.rating = 3 THEN 1 ELSE 0 END) AS r3, SUM(CASE WHEN x.rating = 4 THEN 1 ELSE 0 END) AS r4, \
     SUM(CASE WHEN x.rating = 5 THEN 1 ELSE 0 END) AS r5, SUM(CASE WHEN x.rating IS NULL THEN 1 ELSE 0 END) AS unknown, \
     SUM(x.talked) AS talked, SUM(CASE WHEN x.committee_member THEN 1 ELSE 0 END) AS committee, \
     SUM(CASE WHEN x.rating = 1 THEN x.dkey ELSE 0 END) AS k1, SUM(CASE WHEN x.rating = 2 THEN x.dkey ELSE 0 END) AS k2, \
     SUM(CASE WHEN x.rating = 3 THEN x.dkey ELSE 0 END) AS k3, SUM(CASE WHEN x.rating = 4 THEN x.dkey ELSE 0 END) AS k4, \
     SUM(CASE WHEN x.rating = 5 THEN x.dkey ELSE 0 END) AS k5, \
     SUM(CASE WHEN x.rating IS NULL THEN x.dkey ELSE 0 END) AS k_unknown, \
     SUM(CASE WHEN x.talked = 1 THEN x.dkey ELSE 0 END) AS k_talked, \
     SUM(CASE WHEN x.committee_member THEN x.dkey ELSE 0 END) AS k_committee";

/// One row of [`COUNTS`], after the area and the column.
#[derive(sqlx::FromRow)]
struct CountsRow {
    area_id: Option<i64>,
    column_key: Option<String>,
    n: i64,
    r1: i64,
    r2: i64,
    r3: i64,
    r4: i64,
    r5: i64,
    unknown: i64,
    talked: i64,
    committee: i64,
    k1: i64,
    k2: i64,
    k3: i64,
    k4: i64,
    k5: i64,
    k_unknown: i64,
    k_talked: i64,
    k_committee: i64,
}

impl From<CountsRow> for CellTally {
    fn from(r: CountsRow) -> Self {
        // Key sums matter modulo 2^32 only (`Keyed::new`).
        let key = |sum: i64| Keyed::new(0, sum).key;
        CellTally {
            area_id: r.area_id,
            column: r.column_key,
            counts: HeatCounts {
                coworkers: r.n,
                rated: [r.r1, r.r2, r.r3, r.r4, r.r5],
                unknown: r.unknown,
                talked: r.talked,
                committee: r.committee,
                keys: HeatKeys {
                    rated: [key(r.k1), key(r.k2), key(r.k3), key(r.k4), key(r.k5)],
                    unknown: key(r.k_unknown),
                    talked: key(r.k_talked),
                    committee: key(r.k_committee),
                },
            },
        }
    }
}

/// `WITH RECURSIVE` (the tag rows are recursive on SQLite), the tag rows, and `x`.
///
/// A past `x` is `MATERIALIZED`: inlined, both backends copied its rating (a correlated
/// probe of the history) into each of the counts that read it, six probes a coworker
/// where one will do (BENCHMARKS.md, "Heat map as of a day"). The current `x` is inlined,
/// so its count stays one scan of the covering index `coworkers_heat`.
fn with_counted(query: &HeatQuery, x: &str) -> String {
    let tags = if query.dimension == Dimension::Tag {
        format!("{TAG_ROWS}, ")
    } else {
        String::new()
    };
    let materialized = if query.before.is_some() {
        "MATERIALIZED "
    } else {
        ""
    };
    format!("WITH RECURSIVE {tags}x AS {materialized}({x}) ")
}

/// Binds `$1` to `$3` of [`counted`].
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

/// Head count and 1–2s by area, one row per area and week: `SELECT` list and grouping of
/// the trend's queries.
/// Each with its disclosure key sum.
const TREND_COUNTS: &str = "COUNT(*), SUM(CASE WHEN x.rating <= 2 THEN 1 ELSE 0 END), \
     SUM(x.disclosure_key), SUM(CASE WHEN x.rating <= 2 THEN x.disclosure_key ELSE 0 END)";

type TrendRow = (Option<i64>, i64, i64, i64, i64, i64);

fn trend_rows(rows: Vec<TrendRow>) -> impl Iterator<Item = TrendTally> {
    rows.into_iter().map(
        |(area_id, week, coworkers, supporters, coworkers_key, supporters_key)| TrendTally {
            area_id,
            week: usize::try_from(week).unwrap_or(usize::MAX),
            coworkers,
            supporters,
            coworkers_key: Keyed::new(0, coworkers_key).key,
            supporters_key: Keyed::new(0, supporters_key).key,
        },
    )
}

/// `WITH weeks(k, t) AS (VALUES (k, $n), …)` for `weeks` (k, moment), `$n` from `first`.
fn weeks_values(weeks: &[(usize, DateTime<Utc>)], first: usize) -> String {
    let values: Vec<String> = weeks
        .iter()
        .enumerate()
        .map(|(i, (k, _))| format!("({k}, ${})", first + i))
        .collect();
    format!("weeks(k, t) AS (VALUES {})", values.join(", "))
}

impl Adapter {
    /// The moments of the snapshots that stand for a campaign.
    async fn standing_snapshots(
        &self,
        campaign_id: i64,
    ) -> Result<HashSet<DateTime<Utc>>, sqlx::Error> {
        let rows = sqlx::query_as::<_, (DateTime<Utc>,)>(
            "SELECT taken_for FROM heat_snapshot_weeks WHERE campaign_id = $1",
        )
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }

    /// The trend's weeks that are snapshots (at least one), from the snapshots alone.
    async fn trend_of_snapshots(
        &self,
        campaign_id: i64,
        scope: &CoworkerScope,
        weeks: &[(usize, DateTime<Utc>)],
    ) -> Result<Vec<TrendTally>, sqlx::Error> {
        let (scope_sql, binds) = scope_clause(scope, "c.", weeks.len() + 2);
        // The scope is the coworker's as they are now: join them only when it names them.
        let join = if scope_sql.is_empty() {
            ""
        } else {
            " JOIN coworkers c ON c.id = x.coworker_id"
        };
        let sql = format!(
            "WITH {} SELECT x.area_id, CAST(w.k AS BIGINT), {TREND_COUNTS} \
             FROM weeks w JOIN heat_snapshots x ON x.campaign_id = $1 AND x.taken_for = w.t{join} \
             WHERE x.counted{scope_sql} GROUP BY x.area_id, w.k",
            weeks_values(weeks, 2)
        );
        self.fetch_trend(&sql, campaign_id, weeks, binds).await
    }

    /// The trend's weeks that are not snapshots (the last, or older than those kept; at
    /// least one), from the histories.
    async fn trend_from_histories(
        &self,
        campaign_id: i64,
        scope: &CoworkerScope,
        weeks: &[(usize, DateTime<Utc>)],
    ) -> Result<Vec<TrendTally>, sqlx::Error> {
        let past = PastState::from_histories("w.t");
        let (scope_sql, binds) = scope_clause(scope, "c.", weeks.len() + 2);
        let sql = format!(
            "WITH {} SELECT x.area_id, CAST(x.k AS BIGINT), {TREND_COUNTS} \
             FROM (SELECT w.k AS k, {} AS area_id, {} AS rating, c.disclosure_key \
             FROM weeks w JOIN coworkers c ON c.campaign_id = $1{scope_sql} WHERE {}) x \
             GROUP BY x.area_id, x.k",
            weeks_values(weeks, 2),
            past.area,
            past.rating,
            past.counted,
        );
        self.fetch_trend(&sql, campaign_id, weeks, binds).await
    }

    /// Runs a trend query: `$1` the campaign, then the weeks' moments, then the scope's
    /// values. Unnamed (planned with this call's values): PostgreSQL's cached generic plan
    /// for a past moment scanned the histories (292 ms against 65 ms with the values).
    async fn fetch_trend(
        &self,
        sql: &str,
        campaign_id: i64,
        weeks: &[(usize, DateTime<Utc>)],
        binds: Vec<i64>,
    ) -> Result<Vec<TrendTally>, sqlx::Error> {
        let mut q = sqlx::query_as::<_, TrendRow>(sql).bind(campaign_id);
        for (_, moment) in weeks {
            q = q.bind(*moment);
        }
        for value in binds {
            q = q.bind(value);
        }
        Ok(trend_rows(q.persistent(false).fetch_all(&self.pool).await?).collect())
    }

    /// Makes the snapshot standing for `moment`, in one write transaction: from the one
    /// standing for `base` (the week before) and the week's history when it stands, else
    /// from the histories. Holding the snapshot lock, a late write either is in it or
    /// outdates it (the triggers of migration 0014).
    async fn make_snapshot(
        &self,
        campaign_id: i64,
        moment: DateTime<Utc>,
        base: Option<DateTime<Utc>>,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        self.hold_snapshot_lock(&mut tx, campaign_id).await?;
        let base = match base {
            Some(base) => sqlx::query(
                "SELECT 1 FROM heat_snapshot_weeks WHERE campaign_id = $1 AND taken_for = $2",
            )
            .bind(campaign_id)
            .bind(base)
            .fetch_optional(&mut *tx)
            .await?
            .map(|_| base),
            None => None,
        };
        let past = PastState::of("$1", base.map(|_| "$3"), "$2");
        // Every coworker of the campaign (coworkers are archived, never deleted), so a
        // snapshot made again overwrites each row it had.
        let sql = format!(
            "INSERT INTO heat_snapshots \
             (campaign_id, taken_for, coworker_id, area_id, shift_id, rating, counted, \
             disclosure_key) \
             SELECT c.campaign_id, $2, c.id, {}, {}, {}, {}, c.disclosure_key FROM {} \
             WHERE c.campaign_id = $1 \
             ON CONFLICT (campaign_id, taken_for, coworker_id) DO UPDATE SET \
             area_id = excluded.area_id, shift_id = excluded.shift_id, \
             disclosure_key = excluded.disclosure_key, \
             rating = excluded.rating, counted = excluded.counted",
            past.area, past.shift, past.rating, past.counted, past.from,
        );
        let mut q = sqlx::query(&sql).bind(campaign_id).bind(moment);
        if let Some(base) = base {
            q = q.bind(base);
        }
        q.persistent(false).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO heat_snapshot_weeks (campaign_id, taken_for, made_at) VALUES ($1, $2, $3) \
             ON CONFLICT (campaign_id, taken_for) DO UPDATE SET made_at = excluded.made_at",
        )
        .bind(campaign_id)
        .bind(moment)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
}

#[async_trait]
impl HeatMaps for Adapter {
    async fn heat_cells(
        &self,
        campaign: CampaignKey,
        query: &HeatQuery,
    ) -> StoreResult<Vec<CellTally>> {
        let campaign_id = campaign.id();
        let (x, _, binds) = counted(query);
        let (col, group, join) = column(query.dimension);
        let mut sql = format!(
            "{}SELECT x.area_id, {col} AS column_key, {COUNTS} FROM x{join} \
             GROUP BY x.area_id, {group}",
            with_counted(query, &x)
        );
        if query.dimension == Dimension::Tag {
            // A coworker with two tags is in two cells: each row's total counts them once.
            sql.push_str(&format!(
                " UNION ALL SELECT x.area_id, NULL AS column_key, {COUNTS} FROM x GROUP BY x.area_id"
            ));
        }
        let mut q = bind_counted(sqlx::query_as::<_, CountsRow>(&sql), campaign_id, query);
        for value in binds {
            q = q.bind(value);
        }
        // Unnamed (planned with this call's values): PostgreSQL's cached generic plan for
        // a past moment scanned the histories (292 ms against 65 ms with the values).
        let rows = q.persistent(false).fetch_all(&self.pool).await.db()?;
        Ok(rows.into_iter().map(CellTally::from).collect())
    }

    async fn heat_trend(
        &self,
        campaign: CampaignKey,
        scope: &CoworkerScope,
        moments: &[DateTime<Utc>],
    ) -> StoreResult<Vec<TrendTally>> {
        let campaign_id = campaign.id();
        if moments.is_empty() {
            return Ok(Vec::new());
        }
        // Each week from its snapshot when one stands, else from the histories.
        let standing = self.standing_snapshots(campaign_id).await.db()?;
        let (snapshots, histories): (Vec<_>, Vec<_>) = moments
            .iter()
            .copied()
            .enumerate()
            .partition(|(_, moment)| standing.contains(moment));
        let mut tallies = Vec::new();
        if !snapshots.is_empty() {
            let of_snapshots = self.trend_of_snapshots(campaign_id, scope, &snapshots);
            tallies.extend(of_snapshots.await.db()?);
        }
        if !histories.is_empty() {
            let of_histories = self.trend_from_histories(campaign_id, scope, &histories);
            tallies.extend(of_histories.await.db()?);
        }
        Ok(tallies)
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
        campaign: CampaignKey,
        query: &HeatQuery,
        area_ids: Option<&[i64]>,
        column_key: &str,
        limit: usize,
    ) -> StoreResult<Vec<(Option<i32>, CellPerson)>> {
        let campaign_id = campaign.id();
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
}

/// Maintenance (see `app::store::Maintenance`): not part of the request path's port.
impl Adapter {
    pub(super) async fn keep_heat_snapshots(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        let wanted = snapshot_moments(now);
        let Some(oldest) = wanted.first().copied() else {
            return Ok(0);
        };
        let campaigns = sqlx::query_as::<_, (i64,)>("SELECT id FROM campaigns ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .db()?;
        let mut made = 0;
        for (campaign_id,) in campaigns {
            let mut tx = self.begin_write().await.db()?;
            for table in ["heat_snapshot_weeks", "heat_snapshots"] {
                sqlx::query(&format!(
                    "DELETE FROM {table} WHERE campaign_id = $1 AND taken_for < $2"
                ))
                .bind(campaign_id)
                .bind(oldest)
                .execute(&mut *tx)
                .await
                .db()?;
            }
            tx.commit().await.db()?;
            let standing = self.standing_snapshots(campaign_id).await.db()?;
            let mut base = None;
            for moment in wanted.iter().copied() {
                if !standing.contains(&moment) {
                    self.make_snapshot(campaign_id, moment, base).await.db()?;
                    made += 1;
                    self.snapshot_written().await.db()?;
                }
                base = Some(moment);
            }
        }
        Ok(made)
    }

    pub(super) async fn seed_history(
        &self,
        campaign_id: i64,
        past: &PastActivity,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await.db()?;
        super::audit::chart_changed(&mut tx, campaign_id).await?;
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
            // The rating runs (migration 0015), from the whole history: a run starts at
            // each assessment whose number differs from the one before it; the latest
            // start is the current run's, the one before it the prior run's.
            "UPDATE coworkers SET rating_since = r.current_at, prior_rating = r.prior_rating, \
             prior_since = r.prior_at \
             FROM (SELECT coworker_id, MAX(CASE WHEN k = 1 THEN at END) AS current_at, \
             MAX(CASE WHEN k = 2 THEN rating END) AS prior_rating, \
             MAX(CASE WHEN k = 2 THEN at END) AS prior_at \
             FROM (SELECT coworker_id, at, rating, ROW_NUMBER() OVER \
             (PARTITION BY coworker_id ORDER BY at DESC, id DESC) AS k \
             FROM (SELECT coworker_id, at, id, rating, LAG(rating) OVER \
             (PARTITION BY coworker_id ORDER BY at, id) AS before FROM assessments \
             WHERE campaign_id = $1 AND coworker_id BETWEEN $2 AND $3) o \
             WHERE before IS NULL OR before <> rating) starts \
             WHERE k <= 2 GROUP BY coworker_id) r \
             WHERE coworkers.campaign_id = $1 AND coworkers.id = r.coworker_id",
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

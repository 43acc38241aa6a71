//! The two adapters of `app::store::Store`. The SQL they share is written once
//! (`shared.rs`); where the dialects differ, each adapter owns its own.

#[macro_use]
mod shared;
mod postgres;
mod sqlite;

use std::sync::Arc;

use app::store::{Store, StoreError};

use crate::config::DatabaseUrl;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Opens the database named by `url` and applies pending migrations.
pub async fn open(
    url: &DatabaseUrl,
    sqlite_sync: crate::config::SqliteSync,
) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match url {
        DatabaseUrl::Sqlite(_) => Arc::new(SqliteStore::open(url, sqlite_sync).await?),
        DatabaseUrl::Postgres(_) => Arc::new(PgStore::open(url).await?),
    })
}

/// Maps a driver error: constraint violations become conflicts, the rest stays opaque.
pub(crate) fn map_err(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict("That already exists.".into())
        }
        _ => StoreError::Backend(Box::new(err)),
    }
}

/// One audit row; written inside a change's transaction, or alone for reads.
pub(crate) const INSERT_AUDIT: &str =
    "INSERT INTO audit_events (at, campaign_id, actor_id, action, record, detail, client_ip) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// How long a just-rotated refresh token is still accepted, for a browser's parallel requests.
pub(crate) const REFRESH_GRACE_SECS: i64 = 30;

pub(crate) fn role(raw: &str) -> Result<app::domain::Role, StoreError> {
    app::domain::Role::parse(raw)
        .map_err(|_| StoreError::Backend(format!("unknown role '{raw}' in the database").into()))
}

pub(crate) fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The columns of [`CoworkerRow`].
pub(crate) const SUMMARY_COLUMNS: &str =
    "id, name, area_id, shift_id, job_title, assigned_organizer, \
     rating, organic_leader, committee_member, tags";

#[derive(sqlx::FromRow)]
pub(crate) struct CoworkerRow {
    id: i64,
    name: String,
    area_id: Option<i64>,
    shift_id: Option<i64>,
    job_title: String,
    assigned_organizer: Option<i64>,
    rating: Option<i32>,
    organic_leader: bool,
    committee_member: bool,
    tags: String,
}

pub(crate) fn split_tags(tags: &str) -> Vec<String> {
    tags.split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

impl From<CoworkerRow> for app::domain::CoworkerSummary {
    fn from(r: CoworkerRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            area_id: r.area_id,
            shift_id: r.shift_id,
            job_title: r.job_title,
            assigned_organizer: r.assigned_organizer,
            rating: r.rating,
            organic_leader: r.organic_leader,
            committee_member: r.committee_member,
            tags: split_tags(&r.tags),
        }
    }
}

/// The columns of [`CoworkerDetailRow`].
pub(crate) const DETAIL_COLUMNS: &str = "id, name, area_id, shift_id, job_title, employee_ref, phone, \
     email, language, tags, organic_leader, committee_member, assigned_organizer, employment_status, \
     rating, notes, archived_at IS NOT NULL AS archived";

#[derive(sqlx::FromRow)]
pub(crate) struct CoworkerDetailRow {
    id: i64,
    name: String,
    area_id: Option<i64>,
    shift_id: Option<i64>,
    job_title: String,
    employee_ref: String,
    phone: String,
    email: String,
    language: String,
    tags: String,
    organic_leader: bool,
    committee_member: bool,
    assigned_organizer: Option<i64>,
    employment_status: String,
    rating: Option<i32>,
    notes: String,
    archived: bool,
}

impl TryFrom<CoworkerDetailRow> for app::domain::Coworker {
    type Error = StoreError;

    fn try_from(r: CoworkerDetailRow) -> Result<Self, StoreError> {
        let employment_status = app::domain::EmploymentStatus::parse(&r.employment_status)
            .ok_or_else(|| {
                StoreError::Backend(
                    format!("unknown employment status '{}'", r.employment_status).into(),
                )
            })?;
        Ok(Self {
            id: r.id,
            fields: app::domain::CoworkerFields {
                name: r.name,
                area_id: r.area_id,
                shift_id: r.shift_id,
                job_title: r.job_title,
                employee_ref: r.employee_ref,
                phone: r.phone,
                email: r.email,
                language: r.language,
                tags: split_tags(&r.tags),
                organic_leader: r.organic_leader,
                committee_member: r.committee_member,
                assigned_organizer: r.assigned_organizer,
                employment_status,
                notes: r.notes,
            },
            rating: r.rating,
            archived: r.archived,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AreaRow {
    id: i64,
    parent_id: Option<i64>,
    name: String,
    retired: bool,
    grid_x: Option<i32>,
    grid_y: Option<i32>,
    grid_w: Option<i32>,
    grid_h: Option<i32>,
}

impl From<AreaRow> for app::domain::Area {
    fn from(r: AreaRow) -> Self {
        let grid = match (r.grid_x, r.grid_y, r.grid_w, r.grid_h) {
            (Some(x), Some(y), Some(w), Some(h)) => Some(app::domain::GridBox { x, y, w, h }),
            _ => None,
        };
        Self {
            id: r.id,
            parent_id: r.parent_id,
            name: r.name,
            retired: r.retired,
            grid,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AreaStatsRow {
    #[sqlx(flatten)]
    area: AreaRow,
    coworkers: i64,
    supporters: i64,
    unknown: i64,
}

impl From<AreaStatsRow> for app::domain::AreaStats {
    fn from(r: AreaStatsRow) -> Self {
        Self {
            area: r.area.into(),
            coworkers: r.coworkers,
            supporters: r.supporters,
            unknown: r.unknown,
            suppressed: false,
        }
    }
}

/// The one scope rule for every query that names coworkers: for an organizer,
/// ` AND ({alias}.assigned_organizer = $first OR {alias}.area_id IN (…))` and the values
/// to bind from `$first` on; nothing for the whole campaign. `alias` is `c.` or empty.
pub(crate) fn scope_clause(
    scope: &app::domain::CoworkerScope,
    alias: &str,
    first: usize,
) -> (String, Vec<i64>) {
    match scope {
        app::domain::CoworkerScope::Campaign => (String::new(), Vec::new()),
        app::domain::CoworkerScope::Organizer { user_id, area_ids } => {
            let mut sql = format!(" AND ({alias}assigned_organizer = ${first}");
            if !area_ids.is_empty() {
                let placeholders: Vec<String> = (first + 1..=first + area_ids.len())
                    .map(|n| format!("${n}"))
                    .collect();
                sql.push_str(&format!(
                    " OR {alias}area_id IN ({})",
                    placeholders.join(", ")
                ));
            }
            sql.push(')');
            let mut binds = vec![*user_id];
            binds.extend(area_ids);
            (sql, binds)
        }
    }
}

/// A stored value the code does not know: the database is ahead of the code, or corrupt.
pub(crate) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Backend(format!("unknown {what} '{value}' in the database").into())
}

#[derive(sqlx::FromRow)]
pub(crate) struct ConversationRow {
    id: i64,
    at: chrono::DateTime<chrono::Utc>,
    organizer: String,
    channel: String,
    issues: String,
    notes: String,
    ask: String,
    answer: String,
    rating_after: Option<i32>,
    next_step: String,
    follow_up_on: Option<chrono::NaiveDate>,
    follow_up_done: bool,
}

impl TryFrom<ConversationRow> for app::domain::organizing::Conversation {
    type Error = StoreError;

    fn try_from(r: ConversationRow) -> Result<Self, StoreError> {
        use app::domain::organizing::{Answer, Channel};
        Ok(Self {
            id: r.id,
            at: r.at,
            organizer: r.organizer,
            channel: Channel::parse(&r.channel).ok_or_else(|| corrupt("channel", &r.channel))?,
            issues: split_tags(&r.issues),
            notes: r.notes,
            ask: r.ask,
            answer: match r.answer.as_str() {
                "" => None,
                a => Some(Answer::parse(a).ok_or_else(|| corrupt("answer", a))?),
            },
            rating_after: r.rating_after,
            next_step: r.next_step,
            follow_up_on: r.follow_up_on,
            follow_up_done: r.follow_up_done,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CommitmentRow {
    id: i64,
    coworker_id: i64,
    coworker_name: String,
    what: String,
    due_on: chrono::NaiveDate,
    status: String,
}

impl TryFrom<CommitmentRow> for app::domain::organizing::Commitment {
    type Error = StoreError;

    fn try_from(r: CommitmentRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.id,
            coworker_id: r.coworker_id,
            coworker_name: r.coworker_name,
            what: r.what,
            due_on: r.due_on,
            status: app::domain::organizing::CommitmentStatus::parse(&r.status)
                .ok_or_else(|| corrupt("commitment status", &r.status))?,
        })
    }
}

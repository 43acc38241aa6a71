//! Rows as the database returns them, and their conversion to domain types. Backend
//! neutral: `sqlx::FromRow` is derived for any row type, so this compiles once.

use app::domain::Choice;
use app::store::StoreError;

pub(crate) fn parse_role(raw: &str) -> Result<app::domain::Role, StoreError> {
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
pub(crate) const DETAIL_COLUMNS: &str =
    "id, name, area_id, shift_id, job_title, employee_ref, phone, email, language, tags, \
     organic_leader, committee_member, assigned_organizer, employment_status, rating, notes, \
     archived_at IS NOT NULL AS archived";

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
    coworkers_key: i64,
    supporters_key: i64,
    unknown_key: i64,
    coworkers_inside: i64,
    supporters_inside: i64,
    unknown_inside: i64,
}

impl From<AreaStatsRow> for app::domain::AreaStats {
    fn from(r: AreaStatsRow) -> Self {
        use app::domain::disclosure::Keyed;
        let key = |sum: i64| Keyed::new(0, sum).key;
        Self {
            area: r.area.into(),
            coworkers: r.coworkers,
            supporters: r.supporters,
            unknown: r.unknown,
            suppressed: false,
            keys: [
                key(r.coworkers_key),
                key(r.supporters_key),
                key(r.unknown_key),
            ],
            inside: [r.coworkers_inside, r.supporters_inside, r.unknown_inside],
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

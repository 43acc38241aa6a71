//! The storage port. `server` implements it for SQLite and PostgreSQL; server
//! functions reach it through `crate::state::AppState` in the Leptos context. It
//! depends on `domain` and `error` only.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::dashboard::Dashboard;
use crate::domain::organizing::{
    Assessment, CampaignSettings, Commitment, CommitmentStatus, Conversation, Coverage, MyList,
    NewConversation, Source,
};
use crate::domain::roster::{Existing, ImportSummary, Moved, RosterRow};
pub use crate::domain::workplace::RosterOutcome;
use crate::domain::{
    Area, AreaStats, AuditEntry, Campaign, CampaignName, Coworker, CoworkerFields, CoworkerScope,
    CoworkerSummary, CurrentUser, Email, GridBox, LeaderReach, Member, MemberSummary, MyCampaign,
    Role, Shift, Tie, TieKind,
};
use crate::error::AppError;

mod heat;
mod structure;
mod votes;

pub use heat::{HeatMaps, HeatQuery, PastActivity, PastMove, PastTalk};
pub use structure::{NewMarks, StructureTests, TestPeopleFilter};
pub use votes::VotePlans;

/// A new coworker's disclosure key (`domain::disclosure`): 31 random bits from the
/// operating system's generator, never sent to a browser.
pub fn new_disclosure_key() -> i32 {
    let mut bytes = [0u8; 4];
    rand::fill(&mut bytes);
    (u32::from_le_bytes(bytes) >> 1) as i32
}

/// A storage failure. `Backend` carries the driver's error for the log only.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("storage backend failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(msg) => AppError::Conflict(msg),
            StoreError::Backend(_) => AppError::internal(&err),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The whole port: every concern's trait. Server functions hold an `Arc<dyn Store>`
/// and call any method on it; code holding a concrete adapter brings the traits into
/// scope with `use crate::store::prelude::*`. A new feature adds its own trait in a module
/// of this folder (as `heat` and `structure` do)
/// and its SQL in `server/src/store/sql/`, instead of growing another trait.
pub trait Store:
    Health
    + Campaigns
    + Accounts
    + Sessions
    + Membership
    + Invites
    + Throttle
    + WorkplaceMap
    + SocialMap
    + RosterImports
    + OrganizingLoop
    + Dashboards
    + AuditLog
    + HeatMaps
    + StructureTests
    + VotePlans
    + 'static
{
}

impl<T> Store for T where
    T: Health
        + Campaigns
        + Accounts
        + Sessions
        + Membership
        + Invites
        + Throttle
        + WorkplaceMap
        + SocialMap
        + RosterImports
        + OrganizingLoop
        + Dashboards
        + AuditLog
        + HeatMaps
        + StructureTests
        + VotePlans
        + ?Sized
        + 'static
{
}

/// The storage traits, for code that calls them on a concrete adapter.
pub mod prelude {
    pub use super::{
        Accounts, AuditLog, Campaigns, Dashboards, Health, HeatMaps, Invites, Membership,
        OrganizingLoop, RosterImports, Sessions, SocialMap, Store, StructureTests, Throttle,
        VotePlans, WorkplaceMap,
    };
}

/// The database itself.
#[async_trait]
pub trait Health: Send + Sync {
    /// Which backend this is, for logs and `/healthz`.
    fn backend(&self) -> &'static str;
    /// A cheap round trip to the database.
    async fn ping(&self) -> StoreResult<()>;
}

#[async_trait]
pub trait Campaigns: Send + Sync {
    async fn create_campaign(&self, name: &CampaignName) -> StoreResult<Campaign>;
    async fn list_campaigns(&self) -> StoreResult<Vec<Campaign>>;
    /// Creates a campaign and makes `lead` its lead, in one transaction with `audit`
    /// (whose `{id}` becomes the campaign's id, as does its campaign).
    async fn create_campaign_with_lead(
        &self,
        name: &CampaignName,
        lead: i64,
        audit: &AuditEvent,
    ) -> StoreResult<Campaign>;
    async fn campaign(&self, id: i64) -> StoreResult<Option<Campaign>>;
    async fn campaigns_for_user(&self, user_id: i64) -> StoreResult<Vec<MyCampaign>>;
}

#[async_trait]
pub trait Accounts: Send + Sync {
    /// Creates an account with `audit` in the same transaction (`{id}` becomes the new
    /// user's id, in the record and as the actor when the event has none).
    async fn create_user(
        &self,
        email: &Email,
        password_hash: &str,
        audit: &AuditEvent,
    ) -> StoreResult<CurrentUser>;
    async fn user_credentials(&self, email: &Email) -> StoreResult<Option<UserCredentials>>;
    async fn password_hash(&self, user_id: i64) -> StoreResult<String>;
    async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait Sessions: Send + Sync {
    async fn create_session(&self, session: &NewSession) -> StoreResult<()>;
    /// The signed-in user, if the session is live (not revoked, not expired).
    async fn session_user(
        &self,
        session_id: &str,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CurrentUser>>;
    /// Swaps the refresh token `old_hash` for `new_hash` (see [`Rotation`]).
    async fn rotate_refresh(
        &self,
        old_hash: &str,
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Rotation>;
    async fn revoke_session(&self, session_id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    async fn revoke_user_sessions(&self, user_id: i64, now: DateTime<Utc>) -> StoreResult<()>;
}

/// Membership and scope.
#[async_trait]
pub trait Membership: Send + Sync {
    /// The authorization lookup: the membership of a live session's user in a campaign.
    async fn membership(
        &self,
        session_id: &str,
        user_id: i64,
        campaign_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Member>>;
    async fn upsert_member(
        &self,
        campaign_id: i64,
        user_id: i64,
        role: Role,
        area_ids: &[i64],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn list_members(&self, campaign_id: i64) -> StoreResult<Vec<MemberSummary>>;
    /// Removes a member; refuses (Conflict) to remove or demote the last lead.
    async fn remove_member(
        &self,
        campaign_id: i64,
        user_id: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait Invites: Send + Sync {
    /// Creates an invite with `audit` in one transaction (`{id}` becomes the invite's id).
    async fn create_invite(&self, invite: &NewInvite, audit: &AuditEvent) -> StoreResult<i64>;
    async fn invite(&self, token_hash: &str) -> StoreResult<Option<InviteRecord>>;
    /// Spends a live invite and makes `user_id` a member with its role, writing the
    /// `member.joined` audit row, all in one transaction: the invite is spent by a
    /// conditional update, and the membership is written only when that update took.
    /// An existing member keeps their role and the invite stays unspent.
    async fn join_invite(
        &self,
        token_hash: &str,
        user_id: i64,
        now: DateTime<Utc>,
        client_ip: &str,
    ) -> StoreResult<JoinOutcome>;
    /// Unused, unrevoked, unexpired invites, newest first.
    async fn open_invites(
        &self,
        campaign_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<OpenInvite>>;
    /// Revokes an unused invite with `audit` in one transaction; false (and nothing
    /// written) when it was used or revoked; NotFound when it is not in the campaign.
    async fn revoke_invite(
        &self,
        campaign_id: i64,
        invite_id: i64,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// The kept raw token of an invite `created_by` made, once: it is cleared as it is read.
    async fn take_invite_reveal(
        &self,
        campaign_id: i64,
        invite_id: i64,
        created_by: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>>;
}

/// What the sign-in throttle (`auth::throttle`) counts.
#[async_trait]
pub trait Throttle: Send + Sync {
    /// Inserts the attempt as pending in its own committed statement, then counts the
    /// committed attempts: the k-th insert always counts at least k.
    async fn reserve_attempt(&self, attempt: &NewAttempt) -> StoreResult<Reservation>;
    async fn finish_attempt(&self, id: i64, outcome: AttemptOutcome) -> StoreResult<()>;
    /// Failed guesses at an account from an address since `since`.
    async fn failed_attempts(
        &self,
        email: &str,
        client_ip: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Lockouts of an account from an address since `since`.
    async fn lockouts_since(
        &self,
        email: &str,
        client_ip: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<i64>;
    async fn add_lockout(
        &self,
        email: &str,
        client_ip: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Forgets attempts made before `before`, and lockouts made before it that have
    /// ended by `now` (every request adds a row: without this the table only grows).
    /// Returns how many rows it deleted.
    async fn prune_auth_history(
        &self,
        before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;
}

/// The workplace map: areas, shifts and the coworkers in them.
#[async_trait]
pub trait WorkplaceMap: Send + Sync {
    async fn create_area(
        &self,
        campaign_id: i64,
        name: &str,
        parent_id: Option<i64>,
        audit: &AuditEvent,
    ) -> StoreResult<Area>;
    async fn list_areas(&self, campaign_id: i64) -> StoreResult<Vec<Area>>;
    async fn create_shift(
        &self,
        campaign_id: i64,
        name: &str,
        audit: &AuditEvent,
    ) -> StoreResult<Shift>;
    async fn list_shifts(&self, campaign_id: i64) -> StoreResult<Vec<Shift>>;
    /// Renames, moves, retires or places an area. NotFound if the area or the new parent
    /// is not in the campaign; Conflict if the move would put an area inside itself.
    async fn update_area(
        &self,
        campaign_id: i64,
        area_id: i64,
        change: &AreaChange,
        audit: &AuditEvent,
    ) -> StoreResult<Area>;
    /// Every area with its head count, 1–2s and unknowns (unarchived, active or on leave).
    /// Each area's own people counted, with the disclosure keys of those outside `inside`
    /// (the reader's own scope, exact for them; None: nobody's) and how many are inside.
    async fn area_stats(
        &self,
        campaign_id: i64,
        inside: Option<&CoworkerScope>,
    ) -> StoreResult<Vec<AreaStats>>;
    /// NotFound if the area or shift is not in the campaign.
    async fn create_coworker(
        &self,
        campaign_id: i64,
        coworker: &CoworkerFields,
        audit: &AuditEvent,
    ) -> StoreResult<CoworkerSummary>;
    /// Adds many coworkers in one transaction (all or nothing); returns their ids in order.
    async fn create_coworkers(
        &self,
        campaign_id: i64,
        coworkers: &[NewCoworker],
    ) -> StoreResult<Vec<i64>>;
    /// Unarchived coworkers within `scope`, by name.
    async fn list_coworkers(
        &self,
        campaign_id: i64,
        scope: &CoworkerScope,
    ) -> StoreResult<Vec<CoworkerSummary>>;
    /// The whole record, archived or not.
    async fn coworker_detail(&self, campaign_id: i64, id: i64) -> StoreResult<Option<Coworker>>;
    /// NotFound if the coworker, area or shift is not in the campaign.
    async fn update_coworker(
        &self,
        campaign_id: i64,
        id: i64,
        fields: &CoworkerFields,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Archives (hides from the chart, keeps history) or brings back.
    async fn set_archived(
        &self,
        campaign_id: i64,
        id: i64,
        archived: bool,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Every unarchived coworker's whole record, for the export.
    async fn export_coworkers(&self, campaign_id: i64) -> StoreResult<Vec<Coworker>>;
}

/// The social map: who listens to whom.
#[async_trait]
pub trait SocialMap: Send + Sync {
    /// A coworker's ties, both directions, to unarchived coworkers.
    async fn ties(&self, campaign_id: i64, coworker_id: i64) -> StoreResult<Vec<Tie>>;
    /// The two ends of a tie.
    async fn tie_ends(&self, campaign_id: i64, tie_id: i64) -> StoreResult<Option<(i64, i64)>>;
    /// NotFound if either coworker is not in the campaign; Conflict if it exists already.
    async fn add_tie(&self, campaign_id: i64, tie: &NewTie, audit: &AuditEvent)
        -> StoreResult<i64>;
    async fn create_ties(&self, campaign_id: i64, ties: &[NewTie]) -> StoreResult<u64>;
    async fn remove_tie(
        &self,
        campaign_id: i64,
        tie_id: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Every unarchived organic leader with how many (unarchived) coworkers listen to them.
    async fn leader_reach(&self, campaign_id: i64) -> StoreResult<Vec<LeaderReach>>;
}

#[async_trait]
pub trait RosterImports: Send + Sync {
    async fn save_roster(&self, upload: &NewRoster, audit: &AuditEvent) -> StoreResult<i64>;
    async fn roster(&self, campaign_id: i64, id: i64) -> StoreResult<Option<RosterUpload>>;
    /// Unarchived coworkers with their area and shift names, for the reconciliation.
    async fn roster_existing(&self, campaign_id: i64) -> StoreResult<Vec<Existing>>;
    /// What is kept of an import whose file may be gone (see [`ImportSummary`]).
    async fn roster_summary(&self, campaign_id: i64, id: i64)
        -> StoreResult<Option<ImportSummary>>;
    /// Deletes the files of imports still pending that were uploaded before
    /// `uploaded_before` (they become "discarded") and of any applied or discarded one
    /// still holding its file, keeping their summaries. Returns how many files it deleted.
    async fn purge_abandoned_rosters(&self, uploaded_before: DateTime<Utc>) -> StoreResult<u64>;
    /// Applies a confirmed import in one transaction; Conflict if it was applied already.
    async fn apply_roster(
        &self,
        campaign_id: i64,
        import_id: i64,
        plan: &RosterPlan,
        audit: &AuditEvent,
    ) -> StoreResult<RosterOutcome>;
}

/// The organizer's loop: one-on-ones, ratings, follow-ups and commitments.
#[async_trait]
pub trait OrganizingLoop: Send + Sync {
    async fn campaign_settings(&self, campaign_id: i64) -> StoreResult<CampaignSettings>;
    async fn set_campaign_settings(
        &self,
        campaign_id: i64,
        settings: &CampaignSettings,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Stores a one-on-one once per client id, with its rating (an assessment, and the
    /// coworker's current rating) and its commitment, in one transaction. Returns the
    /// conversation's id and whether this call stored it. `audit` is written only when
    /// this call stored it (a repeat writes nothing).
    async fn log_conversation(
        &self,
        campaign_id: i64,
        organizer_id: i64,
        log: &NewConversation,
        commitment: Option<(String, NaiveDate)>,
        audit: &AuditEvent,
    ) -> StoreResult<(i64, bool)>;
    /// A rating without a conversation: an assessment and the current rating, together.
    async fn rate(
        &self,
        campaign_id: i64,
        rating: &NewAssessment,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn assessments(&self, campaign_id: i64, coworker_id: i64)
        -> StoreResult<Vec<Assessment>>;
    async fn conversations(
        &self,
        campaign_id: i64,
        coworker_id: i64,
    ) -> StoreResult<Vec<Conversation>>;
    /// The coworker a conversation is about.
    async fn conversation_coworker(&self, campaign_id: i64, id: i64) -> StoreResult<Option<i64>>;
    async fn follow_up_done(
        &self,
        campaign_id: i64,
        id: i64,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// The coworker a commitment is about.
    async fn commitment_coworker(&self, campaign_id: i64, id: i64) -> StoreResult<Option<i64>>;
    async fn resolve_commitment(
        &self,
        campaign_id: i64,
        id: i64,
        status: CommitmentStatus,
        by: i64,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn open_commitments(
        &self,
        campaign_id: i64,
        coworker_id: i64,
    ) -> StoreResult<Vec<Commitment>>;
    /// The organizer's list, only of coworkers within `scope` (their scope now, not
    /// when the follow-up or commitment was made).
    async fn my_list(
        &self,
        campaign_id: i64,
        user_id: i64,
        scope: &CoworkerScope,
        today: NaiveDate,
        stale_days: i64,
    ) -> StoreResult<MyList>;
    async fn coverage(
        &self,
        campaign_id: i64,
        days: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Coverage>;
}

/// The leads' dashboard: a handful of campaign-wide counts (the shares are computed in
/// `domain::dashboard`).
#[async_trait]
pub trait Dashboards: Send + Sync {
    /// The counts as of `now`: weeks start on `week_of` (a Monday), a rating is stale
    /// when older than `stale_days`, and an area's reach counts contacts in the last
    /// `reach_days` days. `weakest_areas` comes back with every area, unranked.
    async fn dashboard(
        &self,
        campaign_id: i64,
        now: DateTime<Utc>,
        week_of: NaiveDate,
        settings: &CampaignSettings,
        reach_days: i64,
    ) -> StoreResult<Dashboard>;
    /// The campaign's chart version: every committed change raises it (with its audit
    /// row), so what is made only from the chart can be kept while it stays.
    async fn chart_version(&self, campaign_id: i64) -> StoreResult<i64>;
}

/// The audit log (append-only).
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends an event on its own: for reads and refusals. A change writes its event
    /// in its own transaction (the `audit` argument of each write in the other traits).
    async fn audit(&self, event: &AuditEvent) -> StoreResult<()>;
    /// A page of the campaign's log, newest first, narrowed by `filter`.
    async fn audit_log(
        &self,
        campaign_id: i64,
        filter: &AuditFilter,
    ) -> StoreResult<Vec<AuditEntry>>;
    /// The actions that occur in the campaign's log, for the filter's choices.
    async fn audit_actions(&self, campaign_id: i64) -> StoreResult<Vec<String>>;
}

/// A coworker for a bulk insert (the demo, the import).
#[derive(Debug, Clone)]
pub struct NewCoworker {
    pub fields: CoworkerFields,
    /// 1–5, or None for unknown.
    pub rating: Option<i32>,
    /// On the chart since then (None: now); their first placement is dated so too.
    pub since: Option<DateTime<Utc>>,
}

/// A dated rating to store.
#[derive(Debug, Clone)]
pub struct NewAssessment {
    pub coworker_id: i64,
    pub organizer_id: i64,
    pub rating: i32,
    pub source: Source,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// A lead's change to an area.
#[derive(Debug, Clone)]
pub struct AreaChange {
    pub name: String,
    pub parent_id: Option<i64>,
    pub retired: bool,
    pub grid: Option<GridBox>,
}

#[derive(Debug, Clone)]
pub struct NewTie {
    pub from_id: i64,
    pub to_id: i64,
    pub kind: TieKind,
    pub created_by: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewRoster {
    pub campaign_id: i64,
    pub created_by: i64,
    pub filename: String,
    pub content: Vec<u8>,
    /// Data rows in the file, kept in the summary after the file is deleted.
    pub rows: usize,
}

#[derive(Debug, Clone)]
pub struct RosterUpload {
    pub id: i64,
    pub filename: String,
    pub content: Vec<u8>,
    /// "pending", "applied" or "discarded".
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// What a lead confirmed from a reconciliation.
#[derive(Debug, Clone, Default)]
pub struct RosterPlan {
    /// Areas and shifts to create (top level), by name.
    pub new_areas: Vec<String>,
    pub new_shifts: Vec<String>,
    pub add: Vec<RosterRow>,
    pub moves: Vec<Moved>,
    /// Coworkers no longer on the list: their status becomes "left".
    pub gone: Vec<i64>,
    /// Employee IDs to record for matched coworkers who had none.
    pub link_refs: Vec<(i64, String)>,
}

/// What the sign-in check needs.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub user_id: i64,
    pub refresh_hash: String,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The result of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was current: it is now spent and `new_hash` is current.
    Rotated { session_id: String, user_id: i64 },
    /// The token was spent moments ago by a parallel request of the same browser:
    /// accept the request, issue nothing new.
    JustSpent { session_id: String, user_id: i64 },
    /// Unknown, expired, revoked, or replayed (the session is now revoked).
    Refused,
}

#[derive(Debug, Clone)]
pub struct NewInvite {
    pub campaign_id: i64,
    pub token_hash: String,
    pub role: Role,
    pub area_ids: Vec<i64>,
    pub note: String,
    pub created_by: i64,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The raw token, kept until then for [`Invites::take_invite_reveal`] (a link made
    /// without JavaScript is shown once from the server, never put in a URL).
    pub reveal: Option<(String, DateTime<Utc>)>,
}

#[derive(Debug, Clone)]
pub struct InviteRecord {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub role: Role,
    pub area_ids: Vec<i64>,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
}

/// What [`Invites::join_invite`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinOutcome {
    Joined {
        campaign_id: i64,
        role: Role,
    },
    /// Already a member: role unchanged, invite not spent.
    AlreadyMember {
        campaign_id: i64,
    },
    /// Unknown, used, revoked or expired.
    Unavailable,
}

pub use crate::domain::access::OpenInvite;

/// Which way into an account an attempt is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptKind {
    SignIn,
    PasswordCheck,
    CreateAccount,
}

impl AttemptKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptKind::SignIn => "sign_in",
            AttemptKind::PasswordCheck => "password_check",
            AttemptKind::CreateAccount => "create_account",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Failed,
    Succeeded,
    Created,
    Refused,
}

impl AttemptOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptOutcome::Failed => "failed",
            AttemptOutcome::Succeeded => "succeeded",
            AttemptOutcome::Created => "created",
            AttemptOutcome::Refused => "refused",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewAttempt {
    pub kind: AttemptKind,
    pub email: String,
    pub client_ip: String,
    pub now: DateTime<Utc>,
    /// The start of the counting window.
    pub since: DateTime<Utc>,
}

/// What was committed when an attempt was reserved (its own row included).
#[derive(Debug, Clone)]
pub struct Reservation {
    pub id: i64,
    /// Pending and failed guesses at this account from this address in the window.
    pub by_account: i64,
    /// From this address in the window: pending and failed guesses (for a guess), or
    /// pending and created accounts (for an account creation).
    pub by_address: i64,
    /// The end of the latest lockout of this account from this address.
    pub locked_until: Option<DateTime<Utc>>,
}

/// One thing to write to the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent {
    pub campaign_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub record: String,
    pub detail: String,
    pub client_ip: String,
}

/// Which audit entries to read: older than `before` (an entry id), one action, one actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    pub before: Option<i64>,
    pub action: Option<String>,
    pub actor_id: Option<i64>,
    pub limit: i64,
}

impl AuditEvent {
    /// The event as stored for a row just created with `id`: `{id}` in the record and
    /// the detail become the id (callers cannot know it before the insert).
    pub fn for_new(&self, id: i64) -> Self {
        let id_text = id.to_string();
        Self {
            record: self.record.replace("{id}", &id_text),
            detail: self.detail.replace("{id}", &id_text),
            ..self.clone()
        }
    }

    /// An event with no signed-in actor, about the account named by `email`.
    pub fn anonymous(action: &str, email: &str, client_ip: &str) -> Self {
        Self {
            action: action.into(),
            record: format!("email:{email}"),
            client_ip: client_ip.into(),
            ..Default::default()
        }
    }
}

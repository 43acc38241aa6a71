//! Members of a campaign, and the invites that make them. (Its SQL: `server/src/store/sql/members.rs`.)

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::*;
use crate::domain::{Member, MemberSummary, Role};

/// What the membership lookup reads: the member, and what the second-factor rule needs.
#[derive(Debug, Clone)]
pub struct MembershipRow {
    pub member: Member,
    /// The session was signed in with a second factor (or set one up).
    pub session_second_factor: bool,
    /// The campaign requires the second factor of organizers too.
    pub organizers_need_second_factor: bool,
}

/// The outcome of [`Membership::checked_membership`].
#[derive(Debug, Clone)]
pub enum Checked {
    /// A member: the key to the campaign's data.
    Granted(Member, CampaignKey),
    /// A member whose role here needs a session signed in with a second factor, and
    /// this one was not ([`Role::needs_second_factor`]).
    SecondFactorNeeded,
    /// Not a member, or the session is dead.
    Absent,
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
    ) -> StoreResult<Option<MembershipRow>>;
    /// The membership check with what it grants: the key to that campaign's data.
    /// Provided here alone (an adapter cannot make a key), so no key exists for a
    /// campaign whose membership was not found.
    async fn checked_membership(
        &self,
        session_id: &str,
        user_id: i64,
        campaign_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Checked> {
        let row = self
            .membership(session_id, user_id, campaign_id, now)
            .await?
            .filter(|r| r.member.campaign_id == campaign_id && r.member.user_id == user_id);
        Ok(match row {
            None => Checked::Absent,
            Some(row)
                if row
                    .member
                    .role
                    .needs_second_factor(row.organizers_need_second_factor)
                    && !row.session_second_factor =>
            {
                Checked::SecondFactorNeeded
            }
            Some(row) => Checked::Granted(row.member, CampaignKey(campaign_id)),
        })
    }
    async fn upsert_member(
        &self,
        campaign: CampaignKey,
        user_id: i64,
        role: Role,
        area_ids: &[i64],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn list_members(&self, campaign: CampaignKey) -> StoreResult<Vec<MemberSummary>>;
    /// Removes a member; refuses (Conflict) to remove or demote the last lead.
    async fn remove_member(
        &self,
        campaign: CampaignKey,
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
        campaign: CampaignKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<OpenInvite>>;
    /// Revokes an unused invite with `audit` in one transaction; false (and nothing
    /// written) when it was used or revoked; NotFound when it is not in the campaign.
    async fn revoke_invite(
        &self,
        campaign: CampaignKey,
        invite_id: i64,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// The kept raw token of an invite `created_by` made, once: it is cleared as it is read.
    async fn take_invite_reveal(
        &self,
        campaign: CampaignKey,
        invite_id: i64,
        created_by: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>>;
}

#[derive(Debug, Clone)]
pub struct NewInvite {
    pub campaign: CampaignKey,
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

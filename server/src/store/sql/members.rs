//! Membership (roles and an organizer's areas) and invites.

use app::domain::access::parse_area_ids;
use app::domain::{Member, MemberSummary, Role};
use app::store::{
    AuditEvent, CampaignKey, InviteRecord, Invites, JoinOutcome, Membership, MembershipRow,
    NewInvite, OpenInvite, StoreError, StoreResult,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::audit::INSERT_AUDIT;
use super::{commit_audited, commit_inserted, Adapter, Db, Tx};
use crate::store::rows::{join_ids, parse_role};
use crate::store::DbResult;

/// A member as listed, before their areas join them.
#[derive(sqlx::FromRow)]
struct MemberRow {
    user_id: i64,
    email: String,
    role: String,
    joined_at: DateTime<Utc>,
}

/// An invite just spent: what the membership it makes needs.
#[derive(sqlx::FromRow)]
struct SpentInvite {
    id: i64,
    campaign_id: i64,
    role: String,
    area_ids: String,
}

/// An invite not yet used, revoked or expired.
#[derive(sqlx::FromRow)]
struct InviteRow {
    id: i64,
    role: String,
    note: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// An invite found by its token, with its campaign's name; `used_at` is when it was
/// used or revoked.
#[derive(sqlx::FromRow)]
struct InviteLookupRow {
    id: i64,
    campaign_id: i64,
    campaign_name: String,
    role: String,
    area_ids: String,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
}

/// An organizer's scope: one row per area.
async fn insert_member_areas(
    tx: &mut Tx,
    campaign_id: i64,
    user_id: i64,
    area_ids: &[i64],
) -> StoreResult<()> {
    for area in area_ids {
        sqlx::query(
            "INSERT INTO membership_areas (campaign_id, user_id, area_id) VALUES ($1, $2, $3)",
        )
        .bind(campaign_id)
        .bind(user_id)
        .bind(area)
        .execute(&mut **tx)
        .await
        .db()?;
    }
    Ok(())
}

/// Refuses (Conflict) a change that leaves the campaign without a lead;
/// run inside the change's transaction, before commit.
async fn ensure_a_lead(tx: &mut Tx, campaign_id: i64) -> StoreResult<()> {
    let leads = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM memberships WHERE campaign_id = $1 AND role = 'lead'",
    )
    .bind(campaign_id)
    .fetch_one(&mut **tx)
    .await
    .db()?;
    if leads == 0 {
        return Err(StoreError::Conflict(
            "A campaign needs at least one lead.".into(),
        ));
    }
    Ok(())
}

/// Why a join did not happen: the caller is a member already, or the invite is gone.
async fn why_not_joined(
    pool: &sqlx::Pool<Db>,
    token_hash: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<JoinOutcome> {
    let member_of = sqlx::query_scalar::<_, i64>(
        "SELECT i.campaign_id FROM invites i JOIN memberships m \
         ON m.campaign_id = i.campaign_id AND m.user_id = $1 \
         WHERE i.token_hash = $2 AND i.used_at IS NULL AND i.revoked_at IS NULL \
         AND i.expires_at > $3",
    )
    .bind(user_id)
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await
    .db()?;
    Ok(match member_of {
        Some(campaign_id) => JoinOutcome::AlreadyMember { campaign_id },
        None => JoinOutcome::Unavailable,
    })
}

#[async_trait]
impl Membership for Adapter {
    async fn membership(
        &self,
        session_id: &str,
        user_id: i64,
        campaign_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<MembershipRow>> {
        let row = sqlx::query_as::<_, (String, bool, bool)>(
            "SELECT m.role, s.second_factor, c.second_factor_for_organizers \
             FROM memberships m \
             JOIN sessions s ON s.user_id = m.user_id \
             JOIN campaigns c ON c.id = m.campaign_id \
             WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $4 \
             AND m.campaign_id = $3",
        )
        .bind(session_id)
        .bind(user_id)
        .bind(campaign_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .db()?;
        let Some((role, session_second_factor, organizers_need_second_factor)) = row else {
            return Ok(None);
        };
        let role = parse_role(&role)?;
        let area_ids = if role == Role::Organizer {
            sqlx::query_scalar::<_, i64>(
                "SELECT area_id FROM membership_areas WHERE campaign_id = $1 AND user_id = $2 \
                 ORDER BY area_id",
            )
            .bind(campaign_id)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
            .db()?
        } else {
            Vec::new()
        };
        Ok(Some(MembershipRow {
            member: Member {
                user_id,
                campaign_id,
                role,
                area_ids,
            },
            session_second_factor,
            organizers_need_second_factor,
        }))
    }

    async fn upsert_member(
        &self,
        campaign: CampaignKey,
        user_id: i64,
        role: Role,
        area_ids: &[i64],
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        sqlx::query(
            "INSERT INTO memberships (campaign_id, user_id, role, created_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (campaign_id, user_id) DO UPDATE SET role = excluded.role",
        )
        .bind(campaign_id)
        .bind(user_id)
        .bind(role.as_str())
        .bind(Utc::now())
        .execute(&mut *tx)
        .await
        .db()?;
        ensure_a_lead(&mut tx, campaign_id).await?;
        sqlx::query("DELETE FROM membership_areas WHERE campaign_id = $1 AND user_id = $2")
            .bind(campaign_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .db()?;
        if role == Role::Organizer {
            insert_member_areas(&mut tx, campaign_id, user_id, area_ids).await?;
        }
        commit_audited(tx, audit).await
    }

    async fn list_members(&self, campaign: CampaignKey) -> StoreResult<Vec<MemberSummary>> {
        let campaign_id = campaign.id();
        let rows = sqlx::query_as::<_, MemberRow>(
            "SELECT u.id AS user_id, u.email, m.role, m.created_at AS joined_at FROM memberships m \
             JOIN users u ON u.id = m.user_id WHERE m.campaign_id = $1 ORDER BY u.email",
        )
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        let areas = sqlx::query_as::<_, (i64, i64)>(
            "SELECT user_id, area_id FROM membership_areas WHERE campaign_id = $1 ORDER BY area_id",
        )
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        rows.into_iter()
            .map(
                |MemberRow {
                     user_id,
                     email,
                     role,
                     joined_at,
                 }| {
                    Ok(MemberSummary {
                        user_id,
                        email,
                        role: parse_role(&role)?,
                        area_ids: areas
                            .iter()
                            .filter(|(u, _)| *u == user_id)
                            .map(|(_, a)| *a)
                            .collect(),
                        joined_at,
                    })
                },
            )
            .collect()
    }

    async fn remove_member(
        &self,
        campaign: CampaignKey,
        user_id: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let campaign_id = campaign.id();
        let mut tx = self.begin_write().await.db()?;
        let removed =
            sqlx::query("DELETE FROM memberships WHERE campaign_id = $1 AND user_id = $2")
                .bind(campaign_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .db()?
                .rows_affected();
        if removed == 0 {
            return Err(StoreError::NotFound);
        }
        ensure_a_lead(&mut tx, campaign_id).await?;
        commit_audited(tx, audit).await
    }
}

#[async_trait]
impl Invites for Adapter {
    async fn create_invite(&self, i: &NewInvite, audit: &AuditEvent) -> StoreResult<i64> {
        let tx = self.begin_write().await.db()?;
        let insert = sqlx::query_scalar::<_, i64>(
            "INSERT INTO invites (campaign_id, token_hash, role, area_ids, note, created_by, \
             created_at, expires_at, reveal_token, reveal_until) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(i.campaign.id())
        .bind(&i.token_hash)
        .bind(i.role.as_str())
        .bind(join_ids(&i.area_ids))
        .bind(&i.note)
        .bind(i.created_by)
        .bind(i.now)
        .bind(i.expires_at)
        .bind(i.reveal.as_ref().map(|(token, _)| token.as_str()))
        .bind(i.reveal.as_ref().map(|(_, until)| *until));
        commit_inserted(tx, insert, audit).await
    }

    async fn invite(&self, token_hash: &str) -> StoreResult<Option<InviteRecord>> {
        let row = sqlx::query_as::<_, InviteLookupRow>(
            // A revoked invite answers as a used one.
            "SELECT i.id, i.campaign_id, c.name AS campaign_name, i.role, i.area_ids, \
             i.expires_at, COALESCE(i.used_at, i.revoked_at) AS used_at \
             FROM invites i JOIN campaigns c ON c.id = i.campaign_id WHERE i.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .db()?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(InviteRecord {
            id: row.id,
            campaign_id: row.campaign_id,
            campaign_name: row.campaign_name,
            role: parse_role(&row.role)?,
            area_ids: parse_area_ids(&row.area_ids).unwrap_or_default(),
            expires_at: row.expires_at,
            used: row.used_at.is_some(),
        }))
    }

    // --- Invites: joining, revoking, showing a new link once (issue 9) ---

    async fn join_invite(
        &self,
        token_hash: &str,
        user_id: i64,
        now: DateTime<Utc>,
        client_ip: &str,
    ) -> StoreResult<JoinOutcome> {
        let mut tx = self.begin_write().await.db()?;
        // The write comes first, so SQLite takes its write lock before reading
        // anything; concurrent joins wait here and then find the invite spent.
        let spent = sqlx::query_as::<_, SpentInvite>(
            "UPDATE invites SET used_at = $1, used_by = $2 \
             WHERE token_hash = $3 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1 \
             AND NOT EXISTS (SELECT 1 FROM memberships m \
             WHERE m.campaign_id = invites.campaign_id AND m.user_id = $2) \
             RETURNING id, campaign_id, role, area_ids",
        )
        .bind(now)
        .bind(user_id)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        let Some(SpentInvite {
            id: invite_id,
            campaign_id,
            role,
            area_ids,
        }) = spent
        else {
            tx.rollback().await.db()?;
            return why_not_joined(&self.pool, token_hash, user_id, now).await;
        };
        let role = parse_role(&role)?;
        sqlx::query(
            "INSERT INTO memberships (campaign_id, user_id, role, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(campaign_id)
        .bind(user_id)
        .bind(role.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await
        .db()?;
        if role == Role::Organizer {
            let areas = parse_area_ids(&area_ids).unwrap_or_default();
            insert_member_areas(&mut tx, campaign_id, user_id, &areas).await?;
        }
        sqlx::query(INSERT_AUDIT)
            .bind(now)
            .bind(campaign_id)
            .bind(user_id)
            .bind("member.joined")
            .bind(format!("user:{user_id}"))
            .bind(format!("role={} invite={invite_id}", role.as_str()))
            .bind(client_ip)
            .execute(&mut *tx)
            .await
            .db()?;
        tx.commit().await.db()?;
        Ok(JoinOutcome::Joined { campaign_id, role })
    }

    async fn open_invites(
        &self,
        campaign: CampaignKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<OpenInvite>> {
        let campaign_id = campaign.id();
        let rows = sqlx::query_as::<_, InviteRow>(
            "SELECT id, role, note, created_at, expires_at FROM invites \
             WHERE campaign_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 \
             ORDER BY id DESC",
        )
        .bind(campaign_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .db()?;
        rows.into_iter()
            .map(
                |InviteRow {
                     id,
                     role,
                     note,
                     created_at,
                     expires_at,
                 }| {
                    Ok(OpenInvite {
                        id,
                        role: parse_role(&role)?,
                        note,
                        created_at,
                        expires_at,
                    })
                },
            )
            .collect()
    }

    async fn revoke_invite(
        &self,
        campaign: CampaignKey,
        invite_id: i64,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let campaign_id = campaign.id();
        let statement = sqlx::query(
            "UPDATE invites SET revoked_at = $1, reveal_token = NULL, reveal_until = NULL \
             WHERE id = $2 AND campaign_id = $3 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(invite_id)
        .bind(campaign_id);
        match self.change_audited(statement, audit).await {
            Ok(()) => Ok(true),
            Err(StoreError::NotFound) => {
                // Used or revoked already: false. Another campaign's, or none: NotFound.
                let known = sqlx::query("SELECT 1 FROM invites WHERE id = $1 AND campaign_id = $2")
                    .bind(invite_id)
                    .bind(campaign_id)
                    .fetch_optional(&self.pool)
                    .await
                    .db()?;
                known.map(|_| false).ok_or(StoreError::NotFound)
            }
            Err(e) => Err(e),
        }
    }

    async fn take_invite_reveal(
        &self,
        campaign: CampaignKey,
        invite_id: i64,
        created_by: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>> {
        let campaign_id = campaign.id();
        let kept = sqlx::query_as::<_, (Option<String>, Option<DateTime<Utc>>)>(
            "SELECT reveal_token, reveal_until FROM invites \
             WHERE id = $1 AND campaign_id = $2 AND created_by = $3",
        )
        .bind(invite_id)
        .bind(campaign_id)
        .bind(created_by)
        .fetch_optional(&self.pool)
        .await
        .db()?;
        let Some((Some(token), until)) = kept else {
            return Ok(None);
        };
        // Whoever clears it shows it: two loads at once cannot both get it.
        let cleared = sqlx::query(
            "UPDATE invites SET reveal_token = NULL, reveal_until = NULL \
             WHERE id = $1 AND reveal_token = $2",
        )
        .bind(invite_id)
        .bind(&token)
        .execute(&self.pool)
        .await
        .db()?
        .rows_affected();
        Ok((cleared == 1 && until.is_some_and(|u| u > now)).then_some(token))
    }
}

//! Campaign members and invites: leads only.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use self::ssr::*;

use crate::domain::access::OpenInvite;
use crate::domain::{AuditEntry, MemberSummary};
use crate::error::AppError;

/// How long an invite link stays valid by default.
pub const INVITE_TTL_HOURS: i64 = 72;
/// How long a new link waits to be shown to a lead without JavaScript.
pub const REVEAL_MINUTES: i64 = 10;

#[server(prefix = "/api", endpoint = "members/list")]
pub async fn list_members(campaign_id: i64) -> Result<Vec<MemberSummary>, AppError> {
    use crate::domain::Role;

    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let members = member.store().list_members(member.campaign()).await?;
    member
        .audit("members.list_read", "", format!("rows={}", members.len()))
        .await?;
    Ok(members)
}

/// Creates a single-use invite link for a role (and, for organizers, their areas).
#[server(prefix = "/api", endpoint = "members/invite")]
pub async fn create_invite(
    campaign_id: i64,
    role: String,
    #[server(default)] areas: String,
    #[server(default)] note: String,
) -> Result<String, AppError> {
    use crate::domain::Role;
    use crate::store::NewInvite;

    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let role = Role::parse(&role)?;
    let area_ids = campaign_areas(&member, &areas).await?;
    let note = note.trim().to_owned();
    if note.chars().count() > 200 {
        return Err(AppError::validation(
            "note",
            "A note can be at most 200 characters.",
        ));
    }
    let (token, token_hash) = crate::auth::tokens::new_refresh_token();
    let now = chrono::Utc::now();
    let plain = crate::auth::guard::is_plain_form_post();
    let id = member
        .store()
        .create_invite(
            &NewInvite {
                campaign: member.campaign(),
                token_hash,
                role,
                area_ids,
                note,
                created_by: member.user_id(),
                now,
                expires_at: now + chrono::Duration::hours(INVITE_TTL_HOURS),
                // Without JavaScript the answer cannot ride the redirect, and a token in
                // a URL ends up in history and logs: the row keeps it briefly, the page
                // shows it once.
                reveal: plain.then(|| {
                    (
                        token.clone(),
                        now + chrono::Duration::minutes(REVEAL_MINUTES),
                    )
                }),
            },
            &member.event(
                "member.invited",
                "invite:{id}",
                format!("role={}", role.as_str()),
            ),
        )
        .await?;
    if plain {
        leptos_axum::redirect(&format!("/campaigns/{campaign_id}/members?shown={id}"));
    }
    Ok(format!(
        "{}/invite/{token}",
        member.caller.state.public_url.trim_end_matches('/')
    ))
}

/// Invites not yet used, revoked or expired.
#[server(prefix = "/api", endpoint = "members/list_invites")]
pub async fn list_invites(campaign_id: i64) -> Result<Vec<OpenInvite>, AppError> {
    use crate::domain::Role;

    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let invites = member
        .store()
        .open_invites(member.campaign(), chrono::Utc::now())
        .await?;
    member
        .audit("invites.list_read", "", format!("rows={}", invites.len()))
        .await?;
    Ok(invites)
}

/// Revokes an unused invite: its link then answers as an expired one.
#[server(prefix = "/api", endpoint = "members/revoke_invite")]
pub async fn revoke_invite(campaign_id: i64, invite_id: i64) -> Result<(), AppError> {
    use crate::domain::Role;

    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let event = member.event("member.invite_revoked", format!("invite:{invite_id}"), "");
    if !member
        .store()
        .revoke_invite(member.campaign(), invite_id, chrono::Utc::now(), &event)
        .await?
    {
        return Err(AppError::Conflict(
            "That invite was already used or revoked.".into(),
        ));
    }
    Ok(())
}

/// Changes a member's role and scope. Refuses to leave the campaign without a lead.
#[server(prefix = "/api", endpoint = "members/update")]
pub async fn update_member(
    campaign_id: i64,
    user_id: i64,
    role: String,
    #[server(default)] areas: String,
) -> Result<(), AppError> {
    use crate::domain::Role;

    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let role = Role::parse(&role)?;
    let area_ids = campaign_areas(&member, &areas).await?;
    let store = member.store();
    if !store
        .list_members(member.campaign())
        .await?
        .iter()
        .any(|m| m.user_id == user_id)
    {
        return Err(AppError::NotFound);
    }
    store
        .upsert_member(
            member.campaign(),
            user_id,
            role,
            &area_ids,
            &member.event(
                "member.changed",
                format!("user:{user_id}"),
                format!("role={} areas={areas}", role.as_str()),
            ),
        )
        .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "members/remove")]
pub async fn remove_member(campaign_id: i64, user_id: i64) -> Result<(), AppError> {
    use crate::domain::Role;

    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    member
        .store()
        .remove_member(
            member.campaign(),
            user_id,
            &member.event("member.removed", format!("user:{user_id}"), ""),
        )
        .await?;
    Ok(())
}

/// A lead resets another member's second factor (a lost phone): it is removed with its
/// recovery codes, every session of theirs ends at once, and the campaign's log says
/// who did it. They sign in with their password and set it up again.
#[server(prefix = "/api", endpoint = "members/reset_second_factor")]
pub async fn reset_second_factor(campaign_id: i64, user_id: i64) -> Result<(), AppError> {
    use crate::domain::Role;

    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    if user_id == member.user_id() {
        return Err(AppError::Conflict(
            "Turn your own second factor off on your account page.".into(),
        ));
    }
    let members = member.store().list_members(member.campaign()).await?;
    if !members.iter().any(|m| m.user_id == user_id) {
        return Err(AppError::NotFound);
    }
    let event = member.event(
        "member.second_factor_reset",
        format!("user:{user_id}"),
        "sessions ended",
    );
    let removed = member
        .store()
        .remove_second_factor(user_id, true, chrono::Utc::now(), &event)
        .await?;
    if !removed {
        return Err(AppError::Conflict(
            "They have no second factor to reset.".into(),
        ));
    }
    Ok(())
}

/// Entries per page of the audit log.
pub const AUDIT_PAGE_SIZE: i64 = 100;

/// One page of the audit log, and what the filter can choose from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// The actions that occur in this campaign's log.
    pub actions: Vec<String>,
    /// Members, to filter by who did it: (user id, e-mail).
    pub members: Vec<(i64, String)>,
    /// The `before` of the next (older) page, when there is one.
    pub older: Option<i64>,
}

/// The campaign's audit log, newest first, a page at a time, filtered by action and
/// member so an export cannot hide under hundreds of reads (leads only; nobody can edit it).
#[server(prefix = "/api", endpoint = "audit/list")]
pub async fn audit_log(
    campaign_id: i64,
    #[server(default)] before: String,
    #[server(default)] action: String,
    #[server(default)] actor: String,
) -> Result<AuditPage, AppError> {
    use crate::domain::Role;
    use crate::store::AuditFilter;

    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let number = |raw: &str, field: &str| -> Result<Option<i64>, AppError> {
        match raw.trim() {
            "" => Ok(None),
            n => n
                .parse::<i64>()
                .map(Some)
                .map_err(|_| AppError::validation(field, "Choose from the list.")),
        }
    };
    let action = action.trim();
    if action.len() > 64 {
        return Err(AppError::validation("action", "Choose from the list."));
    }
    let filter = AuditFilter {
        before: number(&before, "before")?,
        action: (!action.is_empty()).then(|| action.to_owned()),
        actor_id: number(&actor, "actor")?,
        limit: AUDIT_PAGE_SIZE + 1,
    };
    let store = member.store();
    let mut entries = store.audit_log(member.campaign(), &filter).await?;
    let older = if entries.len() as i64 > AUDIT_PAGE_SIZE {
        entries.truncate(AUDIT_PAGE_SIZE as usize);
        entries.last().map(|e| e.id)
    } else {
        None
    };
    let page = AuditPage {
        actions: store.audit_actions(member.campaign()).await?,
        members: store
            .list_members(member.campaign())
            .await?
            .into_iter()
            .map(|m| (m.user_id, m.email))
            .collect(),
        entries,
        older,
    };
    member
        .audit(
            "audit.list_read",
            "",
            format!("rows={}", page.entries.len()),
        )
        .await?;
    Ok(page)
}

// --- Page loads: one server function per page, at the end of the file on purpose ---
// Each authorizes once, runs its reads together and writes one audit row for the visit.

/// What the members page shows: the members, the open invites, and the link of an
/// invite this lead just made without JavaScript (once).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MembersPageData {
    pub members: Vec<MemberSummary>,
    pub invites: Vec<OpenInvite>,
    pub link: Option<String>,
}

/// The members page (leads). `shown` names the invite a plain form post just made
/// (`?shown=`, never its token): its link is read once, which clears it, and that is
/// audited as `member.invite_shown`; the visit itself is one `members.list_read` row.
#[server(prefix = "/api", endpoint = "pages/members")]
pub async fn members_page(
    campaign_id: i64,
    #[server(default)] shown: Option<i64>,
) -> Result<MembersPageData, AppError> {
    use crate::domain::Role;

    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let store = member.store();
    let now = chrono::Utc::now();
    let (members, invites) = tokio::try_join!(
        store.list_members(member.campaign()),
        store.open_invites(member.campaign(), now),
    )?;
    let link = match shown {
        Some(invite_id) => reveal_link(&member, invite_id, now).await?,
        None => None,
    };
    member
        .audit(
            "members.list_read",
            "",
            format!("rows={} invites={}", members.len(), invites.len()),
        )
        .await?;
    Ok(MembersPageData {
        members,
        invites,
        link,
    })
}

/// Server-only helpers of this file.
#[cfg(feature = "ssr")]
mod ssr {
    use super::*;

    /// Parses an organizer's areas and checks each belongs to the campaign.
    pub(super) async fn campaign_areas(
        member: &crate::auth::InCampaign,
        raw: &str,
    ) -> Result<Vec<i64>, AppError> {
        let ids = crate::domain::access::parse_area_ids(raw)?;
        if ids.is_empty() {
            return Ok(ids);
        }
        let known: Vec<i64> = member
            .store()
            .list_areas(member.campaign())
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        if let Some(unknown) = ids.iter().find(|id| !known.contains(id)) {
            return Err(AppError::validation(
                "areas",
                format!("Area {unknown} is not on this campaign's map."),
            ));
        }
        Ok(ids)
    }

    /// The link of an invite this lead just made without JavaScript, once: reading it
    /// clears it. `None` when it was shown already, is too old, or is someone else's.
    pub(super) async fn reveal_link(
        member: &crate::auth::InCampaign,
        invite_id: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<String>, AppError> {
        let token = member
            .store()
            .take_invite_reveal(member.campaign(), invite_id, member.user_id(), now)
            .await?;
        let Some(token) = token else {
            return Ok(None);
        };
        member
            .audit("member.invite_shown", format!("invite:{invite_id}"), "")
            .await?;
        Ok(Some(format!(
            "{}/invite/{token}",
            member.caller.state.public_url.trim_end_matches('/')
        )))
    }
}

//! The authorization check every server function starts with.
//!
//! `require_user()` for account-level functions, `require_member(campaign, role)`
//! for anything inside a campaign. Both look the session up in the database on
//! every call, so a removed member or a changed role takes effect on the very
//! next request, and a signed-out session is dead even while its JWT is unexpired.

use chrono::Utc;
use leptos::prelude::use_context;

use super::session::{AuthSession, ClientIp};
use crate::domain::{Coworker, CoworkerScope, CurrentUser, Member, Role};
use crate::error::AppError;
use crate::state::{app_state, AppState};
use crate::store::{AuditEvent, CampaignKey, Checked, Store};

/// Who is calling, and from where, once authenticated.
#[derive(Clone)]
pub struct Caller {
    pub state: AppState,
    pub user: CurrentUser,
    pub session_id: String,
    pub client_ip: String,
}

impl Caller {
    /// An audit event by this caller, for a store write to commit with its change.
    pub fn event(
        &self,
        campaign_id: Option<i64>,
        action: &str,
        record: impl Into<String>,
        detail: impl Into<String>,
    ) -> AuditEvent {
        AuditEvent {
            campaign_id,
            actor_id: Some(self.user.id),
            action: action.into(),
            record: record.into(),
            detail: detail.into(),
            client_ip: self.client_ip.clone(),
        }
    }

    /// Appends a read (or a refusal) to the audit log on its own; a failure to audit
    /// fails the request. Writes pass [`Caller::event`] to the store instead, so the
    /// change and its audit row commit together.
    pub async fn audit(
        &self,
        campaign_id: Option<i64>,
        action: &str,
        record: impl Into<String>,
        detail: impl Into<String>,
    ) -> Result<(), AppError> {
        let event = self.event(campaign_id, action, record, detail);
        self.state.store.audit(&event).await?;
        Ok(())
    }
}

fn request_parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The session the authentication layer found on this request, if any.
pub fn auth_session() -> Option<AuthSession> {
    request_parts().and_then(|p| p.extensions.get::<AuthSession>().cloned())
}

/// True for a form posted by a browser without JavaScript (it navigates, so it
/// will follow a redirect rather than read the answer).
pub fn is_plain_form_post() -> bool {
    request_parts()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|a| a.contains("text/html"))
        })
        .unwrap_or(false)
}

/// The request's `User-Agent` (empty without one).
pub fn user_agent() -> String {
    request_parts()
        .and_then(|p| {
            p.headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

pub fn client_ip() -> String {
    request_parts()
        .and_then(|p| p.extensions.get::<ClientIp>().cloned())
        .map(|ip| ip.0)
        .unwrap_or_default()
}

/// A signed-in user with a live session.
pub async fn require_user() -> Result<Caller, AppError> {
    let state = app_state()?;
    let session = auth_session().ok_or(AppError::Unauthorized)?;
    let user = state
        .store
        .session_user(&session.session_id, session.user_id, Utc::now())
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(Caller {
        state,
        user,
        session_id: session.session_id,
        client_ip: client_ip(),
    })
}

/// A member of `campaign_id` with at least `needed`, as one campaign-scoped caller.
/// A campaign the caller is not a member of answers NotFound, so its existence does
/// not leak.
pub async fn require_member(campaign_id: i64, needed: Role) -> Result<InCampaign, AppError> {
    let state = app_state()?;
    let session = auth_session().ok_or(AppError::Unauthorized)?;
    let checked = state
        .store
        .checked_membership(
            &session.session_id,
            session.user_id,
            campaign_id,
            Utc::now(),
        )
        .await?;
    let (member, campaign) = match checked {
        Checked::Granted(member, campaign) => (member, campaign),
        // A lead (or an organizer where the campaign asks it) signed in with a password
        // alone reaches their account page, not the campaign.
        Checked::SecondFactorNeeded => return Err(AppError::SecondFactorRequired),
        Checked::Absent => {
            // Either the session is dead or the user is not a member: tell them apart
            // only as far as "sign in again" versus "not found".
            let user = state
                .store
                .session_user(&session.session_id, session.user_id, Utc::now())
                .await?;
            return Err(if user.is_some() {
                AppError::NotFound
            } else {
                AppError::Unauthorized
            });
        }
    };
    if !member.role.at_least(needed) {
        return Err(AppError::Forbidden);
    }
    let user = CurrentUser {
        id: session.user_id,
        email: String::new(),
    };
    Ok(InCampaign {
        campaign,
        scope: CoworkerScope::of(&member),
        caller: Caller {
            state,
            user,
            session_id: session.session_id,
            client_ip: client_ip(),
        },
        member,
    })
}

/// An organizer or lead of `campaign_id`: someone who may see coworkers' names (in
/// their scope). Viewers are Forbidden.
pub async fn require_organizer(campaign_id: i64) -> Result<InCampaign, AppError> {
    require_member(campaign_id, Role::Organizer).await
}

/// A member acting inside one campaign: what every campaign server function works
/// through. It carries the campaign, the member's role and scope, and the store; its
/// [`InCampaign::event`] is the audit row a write commits in the same transaction as
/// its change, and [`InCampaign::coworker`] is the one place the scope rule is applied
/// to a named coworker.
#[derive(Clone)]
pub struct InCampaign {
    pub caller: Caller,
    pub member: Member,
    /// The key to the campaign's data, granted by the membership check.
    campaign: CampaignKey,
    /// `None` for viewers: they read aggregates, never names.
    scope: Option<CoworkerScope>,
}

impl InCampaign {
    pub fn campaign_id(&self) -> i64 {
        self.campaign.id()
    }

    /// What the store takes to reach this campaign's data, and no other campaign's.
    pub fn campaign(&self) -> CampaignKey {
        self.campaign
    }

    pub fn user_id(&self) -> i64 {
        self.member.user_id
    }

    pub fn role(&self) -> Role {
        self.member.role
    }

    pub fn store(&self) -> &dyn Store {
        self.caller.state.store.as_ref()
    }

    /// The coworkers this member may name; Forbidden for viewers.
    pub fn scope(&self) -> Result<&CoworkerScope, AppError> {
        self.scope.as_ref().ok_or(AppError::Forbidden)
    }

    /// True when the scope reaches a coworker in `area_id` assigned to `assigned`
    /// (never for viewers).
    pub fn sees(&self, area_id: Option<i64>, assigned: Option<i64>) -> bool {
        self.scope
            .as_ref()
            .is_some_and(|s| s.allows(area_id, assigned))
    }

    /// The disclosure policy for this member (`domain::disclosure`): the one entry point
    /// every count of people a member reads goes through.
    pub async fn disclosure(&self) -> Result<crate::domain::disclosure::Disclosure, AppError> {
        let settings = self.store().campaign_settings(self.campaign()).await?;
        Ok(crate::domain::disclosure::Disclosure {
            role: self.role(),
            min_group_size: settings.min_group_size,
        })
    }

    /// The people this member reads exactly inside counts that also hold others: an
    /// organizer's scope (they know those people by name); None for viewers and leads
    /// (`domain::disclosure::Keyed::inside`).
    pub fn own_scope(&self) -> Option<&CoworkerScope> {
        match self.role() {
            Role::Organizer => self.scope.as_ref(),
            Role::Lead | Role::Viewer => None,
        }
    }

    /// The whole record of a coworker in scope (archived ones too). Out of scope
    /// answers NotFound, as if absent; viewers are Forbidden.
    pub async fn coworker(&self, coworker_id: i64) -> Result<Coworker, AppError> {
        let scope = self.scope()?;
        self.store()
            .coworker_detail(self.campaign(), coworker_id)
            .await?
            .filter(|c| scope.allows(c.fields.area_id, c.fields.assigned_organizer))
            .ok_or(AppError::NotFound)
    }

    /// The audit row for a write in this campaign, to pass to the store so that the
    /// change and its row commit together.
    pub fn event(
        &self,
        action: &str,
        record: impl Into<String>,
        detail: impl Into<String>,
    ) -> AuditEvent {
        self.caller
            .event(Some(self.campaign_id()), action, record, detail)
    }

    /// Appends a read (or a refusal) in this campaign to the audit log on its own.
    pub async fn audit(
        &self,
        action: &str,
        record: impl Into<String>,
        detail: impl Into<String>,
    ) -> Result<(), AppError> {
        self.caller
            .audit(Some(self.campaign_id()), action, record, detail)
            .await
    }
}

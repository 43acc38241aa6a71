//! The organizer's daily loop: log a one-on-one, rate, follow up, keep commitments;
//! My list for organizers, coverage for leads. Every write is audited and scoped.

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use self::ssr::*;
use crate::domain::organizing::LogForm;
use crate::domain::organizing::{
    Assessment, CampaignSettings, Commitment, Conversation, Coverage, MyList, SettingsForm,
};
use crate::domain::Coworker;
use crate::error::AppError;

/// What the log form needs: the coworker, the campaign's issues, and a fresh id for
/// this log (generated on the server so the page works without JavaScript; sending
/// the same form twice sends the same id, and is stored once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogFormPage {
    pub coworker: Coworker,
    pub issue_tags: Vec<String>,
    pub client_id: String,
    pub today: chrono::NaiveDate,
}

#[server(prefix = "/api", endpoint = "conversations/form")]
pub async fn get_log_form(campaign_id: i64, coworker_id: i64) -> Result<LogFormPage, AppError> {
    let (member, coworker) = in_scope(campaign_id, coworker_id).await?;
    let settings = member.store().campaign_settings(member.campaign()).await?;
    // The form shows the whole record: a read of a person, audited like coworkers/get.
    member
        .audit(
            "coworker.read",
            format!("coworker:{coworker_id}"),
            "log form",
        )
        .await?;
    Ok(LogFormPage {
        coworker,
        issue_tags: settings.issue_tags,
        client_id: uuid::Uuid::new_v4().to_string(),
        today: today(),
    })
}

/// What logging answered: the conversation, and whether this call stored it (false
/// when the same log had arrived before).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logged {
    pub conversation_id: i64,
    pub stored: bool,
}

/// Logs a one-on-one. `at` empty means now. A rating after sets the coworker's current
/// rating (and its history); a yes to the ask becomes a commitment.
#[server(prefix = "/api", endpoint = "conversations/log")]
pub async fn log_conversation(
    campaign_id: i64,
    coworker_id: i64,
    #[server(flatten)] form: LogForm,
    #[server(default)] issues: Vec<String>,
) -> Result<Logged, AppError> {
    use crate::domain::organizing::parse_log;
    let (member, _) = in_scope(campaign_id, coworker_id).await?;
    let settings = member.store().campaign_settings(member.campaign()).await?;
    let at = form.moment(chrono::Utc::now())?;
    let log = parse_log(coworker_id, &form, &issues, at, &settings.issue_tags)?;
    let commitment = log.commitment(today());
    let event = member.event(
        "conversation.logged",
        format!("coworker:{coworker_id}"),
        format!(
            "conversation:{{id}}{}",
            log.rating_after
                .map(|r| format!(" rating={r}"))
                .unwrap_or_default()
        ),
    );
    let (conversation_id, stored) = member
        .store()
        .log_conversation(
            member.campaign(),
            member.user_id(),
            &log,
            commitment,
            &event,
        )
        .await?;
    if crate::auth::is_plain_form_post() {
        leptos_axum::redirect(&format!("/campaigns/{campaign_id}/my?logged={coworker_id}"));
    }
    Ok(Logged {
        conversation_id,
        stored,
    })
}

/// Rates a coworker without a conversation (an observation, or a structure test).
#[server(prefix = "/api", endpoint = "ratings/set")]
pub async fn set_rating(
    campaign_id: i64,
    coworker_id: i64,
    rating: String,
    #[server(default)] source: String,
    #[server(default)] note: String,
    /// When it was taken (see `taken_at`): a rating kept on a phone with no signal and
    /// sent later is placed at that time, so it never overwrites a newer one.
    #[server(default)]
    at: String,
    /// The form's id (see `parse_client_id`): a rating sent twice is stored once. Empty
    /// for a rating with no form of its own (a structure test's re-rate buttons).
    #[server(default)]
    client_id: String,
) -> Result<(), AppError> {
    use crate::domain::fields::parse_text;
    use crate::domain::organizing::{parse_client_id, parse_rating, taken_at, Source};
    use crate::domain::Choice;
    use crate::store::NewAssessment;
    let (member, _) = in_scope(campaign_id, coworker_id).await?;
    let rating = parse_rating(&rating, "rating")?
        .ok_or_else(|| AppError::validation("rating", "Choose a rating from 1 to 5."))?;
    let source = match source.trim() {
        "" => Source::Observation,
        s => Source::parse(s)
            .ok_or_else(|| AppError::validation("source", "Choose where the rating comes from."))?,
    };
    let assessment = NewAssessment {
        coworker_id,
        organizer_id: member.user_id(),
        rating,
        source,
        note: parse_text(&note, "note", "The note", 1000)?,
        at: taken_at(&at, chrono::Utc::now())?,
    };
    let client_id = match client_id.trim() {
        "" => None,
        id => Some(parse_client_id(id)?),
    };
    let event = member.event(
        "rating.set",
        format!("coworker:{coworker_id}"),
        format!("rating={rating} source={}", source.key()),
    );
    member
        .store()
        .rate(member.campaign(), &assessment, client_id.as_deref(), &event)
        .await?;
    Ok(())
}

/// A coworker's history: ratings (newest first), one-on-ones, and commitments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub ratings: Vec<Assessment>,
    pub conversations: Vec<Conversation>,
    pub commitments: Vec<Commitment>,
}

#[server(prefix = "/api", endpoint = "coworkers/history")]
pub async fn coworker_history(campaign_id: i64, coworker_id: i64) -> Result<History, AppError> {
    let (member, _) = in_scope(campaign_id, coworker_id).await?;
    let store = member.store();
    let history = History {
        ratings: store.assessments(member.campaign(), coworker_id).await?,
        conversations: store.conversations(member.campaign(), coworker_id).await?,
        commitments: store
            .open_commitments(member.campaign(), coworker_id)
            .await?,
    };
    member
        .audit(
            "history.read",
            format!("coworker:{coworker_id}"),
            format!(
                "ratings={} conversations={} commitments={}",
                history.ratings.len(),
                history.conversations.len(),
                history.commitments.len()
            ),
        )
        .await?;
    Ok(history)
}

/// Marks a follow-up done (it leaves My list).
#[server(prefix = "/api", endpoint = "followups/done")]
pub async fn follow_up_done(campaign_id: i64, conversation_id: i64) -> Result<(), AppError> {
    let member = organizer(campaign_id).await?;
    let coworker = member
        .store()
        .logged_coworker(member.campaign(), LoggedItem::Conversation, conversation_id)
        .await?
        .unwrap_or(0);
    member.coworker(coworker).await?;
    let event = member.event(
        "follow_up.done",
        format!("coworker:{coworker}"),
        format!("conversation:{conversation_id}"),
    );
    member
        .store()
        .follow_up_done(
            member.campaign(),
            conversation_id,
            chrono::Utc::now(),
            &event,
        )
        .await?;
    Ok(())
}

/// Marks a commitment kept or broken.
#[server(prefix = "/api", endpoint = "commitments/resolve")]
pub async fn resolve_commitment(
    campaign_id: i64,
    commitment_id: i64,
    status: String,
) -> Result<(), AppError> {
    use crate::domain::organizing::CommitmentStatus;
    use crate::domain::Choice;
    let member = organizer(campaign_id).await?;
    let coworker = member
        .store()
        .logged_coworker(member.campaign(), LoggedItem::Commitment, commitment_id)
        .await?
        .unwrap_or(0);
    member.coworker(coworker).await?;
    let status = match CommitmentStatus::parse(&status) {
        Some(s @ (CommitmentStatus::Kept | CommitmentStatus::Broken)) => s,
        _ => {
            return Err(AppError::validation(
                "status",
                "Mark the commitment kept or broken.",
            ))
        }
    };
    let event = member.event(
        "commitment.resolved",
        format!("coworker:{coworker}"),
        format!("commitment:{commitment_id} {}", status.key()),
    );
    member
        .store()
        .resolve_commitment(
            member.campaign(),
            commitment_id,
            status,
            member.user_id(),
            chrono::Utc::now(),
            &event,
        )
        .await?;
    Ok(())
}

/// The organizer's home page: follow-ups due, commitments to check, coworkers never
/// talked to (assigned to the organizer first, then everyone else in their scope), and
/// stale ratings.
/// `q` searches the names in the organizer's scope.
#[server(prefix = "/api", endpoint = "mylist/get")]
pub async fn get_my_list(
    campaign_id: i64,
    #[server(default)] q: String,
) -> Result<MyList, AppError> {
    let member = organizer(campaign_id).await?;
    let settings = member.store().campaign_settings(member.campaign()).await?;
    let list = member
        .store()
        .my_list(
            member.campaign(),
            member.user_id(),
            member.scope()?,
            today(),
            settings.stale_days,
            &q,
        )
        .await?;
    member.audit("mylist.read", "", "").await?;
    Ok(list)
}

/// Coverage for leads: load per organizer against 1:10, committee members per area and
/// shift, and everyone not talked to in `days` days.
#[server(prefix = "/api", endpoint = "coverage/get")]
pub async fn get_coverage(
    campaign_id: i64,
    #[server(default)] days: String,
) -> Result<Coverage, AppError> {
    Ok(coverage_page(campaign_id, days).await?.coverage)
}

#[server(prefix = "/api", endpoint = "settings/get")]
pub async fn get_settings(campaign_id: i64) -> Result<CampaignSettings, AppError> {
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    Ok(member.store().campaign_settings(member.campaign()).await?)
}

/// Leads set when a rating goes stale, which issues one-on-ones are tagged with, the
/// smallest group a viewer sees counts for, and the supermajority the campaign aims for.
#[server(prefix = "/api", endpoint = "settings/update")]
pub async fn update_settings(
    campaign_id: i64,
    #[server(flatten)] form: SettingsForm,
) -> Result<(), AppError> {
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let current = member.store().campaign_settings(member.campaign()).await?;
    let settings = form.parse(&current)?;
    let event = member.event(
        "settings.updated",
        "",
        format!(
            "support_target={} second_factor_for_organizers={}",
            settings.support_target, settings.second_factor_for_organizers
        ),
    );
    member
        .store()
        .set_campaign_settings(member.campaign(), &settings, &event)
        .await?;
    Ok(())
}

// --- Page loads: one server function per page, at the end of the file on purpose ---
// Each authorizes once, runs its reads together and writes one audit row.

/// What the coverage page shows: the coverage, and the loop settings' form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoveragePageData {
    pub coverage: Coverage,
    pub settings: CampaignSettings,
}

/// The coverage page (leads). One `coverage.read` row per visit.
#[server(prefix = "/api", endpoint = "pages/coverage")]
pub async fn coverage_page(
    campaign_id: i64,
    #[server(default)] days: String,
) -> Result<CoveragePageData, AppError> {
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let days = crate::domain::organizing::parse_bounded(
        &days,
        "days",
        1..=3650,
        "Give a number of days from 1 to 3650.",
    )?
    .unwrap_or(30);
    let store = member.store();
    let (coverage, settings) = tokio::try_join!(
        store.coverage(member.campaign(), days, chrono::Utc::now()),
        store.campaign_settings(member.campaign()),
    )?;
    member
        .audit("coverage.read", "", format!("days={days}"))
        .await?;
    Ok(CoveragePageData { coverage, settings })
}

/// Server-only helpers of this file.
#[cfg(feature = "ssr")]
mod ssr {
    pub(super) use crate::auth::require_organizer as organizer;
    use crate::auth::InCampaign;
    use crate::domain::Coworker;
    use crate::error::AppError;
    pub(super) use crate::store::LoggedItem;

    /// An organizer or lead, and the coworker (in their scope) a request is about.
    pub(super) async fn in_scope(
        campaign_id: i64,
        coworker_id: i64,
    ) -> Result<(InCampaign, Coworker), AppError> {
        let member = organizer(campaign_id).await?;
        let coworker = member.coworker(coworker_id).await?;
        Ok((member, coworker))
    }

    /// Today, as the server sees it (UTC).
    pub(super) fn today() -> chrono::NaiveDate {
        chrono::Utc::now().date_naive()
    }
}

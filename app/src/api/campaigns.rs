use leptos::prelude::*;

use crate::domain::{Campaign, MyCampaign};
use crate::error::AppError;

/// The campaigns the caller is a member of, with their role in each.
#[server(prefix = "/api", endpoint = "campaigns/list")]
pub async fn list_campaigns() -> Result<Vec<MyCampaign>, AppError> {
    let caller = crate::auth::require_user().await?;
    caller
        .state
        .store
        .campaigns_for_user(caller.user.id)
        .await
        .map_err(Into::into)
}

/// Starts a campaign; the caller becomes its lead.
#[server(prefix = "/api", endpoint = "campaigns/create")]
pub async fn create_campaign(name: String) -> Result<Campaign, AppError> {
    use crate::domain::CampaignName;

    let caller = crate::auth::require_user().await?;
    let name = CampaignName::parse(&name)?;
    let campaign = caller
        .state
        .store
        .create_campaign_with_lead(
            &name,
            caller.user.id,
            &caller.event(None, "campaign.created", "campaign:{id}", ""),
        )
        .await?;
    Ok(campaign)
}

/// One campaign as the caller sees it (any member).
#[server(prefix = "/api", endpoint = "campaigns/get")]
pub async fn get_campaign(campaign_id: i64) -> Result<MyCampaign, AppError> {
    use crate::domain::Role;

    let member = crate::auth::require_member(campaign_id, Role::Viewer).await?;
    let campaign = member
        .store()
        .campaign(campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(MyCampaign {
        id: campaign.id,
        name: campaign.name,
        role: member.role(),
    })
}

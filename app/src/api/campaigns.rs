use leptos::prelude::*;

use crate::domain::Campaign;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "campaigns/list")]
pub async fn list_campaigns() -> Result<Vec<Campaign>, AppError> {
    let state = crate::store::app_state()?;
    Ok(state.store.list_campaigns().await?)
}

#[server(prefix = "/api", endpoint = "campaigns/create")]
pub async fn create_campaign(name: String) -> Result<Campaign, AppError> {
    use crate::domain::CampaignName;

    let name = CampaignName::parse(&name)?;
    let state = crate::store::app_state()?;
    let campaign = state.store.create_campaign(&name).await?;
    tracing::info!(campaign_id = campaign.id, "campaign created");
    Ok(campaign)
}

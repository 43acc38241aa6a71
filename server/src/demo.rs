//! A demo campaign so a newcomer has something to explore.

use app::domain::CampaignName;
use app::store::Store;

pub const DEMO_CAMPAIGN: &str = "Mercy General Hospital — nurses and techs";

/// Seeds the demo when the database has no campaigns (or `force`); returns its name if it did.
pub async fn seed(store: &dyn Store, force: bool) -> anyhow::Result<Option<String>> {
    if !force && !store.list_campaigns().await?.is_empty() {
        return Ok(None);
    }
    let name = CampaignName::parse(DEMO_CAMPAIGN).map_err(|e| anyhow::anyhow!("{e}"))?;
    let campaign = store.create_campaign(&name).await?;
    Ok(Some(campaign.name))
}

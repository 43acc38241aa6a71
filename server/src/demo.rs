//! A demo campaign so a newcomer has something to explore, and a one-time way in.

use app::domain::{CampaignName, Email, Role};
use app::store::{NewInvite, Store};

use crate::config::Settings;

pub const DEMO_CAMPAIGN: &str = "Mercy General Hospital — nurses and techs";
/// The account that issues demo invites; its password is random and never shown.
const DEMO_ISSUER: &str = "demo-issuer@rankfile.invalid";

/// Seeds the demo when the database has no campaigns (or `force`); returns its name if it did.
pub async fn seed(store: &dyn Store, force: bool) -> anyhow::Result<Option<String>> {
    if !force && !store.list_campaigns().await?.is_empty() {
        return Ok(None);
    }
    let name = CampaignName::parse(DEMO_CAMPAIGN).map_err(|e| anyhow::anyhow!("{e}"))?;
    let campaign = store.create_campaign(&name).await?;
    Ok(Some(campaign.name))
}

/// A fresh single-use lead invite into the demo campaign, if there is one.
pub async fn one_time_lead_link(
    store: &dyn Store,
    settings: &Settings,
) -> anyhow::Result<Option<String>> {
    let Some(campaign) = store
        .list_campaigns()
        .await?
        .into_iter()
        .find(|c| c.name == DEMO_CAMPAIGN)
    else {
        return Ok(None);
    };
    let issuer_email = Email::parse(DEMO_ISSUER).map_err(|e| anyhow::anyhow!("{e}"))?;
    let issuer = match store.user_credentials(&issuer_email).await? {
        Some(user) => user.id,
        None => {
            // Nobody can sign in as the issuer: its password is random and discarded.
            let (random, _) = app::auth::tokens::new_refresh_token();
            let hash = app::auth::password::PasswordHasher::new(1)
                .hash(&random)
                .await?;
            store.create_user(&issuer_email, &hash).await?.id
        }
    };
    let (token, token_hash) = app::auth::tokens::new_refresh_token();
    let now = chrono::Utc::now();
    store
        .create_invite(&NewInvite {
            campaign_id: campaign.id,
            token_hash,
            role: Role::Lead,
            area_ids: Vec::new(),
            note: "demo lead (printed by rankfile demo)".into(),
            created_by: issuer,
            now,
            expires_at: now + chrono::Duration::hours(app::api::members::INVITE_TTL_HOURS),
        })
        .await?;
    Ok(Some(format!("{}/invite/{token}", settings.public_url)))
}

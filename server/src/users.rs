//! Account administration from the command line.

use app::auth::password::{check_password_policy, PasswordHasher};
use app::domain::{CampaignName, Email, Role};
use app::store::{AuditEvent, Storage};

/// Creates an account (or finds it) and, with `lead_of`, makes it lead of that campaign.
pub async fn create_user(
    store: &dyn Storage,
    email: &str,
    password: &str,
    lead_of: Option<&str>,
) -> anyhow::Result<String> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let mut message;
    let user_id = match store.user_credentials(&email).await? {
        Some(existing) => {
            message = format!(
                "account {} already exists; password unchanged",
                email.as_str()
            );
            existing.id
        }
        None => {
            check_password_policy(password, email.as_str())
                .map_err(|e| anyhow::anyhow!("password: {e}"))?;
            let hash = PasswordHasher::new(1).hash(password).await?;
            let user = store
                .create_user(
                    &email,
                    &hash,
                    &AuditEvent {
                        action: "auth.account_created_by_cli".into(),
                        record: "user:{id}".into(),
                        ..Default::default()
                    },
                )
                .await?;
            message = format!("account {} created", user.email);
            user.id
        }
    };
    if let Some(campaign) = lead_of {
        let existing = store.list_campaigns().await?.into_iter().find(|c| {
            c.name == campaign.trim() || campaign.trim().parse::<i64>().ok() == Some(c.id)
        });
        let campaign = match existing {
            Some(c) => c,
            None => {
                let name =
                    CampaignName::parse(campaign).map_err(|e| anyhow::anyhow!("--lead-of: {e}"))?;
                store.create_campaign(&name).await?
            }
        };
        store
            .upsert_member(
                store.campaign_key(campaign.id),
                user_id,
                Role::Lead,
                &[],
                &AuditEvent {
                    campaign_id: Some(campaign.id),
                    actor_id: None,
                    action: "member.lead_added_by_cli".into(),
                    record: format!("user:{user_id}"),
                    ..Default::default()
                },
            )
            .await?;
        message.push_str(&format!(", lead of '{}' (#{})", campaign.name, campaign.id));
    }
    Ok(message)
}

/// Removes an account's second factor and ends its sessions, as the command line's
/// `rankfile user reset-second-factor` does (audited as the operator's).
pub async fn reset_second_factor(store: &dyn Storage, email: &str) -> anyhow::Result<String> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let user = store
        .user_credentials(&email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account {}", email.as_str()))?;
    let removed = store
        .remove_second_factor(
            user.id,
            true,
            chrono::Utc::now(),
            &AuditEvent {
                action: "auth.second_factor_reset_by_cli".into(),
                record: format!("user:{}", user.id),
                detail: "sessions ended".into(),
                ..Default::default()
            },
        )
        .await?;
    Ok(if removed {
        format!(
            "second factor of {} removed and their sessions ended; they set it up again at their next sign-in",
            email.as_str()
        )
    } else {
        format!("{} has no second factor; nothing changed", email.as_str())
    })
}

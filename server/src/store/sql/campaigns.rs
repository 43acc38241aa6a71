//! Campaigns, and the ones a user belongs to.

use app::domain::{Campaign, CampaignName, MyCampaign};
use app::store::{AuditEvent, Campaigns, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{commit_audited, Adapter};
use crate::store::rows::parse_role;
use crate::store::DbResult;

#[async_trait]
impl Campaigns for Adapter {
    async fn create_campaign(&self, name: &CampaignName) -> StoreResult<Campaign> {
        let (id, name, created_at) = sqlx::query_as::<_, (i64, String, DateTime<Utc>)>(
            "INSERT INTO campaigns (name, created_at) VALUES ($1, $2) \
             RETURNING id, name, created_at",
        )
        .bind(name.as_str())
        .bind(Utc::now())
        .fetch_one(&self.pool)
        .await
        .db()?;
        Ok(Campaign {
            id,
            name,
            created_at,
        })
    }

    async fn list_campaigns(&self) -> StoreResult<Vec<Campaign>> {
        let rows = sqlx::query_as::<_, (i64, String, DateTime<Utc>)>(
            "SELECT id, name, created_at FROM campaigns ORDER BY name, id",
        )
        .fetch_all(&self.pool)
        .await
        .db()?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at)| Campaign {
                id,
                name,
                created_at,
            })
            .collect())
    }

    async fn create_campaign_with_lead(
        &self,
        name: &CampaignName,
        lead: i64,
        audit: &AuditEvent,
    ) -> StoreResult<Campaign> {
        let now = Utc::now();
        let mut tx = self.begin_write().await.db()?;
        let (id, name, created_at) = sqlx::query_as::<_, (i64, String, DateTime<Utc>)>(
            "INSERT INTO campaigns (name, created_at) VALUES ($1, $2) \
             RETURNING id, name, created_at",
        )
        .bind(name.as_str())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .db()?;
        sqlx::query(
            "INSERT INTO memberships (campaign_id, user_id, role, created_at) \
             VALUES ($1, $2, 'lead', $3)",
        )
        .bind(id)
        .bind(lead)
        .bind(now)
        .execute(&mut *tx)
        .await
        .db()?;
        let audit = AuditEvent {
            campaign_id: Some(id),
            ..audit.for_new(id)
        };
        commit_audited(tx, &audit).await?;
        Ok(Campaign {
            id,
            name,
            created_at,
        })
    }

    async fn campaign(&self, id: i64) -> StoreResult<Option<Campaign>> {
        let row = sqlx::query_as::<_, (i64, String, DateTime<Utc>)>(
            "SELECT id, name, created_at FROM campaigns WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .db()?;
        Ok(row.map(|(id, name, created_at)| Campaign {
            id,
            name,
            created_at,
        }))
    }

    async fn campaigns_for_user(&self, user_id: i64) -> StoreResult<Vec<MyCampaign>> {
        let rows = sqlx::query_as::<_, (i64, String, String)>(
            "SELECT c.id, c.name, m.role FROM campaigns c \
             JOIN memberships m ON m.campaign_id = c.id \
             WHERE m.user_id = $1 ORDER BY c.name, c.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .db()?;
        rows.into_iter()
            .map(|(id, name, role)| {
                Ok(MyCampaign {
                    id,
                    name,
                    role: parse_role(&role)?,
                })
            })
            .collect()
    }
}

//! SQL that reads the same on SQLite and PostgreSQL (`$n` placeholders, `RETURNING`),
//! written once and expanded for each adapter's pool type.

/// Implements `app::store::Store` for `$store`, whose field `pool` is a `sqlx::Pool`.
macro_rules! impl_store {
    ($store:ty, $backend:literal) => {
        #[async_trait::async_trait]
        impl app::store::Store for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn ping(&self) -> app::store::StoreResult<()> {
                sqlx::query("SELECT 1")
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::map_err)?;
                Ok(())
            }

            async fn create_campaign(
                &self,
                name: &app::domain::CampaignName,
            ) -> app::store::StoreResult<app::domain::Campaign> {
                let (id, name, created_at) =
                    sqlx::query_as::<_, (i64, String, chrono::DateTime<chrono::Utc>)>(
                        "INSERT INTO campaigns (name, created_at) VALUES ($1, $2) \
                     RETURNING id, name, created_at",
                    )
                    .bind(name.as_str())
                    .bind(chrono::Utc::now())
                    .fetch_one(&self.pool)
                    .await
                    .map_err($crate::store::map_err)?;
                Ok(app::domain::Campaign {
                    id,
                    name,
                    created_at,
                })
            }

            async fn list_campaigns(&self) -> app::store::StoreResult<Vec<app::domain::Campaign>> {
                let rows = sqlx::query_as::<_, (i64, String, chrono::DateTime<chrono::Utc>)>(
                    "SELECT id, name, created_at FROM campaigns ORDER BY name, id",
                )
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, name, created_at)| app::domain::Campaign {
                        id,
                        name,
                        created_at,
                    })
                    .collect())
            }
        }
    };
}

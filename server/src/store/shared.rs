//! SQL that reads the same on SQLite and PostgreSQL (`$n` placeholders, `RETURNING`),
//! written once and expanded for each adapter's pool type.

/// Implements `app::store::Store` for `$store`, whose field `pool` is a `sqlx::Pool`.
macro_rules! impl_store {
    ($store:ty, $db:ty, $backend:literal) => {
        impl $store {
            /// Refuses (Conflict) a change that leaves the campaign without a lead;
            /// run inside the change's transaction, before commit.
            async fn ensure_a_lead(
                tx: &mut sqlx::Transaction<'_, $db>,
                campaign_id: i64,
            ) -> app::store::StoreResult<()> {
                let leads = sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM memberships WHERE campaign_id = $1 AND role = 'lead'",
                )
                .bind(campaign_id)
                .fetch_one(&mut **tx)
                .await
                .map_err($crate::store::map_err)?;
                if leads == 0 {
                    return Err(app::store::StoreError::Conflict(
                        "A campaign needs at least one lead.".into(),
                    ));
                }
                Ok(())
            }
        }

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

            async fn create_campaign_with_lead(
                &self,
                name: &app::domain::CampaignName,
                lead: i64,
            ) -> app::store::StoreResult<app::domain::Campaign> {
                let now = chrono::Utc::now();
                let mut tx = self.pool.begin().await.map_err($crate::store::map_err)?;
                let (id, name, created_at) = sqlx::query_as::<_, (i64, String, chrono::DateTime<chrono::Utc>)>(
                    "INSERT INTO campaigns (name, created_at) VALUES ($1, $2) \
                     RETURNING id, name, created_at",
                )
                .bind(name.as_str())
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                sqlx::query(
                    "INSERT INTO memberships (campaign_id, user_id, role, created_at) \
                     VALUES ($1, $2, 'lead', $3)",
                )
                .bind(id)
                .bind(lead)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                tx.commit().await.map_err($crate::store::map_err)?;
                Ok(app::domain::Campaign { id, name, created_at })
            }

            async fn campaign(&self, id: i64) -> app::store::StoreResult<Option<app::domain::Campaign>> {
                let row = sqlx::query_as::<_, (i64, String, chrono::DateTime<chrono::Utc>)>(
                    "SELECT id, name, created_at FROM campaigns WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(row.map(|(id, name, created_at)| app::domain::Campaign { id, name, created_at }))
            }

            async fn campaigns_for_user(
                &self,
                user_id: i64,
            ) -> app::store::StoreResult<Vec<app::domain::MyCampaign>> {
                let rows = sqlx::query_as::<_, (i64, String, String)>(
                    "SELECT c.id, c.name, m.role FROM campaigns c \
                     JOIN memberships m ON m.campaign_id = c.id \
                     WHERE m.user_id = $1 ORDER BY c.name, c.id",
                )
                .bind(user_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                rows.into_iter()
                    .map(|(id, name, role)| {
                        Ok(app::domain::MyCampaign { id, name, role: $crate::store::role(&role)? })
                    })
                    .collect()
            }

            async fn create_user(
                &self,
                email: &app::domain::Email,
                password_hash: &str,
            ) -> app::store::StoreResult<app::domain::CurrentUser> {
                let (id, email) = sqlx::query_as::<_, (i64, String)>(
                    "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) \
                     RETURNING id, email",
                )
                .bind(email.as_str())
                .bind(password_hash)
                .bind(chrono::Utc::now())
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(app::domain::CurrentUser { id, email })
            }

            async fn user_credentials(
                &self,
                email: &app::domain::Email,
            ) -> app::store::StoreResult<Option<app::store::UserCredentials>> {
                let row = sqlx::query_as::<_, (i64, String, String)>(
                    "SELECT id, email, password_hash FROM users WHERE email = $1",
                )
                .bind(email.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(row.map(|(id, email, password_hash)| app::store::UserCredentials {
                    id,
                    email,
                    password_hash,
                }))
            }

            async fn password_hash(&self, user_id: i64) -> app::store::StoreResult<String> {
                sqlx::query_scalar::<_, String>("SELECT password_hash FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_one(&self.pool)
                    .await
                    .map_err($crate::store::map_err)
            }

            async fn set_password_hash(&self, user_id: i64, hash: &str) -> app::store::StoreResult<()> {
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(hash)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::map_err)?;
                Ok(())
            }

            async fn create_session(&self, s: &app::store::NewSession) -> app::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO sessions (id, user_id, refresh_hash, created_at, rotated_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $4, $5)",
                )
                .bind(&s.id)
                .bind(s.user_id)
                .bind(&s.refresh_hash)
                .bind(s.now)
                .bind(s.expires_at)
                .execute(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(())
            }

            async fn session_user(
                &self,
                session_id: &str,
                user_id: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<Option<app::domain::CurrentUser>> {
                let row = sqlx::query_as::<_, (i64, String)>(
                    "SELECT u.id, u.email FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3",
                )
                .bind(session_id)
                .bind(user_id)
                .bind(now)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(row.map(|(id, email)| app::domain::CurrentUser { id, email }))
            }

            async fn rotate_refresh(
                &self,
                old_hash: &str,
                new_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<app::store::Rotation> {
                use app::store::Rotation;
                let mut tx = self.pool.begin().await.map_err($crate::store::map_err)?;
                // Only one request can win the swap: the UPDATE matches the current hash.
                let current = sqlx::query_as::<_, (String, i64)>(
                    "UPDATE sessions SET refresh_hash = $1, rotated_at = $2 \
                     WHERE refresh_hash = $3 AND revoked_at IS NULL AND expires_at > $2 \
                     RETURNING id, user_id",
                )
                .bind(new_hash)
                .bind(now)
                .bind(old_hash)
                .fetch_optional(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                if let Some((session_id, user_id)) = current {
                    sqlx::query(
                        "INSERT INTO spent_refresh_tokens (refresh_hash, session_id, spent_at) \
                         VALUES ($1, $2, $3)",
                    )
                    .bind(old_hash)
                    .bind(&session_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?;
                    tx.commit().await.map_err($crate::store::map_err)?;
                    return Ok(Rotation::Rotated { session_id, user_id });
                }
                let spent = sqlx::query_as::<_, (String, i64, chrono::DateTime<chrono::Utc>)>(
                    "SELECT t.session_id, s.user_id, t.spent_at FROM spent_refresh_tokens t \
                     JOIN sessions s ON s.id = t.session_id \
                     WHERE t.refresh_hash = $1 AND s.revoked_at IS NULL",
                )
                .bind(old_hash)
                .fetch_optional(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                let outcome = match spent {
                    Some((session_id, user_id, spent_at))
                        if now - spent_at <= chrono::Duration::seconds($crate::store::REFRESH_GRACE_SECS) =>
                    {
                        Rotation::JustSpent { session_id, user_id }
                    }
                    Some((session_id, _, _)) => {
                        // A spent token came back later: someone else holds a copy. End the session.
                        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2")
                            .bind(now)
                            .bind(&session_id)
                            .execute(&mut *tx)
                            .await
                            .map_err($crate::store::map_err)?;
                        tracing::warn!(session_id, "refresh token replayed: session revoked");
                        Rotation::Refused
                    }
                    None => Rotation::Refused,
                };
                tx.commit().await.map_err($crate::store::map_err)?;
                Ok(outcome)
            }

            async fn revoke_session(
                &self,
                session_id: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<()> {
                sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(session_id)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::map_err)?;
                Ok(())
            }

            async fn revoke_user_sessions(
                &self,
                user_id: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<()> {
                sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::map_err)?;
                Ok(())
            }

            async fn membership(
                &self,
                session_id: &str,
                user_id: i64,
                campaign_id: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<Option<app::domain::Member>> {
                let row = sqlx::query_scalar::<_, String>(
                    "SELECT m.role FROM memberships m \
                     JOIN sessions s ON s.user_id = m.user_id \
                     WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $4 \
                       AND m.campaign_id = $3",
                )
                .bind(session_id)
                .bind(user_id)
                .bind(campaign_id)
                .bind(now)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                let Some(role) = row else { return Ok(None) };
                let role = $crate::store::role(&role)?;
                let area_ids = if role == app::domain::Role::Organizer {
                    sqlx::query_scalar::<_, i64>(
                        "SELECT area_id FROM membership_areas WHERE campaign_id = $1 AND user_id = $2 \
                         ORDER BY area_id",
                    )
                    .bind(campaign_id)
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err($crate::store::map_err)?
                } else {
                    Vec::new()
                };
                Ok(Some(app::domain::Member { user_id, campaign_id, role, area_ids }))
            }

            async fn upsert_member(
                &self,
                campaign_id: i64,
                user_id: i64,
                role: app::domain::Role,
                area_ids: &[i64],
            ) -> app::store::StoreResult<()> {
                let mut tx = self.pool.begin().await.map_err($crate::store::map_err)?;
                sqlx::query(
                    "INSERT INTO memberships (campaign_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (campaign_id, user_id) DO UPDATE SET role = excluded.role",
                )
                .bind(campaign_id)
                .bind(user_id)
                .bind(role.as_str())
                .bind(chrono::Utc::now())
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                Self::ensure_a_lead(&mut tx, campaign_id).await?;
                sqlx::query("DELETE FROM membership_areas WHERE campaign_id = $1 AND user_id = $2")
                    .bind(campaign_id)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?;
                if role == app::domain::Role::Organizer {
                    for area in area_ids {
                        sqlx::query(
                            "INSERT INTO membership_areas (campaign_id, user_id, area_id) VALUES ($1, $2, $3)",
                        )
                        .bind(campaign_id)
                        .bind(user_id)
                        .bind(area)
                        .execute(&mut *tx)
                        .await
                        .map_err($crate::store::map_err)?;
                    }
                }
                tx.commit().await.map_err($crate::store::map_err)?;
                Ok(())
            }

            async fn list_members(
                &self,
                campaign_id: i64,
            ) -> app::store::StoreResult<Vec<app::domain::MemberSummary>> {
                let rows = sqlx::query_as::<_, (i64, String, String, chrono::DateTime<chrono::Utc>)>(
                    "SELECT u.id, u.email, m.role, m.created_at FROM memberships m \
                     JOIN users u ON u.id = m.user_id WHERE m.campaign_id = $1 ORDER BY u.email",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                let areas = sqlx::query_as::<_, (i64, i64)>(
                    "SELECT user_id, area_id FROM membership_areas WHERE campaign_id = $1 ORDER BY area_id",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                rows.into_iter()
                    .map(|(user_id, email, role, joined_at)| {
                        Ok(app::domain::MemberSummary {
                            user_id,
                            email,
                            role: $crate::store::role(&role)?,
                            area_ids: areas.iter().filter(|(u, _)| *u == user_id).map(|(_, a)| *a).collect(),
                            joined_at,
                        })
                    })
                    .collect()
            }

            async fn remove_member(&self, campaign_id: i64, user_id: i64) -> app::store::StoreResult<()> {
                let mut tx = self.pool.begin().await.map_err($crate::store::map_err)?;
                let removed = sqlx::query("DELETE FROM memberships WHERE campaign_id = $1 AND user_id = $2")
                    .bind(campaign_id)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?
                    .rows_affected();
                if removed == 0 {
                    return Err(app::store::StoreError::NotFound);
                }
                Self::ensure_a_lead(&mut tx, campaign_id).await?;
                tx.commit().await.map_err($crate::store::map_err)?;
                Ok(())
            }

            async fn count_leads(&self, campaign_id: i64) -> app::store::StoreResult<i64> {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM memberships WHERE campaign_id = $1 AND role = 'lead'",
                )
                .bind(campaign_id)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)
            }

            async fn create_invite(&self, i: &app::store::NewInvite) -> app::store::StoreResult<i64> {
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO invites (campaign_id, token_hash, role, area_ids, note, created_by, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(i.campaign_id)
                .bind(&i.token_hash)
                .bind(i.role.as_str())
                .bind($crate::store::join_ids(&i.area_ids))
                .bind(&i.note)
                .bind(i.created_by)
                .bind(i.now)
                .bind(i.expires_at)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)
            }

            async fn invite(&self, token_hash: &str) -> app::store::StoreResult<Option<app::store::InviteRecord>> {
                let row = sqlx::query_as::<_, (i64, i64, String, String, String, chrono::DateTime<chrono::Utc>, Option<chrono::DateTime<chrono::Utc>>)>(
                    "SELECT i.id, i.campaign_id, c.name, i.role, i.area_ids, i.expires_at, i.used_at \
                     FROM invites i JOIN campaigns c ON c.id = i.campaign_id WHERE i.token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                let Some((id, campaign_id, campaign_name, role, area_ids, expires_at, used_at)) = row else {
                    return Ok(None);
                };
                Ok(Some(app::store::InviteRecord {
                    id,
                    campaign_id,
                    campaign_name,
                    role: $crate::store::role(&role)?,
                    area_ids: app::domain::access::parse_area_ids(&area_ids).unwrap_or_default(),
                    expires_at,
                    used: used_at.is_some(),
                }))
            }

            async fn spend_invite(
                &self,
                token_hash: &str,
                user_id: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE invites SET used_at = $1, used_by = $2 \
                     WHERE token_hash = $3 AND used_at IS NULL AND expires_at > $1",
                )
                .bind(now)
                .bind(user_id)
                .bind(token_hash)
                .execute(&self.pool)
                .await
                .map_err($crate::store::map_err)?
                .rows_affected();
                Ok(done == 1)
            }

            async fn record_sign_in(
                &self,
                email: &str,
                client_ip: &str,
                succeeded: bool,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO sign_in_attempts (email, client_ip, succeeded, at) VALUES ($1, $2, $3, $4)",
                )
                .bind(email)
                .bind(client_ip)
                .bind(succeeded)
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(())
            }

            async fn failed_sign_ins(
                &self,
                email: &str,
                client_ip: &str,
                since: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<(i64, i64)> {
                let by_email = sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM sign_in_attempts WHERE email = $1 AND succeeded = $2 AND at > $3",
                )
                .bind(email)
                .bind(false)
                .bind(since)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                let by_ip = sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM sign_in_attempts WHERE client_ip = $1 AND succeeded = $2 AND at > $3",
                )
                .bind(client_ip)
                .bind(false)
                .bind(since)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok((by_email, by_ip))
            }

            async fn audit(&self, e: &app::store::AuditEvent) -> app::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO audit_events (at, campaign_id, actor_id, action, record, detail, client_ip) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(chrono::Utc::now())
                .bind(e.campaign_id)
                .bind(e.actor_id)
                .bind(&e.action)
                .bind(&e.record)
                .bind(&e.detail)
                .bind(&e.client_ip)
                .execute(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(())
            }

            async fn audit_log(
                &self,
                campaign_id: i64,
                limit: i64,
            ) -> app::store::StoreResult<Vec<app::domain::AuditEntry>> {
                let rows = sqlx::query_as::<_, (i64, chrono::DateTime<chrono::Utc>, Option<String>, String, String, String)>(
                    "SELECT a.id, a.at, u.email, a.action, a.record, a.detail FROM audit_events a \
                     LEFT JOIN users u ON u.id = a.actor_id \
                     WHERE a.campaign_id = $1 ORDER BY a.id DESC LIMIT $2",
                )
                .bind(campaign_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, at, actor, action, record, detail)| app::domain::AuditEntry {
                        id,
                        at,
                        actor,
                        action,
                        record,
                        detail,
                    })
                    .collect())
            }

            async fn create_area(
                &self,
                campaign_id: i64,
                name: &str,
                parent_id: Option<i64>,
            ) -> app::store::StoreResult<app::domain::Area> {
                if let Some(parent) = parent_id {
                    // A parent from another campaign is as good as none: refuse it.
                    let found = sqlx::query_scalar::<_, i64>(
                        "SELECT COUNT(*) FROM areas WHERE id = $1 AND campaign_id = $2",
                    )
                    .bind(parent)
                    .bind(campaign_id)
                    .fetch_one(&self.pool)
                    .await
                    .map_err($crate::store::map_err)?;
                    if found == 0 {
                        return Err(app::store::StoreError::NotFound);
                    }
                }
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO areas (campaign_id, parent_id, name, created_at) VALUES ($1, $2, $3, $4) \
                     RETURNING id",
                )
                .bind(campaign_id)
                .bind(parent_id)
                .bind(name)
                .bind(chrono::Utc::now())
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(app::domain::Area { id, parent_id, name: name.to_owned(), retired: false })
            }

            async fn list_areas(&self, campaign_id: i64) -> app::store::StoreResult<Vec<app::domain::Area>> {
                let rows = sqlx::query_as::<_, (i64, Option<i64>, String, bool)>(
                    "SELECT id, parent_id, name, retired FROM areas WHERE campaign_id = $1 ORDER BY name, id",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, parent_id, name, retired)| app::domain::Area { id, parent_id, name, retired })
                    .collect())
            }

            async fn create_shift(&self, campaign_id: i64, name: &str) -> app::store::StoreResult<app::domain::Shift> {
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO shifts (campaign_id, name, position) \
                     VALUES ($1, $2, (SELECT COUNT(*) FROM shifts WHERE campaign_id = $1)) RETURNING id",
                )
                .bind(campaign_id)
                .bind(name)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(app::domain::Shift { id, name: name.to_owned() })
            }

            async fn list_shifts(&self, campaign_id: i64) -> app::store::StoreResult<Vec<app::domain::Shift>> {
                let rows = sqlx::query_as::<_, (i64, String)>(
                    "SELECT id, name FROM shifts WHERE campaign_id = $1 ORDER BY position, id",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(rows.into_iter().map(|(id, name)| app::domain::Shift { id, name }).collect())
            }

            async fn create_coworker(
                &self,
                campaign_id: i64,
                c: &app::store::NewCoworker,
            ) -> app::store::StoreResult<app::domain::CoworkerSummary> {
                // Area and shift must belong to this campaign.
                for (table, id) in [("areas", c.area_id), ("shifts", c.shift_id)] {
                    if let Some(id) = id {
                        let found = sqlx::query_scalar::<_, i64>(&format!(
                            "SELECT COUNT(*) FROM {table} WHERE id = $1 AND campaign_id = $2"
                        ))
                        .bind(id)
                        .bind(campaign_id)
                        .fetch_one(&self.pool)
                        .await
                        .map_err($crate::store::map_err)?;
                        if found == 0 {
                            return Err(app::store::StoreError::NotFound);
                        }
                    }
                }
                let now = chrono::Utc::now();
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO coworkers (campaign_id, name, area_id, shift_id, job_title, \
                     assigned_organizer, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                )
                .bind(campaign_id)
                .bind(&c.name)
                .bind(c.area_id)
                .bind(c.shift_id)
                .bind(&c.job_title)
                .bind(c.assigned_organizer)
                .bind(now)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(app::domain::CoworkerSummary {
                    id,
                    name: c.name.clone(),
                    area_id: c.area_id,
                    shift_id: c.shift_id,
                    job_title: c.job_title.clone(),
                    assigned_organizer: c.assigned_organizer,
                    rating: None,
                })
            }

            async fn list_coworkers(
                &self,
                campaign_id: i64,
                scope: &app::domain::CoworkerScope,
            ) -> app::store::StoreResult<Vec<app::domain::CoworkerSummary>> {
                const COLUMNS: &str = "SELECT id, name, area_id, shift_id, job_title, assigned_organizer, rating \
                                       FROM coworkers WHERE campaign_id = $1 AND archived_at IS NULL";
                let rows = match scope {
                    app::domain::CoworkerScope::Campaign => {
                        sqlx::query_as::<_, $crate::store::CoworkerRow>(&format!("{COLUMNS} ORDER BY name, id"))
                            .bind(campaign_id)
                            .fetch_all(&self.pool)
                            .await
                    }
                    app::domain::CoworkerScope::Organizer { user_id, area_ids } => {
                        let sql = format!(
                            "{COLUMNS} AND (assigned_organizer = $2{}) ORDER BY name, id",
                            $crate::store::area_filter(area_ids.len(), 3)
                        );
                        let mut query = sqlx::query_as::<_, $crate::store::CoworkerRow>(&sql)
                            .bind(campaign_id)
                            .bind(user_id);
                        for area in area_ids {
                            query = query.bind(area);
                        }
                        query.fetch_all(&self.pool).await
                    }
                }
                .map_err($crate::store::map_err)?;
                Ok(rows.into_iter().map($crate::store::coworker_from_row).collect())
            }

            async fn coworker(
                &self,
                campaign_id: i64,
                id: i64,
            ) -> app::store::StoreResult<Option<app::domain::CoworkerSummary>> {
                let row = sqlx::query_as::<_, $crate::store::CoworkerRow>(
                    "SELECT id, name, area_id, shift_id, job_title, assigned_organizer, rating \
                     FROM coworkers WHERE campaign_id = $1 AND id = $2 AND archived_at IS NULL",
                )
                .bind(campaign_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(row.map($crate::store::coworker_from_row))
            }

            async fn create_coworkers(
                &self,
                campaign_id: i64,
                coworkers: &[app::store::NewCoworker],
            ) -> app::store::StoreResult<u64> {
                let now = chrono::Utc::now();
                let mut tx = self.pool.begin().await.map_err($crate::store::map_err)?;
                for c in coworkers {
                    sqlx::query(
                        "INSERT INTO coworkers (campaign_id, name, area_id, shift_id, job_title, \
                         assigned_organizer, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                    )
                    .bind(campaign_id)
                    .bind(&c.name)
                    .bind(c.area_id)
                    .bind(c.shift_id)
                    .bind(&c.job_title)
                    .bind(c.assigned_organizer)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?;
                }
                tx.commit().await.map_err($crate::store::map_err)?;
                Ok(coworkers.len() as u64)
            }
        }
    };
}

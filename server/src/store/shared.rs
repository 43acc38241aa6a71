//! SQL that reads the same on SQLite and PostgreSQL (`$n` placeholders, `RETURNING`),
//! written once and expanded for each adapter's pool type.

/// Implements `app::store::Store` for `$store`, whose field `pool` is a `sqlx::Pool`.
macro_rules! impl_store {
    ($store:ty, $db:ty, $backend:literal) => {
        impl $store {
            /// Writes `e` inside the change's transaction, so the two commit together or
            /// not at all (a refused audit row rolls the change back).
            async fn insert_audit(
                tx: &mut sqlx::Transaction<'_, $db>,
                e: &app::store::AuditEvent,
            ) -> app::store::StoreResult<()> {
                sqlx::query($crate::store::INSERT_AUDIT)
                    .bind(chrono::Utc::now())
                    .bind(e.campaign_id)
                    .bind(e.actor_id)
                    .bind(&e.action)
                    .bind(&e.record)
                    .bind(&e.detail)
                    .bind(&e.client_ip)
                    .execute(&mut **tx)
                    .await
                    .map_err($crate::store::map_err)?;
                Ok(())
            }

            /// An organizer's scope: one row per area.
            async fn insert_member_areas(
                tx: &mut sqlx::Transaction<'_, $db>,
                campaign_id: i64,
                user_id: i64,
                area_ids: &[i64],
            ) -> app::store::StoreResult<()> {
                for area in area_ids {
                    sqlx::query(
                        "INSERT INTO membership_areas (campaign_id, user_id, area_id) VALUES ($1, $2, $3)",
                    )
                    .bind(campaign_id)
                    .bind(user_id)
                    .bind(area)
                    .execute(&mut **tx)
                    .await
                    .map_err($crate::store::map_err)?;
                }
                Ok(())
            }

            /// Appends the change's audit row and commits both.
            async fn commit_audited(
                mut tx: sqlx::Transaction<'_, $db>,
                e: &app::store::AuditEvent,
            ) -> app::store::StoreResult<()> {
                Self::insert_audit(&mut tx, e).await?;
                tx.commit().await.map_err($crate::store::map_err)
            }

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

            /// Why a join did not happen: the caller is a member already, or the invite is gone.
            async fn why_not_joined(
                &self,
                token_hash: &str,
                user_id: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<app::store::JoinOutcome> {
                let member_of = sqlx::query_scalar::<_, i64>(
                    "SELECT i.campaign_id FROM invites i JOIN memberships m \
                     ON m.campaign_id = i.campaign_id AND m.user_id = $1 \
                     WHERE i.token_hash = $2 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $3",
                )
                .bind(user_id)
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(match member_of {
                    Some(campaign_id) => app::store::JoinOutcome::AlreadyMember { campaign_id },
                    None => app::store::JoinOutcome::Unavailable,
                })
            }

            /// Refuses (NotFound) an id of `table` that is not in the campaign; `None` passes.
            async fn check_refs(
                tx: &mut sqlx::Transaction<'_, $db>,
                campaign_id: i64,
                table: &'static str,
                id: Option<i64>,
            ) -> app::store::StoreResult<()> {
                let Some(id) = id else { return Ok(()) };
                let sql = match table {
                    "areas" => "SELECT COUNT(*) FROM areas WHERE id = $1 AND campaign_id = $2",
                    "shifts" => "SELECT COUNT(*) FROM shifts WHERE id = $1 AND campaign_id = $2",
                    "members" => "SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND campaign_id = $2 \
                                  AND role IN ('lead', 'organizer')",
                    _ => unreachable!("check_refs on {table}"),
                };
                let found = sqlx::query_scalar::<_, i64>(sql)
                    .bind(id)
                    .bind(campaign_id)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err($crate::store::map_err)?;
                if found == 0 {
                    return Err(app::store::StoreError::NotFound);
                }
                Ok(())
            }

            /// The coworker's area, shift and organizer must all belong to the campaign.
            async fn check_coworker_refs(
                tx: &mut sqlx::Transaction<'_, $db>,
                campaign_id: i64,
                c: &app::domain::CoworkerFields,
            ) -> app::store::StoreResult<()> {
                Self::check_refs(tx, campaign_id, "areas", c.area_id).await?;
                Self::check_refs(tx, campaign_id, "shifts", c.shift_id).await?;
                Self::check_refs(tx, campaign_id, "members", c.assigned_organizer).await
            }

            async fn insert_coworker(
                tx: &mut sqlx::Transaction<'_, $db>,
                campaign_id: i64,
                c: &app::domain::CoworkerFields,
                rating: Option<i32>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<i64> {
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO coworkers (campaign_id, name, area_id, shift_id, job_title, employee_ref, \
                     phone, email, language, tags, organic_leader, committee_member, assigned_organizer, \
                     employment_status, rating, notes, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) \
                     RETURNING id",
                )
                .bind(campaign_id)
                .bind(&c.name)
                .bind(c.area_id)
                .bind(c.shift_id)
                .bind(&c.job_title)
                .bind(&c.employee_ref)
                .bind(&c.phone)
                .bind(&c.email)
                .bind(&c.language)
                .bind(c.tags.join(","))
                .bind(c.organic_leader)
                .bind(c.committee_member)
                .bind(c.assigned_organizer)
                .bind(c.employment_status.key())
                .bind(rating)
                .bind(&c.notes)
                .bind(now)
                .fetch_one(&mut **tx)
                .await
                .map_err($crate::store::map_err)
            }

            /// Both ends must be coworkers of the campaign; a tie that exists is a Conflict.
            async fn insert_tie(
                tx: &mut sqlx::Transaction<'_, $db>,
                campaign_id: i64,
                tie: &app::store::NewTie,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<i64> {
                let found = sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM coworkers WHERE campaign_id = $1 AND id IN ($2, $3)",
                )
                .bind(campaign_id)
                .bind(tie.from_id)
                .bind(tie.to_id)
                .fetch_one(&mut **tx)
                .await
                .map_err($crate::store::map_err)?;
                if found != 2 {
                    return Err(app::store::StoreError::NotFound);
                }
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO relationships (campaign_id, from_id, to_id, kind, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(campaign_id)
                .bind(tie.from_id)
                .bind(tie.to_id)
                .bind(tie.kind.key())
                .bind(tie.created_by)
                .bind(now)
                .fetch_one(&mut **tx)
                .await
                .map_err(|e| match $crate::store::map_err(e) {
                    app::store::StoreError::Conflict(_) => {
                        app::store::StoreError::Conflict("Those two already have that tie.".into())
                    }
                    other => other,
                })
            }

            /// Appends a dated rating and makes it the coworker's current one unless a later
            /// rating exists (a log sent late must not overwrite a newer judgment).
            async fn insert_assessment(
                tx: &mut sqlx::Transaction<'_, $db>,
                campaign_id: i64,
                a: &app::store::NewAssessment,
                conversation_id: Option<i64>,
            ) -> app::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO assessments (campaign_id, coworker_id, rating, organizer_id, at, source, note, \
                     conversation_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(campaign_id)
                .bind(a.coworker_id)
                .bind(a.rating)
                .bind(a.organizer_id)
                .bind(a.at)
                .bind(a.source.key())
                .bind(&a.note)
                .bind(conversation_id)
                .execute(&mut **tx)
                .await
                .map_err($crate::store::map_err)?;
                sqlx::query(
                    "UPDATE coworkers SET rating = $1, rated_at = $2, updated_at = $3 \
                     WHERE id = $4 AND campaign_id = $5 AND (rated_at IS NULL OR rated_at <= $2)",
                )
                .bind(a.rating)
                .bind(a.at)
                .bind(chrono::Utc::now())
                .bind(a.coworker_id)
                .bind(campaign_id)
                .execute(&mut **tx)
                .await
                .map_err($crate::store::map_err)?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl app::store::Health for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn ping(&self) -> app::store::StoreResult<()> {
                self.database_in_place()?;
                sqlx::query("SELECT 1")
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::map_err)?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl app::store::Campaigns for $store {
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
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<app::domain::Campaign> {
                let now = chrono::Utc::now();
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
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
                let audit = app::store::AuditEvent { campaign_id: Some(id), ..audit.for_new(id) };
                Self::commit_audited(tx, &audit).await?;
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
        }

        #[async_trait::async_trait]
        impl app::store::Accounts for $store {
            async fn create_user(
                &self,
                email: &app::domain::Email,
                password_hash: &str,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<app::domain::CurrentUser> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                let (id, email) = sqlx::query_as::<_, (i64, String)>(
                    "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) \
                     RETURNING id, email",
                )
                .bind(email.as_str())
                .bind(password_hash)
                .bind(chrono::Utc::now())
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                let audit = app::store::AuditEvent {
                    actor_id: audit.actor_id.or(Some(id)),
                    ..audit.for_new(id)
                };
                Self::commit_audited(tx, &audit).await?;
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
        }

        #[async_trait::async_trait]
        impl app::store::Sessions for $store {
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
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
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
                    Some((session_id, user_id, _)) => {
                        // A spent token came back later: someone else holds a copy. End the session.
                        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2")
                            .bind(now)
                            .bind(&session_id)
                            .execute(&mut *tx)
                            .await
                            .map_err($crate::store::map_err)?;
                        tracing::warn!(session_id, "refresh token replayed: session revoked");
                        // On the account, and in the log of every campaign the user is in,
                        // so their leads see it.
                        let record = format!("session:{}", session_id.get(..8).unwrap_or(&session_id));
                        Self::insert_audit(&mut tx, &app::store::AuditEvent {
                            actor_id: Some(user_id),
                            action: "auth.refresh_replayed".into(),
                            record: record.clone(),
                            detail: "session revoked".into(),
                            ..Default::default()
                        })
                        .await?;
                        sqlx::query(
                            "INSERT INTO audit_events (at, campaign_id, actor_id, action, record, detail, client_ip) \
                             SELECT $1, m.campaign_id, m.user_id, 'auth.refresh_replayed', $2, 'session revoked', '' \
                             FROM memberships m WHERE m.user_id = $3",
                        )
                        .bind(now)
                        .bind(&record)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err($crate::store::map_err)?;
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
        }

        #[async_trait::async_trait]
        impl app::store::Membership for $store {
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
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<()> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
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
                    Self::insert_member_areas(&mut tx, campaign_id, user_id, area_ids).await?;
                }
                Self::commit_audited(tx, audit).await
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

            async fn remove_member(
                &self,
                campaign_id: i64,
                user_id: i64,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<()> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
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
                Self::commit_audited(tx, audit).await
            }
        }

        #[async_trait::async_trait]
        impl app::store::Invites for $store {
            async fn create_invite(
                &self,
                i: &app::store::NewInvite,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<i64> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO invites (campaign_id, token_hash, role, area_ids, note, created_by, created_at, \
                     expires_at, reveal_token, reveal_until) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind(i.campaign_id)
                .bind(&i.token_hash)
                .bind(i.role.as_str())
                .bind($crate::store::join_ids(&i.area_ids))
                .bind(&i.note)
                .bind(i.created_by)
                .bind(i.now)
                .bind(i.expires_at)
                .bind(i.reveal.as_ref().map(|(token, _)| token.as_str()))
                .bind(i.reveal.as_ref().map(|(_, until)| *until))
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                Self::commit_audited(tx, &audit.for_new(id)).await?;
                Ok(id)
            }

            async fn invite(&self, token_hash: &str) -> app::store::StoreResult<Option<app::store::InviteRecord>> {
                let row = sqlx::query_as::<_, (i64, i64, String, String, String, chrono::DateTime<chrono::Utc>, Option<chrono::DateTime<chrono::Utc>>)>(
                    // A revoked invite answers as a used one.
                    "SELECT i.id, i.campaign_id, c.name, i.role, i.area_ids, i.expires_at, COALESCE(i.used_at, i.revoked_at) \
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

            // --- Invites: joining, revoking, showing a new link once (issue 9) ---

            async fn join_invite(
                &self,
                token_hash: &str,
                user_id: i64,
                now: chrono::DateTime<chrono::Utc>,
                client_ip: &str,
            ) -> app::store::StoreResult<app::store::JoinOutcome> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                // The write comes first, so SQLite takes its write lock before reading
                // anything; concurrent joins wait here and then find the invite spent.
                let spent = sqlx::query_as::<_, (i64, i64, String, String)>(
                    "UPDATE invites SET used_at = $1, used_by = $2 \
                     WHERE token_hash = $3 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1 \
                     AND NOT EXISTS (SELECT 1 FROM memberships m \
                                     WHERE m.campaign_id = invites.campaign_id AND m.user_id = $2) \
                     RETURNING id, campaign_id, role, area_ids",
                )
                .bind(now)
                .bind(user_id)
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                let Some((invite_id, campaign_id, role, area_ids)) = spent else {
                    tx.rollback().await.map_err($crate::store::map_err)?;
                    return self.why_not_joined(token_hash, user_id, now).await;
                };
                let role = $crate::store::role(&role)?;
                sqlx::query(
                    "INSERT INTO memberships (campaign_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(campaign_id)
                .bind(user_id)
                .bind(role.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                if role == app::domain::Role::Organizer {
                    let areas = app::domain::access::parse_area_ids(&area_ids).unwrap_or_default();
                    Self::insert_member_areas(&mut tx, campaign_id, user_id, &areas).await?;
                }
                sqlx::query(
                    "INSERT INTO audit_events (at, campaign_id, actor_id, action, record, detail, client_ip) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(now)
                .bind(campaign_id)
                .bind(user_id)
                .bind("member.joined")
                .bind(format!("user:{user_id}"))
                .bind(format!("role={} invite={invite_id}", role.as_str()))
                .bind(client_ip)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                tx.commit().await.map_err($crate::store::map_err)?;
                Ok(app::store::JoinOutcome::Joined { campaign_id, role })
            }

            async fn open_invites(
                &self,
                campaign_id: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<Vec<app::store::OpenInvite>> {
                let rows = sqlx::query_as::<_, (i64, String, String, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>(
                    "SELECT id, role, note, created_at, expires_at FROM invites \
                     WHERE campaign_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 \
                     ORDER BY id DESC",
                )
                .bind(campaign_id)
                .bind(now)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                rows.into_iter()
                    .map(|(id, role, note, created_at, expires_at)| {
                        Ok(app::store::OpenInvite {
                            id,
                            role: $crate::store::role(&role)?,
                            note,
                            created_at,
                            expires_at,
                        })
                    })
                    .collect()
            }

            async fn revoke_invite(
                &self,
                campaign_id: i64,
                invite_id: i64,
                now: chrono::DateTime<chrono::Utc>,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<bool> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                let done = sqlx::query(
                    "UPDATE invites SET revoked_at = $1, reveal_token = NULL, reveal_until = NULL \
                     WHERE id = $2 AND campaign_id = $3 AND used_at IS NULL AND revoked_at IS NULL",
                )
                .bind(now)
                .bind(invite_id)
                .bind(campaign_id)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?
                .rows_affected();
                if done != 1 {
                    return Ok(false);
                }
                Self::commit_audited(tx, audit).await?;
                Ok(true)
            }

            async fn take_invite_reveal(
                &self,
                campaign_id: i64,
                invite_id: i64,
                created_by: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<Option<String>> {
                let kept = sqlx::query_as::<_, (Option<String>, Option<chrono::DateTime<chrono::Utc>>)>(
                    "SELECT reveal_token, reveal_until FROM invites \
                     WHERE id = $1 AND campaign_id = $2 AND created_by = $3",
                )
                .bind(invite_id)
                .bind(campaign_id)
                .bind(created_by)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                let Some((Some(token), until)) = kept else {
                    return Ok(None);
                };
                // Whoever clears it shows it: two loads at once cannot both get it.
                let cleared = sqlx::query(
                    "UPDATE invites SET reveal_token = NULL, reveal_until = NULL \
                     WHERE id = $1 AND reveal_token = $2",
                )
                .bind(invite_id)
                .bind(&token)
                .execute(&self.pool)
                .await
                .map_err($crate::store::map_err)?
                .rows_affected();
                Ok((cleared == 1 && until.is_some_and(|u| u > now)).then_some(token))
            }
        }

        #[async_trait::async_trait]
        impl app::store::Throttle for $store {
            async fn reserve_attempt(
                &self,
                a: &app::store::NewAttempt,
            ) -> app::store::StoreResult<app::store::Reservation> {
                // Its own statement, committed before counting: see the trait.
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO auth_attempts (kind, email, client_ip, outcome, at) \
                     VALUES ($1, $2, $3, 'pending', $4) RETURNING id",
                )
                .bind(a.kind.as_str())
                .bind(&a.email)
                .bind(&a.client_ip)
                .bind(a.now)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                let by_account = sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM auth_attempts WHERE email = $1 AND client_ip = $2 AND at > $3 \
                     AND kind <> 'create_account' AND outcome IN ('pending', 'failed')",
                )
                .bind(&a.email)
                .bind(&a.client_ip)
                .bind(a.since)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                // Guesses and new accounts are limited apart (see the throttle).
                let by_address = sqlx::query_scalar::<_, i64>(
                    if a.kind == app::store::AttemptKind::CreateAccount {
                        "SELECT COUNT(*) FROM auth_attempts WHERE client_ip = $1 AND at > $2 \
                         AND kind = 'create_account' AND outcome IN ('pending', 'created')"
                    } else {
                        "SELECT COUNT(*) FROM auth_attempts WHERE client_ip = $1 AND at > $2 \
                         AND kind <> 'create_account' AND outcome IN ('pending', 'failed')"
                    },
                )
                .bind(&a.client_ip)
                .bind(a.since)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                let locked_until = sqlx::query_scalar::<_, Option<chrono::DateTime<chrono::Utc>>>(
                    "SELECT MAX(locked_until) FROM auth_lockouts WHERE email = $1 AND client_ip = $2",
                )
                .bind(&a.email)
                .bind(&a.client_ip)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(app::store::Reservation { id, by_account, by_address, locked_until })
            }

            async fn finish_attempt(
                &self,
                id: i64,
                outcome: app::store::AttemptOutcome,
            ) -> app::store::StoreResult<()> {
                sqlx::query("UPDATE auth_attempts SET outcome = $1 WHERE id = $2")
                    .bind(outcome.as_str())
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::map_err)?;
                Ok(())
            }

            async fn failed_attempts(
                &self,
                email: &str,
                client_ip: &str,
                since: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<i64> {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM auth_attempts WHERE email = $1 AND client_ip = $2 AND at > $3 \
                     AND outcome = 'failed'",
                )
                .bind(email)
                .bind(client_ip)
                .bind(since)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)
            }

            async fn lockouts_since(
                &self,
                email: &str,
                client_ip: &str,
                since: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<i64> {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM auth_lockouts WHERE email = $1 AND client_ip = $2 AND at > $3",
                )
                .bind(email)
                .bind(client_ip)
                .bind(since)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)
            }

            async fn add_lockout(
                &self,
                email: &str,
                client_ip: &str,
                now: chrono::DateTime<chrono::Utc>,
                until: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO auth_lockouts (email, client_ip, at, locked_until) VALUES ($1, $2, $3, $4)",
                )
                .bind(email)
                .bind(client_ip)
                .bind(now)
                .bind(until)
                .execute(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(())
            }

            async fn prune_auth_history(
                &self,
                before: chrono::DateTime<chrono::Utc>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<u64> {
                let attempts = sqlx::query("DELETE FROM auth_attempts WHERE at < $1")
                    .bind(before)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::map_err)?
                    .rows_affected();
                let lockouts =
                    sqlx::query("DELETE FROM auth_lockouts WHERE at < $1 AND locked_until < $2")
                        .bind(before)
                        .bind(now)
                        .execute(&self.pool)
                        .await
                        .map_err($crate::store::map_err)?
                        .rows_affected();
                Ok(attempts + lockouts)
            }
        }

        #[async_trait::async_trait]
        impl app::store::AuditLog for $store {
            async fn audit(&self, e: &app::store::AuditEvent) -> app::store::StoreResult<()> {
                sqlx::query($crate::store::INSERT_AUDIT)
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
                filter: &app::store::AuditFilter,
            ) -> app::store::StoreResult<Vec<app::domain::AuditEntry>> {
                // Each optional condition is always present and switched off by a NULL,
                // so the statement (and its placeholders) never changes shape.
                let rows = sqlx::query_as::<_, (i64, chrono::DateTime<chrono::Utc>, Option<String>, String, String, String)>(
                    "SELECT a.id, a.at, u.email, a.action, a.record, a.detail FROM audit_events a \
                     LEFT JOIN users u ON u.id = a.actor_id \
                     WHERE a.campaign_id = $1 \
                     AND ($2 IS NULL OR a.id < $2) \
                     AND ($3 IS NULL OR a.action = $3) \
                     AND ($4 IS NULL OR a.actor_id = $4) \
                     ORDER BY a.id DESC LIMIT $5",
                )
                .bind(campaign_id)
                .bind(filter.before)
                .bind(filter.action.as_deref())
                .bind(filter.actor_id)
                .bind(filter.limit)
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

            async fn audit_actions(&self, campaign_id: i64) -> app::store::StoreResult<Vec<String>> {
                sqlx::query_scalar::<_, String>(
                    "SELECT DISTINCT action FROM audit_events WHERE campaign_id = $1 ORDER BY action",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)
            }
        }

        #[async_trait::async_trait]
        impl app::store::WorkplaceMap for $store {
            async fn create_area(
                &self,
                campaign_id: i64,
                name: &str,
                parent_id: Option<i64>,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<app::domain::Area> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                Self::check_refs(&mut tx, campaign_id, "areas", parent_id).await?;
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO areas (campaign_id, parent_id, name, created_at) VALUES ($1, $2, $3, $4) \
                     RETURNING id",
                )
                .bind(campaign_id)
                .bind(parent_id)
                .bind(name)
                .bind(chrono::Utc::now())
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                Self::commit_audited(tx, &audit.for_new(id)).await?;
                Ok(app::domain::Area { id, parent_id, name: name.to_owned(), retired: false, grid: None })
            }

            async fn list_areas(&self, campaign_id: i64) -> app::store::StoreResult<Vec<app::domain::Area>> {
                let rows = sqlx::query_as::<_, $crate::store::AreaRow>(
                    "SELECT id, parent_id, name, retired, grid_x, grid_y, grid_w, grid_h FROM areas \
                     WHERE campaign_id = $1 ORDER BY name, id",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn update_area(
                &self,
                campaign_id: i64,
                area_id: i64,
                change: &app::store::AreaChange,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<app::domain::Area> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                let tree = sqlx::query_as::<_, (i64, Option<i64>)>(
                    "SELECT id, parent_id FROM areas WHERE campaign_id = $1",
                )
                .bind(campaign_id)
                .fetch_all(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                if !tree.iter().any(|(id, _)| *id == area_id) {
                    return Err(app::store::StoreError::NotFound);
                }
                // Walk up from the new parent: meeting the area itself would make a loop.
                let mut at = change.parent_id;
                while let Some(id) = at {
                    if id == area_id {
                        return Err(app::store::StoreError::Conflict(
                            "An area cannot sit inside itself or one of its own sub-areas.".into(),
                        ));
                    }
                    at = match tree.iter().find(|(a, _)| *a == id) {
                        Some((_, parent)) => *parent,
                        None => return Err(app::store::StoreError::NotFound),
                    };
                }
                let g = change.grid;
                sqlx::query(
                    "UPDATE areas SET name = $1, parent_id = $2, retired = $3, grid_x = $4, grid_y = $5, \
                     grid_w = $6, grid_h = $7 WHERE id = $8 AND campaign_id = $9",
                )
                .bind(&change.name)
                .bind(change.parent_id)
                .bind(change.retired)
                .bind(g.map(|g| g.x))
                .bind(g.map(|g| g.y))
                .bind(g.map(|g| g.w))
                .bind(g.map(|g| g.h))
                .bind(area_id)
                .bind(campaign_id)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                Self::commit_audited(tx, audit).await?;
                Ok(app::domain::Area {
                    id: area_id,
                    parent_id: change.parent_id,
                    name: change.name.clone(),
                    retired: change.retired,
                    grid: change.grid,
                })
            }

            async fn area_stats(&self, campaign_id: i64) -> app::store::StoreResult<Vec<app::domain::AreaStats>> {
                let rows = sqlx::query_as::<_, $crate::store::AreaStatsRow>(
                    "SELECT a.id, a.parent_id, a.name, a.retired, a.grid_x, a.grid_y, a.grid_w, a.grid_h, \
                     COUNT(c.id) AS coworkers, \
                     COALESCE(SUM(CASE WHEN c.rating <= 2 THEN 1 ELSE 0 END), 0) AS supporters, \
                     COALESCE(SUM(CASE WHEN c.id IS NOT NULL AND c.rating IS NULL THEN 1 ELSE 0 END), 0) AS unknown \
                     FROM areas a LEFT JOIN coworkers c ON c.area_id = a.id AND c.archived_at IS NULL \
                     AND c.employment_status IN ('active', 'on_leave', 'disciplined') \
                     WHERE a.campaign_id = $1 \
                     GROUP BY a.id, a.parent_id, a.name, a.retired, a.grid_x, a.grid_y, a.grid_w, a.grid_h \
                     ORDER BY a.name, a.id",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn create_shift(
                &self,
                campaign_id: i64,
                name: &str,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<app::domain::Shift> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO shifts (campaign_id, name, position) \
                     VALUES ($1, $2, (SELECT COUNT(*) FROM shifts WHERE campaign_id = $1)) RETURNING id",
                )
                .bind(campaign_id)
                .bind(name)
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                Self::commit_audited(tx, &audit.for_new(id)).await?;
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
                c: &app::domain::CoworkerFields,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<app::domain::CoworkerSummary> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                Self::check_coworker_refs(&mut tx, campaign_id, c).await?;
                let id = Self::insert_coworker(&mut tx, campaign_id, c, None, chrono::Utc::now()).await?;
                Self::commit_audited(tx, &audit.for_new(id)).await?;
                Ok(app::domain::CoworkerSummary {
                    id,
                    name: c.name.clone(),
                    area_id: c.area_id,
                    shift_id: c.shift_id,
                    job_title: c.job_title.clone(),
                    assigned_organizer: c.assigned_organizer,
                    rating: None,
                    organic_leader: c.organic_leader,
                    committee_member: c.committee_member,
                    tags: c.tags.clone(),
                })
            }

            async fn create_coworkers(
                &self,
                campaign_id: i64,
                coworkers: &[app::store::NewCoworker],
            ) -> app::store::StoreResult<Vec<i64>> {
                let now = chrono::Utc::now();
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                let mut ids = Vec::with_capacity(coworkers.len());
                for c in coworkers {
                    ids.push(Self::insert_coworker(&mut tx, campaign_id, &c.fields, c.rating, now).await?);
                }
                tx.commit().await.map_err($crate::store::map_err)?;
                Ok(ids)
            }

            async fn list_coworkers(
                &self,
                campaign_id: i64,
                scope: &app::domain::CoworkerScope,
            ) -> app::store::StoreResult<Vec<app::domain::CoworkerSummary>> {
                let columns = format!(
                    "SELECT {} FROM coworkers WHERE campaign_id = $1 AND archived_at IS NULL",
                    $crate::store::SUMMARY_COLUMNS
                );
                let (scope_sql, binds) = $crate::store::scope_clause(scope, "", 2);
                let sql = format!("{columns}{scope_sql} ORDER BY name, id");
                let mut query = sqlx::query_as::<_, $crate::store::CoworkerRow>(&sql).bind(campaign_id);
                for value in binds {
                    query = query.bind(value);
                }
                let rows = query
                    .fetch_all(&self.pool)
                    .await
                .map_err($crate::store::map_err)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn coworker_detail(
                &self,
                campaign_id: i64,
                id: i64,
            ) -> app::store::StoreResult<Option<app::domain::Coworker>> {
                let row = sqlx::query_as::<_, $crate::store::CoworkerDetailRow>(&format!(
                    "SELECT {} FROM coworkers WHERE campaign_id = $1 AND id = $2",
                    $crate::store::DETAIL_COLUMNS
                ))
                .bind(campaign_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                row.map(TryInto::try_into).transpose()
            }

            async fn update_coworker(
                &self,
                campaign_id: i64,
                id: i64,
                c: &app::domain::CoworkerFields,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<()> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                Self::check_coworker_refs(&mut tx, campaign_id, c).await?;
                let done = sqlx::query(
                    "UPDATE coworkers SET name = $1, area_id = $2, shift_id = $3, job_title = $4, \
                     employee_ref = $5, phone = $6, email = $7, language = $8, tags = $9, \
                     organic_leader = $10, committee_member = $11, assigned_organizer = $12, \
                     employment_status = $13, notes = $14, updated_at = $15 \
                     WHERE campaign_id = $16 AND id = $17",
                )
                .bind(&c.name)
                .bind(c.area_id)
                .bind(c.shift_id)
                .bind(&c.job_title)
                .bind(&c.employee_ref)
                .bind(&c.phone)
                .bind(&c.email)
                .bind(&c.language)
                .bind(c.tags.join(","))
                .bind(c.organic_leader)
                .bind(c.committee_member)
                .bind(c.assigned_organizer)
                .bind(c.employment_status.key())
                .bind(&c.notes)
                .bind(chrono::Utc::now())
                .bind(campaign_id)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?
                .rows_affected();
                if done == 0 {
                    return Err(app::store::StoreError::NotFound);
                }
                Self::commit_audited(tx, audit).await
            }

            async fn set_archived(
                &self,
                campaign_id: i64,
                id: i64,
                archived: bool,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<()> {
                let now = chrono::Utc::now();
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                let done = sqlx::query(
                    "UPDATE coworkers SET archived_at = $1, updated_at = $2 WHERE campaign_id = $3 AND id = $4",
                )
                .bind(archived.then_some(now))
                .bind(now)
                .bind(campaign_id)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?
                .rows_affected();
                if done == 0 {
                    return Err(app::store::StoreError::NotFound);
                }
                Self::commit_audited(tx, audit).await
            }

            async fn export_coworkers(&self, campaign_id: i64) -> app::store::StoreResult<Vec<app::domain::Coworker>> {
                let rows = sqlx::query_as::<_, $crate::store::CoworkerDetailRow>(&format!(
                    "SELECT {} FROM coworkers WHERE campaign_id = $1 AND archived_at IS NULL ORDER BY name, id",
                    $crate::store::DETAIL_COLUMNS
                ))
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                rows.into_iter().map(TryInto::try_into).collect()
            }
        }

        #[async_trait::async_trait]
        impl app::store::SocialMap for $store {
            async fn ties(&self, campaign_id: i64, coworker_id: i64) -> app::store::StoreResult<Vec<app::domain::Tie>> {
                let rows = sqlx::query_as::<_, (i64, String, bool, i64, String, Option<i32>, Option<i64>, Option<i64>)>(
                    "SELECT r.id, r.kind, r.from_id = $2 AS outgoing, c.id, c.name, c.rating, c.area_id, \
                     c.assigned_organizer FROM relationships r \
                     JOIN coworkers c ON c.id = CASE WHEN r.from_id = $2 THEN r.to_id ELSE r.from_id END \
                     WHERE r.campaign_id = $1 AND (r.from_id = $2 OR r.to_id = $2) AND c.archived_at IS NULL \
                     ORDER BY c.name, r.id",
                )
                .bind(campaign_id)
                .bind(coworker_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                rows.into_iter()
                    .map(|(id, kind, outgoing, other_id, other_name, other_rating, other_area_id, other_assigned)| {
                        Ok(app::domain::Tie {
                            id,
                            kind: app::domain::TieKind::parse(&kind).ok_or_else(|| {
                                app::store::StoreError::Backend(format!("unknown tie kind '{kind}'").into())
                            })?,
                            outgoing,
                            other_id,
                            other_name,
                            other_rating,
                            other_area_id,
                            other_assigned,
                        })
                    })
                    .collect()
            }

            async fn tie_ends(&self, campaign_id: i64, tie_id: i64) -> app::store::StoreResult<Option<(i64, i64)>> {
                sqlx::query_as::<_, (i64, i64)>(
                    "SELECT from_id, to_id FROM relationships WHERE campaign_id = $1 AND id = $2",
                )
                .bind(campaign_id)
                .bind(tie_id)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)
            }

            async fn add_tie(
                &self,
                campaign_id: i64,
                tie: &app::store::NewTie,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<i64> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                let id = Self::insert_tie(&mut tx, campaign_id, tie, chrono::Utc::now()).await?;
                Self::commit_audited(tx, &audit.for_new(id)).await?;
                Ok(id)
            }

            async fn create_ties(&self, campaign_id: i64, ties: &[app::store::NewTie]) -> app::store::StoreResult<u64> {
                let now = chrono::Utc::now();
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                for tie in ties {
                    Self::insert_tie(&mut tx, campaign_id, tie, now).await?;
                }
                tx.commit().await.map_err($crate::store::map_err)?;
                Ok(ties.len() as u64)
            }

            async fn remove_tie(
                &self,
                campaign_id: i64,
                tie_id: i64,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<()> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                let done = sqlx::query("DELETE FROM relationships WHERE campaign_id = $1 AND id = $2")
                    .bind(campaign_id)
                    .bind(tie_id)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?
                    .rows_affected();
                if done == 0 {
                    return Err(app::store::StoreError::NotFound);
                }
                Self::commit_audited(tx, audit).await
            }

            async fn leader_reach(&self, campaign_id: i64) -> app::store::StoreResult<Vec<app::domain::LeaderReach>> {
                let rows = sqlx::query_as::<_, (i64, String, Option<i64>, Option<i64>, Option<i32>, i64, i64, i64)>(
                    "SELECT c.id, c.name, c.area_id, c.assigned_organizer, c.rating, COUNT(l.id), \
                     COALESCE(SUM(CASE WHEN l.rating <= 2 THEN 1 ELSE 0 END), 0), \
                     COALESCE(SUM(CASE WHEN l.id IS NOT NULL AND l.rating IS NULL THEN 1 ELSE 0 END), 0) \
                     FROM coworkers c \
                     LEFT JOIN relationships r ON r.to_id = c.id AND r.kind = 'listens_to' \
                     LEFT JOIN coworkers l ON l.id = r.from_id AND l.archived_at IS NULL \
                     WHERE c.campaign_id = $1 AND c.organic_leader = $2 AND c.archived_at IS NULL \
                     GROUP BY c.id, c.name, c.area_id, c.assigned_organizer, c.rating \
                     ORDER BY COUNT(l.id) DESC, c.name",
                )
                .bind(campaign_id)
                .bind(true)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, name, area_id, assigned_organizer, rating, listeners, supporters, unknown)| {
                        app::domain::LeaderReach {
                            id,
                            name,
                            area_id,
                            assigned_organizer,
                            rating,
                            listeners,
                            supporters,
                            unknown,
                        }
                    })
                    .collect())
            }
        }

        #[async_trait::async_trait]
        impl app::store::OrganizingLoop for $store {
            async fn campaign_settings(&self, campaign_id: i64) -> app::store::StoreResult<app::domain::organizing::CampaignSettings> {
                let (stale_days, tags, min_group_size) = sqlx::query_as::<_, (i64, String, i64)>(
                    "SELECT stale_days, issue_tags, min_group_size FROM campaigns WHERE id = $1",
                )
                .bind(campaign_id)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)?
                .ok_or(app::store::StoreError::NotFound)?;
                Ok(app::domain::organizing::CampaignSettings {
                    stale_days,
                    issue_tags: $crate::store::split_tags(&tags),
                    min_group_size,
                })
            }

            async fn set_campaign_settings(
                &self,
                campaign_id: i64,
                settings: &app::domain::organizing::CampaignSettings,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<()> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                sqlx::query(
                    "UPDATE campaigns SET stale_days = $1, issue_tags = $2, min_group_size = $3 WHERE id = $4",
                )
                    .bind(settings.stale_days)
                    .bind(settings.issue_tags.join(","))
                    .bind(settings.min_group_size)
                    .bind(campaign_id)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?;
                Self::commit_audited(tx, audit).await
            }

            async fn log_conversation(
                &self,
                campaign_id: i64,
                organizer_id: i64,
                log: &app::domain::organizing::NewConversation,
                commitment: Option<(String, chrono::NaiveDate)>,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<(i64, bool)> {
                let now = chrono::Utc::now();
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                let inserted = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO conversations (campaign_id, coworker_id, organizer_id, client_id, at, channel, \
                     issues, notes, ask, answer, rating_after, next_step, follow_up_on, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                     ON CONFLICT (campaign_id, client_id) DO NOTHING RETURNING id",
                )
                .bind(campaign_id)
                .bind(log.coworker_id)
                .bind(organizer_id)
                .bind(&log.client_id)
                .bind(log.at)
                .bind(log.channel.key())
                .bind(log.issues.join(","))
                .bind(&log.notes)
                .bind(&log.ask)
                .bind(log.answer.map(|a| a.key()).unwrap_or(""))
                .bind(log.rating_after)
                .bind(&log.next_step)
                .bind(log.follow_up_on)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                let Some(id) = inserted else {
                    // Sent before: the first one stands, nothing else is written.
                    let id = sqlx::query_scalar::<_, i64>(
                        "SELECT id FROM conversations WHERE campaign_id = $1 AND client_id = $2",
                    )
                    .bind(campaign_id)
                    .bind(&log.client_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?;
                    tx.commit().await.map_err($crate::store::map_err)?;
                    return Ok((id, false));
                };
                sqlx::query(
                    "UPDATE coworkers SET last_contact_at = $1 \
                     WHERE id = $2 AND campaign_id = $3 AND (last_contact_at IS NULL OR last_contact_at < $1)",
                )
                .bind(log.at)
                .bind(log.coworker_id)
                .bind(campaign_id)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                if let Some(rating) = log.rating_after {
                    Self::insert_assessment(
                        &mut tx,
                        campaign_id,
                        &app::store::NewAssessment {
                            coworker_id: log.coworker_id,
                            organizer_id,
                            rating,
                            source: app::domain::organizing::Source::Conversation,
                            note: String::new(),
                            at: log.at,
                        },
                        Some(id),
                    )
                    .await?;
                }
                if let Some((what, due)) = commitment {
                    sqlx::query(
                        "INSERT INTO commitments (campaign_id, coworker_id, conversation_id, organizer_id, what, \
                         due_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(campaign_id)
                    .bind(log.coworker_id)
                    .bind(id)
                    .bind(organizer_id)
                    .bind(what)
                    .bind(due)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?;
                }
                Self::commit_audited(tx, &audit.for_new(id)).await?;
                Ok((id, true))
            }

            async fn rate(
                &self,
                campaign_id: i64,
                rating: &app::store::NewAssessment,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<()> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                Self::insert_assessment(&mut tx, campaign_id, rating, None).await?;
                Self::commit_audited(tx, audit).await
            }

            async fn assessments(
                &self,
                campaign_id: i64,
                coworker_id: i64,
            ) -> app::store::StoreResult<Vec<app::domain::organizing::Assessment>> {
                let rows = sqlx::query_as::<_, (chrono::DateTime<chrono::Utc>, i32, String, String, String)>(
                    "SELECT a.at, a.rating, a.source, a.note, u.email FROM assessments a \
                     JOIN users u ON u.id = a.organizer_id \
                     WHERE a.campaign_id = $1 AND a.coworker_id = $2 ORDER BY a.at DESC, a.id DESC",
                )
                .bind(campaign_id)
                .bind(coworker_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                rows.into_iter()
                    .map(|(at, rating, source, note, organizer)| {
                        Ok(app::domain::organizing::Assessment {
                            at,
                            rating,
                            source: app::domain::organizing::Source::parse(&source)
                                .ok_or_else(|| $crate::store::corrupt("source", &source))?,
                            note,
                            organizer,
                        })
                    })
                    .collect()
            }

            async fn conversations(
                &self,
                campaign_id: i64,
                coworker_id: i64,
            ) -> app::store::StoreResult<Vec<app::domain::organizing::Conversation>> {
                let rows = sqlx::query_as::<_, $crate::store::ConversationRow>(
                    "SELECT c.id, c.at, u.email AS organizer, c.channel, c.issues, c.notes, c.ask, c.answer, \
                     c.rating_after, c.next_step, c.follow_up_on, c.follow_up_done_at IS NOT NULL AS follow_up_done \
                     FROM conversations c JOIN users u ON u.id = c.organizer_id \
                     WHERE c.campaign_id = $1 AND c.coworker_id = $2 ORDER BY c.at DESC, c.id DESC",
                )
                .bind(campaign_id)
                .bind(coworker_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn conversation_coworker(&self, campaign_id: i64, id: i64) -> app::store::StoreResult<Option<i64>> {
                sqlx::query_scalar::<_, i64>(
                    "SELECT coworker_id FROM conversations WHERE campaign_id = $1 AND id = $2",
                )
                .bind(campaign_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)
            }

            async fn follow_up_done(
                &self,
                campaign_id: i64,
                id: i64,
                now: chrono::DateTime<chrono::Utc>,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<()> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                sqlx::query(
                    "UPDATE conversations SET follow_up_done_at = $1 \
                     WHERE campaign_id = $2 AND id = $3 AND follow_up_done_at IS NULL",
                )
                .bind(now)
                .bind(campaign_id)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                Self::commit_audited(tx, audit).await
            }

            async fn commitment_coworker(&self, campaign_id: i64, id: i64) -> app::store::StoreResult<Option<i64>> {
                sqlx::query_scalar::<_, i64>(
                    "SELECT coworker_id FROM commitments WHERE campaign_id = $1 AND id = $2",
                )
                .bind(campaign_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)
            }

            async fn resolve_commitment(
                &self,
                campaign_id: i64,
                id: i64,
                status: app::domain::organizing::CommitmentStatus,
                by: i64,
                now: chrono::DateTime<chrono::Utc>,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<()> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                sqlx::query(
                    "UPDATE commitments SET status = $1, resolved_at = $2, resolved_by = $3 \
                     WHERE campaign_id = $4 AND id = $5",
                )
                .bind(status.key())
                .bind(now)
                .bind(by)
                .bind(campaign_id)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                Self::commit_audited(tx, audit).await
            }

            async fn open_commitments(
                &self,
                campaign_id: i64,
                coworker_id: i64,
            ) -> app::store::StoreResult<Vec<app::domain::organizing::Commitment>> {
                let rows = sqlx::query_as::<_, $crate::store::CommitmentRow>(
                    "SELECT m.id, m.coworker_id, c.name AS coworker_name, m.what, m.due_on, m.status \
                     FROM commitments m JOIN coworkers c ON c.id = m.coworker_id \
                     WHERE m.campaign_id = $1 AND m.coworker_id = $2 ORDER BY m.due_on, m.id",
                )
                .bind(campaign_id)
                .bind(coworker_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn my_list(
                &self,
                campaign_id: i64,
                user_id: i64,
                scope: &app::domain::CoworkerScope,
                today: chrono::NaiveDate,
                stale_days: i64,
            ) -> app::store::StoreResult<app::domain::organizing::MyList> {
                // Follow-ups and commitments were made under an earlier scope: only those
                // about coworkers in the organizer's scope today are shown.
                let (in_scope, scope_binds) = $crate::store::scope_clause(scope, "c.", 4);
                let follow_ups_sql = format!(
                    "SELECT v.id, v.coworker_id, c.name, v.follow_up_on, v.next_step \
                     FROM conversations v JOIN coworkers c ON c.id = v.coworker_id \
                     WHERE v.campaign_id = $1 AND v.organizer_id = $2 AND v.follow_up_on <= $3 \
                     AND v.follow_up_done_at IS NULL AND c.archived_at IS NULL{in_scope} \
                     ORDER BY v.follow_up_on, v.id"
                );
                let mut follow_ups = sqlx::query_as::<_, (i64, i64, String, chrono::NaiveDate, String)>(&follow_ups_sql)
                    .bind(campaign_id)
                    .bind(user_id)
                    .bind(today);
                for value in &scope_binds {
                    follow_ups = follow_ups.bind(*value);
                }
                let follow_ups = follow_ups
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?
                .into_iter()
                .map(|(conversation_id, coworker_id, coworker_name, due, next_step)| {
                    app::domain::organizing::FollowUp { conversation_id, coworker_id, coworker_name, due, next_step }
                })
                .collect();
                let commitments_sql = format!(
                    "SELECT m.id, m.coworker_id, c.name AS coworker_name, m.what, m.due_on, m.status \
                     FROM commitments m JOIN coworkers c ON c.id = m.coworker_id \
                     WHERE m.campaign_id = $1 AND m.organizer_id = $2 AND m.status = 'open' AND m.due_on <= $3 \
                     AND c.archived_at IS NULL{in_scope} ORDER BY m.due_on, m.id"
                );
                let mut commitments = sqlx::query_as::<_, $crate::store::CommitmentRow>(&commitments_sql)
                    .bind(campaign_id)
                    .bind(user_id)
                    .bind(today);
                for value in &scope_binds {
                    commitments = commitments.bind(*value);
                }
                let commitments = commitments
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?
                .into_iter()
                .map(TryInto::try_into)
                .collect::<Result<Vec<_>, _>>()?;
                let people = |sql: &'static str| {
                    let pool = self.pool.clone();
                    async move {
                        sqlx::query_as::<_, (i64, String, Option<i32>, Option<chrono::DateTime<chrono::Utc>>)>(sql)
                            .bind(campaign_id)
                            .bind(user_id)
                            .fetch_all(&pool)
                            .await
                            .map_err($crate::store::map_err)
                            .map(|rows| {
                                rows.into_iter()
                                    .map(|(id, name, rating, since)| app::domain::organizing::Person { id, name, rating, since })
                                    .collect::<Vec<_>>()
                            })
                    }
                };
                let never_talked = people(
                    "SELECT id, name, rating, rated_at FROM coworkers WHERE campaign_id = $1 \
                     AND assigned_organizer = $2 AND archived_at IS NULL AND last_contact_at IS NULL \
                     AND employment_status IN ('active', 'on_leave', 'disciplined') ORDER BY name, id",
                )
                .await?;
                let stale_before = today
                    .and_hms_opt(0, 0, 0)
                    .expect("midnight")
                    .and_utc()
                    - chrono::Duration::days(stale_days);
                let stale = sqlx::query_as::<_, (i64, String, Option<i32>, Option<chrono::DateTime<chrono::Utc>>)>(
                    "SELECT id, name, rating, rated_at FROM coworkers WHERE campaign_id = $1 \
                     AND assigned_organizer = $2 AND archived_at IS NULL AND rated_at < $3 \
                     AND employment_status IN ('active', 'on_leave', 'disciplined') ORDER BY rated_at, id",
                )
                .bind(campaign_id)
                .bind(user_id)
                .bind(stale_before)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?
                .into_iter()
                .map(|(id, name, rating, since)| app::domain::organizing::Person { id, name, rating, since })
                .collect();
                Ok(app::domain::organizing::MyList {
                    today,
                    stale_days,
                    follow_ups,
                    commitments,
                    never_talked,
                    stale,
                })
            }

            async fn coverage(
                &self,
                campaign_id: i64,
                days: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<app::domain::organizing::Coverage> {
                const ACTIVE: &str = "c.archived_at IS NULL AND c.employment_status IN ('active', 'on_leave', 'disciplined')";
                let organizers = sqlx::query_as::<_, (i64, String, i64)>(&format!(
                    "SELECT u.id, u.email, COUNT(c.id) FROM memberships m JOIN users u ON u.id = m.user_id \
                     LEFT JOIN coworkers c ON c.assigned_organizer = u.id AND c.campaign_id = m.campaign_id AND {ACTIVE} \
                     WHERE m.campaign_id = $1 AND m.role IN ('lead', 'organizer') \
                     GROUP BY u.id, u.email ORDER BY COUNT(c.id) DESC, u.email"
                ))
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?
                .into_iter()
                .map(|(user_id, email, assigned)| app::domain::organizing::OrganizerLoad { user_id, email, assigned })
                .collect();
                let unassigned = sqlx::query_scalar::<_, i64>(&format!(
                    "SELECT COUNT(*) FROM coworkers c WHERE c.campaign_id = $1 AND c.assigned_organizer IS NULL AND {ACTIVE}"
                ))
                .bind(campaign_id)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                let cells = sqlx::query_as::<_, (Option<String>, Option<String>, i64, i64)>(&format!(
                    "SELECT a.name, s.name, COUNT(*), SUM(CASE WHEN c.committee_member THEN 1 ELSE 0 END) \
                     FROM coworkers c LEFT JOIN areas a ON a.id = c.area_id LEFT JOIN shifts s ON s.id = c.shift_id \
                     WHERE c.campaign_id = $1 AND {ACTIVE} \
                     GROUP BY a.id, a.name, s.id, s.name ORDER BY a.name, s.name"
                ))
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?
                .into_iter()
                .map(|(area, shift, coworkers, committee)| app::domain::organizing::CommitteeCell {
                    area: area.unwrap_or_else(|| "No area".into()),
                    shift: shift.unwrap_or_else(|| "No shift".into()),
                    coworkers,
                    committee,
                })
                .collect();
                let since = now - chrono::Duration::days(days);
                let not_contacted_count = sqlx::query_scalar::<_, i64>(&format!(
                    "SELECT COUNT(*) FROM coworkers c WHERE c.campaign_id = $1 AND {ACTIVE} \
                     AND (c.last_contact_at IS NULL OR c.last_contact_at < $2)"
                ))
                .bind(campaign_id)
                .bind(since)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                let not_contacted = sqlx::query_as::<_, (i64, String, Option<i32>, Option<chrono::DateTime<chrono::Utc>>)>(&format!(
                    "SELECT c.id, c.name, c.rating, c.last_contact_at FROM coworkers c WHERE c.campaign_id = $1 \
                     AND {ACTIVE} AND (c.last_contact_at IS NULL OR c.last_contact_at < $2) \
                     ORDER BY c.last_contact_at IS NOT NULL, c.last_contact_at, c.name, c.id LIMIT 500"
                ))
                .bind(campaign_id)
                .bind(since)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?
                .into_iter()
                .map(|(id, name, rating, since)| app::domain::organizing::Person { id, name, rating, since })
                .collect();
                Ok(app::domain::organizing::Coverage {
                    organizers,
                    unassigned,
                    cells,
                    days,
                    not_contacted,
                    not_contacted_count,
                })
            }
        }

        #[async_trait::async_trait]
        impl app::store::RosterImports for $store {
            async fn save_roster(
                &self,
                upload: &app::store::NewRoster,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<i64> {
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO roster_imports (campaign_id, created_by, created_at, filename, content, row_count) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(upload.campaign_id)
                .bind(upload.created_by)
                .bind(chrono::Utc::now())
                .bind(&upload.filename)
                .bind(&upload.content)
                .bind(i64::try_from(upload.rows).unwrap_or(i64::MAX))
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                Self::commit_audited(tx, &audit.for_new(id)).await?;
                Ok(id)
            }

            async fn roster(&self, campaign_id: i64, id: i64) -> app::store::StoreResult<Option<app::store::RosterUpload>> {
                let row = sqlx::query_as::<_, (i64, String, Vec<u8>, String, chrono::DateTime<chrono::Utc>)>(
                    "SELECT id, filename, content, status, created_at FROM roster_imports \
                     WHERE campaign_id = $1 AND id = $2",
                )
                .bind(campaign_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(row.map(|(id, filename, content, status, created_at)| app::store::RosterUpload {
                    id,
                    filename,
                    content,
                    status,
                    created_at,
                }))
            }

            async fn roster_existing(&self, campaign_id: i64) -> app::store::StoreResult<Vec<app::domain::roster::Existing>> {
                let rows = sqlx::query_as::<_, (i64, String, String, String, String, String, String)>(
                    "SELECT c.id, c.name, c.employee_ref, COALESCE(a.name, ''), COALESCE(s.name, ''), \
                     c.job_title, c.employment_status FROM coworkers c \
                     LEFT JOIN areas a ON a.id = c.area_id LEFT JOIN shifts s ON s.id = c.shift_id \
                     WHERE c.campaign_id = $1 AND c.archived_at IS NULL ORDER BY c.id",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, name, employee_ref, area, shift, job_title, status)| app::domain::roster::Existing {
                        id,
                        name,
                        employee_ref,
                        area,
                        shift,
                        job_title,
                        on_list: status != "left" && status != "fired",
                    })
                    .collect())
            }

            async fn apply_roster(
                &self,
                campaign_id: i64,
                import_id: i64,
                plan: &app::store::RosterPlan,
                audit: &app::store::AuditEvent,
            ) -> app::store::StoreResult<app::store::RosterOutcome> {
                use app::domain::roster::normalize_area;
                let now = chrono::Utc::now();
                let mut tx = self.begin_write().await.map_err($crate::store::map_err)?;
                let claimed = sqlx::query(
                    "UPDATE roster_imports SET status = 'applied', applied_at = $1 \
                     WHERE campaign_id = $2 AND id = $3 AND status = 'pending'",
                )
                .bind(now)
                .bind(campaign_id)
                .bind(import_id)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?
                .rows_affected();
                if claimed == 0 {
                    return Err(app::store::StoreError::Conflict(
                        "This import has been applied or discarded already.".into(),
                    ));
                }
                let mut outcome = app::store::RosterOutcome::default();
                let mut areas: std::collections::HashMap<String, i64> =
                    sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM areas WHERE campaign_id = $1")
                        .bind(campaign_id)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err($crate::store::map_err)?
                        .into_iter()
                        .map(|(id, name)| (normalize_area(&name), id))
                        .collect();
                let mut shifts: std::collections::HashMap<String, i64> =
                    sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM shifts WHERE campaign_id = $1")
                        .bind(campaign_id)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err($crate::store::map_err)?
                        .into_iter()
                        .map(|(id, name)| (normalize_area(&name), id))
                        .collect();
                for name in &plan.new_areas {
                    if areas.contains_key(&normalize_area(name)) {
                        continue;
                    }
                    let id = sqlx::query_scalar::<_, i64>(
                        "INSERT INTO areas (campaign_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(campaign_id)
                    .bind(name)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?;
                    areas.insert(normalize_area(name), id);
                    outcome.areas_created += 1;
                }
                for name in &plan.new_shifts {
                    if shifts.contains_key(&normalize_area(name)) {
                        continue;
                    }
                    let id = sqlx::query_scalar::<_, i64>(
                        "INSERT INTO shifts (campaign_id, name, position) \
                         VALUES ($1, $2, (SELECT COUNT(*) FROM shifts WHERE campaign_id = $1)) RETURNING id",
                    )
                    .bind(campaign_id)
                    .bind(name)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?;
                    shifts.insert(normalize_area(name), id);
                    outcome.shifts_created += 1;
                }
                let lookup = |map: &std::collections::HashMap<String, i64>, name: &str| {
                    if name.trim().is_empty() { None } else { map.get(&normalize_area(name)).copied() }
                };
                for row in &plan.add {
                    let mut fields = app::domain::CoworkerFields::named(
                        row.name.clone(),
                        lookup(&areas, &row.area),
                        lookup(&shifts, &row.shift),
                    );
                    fields.job_title = row.job_title.clone();
                    fields.employee_ref = row.employee_ref.clone();
                    fields.phone = row.phone.clone();
                    fields.email = row.email.clone();
                    fields.language = row.language.clone();
                    Self::insert_coworker(&mut tx, campaign_id, &fields, None, now).await?;
                    outcome.added += 1;
                }
                for m in &plan.moves {
                    sqlx::query(
                        "UPDATE coworkers SET area_id = COALESCE($1, area_id), shift_id = COALESCE($2, shift_id), \
                         job_title = CASE WHEN $3 = '' THEN job_title ELSE $3 END, updated_at = $4 \
                         WHERE campaign_id = $5 AND id = $6",
                    )
                    .bind(lookup(&areas, &m.to_area))
                    .bind(lookup(&shifts, &m.to_shift))
                    .bind(&m.to_job)
                    .bind(now)
                    .bind(campaign_id)
                    .bind(m.id)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?;
                    outcome.moved += 1;
                }
                for (id, employee_ref) in &plan.link_refs {
                    outcome.refs_linked += sqlx::query(
                        "UPDATE coworkers SET employee_ref = $1, updated_at = $2 \
                         WHERE campaign_id = $3 AND id = $4 AND employee_ref = ''",
                    )
                    .bind(employee_ref)
                    .bind(now)
                    .bind(campaign_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?
                    .rows_affected();
                }
                for id in &plan.gone {
                    outcome.marked_left += sqlx::query(
                        "UPDATE coworkers SET employment_status = 'left', updated_at = $1 \
                         WHERE campaign_id = $2 AND id = $3 AND employment_status NOT IN ('left', 'fired')",
                    )
                    .bind(now)
                    .bind(campaign_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::map_err)?
                    .rows_affected();
                }
                // The employer's list is personal data: once applied, only its summary stays.
                sqlx::query(
                    "UPDATE roster_imports SET content = $1, new_count = $2, moved_count = $3, \
                     gone_count = $4, purged_at = $5 WHERE campaign_id = $6 AND id = $7",
                )
                .bind(Vec::<u8>::new())
                .bind(i64::try_from(outcome.added).unwrap_or(i64::MAX))
                .bind(i64::try_from(outcome.moved).unwrap_or(i64::MAX))
                .bind(i64::try_from(outcome.marked_left).unwrap_or(i64::MAX))
                .bind(now)
                .bind(campaign_id)
                .bind(import_id)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::map_err)?;
                let audit = app::store::AuditEvent { detail: outcome.summary(), ..audit.clone() };
                Self::commit_audited(tx, &audit).await?;
                Ok(outcome)
            }

            async fn roster_summary(
                &self,
                campaign_id: i64,
                id: i64,
            ) -> app::store::StoreResult<Option<app::domain::roster::ImportSummary>> {
                type Row = (
                    String,
                    String,
                    Option<i64>,
                    Option<i64>,
                    Option<i64>,
                    Option<i64>,
                    Option<String>,
                    chrono::DateTime<chrono::Utc>,
                    Option<chrono::DateTime<chrono::Utc>>,
                    bool,
                );
                let row = sqlx::query_as::<_, Row>(
                    "SELECT r.filename, r.status, r.row_count, r.new_count, r.moved_count, r.gone_count, \
                     u.email, r.created_at, r.applied_at, r.purged_at IS NOT NULL \
                     FROM roster_imports r LEFT JOIN users u ON u.id = r.created_by \
                     WHERE r.campaign_id = $1 AND r.id = $2",
                )
                .bind(campaign_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::store::map_err)?;
                Ok(row.map(
                    |(filename, status, rows, new, moved, gone, email, uploaded_at, applied_at, file_deleted)| {
                        app::domain::roster::ImportSummary {
                            filename,
                            status,
                            rows,
                            new,
                            moved,
                            gone,
                            uploaded_by: email.unwrap_or_default(),
                            uploaded_at,
                            applied_at,
                            file_deleted,
                        }
                    },
                ))
            }

            async fn purge_abandoned_rosters(
                &self,
                uploaded_before: chrono::DateTime<chrono::Utc>,
            ) -> app::store::StoreResult<u64> {
                sqlx::query(
                    "UPDATE roster_imports SET content = $1, purged_at = $2, \
                     status = CASE WHEN status = 'pending' THEN 'discarded' ELSE status END \
                     WHERE purged_at IS NULL AND (status <> 'pending' OR created_at < $3)",
                )
                .bind(Vec::<u8>::new())
                .bind(chrono::Utc::now())
                .bind(uploaded_before)
                .execute(&self.pool)
                .await
                .map(|done| done.rows_affected())
                .map_err($crate::store::map_err)
            }
        }
    };
}

//! Roster import: upload the employer's CSV, preview it with a column mapping and
//! per-row errors, then apply what the lead confirms, all or nothing. Leads only.
//!
//! The file is kept in the database between the steps, so the preview and the apply
//! can land on any server instance. Each step parses it again from those bytes: the
//! preview and the apply cannot disagree about what the file says (the apply is given
//! the encoding the preview read it as).

// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use self::ssr::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::{MultipartData, MultipartFormData};

use crate::domain::roster::{ImportSummary, Mapping, MatchBy, Moved, RosterRow, RowError};
use crate::domain::workplace::RosterOutcome;
use crate::domain::Choice;
use crate::error::AppError;

/// How many of each list the preview sends (the counts are always complete).
pub const PREVIEW_LIMIT: usize = 200;

/// Everything the preview page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterPreview {
    pub import_id: i64,
    pub filename: String,
    /// "pending", "applied" or "discarded".
    pub status: String,
    pub headers: Vec<String>,
    pub sample: Vec<Vec<String>>,
    pub mapping: Mapping,
    pub match_by: MatchBy,
    pub rows: usize,
    /// The text encoding the file was read as (a label of `domain::roster::ENCODINGS`).
    pub encoding: String,
    /// Why the encoding the lead chose cannot read the file (it is then read as guessed).
    pub encoding_error: Option<String>,
    /// For a guessed mapping, how sure each column's guess is, in percent (100: the
    /// header is one of the field's names; less: a near miss, such as a typo).
    pub sureness: Vec<Option<u8>>,
    /// Why the mapping cannot be used, if it cannot.
    pub mapping_error: Option<String>,
    pub errors: Vec<RowError>,
    pub error_count: usize,
    /// Present when every row is good.
    pub changes: Option<Changes>,
    /// Present when the file has been deleted (applied, or abandoned for a day): all
    /// that is left of the import.
    pub summary: Option<ImportSummary>,
}

/// The reconciliation, trimmed to [`PREVIEW_LIMIT`] per list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub new_count: usize,
    pub new: Vec<RosterRow>,
    pub moved_count: usize,
    pub moved: Vec<Moved>,
    pub gone_count: usize,
    pub gone: Vec<(i64, String, String)>,
    pub unchanged: usize,
    pub new_areas: Vec<String>,
    pub new_shifts: Vec<String>,
    /// Matched coworkers whose employee ID the file supplies (recorded on apply).
    pub link_count: usize,
}

/// A mapping as the forms carry it: field keys by column, comma-separated ("name,,area").
pub fn encode_mapping(mapping: &Mapping) -> String {
    mapping
        .columns
        .iter()
        .map(|c| c.map(|f| f.key()).unwrap_or(""))
        .collect::<Vec<_>>()
        .join(",")
}

/// Receives the file (multipart: `campaign_id`, then `file`) and stores it for preview.
/// A browser without JavaScript is sent on to the preview page, or back to the upload
/// form with the reason the file was refused.
#[server(prefix = "/api", endpoint = "roster/upload", input = MultipartFormData)]
pub async fn upload_roster(data: MultipartData) -> Result<i64, AppError> {
    use crate::auth::is_plain_form_post;
    let mut campaign_id: Option<i64> = None;
    let result = receive(data, &mut campaign_id).await;
    if result.is_err() {
        // Refused mid-upload, the rest of the body is left unread and the server closes
        // the connection after answering: say so, so a client does not send its next
        // request down a connection that is closing (it would get no answer).
        if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
            options.insert_header(
                http::header::CONNECTION,
                http::HeaderValue::from_static("close"),
            );
        }
    }
    if is_plain_form_post() {
        if let Some(campaign) = campaign_id {
            match &result {
                Ok(id) => leptos_axum::redirect(&format!("/campaigns/{campaign}/import/{id}")),
                Err(e @ AppError::Validation { .. }) => leptos_axum::redirect(&format!(
                    "/campaigns/{campaign}/import?error={}",
                    urlencode(&e.to_string())
                )),
                Err(_) => {}
            }
        }
    }
    result
}

/// The preview: the mapping (the lead's, or rankfile's guess when `mapping` is empty),
/// every row error, and — when the file is clean — what applying it would change.
#[server(prefix = "/api", endpoint = "roster/preview")]
pub async fn preview_roster(
    campaign_id: i64,
    import_id: i64,
    #[server(default)] mapping: String,
    #[server(default)] match_by: String,
    #[server(default)] encoding: String,
) -> Result<RosterPreview, AppError> {
    use crate::domain::roster::{suggest, suggest_mapping};
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    // An encoding that cannot read the file: said beside its choice, and the file shown
    // as guessed, so the lead can choose again.
    let (upload, file, encoding_error) = load(&member, import_id, &encoding, true).await?;
    let Some(file) = file else {
        return deleted_file_preview(&member, import_id).await;
    };
    let (mapping, sureness) = if mapping.trim().is_empty() {
        let guessed = suggest(&file.headers);
        let sureness = guessed
            .iter()
            .map(|s| s.map(|s| (s.confidence * 100.0).floor() as u8))
            .collect();
        (suggest_mapping(&file.headers), sureness)
    } else {
        (decode_mapping(&mapping)?, Vec::new())
    };
    let by = MatchBy::parse(&match_by).unwrap_or(MatchBy::EmployeeRef);
    let mut preview = RosterPreview {
        import_id,
        filename: upload.filename,
        status: upload.status,
        headers: file.headers.clone(),
        sample: file
            .rows
            .iter()
            .take(SAMPLE_ROWS)
            .map(|r| r.cells.clone())
            .collect(),
        mapping: mapping.clone(),
        match_by: by,
        rows: file.rows.len(),
        encoding: file.encoding.clone(),
        encoding_error,
        sureness,
        mapping_error: None,
        errors: Vec::new(),
        error_count: 0,
        changes: None,
        summary: None,
    };
    match plan(&member, &file, &mapping, by).await {
        Err(AppError::Validation { message, .. }) => preview.mapping_error = Some(message),
        Err(e) => return Err(e),
        Ok((errors, changes)) => {
            preview.error_count = errors.len();
            preview.errors = errors.into_iter().take(PREVIEW_LIMIT).collect();
            if preview.error_count == 0 {
                preview.changes = Some(Changes {
                    new_count: changes.new.len(),
                    new: changes.new.into_iter().take(PREVIEW_LIMIT).collect(),
                    moved_count: changes.moved.len(),
                    moved: changes.moved.into_iter().take(PREVIEW_LIMIT).collect(),
                    gone_count: changes.gone.len(),
                    gone: changes
                        .gone
                        .into_iter()
                        .take(PREVIEW_LIMIT)
                        .map(|g| (g.id, g.name, g.area))
                        .collect(),
                    unchanged: changes.unchanged,
                    new_areas: changes.new_areas,
                    new_shifts: changes.new_shifts,
                    link_count: changes.link_refs.len(),
                });
            }
        }
    }
    member
        .audit(
            "roster.previewed",
            format!("roster_import:{import_id}"),
            format!("rows={} errors={}", preview.rows, preview.error_count),
        )
        .await?;
    Ok(preview)
}

/// Applies the import as the lead confirmed it: the new coworkers (if `add_new`), the
/// moves whose ids are in `moves`, and "left" for the ids in `gone`. Every row must be
/// good; anything else changes nothing.
#[server(prefix = "/api", endpoint = "roster/apply")]
pub async fn apply_roster(
    campaign_id: i64,
    import_id: i64,
    mapping: String,
    #[server(default)] match_by: String,
    #[server(default)] add_new: String,
    #[server(default)] moves: Vec<i64>,
    #[server(default)] gone: Vec<i64>,
    #[server(default)] encoding: String,
) -> Result<RosterOutcome, AppError> {
    use crate::domain::fields::checked;
    use crate::domain::roster::normalize_area;
    use crate::domain::Role;
    use crate::store::RosterPlan;
    use std::collections::HashSet;
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let (upload, file, _) = load(&member, import_id, &encoding, false).await?;
    let (true, Some(file)) = (upload.status == "pending", file) else {
        return Err(AppError::Conflict(
            "This import has been applied or discarded already.".into(),
        ));
    };
    let by = MatchBy::parse(&match_by).unwrap_or(MatchBy::EmployeeRef);
    let (errors, changes) = plan(&member, &file, &decode_mapping(&mapping)?, by).await?;
    if let Some(first) = errors.first() {
        return Err(AppError::validation(
            "file",
            format!(
                "{} rows have problems (the first: line {}, {}). Fix the file and upload it again; nothing was imported.",
                errors.len(),
                first.line,
                first.message
            ),
        ));
    }
    let add = if checked(&add_new) {
        changes.new
    } else {
        Vec::new()
    };
    // Set lookups: a 100,000-row file with every box ticked must not be 10^10 steps.
    let ticked_moves: HashSet<i64> = moves.into_iter().collect();
    let ticked_gone: HashSet<i64> = gone.into_iter().collect();
    let moves: Vec<Moved> = changes
        .moved
        .into_iter()
        .filter(|m| ticked_moves.contains(&m.id))
        .collect();
    let gone: Vec<i64> = changes
        .gone
        .iter()
        .map(|g| g.id)
        .filter(|id| ticked_gone.contains(id))
        .collect();
    // Create only the areas and shifts the confirmed rows use.
    let used =
        |names: &[String], pick: &dyn Fn(&RosterRow) -> String, to: &dyn Fn(&Moved) -> String| {
            let wanted: HashSet<String> = add
                .iter()
                .map(|r| normalize_area(&pick(r)))
                .chain(moves.iter().map(|m| normalize_area(&to(m))))
                .collect();
            names
                .iter()
                .filter(|n| wanted.contains(&normalize_area(n)))
                .cloned()
                .collect::<Vec<_>>()
        };
    let plan = RosterPlan {
        new_areas: used(&changes.new_areas, &|r| r.area.clone(), &|m| {
            m.to_area.clone()
        }),
        new_shifts: used(&changes.new_shifts, &|r| r.shift.clone(), &|m| {
            m.to_shift.clone()
        }),
        add,
        moves,
        gone,
        link_refs: changes.link_refs,
    };
    let outcome = member
        .store()
        .apply_roster(
            member.campaign(),
            import_id,
            &plan,
            // The store writes the outcome's counts as the detail.
            &member.event("roster.applied", format!("roster_import:{import_id}"), ""),
        )
        .await?;
    Ok(outcome)
}

/// Server-only helpers of this file.
#[cfg(feature = "ssr")]
mod ssr {
    use super::*;

    /// The first rows of the file, as they are, so the lead can check the mapping.
    pub(super) const SAMPLE_ROWS: usize = 5;

    pub(super) fn decode_mapping(raw: &str) -> Result<Mapping, AppError> {
        use crate::domain::roster::Field;
        let columns = raw
            .split(',')
            .map(|key| match key.trim() {
                "" => Ok(None),
                key => Field::parse(key).map(Some).ok_or_else(|| {
                    AppError::validation(
                        "mapping",
                        format!("'{key}' is not a column rankfile knows."),
                    )
                }),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Mapping { columns })
    }

    /// The stored import (its bytes taken out), parsed as `encoding` (empty: as it seems
    /// to be; `None` once its file has been deleted); NotFound if it is not this
    /// campaign's. With `or_guess`, an encoding that cannot read the file gives way to
    /// the guess, and why comes back beside the file. The parse (up to 20 MB, the guess
    /// reading all of it) runs off the request threads.
    pub(super) async fn load(
        member: &crate::auth::InCampaign,
        import_id: i64,
        encoding: &str,
        or_guess: bool,
    ) -> Result<
        (
            crate::store::RosterUpload,
            Option<crate::domain::roster::RosterFile>,
            Option<String>,
        ),
        AppError,
    > {
        use crate::domain::roster::{parse_file, parse_file_as};
        let mut upload = member
            .store()
            .roster(member.campaign(), import_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if upload.content.is_empty() {
            return Ok((upload, None, None));
        }
        let content = std::mem::take(&mut upload.content);
        let encoding = encoding.to_owned();
        let (file, unreadable) =
            crate::api::heavy::cpu(move || match parse_file_as(&content, &encoding) {
                Err(invalid) if or_guess && invalid.field == "encoding" => {
                    parse_file(&content).map(|file| (file, Some(invalid.message)))
                }
                parsed => parsed.map(|file| (file, None)),
            })
            .await??;
        Ok((upload, Some(file), unreadable))
    }

    /// Mapping, row checks and reconciliation against the chart as it is now.
    pub(super) async fn plan(
        member: &crate::auth::InCampaign,
        file: &crate::domain::roster::RosterFile,
        mapping: &Mapping,
        by: MatchBy,
    ) -> Result<(Vec<RowError>, crate::domain::roster::Reconciliation), AppError> {
        use crate::domain::roster::{map_rows, reconcile};
        let (rows, errors) = map_rows(file, mapping)?;
        let store = member.store();
        let existing = store.roster_existing(member.campaign()).await?;
        let areas: Vec<String> = store
            .list_areas(member.campaign())
            .await?
            .into_iter()
            .map(|a| a.name)
            .collect();
        let shifts: Vec<String> = store
            .list_shifts(member.campaign())
            .await?
            .into_iter()
            .map(|s| s.name)
            .collect();
        let changes = reconcile(&rows, &existing, &areas, &shifts, by);
        Ok((errors, changes))
    }

    pub(super) use crate::domain::text::url_encode as urlencode;

    /// Longest `campaign_id` field read from the upload form (a number needs at most 20).
    pub(super) const MAX_CAMPAIGN_FIELD: usize = 32;

    /// How much of an oversized upload is read (and dropped) before the answer is sent.
    pub(super) const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

    pub(super) fn too_large() -> AppError {
        AppError::validation(
            "file",
            format!(
                "The file is larger than {} MB, the largest roster rankfile takes. \
                 Remove columns you do not need (hire dates, wages) and upload again.",
                crate::domain::roster::MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
    }

    pub(super) async fn receive(
        data: MultipartData,
        campaign_out: &mut Option<i64>,
    ) -> Result<i64, AppError> {
        use crate::domain::roster::{parse_file, MAX_FILE_BYTES};
        use crate::domain::Role;
        use crate::store::NewRoster;
        // Signed in before anything of the upload is read.
        crate::auth::require_user().await?;
        let mut form = data.into_inner().ok_or(AppError::Internal)?;
        let bad_form = |_| AppError::validation("file", "The upload was cut off. Try again.");
        let mut member = None;
        let mut upload: Option<(String, Vec<u8>)> = None;
        while let Some(mut field) = form.next_field().await.map_err(bad_form)? {
            match field.name().unwrap_or_default() {
                "campaign_id" => {
                    let mut text = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
                        if text.len() + chunk.len() > MAX_CAMPAIGN_FIELD {
                            return Err(AppError::validation(
                                "campaign_id",
                                format!(
                                    "The campaign field is longer than {MAX_CAMPAIGN_FIELD} bytes; \
                                     reload the import page and upload again."
                                ),
                            ));
                        }
                        text.extend_from_slice(&chunk);
                    }
                    let id = std::str::from_utf8(&text)
                        .ok()
                        .and_then(|t| t.trim().parse::<i64>().ok())
                        .ok_or(AppError::NotFound)?;
                    *campaign_out = Some(id);
                    // Authorize before reading the file.
                    member = Some(crate::auth::require_member(id, Role::Lead).await?);
                }
                "file" => {
                    if member.is_none() {
                        return Err(AppError::validation(
                            "file",
                            "The form is out of order; reload the page and try again.",
                        ));
                    }
                    let filename = field.file_name().unwrap_or_default().to_owned();
                    let mut bytes = Vec::new();
                    let mut received = 0usize;
                    while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
                        received += chunk.len();
                        // Past the limit, keep reading (and dropping) up to a hard cap, so the
                        // browser gets the answer below instead of a reset connection.
                        if received > DRAIN_LIMIT {
                            return Err(too_large());
                        }
                        if received <= MAX_FILE_BYTES {
                            bytes.extend_from_slice(&chunk);
                        }
                    }
                    if received > MAX_FILE_BYTES {
                        return Err(too_large());
                    }
                    upload = Some((filename, bytes));
                }
                _ => {}
            }
        }
        let member = member.ok_or(AppError::NotFound)?;
        let (filename, content) = upload
            .filter(|(_, b)| !b.is_empty())
            .ok_or_else(|| AppError::validation("file", "Choose a CSV file to upload."))?;
        // Refuse unreadable files now, before anything is stored (off the request
        // threads: up to 20 MB).
        let (content, rows) = crate::api::heavy::cpu(move || {
            let rows = parse_file(&content).map(|f| f.rows.len());
            (content, rows)
        })
        .await?;
        let rows = rows?;
        let filename: String = filename
            .chars()
            .filter(|&c| !crate::domain::text::is_forbidden_in_name(c))
            .take(200)
            .collect();
        let id = member
            .store()
            .save_roster(
                &NewRoster {
                    campaign: member.campaign(),
                    created_by: member.user_id(),
                    filename,
                    content,
                    rows,
                },
                &member.event("roster.uploaded", "roster_import:{id}", ""),
            )
            .await?;
        Ok(id)
    }

    /// The preview of an import whose file is gone: its summary, and nothing to map.
    pub(super) async fn deleted_file_preview(
        member: &crate::auth::InCampaign,
        import_id: i64,
    ) -> Result<RosterPreview, AppError> {
        let summary = member
            .store()
            .roster_summary(member.campaign(), import_id)
            .await?
            .ok_or(AppError::NotFound)?;
        member
            .audit(
                "roster.previewed",
                format!("roster_import:{import_id}"),
                "file deleted",
            )
            .await?;
        Ok(RosterPreview {
            import_id,
            filename: summary.filename.clone(),
            status: summary.status.clone(),
            headers: Vec::new(),
            sample: Vec::new(),
            mapping: Mapping {
                columns: Vec::new(),
            },
            match_by: MatchBy::EmployeeRef,
            rows: summary
                .rows
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(0),
            encoding: String::new(),
            encoding_error: None,
            sureness: Vec::new(),
            mapping_error: None,
            errors: Vec::new(),
            error_count: 0,
            changes: None,
            summary: Some(summary),
        })
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::domain::roster::Field;

    #[test]
    fn mappings_survive_the_form() {
        let mapping = Mapping {
            columns: vec![Some(Field::Name), None, Some(Field::Area)],
        };
        assert_eq!(encode_mapping(&mapping), "name,,area");
        assert_eq!(decode_mapping("name,,area").unwrap(), mapping);
        assert!(decode_mapping("name,salary").is_err());
    }

    #[test]
    fn refusals_are_carried_in_the_address_safely() {
        assert_eq!(urlencode("a b/é"), "a%20b%2F%C3%A9");
    }
}

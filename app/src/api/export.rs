//! The chart as CSV, for leads: every unarchived coworker's record, audited.
//!
//! Served as a plain `GET /campaigns/:id/export.csv` (a download link works without
//! JavaScript); the server crate wraps [`chart_csv`] in the request's context.
//! Cells that a spreadsheet would run as a formula are neutralized.

use crate::domain::{Area, Choice, Coworker, Shift};
use crate::error::AppError;

/// Prefixes a cell a spreadsheet would treat as a formula (`=`, `+`, `-`, `@`, tab, CR)
/// with an apostrophe, so it is shown as text and never run (OWASP "CSV injection").
pub fn neutralize(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

pub const HEADERS: [&str; 16] = [
    "id",
    "name",
    "area",
    "shift",
    "job_title",
    "employee_id",
    "rating",
    "organic_leader",
    "committee_member",
    "tags",
    "employment_status",
    "assigned_organizer",
    "phone",
    "email",
    "language",
    "notes",
];

/// Writes the CSV (RFC 4180 quoting by the csv crate, every cell neutralized).
pub fn write_csv(
    coworkers: &[Coworker],
    areas: &[Area],
    shifts: &[Shift],
    organizers: &[(i64, String)],
) -> Result<String, AppError> {
    let name_of = |id: Option<i64>, list: &[(i64, String)]| {
        id.and_then(|id| list.iter().find(|(i, _)| *i == id))
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let areas: Vec<(i64, String)> = areas.iter().map(|a| (a.id, a.name.clone())).collect();
    let shifts: Vec<(i64, String)> = shifts.iter().map(|s| (s.id, s.name.clone())).collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::internal(&e);
    out.write_record(HEADERS).map_err(fail)?;
    for c in coworkers {
        let f = &c.fields;
        let record = [
            c.id.to_string(),
            f.name.clone(),
            name_of(f.area_id, &areas),
            name_of(f.shift_id, &shifts),
            f.job_title.clone(),
            f.employee_ref.clone(),
            c.rating
                .map(|r| r.to_string())
                .unwrap_or_else(|| "unknown".into()),
            f.organic_leader.to_string(),
            f.committee_member.to_string(),
            f.tags.join(", "),
            f.employment_status.key().to_owned(),
            name_of(f.assigned_organizer, organizers),
            f.phone.clone(),
            f.email.clone(),
            f.language.clone(),
            f.notes.clone(),
        ];
        out.write_record(record.iter().map(|cell| neutralize(cell)))
            .map_err(fail)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::internal(e.error()))?;
    String::from_utf8(bytes).map_err(|e| AppError::internal(&e))
}

/// The campaign's chart as CSV, if the caller is its lead. Audited with the row count.
pub async fn chart_csv(campaign_id: i64) -> Result<String, AppError> {
    use crate::domain::Role;
    let member = crate::auth::require_member(campaign_id, Role::Lead).await?;
    let store = &member.store();
    let coworkers = store.export_coworkers(member.campaign()).await?;
    let organizers: Vec<(i64, String)> = store
        .list_members(member.campaign())
        .await?
        .into_iter()
        .map(|m| (m.user_id, m.email))
        .collect();
    let csv = write_csv(
        &coworkers,
        &store.list_areas(member.campaign()).await?,
        &store.list_shifts(member.campaign()).await?,
        &organizers,
    )?;
    member
        .audit("chart.exported", "", format!("rows={}", coworkers.len()))
        .await?;
    Ok(csv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralized() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("+1 555 0100"), "'+1 555 0100");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("-2+3"), "'-2+3");
        assert_eq!(neutralize("Ana"), "Ana");
    }
}

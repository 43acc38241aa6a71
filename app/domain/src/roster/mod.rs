//! Roster import: bringing an employer's roster (a CSV file) onto the chart.
//!
//! This module is the pure core of the import; it does no I/O. The flow:
//!
//! 1. **Upload.** A lead uploads the employer's file; the server keeps the bytes.
//! 2. **[`parse_file`]** (server only) checks that the bytes are a CSV UTF-8 text
//!    (not a workbook, not UTF-16, not too big) and splits it into a header row and
//!    [`RawRow`]s, each with the physical line it starts on, so every later message can
//!    say "line 7".
//! 3. **[`suggest_mapping`]** guesses which file column fills which of our [`Field`]s
//!    from the header names read as words ([`header_words`]: camelCase split,
//!    abbreviations such as "Dept", "Descr", "Cd", "Dt", "Empl" spelled out), near
//!    misses by Jaro-Winkler ([`suggest`] says how sure), each field to one column only,
//!    so the preview is usually right the first time.
//! 4. **The lead confirms the [`Mapping`]** (or corrects it).
//! 5. **[`map_rows`]** applies the mapping and checks every row, returning every
//!    problem with its line, not just the first. The import is all-or-nothing: if any
//!    row has an error, the lead fixes the file and uploads it again.
//! 6. **[`reconcile`]** compares the rows with the coworkers already on the chart: who
//!    is new, who is gone, who moved, and which areas and shifts would be created.
//! 7. **The lead confirms the preview** and the server applies it.
//!
//! Everything except [`parse_file`] also compiles for the browser.
//!
//! The submodules follow that flow: `mapping` (our fields, the mapping and its guess),
//! `rows` (mapping and checking the rows), `normalize` (how names and areas are
//! compared), `reconcile` (the rows against the chart) and `file` (reading the bytes).
//! Everything is re-exported from here: callers write `domain::roster::map_rows`.

mod mapping;
mod normalize;
mod reconcile;
mod rows;

#[cfg(feature = "files")]
pub mod encoding;
#[cfg(feature = "files")]
mod file;

use serde::{Deserialize, Serialize};

#[cfg(feature = "files")]
pub use file::{parse_file, parse_file_as};
pub use mapping::{header_words, suggest, suggest_mapping, Field, Mapping, Suggestion, NEAR_MISS};
pub use normalize::{normalize_area, normalize_name};
pub use reconcile::{reconcile, Existing, MatchBy, Moved, Reconciliation};
pub use rows::{map_rows, RosterRow, RowError};

/// Largest roster file accepted (bytes).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Most data rows (coworkers) one file may hold.
pub const MAX_ROWS: usize = 100_000;
/// Most columns a row may have: a header of a million commas would otherwise make
/// every row a million cells.
pub const MAX_COLUMNS: usize = 200;
/// Longest cell, in characters (the longest field rankfile keeps is far shorter).
pub const MAX_CELL_CHARS: usize = 1_000;
/// Most cells (rows × columns) one file may hold. Each parsed cell costs a `String`
/// (24 bytes, more with text) on top of the file's 20 MB, so this, with the limits
/// above, bounds what parsing one upload can take to roughly 100 MB.
pub const MAX_CELLS: usize = 2_000_000;
/// An upload whose import is neither applied nor discarded within this many hours is
/// abandoned: its file is deleted and only its summary kept.
pub const ABANDONED_AFTER_HOURS: i64 = 24;

/// The text encodings a lead can choose for an uploaded file: (label, what the choice
/// shows). Labels are the Encoding Standard's names, as `encoding_rs` spells them; the
/// server guesses one (`encoding::detect`) and the preview offers the others.
pub const ENCODINGS: [(&str, &str); 10] = [
    ("UTF-8", "UTF-8 (Unicode)"),
    ("UTF-16LE", "UTF-16 little-endian (Excel's “Unicode text”)"),
    ("UTF-16BE", "UTF-16 big-endian"),
    (
        "windows-1252",
        "Windows-1252 (Western European, Excel “CSV” on Windows)",
    ),
    ("ISO-8859-15", "ISO-8859-15 (Latin-9)"),
    ("windows-1250", "Windows-1250 (Central European)"),
    ("windows-1251", "Windows-1251 (Cyrillic)"),
    ("windows-1254", "Windows-1254 (Turkish)"),
    ("macintosh", "Mac OS Roman"),
    ("IBM866", "DOS Cyrillic (IBM866)"),
];

/// A parsed file: the header row and the non-blank rows below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterFile {
    pub headers: Vec<String>,
    pub rows: Vec<RawRow>,
    /// The text encoding it was read as (a label of `encoding::CHOICES`; empty for a
    /// file not read from bytes).
    #[serde(default)]
    pub encoding: String,
}

/// What is kept of an import once its file is deleted (applied, or abandoned for a
/// day): the file's name, its size, what applying it changed, and who and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub filename: String,
    /// "pending", "applied" or "discarded".
    pub status: String,
    /// Rows in the file (unknown for imports made before the summary was kept).
    pub rows: Option<i64>,
    /// Coworkers added, moved and marked as left by applying it.
    pub new: Option<i64>,
    pub moved: Option<i64>,
    pub gone: Option<i64>,
    pub uploaded_by: String,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
    pub applied_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The file itself has been deleted.
    pub file_deleted: bool,
}

/// One row as it is in the file. From [`parse_file`], cells are trimmed and there are
/// exactly as many as headers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawRow {
    /// 1-based physical line the row starts on (the header is usually line 1).
    pub line: usize,
    pub cells: Vec<String>,
}

/// Builders the submodules' tests share.
#[cfg(test)]
mod fixtures {
    use super::*;
    use crate::Invalid;

    pub(super) fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// A file with these headers and rows (lines numbered 2, 3, … as if parsed).
    pub(super) fn file(headers: &[&str], rows: &[&[&str]]) -> RosterFile {
        RosterFile {
            headers: strings(headers),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| RawRow {
                    line: i + 2,
                    cells: strings(cells),
                })
                .collect(),
            encoding: String::new(),
        }
    }

    pub(super) fn mapping(fields: &[Option<Field>]) -> Mapping {
        Mapping {
            columns: fields.to_vec(),
        }
    }

    pub(super) fn validation_message(err: Invalid, field: &str) -> String {
        err.field_message(field)
            .unwrap_or_else(|| panic!("expected a validation error on {field}, got {err:?}"))
    }

    /// Maps a one-column-per-field file and returns its errors.
    pub(super) fn errors_for(
        headers: &[&str],
        fields: &[Option<Field>],
        rows: &[&[&str]],
    ) -> Vec<RowError> {
        map_rows(&file(headers, rows), &mapping(fields)).unwrap().1
    }

    pub(super) fn row(line: usize, name: &str, employee_ref: &str, area: &str) -> RosterRow {
        RosterRow {
            line,
            name: name.to_owned(),
            employee_ref: employee_ref.to_owned(),
            area: area.to_owned(),
            shift: String::new(),
            job_title: String::new(),
            phone: String::new(),
            email: String::new(),
            language: String::new(),
        }
    }

    pub(super) fn existing(id: i64, name: &str, employee_ref: &str, area: &str) -> Existing {
        Existing {
            id,
            name: name.to_owned(),
            employee_ref: employee_ref.to_owned(),
            area: area.to_owned(),
            shift: String::new(),
            job_title: String::new(),
            on_list: true,
        }
    }
}

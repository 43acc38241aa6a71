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
//!    from the header names, so the preview is usually right the first time.
//! 4. **The lead confirms the [`Mapping`]** (or corrects it).
//! 5. **[`map_rows`]** applies the mapping and checks every row, returning every
//!    problem with its line, not just the first. The import is all-or-nothing: if any
//!    row has an error, the lead fixes the file and uploads it again.
//! 6. **[`reconcile`]** compares the rows with the coworkers already on the chart: who
//!    is new, who is gone, who moved, and which areas and shifts would be created.
//! 7. **The lead confirms the preview** and the server applies it.
//!
//! Everything except [`parse_file`] also compiles for the browser.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::domain::workplace::parse_name;
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub use file::parse_file;

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

/// Cells longer than this are quoted in messages only up to here.
const SNIPPET_CHARS: usize = 30;

/// A column of ours a file column can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    Name,
    FirstName,
    LastName,
    EmployeeRef,
    Area,
    Shift,
    JobTitle,
    Phone,
    Email,
    Language,
}

impl Field {
    /// Every field, in declaration order (so `field as usize` indexes this array).
    pub const ALL: [Field; 10] = [
        Field::Name,
        Field::FirstName,
        Field::LastName,
        Field::EmployeeRef,
        Field::Area,
        Field::Shift,
        Field::JobTitle,
        Field::Phone,
        Field::Email,
        Field::Language,
    ];

    /// A stable key, used in forms and in [`RowError::field`].
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::EmployeeRef => "employee_ref",
            Field::Area => "area",
            Field::Shift => "shift",
            Field::JobTitle => "job_title",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::Language => "language",
        }
    }

    pub fn parse(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    /// What the lead sees in the mapping form.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Full name",
            Field::FirstName => "First name",
            Field::LastName => "Last name",
            Field::EmployeeRef => "Employee ID",
            Field::Area => "Area / department",
            Field::Shift => "Shift",
            Field::JobTitle => "Job title",
            Field::Phone => "Personal phone",
            Field::Email => "Personal email",
            Field::Language => "Preferred language",
        }
    }

    /// Header names (compared after [`normalize_header`]) that suggest this field.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Name => &[
                "name",
                "employee name",
                "full name",
                "employee",
                "worker",
                "staff name",
                "name (last, first)",
                "worker name",
            ],
            Field::FirstName => &[
                "first name",
                "first",
                "given name",
                "fname",
                "employee first name",
                "legal first name",
            ],
            Field::LastName => &[
                "last name",
                "last",
                "surname",
                "family name",
                "lname",
                "employee last name",
                "legal last name",
            ],
            Field::EmployeeRef => &[
                "employee id",
                "emp id",
                "emplid",
                "employee number",
                "employee no",
                "emp no",
                "emp number",
                "id",
                "badge",
                "badge number",
                "badge no",
                "staff id",
                "payroll number",
                "personnel number",
                "clock no",
                "clock number",
            ],
            Field::Area => &[
                "dept",
                "department",
                "area",
                "unit",
                "location",
                "worksite",
                "cost center",
                "cost centre",
                "division",
                "section",
                "line",
                "floor",
            ],
            Field::Shift => &["shift", "schedule", "shift name", "hours"],
            Field::JobTitle => &[
                "job classification",
                "classification",
                "job title",
                "title",
                "position",
                "job",
                "role",
                "job class",
                "occupation",
            ],
            Field::Phone => &[
                "phone",
                "phone number",
                "mobile",
                "mobile phone",
                "mobile number",
                "cell",
                "cell phone",
                "cell number",
                "personal phone",
                "home phone",
                "tel",
                "telephone",
            ],
            Field::Email => &["email", "email address", "personal email", "mail"],
            Field::Language => &["language", "preferred language", "lang"],
        }
    }

    /// The longest cell accepted for this field, in characters.
    fn max_chars(self) -> usize {
        match self {
            // Same bounds as adding a coworker, area or shift by hand (api/map.rs).
            Field::Name | Field::FirstName | Field::LastName => 200,
            Field::Area | Field::JobTitle => 120,
            Field::Shift => 60,
            Field::EmployeeRef | Field::Language => 60,
            Field::Phone => 40,
            Field::Email => 254,
        }
    }
}

/// The mapping the lead confirms: for each file column (by index), which field it
/// fills, or `None` (ignored). It may be shorter than the file is wide; the remaining
/// columns are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: Vec<Option<Field>>,
}

impl Mapping {
    /// The first column mapped to `field`.
    pub fn column_of(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(field))
    }

    /// For each field (indexed by `field as usize`), its column; refuses a mapping that
    /// cannot produce rows from a file `width` columns wide.
    fn resolve(&self, width: usize) -> Result<[Option<usize>; 10], AppError> {
        if self.columns.len() > width {
            return Err(AppError::validation(
                "mapping",
                format!(
                    "The column choices do not fit this file (it has {width} columns). \
                     Open the preview again and choose the columns."
                ),
            ));
        }
        let mut columns = [None; 10];
        for (col, field) in self.columns.iter().enumerate() {
            let Some(field) = field else { continue };
            let slot = &mut columns[*field as usize];
            if slot.is_some() {
                return Err(AppError::validation(
                    "mapping",
                    format!(
                        "“{}” is chosen for more than one column; choose it for one only.",
                        field.label()
                    ),
                ));
            }
            *slot = Some(col);
        }
        let has = |f: Field| columns[f as usize].is_some();
        let has_name = has(Field::Name) || (has(Field::FirstName) && has(Field::LastName));
        if !has_name {
            return Err(AppError::validation(
                "mapping",
                "Choose which column holds the coworker's name.",
            ));
        }
        Ok(columns)
    }
}

/// How to recognise a coworker already on the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchBy {
    /// By employee ID; rows without one (or with one nobody has) fall back to name and area.
    EmployeeRef,
    /// By name and area.
    NameAndArea,
}

impl MatchBy {
    pub fn key(self) -> &'static str {
        match self {
            MatchBy::EmployeeRef => "employee_ref",
            MatchBy::NameAndArea => "name_area",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        [MatchBy::EmployeeRef, MatchBy::NameAndArea]
            .into_iter()
            .find(|m| m.key() == key)
    }
}

/// A parsed file: the header row and the non-blank rows below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterFile {
    pub headers: Vec<String>,
    pub rows: Vec<RawRow>,
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

/// Best guess of the mapping from the file's headers. Each field goes to the first
/// column whose header is one of its synonyms; unrecognised columns are ignored.
pub fn suggest_mapping(headers: &[String]) -> Mapping {
    let mut taken = [false; 10];
    let columns = headers
        .iter()
        .map(|header| {
            let header = normalize_header(header);
            let field = Field::ALL
                .into_iter()
                .find(|f| f.synonyms().iter().any(|s| normalize_header(s) == header))?;
            let taken = &mut taken[field as usize];
            if *taken {
                return None;
            }
            *taken = true;
            Some(field)
        })
        .collect();
    Mapping { columns }
}

/// Lowercase letters and digits only, with "#" read as "number" ("Emp #" = "Emp Number").
fn normalize_header(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.chars().flat_map(char::to_lowercase) {
        if c == '#' {
            out.push_str("number");
        } else if c.is_alphanumeric() {
            out.push(c);
        }
    }
    out
}

/// One row after mapping and validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    pub line: usize,
    /// "First Last", whitespace collapsed.
    pub name: String,
    pub employee_ref: String,
    pub area: String,
    pub shift: String,
    pub job_title: String,
    pub phone: String,
    pub email: String,
    pub language: String,
}

/// A problem with one row of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    /// A [`Field::key`], or "row" for a problem with the row as a whole.
    pub field: String,
    /// A sentence for the lead, without the line number.
    pub message: String,
}

/// Applies the mapping and validates every row; returns the good rows and every error
/// (not just the first). Rows with an error are left out of the good rows.
///
/// Mapped cells that are only dashes ("-", "--") are read as empty: rosters use them
/// for "none". Unmapped cells are ignored entirely, whatever they hold.
pub fn map_rows(
    file: &RosterFile,
    mapping: &Mapping,
) -> Result<(Vec<RosterRow>, Vec<RowError>), AppError> {
    let columns = mapping.resolve(file.headers.len())?;
    let mut rows = Vec::with_capacity(file.rows.len());
    let mut errors = Vec::new();
    // Identity key → the line that first claimed it.
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(file.rows.len());

    for raw in &file.rows {
        let line = raw.line;
        let first_error = errors.len();
        let mut read = |field: Field| match columns[field as usize] {
            Some(col) => {
                let cell = raw.cells.get(col).map_or("", String::as_str);
                read_cell(cell, field, line, &mut errors)
            }
            None => String::new(),
        };
        let full = read(Field::Name);
        let first = read(Field::FirstName);
        let last = read(Field::LastName);
        let employee_ref = read(Field::EmployeeRef);
        let area = read(Field::Area);
        let shift = read(Field::Shift);
        let job_title = read(Field::JobTitle);
        let phone = read(Field::Phone);
        let email = read(Field::Email);
        let language = read(Field::Language);

        let name = compose_name(&full, &first, &last);
        let name_cell_failed = errors[first_error..].iter().any(|e| {
            [Field::Name, Field::FirstName, Field::LastName]
                .iter()
                .any(|f| e.field == f.key())
        });
        if !name_cell_failed {
            // The same rule as adding a coworker by hand.
            if let Err(err) = parse_name(&name, "name", "coworker", Field::Name.max_chars()) {
                errors.push(RowError {
                    line,
                    field: Field::Name.key().to_owned(),
                    message: message_of(err),
                });
            }
        }

        if let Some((key, why)) = identity_key(&employee_ref, &name, &area) {
            match seen.entry(key) {
                std::collections::hash_map::Entry::Occupied(earlier) => errors.push(RowError {
                    line,
                    field: "row".to_owned(),
                    message: format!("Same person as line {} ({why}).", earlier.get()),
                }),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(line);
                }
            }
        }

        if errors.len() == first_error {
            rows.push(RosterRow {
                line,
                name,
                employee_ref,
                area,
                shift,
                job_title,
                phone,
                email,
                language,
            });
        }
    }
    Ok((rows, errors))
}

/// Reads one mapped cell: trimmed, dashes read as empty. A cell that is refused gets a
/// [`RowError`] and reads as empty.
fn read_cell(raw: &str, field: Field, line: usize, errors: &mut Vec<RowError>) -> String {
    let value = raw.trim();
    let problem = if raw.starts_with(['\t', '\r']) || looks_like_formula(value) {
        Some(format!(
            "{} looks like a spreadsheet formula (\"{}\"); rankfile will not import it — \
             remove it and upload again.",
            field.label(),
            snippet(value)
        ))
    } else if value.chars().any(char::is_control) {
        Some(format!(
            "{} contains a control character (such as a line break inside the cell); \
             remove it and upload again.",
            field.label()
        ))
    } else if value.chars().any(super::text::is_bidi_control) {
        Some(format!(
            "{} contains a text-direction override (such as U+202E), which can make a name \
             display as another; remove it and upload again.",
            field.label()
        ))
    } else if value.chars().count() > field.max_chars() {
        Some(format!(
            "{} is longer than {} characters.",
            field.label(),
            field.max_chars()
        ))
    } else if is_placeholder(value) {
        return String::new();
    } else if field == Field::Email && !plausible_email(value) {
        Some(format!(
            "Personal email \"{}\" is not an email address.",
            snippet(value)
        ))
    } else if field == Field::Phone && !value.is_empty() && !plausible_phone(value) {
        Some(format!(
            "Personal phone \"{}\" is not a phone number (7 to 15 digits).",
            snippet(value)
        ))
    } else {
        None
    };
    match problem {
        Some(message) => {
            errors.push(RowError {
                line,
                field: field.key().to_owned(),
                message,
            });
            String::new()
        }
        None => value.to_owned(),
    }
}

/// "-", "--": a roster's way of saying "none".
fn is_placeholder(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c == '-')
}

/// A cell a spreadsheet would run as a formula when the chart is exported and opened
/// again (CSV injection). Signed numbers and phone numbers are not formulas.
fn looks_like_formula(value: &str) -> bool {
    match value.chars().next() {
        Some('=' | '@') => true,
        Some('+' | '-') => {
            !is_placeholder(value) && !plausible_number(value) && !plausible_phone(value)
        }
        _ => false,
    }
}

/// An optionally signed decimal: "-5", "+3.25", "-1,5".
fn plausible_number(value: &str) -> bool {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    let (whole, fraction) = match digits.split_once(['.', ',']) {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits)
}

/// 7 to 15 digits once spaces, dots, dashes, brackets and a leading "+" are removed.
fn plausible_phone(value: &str) -> bool {
    let rest = value.strip_prefix('+').unwrap_or(value);
    let mut digits = 0;
    for c in rest.chars() {
        match c {
            '0'..='9' => digits += 1,
            ' ' | '.' | '-' | '(' | ')' => {}
            _ => return false,
        }
    }
    (7..=15).contains(&digits)
}

/// One "@", something before it, a dotted domain after it, no spaces; empty is fine.
fn plausible_email(value: &str) -> bool {
    if value.is_empty() {
        return true;
    }
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    value.chars().count() <= Field::Email.max_chars()
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace)
}

/// The cell as quoted in a message: at most [`SNIPPET_CHARS`] characters.
fn snippet(value: &str) -> String {
    match value.char_indices().nth(SNIPPET_CHARS) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}

fn message_of(err: AppError) -> String {
    match err {
        AppError::Validation { message, .. } => message,
        other => other.to_string(),
    }
}

/// The coworker's name: the full-name cell ("Last, First" turned round), or else the
/// first and last name cells joined.
fn compose_name(full: &str, first: &str, last: &str) -> String {
    let name = if full.is_empty() {
        format!("{first} {last}")
    } else {
        first_name_first(full)
    };
    collapse_whitespace(&name)
}

/// "Smith, Jane" → "Jane Smith"; anything without exactly one comma is left alone.
fn first_name_first(name: &str) -> String {
    match name.split_once(',') {
        Some((last, first)) if !first.contains(',') => format!("{} {}", first.trim(), last.trim())
            .trim()
            .to_owned(),
        _ => name.to_owned(),
    }
}

/// Who a row is, for spotting the same person twice in one file: the employee ID if
/// there is one, else name and area. Also says, in words, why two rows clash.
fn identity_key(employee_ref: &str, name: &str, area: &str) -> Option<(String, &'static str)> {
    if !employee_ref.is_empty() {
        let key = format!("ref\u{0}{}", employee_ref.to_lowercase());
        return Some((key, "the same employee ID"));
    }
    let name = normalize_name(name);
    if name.is_empty() {
        return None;
    }
    let key = format!("name\u{0}{name}\u{0}{}", normalize_area(area));
    Some((key, "the same name and area"))
}

/// A name as compared for matching: lowercase, accents folded for common Latin letters
/// (é→e, ñ→n, ü→u, ø→o, ß→ss…), punctuation removed, whitespace collapsed, and
/// "Last, First" turned into "first last".
pub fn normalize_name(name: &str) -> String {
    let name = first_name_first(name.trim());
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            out.push(' ');
        } else if let Some(plain) = fold_accent(c) {
            out.push_str(plain);
        } else if c.is_alphanumeric() {
            out.push(c);
        }
        // Anything else is punctuation: "O'Brien" = "OBrien".
    }
    collapse_whitespace(&out)
}

/// An area (or shift, or job title) as compared: lowercase, trimmed, whitespace collapsed.
pub fn normalize_area(area: &str) -> String {
    collapse_whitespace(&area.to_lowercase())
}

/// The unaccented spelling of a lowercase Latin letter, if it has an accent.
fn fold_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Trims and turns every run of whitespace into one space.
fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A coworker already on the chart, as the reconciliation sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Existing {
    pub id: i64,
    pub name: String,
    pub employee_ref: String,
    /// Area name, or "".
    pub area: String,
    /// Shift name, or "".
    pub shift: String,
    pub job_title: String,
    /// False if their employment status is already "left" or "fired".
    pub on_list: bool,
}

/// A coworker on both the chart and the file whose area, shift or job title differs.
/// Each `to_` is what the chart should say after the import (the `from_` value when the
/// file's cell was empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    pub id: i64,
    pub line: usize,
    pub name: String,
    pub from_area: String,
    pub to_area: String,
    pub from_shift: String,
    pub to_shift: String,
    pub from_job: String,
    pub to_job: String,
}

/// What importing the file would change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Reconciliation {
    /// On the file, not on the chart.
    pub new: Vec<RosterRow>,
    /// On the chart (and on the list), not on the file.
    pub gone: Vec<Existing>,
    /// Matched, and the area, shift or job title differs (an empty cell in the file
    /// means "unchanged", not "cleared").
    pub moved: Vec<Moved>,
    /// Matched, and nothing differs.
    pub unchanged: usize,
    /// Area names in the file that match no existing area, in first-seen order.
    pub new_areas: Vec<String>,
    /// Shift names in the file that match no existing shift, in first-seen order.
    pub new_shifts: Vec<String>,
    /// Matched coworkers the chart has no employee ID for, with the file's: recorded on
    /// apply, so the next list matches them by ID.
    pub link_refs: Vec<(i64, String)>,
}

/// Compares the file's rows with the chart. Each existing coworker is matched at most
/// once; coworkers already off the list (left, fired) still match, so a rehire is not
/// added twice. Linear in the number of rows and coworkers.
///
/// With [`MatchBy::EmployeeRef`], a row matches the coworker with the same employee ID
/// (trimmed, case-insensitive). A row without an ID falls back to name and area; so does
/// a row whose ID nobody has, but then only against coworkers with no ID yet (the
/// first import onto a chart built by hand).
///
/// By name and area: both equal after [`normalize_name`] / [`normalize_area`]. Failing
/// that, the name alone matches when exactly one coworker has it and either the row or
/// that coworker has no area.
pub fn reconcile(
    rows: &[RosterRow],
    existing: &[Existing],
    known_areas: &[String],
    known_shifts: &[String],
    by: MatchBy,
) -> Reconciliation {
    let mut index = ChartIndex::build(existing);
    let mut matched = vec![false; existing.len()];
    let mut out = Reconciliation::default();

    for row in rows {
        let Some(i) = index.find(row, by, &matched) else {
            out.new.push(row.clone());
            continue;
        };
        matched[i] = true;
        let ex = &existing[i];
        if ex.employee_ref.trim().is_empty() && !row.employee_ref.trim().is_empty() {
            out.link_refs
                .push((ex.id, row.employee_ref.trim().to_owned()));
        }
        let changed = |file: &str, chart: &str| {
            !file.is_empty() && normalize_area(file) != normalize_area(chart)
        };
        if changed(&row.area, &ex.area)
            || changed(&row.shift, &ex.shift)
            || changed(&row.job_title, &ex.job_title)
        {
            let after =
                |file: &str, chart: &str| if file.is_empty() { chart } else { file }.to_owned();
            out.moved.push(Moved {
                id: ex.id,
                line: row.line,
                name: row.name.clone(),
                from_area: ex.area.clone(),
                to_area: after(&row.area, &ex.area),
                from_shift: ex.shift.clone(),
                to_shift: after(&row.shift, &ex.shift),
                from_job: ex.job_title.clone(),
                to_job: after(&row.job_title, &ex.job_title),
            });
        } else {
            out.unchanged += 1;
        }
    }

    out.gone = existing
        .iter()
        .zip(&matched)
        .filter(|(ex, matched)| ex.on_list && !**matched)
        .map(|(ex, _)| ex.clone())
        .collect();
    out.new_areas = unknown_names(rows.iter().map(|r| r.area.as_str()), known_areas);
    out.new_shifts = unknown_names(rows.iter().map(|r| r.shift.as_str()), known_shifts);
    out
}

/// Non-empty names not among `known` (normalized), deduplicated, in first-seen order.
fn unknown_names<'a>(names: impl Iterator<Item = &'a str>, known: &[String]) -> Vec<String> {
    let mut seen: HashSet<String> = known.iter().map(|k| normalize_area(k)).collect();
    names
        .filter(|name| !name.trim().is_empty())
        .filter(|name| seen.insert(normalize_area(name)))
        .map(|name| name.trim().to_owned())
        .collect()
}

/// Existing coworkers that share a key, handed out in order, each once.
#[derive(Default)]
struct Bucket {
    ids: Vec<usize>,
    /// Everything before this is already matched (so `take` is amortised O(1)).
    next: usize,
}

impl Bucket {
    fn take(&mut self, matched: &[bool]) -> Option<usize> {
        while self.next < self.ids.len() && matched[self.ids[self.next]] {
            self.next += 1;
        }
        self.ids.get(self.next).copied()
    }
}

/// Name lookups over a set of existing coworkers.
#[derive(Default)]
struct NameIndex {
    by_name_area: HashMap<(String, String), Bucket>,
    by_name: HashMap<String, Bucket>,
}

impl NameIndex {
    fn add(&mut self, i: usize, name: &str, area: &str) {
        self.by_name_area
            .entry((name.to_owned(), area.to_owned()))
            .or_default()
            .ids
            .push(i);
        self.by_name.entry(name.to_owned()).or_default().ids.push(i);
    }

    fn find(
        &mut self,
        name: &str,
        area: &str,
        areas: &[String],
        matched: &[bool],
    ) -> Option<usize> {
        if !area.is_empty() {
            let key = (name.to_owned(), area.to_owned());
            if let Some(i) = self
                .by_name_area
                .get_mut(&key)
                .and_then(|b| b.take(matched))
            {
                return Some(i);
            }
        }
        // The name alone, only when it cannot be anyone else.
        match self.by_name.get(name)?.ids.as_slice() {
            [i] if !matched[*i] && (area.is_empty() || areas[*i].is_empty()) => Some(*i),
            _ => None,
        }
    }
}

/// The chart, indexed for [`reconcile`].
struct ChartIndex {
    by_ref: HashMap<String, Bucket>,
    /// Everyone, by name.
    all: NameIndex,
    /// Only coworkers without an employee ID, by name.
    without_ref: NameIndex,
    /// Each coworker's normalized area.
    areas: Vec<String>,
}

impl ChartIndex {
    fn build(existing: &[Existing]) -> Self {
        let mut index = ChartIndex {
            by_ref: HashMap::with_capacity(existing.len()),
            all: NameIndex::default(),
            without_ref: NameIndex::default(),
            areas: Vec::with_capacity(existing.len()),
        };
        for (i, ex) in existing.iter().enumerate() {
            let employee_ref = ref_key(&ex.employee_ref);
            let name = normalize_name(&ex.name);
            let area = normalize_area(&ex.area);
            if !employee_ref.is_empty() {
                index
                    .by_ref
                    .entry(employee_ref.clone())
                    .or_default()
                    .ids
                    .push(i);
            }
            if !name.is_empty() {
                index.all.add(i, &name, &area);
                if employee_ref.is_empty() {
                    index.without_ref.add(i, &name, &area);
                }
            }
            index.areas.push(area);
        }
        index
    }

    fn find(&mut self, row: &RosterRow, by: MatchBy, matched: &[bool]) -> Option<usize> {
        let name = normalize_name(&row.name);
        let area = normalize_area(&row.area);
        let employee_ref = ref_key(&row.employee_ref);
        if by == MatchBy::EmployeeRef && !employee_ref.is_empty() {
            if let Some(i) = self
                .by_ref
                .get_mut(&employee_ref)
                .and_then(|b| b.take(matched))
            {
                return Some(i);
            }
            if name.is_empty() {
                return None;
            }
            return self.without_ref.find(&name, &area, &self.areas, matched);
        }
        if name.is_empty() {
            return None;
        }
        self.all.find(&name, &area, &self.areas, matched)
    }
}

fn ref_key(employee_ref: &str) -> String {
    employee_ref.trim().to_lowercase()
}

/// Reading the uploaded bytes (server only: it needs the `csv` crate).
#[cfg(feature = "ssr")]
mod file {
    use super::{
        RawRow, RosterFile, MAX_CELLS, MAX_CELL_CHARS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS,
    };
    use crate::error::AppError;

    const SAVE_AS_CSV: &str =
        "In your spreadsheet choose File → Save As → CSV UTF-8 and upload that.";

    fn refuse(message: String) -> AppError {
        AppError::validation("file", message)
    }

    /// Parses an uploaded roster: a CSV UTF-8 file (comma, semicolon or tab separated)
    /// whose first non-blank row names the columns.
    ///
    /// Blank rows are skipped; short rows are padded with empty cells and cells beyond
    /// the last header are ignored; cells are trimmed. Each row keeps the physical line
    /// it starts on, even after quoted cells that span lines. Every refusal is a
    /// validation error on "file" telling the lead what to do.
    pub fn parse_file(bytes: &[u8]) -> Result<RosterFile, AppError> {
        let text = decode(bytes)?;
        let delimiter = detect_delimiter(text);
        check_quotes(text, delimiter)?;
        read_rows(text, delimiter)
    }

    /// The bytes as text, or a refusal saying what the file seems to be instead.
    fn decode(bytes: &[u8]) -> Result<&str, AppError> {
        if bytes.len() > MAX_FILE_BYTES {
            // Rounded up, so a file just over the limit does not read "20.0 MB".
            let tenths = (bytes.len() as u64 * 10).div_ceil(1024 * 1024);
            return Err(refuse(format!(
                "The file is {}.{} MB; the largest roster rankfile takes is {} MB. \
                 Remove the columns rankfile does not need (addresses, pay, notes) \
                 and upload it again.",
                tenths / 10,
                tenths % 10,
                MAX_FILE_BYTES / (1024 * 1024)
            )));
        }
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return Err(refuse(format!(
                "This looks like an Excel workbook, not CSV. {SAVE_AS_CSV}"
            )));
        }
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Err(refuse(format!(
                "This file is saved as UTF-16 (\"Unicode text\"), not CSV UTF-8. {SAVE_AS_CSV}"
            )));
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(refuse(
                "The file is empty. Export the roster from your spreadsheet as CSV UTF-8 \
                 and upload that."
                    .to_owned(),
            ));
        }
        if bytes.contains(&0) {
            // UTF-16 without a byte-order mark, or not a text file at all.
            return Err(refuse(format!(
                "This file is not CSV text (it may be saved as UTF-16, or be another kind \
                 of file). {SAVE_AS_CSV}"
            )));
        }
        std::str::from_utf8(bytes).map_err(|err| {
            let line = line_at(bytes, err.valid_up_to());
            refuse(format!(
                "Line {line} is not UTF-8 text (the file may be saved as Windows-1252 / \
                 Latin-1). Save it as CSV UTF-8 and upload again."
            ))
        })
    }

    /// The 1-based line holding byte `offset`.
    fn line_at(bytes: &[u8], offset: usize) -> usize {
        (0..offset).filter(|&i| ends_line(bytes, i)).count() + 1
    }

    /// Whether the byte at `i` ends a line: a "\n", or a "\r" on its own (old Mac files).
    fn ends_line(text: &[u8], i: usize) -> bool {
        match text[i] {
            b'\n' => true,
            b'\r' => text.get(i + 1) != Some(&b'\n'),
            _ => false,
        }
    }

    /// The most frequent of `,` `;` and tab outside quotes on the first non-blank line
    /// (comma on a tie, or when there is only one column).
    fn detect_delimiter(text: &str) -> u8 {
        const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
        let mut counts = [0usize; 3];
        let mut in_quotes = false;
        let mut has_content = false;
        for b in text.bytes() {
            match b {
                b'"' => in_quotes = !in_quotes,
                b'\n' | b'\r' if !in_quotes && has_content => break,
                _ if in_quotes => {}
                _ => {
                    if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                        counts[i] += 1;
                    }
                }
            }
            if !b.is_ascii_whitespace() {
                has_content = true;
            }
        }
        let mut best = 0;
        for i in 1..CANDIDATES.len() {
            if counts[i] > counts[best] {
                best = i;
            }
        }
        CANDIDATES[best]
    }

    /// Refuses quoting the `csv` reader would silently misread: a quoted cell never
    /// closed (it would swallow the rest of the file), or text after a closing quote.
    /// A stray quote inside an unquoted cell (`5" screen`) is fine.
    fn check_quotes(text: &str, delimiter: u8) -> Result<(), AppError> {
        #[derive(Clone, Copy)]
        enum State {
            CellStart,
            Unquoted,
            Quoted {
                opened: usize,
            },
            /// A quote inside a quoted cell: an escaped `""` or the closing quote.
            QuoteInQuoted {
                opened: usize,
            },
            AfterClosingQuote,
        }
        let mut state = State::CellStart;
        let mut line = 1;
        let text = text.as_bytes();
        for (i, &b) in text.iter().enumerate() {
            state = match (state, b) {
                (State::CellStart, b'"') => State::Quoted { opened: line },
                (State::Quoted { opened }, b'"') => State::QuoteInQuoted { opened },
                (State::Quoted { .. }, _) => state,
                (State::QuoteInQuoted { opened }, b'"') => State::Quoted { opened },
                (
                    State::CellStart
                    | State::Unquoted
                    | State::QuoteInQuoted { .. }
                    | State::AfterClosingQuote,
                    _,
                ) if b == delimiter || b == b'\n' || b == b'\r' => State::CellStart,
                (State::QuoteInQuoted { .. } | State::AfterClosingQuote, b' ' | b'\t') => {
                    State::AfterClosingQuote
                }
                (State::QuoteInQuoted { .. } | State::AfterClosingQuote, _) => {
                    return Err(refuse(format!(
                        "Line {line} has a quote mark (\") in the wrong place: text follows \
                         the closing quote of a cell. Fix that line in your spreadsheet, save \
                         it as CSV UTF-8 and upload again."
                    )));
                }
                (State::CellStart | State::Unquoted, _) => State::Unquoted,
            };
            if ends_line(text, i) {
                line += 1;
            }
        }
        if let State::Quoted { opened } = state {
            return Err(refuse(format!(
                "The quoted cell that starts on line {opened} is never closed (a quote mark \
                 is missing). Fix that line in your spreadsheet, save it as CSV UTF-8 and \
                 upload again."
            )));
        }
        Ok(())
    }

    /// Splits the text into the header and the data rows, with their lines.
    fn read_rows(text: &str, delimiter: u8) -> Result<RosterFile, AppError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut lines = LineCounter::new(text.as_bytes());
        let mut record = csv::StringRecord::new();
        let mut headers: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        loop {
            let more = reader.read_record(&mut record).map_err(|err| {
                let line = err.position().map_or(0, |p| p.line());
                refuse(format!(
                    "Line {line} could not be read as CSV. Check that line in your \
                     spreadsheet, save it as CSV UTF-8 and upload again."
                ))
            })?;
            if !more {
                break;
            }
            let line = lines.record_start(record.position().map_or(0, |p| p.byte() as usize));
            if record.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            if record.len() > MAX_COLUMNS {
                return Err(refuse(format!(
                    "Line {line} has {} columns; rankfile reads at most {MAX_COLUMNS}. Delete \
                     the columns rankfile does not need (or stray separators at the end of \
                     the line), save as CSV UTF-8 and upload again.",
                    thousands(record.len())
                )));
            }
            let width = headers.as_ref().map_or(record.len(), Vec::len);
            if let Some((column, cell)) = record
                .iter()
                .take(width)
                .enumerate()
                .find(|(_, cell)| cell.trim().chars().nth(MAX_CELL_CHARS).is_some())
            {
                return Err(refuse(format!(
                    "Line {line}, column {}: a cell of {} characters; the longest rankfile \
                     takes is {} characters. Shorten it (or check the line's quote marks), \
                     save as CSV UTF-8 and upload again.",
                    column + 1,
                    thousands(cell.trim().chars().count()),
                    thousands(MAX_CELL_CHARS)
                )));
            }
            let Some(headers) = &headers else {
                headers = Some(record.iter().map(|h| h.trim().to_owned()).collect());
                continue;
            };
            if rows.len() == MAX_ROWS {
                return Err(refuse(format!(
                    "The file has more than {} rows; rankfile imports at most {} coworkers \
                     at a time. Check that the file holds only the roster.",
                    thousands(MAX_ROWS),
                    thousands(MAX_ROWS)
                )));
            }
            if (rows.len() + 1) * headers.len() > MAX_CELLS {
                return Err(refuse(format!(
                    "Line {line}: the file has more than {} cells ({} columns on every \
                     row); rankfile reads at most {}. Delete the columns rankfile does not \
                     need and upload again.",
                    thousands(MAX_CELLS),
                    headers.len(),
                    thousands(MAX_CELLS)
                )));
            }
            let mut cells: Vec<String> = record
                .iter()
                .take(headers.len())
                .map(|cell| cell.trim().to_owned())
                .collect();
            cells.resize(headers.len(), String::new());
            rows.push(RawRow { line, cells });
        }
        let Some(headers) = headers else {
            return Err(refuse(
                "The file has no rows. Export the roster from your spreadsheet as CSV UTF-8 \
                 and upload that."
                    .to_owned(),
            ));
        };
        if rows.is_empty() {
            // Importing nobody would report every coworker as gone.
            return Err(refuse(
                "The file has a header row but no coworkers below it. Check that you \
                 exported the whole roster."
                    .to_owned(),
            ));
        }
        Ok(RosterFile { headers, rows })
    }

    /// The physical line each record starts on.
    ///
    /// `csv`'s `Position::line()` is where the reader stopped after the previous record,
    /// which lags behind after a CRLF or a blank line; so count newlines ourselves, up
    /// to the record's byte offset and past the line endings the reader skips there.
    struct LineCounter<'a> {
        text: &'a [u8],
        offset: usize,
        line: usize,
    }

    impl<'a> LineCounter<'a> {
        fn new(text: &'a [u8]) -> Self {
            LineCounter {
                text,
                offset: 0,
                line: 1,
            }
        }

        /// `byte` is the record's position; positions only move forward.
        fn record_start(&mut self, byte: usize) -> usize {
            let byte = byte.clamp(self.offset, self.text.len());
            self.line += (self.offset..byte)
                .filter(|&i| ends_line(self.text, i))
                .count();
            self.offset = byte;
            while let Some(b'\r' | b'\n') = self.text.get(self.offset) {
                self.line += usize::from(ends_line(self.text, self.offset));
                self.offset += 1;
            }
            self.line
        }
    }

    /// 100000 → "100,000".
    fn thousands(n: usize) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// A file with these headers and rows (lines numbered 2, 3, … as if parsed).
    fn file(headers: &[&str], rows: &[&[&str]]) -> RosterFile {
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
        }
    }

    fn mapping(fields: &[Option<Field>]) -> Mapping {
        Mapping {
            columns: fields.to_vec(),
        }
    }

    fn validation_message(err: AppError, field: &str) -> String {
        err.field_message(field)
            .unwrap_or_else(|| panic!("expected a validation error on {field}, got {err:?}"))
    }

    /// Maps a one-column-per-field file and returns its errors.
    fn errors_for(headers: &[&str], fields: &[Option<Field>], rows: &[&[&str]]) -> Vec<RowError> {
        map_rows(&file(headers, rows), &mapping(fields)).unwrap().1
    }

    fn row(line: usize, name: &str, employee_ref: &str, area: &str) -> RosterRow {
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

    fn existing(id: i64, name: &str, employee_ref: &str, area: &str) -> Existing {
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

    // --- Field, MatchBy ---

    #[test]
    fn field_keys_round_trip_and_all_is_in_declaration_order() {
        for (i, field) in Field::ALL.into_iter().enumerate() {
            assert_eq!(field as usize, i);
            assert_eq!(Field::parse(field.key()), Some(field));
            assert!(!field.label().is_empty());
        }
        assert_eq!(Field::parse("nickname"), None);
        assert_eq!(Field::EmployeeRef.key(), "employee_ref");
        assert_eq!(Field::Area.label(), "Area / department");
    }

    #[test]
    fn match_by_keys_round_trip() {
        assert_eq!(MatchBy::parse("employee_ref"), Some(MatchBy::EmployeeRef));
        assert_eq!(MatchBy::parse("name_area"), Some(MatchBy::NameAndArea));
        assert_eq!(
            MatchBy::parse(MatchBy::NameAndArea.key()),
            Some(MatchBy::NameAndArea)
        );
        assert_eq!(MatchBy::parse("name"), None);
    }

    // --- suggest_mapping ---

    #[test]
    fn suggests_a_mapping_for_messy_headers() {
        let headers = strings(&[
            "Employee Name",
            "Dept",
            "Shift",
            "Job Classification",
            "Hire Date",
            "Phone",
        ]);
        assert_eq!(
            suggest_mapping(&headers).columns,
            vec![
                Some(Field::Name),
                Some(Field::Area),
                Some(Field::Shift),
                Some(Field::JobTitle),
                None,
                Some(Field::Phone),
            ]
        );
    }

    #[test]
    fn suggestion_ignores_case_and_punctuation_and_reads_hash_as_number() {
        let headers = strings(&[
            "  EMP #",
            "Name (Last, First)",
            "e-mail",
            "Cost-Center",
            "Preferred_Language",
            "first name",
            "Surname",
        ]);
        assert_eq!(
            suggest_mapping(&headers).columns,
            vec![
                Some(Field::EmployeeRef),
                Some(Field::Name),
                Some(Field::Email),
                Some(Field::Area),
                Some(Field::Language),
                Some(Field::FirstName),
                Some(Field::LastName),
            ]
        );
    }

    #[test]
    fn each_field_is_suggested_for_the_first_matching_column_only() {
        let headers = strings(&["Department", "Unit", "Employee ID", "Badge", "", "Notes"]);
        assert_eq!(
            suggest_mapping(&headers).columns,
            vec![
                Some(Field::Area),
                None,
                Some(Field::EmployeeRef),
                None,
                None,
                None
            ]
        );
        assert_eq!(suggest_mapping(&[]), Mapping::default());
    }

    #[test]
    fn column_of_finds_the_mapped_column() {
        let m = mapping(&[None, Some(Field::Area), Some(Field::Name)]);
        assert_eq!(m.column_of(Field::Name), Some(2));
        assert_eq!(m.column_of(Field::Shift), None);
    }

    // --- map_rows: the mapping ---

    #[test]
    fn refuses_a_mapping_without_a_name() {
        let f = file(&["First", "Dept"], &[&["Jane", "Packing"]]);
        let err = map_rows(&f, &mapping(&[Some(Field::FirstName), Some(Field::Area)])).unwrap_err();
        assert_eq!(
            validation_message(err, "mapping"),
            "Choose which column holds the coworker's name."
        );
        let err = map_rows(&f, &Mapping::default()).unwrap_err();
        assert!(err.field_message("mapping").is_some());
    }

    #[test]
    fn refuses_a_field_mapped_twice() {
        let f = file(&["Name", "Dept", "Unit"], &[&["Jane", "A", "B"]]);
        let m = mapping(&[Some(Field::Name), Some(Field::Area), Some(Field::Area)]);
        let message = validation_message(map_rows(&f, &m).unwrap_err(), "mapping");
        assert!(message.contains("Area / department"), "{message}");
    }

    #[test]
    fn refuses_a_mapping_wider_than_the_file() {
        let f = file(&["Name"], &[&["Jane"]]);
        let m = mapping(&[Some(Field::Name), None]);
        let message = validation_message(map_rows(&f, &m).unwrap_err(), "mapping");
        assert!(message.contains("1 columns"), "{message}");
    }

    #[test]
    fn a_short_mapping_ignores_the_remaining_columns() {
        let f = file(&["Name", "Notes"], &[&["Jane Doe", "=cmd"]]);
        let (rows, errors) = map_rows(&f, &mapping(&[Some(Field::Name)])).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rows[0].name, "Jane Doe");
    }

    // --- map_rows: names ---

    #[test]
    fn turns_last_comma_first_round() {
        let f = file(
            &["Name"],
            &[
                &["Smith, Jane"],
                &["García,José"],
                &["Doe, John, Jr."],
                &["Lee  Ann   Park"],
            ],
        );
        let (rows, errors) = map_rows(&f, &mapping(&[Some(Field::Name)])).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<_> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Jane Smith",
                "José García",
                "Doe, John, Jr.",
                "Lee Ann Park"
            ]
        );
    }

    #[test]
    fn joins_first_and_last_name_columns() {
        let f = file(
            &["Last", "First", "Dept"],
            &[&["Smith", "Jane", "Packing"], &["Cher", "", "Packing"]],
        );
        let m = mapping(&[
            Some(Field::LastName),
            Some(Field::FirstName),
            Some(Field::Area),
        ]);
        let (rows, errors) = map_rows(&f, &m).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rows[0].name, "Jane Smith");
        assert_eq!(rows[0].area, "Packing");
        assert_eq!(rows[1].name, "Cher");
    }

    #[test]
    fn full_name_wins_and_first_last_fill_in_when_it_is_empty() {
        let f = file(
            &["Name", "First", "Last"],
            &[&["Jane Smith", "J", "S"], &["", "Ann", "Lee"]],
        );
        let m = mapping(&[
            Some(Field::Name),
            Some(Field::FirstName),
            Some(Field::LastName),
        ]);
        let (rows, _) = map_rows(&f, &m).unwrap();
        assert_eq!(rows[0].name, "Jane Smith");
        assert_eq!(rows[1].name, "Ann Lee");
    }

    #[test]
    fn an_empty_or_too_long_name_is_an_error_on_its_line() {
        let long = "x".repeat(201);
        let errors = errors_for(
            &["Name", "Dept"],
            &[Some(Field::Name), Some(Field::Area)],
            &[
                &["", "Packing"],
                &["Jane", "Packing"],
                &[&long, "Packing"],
                &["-", "A"],
            ],
        );
        let got: Vec<_> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(got, [(2, "name"), (4, "name"), (5, "name")]);
        assert!(errors[1].message.contains("200"), "{}", errors[1].message);
    }

    #[test]
    fn first_and_last_together_may_not_exceed_the_name_limit() {
        let half = "x".repeat(150);
        let errors = errors_for(
            &["First", "Last"],
            &[Some(Field::FirstName), Some(Field::LastName)],
            &[&[&half, &half]],
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "name");
    }

    // --- map_rows: cells ---

    #[test]
    fn refuses_formula_cells_and_names_the_cell() {
        let m = [Some(Field::Name), Some(Field::Area)];
        let h = ["Name", "Dept"];
        let cases: [(&str, &str); 5] = [
            ("=HYPERLINK(\"http://evil.example/steal\",\"x\")", "name"),
            ("@SUM(A1:A2)", "name"),
            ("+SUM(A1:A2)", "name"),
            ("-1+2", "name"),
            ("\t=1", "name"),
        ];
        for (cell, field) in cases {
            let errors = errors_for(&h, &m, &[&[cell, "Packing"]]);
            assert_eq!(errors.len(), 1, "{cell:?}: {errors:?}");
            assert_eq!(errors[0].field, field);
            assert!(
                errors[0]
                    .message
                    .contains("looks like a spreadsheet formula"),
                "{}",
                errors[0].message
            );
        }
        let errors = errors_for(
            &h,
            &m,
            &[&["Jane", "=HYPERLINK(\"http://evil.example/steal\")"]],
        );
        assert_eq!(errors[0].field, "area");
        assert!(
            errors[0]
                .message
                .contains("(\"=HYPERLINK(\"http://evil.exampl…\")"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn phone_numbers_and_signed_numbers_are_not_formulas() {
        let f = file(
            &["Name", "Phone", "Dept", "Badge"],
            &[
                &["Jane", "+1 (555) 010-2030", "-5", "+42"],
                &["Ann", "555.010.2030", "-1,5", "-"],
            ],
        );
        let m = mapping(&[
            Some(Field::Name),
            Some(Field::Phone),
            Some(Field::Area),
            Some(Field::EmployeeRef),
        ]);
        let (rows, errors) = map_rows(&f, &m).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rows[0].phone, "+1 (555) 010-2030");
        assert_eq!(rows[0].area, "-5");
        assert_eq!(rows[1].area, "-1,5");
    }

    #[test]
    fn a_lone_dash_reads_as_empty() {
        let f = file(
            &["Name", "Phone", "Email", "Dept"],
            &[&["Jane", "-", "--", "-"]],
        );
        let m = mapping(&[
            Some(Field::Name),
            Some(Field::Phone),
            Some(Field::Email),
            Some(Field::Area),
        ]);
        let (rows, errors) = map_rows(&f, &m).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            (
                rows[0].phone.as_str(),
                rows[0].email.as_str(),
                rows[0].area.as_str()
            ),
            ("", "", "")
        );
    }

    #[test]
    fn refuses_implausible_emails_and_phones() {
        let m = [Some(Field::Name), Some(Field::Email), Some(Field::Phone)];
        let h = ["Name", "Email", "Phone"];
        for bad in [
            "jane",
            "jane@",
            "@x.org",
            "jane@example",
            "a@b@c.org",
            "jane doe@x.org",
            "j@.org",
        ] {
            let errors = errors_for(&h, &m, &[&["Jane", bad, ""]]);
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors[0].field, "email", "{bad}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(
            errors_for(&h, &m, &[&["Jane", &long, ""]])[0].field,
            "email"
        );
        for bad in ["12345", "555-CALL-NOW", "1234567890123456", "ext 12345678"] {
            let errors = errors_for(&h, &m, &[&["Jane", "", bad]]);
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors[0].field, "phone", "{bad}");
            assert!(errors[0].message.contains("not a phone number"));
        }
        let fine = errors_for(
            &h,
            &m,
            &[
                &["Jane", "jane.doe+union@mail.example.org", "0151 234 5678"],
                &["Ann", "", ""],
            ],
        );
        assert!(fine.is_empty(), "{fine:?}");
    }

    #[test]
    fn refuses_overlong_short_fields() {
        let m = [
            Some(Field::Name),
            Some(Field::Area),
            Some(Field::Shift),
            Some(Field::JobTitle),
        ];
        let h = ["Name", "Dept", "Shift", "Title"];
        let (a121, s61, j121) = ("a".repeat(121), "s".repeat(61), "j".repeat(121));
        let (a120, s60, j120) = ("a".repeat(120), "s".repeat(60), "j".repeat(120));
        let errors = errors_for(
            &h,
            &m,
            &[&["Jane", &a121, &s61, &j121], &["Ann", &a120, &s60, &j120]],
        );
        let got: Vec<_> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(got, [(2, "area"), (2, "shift"), (2, "job_title")]);
    }

    #[test]
    fn refuses_direction_overrides_in_mapped_cells() {
        let errors = errors_for(
            &["Name", "Dept"],
            &[Some(Field::Name), Some(Field::Area)],
            &[
                &["Ana \u{202E}sereyR", "ICU"],
                &["Ben Okafor", "I\u{2067}CU"],
            ],
        );
        let got: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(got, ["name", "area"]);
        assert!(errors[0].message.contains("text-direction"));
    }

    #[test]
    fn refuses_control_characters_in_mapped_cells() {
        let errors = errors_for(
            &["Name", "Dept", "Notes"],
            &[Some(Field::Name), Some(Field::Area)],
            &[&["Jane\nDoe", "Pack\u{7}ing", "fine\nhere"]],
        );
        let got: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(got, ["name", "area"]);
        assert!(errors[0].message.contains("control character"));
    }

    #[test]
    fn reports_every_error_and_keeps_only_clean_rows() {
        let f = file(
            &["Name", "Email"],
            &[
                &["Jane", "nope"],
                &["Ann", "ann@example.org"],
                &["", "bad"],
                &["Bo", ""],
            ],
        );
        let (rows, errors) =
            map_rows(&f, &mapping(&[Some(Field::Name), Some(Field::Email)])).unwrap();
        let names: Vec<_> = rows.iter().map(|r| (r.line, r.name.as_str())).collect();
        assert_eq!(names, [(3, "Ann"), (5, "Bo")]);
        let got: Vec<_> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(got, [(2, "email"), (4, "email"), (4, "name")]);
    }

    #[test]
    fn rows_shorter_than_the_mapping_read_missing_cells_as_empty() {
        let f = RosterFile {
            headers: strings(&["Name", "Dept"]),
            rows: vec![RawRow {
                line: 2,
                cells: strings(&["Jane"]),
            }],
        };
        let (rows, errors) =
            map_rows(&f, &mapping(&[Some(Field::Name), Some(Field::Area)])).unwrap();
        assert!(errors.is_empty());
        assert_eq!(rows[0].area, "");
    }

    // --- map_rows: duplicates ---

    #[test]
    fn flags_the_same_employee_id_twice() {
        let errors = errors_for(
            &["Name", "ID"],
            &[Some(Field::Name), Some(Field::EmployeeRef)],
            &[&["Jane Doe", "A12"], &["Ann Lee", "B7"], &["J. Doe", "a12"]],
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].line, errors[0].field.as_str()), (4, "row"));
        assert!(
            errors[0].message.contains("Same person as line 2"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn flags_the_same_name_and_area_twice_when_there_is_no_id() {
        let errors = errors_for(
            &["Name", "Dept", "ID"],
            &[
                Some(Field::Name),
                Some(Field::Area),
                Some(Field::EmployeeRef),
            ],
            &[
                &["José García", "Packing", ""],
                &["Jose Garcia", "Shipping", ""],
                &["García, José", " packing ", ""],
                &["José García", "Packing", "77"],
            ],
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 4);
        assert!(
            errors[0].message.contains("Same person as line 2"),
            "{}",
            errors[0].message
        );
        assert!(errors[0].message.contains("name and area"));
    }

    // --- normalize ---

    #[test]
    fn normalizes_names_for_matching() {
        assert_eq!(normalize_name("  José   GARCÍA "), "jose garcia");
        assert_eq!(normalize_name("García, José"), "jose garcia");
        assert_eq!(normalize_name("O'Brien-Núñez"), "obriennunez");
        assert_eq!(normalize_name("Jürgen Straße"), "jurgen strasse");
        assert_eq!(normalize_name("Søren Łukasz Œuvre"), "soren lukasz oeuvre");
        assert_eq!(normalize_name("Zoë\tÅberg"), "zoe aberg");
        assert_eq!(normalize_name("Nguyễn Văn"), normalize_name("nguyễn văn"));
        assert_eq!(normalize_name("李 小龙"), "李 小龙");
        assert_eq!(normalize_name(" , "), "");
    }

    #[test]
    fn normalizes_areas() {
        assert_eq!(normalize_area("  Packing   Line 3 "), "packing line 3");
        assert_eq!(normalize_area("ÉTAGE"), "étage");
    }

    // --- reconcile ---

    #[test]
    fn sorts_rows_into_new_gone_moved_and_unchanged() {
        let rows = [
            row(2, "Jane Doe", "1", "Packing"),
            row(3, "Ann Lee", "2", "Shipping"),
            row(4, "Bo Kim", "9", "Packing"),
        ];
        let chart = [
            existing(10, "Jane Doe", "1", "packing"),
            existing(11, "Ann Lee", "2", "Packing"),
            existing(12, "Cy Park", "3", "Packing"),
        ];
        let r = reconcile(
            &rows,
            &chart,
            &strings(&["Packing"]),
            &[],
            MatchBy::EmployeeRef,
        );
        assert_eq!(r.unchanged, 1);
        assert_eq!(r.new, [rows[2].clone()]);
        assert_eq!(r.gone, [chart[2].clone()]);
        assert_eq!(
            r.moved,
            [Moved {
                id: 11,
                line: 3,
                name: "Ann Lee".into(),
                from_area: "Packing".into(),
                to_area: "Shipping".into(),
                from_shift: String::new(),
                to_shift: String::new(),
                from_job: String::new(),
                to_job: String::new(),
            }]
        );
        assert_eq!(r.new_areas, ["Shipping"]);
        assert!(r.new_shifts.is_empty());
    }

    #[test]
    fn an_empty_cell_in_the_file_means_unchanged() {
        let mut on_chart = existing(10, "Jane Doe", "1", "Packing");
        on_chart.shift = "Nights".into();
        on_chart.job_title = "Picker".into();
        let mut same = row(2, "Jane Doe", "1", "");
        let r = reconcile(
            &[same.clone()],
            &[on_chart.clone()],
            &[],
            &[],
            MatchBy::EmployeeRef,
        );
        assert_eq!((r.unchanged, r.moved.len()), (1, 0));

        same.shift = "Days".into();
        let r = reconcile(
            &[same],
            &[on_chart],
            &[],
            &strings(&["days"]),
            MatchBy::EmployeeRef,
        );
        assert_eq!(r.moved.len(), 1);
        let m = &r.moved[0];
        assert_eq!(
            (m.from_area.as_str(), m.to_area.as_str()),
            ("Packing", "Packing")
        );
        assert_eq!(
            (m.from_shift.as_str(), m.to_shift.as_str()),
            ("Nights", "Days")
        );
        assert_eq!(
            (m.from_job.as_str(), m.to_job.as_str()),
            ("Picker", "Picker")
        );
        assert!(
            r.new_shifts.is_empty(),
            "Days is known (case-insensitively)"
        );
    }

    #[test]
    fn job_title_changes_count_as_moved_but_case_does_not() {
        let mut on_chart = existing(10, "Jane Doe", "", "Packing");
        on_chart.job_title = "Picker".into();
        let mut file_row = row(2, "Jane Doe", "", "Packing");
        file_row.job_title = "PICKER".into();
        let r = reconcile(
            &[file_row.clone()],
            &[on_chart.clone()],
            &[],
            &[],
            MatchBy::NameAndArea,
        );
        assert_eq!(r.unchanged, 1);
        file_row.job_title = "Lead Picker".into();
        let r = reconcile(&[file_row], &[on_chart], &[], &[], MatchBy::NameAndArea);
        assert_eq!(r.moved[0].to_job, "Lead Picker");
    }

    #[test]
    fn lists_new_areas_and_shifts_once_in_first_seen_order() {
        let mut rows = vec![
            row(2, "A", "", "Shipping"),
            row(3, "B", "", "packing"),
            row(4, "C", "", "Dock"),
            row(5, "D", "", " shipping "),
            row(6, "E", "", ""),
        ];
        rows[0].shift = "Nights".into();
        rows[1].shift = "Days".into();
        rows[2].shift = "NIGHTS".into();
        let r = reconcile(
            &rows,
            &[],
            &strings(&["Packing"]),
            &strings(&["Days"]),
            MatchBy::NameAndArea,
        );
        assert_eq!(r.new_areas, ["Shipping", "Dock"]);
        assert_eq!(r.new_shifts, ["Nights"]);
        assert_eq!(r.new.len(), 5);
    }

    #[test]
    fn matching_by_id_ignores_names_and_by_name_ignores_ids() {
        let rows = [row(2, "Jane Smith", "7", "Packing")];
        let chart = [
            existing(10, "Jane Doe", "7", "Packing"),
            existing(11, "Jane Smith", "8", "Packing"),
        ];
        let by_ref = reconcile(&rows, &chart, &[], &[], MatchBy::EmployeeRef);
        assert_eq!(by_ref.unchanged, 1);
        assert_eq!(by_ref.gone, [chart[1].clone()]);
        let by_name = reconcile(&rows, &chart, &[], &[], MatchBy::NameAndArea);
        assert_eq!(by_name.unchanged, 1);
        assert_eq!(by_name.gone, [chart[0].clone()]);
    }

    #[test]
    fn ids_match_trimmed_and_case_insensitively() {
        let rows = [row(2, "Jane Doe", " ab-7 ", "Packing")];
        let chart = [existing(10, "J. Doe", "AB-7", "Packing")];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::EmployeeRef);
        assert_eq!((r.unchanged, r.new.len(), r.gone.len()), (1, 0, 0));
    }

    #[test]
    fn matching_by_id_falls_back_to_name_for_rows_without_one() {
        let rows = [row(2, "Doe, Jane", "", "Packing")];
        let chart = [existing(10, "Jane Doe", "5", "Packing")];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::EmployeeRef);
        assert_eq!(r.unchanged, 1);
    }

    #[test]
    fn an_unknown_id_matches_by_name_only_a_coworker_without_an_id() {
        // The first import onto a chart built by hand: nobody has an ID yet.
        let rows = [
            row(2, "Jane Doe", "100", "Packing"),
            row(3, "Ann Lee", "101", "Packing"),
        ];
        let chart = [
            existing(10, "Jane Doe", "", "Packing"),
            existing(11, "Ann Lee", "55", "Packing"),
        ];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::EmployeeRef);
        assert_eq!(r.unchanged, 1);
        assert_eq!(
            r.new,
            [rows[1].clone()],
            "Ann Lee with ID 55 is someone else"
        );
        assert_eq!(r.gone, [chart[1].clone()]);
    }

    #[test]
    fn a_name_alone_matches_only_when_it_is_unique() {
        let rows = [row(2, "Jane Doe", "", ""), row(3, "Ann Lee", "", "")];
        let chart = [
            existing(10, "Jane Doe", "", "Packing"),
            existing(11, "Ann Lee", "", "Packing"),
            existing(12, "Ann Lee", "", "Shipping"),
        ];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::NameAndArea);
        assert_eq!(
            r.unchanged, 1,
            "Jane matched by name; the area is unchanged"
        );
        assert_eq!(r.new, [rows[1].clone()], "two Ann Lees: cannot tell which");
        assert_eq!(r.gone.len(), 2);
    }

    #[test]
    fn a_coworker_without_an_area_matches_by_name_and_moves() {
        let rows = [row(2, "Jane Doe", "", "Packing")];
        let chart = [existing(10, "Jane Doe", "", "")];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::NameAndArea);
        assert_eq!(r.moved.len(), 1);
        assert_eq!(
            (r.moved[0].from_area.as_str(), r.moved[0].to_area.as_str()),
            ("", "Packing")
        );
        // But a coworker in another area is someone else.
        let chart = [existing(10, "Jane Doe", "", "Shipping")];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::NameAndArea);
        assert_eq!((r.new.len(), r.gone.len()), (1, 1));
    }

    #[test]
    fn each_coworker_is_matched_at_most_once() {
        let rows = [
            row(2, "Jane Doe", "", "Packing"),
            row(3, "Jane Doe", "", "Packing"),
        ];
        let chart = [
            existing(10, "Jane Doe", "", "Packing"),
            existing(11, "Jane Doe", "", "Packing"),
            existing(12, "Jane Doe", "", "Packing"),
        ];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::NameAndArea);
        assert_eq!(r.unchanged, 2);
        assert_eq!(r.gone, [chart[2].clone()]);

        let rows = [row(2, "Jane Doe", "1", ""), row(3, "Jane Doe", "1", "")];
        let chart = [existing(10, "Jane Doe", "1", "")];
        let r = reconcile(&rows, &chart, &[], &[], MatchBy::EmployeeRef);
        assert_eq!((r.unchanged, r.new.len()), (1, 1));
    }

    #[test]
    fn coworkers_off_the_list_still_match_and_are_never_gone() {
        let mut left = existing(10, "Jane Doe", "1", "Packing");
        left.on_list = false;
        let mut fired = existing(11, "Ann Lee", "2", "Packing");
        fired.on_list = false;
        let rows = [row(2, "Jane Doe", "1", "Shipping")];
        let r = reconcile(&rows, &[left, fired], &[], &[], MatchBy::EmployeeRef);
        assert!(r.new.is_empty());
        assert!(r.gone.is_empty());
        assert_eq!(r.moved[0].id, 10);
    }

    #[test]
    fn reconciles_a_hundred_thousand_rows() {
        const N: usize = 100_000;
        let areas: Vec<String> = (0..50).map(|a| format!("Area {a}")).collect();
        let rows: Vec<RosterRow> = (0..N)
            .map(|i| {
                // Every tenth row has no ID, so name matching is exercised too.
                let employee_ref = if i % 10 == 0 {
                    String::new()
                } else {
                    i.to_string()
                };
                let area = &areas[i % 50];
                let mut r = row(i + 2, &format!("Worker {i}"), &employee_ref, area);
                // Some with an ID move (without one, a move reads as new + gone).
                if i % 7 == 0 && !r.employee_ref.is_empty() {
                    r.area = areas[(i + 1) % 50].clone();
                }
                r
            })
            .collect();
        let chart: Vec<Existing> = (0..N)
            .map(|i| {
                // The last thousand on the chart are not on the file.
                let n = if i >= N - 1000 { i + N } else { i };
                existing(
                    n as i64,
                    &format!("Worker {n}"),
                    &n.to_string(),
                    &areas[n % 50],
                )
            })
            .collect();
        let r = reconcile(&rows, &chart, &areas, &[], MatchBy::EmployeeRef);
        assert_eq!(r.new.len(), 1000);
        assert_eq!(r.gone.len(), 1000);
        assert_eq!(r.unchanged + r.moved.len(), N - 1000);
        assert!(!r.moved.is_empty());
    }

    // --- parse_file (server only) ---

    #[cfg(feature = "ssr")]
    mod parsing {
        use super::super::*;

        fn parse(text: &str) -> RosterFile {
            parse_file(text.as_bytes()).unwrap_or_else(|e| panic!("{e:?}"))
        }

        fn refusal(bytes: &[u8]) -> String {
            let err = parse_file(bytes).expect_err("the file should be refused");
            err.field_message("file")
                .unwrap_or_else(|| panic!("expected a validation error on file, got {err:?}"))
        }

        fn lines(f: &RosterFile) -> Vec<usize> {
            f.rows.iter().map(|r| r.line).collect()
        }

        #[test]
        fn parses_a_simple_file_with_trimmed_cells_and_line_numbers() {
            let f = parse(
                "Name, Dept ,Shift\r\n Jane Doe ,Packing,Days\r\nAnn Lee,Shipping,Nights\r\n",
            );
            assert_eq!(f.headers, ["Name", "Dept", "Shift"]);
            assert_eq!(f.rows[0].cells, ["Jane Doe", "Packing", "Days"]);
            assert_eq!(lines(&f), [2, 3]);
        }

        #[test]
        fn counts_lines_in_old_mac_files_ending_lines_with_cr() {
            let f = parse("Name,Notes\r\rJane,\"a\rb\"\rAnn,x\r");
            assert_eq!(lines(&f), [3, 5]);
            assert_eq!(f.rows[0].cells, ["Jane", "a\rb"]);
            let message = refusal(b"Name\rJane\rJos\xe9\r");
            assert!(message.starts_with("Line 3 "), "{message}");
        }

        #[test]
        fn strips_a_utf8_bom() {
            let f = parse("\u{feff}Name,Dept\nJosé,Packing\n");
            assert_eq!(f.headers, ["Name", "Dept"]);
            assert_eq!(f.rows[0].cells, ["José", "Packing"]);
        }

        #[test]
        fn detects_semicolons_and_tabs() {
            let f = parse("Name;Dept;Rate\nSmith, Jane;Packing;12,50\n");
            assert_eq!(f.headers, ["Name", "Dept", "Rate"]);
            assert_eq!(f.rows[0].cells, ["Smith, Jane", "Packing", "12,50"]);
            let f = parse("Name\tDept\nJane Doe\tPacking\n");
            assert_eq!(f.rows[0].cells, ["Jane Doe", "Packing"]);
        }

        #[test]
        fn detection_ignores_delimiters_inside_quotes() {
            let f = parse("\"Name, last, first\";Dept\n\"Doe, Jane\";Packing\n");
            assert_eq!(f.headers, ["Name, last, first", "Dept"]);
            assert_eq!(f.rows[0].cells, ["Doe, Jane", "Packing"]);
        }

        #[test]
        fn a_single_column_file_is_fine() {
            let f = parse("Name\nJane Doe\n");
            assert_eq!(f.headers, ["Name"]);
            assert_eq!(f.rows[0].cells, ["Jane Doe"]);
        }

        #[test]
        fn multi_line_quoted_cells_keep_later_line_numbers_right() {
            let f = parse(
                "Name,Notes\nJane,\"first\nsecond\nthird\"\nAnn,plain\n\n\"Bo\",\"say \"\"hi\"\"\"\n",
            );
            assert_eq!(lines(&f), [2, 5, 7]);
            assert_eq!(f.rows[0].cells[1], "first\nsecond\nthird");
            assert_eq!(f.rows[2].cells, ["Bo", "say \"hi\""]);
        }

        #[test]
        fn skips_blank_rows_pads_short_rows_and_drops_extra_cells() {
            let f = parse("\n\nName,Dept,Shift\n,,\nJane\n\nAnn,Packing,Days,extra,more\n  \n");
            assert_eq!(f.headers, ["Name", "Dept", "Shift"]);
            assert_eq!(lines(&f), [5, 7]);
            assert_eq!(f.rows[0].cells, ["Jane", "", ""]);
            assert_eq!(f.rows[1].cells, ["Ann", "Packing", "Days"]);
        }

        #[test]
        fn keeps_duplicate_and_empty_headers() {
            let f = parse("Name,Phone,Phone,\nJane,1,2,3\n");
            assert_eq!(f.headers, ["Name", "Phone", "Phone", ""]);
            assert_eq!(f.rows[0].cells, ["Jane", "1", "2", "3"]);
        }

        #[test]
        fn a_stray_quote_inside_an_unquoted_cell_is_kept() {
            let f = parse("Name,Note\nJane,5\" screen\n");
            assert_eq!(f.rows[0].cells[1], "5\" screen");
        }

        #[test]
        fn refuses_latin1_and_names_the_line() {
            let mut bytes = b"Name,Dept\nJane,Packing\nAnn,Shipping\n".to_vec();
            bytes.extend_from_slice(b"Jos\xe9 Garc\xeda,Packing\n");
            let message = refusal(&bytes);
            assert!(message.starts_with("Line 4 is not UTF-8 text"), "{message}");
            assert!(message.contains("CSV UTF-8"));
        }

        #[test]
        fn refuses_utf16() {
            for bom in [[0xFF, 0xFE], [0xFE, 0xFF]] {
                let mut bytes = bom.to_vec();
                bytes.extend_from_slice(&[b'N', 0, b'a', 0]);
                let message = refusal(&bytes);
                assert!(message.contains("UTF-16"), "{message}");
                assert!(message.contains("CSV UTF-8"), "{message}");
            }
            // No byte-order mark, but the zero bytes give it away.
            assert!(refusal(b"N\0a\0m\0e\0\n\0").contains("UTF-16"));
        }

        #[test]
        fn refuses_excel_workbooks() {
            for magic in [
                &b"PK\x03\x04rest"[..],
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1][..],
            ] {
                assert_eq!(
                    refusal(magic),
                    "This looks like an Excel workbook, not CSV. In your spreadsheet choose \
                     File → Save As → CSV UTF-8 and upload that."
                );
            }
        }

        #[test]
        fn refuses_an_oversized_file_giving_its_size() {
            let message = refusal(&vec![b'a'; MAX_FILE_BYTES + 1]);
            assert!(
                message.starts_with(
                    "The file is 20.1 MB; the largest roster rankfile takes is 20 MB."
                ),
                "{message}"
            );
            let message = refusal(&vec![b'a'; 52_400 * 1024 + 100]);
            assert!(message.starts_with("The file is 51.2 MB;"), "{message}");
        }

        #[test]
        fn refuses_empty_files_and_files_without_rows() {
            assert!(refusal(b"").starts_with("The file is empty."));
            assert!(refusal(b"\xEF\xBB\xBF \r\n\n").starts_with("The file is empty."));
            assert!(refusal(b",,\n,,\n").starts_with("The file has no rows."));
            assert!(refusal(b"Name,Dept\n\n").contains("no coworkers below it"));
        }

        #[test]
        fn refuses_more_than_max_rows() {
            let mut text = String::from("Name\n");
            for _ in 0..MAX_ROWS {
                text.push_str("a\n");
            }
            assert_eq!(parse(&text).rows.len(), MAX_ROWS);
            text.push_str("b\n");
            let message = refusal(text.as_bytes());
            assert!(message.contains("more than 100,000 rows"), "{message}");
        }

        #[test]
        fn refuses_malformed_quoting_and_names_the_line() {
            let message = refusal(b"Name,Dept\nJane,Packing\nAnn,\"Shipping\nBo,Dock\n");
            assert!(
                message.contains("starts on line 3 is never closed"),
                "{message}"
            );
            let message = refusal(b"Name,Dept\nJane,Packing\n\"Ann\" Lee,Dock\n");
            assert!(message.starts_with("Line 3 has a quote mark"), "{message}");
            // Spaces after a closing quote are fine.
            assert_eq!(
                parse("Name,Dept\n\"Ann\" ,Dock\n").rows[0].cells,
                ["Ann", "Dock"]
            );
        }

        #[test]
        fn refuses_more_columns_than_the_limit_naming_the_line() {
            let header = |n: usize| {
                (1..=n)
                    .map(|c| format!("c{c}"))
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let ok = parse(&format!("{}\nAna\n", header(MAX_COLUMNS)));
            assert_eq!(ok.headers.len(), MAX_COLUMNS);
            let message = refusal(format!("{}\nAna\n", header(MAX_COLUMNS + 1)).as_bytes());
            assert!(
                message.starts_with("Line 1 has 201 columns; rankfile reads at most 200."),
                "{message}"
            );
            // A data row is held to the same limit, though its extra cells are ignored.
            let message =
                refusal(format!("Name,Dept\nAna,ICU\n\nBen{}\n", ",".repeat(250)).as_bytes());
            assert!(message.starts_with("Line 4 has 251 columns"), "{message}");
        }

        #[test]
        fn a_header_of_a_million_commas_is_refused_before_any_row_is_built() {
            let mut text = format!("Name{}\n", ",".repeat(1_000_000));
            text.push_str("Ana\nBen\n");
            let message = refusal(text.as_bytes());
            assert!(
                message.starts_with("Line 1 has 1,000,001 columns"),
                "{message}"
            );
        }

        #[test]
        fn refuses_a_cell_longer_than_the_limit_naming_line_and_column() {
            let at_limit = "é".repeat(MAX_CELL_CHARS);
            let f = parse(&format!("Name,Notes\nAna,{at_limit}\n"));
            assert_eq!(f.rows[0].cells[1].chars().count(), MAX_CELL_CHARS);
            let message = refusal(format!("Name,Notes\nAna,ok\nBen,  {at_limit}x  \n").as_bytes());
            assert!(
                message.starts_with(
                    "Line 3, column 2: a cell of 1,001 characters; the longest rankfile takes \
                     is 1,000 characters."
                ),
                "{message}"
            );
            // Headers too, and cells beyond the last header are ignored, not measured.
            assert!(refusal(format!("Name,{at_limit}x\nAna,1\n").as_bytes())
                .starts_with("Line 1, column 2"));
            assert_eq!(
                parse(&format!("Name\nAna,{at_limit}x\n")).rows[0].cells,
                ["Ana"]
            );
        }

        #[test]
        fn bounds_the_cells_of_one_file() {
            // 200 columns and a one-letter line each: a 20 KB file that would be
            // two million padded cells.
            let mut text = (1..=MAX_COLUMNS)
                .map(|c| format!("c{c}"))
                .collect::<Vec<_>>()
                .join(",");
            text.push('\n');
            let fit = MAX_CELLS / MAX_COLUMNS;
            for _ in 0..fit {
                text.push_str("a\n");
            }
            assert_eq!(parse(&text).rows.len(), fit);
            text.push_str("b\n");
            let message = refusal(text.as_bytes());
            assert!(
                message.starts_with(&format!(
                    "Line {}: the file has more than 2,000,000 cells",
                    fit + 2
                )),
                "{message}"
            );
        }

        /// What every answer of `parse_file` must respect, whatever the bytes.
        fn check_limits(bytes: &[u8]) {
            match parse_file(bytes) {
                Ok(f) => {
                    assert!(!f.headers.is_empty() && f.headers.len() <= MAX_COLUMNS);
                    assert!(!f.rows.is_empty() && f.rows.len() <= MAX_ROWS);
                    assert!(f.rows.len() * f.headers.len() <= MAX_CELLS);
                    for cell in &f.headers {
                        assert!(cell.chars().count() <= MAX_CELL_CHARS);
                    }
                    let mut last = 0;
                    for row in &f.rows {
                        assert_eq!(row.cells.len(), f.headers.len());
                        assert!(row.line > last, "lines go forward");
                        last = row.line;
                        for cell in &row.cells {
                            assert!(cell.chars().count() <= MAX_CELL_CHARS);
                        }
                    }
                    // The rest of the pipeline takes whatever the parser gives it.
                    let mapping = suggest_mapping(&f.headers);
                    if let Ok((rows, _)) = map_rows(&f, &mapping) {
                        reconcile(&rows, &[], &[], &[], MatchBy::EmployeeRef);
                    }
                }
                Err(AppError::Validation { field, message }) => {
                    assert_eq!(field, "file");
                    assert!(!message.is_empty());
                }
                Err(other) => panic!("not a named refusal: {other:?}"),
            }
        }

        mod properties {
            use super::*;
            use proptest::prelude::*;

            /// Rows of short cells, some quoted, some empty, of any width around the
            /// column limit, with now and then a cell around the length limit.
            fn csvish() -> impl Strategy<Value = String> {
                let cell = prop_oneof![
                    8 => "[A-Za-z0-9 @=+.é-]{0,6}",
                    2 => "\"[A-Za-z,;\n\" ]{0,6}\"",
                    1 => (995usize..1_005).prop_map(|n| "x".repeat(n)),
                ];
                let row = prop::collection::vec(cell, 0..(MAX_COLUMNS + 8));
                (
                    prop::collection::vec(row, 0..6),
                    prop_oneof![Just(","), Just(";"), Just("\t")],
                    prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
                )
                    .prop_map(|(rows, sep, end)| {
                        rows.iter()
                            .map(|r| r.join(sep))
                            .collect::<Vec<_>>()
                            .join(end)
                    })
            }

            proptest! {
                // Bounded: a few thousand small cases, a couple of seconds in a debug build.
                #![proptest_config(ProptestConfig {
                    cases: 1_500,
                    failure_persistence: None,
                    ..ProptestConfig::default()
                })]

                #[test]
                fn arbitrary_bytes_never_panic_and_respect_the_limits(
                    bytes in prop::collection::vec(any::<u8>(), 0..512)
                ) {
                    check_limits(&bytes);
                }

                #[test]
                fn csv_like_text_never_panics_and_respects_the_limits(text in csvish()) {
                    check_limits(text.as_bytes());
                }

                #[test]
                fn text_from_csv_characters_never_panics(text in "[a-c,;\t\"\r\n =\u{feff}]{0,300}") {
                    check_limits(text.as_bytes());
                }
            }
        }

        #[test]
        fn the_whole_flow_from_bytes_to_a_preview() {
            let text = "\u{feff}Employee Name;Dept;Shift;Job Classification;Hire Date;Phone\n\
                        \"Doe, Jane\";Packing;Days;Picker;2020-01-01;+1 (555) 010-2030\n\
                        Ann Lee;Shipping;Nights;Driver;2021-02-02;\n\
                        Bo Kim;Packing;Days;=1+1;2022-03-03;\n";
            let f = parse(text);
            let mapping = suggest_mapping(&f.headers);
            let (rows, errors) = map_rows(&f, &mapping).unwrap();
            assert_eq!(errors.len(), 1);
            assert_eq!((errors[0].line, errors[0].field.as_str()), (4, "job_title"));
            assert_eq!(rows[0].name, "Jane Doe");
            let chart = [Existing {
                id: 1,
                name: "Jane Doe".into(),
                employee_ref: String::new(),
                area: "Packing".into(),
                shift: "Nights".into(),
                job_title: "Picker".into(),
                on_list: true,
            }];
            let r = reconcile(
                &rows,
                &chart,
                &["Packing".into()],
                &["Nights".into()],
                MatchBy::NameAndArea,
            );
            assert_eq!(r.moved.len(), 1);
            assert_eq!(r.moved[0].to_shift, "Days");
            assert_eq!(r.new.len(), 1);
            assert_eq!(r.new_areas, ["Shipping"]);
            assert_eq!(r.new_shifts, ["Days"]);
        }
    }
}

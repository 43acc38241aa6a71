//! Applying the mapping: every row read, checked and named by its line.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::normalize::{collapse_whitespace, first_name_first, normalize_area, normalize_name};
use super::{Field, Mapping, RosterFile};
use crate::fields::{is_plausible_email, is_plausible_phone, parse_name};
use crate::Choice;
use crate::Invalid;

/// Cells longer than this are quoted in messages only up to here.
const SNIPPET_CHARS: usize = 30;

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
) -> Result<(Vec<RosterRow>, Vec<RowError>), Invalid> {
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
                    message: err.message,
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
    } else if value.chars().any(crate::text::is_bidi_control) {
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
    } else if field == Field::Email && !value.is_empty() && !is_plausible_email(value) {
        Some(format!(
            "Personal email \"{}\" is not an email address.",
            snippet(value)
        ))
    } else if field == Field::Phone && !value.is_empty() && !is_plausible_phone(value) {
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
            !is_placeholder(value) && !plausible_number(value) && !is_plausible_phone(value)
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

/// The cell as quoted in a message: at most [`SNIPPET_CHARS`] characters.
fn snippet(value: &str) -> String {
    match value.char_indices().nth(SNIPPET_CHARS) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::fixtures::*;
    use crate::roster::RawRow;

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
    fn an_email_the_coworker_form_refuses_is_refused_on_import_too() {
        // Within the cell's 254 characters but over RFC 5321's 254 bytes: the import
        // used to take it, and the coworker form then refused every save of the record.
        let m = [Some(Field::Name), Some(Field::Email)];
        let h = ["Name", "Email"];
        let accented = format!("{}@example.org", "é".repeat(188));
        assert!(accented.chars().count() <= 254 && accented.len() > 254);
        assert!(crate::fields::parse_email(&accented).is_err());
        let errors = errors_for(&h, &m, &[&["Jane", &accented]]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "email");
        assert!(errors[0].message.contains("is not an email address"));
        let fine = errors_for(&h, &m, &[&["José", "josé@example.org"]]);
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
            encoding: String::new(),
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
}

//! Our fields, the mapping from file columns to them, and its guess from the headers.

use serde::{Deserialize, Serialize};

use crate::choice::choice;
use crate::Choice;
use crate::Invalid;

choice! {
    /// A column of ours a file column can be mapped to.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Field {
        Name => "name", "Full name";
        FirstName => "first_name", "First name";
        LastName => "last_name", "Last name";
        EmployeeRef => "employee_ref", "Employee ID";
        Area => "area", "Area / department";
        Shift => "shift", "Shift";
        JobTitle => "job_title", "Job title";
        Phone => "phone", "Personal phone";
        Email => "email", "Personal email";
        Language => "language", "Preferred language";
    }
}

impl Field {
    /// Header names (compared as [`header_words`]) that suggest this field.
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
                "given name",
                "preferred name",
                "preferred first name",
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
            Field::Email => &["email", "e-mail", "email address", "personal email", "mail"],
            Field::Language => &["language", "preferred language", "lang"],
        }
    }

    /// The longest cell accepted for this field, in characters.
    pub(super) fn max_chars(self) -> usize {
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
    pub(super) fn resolve(&self, width: usize) -> Result<[Option<usize>; 10], Invalid> {
        if self.columns.len() > width {
            return Err(Invalid::new(
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
                return Err(Invalid::new(
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
            return Err(Invalid::new(
                "mapping",
                "Choose which column holds the coworker's name.",
            ));
        }
        Ok(columns)
    }
}

/// Best guess of the mapping from the file's headers ([`suggest`]'s fields).
pub fn suggest_mapping(headers: &[String]) -> Mapping {
    Mapping {
        columns: suggest(headers)
            .into_iter()
            .map(|s| s.map(|s| s.field))
            .collect(),
    }
}

/// A guessed field for a column, and how sure the guess is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub field: Field,
    /// 1.0 when the header, read as words, is one of the field's names; less for a
    /// near miss (a typo), down to [`NEAR_MISS`].
    pub confidence: f64,
}

/// The least Jaro-Winkler similarity a header may have to one of a field's names and
/// still be guessed as that field ("Departmnet" is; "Hire Date" is not a shift).
pub const NEAR_MISS: f64 = 0.92;

/// For each column, the field its header names, if any, with the confidence. A field
/// goes to one column only: the surest (the first on a tie), so two columns are never
/// guessed into one field; a person confirms the rest.
pub fn suggest(headers: &[String]) -> Vec<Option<Suggestion>> {
    let mut best: Vec<Option<Suggestion>> = headers.iter().map(|h| best_field(h)).collect();
    for field in Field::ALL {
        let mut holders: Vec<usize> = (0..best.len())
            .filter(|&i| best[i].is_some_and(|s| s.field == field))
            .collect();
        // Surest first; on a tie the leftmost column keeps it.
        holders.sort_by(|&a, &b| {
            let (sa, sb) = (
                best[a].map_or(0.0, |s| s.confidence),
                best[b].map_or(0.0, |s| s.confidence),
            );
            sb.total_cmp(&sa).then(a.cmp(&b))
        });
        for &loser in holders.iter().skip(1) {
            best[loser] = None;
        }
    }
    best
}

/// The field a header names, and how sure: its words exactly one of a field's names,
/// else the closest name by Jaro-Winkler if close enough.
fn best_field(header: &str) -> Option<Suggestion> {
    let words = header_words(header);
    if words.is_empty() {
        return None;
    }
    // "Empl Shift Cd" is the employee's shift: read it with and without "employee".
    let readings = [
        Some(words.as_str()),
        words
            .strip_prefix("employee ")
            .or_else(|| words.strip_prefix("worker "))
            .or_else(|| words.strip_prefix("staff ")),
    ];
    let mut best: Option<Suggestion> = None;
    for field in Field::ALL {
        for name in field.synonyms() {
            let name = header_words(name);
            for reading in readings.iter().flatten() {
                let confidence = if name == *reading {
                    1.0
                } else {
                    strsim::jaro_winkler(&name, reading)
                };
                if confidence >= NEAR_MISS && best.is_none_or(|b| confidence > b.confidence) {
                    best = Some(Suggestion { field, confidence });
                }
            }
        }
    }
    best
}

/// A header as words, for comparing with a field's names: split at punctuation, spaces
/// and camelCase ("EmplShiftCd"), lower-cased, abbreviations spelled out ("dept",
/// "descr", "cd", "dt", "nbr", "empl", "loc", "#"), and the words that only describe a
/// column ("description", "code", "text") left out, so "Department Descr" reads as
/// "department" and "Empl Shift Cd" as "employee shift".
pub fn header_words(header: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut previous: Option<char> = None;
    let flush = |word: &mut String, words: &mut Vec<String>| {
        if !word.is_empty() {
            words.push(std::mem::take(word));
        }
    };
    for c in header.chars() {
        if c == '#' {
            flush(&mut word, &mut words);
            words.push("number".into());
        } else if c.is_alphanumeric() {
            // A capital after a small letter starts a word ("emplId"), as does a letter
            // after a digit or a digit after a letter.
            let boundary = previous.is_some_and(|p| {
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_alphabetic() && c.is_numeric())
                    || (p.is_numeric() && c.is_alphabetic())
            });
            if boundary {
                flush(&mut word, &mut words);
            }
            word.extend(c.to_lowercase());
        } else {
            flush(&mut word, &mut words);
        }
        previous = Some(c);
    }
    flush(&mut word, &mut words);
    let spelled: Vec<&str> = words
        .iter()
        .map(|w| match w.as_str() {
            "dept" | "dpt" => "department",
            "descr" | "desc" => "description",
            "cd" => "code",
            "dt" => "date",
            "nbr" | "num" | "no" => "number",
            "empl" | "emp" | "ee" => "employee",
            "loc" => "location",
            "ph" => "phone",
            "addr" => "address",
            other => other,
        })
        .filter(|w| !matches!(*w, "description" | "code" | "text" | "the" | "of"))
        .collect();
    spelled.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::fixtures::*;
    use crate::roster::map_rows;

    // --- Field ---

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
    fn reads_peoplesoft_style_headers() {
        let headers = strings(&[
            "EMPLID",
            "Name",
            "Dept ID",
            "Department Descr",
            "Empl Shift Cd",
            "Job Cd Descr",
            "Hire Dt",
            "Location Descr",
            "Preferred Name",
        ]);
        assert_eq!(
            suggest_mapping(&headers).columns,
            vec![
                Some(Field::EmployeeRef),
                Some(Field::Name),
                // "department id" is near "department", but the description is the name.
                None,
                Some(Field::Area),
                Some(Field::Shift),
                Some(Field::JobTitle),
                None,
                // Also an area: the surer (or, on a tie, the first) column keeps it.
                None,
                Some(Field::FirstName),
            ]
        );
    }

    #[test]
    fn tolerates_typos_and_says_how_sure() {
        let headers = strings(&["Departmnet", "Emploee Name", "Shfit", "Notes", "Hire Date"]);
        let guessed = suggest(&headers);
        let fields: Vec<_> = guessed.iter().map(|s| s.map(|s| s.field)).collect();
        assert_eq!(
            fields,
            [
                Some(Field::Area),
                Some(Field::Name),
                Some(Field::Shift),
                None,
                None
            ]
        );
        for s in guessed.iter().flatten() {
            assert!(s.confidence >= NEAR_MISS && s.confidence < 1.0, "{s:?}");
        }
        assert_eq!(suggest(&strings(&["Shift"]))[0].unwrap().confidence, 1.0);
    }

    #[test]
    fn an_exact_header_beats_a_near_one_whatever_the_order() {
        let headers = strings(&["Departmnt", "Department"]);
        assert_eq!(
            suggest_mapping(&headers).columns,
            vec![None, Some(Field::Area)]
        );
    }

    #[test]
    fn header_words_split_spell_out_and_drop_descriptions() {
        assert_eq!(header_words("EmplShiftCd"), "employee shift");
        assert_eq!(header_words("Department_Descr"), "department");
        assert_eq!(header_words("  EMP #"), "employee number");
        assert_eq!(header_words("Hire Dt"), "hire date");
        assert_eq!(header_words("emplId"), "employee id");
        assert_eq!(header_words("Shift2"), "shift 2");
        assert_eq!(header_words("---"), "");
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
}

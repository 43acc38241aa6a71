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

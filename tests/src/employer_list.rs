//! The employer's list as the roster story and the import bench send it: a BOM, CRLF,
//! messy headers, "Last, First" names and a hire date rankfile ignores.

pub const DEPTS: [&str; 8] = [
    "ICU",
    "ER",
    "Pharmacy",
    "Radiology",
    "Oncology",
    "Dietary",
    "Transport",
    "NICU",
];
pub const SHIFTS: [&str; 3] = ["Day", "Evening", "Night"];
/// The mapping the import page sends back for the messy headers.
pub const MAPPING: &str = "employee_ref,name,area,shift,job_title,,phone";

/// Row `i` of the list; `moved` puts that person in the next department over.
pub fn line(i: usize, moved: bool) -> String {
    format!(
        "{},\"Worker{i}, Pat\",{},{},RN {},2019-0{}-1{},555-01{:02}-{:04}\r\n",
        10_000 + i,
        DEPTS[(i + usize::from(moved)) % DEPTS.len()],
        SHIFTS[i % 3],
        i % 4,
        1 + i % 9,
        i % 10,
        i % 100,
        i
    )
}

/// The list of the people `ids`, those for whom `moved` holds one department over.
pub fn employer_list(ids: impl Iterator<Item = usize>, moved: impl Fn(usize) -> bool) -> Vec<u8> {
    let mut csv = String::from(
        "\u{feff}Emp ID,Employee Name,Dept,Shift,Job Classification,Hire Date,Phone\r\n",
    );
    for i in ids {
        csv.push_str(&line(i, moved(i)));
    }
    csv.into_bytes()
}

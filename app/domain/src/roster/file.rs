//! Reading the uploaded bytes (server only: it needs the `csv` crate).

use super::{RawRow, RosterFile, MAX_CELLS, MAX_CELL_CHARS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS};
use crate::text::thousands;
use crate::Invalid;

const SAVE_AS_CSV: &str = "In your spreadsheet choose File → Save As → CSV UTF-8 and upload that.";

fn refuse(message: String) -> Invalid {
    Invalid::new("file", message)
}

/// Parses an uploaded roster: a CSV file (comma, semicolon or tab separated) whose
/// first non-blank row names the columns, in the text encoding it seems to be in
/// ([`super::encoding`]).
///
/// Blank rows are skipped; short rows are padded with empty cells and cells beyond
/// the last header are ignored; cells are trimmed. Each row keeps the physical line
/// it starts on, even after quoted cells that span lines. Every refusal is a
/// validation error on "file" (or "encoding") telling the lead what to do.
pub fn parse_file(bytes: &[u8]) -> Result<RosterFile, Invalid> {
    parse_file_as(bytes, "")
}

/// [`parse_file`], read as `encoding` (a label of [`super::encoding::CHOICES`]; empty:
/// as it seems to be).
pub fn parse_file_as(bytes: &[u8], encoding: &str) -> Result<RosterFile, Invalid> {
    let decoded = decode(bytes, encoding)?;
    let text = &*decoded.text;
    let delimiter = detect_delimiter(text);
    check_quotes(text, delimiter)?;
    let mut file = read_rows(text, delimiter)?;
    file.encoding = decoded.encoding.to_owned();
    Ok(file)
}

/// The bytes as text, or a refusal saying what the file seems to be instead.
fn decode<'a>(bytes: &'a [u8], encoding: &str) -> Result<super::encoding::Decoded<'a>, Invalid> {
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
    let decoded = super::encoding::decode(bytes, encoding)?;
    if decoded.text.chars().all(char::is_whitespace) {
        return Err(refuse(
            "The file is empty. Export the roster from your spreadsheet as CSV UTF-8 \
             and upload that."
                .to_owned(),
        ));
    }
    Ok(decoded)
}

/// The 1-based line holding byte `offset`.
pub(super) fn line_at(bytes: &[u8], offset: usize) -> usize {
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
fn check_quotes(text: &str, delimiter: u8) -> Result<(), Invalid> {
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
fn read_rows(text: &str, delimiter: u8) -> Result<RosterFile, Invalid> {
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
    Ok(RosterFile {
        headers,
        rows,
        encoding: String::new(),
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::{map_rows, reconcile, suggest_mapping, Existing, MatchBy};

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
        let f =
            parse("Name, Dept ,Shift\r\n Jane Doe ,Packing,Days\r\nAnn Lee,Shipping,Nights\r\n");
        assert_eq!(f.headers, ["Name", "Dept", "Shift"]);
        assert_eq!(f.rows[0].cells, ["Jane Doe", "Packing", "Days"]);
        assert_eq!(lines(&f), [2, 3]);
    }

    #[test]
    fn counts_lines_in_old_mac_files_ending_lines_with_cr() {
        let f = parse("Name,Notes\r\rJane,\"a\rb\"\rAnn,x\r");
        assert_eq!(lines(&f), [3, 5]);
        assert_eq!(f.rows[0].cells, ["Jane", "a\rb"]);
        let err = parse_file_as(b"Name\rJane\rJos\xe9\r", "UTF-8").unwrap_err();
        assert!(err.message.starts_with("Line 3 "), "{}", err.message);
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
    fn reads_windows_1252_and_names_the_line_when_told_it_is_utf8() {
        let mut bytes = b"Name,Dept\nJane,Packing\nAnn,Shipping\n".to_vec();
        bytes.extend_from_slice(b"Jos\xe9 Garc\xeda,Caf\xe9\x92s\n");
        let f = parse_file(&bytes).unwrap();
        assert_eq!(f.encoding, "windows-1252");
        assert_eq!(f.rows[2].cells, ["José García", "Café’s"]);
        let err = parse_file_as(&bytes, "UTF-8").unwrap_err();
        assert_eq!(err.field, "encoding");
        assert!(
            err.message.starts_with("Line 4 is not UTF-8 text"),
            "{}",
            err.message
        );
    }

    #[test]
    fn reads_utf16() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        let mut bare = Vec::new();
        for unit in "Name,Dept\r\nZoë,Pharmacy\r\n".encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
            bare.extend_from_slice(&unit.to_le_bytes());
        }
        for bytes in [le, be, bare] {
            let f = parse_file(&bytes).unwrap();
            assert!(f.encoding.starts_with("UTF-16"), "{}", f.encoding);
            assert_eq!(f.rows[0].cells, ["Zoë", "Pharmacy"]);
        }
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
            message.starts_with("The file is 20.1 MB; the largest roster rankfile takes is 20 MB."),
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
        let message = refusal(format!("Name,Dept\nAna,ICU\n\nBen{}\n", ",".repeat(250)).as_bytes());
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
            Err(Invalid { field, message, .. }) => {
                assert_eq!(field, "file");
                assert!(!message.is_empty());
            }
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

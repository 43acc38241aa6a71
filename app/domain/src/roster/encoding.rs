//! Which text encoding an uploaded roster is in: UTF-8 (with or without a byte-order
//! mark), UTF-16 (with a mark, or plain text whose every other byte is zero), or a
//! legacy single-byte encoding guessed by `chardetng` (what HR systems and Excel's
//! "CSV" export on Windows write: Windows-1252). The lead sees the preview decoded as
//! the guess and can choose another from [`CHOICES`] before anything is written.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use crate::Invalid;

pub use super::ENCODINGS as CHOICES;

/// The file's text and the encoding it was read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// The label, one of [`CHOICES`].
    pub encoding: &'static str,
}

/// The encoding a file seems to be in.
pub fn detect(bytes: &[u8]) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return encoding;
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        return encoding;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    // The whole file (at most 20 MB; the detector reads hundreds of MB a second): the
    // first letter outside ASCII may be far down a list sorted by name.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    // Only what a lead could also choose; anything else reads as Windows-1252, which
    // maps every byte (a wrong guess shows as odd letters in the preview, to change).
    if label_of(guess).is_some() {
        guess
    } else {
        encoding_rs::WINDOWS_1252
    }
}

/// UTF-16 without a byte-order mark: text whose every other byte is zero (the ASCII
/// letters of a header), the zeros on the odd bytes (little-endian) or the even ones.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(512) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_odd = head.chunks(2).filter(|p| p[1] == 0 && p[0] != 0).count();
    let zero_even = head.chunks(2).filter(|p| p[0] == 0 && p[1] != 0).count();
    if zero_odd * 10 >= pairs * 9 {
        Some(UTF_16LE)
    } else if zero_even * 10 >= pairs * 9 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// The label of one of [`CHOICES`].
fn label_of(encoding: &'static Encoding) -> Option<&'static str> {
    CHOICES
        .iter()
        .map(|(label, _)| *label)
        .find(|label| Encoding::for_label(label.as_bytes()) == Some(encoding))
}

/// The bytes as text: in `chosen` (a label of [`CHOICES`]), or in the encoding they seem
/// to be in when `chosen` is empty. A byte-order mark is removed. Refused, on "file" or
/// "encoding": an encoding not offered, UTF-8 chosen for a file that is not (the line
/// named), and anything that is not text at all.
pub fn decode<'a>(bytes: &'a [u8], chosen: &str) -> Result<Decoded<'a>, Invalid> {
    let encoding = match chosen.trim() {
        "" => detect(bytes),
        label => Encoding::for_label(label.as_bytes())
            .filter(|e| label_of(e).is_some())
            .ok_or_else(|| {
                Invalid::new(
                    "encoding",
                    "Choose one of the encodings offered.".to_owned(),
                )
            })?,
    };
    let encoding = match Encoding::for_bom(bytes) {
        // The mark says what the file is, whatever was chosen.
        Some((marked, _)) if chosen.trim().is_empty() || marked == encoding => marked,
        _ => encoding,
    };
    let label = label_of(encoding).unwrap_or("windows-1252");
    let (text, malformed) = encoding.decode_with_bom_removal(bytes);
    if malformed {
        if encoding == UTF_8 {
            let valid = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
                .map_or_else(|e| e.valid_up_to(), |_| 0);
            let line = super::file::line_at(bytes, valid.min(bytes.len()));
            return Err(Invalid::new(
                "encoding",
                format!(
                    "Line {line} is not UTF-8 text: choose the encoding the file was saved in \
                     (Windows-1252 for most exports from Excel or HR systems on Windows)."
                ),
            ));
        }
        return Err(Invalid::new(
            "encoding",
            format!("This file is not {label} text: choose another encoding."),
        ));
    }
    if text.contains('\0') {
        return Err(Invalid::new(
            "file",
            "This file is not CSV text (it has bytes no text has): export the roster \
             from your spreadsheet as CSV and upload that."
                .to_owned(),
        ));
    }
    Ok(Decoded {
        text,
        encoding: label,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for unit in text.encode_utf16() {
            out.extend_from_slice(&unit.to_le_bytes());
        }
        out
    }

    #[test]
    fn utf8_with_or_without_a_mark() {
        let plain = decode("Name,Área\nAna,Cocina\n".as_bytes(), "").unwrap();
        assert_eq!(
            (plain.encoding, &*plain.text),
            ("UTF-8", "Name,Área\nAna,Cocina\n")
        );
        let marked = decode("\u{feff}Name\r\nAna\r\n".as_bytes(), "").unwrap();
        assert_eq!(&*marked.text, "Name\r\nAna\r\n");
    }

    #[test]
    fn windows_1252_is_guessed_and_read() {
        // "Peña,Café’s" as Excel's CSV on Windows writes it.
        let mut bytes = b"Name,Department\nJos\xe9 Pe\xf1a,Caf\xe9\x92s kitchen\n".to_vec();
        bytes.extend(b"Ren\xe9e M\xfcller,Cuisine\n");
        let read = decode(&bytes, "").unwrap();
        assert_eq!(read.encoding, "windows-1252");
        assert!(
            read.text.contains("José Peña,Café’s kitchen"),
            "{}",
            read.text
        );
        assert!(read.text.contains("Renée Müller"));
    }

    #[test]
    fn utf16_with_a_mark_or_by_its_zeros() {
        for bom in [true, false] {
            let bytes = utf16le("Name,Area\nZoë,Pharmacy\n", bom);
            let read = decode(&bytes, "").unwrap();
            assert_eq!(read.encoding, "UTF-16LE");
            assert_eq!(&*read.text, "Name,Area\nZoë,Pharmacy\n");
        }
        let mut be = vec![0xFE, 0xFF];
        for unit in "Name\nAna\n".encode_utf16() {
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(decode(&be, "").unwrap().encoding, "UTF-16BE");
    }

    #[test]
    fn a_chosen_encoding_is_used_and_checked() {
        let bytes = b"Name\nJos\xe9\n";
        // Chosen wrongly: UTF-8 names the line that is not.
        let err = decode(bytes, "UTF-8").unwrap_err();
        assert_eq!(err.field, "encoding");
        assert!(
            err.message.starts_with("Line 2 is not UTF-8"),
            "{}",
            err.message
        );
        // Chosen rightly, under another of its labels.
        assert_eq!(&*decode(bytes, "latin1").unwrap().text, "Name\nJosé\n");
        assert_eq!(decode(bytes, "macintosh").unwrap().encoding, "macintosh");
        // Not offered.
        assert_eq!(
            decode(bytes, "x-user-defined").unwrap_err().field,
            "encoding"
        );
        assert_eq!(decode(bytes, "EBCDIC").unwrap_err().field, "encoding");
    }

    #[test]
    fn a_letter_far_down_the_file_decides() {
        let mut bytes = b"Name,Dept\n".to_vec();
        for i in 0..20_000 {
            bytes.extend(format!("Person {i},Packing\n").as_bytes());
        }
        bytes.extend(b"Zo\xeb Z\xfc\xf1iga,Packing\n");
        let read = decode(&bytes, "").unwrap();
        assert_eq!(read.encoding, "windows-1252");
        assert!(read.text.ends_with("Zoë Züñiga,Packing\n"));
    }

    #[test]
    fn what_is_not_text_is_refused() {
        let err = decode(b"\x00\x01\x02\x03binary\x00\xff\xfe", "").unwrap_err();
        assert_eq!(err.field, "file");
    }
}

//! What text may hold. Names are shown in lists, exports and the audit log: a
//! bidirectional override (U+202E) can make "Ana Reyes" display as someone else, or
//! turn a file name's extension around, so names refuse them; free text has them removed.

/// Unicode's bidirectional formatting characters: embeddings and overrides
/// (U+202A–U+202E), isolates (U+2066–U+2069) and the directional marks (U+200E,
/// U+200F, U+061C). Joiners (U+200C, U+200D) are not among them: scripts need them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// True for a character a name must not contain: a control character or a bidi control.
pub fn is_forbidden_in_name(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Free text (notes, next steps, asks) with control characters other than line breaks
/// and tabs removed, and bidi controls removed; `\r\n` becomes `\n`.
pub fn clean_free_text(raw: &str) -> String {
    raw.replace("\r\n", "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !(c.is_control() || is_bidi_control(c)))
        .collect()
}

/// Percent-encodes `text` for a URL's query (everything but the unreserved characters).
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// 100000 → "100,000".
pub fn thousands(n: usize) -> String {
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

/// A text field's counter: "120 of 4,000 characters", or how many too many. It counts
/// characters as the field's parser does (`fields::parse_text`).
pub fn count_words(len: usize, max: usize) -> String {
    if len > max {
        format!(
            "{} characters: {} too many (up to {})",
            thousands(len),
            thousands(len - max),
            thousands(max)
        )
    } else {
        format!("{} of {} characters", thousands(len), thousands(max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_with_thousands_and_say_how_many_too_many() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(count_words(4000, 4000), "4,000 of 4,000 characters");
        assert_eq!(
            count_words(5001, 4000),
            "5,001 characters: 1,001 too many (up to 4,000)"
        );
    }

    #[test]
    fn names_refuse_overrides_isolates_marks_and_controls() {
        for c in [
            '\u{202E}', '\u{202A}', '\u{2066}', '\u{2069}', '\u{200F}', '\u{061C}', '\u{0007}',
            '\n', '\u{0085}',
        ] {
            assert!(is_forbidden_in_name(c), "{:?}", c);
        }
        for c in [
            'a', 'é', 'ß', 'ع', '中', '\u{200D}', '\u{200C}', ' ', '-', '\'',
        ] {
            assert!(!is_forbidden_in_name(c), "{:?}", c);
        }
    }

    #[test]
    fn free_text_keeps_lines_and_tabs_and_drops_the_rest() {
        assert_eq!(
            clean_free_text("Pay\r\nstaffing\tok\u{202E}gpj.exe\u{0000}\u{0008}"),
            "Pay\nstaffing\tokgpj.exe"
        );
        assert_eq!(clean_free_text("شكرا\u{200C}لك"), "شكرا\u{200C}لك");
    }
}

//! Field parsers: one rule each for the text, names, ids, tags, phones and emails that
//! forms and the employer's list send. Every other domain module uses these; they use
//! nothing of the domain but `Invalid`.

use crate::Invalid;

/// An optional id from a form's `<select>`: `""` is none.
pub fn optional_id(raw: &str, field: &str) -> Result<Option<i64>, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .map(Some)
        .map_err(|_| Invalid::new(field, format!("'{raw}' is not a valid choice.")))
}

/// A checkbox: browsers send "on" when ticked and nothing otherwise.
pub fn checked(raw: &str) -> bool {
    matches!(raw.trim(), "on" | "true" | "1" | "yes")
}

/// Bounds a free-text field; `""` is allowed.
/// Control characters (but line breaks and tabs) and text-direction overrides are
/// removed: pasted text keeps its words, not the tricks.
pub fn parse_text(raw: &str, field: &str, what: &str, max: usize) -> Result<String, Invalid> {
    let text = crate::text::clean_free_text(raw);
    let text = text.trim();
    if text.chars().count() > max {
        return Err(Invalid::new(
            field,
            format!("{what} can be at most {max} characters."),
        ));
    }
    Ok(text.to_owned())
}

/// A plausible personal phone number: 7–15 digits, with spaces, dots, dashes,
/// parentheses and a leading + allowed. The one rule for the coworker form and the
/// roster import.
pub fn is_plausible_phone(raw: &str) -> bool {
    let raw = raw.trim();
    let body = raw.strip_prefix('+').unwrap_or(raw);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')'))
}

/// A plausible e-mail address (the mail server is the real test): one "@" with
/// something before it, a dotted domain after it, no spaces, and at most 254 octets
/// (RFC 5321's limit, in UTF-8 bytes, not characters), like a user's `access::Email`. The one
/// rule for the coworker form and the roster import.
pub fn is_plausible_email(raw: &str) -> bool {
    let raw = raw.trim();
    let Some((local, domain)) = raw.split_once('@') else {
        return false;
    };
    raw.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Optional phone: empty, or plausible.
pub fn parse_phone(raw: &str) -> Result<String, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() || is_plausible_phone(raw) {
        Ok(raw.to_owned())
    } else {
        Err(Invalid::new(
            "phone",
            "That does not look like a phone number (7 to 15 digits).",
        ))
    }
}

/// Optional e-mail: empty, or plausible.
pub fn parse_email(raw: &str) -> Result<String, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() || is_plausible_email(raw) {
        Ok(raw.to_owned())
    } else {
        Err(Invalid::new(
            "email",
            "That does not look like an e-mail address.",
        ))
    }
}

/// Comma-separated tags: trimmed, empty ones dropped, duplicates (any case) dropped.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, Invalid> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if tag.chars().count() > 40 {
            return Err(Invalid::new("tags", "A tag can be at most 40 characters."));
        }
        if tag.chars().any(crate::text::is_forbidden_in_name) {
            return Err(Invalid::new(
                "tags",
                "A tag cannot contain control characters or text-direction overrides.",
            ));
        }
        if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            tags.push(tag.to_owned());
        }
    }
    if tags.len() > 20 {
        return Err(Invalid::new("tags", "At most 20 tags."));
    }
    Ok(tags)
}

/// Trims and bounds a required name field: 1 to `max` characters, no control characters.
pub fn parse_name(raw: &str, field: &str, what: &str, max: usize) -> Result<String, Invalid> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Invalid::new(field, format!("Give the {what} a name.")));
    }
    if name.chars().count() > max {
        return Err(Invalid::new(
            field,
            format!("A {what} name can be at most {max} characters."),
        ));
    }
    if name.chars().any(crate::text::is_forbidden_in_name) {
        return Err(Invalid::new(
            field,
            format!("A {what} name cannot contain control characters or text-direction overrides."),
        ));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_at_most_254_bytes_not_characters() {
        let domain = "@example.org";
        let ascii = format!("{}{domain}", "a".repeat(254 - domain.len()));
        assert!(is_plausible_email(&ascii));
        assert!(!is_plausible_email(&format!("a{ascii}")));
        // 200 characters, but 388 bytes: "é" is two bytes in UTF-8.
        let accented = format!("{}{domain}", "é".repeat(188));
        assert_eq!(accented.chars().count(), 200);
        assert!(!is_plausible_email(&accented));
        assert!(parse_email(&accented).is_err());
        assert!(is_plausible_email("josé@example.org"));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            parse_name("  Line 3 ", "name", "area", 120).unwrap(),
            "Line 3"
        );
        assert!(parse_name(" ", "name", "area", 120).is_err());
        assert!(parse_name(&"x".repeat(121), "name", "area", 120).is_err());
    }
}

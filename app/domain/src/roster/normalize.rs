//! How names and areas are compared: the same person, however the file spells them.

/// "Smith, Jane" → "Jane Smith"; anything without exactly one comma is left alone.
pub(super) fn first_name_first(name: &str) -> String {
    match name.split_once(',') {
        Some((last, first)) if !first.contains(',') => format!("{} {}", first.trim(), last.trim())
            .trim()
            .to_owned(),
        _ => name.to_owned(),
    }
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
pub(super) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
#[cfg(test)]
mod tests {
    use super::*;

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
}

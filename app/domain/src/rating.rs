//! The support rating's words: one table for the chart, the log form, the forecast and
//! the structure tests' validation (they had drifted apart, three copies of it).

/// Each rating's label, 1 to 5, then the label of no rating: "Not rated" (never a 3).
pub const LABELS: [&str; 6] = [
    "1 · leader",
    "2 · supporter",
    "3 · undecided",
    "4 · opposed",
    "5 · hostile",
    "Not rated",
];

/// The label of a rating ("2 · supporter"), or of none.
pub fn label(rating: Option<i32>) -> &'static str {
    match rating {
        Some(r @ 1..=5) => LABELS[(r - 1) as usize],
        _ => LABELS[5],
    }
}

/// What rating `r` means ("supporter"); empty outside 1 to 5.
pub fn meaning(r: i32) -> &'static str {
    match r {
        1..=5 => LABELS[(r - 1) as usize]
            .split_once(" · ")
            .map_or("", |(_, m)| m),
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rating_has_its_number_and_one_meaning() {
        assert_eq!(label(Some(2)), "2 · supporter");
        assert_eq!(label(Some(5)), "5 · hostile");
        assert_eq!(label(None), "Not rated");
        assert_eq!(label(Some(0)), "Not rated");
        assert_eq!(label(Some(6)), "Not rated");
        let meanings: Vec<&str> = (0..=6).map(meaning).collect();
        assert_eq!(
            meanings,
            [
                "",
                "leader",
                "supporter",
                "undecided",
                "opposed",
                "hostile",
                ""
            ]
        );
    }
}

//! A coworker's chip on the chart: coloured by rating, with leader/committee marks.

use leptos::prelude::*;

use crate::domain::CoworkerSummary;

/// The meaning of each rating, shown wherever ratings are read or chosen (the words
/// are the domain's, `domain::rating`).
pub fn rating_meanings() -> [(&'static str, &'static str); 6] {
    use crate::domain::rating::meaning;
    [
        ("1", meaning(1)),
        ("2", meaning(2)),
        ("3", meaning(3)),
        ("4", meaning(4)),
        ("5", meaning(5)),
        ("unknown", "not yet rated"),
    ]
}

/// Words for a rating: "2 · supporter", or "not yet rated" (never a 3).
pub fn rating_words(rating: Option<i32>) -> String {
    match rating {
        Some(1..=5) => crate::domain::rating::label(rating).to_owned(),
        _ => "not yet rated".into(),
    }
}

/// The CSS class for a rating's colour.
pub fn rating_class(rating: Option<i32>) -> &'static str {
    match rating {
        Some(1) => "r1",
        Some(2) => "r2",
        Some(3) => "r3",
        Some(4) => "r4",
        Some(5) => "r5",
        _ => "ru",
    }
}

#[component]
pub fn Chip(campaign_id: i64, coworker: CoworkerSummary) -> impl IntoView {
    let c = coworker;
    let label = format!(
        "{}, {}{}{}",
        c.name,
        rating_words(c.rating),
        if c.organic_leader {
            ", organic leader"
        } else {
            ""
        },
        if c.committee_member {
            ", committee member"
        } else {
            ""
        },
    );
    view! {
        <li>
            <a
                class=format!("chip {}", rating_class(c.rating))
                href=format!("/campaigns/{campaign_id}/coworkers/{}", c.id)
                aria-label=label
            >
                <span class="chip-rating" aria-hidden="true">
                    {c.rating.map(|r| r.to_string()).unwrap_or_else(|| "?".into())}
                </span>
                {c.name}
                {c.organic_leader.then(|| view! { <span class="mark" aria-hidden="true" title="organic leader">"★"</span> })}
                {c.committee_member.then(|| view! { <span class="mark" aria-hidden="true" title="committee member">"◆"</span> })}
            </a>
        </li>
    }
}

/// A coworker's name as a link to their page, in their rating's colour.
pub fn coworker_link(campaign: i64, id: i64, name: &str, rating: Option<i32>) -> impl IntoView {
    view! {
        <a
            class=format!("chip {}", rating_class(rating))
            href=format!("/campaigns/{campaign}/coworkers/{id}")
            aria-label=format!("{name}, {}", rating_words(rating))
        >
            <span class="chip-rating" aria-hidden="true">
                {rating.map(|r| r.to_string()).unwrap_or_else(|| "?".into())}
            </span>
            {name.to_owned()}
        </a>
    }
}

/// The key to the colours and marks.
#[component]
pub fn RatingLegend() -> impl IntoView {
    view! {
        <ul class="legend" aria-label="Key">
            {rating_meanings()
                .iter()
                .map(|(key, meaning)| {
                    let class = format!("chip {}", if *key == "unknown" { "ru".to_owned() } else { format!("r{key}") });
                    view! {
                        <li>
                            <span class=class>
                                <span class="chip-rating">{if *key == "unknown" { "?" } else { key }}</span>
                                {*meaning}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
            <li><span class="mark">"★"</span>" organic leader"</li>
            <li><span class="mark">"◆"</span>" committee"</li>
        </ul>
    }
}

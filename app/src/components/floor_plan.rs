//! The floor-plan picture: each placed area a box on the grid, showing how many
//! coworkers it has and what share are 1s and 2s, shaded by that share.

use leptos::prelude::*;

use crate::domain::{AreaStats, GridBox};

/// Pixels per grid cell in the SVG's own coordinates (it scales to the screen).
const CELL: i32 = 12;

/// A fill for a share of supporters: grey for nobody there, red (cold) to green (hot).
fn shade(stats: &AreaStats) -> &'static str {
    if stats.coworkers == 0 || stats.suppressed {
        return "#e5e7eb";
    }
    match stats.support_percent() {
        0..=19 => "#fecaca",
        20..=39 => "#fed7aa",
        40..=59 => "#fef08a",
        60..=79 => "#bbf7d0",
        _ => "#86efac",
    }
}

#[component]
pub fn FloorPlan(stats: Vec<AreaStats>) -> impl IntoView {
    let placed: Vec<(GridBox, AreaStats)> = stats
        .iter()
        .filter(|s| !s.area.retired)
        .filter_map(|s| s.area.grid.map(|g| (g, s.clone())))
        .collect();
    let unplaced: Vec<String> = stats
        .iter()
        .filter(|s| !s.area.retired && s.area.grid.is_none() && s.area.parent_id.is_some())
        .map(|s| s.area.name.clone())
        .collect();
    if placed.is_empty() {
        return view! {
            <p class="empty">"No area is on the floor plan yet: give an area a place on the grid below."</p>
        }
        .into_any();
    }
    let width = placed.iter().map(|(g, _)| g.x + g.w).max().unwrap_or(1) * CELL;
    let height = placed.iter().map(|(g, _)| g.y + g.h).max().unwrap_or(1) * CELL;
    let summary = placed
        .iter()
        .map(|(_, s)| {
            if s.suppressed {
                format!("{}: too few people to show", s.area.name)
            } else {
                format!(
                    "{}: {} coworkers, {}% rated 1–2",
                    s.area.name,
                    s.coworkers,
                    s.support_percent()
                )
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <figure class="floor-plan">
            <svg
                viewBox=format!("0 0 {width} {height}")
                role="img"
                aria-label=format!("Floor plan. {summary}")
                data-testid="floor-plan"
            >
                {placed.into_iter().map(|(g, s)| {
                    let (x, y, w, h) = (g.x * CELL, g.y * CELL, g.w * CELL, g.h * CELL);
                    view! {
                        <g>
                            <title>{if s.suppressed {
                                format!("{}: too few people to show their counts", s.area.name)
                            } else {
                                format!("{}: {} coworkers, {} rated 1–2, {} not yet rated", s.area.name, s.coworkers, s.supporters, s.unknown)
                            }}</title>
                            <rect x=x + 1 y=y + 1 width=w - 2 height=h - 2 rx="4" fill=shade(&s) stroke="#334155" stroke-width="1.5" />
                            <text x=x + 6 y=y + 16 class="fp-name">{s.area.name.clone()}</text>
                            <text x=x + 6 y=y + 32 class="fp-figures">{if s.suppressed {
                                "a few people".to_owned()
                            } else {
                                format!("{} · {}% 1–2", s.coworkers, s.support_percent())
                            }}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption class="hint">
                "Each box: coworkers, and the share rated 1–2 (leaders and supporters). Greener is stronger."
                {(!unplaced.is_empty()).then(|| format!(" Not on the plan yet: {}.", unplaced.join(", ")))}
            </figcaption>
        </figure>
    }
    .into_any()
}

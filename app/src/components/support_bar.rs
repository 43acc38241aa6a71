//! The support bar the dashboard and structure tests share.

use leptos::prelude::*;

/// Support against the target as a bar: numbers beside it carry the meaning, the
/// picture only repeats them (an SVG, since inline styles are refused by our CSP).
pub fn support_bar(percent: i64, target: i64) -> impl IntoView {
    let percent = percent.clamp(0, 100);
    view! {
        <svg class="support-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
            <rect class="support-bar-track" x="0" y="0" width="100" height="10" />
            <rect class="support-bar-fill" x="0" y="0" width=percent height="10" />
            <line class="support-bar-target" x1=target x2=target y1="0" y2="10" />
        </svg>
    }
}

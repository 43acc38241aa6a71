//! The projector's count keeps itself current: the page reloads itself every so many
//! seconds, until someone pauses it (a person reading the screen, or reading it with a
//! screen reader, must be able to stop a page that changes under them: WCAG 2.2.1; a
//! `<meta>` refresh cannot be paused). Without WebAssembly the page has its
//! "Refresh now" link.

use leptos::prelude::*;

/// How often the projector's count reloads itself, in seconds.
pub const REFRESH_SECONDS: u32 = 15;

/// A button that pauses and resumes the page's reloading every [`REFRESH_SECONDS`]. No
/// props: the page ships no props decoder.
#[island(lazy)]
pub fn AutoRefresh() -> impl IntoView {
    let running = RwSignal::new(true);
    let button = NodeRef::<leptos::html::Button>::new();
    super::mark_hydrated(button);
    // Effects run in the browser only: the server renders the button and no timer.
    Effect::new(move |_| {
        let _ = set_interval_with_handle(
            move || {
                if running.get_untracked() {
                    let _ = window().location().reload();
                }
            },
            std::time::Duration::from_secs(REFRESH_SECONDS.into()),
        );
    });
    view! {
        <button
            type="button"
            node_ref=button
            aria-pressed=move || (!running.get()).to_string()
            data-testid="pause-refresh"
            on:click=move |_| running.update(|r| *r = !*r)
        >
            {move || if running.get() { "Pause the refreshing" } else { "Paused: resume refreshing" }}
        </button>
    }
}

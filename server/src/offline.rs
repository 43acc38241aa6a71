//! The service worker (`/sw.js`): what an organizer's phone keeps for no signal, and the
//! outbox's page script (`/outbox.js`).
//!
//! The worker itself is plain JavaScript (`offline/sw.js`, read it for what it keeps and
//! why); this serves it from our own origin with the build's version, so a new build is a
//! new worker and the old one's caches go. README ("Offline") says what stays on a phone.

use app::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;

const WORKER: &str = include_str!("offline/sw.js");
const OUTBOX: &str = include_str!("offline/outbox.js");

/// The worker's source, with the build it belongs to named in its first line.
pub fn worker_source(version: &str) -> String {
    // The version is the bundle's file names (hashes, letters, dots, dashes, underscores):
    // anything else is dropped so it can never end the string.
    let version: String = version
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    format!("const VERSION = \"{version}\";\n{WORKER}")
}

/// `GET /sw.js`: revalidated on every check (`no-cache`), allowed only our own origin.
pub async fn service_worker(State(state): State<AppState>) -> impl IntoResponse {
    let version = app::islands::build_version(&state.leptos_options);
    script(worker_source(&version))
}

/// `GET /outbox.js`: the pages' side of the outbox (what waits to send, sign-out's
/// warning), loaded by every page; revalidated like the worker.
pub async fn outbox_script() -> impl IntoResponse {
    script(OUTBOX.to_owned())
}

fn script(source: String) -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'self'"),
            ),
        ],
        source,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_cannot_break_out_of_its_string() {
        let source = worker_source("rankfile.abc123\";alert(1)//");
        let first = source.lines().next().unwrap();
        assert_eq!(first, "const VERSION = \"rankfile.abc123alert1\";");
        assert!(source.contains("addEventListener(\"fetch\""));
    }
}

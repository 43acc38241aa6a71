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

/// The most `/pkg` files the worker keeps when it installs (the build has about ten).
const MAX_PRECACHE: usize = 64;

/// The worker's source, with the build it belongs to named in its first line and the
/// build's code and style files (`/pkg/…`) to keep in its second.
pub fn worker_source(version: &str, assets: &[String]) -> String {
    // The version and the file names are the bundle's (hashes, letters, dots, dashes,
    // underscores): anything else is dropped so it can never end a string.
    let safe = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .collect()
    };
    let files: Vec<String> = assets
        .iter()
        .take(MAX_PRECACHE)
        .map(|name| format!("\"/pkg/{}\"", safe(name)))
        .collect();
    format!(
        "const VERSION = \"{}\";\nconst PRECACHE = [{}];\n{WORKER}",
        safe(version),
        files.join(", ")
    )
}

/// The build's code and style files in the site's `pkg` directory (JS, WebAssembly and
/// CSS; not their precompressed copies), read once.
fn build_assets(options: &leptos::config::LeptosOptions) -> &'static [String] {
    static ASSETS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    ASSETS.get_or_init(|| {
        let dir =
            std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| {
                [".js", ".wasm", ".css"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
            })
            .collect();
        names.sort();
        names
    })
}

/// `GET /sw.js`: revalidated on every check (`no-cache`), allowed only our own origin.
pub async fn service_worker(State(state): State<AppState>) -> impl IntoResponse {
    let version = app::islands::build_version(&state.leptos_options);
    script(worker_source(&version, build_assets(&state.leptos_options)))
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
    fn the_version_and_the_files_cannot_break_out_of_their_strings() {
        let files = [
            "rankfile.1a2b.wasm".to_owned(),
            "x\"];alert(1)//.js".to_owned(),
        ];
        let source = worker_source("rankfile.abc123\";alert(1)//", &files);
        let mut lines = source.lines();
        assert_eq!(
            lines.next().unwrap(),
            "const VERSION = \"rankfile.abc123alert1\";"
        );
        assert_eq!(
            lines.next().unwrap(),
            "const PRECACHE = [\"/pkg/rankfile.1a2b.wasm\", \"/pkg/xalert1.js\"];"
        );
        assert!(source.contains("addEventListener(\"fetch\""));
    }

    #[test]
    fn the_worker_keeps_a_bounded_list_of_files() {
        let files: Vec<String> = (0..100).map(|i| format!("chunk{i}.wasm")).collect();
        let source = worker_source("v", &files);
        assert_eq!(source.matches("/pkg/chunk").count(), MAX_PRECACHE);
    }
}

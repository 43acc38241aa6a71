//! The only code that ships to the browser.
//!
//! rankfile renders every page on the server, and every page works without JavaScript.
//! An island is a component that is also compiled to WebAssembly and hydrated in the
//! browser, for the few places where running there saves a phone user a page load.
//! Everything outside this module is server-rendered HTML only. README.md ("Islands")
//! says when a component should become one and how to pass it data.

#[cfg(feature = "hydrate")]
mod dom;
pub mod log_form;
pub mod refresh;
pub mod what_if;

use leptos::prelude::*;

/// The scripts that load the islands' WebAssembly — on a page that has an island, and on
/// no other. Leptos's `<HydrationScripts islands=true>` loads the bundle on every page;
/// this is the same loader (`loader.js`, Leptos 0.8.23's `island_script.js` unchanged)
/// behind a check for a `<leptos-island>`, so My list or the chart sends no code at all.
/// Put it in the `<head>`: it also switches the page's rendering to islands mode
/// (nothing outside an island is serialized for hydration).
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    if let Some(sc) = leptos::reactive::owner::Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let (js, wasm) = bundle_names(&options);
    let pkg = &options.site_pkg_dir;
    let script = format!(
        "if (document.querySelector(\"leptos-island\")) {{ ({})(\"\", {pkg:?}, {js:?}, {wasm:?}); }}",
        include_str!("loader.js").trim_end().trim_end_matches(';'),
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// The build this server belongs to, as the service worker names its caches: the
/// bundle's hashed file names (a new build, a new worker).
pub fn build_version(options: &LeptosOptions) -> String {
    let (js, wasm) = bundle_names(options);
    format!("{js}-{wasm}")
}

/// The bundle's JS and WebAssembly file names, with the content hashes cargo-leptos
/// writes to `hash.txt` beside the binary (read once).
fn bundle_names(options: &LeptosOptions) -> (String, String) {
    static NAMES: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            let name = options.output_name.to_string();
            let (mut js, mut wasm) = (name.clone(), name);
            if options.hash_files {
                let hashes = std::env::current_exe()
                    .ok()
                    .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
                    .and_then(|path| std::fs::read_to_string(path).ok())
                    .unwrap_or_default();
                for (file, hash) in hashes.lines().filter_map(|l| l.trim().split_once(':')) {
                    match file {
                        "js" => js.push_str(&format!(".{}", hash.trim())),
                        "wasm" => wasm.push_str(&format!(".{}", hash.trim())),
                        _ => {}
                    }
                }
            } else if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
                wasm.push_str("_bg");
            }
            (js, wasm)
        })
        .clone()
}

/// Marks the island around `node` as hydrated (`data-hydrated="true"` on its
/// `<leptos-island>`), once it is: effects run only in the browser, after hydration.
/// The browser tests wait for this before they use an island.
pub fn mark_hydrated<E>(node: NodeRef<E>)
where
    E: leptos::html::ElementType,
    E::Output: leptos::wasm_bindgen::JsCast + Clone + 'static,
{
    Effect::new(move |_| {
        use leptos::wasm_bindgen::JsCast;
        if let Some(el) = node.get() {
            let el: &leptos::web_sys::Element = el.unchecked_ref();
            if let Ok(Some(island)) = el.closest("leptos-island") {
                let _ = island.set_attribute("data-hydrated", "true");
            }
        }
    });
}

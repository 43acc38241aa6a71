//! Building the axum application and running it until SIGTERM / Ctrl-C.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use app::state::AppState;
use app::store::{Maintenance, Storage};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use app::auth::password::PasswordHasher;
use app::auth::session::CookieNames;
use app::auth::tokens::TokenKeys;
use secrecy::ExposeSecret;

use crate::config::Settings;

const OUTPUT_NAME: &str = "rankfile";

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    /// The whole store with its maintenance (sweeps, snapshots): the server's own; the
    /// request path's `state.store` is the same store without it.
    storage: Arc<dyn Storage>,
}

/// How often the server looks for such files (also at start-up).
const UPLOAD_SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

impl Application {
    /// Secures the data folder, opens the store (migrating it), binds the listener and
    /// builds the router.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        Self::build_with_routes(settings, Router::new()).await
    }

    /// [`Application::build`] with extra routes served inside every layer (the panic
    /// catcher, the timeout, authentication, the security headers). rankfile itself
    /// never adds any: this is how the integration tests mount a handler that
    /// production must not have (one that panics on purpose), without a hidden route
    /// or a setting in the shipped binary that could turn one on.
    pub async fn build_with_routes(
        settings: &Settings,
        extra: Router<AppState>,
    ) -> anyhow::Result<Self> {
        crate::files::secure_data_dir(settings)?;
        let store = crate::store::open(&settings.database_url, settings.sqlite_synchronous).await?;
        crate::files::restrict_files(settings)?;
        Self::build_with_store_and_routes(settings, store, extra).await
    }

    pub async fn build_with_store(
        settings: &Settings,
        store: Arc<dyn Storage>,
    ) -> anyhow::Result<Self> {
        Self::build_with_store_and_routes(settings, store, Router::new()).await
    }

    async fn build_with_store_and_routes(
        settings: &Settings,
        store: Arc<dyn Storage>,
        extra: Router<AppState>,
    ) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.addr)
            .await
            .with_context(|| format!("binding {}", settings.addr))?;
        let leptos_options = leptos_options(settings, listener.local_addr()?);
        let keys = match &settings.jwt_secret {
            Some(secret) => TokenKeys::from_secret(secret.expose_secret().as_bytes())?,
            None => {
                std::fs::create_dir_all(&settings.data_dir).with_context(|| {
                    format!("creating the data folder {}", settings.data_dir.display())
                })?;
                TokenKeys::load_or_generate(&settings.data_dir)?
            }
        };
        let public_url =
            if settings.addr.port() == 0 && !settings.public_url.starts_with("https://") {
                // Tests bind port 0: links must name the port actually bound (unless a story
                // sets an https public URL, to see what a deployment behind TLS answers).
                format!("http://{}", listener.local_addr()?)
            } else {
                settings.public_url.clone()
            };
        let storage = store.clone();
        let state = AppState {
            store,
            leptos_options,
            keys,
            hasher: PasswordHasher::new(settings.max_concurrent_hashes),
            cookies: CookieNames {
                secure: public_url.starts_with("https://"),
            },
            public_url,
            dashboards: Arc::new(app::kept::kept_dashboards()),
            trends: Arc::new(app::kept::kept_trends()),
            past_maps: Arc::new(app::kept::kept_past_maps()),
            vote_pages: Arc::new(app::kept::kept_vote_pages()),
        };
        let router = router(state.clone(), settings, extra);
        Ok(Self {
            listener,
            router,
            state,
            storage,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The store with its maintenance (the demo, tests and benchmarks seed through it).
    pub fn storage(&self) -> Arc<dyn Storage> {
        self.storage.clone()
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let addr = self.listener.local_addr()?;
        tracing::info!(%addr, backend = self.state.store.backend(), "rankfile is listening");
        let sweeper = tokio::spawn(sweep_old_personal_data(self.storage.clone()));
        let snapshots = tokio::spawn(keep_heat_snapshots(self.storage.clone()));
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP");
        sweeper.abort();
        snapshots.abort();
        served?;
        tracing::info!("rankfile stopped");
        Ok(())
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

/// Deletes the files of imports left pending for more than a day
/// (`ABANDONED_AFTER_HOURS`), at start-up and then every hour, keeping each import's
/// summary (an employer's list is personal data).
async fn sweep_old_personal_data(store: Arc<dyn Maintenance>) {
    let mut every = tokio::time::interval(UPLOAD_SWEEP_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match store
            .purge_abandoned_rosters(
                chrono::Utc::now()
                    - chrono::TimeDelta::hours(app::domain::roster::ABANDONED_AFTER_HOURS),
            )
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(files = n, "deleted abandoned roster uploads"),
            Err(err) => tracing::error!(error = ?err, "sweeping abandoned roster uploads"),
        }
        // Sign-in attempts and lockouts matter for a day (the longest lock, and the memory
        // that doubles the next one); after that they are only growth.
        let now = chrono::Utc::now();
        let day_ago = now - chrono::TimeDelta::hours(app::auth::throttle::LOCK_MEMORY_HOURS);
        match store.prune_auth_history(day_ago, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "forgot old sign-in attempts and lockouts"),
            Err(err) => tracing::error!(error = ?err, "pruning sign-in attempts"),
        }
    }
}

/// Makes the heat map's weekly snapshots (`HeatMaps::keep_heat_snapshots`) at start-up
/// and then every hour: a past map or a trend reads them instead of a history probe per
/// coworker. Until they are made (or after a late write outdated them), the same maps
/// are read from the histories, only slower.
async fn keep_heat_snapshots(store: Arc<dyn Maintenance>) {
    let mut every = tokio::time::interval(SNAPSHOTS_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let started = std::time::Instant::now();
        match store.keep_heat_snapshots(chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                snapshots = n,
                ms = started.elapsed().as_millis() as u64,
                "made heat map snapshots"
            ),
            Err(err) => tracing::error!(error = ?err, "making heat map snapshots"),
        }
    }
}

/// How often the heat map's snapshots are looked at (a week's is made once it is over).
const SNAPSHOTS_EVERY: Duration = Duration::from_secs(60 * 60);

/// Resolves on SIGTERM (systemd, container stop) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(err) => {
                tracing::warn!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing in-flight requests");
}

fn leptos_options(settings: &Settings, addr: std::net::SocketAddr) -> LeptosOptions {
    // cargo-leptos writes hash.txt beside the binary when it hashes asset names;
    // Leptos reads it from there, and panics if told to hash without it.
    let hash_files = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("hash.txt")))
        .is_some_and(|p| p.is_file());
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(settings.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hash_files)
        .build()
}

/// The app's routes, listed once per process. Listing them runs the app with resource
/// loading suppressed by a *process-global* flag (leptos_server's `SuppressResourceLoad`,
/// leptos#4773): a resource that first polls in that window, in any server of the
/// process, waits forever. Several servers in one process (the integration stories)
/// built their routes while others rendered, and about one render in a few thousand
/// never finished; once per process, before anything serves, nothing can render then.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

fn router(state: AppState, settings: &Settings, extra: Router<AppState>) -> Router {
    let routes = route_list();
    let site_root = settings.site_root.clone();

    // Hashed file names change with their content, so browsers may keep them forever.
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
        .service(
            ServeDir::new(site_root.join("pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        );
    // Everything else in the site folder (favicon, robots.txt) must be revalidated;
    // the 404 page for a path that is no file sets its own `no-store`.
    let assets = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .service(ServeDir::new(&site_root).fallback(not_found_page(state.clone())));

    let context_state = state.clone();
    // Everything a signed-in request reaches, as one router: the form layer outside it
    // asks it again for a form's page when a post without JavaScript is refused.
    let pages: Router = Router::new()
        .route("/healthz", get(healthz))
        .route("/sw.js", get(crate::offline::service_worker))
        .route("/outbox.js", get(crate::offline::outbox_script))
        .route("/campaigns/{id}/export.csv", get(export_chart))
        .route("/campaigns/{id}/heat.csv", get(export_heat))
        .merge(extra)
        .leptos_routes_with_context(
            &state,
            routes,
            move || leptos::prelude::provide_context(context_state.clone()),
            {
                let options = state.leptos_options.clone();
                move || app::shell(options.clone())
            },
        )
        .nest_service("/pkg", pkg)
        .fallback_service(assets)
        .layer(axum::middleware::from_fn_with_state(
            crate::auth_layer::AuthLayerState {
                app: state.clone(),
                trusted_proxies: Arc::new(settings.trusted_proxies.clone()),
            },
            crate::auth_layer::authenticate,
        ))
        .with_state(state);
    pages
        .clone()
        .layer(axum::middleware::from_fn_with_state(
            pages,
            crate::auth_layer::form_return,
        ))
        .layer(axum::middleware::from_fn(multipart_uploads_only))
        .layer(axum::middleware::from_fn(
            crate::auth_layer::same_origin_writes,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                        let request_id = req
                            .headers()
                            .get("x-request-id")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!(
                            "request",
                            method = %req.method(),
                            path = %req.uri().path(),
                            request_id,
                        )
                    }),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(crate::security::headers_layer())
                .layer(crate::security::transport_layer(
                    settings.public_url.starts_with("https://"),
                ))
                .layer(CompressionLayer::new())
                // Inside compression: it reads the error body as the server function wrote it.
                .layer(axum::middleware::from_fn(
                    crate::api_errors::set_error_status,
                ))
                // A panic in a handler answers 500 at once instead of dropping the
                // connection (or, in a spawned render task, leaving it to the timeout).
                .layer(CatchPanicLayer::custom(answer_panic))
                .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(30),
                )),
        )
}

/// Logs a handler's panic and answers a short 500 (never the panic's text).
fn answer_panic(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(not a string)");
    tracing::error!(panic = message, "a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Something went wrong on the server. Try again.",
    )
        .into_response()
}

/// The roster upload is the one server function read as multipart; `server_fn` panics
/// on any other content type, so refuse those here with a 400 that says why.
async fn multipart_uploads_only(
    req: Request<Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if req.method() == axum::http::Method::POST && req.uri().path() == "/api/roster/upload" {
        let boundary = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .filter(|ct| ct.to_ascii_lowercase().starts_with("multipart/form-data"))
            .and_then(|ct| {
                ct.split(';')
                    .skip(1)
                    .find_map(|p| p.trim().strip_prefix("boundary="))
            })
            .is_some_and(|b| !b.trim_matches('"').is_empty());
        if !boundary {
            return (
                StatusCode::BAD_REQUEST,
                "Send the roster as a file upload (multipart/form-data with a boundary).",
            )
                .into_response();
        }
    }
    next.run(req).await
}

/// The app's own 404 page for paths that are neither routes nor files.
fn not_found_page(state: AppState) -> axum::routing::MethodRouter {
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || leptos::prelude::provide_context(state.clone()),
        move || app::shell(options.clone()),
    );
    get(move |req: Request<Body>| async move {
        let mut res = handler(req).await.into_response();
        *res.status_mut() = StatusCode::NOT_FOUND;
        // The page's top bar names whoever is signed in.
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    })
}

/// The chart as a CSV download (leads only; audited). A plain GET so a link works
/// without JavaScript; the authorization is the same `require_member` as every server
/// function, run in a reactive owner holding the request, as leptos_axum does.
async fn export_chart(
    State(state): State<AppState>,
    axum::extract::Path(campaign_id): axum::extract::Path<i64>,
    req: Request<Body>,
) -> axum::response::Response {
    csv_download(state, req, format!("chart-{campaign_id}.csv"), async move {
        app::api::export::chart_csv(campaign_id).await
    })
    .await
}

/// The heat map as a CSV download (leads): `?dimension=&as_of=&days=` as the page's form.
async fn export_heat(
    State(state): State<AppState>,
    axum::extract::Path(campaign_id): axum::extract::Path<i64>,
    axum::extract::Query(q): axum::extract::Query<HeatQuery>,
    req: Request<Body>,
) -> axum::response::Response {
    csv_download(
        state,
        req,
        format!("heat-map-{campaign_id}.csv"),
        async move { app::api::heat::heat_csv(campaign_id, &q.dimension, &q.as_of, &q.days).await },
    )
    .await
}

#[derive(serde::Deserialize)]
struct HeatQuery {
    #[serde(default)]
    dimension: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    days: String,
}

/// A CSV made by `make` (a server function's body, with the request and the state in its
/// context), as an attachment named `filename`, never cached.
async fn csv_download(
    state: AppState,
    req: Request<Body>,
    filename: String,
    make: impl std::future::Future<Output = Result<String, app::error::AppError>>,
) -> axum::response::Response {
    use leptos::prelude::provide_context;
    use leptos::reactive::{computed::ScopedFuture, owner::Owner};
    // A link on another site must not fetch the chart with the lead's cookies, as
    // `same_origin_writes` refuses cross-site writes; refused before any audit.
    let fetch_site = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site") | Some("same-site")) {
        return (StatusCode::FORBIDDEN, "Cross-site requests are refused.").into_response();
    }
    let (parts, _) = req.into_parts();
    let owner = Owner::new();
    let result = owner
        .with(|| {
            ScopedFuture::new(async move {
                provide_context(parts);
                provide_context(state);
                make.await
            })
        })
        .await;
    match result {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{filename}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            csv,
        )
            .into_response(),
        Err(err) => (crate::api_errors::status_for(&err), err.to_string()).into_response(),
    }
}

/// Liveness and readiness: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok").into_response(),
        Ok(Err(err)) => {
            tracing::error!(error = ?err, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database timed out").into_response(),
    }
}

//! Building the axum application and running it until SIGTERM / Ctrl-C.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use app::store::{AppState, Store};
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
}

impl Application {
    /// Opens the store (migrating it), binds the listener and builds the router.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let store = crate::store::open(&settings.database_url).await?;
        Self::build_with_store(settings, store).await
    }

    pub async fn build_with_store(
        settings: &Settings,
        store: Arc<dyn Store>,
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
        let public_url = if settings.addr.port() == 0 {
            // Tests bind port 0: links must name the port actually bound.
            format!("http://{}", listener.local_addr()?)
        } else {
            settings.public_url.clone()
        };
        let state = AppState {
            store,
            leptos_options,
            keys,
            hasher: PasswordHasher::new(settings.max_concurrent_hashes),
            cookies: CookieNames {
                secure: public_url.starts_with("https://"),
            },
            public_url,
        };
        let router = router(state.clone(), settings);
        Ok(Self {
            listener,
            router,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let addr = self.listener.local_addr()?;
        tracing::info!(%addr, backend = self.state.store.backend(), "rankfile is listening");
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")?;
        tracing::info!("rankfile stopped");
        Ok(())
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

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

fn router(state: AppState, settings: &Settings) -> Router {
    let routes = generate_route_list(app::App);
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
    // Everything else in the site folder (favicon, robots.txt) must be revalidated.
    let assets = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .service(ServeDir::new(&site_root).fallback(not_found_page(state.clone())));

    let context_state = state.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/campaigns/{id}/export.csv", get(export_chart))
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
        .layer(axum::middleware::from_fn(crate::auth_layer::form_return))
        .layer(axum::middleware::from_fn(
            crate::auth_layer::same_origin_writes,
        ))
        .with_state(state)
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
                .layer(CompressionLayer::new())
                // Inside compression: it reads the error body as the server function wrote it.
                .layer(axum::middleware::from_fn(
                    crate::api_errors::set_error_status,
                ))
                .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(30),
                )),
        )
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
    use leptos::prelude::provide_context;
    use leptos::reactive::{computed::ScopedFuture, owner::Owner};
    let (parts, _) = req.into_parts();
    let owner = Owner::new();
    let result = owner
        .with(|| {
            ScopedFuture::new(async move {
                provide_context(parts);
                provide_context(state);
                app::api::export::chart_csv(campaign_id).await
            })
        })
        .await;
    match result {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"chart-{campaign_id}.csv\""),
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

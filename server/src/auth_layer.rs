//! Request layers for identity and cross-site safety.
//!
//! - [`authenticate`]: verifies the access-token cookie (no database), and only when
//!   it is missing or expired rotates the refresh token (one query, at most every
//!   15 minutes per browser). Puts [`AuthSession`] and [`ClientIp`] in the request.
//! - [`same_origin_writes`]: refuses cross-site POSTs (Fetch Metadata and Origin).
//! - [`form_return`]: tells the server-function handler which page a JavaScript-free
//!   form came from (pages send no Referer), so it can redirect back there.

use std::net::SocketAddr;
use std::sync::Arc;

use app::auth::session::{AuthSession, ClientIp};
use app::auth::tokens;
use app::state::AppState;
use app::store::Rotation;
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use crate::proxies::TrustedProxies;

/// The state of [`authenticate`]: the app's, and which peers are our reverse proxies.
#[derive(Clone)]
pub struct AuthLayerState {
    pub app: AppState,
    pub trusted_proxies: Arc<TrustedProxies>,
}

/// Forwarding headers, believed only from a trusted proxy.
const FORWARDED_FOR: &str = "x-forwarded-for";
const FORWARDED_PROTO: &str = "x-forwarded-proto";

/// Sets [`ClientIp`]: the TCP peer, or behind a trusted proxy the address it forwarded.
/// From anyone else the forwarding headers are removed, so nothing later can read them.
fn set_client_ip(req: &mut Request<Body>, trusted: &TrustedProxies) {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = match peer {
        Some(peer) if trusted.trusts(peer) => {
            let forwarded = req
                .headers()
                .get_all(FORWARDED_FOR)
                .iter()
                .filter_map(|v| v.to_str().ok());
            trusted.client_ip(peer, forwarded).to_string()
        }
        other => {
            req.headers_mut().remove(FORWARDED_FOR);
            req.headers_mut().remove(FORWARDED_PROTO);
            other.map(|ip| ip.to_string()).unwrap_or_default()
        }
    };
    req.extensions_mut().insert(ClientIp(ip));
}

pub async fn authenticate(
    State(layer): State<AuthLayerState>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    set_client_ip(&mut req, &layer.trusted_proxies);
    let state = layer.app;

    let names = state.cookies;
    let (access, refresh) = names.read(
        req.headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
    );
    let now = Utc::now();
    let mut set_cookies: Vec<String> = Vec::new();
    let mut session = access
        .and_then(|token| tokens::verify_access(&state.keys, &token, now.timestamp()).ok())
        .map(|claims| AuthSession {
            user_id: claims.sub,
            session_id: claims.sid,
        });
    if session.is_none() {
        if let Some(refresh) = refresh {
            let (new_refresh, new_hash) = tokens::new_refresh_token();
            let old_hash = tokens::hash_refresh_token(&refresh);
            match state.store.rotate_refresh(&old_hash, &new_hash, now).await {
                Ok(Rotation::Rotated {
                    session_id,
                    user_id,
                }) => {
                    match tokens::issue_access(&state.keys, user_id, &session_id, now.timestamp()) {
                        Ok(access) => {
                            set_cookies.push(names.access_cookie(access));
                            set_cookies.push(names.refresh_cookie(new_refresh));
                            session = Some(AuthSession {
                                user_id,
                                session_id,
                            });
                        }
                        Err(err) => tracing::error!(%err, "issuing an access token failed"),
                    }
                }
                Ok(Rotation::JustSpent {
                    session_id,
                    user_id,
                }) => {
                    session = Some(AuthSession {
                        user_id,
                        session_id,
                    })
                }
                Ok(Rotation::Refused) => set_cookies.extend(names.clearing()),
                Err(err) => tracing::error!(error = ?err, "refresh token rotation failed"),
            }
        }
    }
    if let Some(session) = session {
        req.extensions_mut().insert(session);
    }
    let mut res = next.run(req).await;
    for cookie in set_cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    res
}

/// Browsers mark every request with where it came from; a write that another
/// site started is refused. Clients that are not browsers send neither header.
pub async fn same_origin_writes(req: Request<Body>, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site") | Some("same-site")) {
        return forbidden_cross_site();
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        // "null" is what a page with Referrer-Policy: no-referrer sends on a form post;
        // Sec-Fetch-Site (checked above) is the authority for those.
        if origin != "null" {
            let origin_host = origin.split_once("://").map(|(_, h)| h);
            if origin_host.is_none() || origin_host != host {
                return forbidden_cross_site();
            }
        }
    }
    next.run(req).await
}

fn forbidden_cross_site() -> Response {
    (StatusCode::FORBIDDEN, "Cross-site requests are refused.").into_response()
}

/// Base for the Referer we set from a form's `__return` field; stripped from the
/// redirect so the browser gets a relative `Location` on whatever scheme it used.
const RETURN_BASE: &str = "http://rankfile.local";
const MAX_FORM_BODY: usize = 1024 * 1024;

/// A form posted without JavaScript: the server function redirects back to the form's
/// page (its `__return` field). When the server function refused the form, the answer is
/// that page itself, rendered again for the same person with the form as posted beside
/// the request ([`app::components::form::Posted`]): every field keeps what was typed
/// and every mistake shows beside its field. The address stays the form's action, so a
/// reload asks before posting again; the status is the refusal's (422 for bad input)
/// and nothing of it is cached. `pages` is the router inside this layer, asked again.
pub async fn form_return(
    State(pages): State<axum::Router>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let is_form_post = req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
    if !is_form_post {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.").into_response();
    };
    let back = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "__return")
        .map(|(_, v)| app::domain::access::local_path(&v))
        .unwrap_or_else(|| "/".to_owned());
    if let Ok(value) = HeaderValue::from_str(&format!("{RETURN_BASE}{back}")) {
        parts.headers.insert(header::REFERER, value);
    }
    // What the page needs to be asked for again: who asks, and what they posted.
    let mut again = Request::new(Body::empty());
    *again.headers_mut() = parts.headers.clone();
    *again.extensions_mut() = parts.extensions.clone();
    let action = parts.uri.path().to_owned();
    let posted = app::components::form::Posted::new(&action, &bytes);
    let mut res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let Some(location) = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|l| l.strip_prefix(RETURN_BASE))
        .map(|l| l.trim_end_matches('?').to_owned())
    else {
        return res;
    };
    if let Some(refusal) = refusal_in(&location) {
        if res.status().is_redirection() {
            return reshow(pages, again, &location, posted, &refusal).await;
        }
    }
    if let Ok(value) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, value);
    }
    res
}

/// The refusal a server function put in the address it sends a form back to.
fn refusal_in(location: &str) -> Option<app::error::AppError> {
    let query = location.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "__err")
        .and_then(|(_, v)| app::error::AppError::from_url_param(&v))
}

/// The form's page at `location` (which carries the refusal for the page's form), asked
/// of `pages` as a GET by the same person, with the form as posted beside it.
async fn reshow(
    pages: axum::Router,
    mut again: Request<Body>,
    location: &str,
    posted: app::components::form::Posted,
    refusal: &app::error::AppError,
) -> Response {
    use tower::ServiceExt;
    let Ok(uri) = location.parse() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    *again.uri_mut() = uri;
    *again.method_mut() = Method::GET;
    for name in [
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
        header::REFERER,
    ] {
        again.headers_mut().remove(name);
    }
    again.extensions_mut().insert(posted);
    let Ok(mut res) = pages.oneshot(again).await;
    if res.status() == StatusCode::OK {
        *res.status_mut() = crate::api_errors::status_for(refusal);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

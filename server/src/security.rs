//! Headers every response carries. HTML pages set their own nonce-based
//! Content-Security-Policy while rendering (see `app::shell`); anything else
//! (JSON, files, errors) gets the strictest policy.

use axum::http::{header, HeaderName, HeaderValue};
use tower::layer::util::Stack;
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;

type Layers = Stack<
    SetResponseHeaderLayer<HeaderValue>,
    Stack<
        SetResponseHeaderLayer<HeaderValue>,
        Stack<
            SetResponseHeaderLayer<HeaderValue>,
            Stack<
                SetResponseHeaderLayer<HeaderValue>,
                Stack<SetResponseHeaderLayer<HeaderValue>, tower::layer::util::Identity>,
            >,
        >,
    >,
>;

pub fn headers_layer() -> ServiceBuilder<Layers> {
    ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(
                "camera=(), microphone=(), geolocation=(), interest-cohort=()",
            ),
        ))
}

type TransportLayers = Stack<
    tower::util::Either<SetResponseHeaderLayer<HeaderValue>, tower::layer::util::Identity>,
    Stack<SetResponseHeaderLayer<HeaderValue>, tower::layer::util::Identity>,
>;

/// Caching and transport: every response that does not set its own caching (the hashed
/// `/pkg` files and the static assets do) is `no-store`, since pages and server
/// functions carry the chart and must not stay in a shared or back-button cache; and,
/// when rankfile is reached over https, `Strict-Transport-Security` (two years,
/// subdomains too) so a browser never tries plain HTTP again.
pub fn transport_layer(https: bool) -> ServiceBuilder<TransportLayers> {
    ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .option_layer(https.then(|| {
            SetResponseHeaderLayer::overriding(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=63072000; includeSubDomains"),
            )
        }))
}

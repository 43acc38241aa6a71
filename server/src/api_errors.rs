//! Server functions answer every error with 500; this gives each `AppError` its
//! proper HTTP status (422 for bad input, 403 for forbidden ...) so clients, logs
//! and load balancers can tell a refusal from a fault. The body is untouched.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
const MAX_ERROR_BODY: usize = 64 * 1024;

pub fn status_for(err: &AppError) -> StatusCode {
    match err {
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        AppError::Forbidden | AppError::SecondFactorRequired => StatusCode::FORBIDDEN,
        AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal | AppError::Network => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

pub async fn set_error_status(req: Request<Body>, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = status_for(&err);
    }
    Response::from_parts(parts, Body::from(bytes))
}

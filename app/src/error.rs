//! One error type for both sides of the wire.
//!
//! Domain failures say what happened in words a user can act on. Anything internal
//! (database, I/O) is logged on the server with its whole cause chain and reaches
//! the client only as [`AppError::Internal`].

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What [`AppError::Network`] says: the request never got an answer.
pub const NO_ANSWER: &str = "Could not reach the server. Check your connection and try again.";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Not found.")]
    NotFound,
    #[error("Please sign in.")]
    Unauthorized,
    #[error("You do not have access to this.")]
    Forbidden,
    /// A lead (or an organizer where the campaign asks it) signed in without a second
    /// factor: campaign pages wait until one is set up and used.
    #[error(
        "Your role needs a second factor. Set one up on your account page, then sign in with it."
    )]
    SecondFactorRequired,
    /// Bad input: `field` names the form field so the UI can show the message beside it;
    /// `also` holds the form's other mistakes, so all are shown at once.
    #[error("{message}")]
    Validation {
        field: String,
        message: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        also: Vec<domain::Invalid>,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("Too many attempts. Wait a minute and try again.")]
    TooManyRequests,
    #[error("Something went wrong on our side. It has been logged.")]
    Internal,
    /// The request never got an answer (offline, server down).
    #[error("{}", NO_ANSWER)]
    Network,
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation {
            field: field.into(),
            message: message.into(),
            also: Vec::new(),
        }
    }

    /// Turns "not found" into a validation error on `field`: for a reference the
    /// caller supplied (a parent area, a shift) that is not in their campaign.
    pub fn not_found_as(self, field: &str, message: &str) -> Self {
        match self {
            AppError::NotFound => AppError::validation(field, message),
            other => other,
        }
    }

    /// The message for `field`, if this error is about that field.
    pub fn field_message(&self, field: &str) -> Option<String> {
        self.fields()
            .into_iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.to_owned())
    }

    /// Every field this error names, with its message, in the form's order (none for an
    /// error that is not about the input).
    pub fn fields(&self) -> Vec<(&str, &str)> {
        match self {
            AppError::Validation {
                field,
                message,
                also,
            } => std::iter::once((field.as_str(), message.as_str()))
                .chain(
                    also.iter()
                        .flat_map(|a| a.each())
                        .map(|a| (a.field.as_str(), a.message.as_str())),
                )
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The error a post without JavaScript came back with, as the server-function layer
    /// put it in the page's address (`__err`: URL-safe base64 of the JSON).
    #[cfg(feature = "ssr")]
    pub fn from_url_param(encoded: &str) -> Option<Self> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE
            .decode(encoded)
            .ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Logs an internal failure with its cause chain and returns the opaque error.
    #[cfg(feature = "ssr")]
    pub fn internal(err: &(dyn std::error::Error + 'static)) -> Self {
        let mut chain = err.to_string();
        let mut source = err.source();
        while let Some(cause) = source {
            chain.push_str(": ");
            chain.push_str(&cause.to_string());
            source = cause.source();
        }
        tracing::error!(error = %chain, "internal error");
        AppError::Internal
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::Network,
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                AppError::validation("form", format!("The form was incomplete: {msg}"))
            }
            _ => AppError::Internal,
        }
    }
}

/// A domain rule's refusal is a validation error on the same field.
impl From<domain::Invalid> for AppError {
    fn from(invalid: domain::Invalid) -> Self {
        AppError::Validation {
            field: invalid.field,
            message: invalid.message,
            also: invalid.also,
        }
    }
}

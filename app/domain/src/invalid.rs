//! The one way domain rules refuse input: which form field, and what to do about it.
//!
//! The domain knows no transport: `app::error::AppError` turns this into its
//! `Validation` variant (the server-function encoding lives there).

use serde::{Deserialize, Serialize};

/// Bad input: `field` names the form field so the UI can show the message beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The message for `field`, if this refusal is about that field.
    pub fn field_message(&self, field: &str) -> Option<String> {
        (self.field == field).then(|| self.message.clone())
    }
}

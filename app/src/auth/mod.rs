//! Server-only security building blocks: password policy and hashing
//! ([`password`]) and access/refresh tokens ([`tokens`]).
//!
//! Both modules are self-contained: they know nothing about the database or
//! HTTP, so the rules they enforce can be unit-tested on their own.

pub mod password;
pub mod tokens;

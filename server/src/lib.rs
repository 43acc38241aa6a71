//! The rankfile server: configuration, start-up, store adapters and CLI commands.
//! `main.rs` only parses the command line and calls in here.

pub mod api_errors;
pub mod auth_layer;
pub mod cli;
pub mod config;
pub mod demo;
pub mod files;
pub mod offline;
pub mod proxies;
pub mod security;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod users;

//! Plain types and pure logic, with no I/O: compiled for the server and the browser.

pub mod campaign;

pub use campaign::{Campaign, CampaignName};

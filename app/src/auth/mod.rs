//! Server-only security: password policy and hashing ([`password`]), access and
//! refresh tokens ([`tokens`]), session cookies ([`session`]), the second factor
//! ([`second_factor`]) and the one
//! authorization check every server function calls ([`guard`]).

pub mod guard;
pub mod password;
pub mod second_factor;
pub mod session;
pub mod throttle;
pub mod tokens;

pub use guard::{
    is_plain_form_post, require_member, require_organizer, require_user, Caller, InCampaign,
};
pub use session::{AuthSession, ClientIp};

//! Session cookies. The access token (a 15-minute JWT) and the refresh token
//! (random, stored hashed, rotated on use) travel in HttpOnly, SameSite=Lax
//! cookies, `Secure` and `__Host-`-prefixed when the app is served over https.

use chrono::{DateTime, Duration, Utc};
use cookie::{Cookie, SameSite};

use super::tokens::{self, TokenKeys};
use crate::error::AppError;
use crate::store::{NewSession, Store};

/// How long a session lasts without being used.
pub const SESSION_TTL_DAYS: i64 = 14;

/// The verified identity of a request, put in the request's extensions by the
/// server's authentication layer. It is not yet proof the session is live:
/// [`super::guard`] checks that against the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSession {
    pub user_id: i64,
    pub session_id: String,
}

/// The client's address, as the server saw it (for throttling and the audit log).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientIp(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieNames {
    pub secure: bool,
}

impl CookieNames {
    pub fn access(self) -> &'static str {
        if self.secure {
            "__Host-rf_access"
        } else {
            "rf_access"
        }
    }

    pub fn refresh(self) -> &'static str {
        if self.secure {
            "__Host-rf_refresh"
        } else {
            "rf_refresh"
        }
    }

    /// The second-step cookie: a password was right, the code is still to come.
    pub fn second_step(self) -> &'static str {
        if self.secure {
            "__Host-rf_step"
        } else {
            "rf_step"
        }
    }

    /// `Set-Cookie` for the second-step token (five minutes).
    pub fn second_step_cookie(self, token: String) -> String {
        self.build(
            self.second_step(),
            token,
            Duration::seconds(tokens::SECOND_STEP_TTL_SECS),
        )
    }

    /// `Set-Cookie` that deletes the second-step cookie.
    pub fn second_step_clearing(self) -> String {
        self.build(self.second_step(), String::new(), Duration::zero())
    }

    /// The second-step cookie's value in `Cookie` header values.
    pub fn read_second_step<'a>(self, headers: impl Iterator<Item = &'a str>) -> Option<String> {
        headers
            .flat_map(|h| Cookie::split_parse(h).flatten().collect::<Vec<_>>())
            .find(|c| c.name() == self.second_step())
            .map(|c| c.value().to_owned())
    }

    fn build(self, name: &'static str, value: String, max_age: Duration) -> String {
        Cookie::build((name, value))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .max_age(cookie::time::Duration::seconds(max_age.num_seconds()))
            .build()
            .to_string()
    }

    pub fn access_cookie(self, token: String) -> String {
        self.build(
            self.access(),
            token,
            Duration::seconds(tokens::ACCESS_TTL_SECS),
        )
    }

    pub fn refresh_cookie(self, token: String) -> String {
        self.build(self.refresh(), token, Duration::days(SESSION_TTL_DAYS))
    }

    /// `Set-Cookie` values that delete both cookies.
    pub fn clearing(self) -> [String; 2] {
        [
            self.build(self.access(), String::new(), Duration::zero()),
            self.build(self.refresh(), String::new(), Duration::zero()),
        ]
    }

    /// Reads our two cookies from `Cookie` header values, with the cookie crate's parser.
    pub fn read<'a>(
        self,
        headers: impl Iterator<Item = &'a str>,
    ) -> (Option<String>, Option<String>) {
        let (mut access, mut refresh) = (None, None);
        for header in headers {
            for cookie in Cookie::split_parse(header).flatten() {
                if cookie.name() == self.access() {
                    access = Some(cookie.value().to_owned());
                } else if cookie.name() == self.refresh() {
                    refresh = Some(cookie.value().to_owned());
                }
            }
        }
        (access, refresh)
    }
}

/// Starts a session for `user_id`: stores it (with the device and rough place of this
/// request, for the account page), and returns the two `Set-Cookie` values.
/// `second_factor`: the sign-in passed the second factor.
pub async fn start_session(
    store: &dyn Store,
    keys: &TokenKeys,
    names: CookieNames,
    user_id: i64,
    second_factor: bool,
    now: DateTime<Utc>,
) -> Result<(String, [String; 2]), AppError> {
    use super::second_factor::{device_label, ip_prefix};
    let session_id = uuid::Uuid::new_v4().simple().to_string();
    let (refresh, refresh_hash) = tokens::new_refresh_token();
    store
        .create_session(&NewSession {
            id: session_id.clone(),
            user_id,
            refresh_hash,
            now,
            expires_at: now + Duration::days(SESSION_TTL_DAYS),
            second_factor,
            device: device_label(&super::guard::user_agent()),
            ip_prefix: ip_prefix(&super::guard::client_ip()),
        })
        .await?;
    let access = tokens::issue_access(keys, user_id, &session_id, now.timestamp())?;
    Ok((
        session_id,
        [names.access_cookie(access), names.refresh_cookie(refresh)],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_lax_and_prefixed_over_https() {
        let plain = CookieNames { secure: false }.access_cookie("t".into());
        assert!(plain.starts_with("rf_access=t"));
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Lax"));
        assert!(!plain.contains("Secure"));
        let secure = CookieNames { secure: true }.refresh_cookie("r".into());
        assert!(secure.starts_with("__Host-rf_refresh=r"));
        assert!(secure.contains("Secure") && secure.contains("Path=/"));
    }

    #[test]
    fn reads_cookies_with_a_real_parser() {
        let names = CookieNames { secure: false };
        let (a, r) = names.read(["other=1; rf_access=abc", "rf_refresh=def"].into_iter());
        assert_eq!(a.as_deref(), Some("abc"));
        assert_eq!(r.as_deref(), Some("def"));
        let (a, _) = names.read(["xrf_access=abc"].into_iter());
        assert_eq!(a, None);
    }
}

//! Access tokens (short-lived HS256 JWTs) and refresh tokens (opaque random strings).
//!
//! * Access tokens are signed with a server secret from [`TokenKeys`] and checked by
//!   [`verify_access`], which accepts nothing but HS256 with our issuer and audience.
//! * Refresh tokens are 32 random bytes sent to the browser; only their SHA-256
//!   ([`hash_refresh_token`]) is stored, so a database leak does not leak sessions.
//!
//! # Key file
//!
//! [`TokenKeys::load_or_generate`] keeps the signing secret in `<data_dir>/jwt.key`:
//! 64 random bytes, standard base64 (with padding) on one line, followed by a newline.
//! The file is created once with mode `0600`; a key file that group or others can
//! read or write is refused. Deleting the file invalidates every access token issued
//! with it (users sign in again via their refresh token).

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::errors::ErrorKind as JwtErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// `iss` of every access token.
pub const ISSUER: &str = "rankfile";
/// `aud` of every access token.
pub const AUDIENCE: &str = "rankfile-web";
/// Access token lifetime: 15 minutes.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
/// Clock skew tolerated when checking `exp` and `iat`.
pub const LEEWAY_SECS: i64 = 5;
/// Shortest accepted HMAC secret, in bytes (the HS256 output size).
pub const MIN_SECRET_LEN: usize = 32;
/// Name of the key file inside the data directory.
pub const KEY_FILE_NAME: &str = "jwt.key";
/// Length of a generated secret, in bytes (the SHA-256 block size).
const GENERATED_SECRET_LEN: usize = 64;
/// Random bytes in a refresh token.
const REFRESH_TOKEN_BYTES: usize = 32;
/// The only signing algorithm issued or accepted.
const ALGORITHM: Algorithm = Algorithm::HS256;

/// The claims of an access token.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct AccessClaims {
    /// User id.
    pub sub: i64,
    /// Session id: lets a session (and its access tokens) be revoked.
    pub sid: String,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Expires at, Unix seconds.
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Token failures. `Expired` and `Invalid` are what a client may learn; the reason
/// a token is invalid (bad signature, wrong audience, ...) is deliberately not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The token was valid but its lifetime is over.
    #[error("token expired")]
    Expired,
    /// The token is malformed, forged, tampered with, or not meant for us.
    #[error("invalid token")]
    Invalid,
    /// The signing secret is shorter than [`MIN_SECRET_LEN`] bytes.
    #[error("token secret must be at least {MIN_SECRET_LEN} bytes")]
    WeakSecret,
    /// The key file could not be read, created, or trusted (server-side detail).
    #[error("token key file: {0}")]
    KeyFile(String),
    /// Signing failed (should not happen with an HMAC key).
    #[error("could not sign token")]
    Signing,
}

impl From<TokenError> for AppError {
    /// Bad or expired tokens mean "sign in again"; key problems are internal and logged.
    fn from(err: TokenError) -> Self {
        match err {
            TokenError::Expired | TokenError::Invalid => AppError::Unauthorized,
            other => AppError::internal(&other),
        }
    }
}

/// The HMAC secret, ready for signing and verifying. Cheap to clone.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Derived from the same secret for one purpose each: sealing second-factor secrets
    /// at rest, and the keyed hash of recovery codes ([`TokenKeys::derived`]).
    sealing: [u8; 32],
    pepper: [u8; 32],
}

impl fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKeys { .. }")
    }
}

impl TokenKeys {
    /// Keys from a raw secret of at least [`MIN_SECRET_LEN`] bytes. There is no default key.
    pub fn from_secret(secret: &[u8]) -> Result<Self, TokenError> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(TokenError::WeakSecret);
        }
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            sealing: derive(secret, b"rankfile second factor sealing v1"),
            pepper: derive(secret, b"rankfile recovery code pepper v1"),
        })
    }

    /// The key that seals second-factor secrets at rest.
    pub fn sealing_key(&self) -> &[u8; 32] {
        &self.sealing
    }

    /// The key recovery codes are hashed with (a stolen database alone cannot test guesses).
    pub fn pepper(&self) -> &[u8; 32] {
        &self.pepper
    }

    /// Reads the secret from `data_dir/jwt.key`, or creates that file (mode `0600`) with
    /// a fresh random secret if it does not exist yet. See the module docs for the format.
    ///
    /// Safe against two processes starting at once: the file is created with
    /// `create_new`, so only one of them writes it and the other reads its key.
    pub fn load_or_generate(data_dir: &Path) -> Result<Self, TokenError> {
        let path = data_dir.join(KEY_FILE_NAME);
        let shown = path.display();

        // Only the process that created the file writes it; a racing process may
        // briefly see it empty, so reading retries for a moment before giving up.
        let mut attempts = 0;
        loop {
            match File::open(&path) {
                Ok(file) => match read_key_file(file, &path) {
                    Ok(keys) => return Ok(keys),
                    Err(KeyRead::Incomplete) if attempts < 20 => {
                        attempts += 1;
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    Err(KeyRead::Incomplete) => {
                        return Err(TokenError::KeyFile(format!(
                            "{shown} is empty or not valid base64 of at least {MIN_SECRET_LEN} \
                             bytes; delete it to generate a new key"
                        )))
                    }
                    Err(KeyRead::Fatal(err)) => return Err(err),
                },
                Err(err) if err.kind() == ErrorKind::NotFound => {
                    match create_key_file(&path) {
                        Ok(keys) => return Ok(keys),
                        // Another process created it first: read theirs.
                        Err(err) if err.kind() == ErrorKind::AlreadyExists => continue,
                        Err(err) => {
                            return Err(TokenError::KeyFile(format!(
                                "cannot create {shown}: {err}"
                            )))
                        }
                    }
                }
                Err(err) => return Err(TokenError::KeyFile(format!("cannot open {shown}: {err}"))),
            }
        }
    }
}

enum KeyRead {
    /// Empty or undecodable: possibly still being written by another process.
    Incomplete,
    Fatal(TokenError),
}

fn read_key_file(mut file: File, path: &Path) -> Result<TokenKeys, KeyRead> {
    let shown = path.display();
    let fatal = |msg: String| KeyRead::Fatal(TokenError::KeyFile(msg));
    let meta = file
        .metadata()
        .map_err(|err| fatal(format!("cannot stat {shown}: {err}")))?;
    if !meta.is_file() {
        return Err(fatal(format!("{shown} is not a regular file")));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(fatal(format!(
            "{shown} has mode {mode:04o}, so other users can read or change the signing key; \
             run `chmod 600 {shown}` (and consider replacing the key)"
        )));
    }
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|err| fatal(format!("cannot read {shown}: {err}")))?;
    let secret = STANDARD
        .decode(text.trim())
        .map_err(|_| KeyRead::Incomplete)?;
    match TokenKeys::from_secret(&secret) {
        Ok(keys) => Ok(keys),
        Err(_) => Err(KeyRead::Incomplete),
    }
}

fn create_key_file(path: &Path) -> std::io::Result<TokenKeys> {
    let mut secret = [0u8; GENERATED_SECRET_LEN];
    rand::fill(&mut secret);
    let keys = TokenKeys::from_secret(&secret).expect("generated secret is long enough");
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    let line = format!("{}\n", STANDARD.encode(secret));
    file.write_all(line.as_bytes())?;
    file.sync_all()?;
    Ok(keys)
}

/// A key for one `purpose`, derived from the server secret (SHA-256 of the two: the
/// secret is already uniformly random, so no stretching is needed).
fn derive(secret: &[u8], purpose: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(purpose);
    hasher.update([0u8]);
    hasher.update(secret);
    hasher.finalize().into()
}

fn validation() -> Validation {
    let mut validation = Validation::new(ALGORITHM);
    validation.leeway = LEEWAY_SECS.unsigned_abs();
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    validation.validate_exp = true;
    validation
}

/// Issues an access token for `user_id` in session `session_id`, valid from `now`
/// (Unix seconds) for [`ACCESS_TTL_SECS`].
pub fn issue_access(
    keys: &TokenKeys,
    user_id: i64,
    session_id: &str,
    now: i64,
) -> Result<String, TokenError> {
    let claims = AccessClaims {
        sub: user_id,
        sid: session_id.to_owned(),
        iat: now,
        exp: now + ACCESS_TTL_SECS,
        iss: ISSUER.to_owned(),
        aud: AUDIENCE.to_owned(),
    };
    jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &keys.encoding)
        .map_err(|_| TokenError::Signing)
}

/// Verifies an access token at time `now` (Unix seconds) and returns its claims.
///
/// Accepts only HS256 tokens signed with `keys`, issued by [`ISSUER`] for
/// [`AUDIENCE`], not expired (with [`LEEWAY_SECS`] of skew) and not issued in the
/// future. Expiry is checked against both `now` and the system clock.
pub fn verify_access(keys: &TokenKeys, token: &str, now: i64) -> Result<AccessClaims, TokenError> {
    let data = jsonwebtoken::decode::<AccessClaims>(token, &keys.decoding, &validation()).map_err(
        |err| match err.kind() {
            JwtErrorKind::ExpiredSignature => TokenError::Expired,
            _ => TokenError::Invalid,
        },
    )?;
    // `decode` only returns tokens whose header says HS256; checked again so that a
    // change to `validation()` cannot silently widen what is accepted.
    if data.header.alg != ALGORITHM {
        return Err(TokenError::Invalid);
    }
    let claims = data.claims;
    if claims.iss != ISSUER || claims.aud != AUDIENCE {
        return Err(TokenError::Invalid);
    }
    if claims.iat > now + LEEWAY_SECS || claims.exp > claims.iat + ACCESS_TTL_SECS {
        return Err(TokenError::Invalid);
    }
    if now > claims.exp + LEEWAY_SECS {
        return Err(TokenError::Expired);
    }
    Ok(claims)
}

/// `aud` of the token a password alone earns when the account has a second factor:
/// it is good for nothing but the code form, for [`SECOND_STEP_TTL_SECS`].
pub const SECOND_STEP_AUDIENCE: &str = "rankfile-second-step";
/// Five minutes to type the code; after that, sign in again.
pub const SECOND_STEP_TTL_SECS: i64 = 5 * 60;

/// The claims of a second-step token.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct SecondStepClaims {
    /// The user whose password was right.
    pub sub: i64,
    /// Their e-mail: the throttle counts the code's attempts against it.
    pub email: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// The second-step token for `user_id`, whose password was right at `now`.
pub fn issue_second_step(
    keys: &TokenKeys,
    user_id: i64,
    email: &str,
    now: i64,
) -> Result<String, TokenError> {
    let claims = SecondStepClaims {
        sub: user_id,
        email: email.to_owned(),
        iat: now,
        exp: now + SECOND_STEP_TTL_SECS,
        iss: ISSUER.to_owned(),
        aud: SECOND_STEP_AUDIENCE.to_owned(),
    };
    jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &keys.encoding)
        .map_err(|_| TokenError::Signing)
}

/// The user a second-step token stands for, if it is ours, unexpired, and nothing else
/// (an access token is not a second-step token, nor the other way round).
pub fn verify_second_step(
    keys: &TokenKeys,
    token: &str,
    now: i64,
) -> Result<SecondStepClaims, TokenError> {
    let mut validation = validation();
    validation.set_audience(&[SECOND_STEP_AUDIENCE]);
    let data = jsonwebtoken::decode::<SecondStepClaims>(token, &keys.decoding, &validation)
        .map_err(|err| match err.kind() {
            JwtErrorKind::ExpiredSignature => TokenError::Expired,
            _ => TokenError::Invalid,
        })?;
    let claims = data.claims;
    if data.header.alg != ALGORITHM
        || claims.iss != ISSUER
        || claims.aud != SECOND_STEP_AUDIENCE
        || claims.iat > now + LEEWAY_SECS
        || claims.exp > claims.iat + SECOND_STEP_TTL_SECS
    {
        return Err(TokenError::Invalid);
    }
    if now > claims.exp {
        return Err(TokenError::Expired);
    }
    Ok(claims)
}

/// A new refresh token: `(token, hash)`. Send `token` to the browser (32 random
/// bytes, base64url without padding) and store only `hash` (see [`hash_refresh_token`]).
pub fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; REFRESH_TOKEN_BYTES];
    rand::fill(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

/// The stored form of a refresh token: lowercase hex SHA-256 of its text.
/// Deterministic, so a presented token is looked up by its hash.
pub fn hash_refresh_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 0x0f)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-test-only";

    fn keys() -> TokenKeys {
        TokenKeys::from_secret(SECRET).unwrap()
    }

    fn now() -> i64 {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        i64::try_from(secs).unwrap()
    }

    /// A fresh, empty directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "rankfile-tokens-test-{}-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst),
                now()
            ));
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn b64(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    fn claims_json(now: i64) -> String {
        format!(
            r#"{{"sub":7,"sid":"s1","iat":{now},"exp":{},"iss":"rankfile","aud":"rankfile-web"}}"#,
            now + ACCESS_TTL_SECS
        )
    }

    /// Signs arbitrary claims with our secret, for tokens `issue_access` would never make.
    fn sign_with(alg: Algorithm, claims: &serde_json::Value) -> String {
        jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(SECRET)).unwrap()
    }

    fn claims_value(now: i64) -> serde_json::Value {
        serde_json::from_str(&claims_json(now)).unwrap()
    }

    #[test]
    fn round_trip() {
        let now = now();
        let token = issue_access(&keys(), 7, "s1", now).unwrap();
        let claims = verify_access(&keys(), &token, now).unwrap();
        assert_eq!(
            claims,
            AccessClaims {
                sub: 7,
                sid: "s1".into(),
                iat: now,
                exp: now + ACCESS_TTL_SECS,
                iss: ISSUER.into(),
                aud: AUDIENCE.into(),
            }
        );
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, Algorithm::HS256);
    }

    #[test]
    fn token_from_another_key_is_refused() {
        let now = now();
        let other = TokenKeys::from_secret(&[7u8; 32]).unwrap();
        let token = issue_access(&other, 7, "s1", now).unwrap();
        assert_eq!(
            verify_access(&keys(), &token, now),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn tampered_signature_is_refused() {
        let now = now();
        let token = issue_access(&keys(), 7, "s1", now).unwrap();
        let (rest, signature) = token.rsplit_once('.').unwrap();
        let mut sig = URL_SAFE_NO_PAD.decode(signature).unwrap();
        sig[0] ^= 1;
        let forged = format!("{rest}.{}", URL_SAFE_NO_PAD.encode(sig));
        assert_eq!(
            verify_access(&keys(), &forged, now),
            Err(TokenError::Invalid)
        );
        let stripped = format!("{rest}.");
        assert_eq!(
            verify_access(&keys(), &stripped, now),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn tampered_payload_is_refused() {
        let now = now();
        let token = issue_access(&keys(), 7, "s1", now).unwrap();
        let mut parts: Vec<&str> = token.split('.').collect();
        let admin = b64(&claims_json(now).replace(r#""sub":7"#, r#""sub":1"#));
        parts[1] = &admin;
        assert_eq!(
            verify_access(&keys(), &parts.join("."), now),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn expired_token_is_refused() {
        let now = now();
        // Issued an hour ago: expired by the system clock as well as by `now`.
        let old = issue_access(&keys(), 7, "s1", now - 3600).unwrap();
        assert_eq!(verify_access(&keys(), &old, now), Err(TokenError::Expired));
        // Fresh by the system clock, but expired at the `now` passed in.
        let token = issue_access(&keys(), 7, "s1", now).unwrap();
        let later = now + ACCESS_TTL_SECS + LEEWAY_SECS + 1;
        assert_eq!(
            verify_access(&keys(), &token, later),
            Err(TokenError::Expired)
        );
        // Within the leeway it still passes.
        let edge = now + ACCESS_TTL_SECS + LEEWAY_SECS;
        assert!(verify_access(&keys(), &token, edge).is_ok());
    }

    #[test]
    fn token_issued_in_the_future_is_refused() {
        let now = now();
        let token = issue_access(&keys(), 7, "s1", now + 60).unwrap();
        assert_eq!(
            verify_access(&keys(), &token, now),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn second_step_tokens_and_access_tokens_are_not_each_other() {
        let keys = keys();
        let now = now();
        let step = issue_second_step(&keys, 7, "a@b.org", now).unwrap();
        let claims = verify_second_step(&keys, &step, now + 60).unwrap();
        assert_eq!((claims.sub, claims.email.as_str()), (7, "a@b.org"));
        assert!(verify_access(&keys, &step, now + 60).is_err());
        let access = issue_access(&keys, 7, "s1", now).unwrap();
        assert!(verify_second_step(&keys, &access, now + 60).is_err());
        // Five minutes, then sign in again.
        assert_eq!(
            verify_second_step(&keys, &step, now + SECOND_STEP_TTL_SECS + LEEWAY_SECS + 1),
            Err(TokenError::Expired)
        );
        let other = TokenKeys::from_secret(&[9u8; 64]).unwrap();
        assert!(verify_second_step(&other, &step, now).is_err());
    }

    #[test]
    fn wrong_audience_is_refused() {
        let mut claims = claims_value(now());
        claims["aud"] = "someone-else".into();
        let token = sign_with(Algorithm::HS256, &claims);
        assert_eq!(
            verify_access(&keys(), &token, now()),
            Err(TokenError::Invalid)
        );
        claims["aud"] = serde_json::json!(["someone-else"]);
        let token = sign_with(Algorithm::HS256, &claims);
        assert_eq!(
            verify_access(&keys(), &token, now()),
            Err(TokenError::Invalid)
        );
        // A missing audience is refused too.
        claims.as_object_mut().unwrap().remove("aud");
        let token = sign_with(Algorithm::HS256, &claims);
        assert_eq!(
            verify_access(&keys(), &token, now()),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn wrong_issuer_is_refused() {
        let mut claims = claims_value(now());
        claims["iss"] = "evil".into();
        let token = sign_with(Algorithm::HS256, &claims);
        assert_eq!(
            verify_access(&keys(), &token, now()),
            Err(TokenError::Invalid)
        );
        claims.as_object_mut().unwrap().remove("iss");
        let token = sign_with(Algorithm::HS256, &claims);
        assert_eq!(
            verify_access(&keys(), &token, now()),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn alg_none_is_refused() {
        let now = now();
        for header in [
            r#"{"alg":"none","typ":"JWT"}"#,
            r#"{"alg":"None","typ":"JWT"}"#,
            r#"{"alg":"NONE","typ":"JWT"}"#,
        ] {
            let token = format!("{}.{}.", b64(header), b64(&claims_json(now)));
            assert_eq!(
                verify_access(&keys(), &token, now),
                Err(TokenError::Invalid),
                "{header}"
            );
        }
    }

    #[test]
    fn other_algorithms_are_refused() {
        let now = now();
        for alg in [Algorithm::HS512, Algorithm::HS384] {
            let token = sign_with(alg, &claims_value(now));
            assert_eq!(
                verify_access(&keys(), &token, now),
                Err(TokenError::Invalid),
                "{alg:?}"
            );
        }
        // An HS256 signature under a header that claims RS256 (key confusion).
        let token = issue_access(&keys(), 7, "s1", now).unwrap();
        let (_, rest) = token.split_once('.').unwrap();
        let confused = format!("{}.{rest}", b64(r#"{"alg":"RS256","typ":"JWT"}"#));
        assert_eq!(
            verify_access(&keys(), &confused, now),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn garbage_is_refused() {
        for token in [
            "",
            ".",
            "..",
            "a.b.c",
            "not a token",
            "eyJhbGciOiJIUzI1NiJ9..",
        ] {
            assert_eq!(
                verify_access(&keys(), token, now()),
                Err(TokenError::Invalid),
                "{token:?}"
            );
        }
    }

    #[test]
    fn short_secret_is_refused() {
        assert_eq!(
            TokenKeys::from_secret(&[1u8; 31]).unwrap_err(),
            TokenError::WeakSecret
        );
        assert_eq!(
            TokenKeys::from_secret(b"").unwrap_err(),
            TokenError::WeakSecret
        );
        assert!(TokenKeys::from_secret(&[1u8; 32]).is_ok());
    }

    #[test]
    fn debug_does_not_print_the_key() {
        assert_eq!(format!("{:?}", keys()), "TokenKeys { .. }");
    }

    #[test]
    fn key_file_is_generated_once_with_mode_0600() {
        let dir = TempDir::new();
        let first = TokenKeys::load_or_generate(&dir.0).unwrap();
        let path = dir.0.join(KEY_FILE_NAME);
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let contents = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            STANDARD.decode(contents.trim()).unwrap().len(),
            GENERATED_SECRET_LEN
        );

        let second = TokenKeys::load_or_generate(&dir.0).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), contents);
        let now = now();
        let token = issue_access(&first, 7, "s1", now).unwrap();
        assert_eq!(verify_access(&second, &token, now).unwrap().sub, 7);
        let token = issue_access(&second, 8, "s2", now).unwrap();
        assert_eq!(verify_access(&first, &token, now).unwrap().sub, 8);
    }

    #[test]
    fn different_data_dirs_get_different_keys() {
        let (a, b) = (TempDir::new(), TempDir::new());
        let ka = TokenKeys::load_or_generate(&a.0).unwrap();
        let kb = TokenKeys::load_or_generate(&b.0).unwrap();
        let now = now();
        let token = issue_access(&ka, 7, "s1", now).unwrap();
        assert_eq!(verify_access(&kb, &token, now), Err(TokenError::Invalid));
    }

    #[test]
    fn racing_loaders_agree_on_one_key() {
        let dir = TempDir::new();
        let path = dir.0.clone();
        let loaders: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || TokenKeys::load_or_generate(&path).unwrap())
            })
            .collect();
        let all: Vec<TokenKeys> = loaders.into_iter().map(|h| h.join().unwrap()).collect();
        let now = now();
        let token = issue_access(&all[0], 7, "s1", now).unwrap();
        for keys in &all {
            assert!(verify_access(keys, &token, now).is_ok());
        }
    }

    #[test]
    fn group_readable_key_file_is_refused() {
        let dir = TempDir::new();
        TokenKeys::load_or_generate(&dir.0).unwrap();
        let path = dir.0.join(KEY_FILE_NAME);
        for mode in [0o640, 0o604, 0o620, 0o644] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            match TokenKeys::load_or_generate(&dir.0) {
                Err(TokenError::KeyFile(msg)) => assert!(msg.contains("chmod 600"), "{msg}"),
                other => panic!("mode {mode:o} accepted: {other:?}"),
            }
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(TokenKeys::load_or_generate(&dir.0).is_ok());
    }

    #[test]
    fn weak_or_corrupt_key_file_is_refused() {
        let dir = TempDir::new();
        let path = dir.0.join(KEY_FILE_NAME);
        let write = |contents: &str| {
            let mut file = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&path)
                .unwrap();
            file.write_all(contents.as_bytes()).unwrap();
        };
        write(&format!("{}\n", STANDARD.encode([1u8; 16])));
        assert!(matches!(
            TokenKeys::load_or_generate(&dir.0),
            Err(TokenError::KeyFile(_))
        ));
        write("definitely not base64!\n");
        assert!(matches!(
            TokenKeys::load_or_generate(&dir.0),
            Err(TokenError::KeyFile(_))
        ));
        // A hand-made key in the documented format is accepted.
        write(&format!("{}\n", STANDARD.encode([9u8; 64])));
        let loaded = TokenKeys::load_or_generate(&dir.0).unwrap();
        let token =
            issue_access(&TokenKeys::from_secret(&[9u8; 64]).unwrap(), 7, "s", now()).unwrap();
        assert!(verify_access(&loaded, &token, now()).is_ok());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed_deterministically() {
        let (token, hash) = new_refresh_token();
        assert_eq!(token.len(), 43, "32 bytes in base64url without padding");
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).unwrap().len(), 32);
        assert_eq!(hash.len(), 64);
        assert!(hash
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(hash_refresh_token(&token), hash);
        assert_eq!(hash_refresh_token(&token), hash_refresh_token(&token));

        let (other, other_hash) = new_refresh_token();
        assert_ne!(token, other);
        assert_ne!(hash, other_hash);
        assert_ne!(hash, token);
    }

    #[test]
    fn refresh_hash_is_sha256_hex() {
        assert_eq!(
            hash_refresh_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

//! The second factor: TOTP codes (RFC 6238: SHA-1, 6 digits, 30 s steps, one step of
//! skew either way), its QR code, its secret sealed at rest, single-use recovery codes,
//! and what the account page says of a session (device, rough place).
//!
//! Everything here is pure or local: the store keeps the sealed secret and the last
//! accepted step (`Accounts::use_code_step` accepts a step only if it is later, in one
//! atomic `UPDATE`), and `api::security` puts the two together.

use std::net::IpAddr;

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::XChaCha20Poly1305;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use totp_rs::{Algorithm, Builder, Secret, Totp};

use super::tokens::TokenKeys;
use crate::error::AppError;

/// Bytes of a new TOTP secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// Recovery codes made at set-up.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code (Crockford's base32: 50 bits), shown as two groups of 5.
pub const RECOVERY_CODE_LEN: usize = 10;
/// The issuer authenticator apps show beside the account.
pub const ISSUER: &str = "rankfile";
/// The longest code input read at all.
const MAX_INPUT: usize = 64;
/// Crockford's base32: no I, L, O or U, so nothing is read as another character.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// What was typed in the code field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// Six digits from the authenticator app.
    Totp(String),
    /// A recovery code, normalized (upper case, no separator).
    Recovery(String),
}

/// Reads the code field: six digits, or a recovery code (spaces and dashes ignored,
/// any case). Anything else is a clear error on `field`.
pub fn parse_code(input: &str, field: &str) -> Result<Code, AppError> {
    let wrong = || {
        AppError::validation(
            field,
            "Enter the 6-digit code from your authenticator app, or one of your recovery codes.",
        )
    };
    if input.len() > MAX_INPUT {
        return Err(wrong());
    }
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Code::Totp(compact));
    }
    let upper = compact.to_ascii_uppercase();
    if upper.len() == RECOVERY_CODE_LEN && upper.bytes().all(|b| ALPHABET.contains(&b)) {
        return Ok(Code::Recovery(upper));
    }
    Err(wrong())
}

/// A new random secret.
pub fn new_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; SECRET_BYTES];
    rand::fill(&mut bytes[..]);
    bytes
}

/// The TOTP generator for `secret`, labelled with the account for the app.
pub fn totp(secret: &[u8], account: &str) -> Result<Totp, AppError> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(Secret::from(secret.to_vec()))
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|_| AppError::Internal)
}

/// The time step a six-digit `code` is right for at `unix` seconds (one step of skew
/// either way), if any. Whether it is later than the last one accepted is the store's.
pub fn matching_step(secret: &[u8], code: &str, unix: u64) -> Result<Option<u64>, AppError> {
    Ok(totp(secret, "")?.check(code, unix))
}

/// The code an authenticator app shows for time step `step` (what a story or a CLI
/// computes where a phone would).
pub fn code_for_step(secret: &[u8], step: u64) -> Result<String, AppError> {
    Ok(totp(secret, "")?.generate(step * 30).to_string())
}

/// The secret from its manual-entry text (spaces ignored), as an app reads it.
pub fn secret_from_text(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    Secret::try_from_base32(compact)
        .ok()
        .map(|s| s.as_ref().to_vec())
}

/// The secret as the manual-entry text authenticator apps take (base32, in groups of 4).
pub fn secret_text(secret: &[u8]) -> String {
    let base32 = Secret::from(secret.to_vec()).to_base32();
    base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://` address the QR code carries.
pub fn otpauth_url(secret: &[u8], account: &str) -> Result<String, AppError> {
    totp(secret, account)?
        .to_url()
        .map_err(|_| AppError::Internal)
}

/// The QR code of `url`, as an SVG element drawn here (no third-party request, no
/// inline style: the page's CSP allows none).
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|_| AppError::Internal)?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // The renderer starts with an XML declaration an inline <svg> does not want.
    let start = image.find("<svg").ok_or(AppError::Internal)?;
    Ok(image[start..].replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"QR code for your authenticator app\" ",
        1,
    ))
}

/// Ten new recovery codes, as shown (`XXXXX-XXXXX`).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; RECOVERY_CODE_LEN];
            rand::fill(&mut bytes);
            let code: String = bytes
                .iter()
                .map(|b| char::from(ALPHABET[usize::from(b % 32)]))
                .collect();
            format!("{}-{}", &code[..5], &code[5..])
        })
        .collect()
}

/// The stored form of a recovery code: HMAC-SHA-256 with the server's pepper, hex.
/// `code` is a shown code or a [`Code::Recovery`]: both normalize to the same.
pub fn hash_recovery_code(keys: &TokenKeys, code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(keys.pepper()).expect("HMAC takes any key length");
    mac.update(normal.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Seals `plain` with the server's sealing key: base64 of a random 24-byte nonce and
/// the XChaCha20-Poly1305 ciphertext. `context` (the user id) is bound in, so a box
/// copied to another account's row does not open there.
pub fn seal(keys: &TokenKeys, context: &str, plain: &[u8]) -> Result<String, AppError> {
    use base64::Engine;
    use chacha20poly1305::aead::Payload;
    let cipher = XChaCha20Poly1305::new(keys.sealing_key().into());
    let mut nonce = [0u8; 24];
    rand::fill(&mut nonce);
    let sealed = cipher
        .encrypt(
            &nonce.into(),
            Payload {
                msg: plain,
                aad: context.as_bytes(),
            },
        )
        .map_err(|_| AppError::Internal)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// Opens a box [`seal`] made for `context`; Internal when the key changed or it was
/// tampered with (the member's lead can reset the factor).
pub fn open(keys: &TokenKeys, context: &str, sealed: &str) -> Result<Vec<u8>, AppError> {
    use base64::Engine;
    use chacha20poly1305::aead::Payload;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sealed)
        .map_err(|_| AppError::Internal)?;
    if bytes.len() < 24 {
        return Err(AppError::Internal);
    }
    let (nonce, body) = bytes.split_at(24);
    let nonce: [u8; 24] = nonce.try_into().map_err(|_| AppError::Internal)?;
    let cipher = XChaCha20Poly1305::new(keys.sealing_key().into());
    cipher
        .decrypt(
            &nonce.into(),
            Payload {
                msg: body,
                aad: context.as_bytes(),
            },
        )
        .map_err(|_| AppError::Internal)
}

/// "Firefox on Android", from a user agent (the first 512 bytes of it).
pub fn device_label(user_agent: &str) -> String {
    let cut = match user_agent.char_indices().nth(512) {
        Some((at, _)) => &user_agent[..at],
        None => user_agent,
    };
    match woothee::parser::Parser::new().parse(cut) {
        Some(ua) if ua.name != "UNKNOWN" => {
            let os = if ua.os == "UNKNOWN" { "" } else { ua.os };
            if os.is_empty() {
                ua.name.to_owned()
            } else {
                format!("{} on {os}", ua.name)
            }
        }
        _ if cut.trim().is_empty() => "Unknown device".to_owned(),
        _ => "Other browser or app".to_owned(),
    }
}

/// A rough place for an address: its /24 (IPv4) or /48 (IPv6) network, which names a
/// provider or a building, not a device.
pub fn ip_prefix(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.x")
        }
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => ip_prefix(&v4.to_string()),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
            }
        },
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::from_secret(&[7u8; 64]).unwrap()
    }

    #[test]
    fn codes_are_six_digits_or_a_recovery_code() {
        assert_eq!(
            parse_code(" 123 456 ", "code").unwrap(),
            Code::Totp("123456".into())
        );
        assert_eq!(
            parse_code("abcde-fghjk", "code").unwrap(),
            Code::Recovery("ABCDEFGHJK".into())
        );
        for bad in [
            "",
            "12345",
            "1234567",
            "12a456",
            "ABCDE-FGHIJ",
            &"1".repeat(65),
        ] {
            let err = parse_code(bad, "code").unwrap_err();
            assert!(err.field_message("code").is_some(), "{bad}");
        }
    }

    #[test]
    fn the_rfc_6238_vector_and_one_step_of_skew() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits); its last 6: 287082.
        let secret = b"12345678901234567890";
        assert_eq!(matching_step(secret, "287082", 59).unwrap(), Some(1));
        // One step of skew either way, not two.
        assert_eq!(matching_step(secret, "287082", 59 + 30).unwrap(), Some(1));
        assert_eq!(matching_step(secret, "287082", 59 + 60).unwrap(), None);
        assert_eq!(matching_step(secret, "000000", 59).unwrap(), None);
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_its_owner() {
        let keys = keys();
        let sealed = seal(&keys, "user:1", b"secret").unwrap();
        assert!(!sealed.contains("secret"));
        assert_eq!(open(&keys, "user:1", &sealed).unwrap(), b"secret");
        assert!(open(&keys, "user:2", &sealed).is_err());
        let other = TokenKeys::from_secret(&[8u8; 64]).unwrap();
        assert!(open(&other, "user:1", &sealed).is_err());
        assert!(open(&keys, "user:1", "AAAA").is_err());
        // Two seals of one secret differ (a fresh nonce each).
        assert_ne!(sealed, seal(&keys, "user:1", b"secret").unwrap());
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_hash_as_typed() {
        let keys = keys();
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let shown = &codes[0];
        let Code::Recovery(typed) = parse_code(&shown.to_lowercase(), "code").unwrap() else {
            panic!("a recovery code")
        };
        assert_eq!(
            hash_recovery_code(&keys, shown),
            hash_recovery_code(&keys, &typed)
        );
        assert_ne!(
            hash_recovery_code(&keys, shown),
            hash_recovery_code(&TokenKeys::from_secret(&[8u8; 64]).unwrap(), shown)
        );
    }

    #[test]
    fn the_qr_code_is_an_inline_svg_without_style() {
        let secret = new_secret();
        let url = otpauth_url(&secret, "lead@example.org").unwrap();
        assert!(url.starts_with("otpauth://totp/rankfile:lead%40example.org?"));
        assert!(url.contains("issuer=rankfile"));
        let svg = qr_svg(&url).unwrap();
        assert!(svg.starts_with("<svg role=\"img\""));
        assert!(!svg.contains("style"));
        assert_eq!(secret_text(&secret).replace(' ', "").len(), 32);
        assert_eq!(
            secret_from_text(&secret_text(&secret)),
            Some(secret.clone())
        );
        let code = code_for_step(&secret, 1000).unwrap();
        assert_eq!(
            matching_step(&secret, &code, 1000 * 30 + 5).unwrap(),
            Some(1000)
        );
    }

    #[test]
    fn devices_and_places_are_rough() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
        assert_eq!(device_label(android), "Chrome on Android");
        assert_eq!(device_label(""), "Unknown device");
        assert_eq!(ip_prefix("203.0.113.77"), "203.0.113.x");
        assert_eq!(ip_prefix("2001:db8:1:2::5"), "2001:db8:1::/48");
        assert_eq!(ip_prefix("::ffff:10.1.2.3"), "10.1.2.x");
        assert_eq!(ip_prefix("nonsense"), "");
    }
}

//! The second factor as a story's phone: leads are enrolled through the account page's
//! server functions (reading the key the page shows, as a person types it into an app),
//! and each sign-in that asks for a code gets the next one the app would show.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use app::api::auth::SecondStep;
use app::api::security::{BeginSecondFactor, ConfirmSecondFactor, SecurityPage};
use app::auth::second_factor::{code_for_step, secret_from_text};

use crate::Browser;

/// A phone's authenticator: the secret, and the last step whose code was used.
#[derive(Clone)]
struct Phone {
    secret: Vec<u8>,
    last_step: u64,
}

/// Phones by (server address, e-mail): each story's server is its own.
static PHONES: LazyLock<Mutex<HashMap<(String, String), Phone>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn now_step() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0) / 30
}

/// The next code the server will accept for this phone: one for a step later than the
/// last used, within the server's one step of skew (waiting for the clock if needed).
pub async fn next_code(browser: &Browser, email: &str) -> Option<String> {
    let key = (browser.address.clone(), email.to_owned());
    loop {
        let step = {
            let mut phones = PHONES.lock().expect("phones");
            let phone = phones.get_mut(&key)?;
            let step = (phone.last_step + 1).max(now_step());
            if step <= now_step() + 1 {
                phone.last_step = step;
                Some(code_for_step(&phone.secret, step).expect("a code"))
            } else {
                None
            }
        };
        match step {
            Some(code) => return Some(code),
            None => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
        }
    }
}

/// Whether the harness holds a phone for this account on this server.
pub fn has_phone(browser: &Browser, email: &str) -> bool {
    PHONES
        .lock()
        .expect("phones")
        .contains_key(&(browser.address.clone(), email.to_owned()))
}

/// Forgets every phone of the server at `address` (a new server on a port used before).
pub fn forget_server(address: &str) {
    PHONES
        .lock()
        .expect("phones")
        .retain(|(server, _), _| server != address);
}

/// Forgets the phone (a lead reset the factor, or it was turned off).
pub fn lose_phone(browser: &Browser, email: &str) {
    PHONES
        .lock()
        .expect("phones")
        .remove(&(browser.address.clone(), email.to_owned()));
}

/// Sets up the second factor for the signed-in `browser` as a member would on the
/// account page; answers the recovery codes the page showed.
pub async fn enroll(browser: &Browser, email: &str) -> Vec<String> {
    browser.call_fn_ok(BeginSecondFactor {}).await;
    let page = browser.call_fn_ok(SecurityPage {}).await;
    let pending = &page["factor"]["Pending"];
    let secret = secret_from_text(pending["secret_text"].as_str().expect("the key shown"))
        .expect("a base32 key");
    let codes = pending["recovery_codes"]
        .as_array()
        .expect("recovery codes shown")
        .iter()
        .map(|c| c.as_str().expect("a code").to_owned())
        .collect();
    PHONES.lock().expect("phones").insert(
        (browser.address.clone(), email.to_owned()),
        Phone {
            secret,
            last_step: 0,
        },
    );
    let code = next_code(browser, email).await.expect("a phone");
    browser.call_fn_ok(ConfirmSecondFactor { code }).await;
    codes
}

/// The code step of signing in, with the phone's next code.
pub async fn second_step(browser: &Browser, email: &str) {
    let code = next_code(browser, email)
        .await
        .unwrap_or_else(|| panic!("{email} has a second factor but the story has no phone"));
    browser
        .call_fn_ok(SecondStep {
            code,
            next: String::new(),
        })
        .await;
}

/// Signs in with a password and, for an account with a second factor, the phone's next
/// code: the response that started the session (its `Set-Cookie` holds it), for stories
/// that read the session's cookies themselves.
pub async fn sign_in_response(browser: &Browser, email: &str, password: &str) -> reqwest::Response {
    let res = browser
        .call_fn(crate::calls::sign_in(email, password))
        .await;
    let code_needed = crate::set_cookie(&res, "rf_step").is_some();
    if !code_needed {
        return res;
    }
    let code = next_code(browser, email)
        .await
        .unwrap_or_else(|| panic!("{email} has a second factor but the story has no phone"));
    browser
        .call_fn(SecondStep {
            code,
            next: String::new(),
        })
        .await
}

//! Test harness: `spawn_app(Backend::Sqlite | Backend::Postgres)` starts the real
//! server on port 0 against a fresh database and hands back a client with a cookie jar.
//! Stories are written once and run on both backends with [`stories!`].

pub mod attack;
pub mod calls;
pub mod employer_list;
pub mod factor;
pub mod figures;
mod helpers;

pub use helpers::*;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use app::api::auth::{CreateAccount, JoinInvite};
use app::api::campaigns::ListCampaigns;
use app::api::members::{AuditLog, CreateInvite, ListMembers};
use app::store::Storage;
use serde::Serialize;
use server_fn::ServerFn;

use server::config::Settings;
use server::startup::Application;
use sqlx::{Connection, Executor, PgConnection};
use tokio::sync::oneshot;

/// Runs `body` with `db`, a connection to the database at `url` of `backend` (written
/// once, compiled once per backend's connection type): for checks below the app.
#[macro_export]
macro_rules! on_database {
    ($backend:expr, $url:expr, |$db:ident| $body:expr) => {
        match $backend {
            $crate::Backend::Sqlite => {
                #[allow(unused_mut)]
                let mut $db = <sqlx::SqliteConnection as sqlx::Connection>::connect($url)
                    .await
                    .expect("connect to the SQLite database");
                $body
            }
            $crate::Backend::Postgres => {
                #[allow(unused_mut)]
                let mut $db = <sqlx::PgConnection as sqlx::Connection>::connect($url)
                    .await
                    .expect("connect to the PostgreSQL database");
                $body
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests create their databases on.
pub fn pg_admin_url() -> String {
    std::env::var("RANKFILE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// One browser: a client with its own cookie jar, pointed at the app.
#[derive(Clone)]
pub struct Browser {
    pub address: String,
    pub client: reqwest::Client,
    /// The cookie jar, for a fixture to put a session in ([`TestApp::session_browser`]).
    jar: Arc<reqwest::cookie::Jar>,
}

impl Browser {
    fn new(address: &str) -> Self {
        Self::from_local_address(address, None)
    }

    /// A browser whose connections come from `local` (any 127.x.y.z works on Linux).
    fn from_local_address(address: &str, local: Option<std::net::IpAddr>) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .local_address(local)
            .build()
            .expect("client");
        Self {
            address: address.to_owned(),
            client,
            jar,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The same browser (its cookie jar) sent to another instance, as a load balancer
    /// may do from one request to the next.
    pub fn on(&self, instance: &TestApp) -> Browser {
        Browser {
            address: instance.address.clone(),
            client: self.client.clone(),
            jar: self.jar.clone(),
        }
    }

    /// Calls the server function whose arguments `args` are (e.g.
    /// `app::api::campaigns::GetCampaign { campaign_id }`) as the hydrated app does: at
    /// its registered path, form-encoded in, JSON out. A changed signature is a compile
    /// error here, not a 422 at run time.
    pub async fn call_fn<F: ServerFn + Serialize>(&self, args: F) -> reqwest::Response {
        self.request_fn(args).send().await.expect("request failed")
    }

    /// The request [`Browser::call_fn`] sends, for a story to add headers to.
    pub fn request_fn<F: ServerFn + Serialize>(&self, args: F) -> reqwest::RequestBuilder {
        self.client
            .post(self.url(F::PATH))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encode(&args))
    }

    /// [`Browser::call_fn`], decoding its JSON answer and asserting success: a 2xx
    /// status and a body that is JSON (a redirect or an HTML page is a failure here).
    pub async fn call_fn_ok<F: ServerFn + Serialize>(&self, args: F) -> serde_json::Value {
        json_ok(F::PATH, self.call_fn(args).await).await
    }

    /// The status of [`Browser::call_fn`]'s answer.
    pub async fn status_fn<F: ServerFn + Serialize>(&self, args: F) -> u16 {
        self.call_fn(args).await.status().as_u16()
    }

    /// Calls a server function with a hand-made form (`endpoint` below /api/): only for
    /// stories that send what the app's own forms never do (malformed, missing or extra
    /// fields, sparse indexes). Everything else goes through [`Browser::call_fn`].
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request failed")
    }

    /// [`Browser::call`], asserting success as [`Browser::call_fn_ok`] does.
    pub async fn call_ok(&self, endpoint: &str, form: &[(&str, &str)]) -> serde_json::Value {
        json_ok(endpoint, self.call(endpoint, form).await).await
    }

    /// Calls a server function with exactly these cookies, from a client with no jar:
    /// nothing an answer sets (or clears) changes what the next call sends.
    pub async fn call_fn_with_cookies<F: ServerFn + Serialize>(
        &self,
        args: F,
        cookies: &str,
    ) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url(F::PATH))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookies)
            .body(encode(&args))
            .send()
            .await
            .expect("request failed")
    }

    /// Posts a server function's form as a browser without JavaScript does: Accept
    /// text/html, no Referer (pages send none), the page to come back to in `__return`.
    pub async fn post_form_fn<F: ServerFn + Serialize>(
        &self,
        return_to: &str,
        args: F,
    ) -> reqwest::Response {
        let mut body = encode(&args);
        if !body.is_empty() {
            body.push('&');
        }
        let back = std::collections::BTreeMap::from([("__return", return_to)]);
        body.push_str(&serde_qs::to_string(&back).expect("__return"));
        self.client
            .post(self.url(F::PATH))
            .header("accept", "text/html,application/xhtml+xml")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", "null")
            .header("sec-fetch-site", "same-origin")
            .body(body)
            .send()
            .await
            .expect("request failed")
    }

    /// Loads a page as a browser navigation does (Accept: text/html).
    pub async fn get_page(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept", "text/html,application/xhtml+xml")
            .send()
            .await
            .expect("request failed")
    }

    pub async fn get_html(&self, path: &str) -> (reqwest::StatusCode, String) {
        let res = self
            .client
            .get(self.url(path))
            .header("accept", "text/html,application/xhtml+xml")
            .send()
            .await
            .expect("request failed");
        let status = res.status();
        (status, res.text().await.expect("body"))
    }

    /// Uploads a roster file as the import page's form does (multipart: the campaign
    /// first, then the file). `plain` sends it as a browser without JavaScript.
    pub async fn upload_roster(
        &self,
        campaign_id: &str,
        filename: &str,
        content: Vec<u8>,
        plain: bool,
    ) -> reqwest::Response {
        let form = reqwest::multipart::Form::new()
            .text("campaign_id", campaign_id.to_owned())
            .part(
                "file",
                reqwest::multipart::Part::bytes(content)
                    .file_name(filename.to_owned())
                    .mime_str("text/csv")
                    .expect("mime"),
            );
        self.client
            .post(self.url("/api/roster/upload"))
            .header(
                "accept",
                if plain {
                    "text/html,application/xhtml+xml"
                } else {
                    "application/json"
                },
            )
            .multipart(form)
            .send()
            .await
            .expect("request failed")
    }

    /// Uploads a roster file as the import page does (with JavaScript), asserting it is
    /// taken; the new import's id.
    pub async fn upload_roster_ok(
        &self,
        campaign_id: i64,
        filename: &str,
        content: Vec<u8>,
    ) -> i64 {
        let res = self
            .upload_roster(&campaign_id.to_string(), filename, content, false)
            .await;
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        assert_eq!(status, 200, "upload: {body}");
        body.parse()
            .unwrap_or_else(|_| panic!("the upload answers the import's id: {body}"))
    }

    /// A lead's new invite link and its token (`areas` for organizers, else "").
    pub async fn new_invite(&self, campaign_id: i64, role: &str, areas: &str) -> (String, String) {
        let link = self
            .call_fn_ok(CreateInvite {
                areas: areas.into(),
                ..calls::invite(campaign_id, role)
            })
            .await;
        let link = link
            .as_str()
            .expect("members/invite answers the link")
            .to_owned();
        let token = link.rsplit('/').next().unwrap_or_default().to_owned();
        (link, token)
    }

    /// The campaign's audit entries with `action`, newest first (as a lead reads them).
    pub async fn audit_entries(&self, campaign_id: i64, action: &str) -> Vec<serde_json::Value> {
        let log = self
            .call_fn_ok(AuditLog {
                action: action.into(),
                ..calls::audit_log(campaign_id)
            })
            .await;
        log["entries"]
            .as_array()
            .expect("audit/list answers a page of entries")
            .iter()
            .filter(|e| e["action"] == action)
            .cloned()
            .collect()
    }

    /// Signs in through the sign-in server function, and its code step with the
    /// story's phone when the account has a second factor; panics if refused.
    pub async fn sign_in(&self, email: &str, password: &str) {
        let answer = self.call_fn_ok(calls::sign_in(email, password)).await;
        if answer == "CodeNeeded" {
            factor::second_step(self, email).await;
        }
    }
}

/// A server function's arguments as its PostUrl codec encodes them (serde_qs).
fn encode<F: Serialize>(args: &F) -> String {
    serde_qs::to_string(args).expect("server function arguments encode")
}

/// The JSON answer of a call to `what`, asserting a 2xx status and a JSON body.
async fn json_ok(what: &str, res: reqwest::Response) -> serde_json::Value {
    let status = res.status();
    let body = res.text().await.unwrap_or_default();
    assert!(status.is_success(), "{what} answered {status}: {body}");
    serde_json::from_str(&body)
        .unwrap_or_else(|err| panic!("{what} answered {status} with no JSON ({err}): {body}"))
}

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    /// An anonymous browser; `app.call(...)` etc. go through it.
    pub anon: Browser,
    pub address: String,
    pub store: Arc<dyn Storage>,
    /// The key this server signs access tokens with (to forge tokens in tests).
    pub keys: app::auth::tokens::TokenKeys,
    /// The server's password hasher (it counts the passwords it checks).
    pub hasher: app::auth::password::PasswordHasher,
    /// The database this server uses, for checks below the app (e.g. append-only triggers).
    pub database_url: String,
    pub backend: Backend,
    /// The `RANKFILE_*` settings it was built from (for [`TestApp::second_instance`]).
    env: HashMap<String, String>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    data_dir: PathBuf,
    pg_database: Option<String>,
}

impl std::ops::Deref for TestApp {
    type Target = Browser;
    fn deref(&self) -> &Browser {
        &self.anon
    }
}

impl TestApp {
    /// A new browser with an empty cookie jar.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.address)
    }

    /// A new browser connecting from another loopback address, e.g. 127.0.0.2.
    pub fn browser_from(&self, local: &str) -> Browser {
        Browser::from_local_address(&self.address, Some(local.parse().expect("an IP address")))
    }

    /// Creates an account (as `rankfile user create` does) with [`PASSWORD`].
    pub async fn create_user(&self, email: &str, lead_of: Option<&str>) {
        server::users::create_user(self.store.as_ref(), email, PASSWORD, lead_of)
            .await
            .expect("create user");
    }

    /// A browser signed in as `email` (who must exist) with a session made in the store,
    /// as if they had typed their password and their code: for stories that need many
    /// sessions of one account with a second factor, whose phone shows one code per 30 s
    /// (the authorization matrix opens a fresh browser per cell). Sign-in itself is
    /// the subject of `sign_in.rs` and `second_factor.rs`, which never use this.
    pub async fn session_browser(&self, email: &str) -> Browser {
        let email = app::domain::Email::parse(email).expect("an e-mail");
        let user = self
            .store
            .user_credentials(&email)
            .await
            .expect("store")
            .expect("an account");
        let (_, cookies) = app::auth::session::start_session(
            self.store.as_ref(),
            &self.keys,
            app::auth::session::CookieNames { secure: false },
            user.id,
            true,
            chrono::Utc::now(),
        )
        .await
        .expect("a session");
        let browser = self.browser();
        let url: reqwest::Url = self.address.parse().expect("the app's address");
        for cookie in cookies {
            browser.jar.add_cookie_str(&cookie, &url);
        }
        browser
    }

    /// A signed-in browser for a new lead of a new campaign; returns it and the campaign id.
    pub async fn lead_of(&self, email: &str, campaign: &str) -> (Browser, i64) {
        self.create_user(email, Some(campaign)).await;
        let browser = self.browser();
        browser.sign_in(email, PASSWORD).await;
        // Leads reach their campaign only with a second factor: set it up as a lead
        // would on the account page.
        if !factor::has_phone(&browser, email) {
            factor::enroll(&browser, email).await;
        }
        let list = browser.call_fn_ok(ListCampaigns {}).await;
        let id = list
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == campaign)
            .expect("campaign listed")["id"]
            .as_i64()
            .unwrap();
        (browser, id)
    }

    /// Adds a member by invite, through the UI's server functions; returns their browser.
    pub async fn invite_member(
        &self,
        lead: &Browser,
        campaign_id: i64,
        email: &str,
        role: &str,
        areas: &str,
    ) -> Browser {
        let (_, token) = lead.new_invite(campaign_id, role, areas).await;
        let browser = self.browser();
        // The invite page's flow: create the account, sign in, join.
        browser
            .call_fn_ok(CreateAccount {
                token: token.clone(),
                email: email.into(),
                password: PASSWORD.into(),
            })
            .await;
        browser.sign_in(email, PASSWORD).await;
        browser.call_fn_ok(JoinInvite { token }).await;
        if role == "lead" && !factor::has_phone(&browser, email) {
            factor::enroll(&browser, email).await;
        }
        browser
    }

    /// An organizer of the areas `areas` added by invite, as [`TestApp::invite_member`]
    /// adds them; their browser.
    pub async fn organizer_in(
        &self,
        lead: &Browser,
        campaign_id: i64,
        email: &str,
        areas: &[i64],
    ) -> Browser {
        let areas: Vec<String> = areas.iter().map(i64::to_string).collect();
        self.invite_member(lead, campaign_id, email, "organizer", &areas.join(","))
            .await
    }

    /// The user id of the member with `email`, as the lead's members page lists it.
    pub async fn member_id(&self, lead: &Browser, campaign_id: i64, email: &str) -> i64 {
        let members = lead.call_fn_ok(ListMembers { campaign_id }).await;
        members
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap_or_else(|| panic!("{email} is not a member"))["user_id"]
            .as_i64()
            .expect("a user id")
    }

    /// Runs SQL straight on this server's database, below the app (statements separated
    /// by `;`): for fault injection and for checks the app's API cannot make. The
    /// statements' error is returned; not reaching the database at all panics.
    pub async fn sql(&self, statements: &str) -> Result<(), sqlx::Error> {
        on_database!(self.backend, &self.database_url, |db| db
            .execute(statements)
            .await
            .map(drop))
    }

    /// One number from the database, e.g. `SELECT COUNT(*) FROM …`.
    pub async fn sql_count(&self, query: &str) -> i64 {
        sql_count_at(self.backend, &self.database_url, query).await
    }

    /// The data folder this server was given (the SQLite file and jwt.key live there).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// Another server on this one's database with the same settings (its own port and
    /// data folder), as a second instance behind a load balancer would be. Tokens made on
    /// one are good on the other only if the story sets `RANKFILE_JWT_SECRET`, as a
    /// deployment must. Dropping it leaves the database alone.
    ///
    /// Both run in this process, so they share its globals: a cache kept in a `static`
    /// would be shared too, and two-instance stories cannot see one.
    pub async fn second_instance(&self) -> TestApp {
        let (data_dir, mut env) = fresh_data_dir();
        for (key, value) in &self.env {
            if key != "RANKFILE_DATA_DIR" {
                env.insert(key.clone(), value.clone());
            }
        }
        env.insert("RANKFILE_DATABASE_URL".into(), self.database_url.clone());
        serve(self.backend, env, data_dir, None, axum::Router::new()).await
    }

    /// Stops the server and lets it finish in-flight requests.
    pub async fn stop(mut self) {
        self.shutdown_server().await;
    }

    async fn shutdown_server(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.server.take() {
            let _ = handle.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
        if let Some(db) = self.pg_database.take() {
            drop_pg_database(db);
        }
    }
}

/// Drops a test database; callable from `Drop`, inside the test's runtime (it uses a
/// thread with its own).
fn drop_pg_database(db: String) {
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            if let Ok(mut conn) = PgConnection::connect(&pg_admin_url()).await {
                let _ = conn
                    .execute(format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)").as_str())
                    .await;
            }
        });
    })
    .join();
}

/// Creates an empty PostgreSQL database named `name`; returns its URL. Panics when
/// PostgreSQL is unreachable: a story that cannot run fails, it is never reported as
/// passed.
async fn create_pg_database(name: &str) -> String {
    match PgConnection::connect(&pg_admin_url()).await {
        Ok(mut conn) => {
            conn.execute(format!("CREATE DATABASE \"{name}\"").as_str())
                .await
                .expect("CREATE DATABASE");
        }
        Err(err) => {
            // A skipped half used to pass green, unseen: fail, and say how to bring it up.
            panic!(
                "PostgreSQL is unreachable at {}: {err}. Every story runs on both \
                 backends: start it (pg_ctlcluster --skip-systemctl-redirect \
                 $(ls /etc/postgresql) main start) or point RANKFILE_TEST_PG_URL at one.",
                pg_admin_url()
            );
        }
    }
    let admin = pg_admin_url();
    let server = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    format!("{server}/{name}")
}

/// For PostgreSQL, a new database named `prefix_<uuid>`, put in `env` as the database
/// URL; its name, for dropping it later. SQLite needs none (the data folder holds it).
async fn pg_database_for(
    backend: Backend,
    prefix: &str,
    env: &mut HashMap<String, String>,
) -> Option<String> {
    match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let db = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
            let url = create_pg_database(&db).await;
            env.insert("RANKFILE_DATABASE_URL".into(), url);
            Some(db)
        }
    }
}

/// A new data folder and the test defaults naming it (port 0, quiet logs).
fn fresh_data_dir() -> (PathBuf, HashMap<String, String>) {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let data_dir = std::env::temp_dir().join(format!("rankfile-test-{id}"));
    std::fs::create_dir_all(&data_dir).expect("temp dir");
    // A folder as a default umask leaves it (whatever this machine's is): the server
    // makes it private itself.
    std::fs::set_permissions(
        &data_dir,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("temp dir mode");
    let mut env: HashMap<String, String> = HashMap::new();
    env.insert("RANKFILE_ADDR".into(), "127.0.0.1:0".into());
    env.insert(
        "RANKFILE_DATA_DIR".into(),
        data_dir.to_string_lossy().into_owned(),
    );
    env.insert(
        "RANKFILE_LOG".into(),
        std::env::var("RANKFILE_LOG").unwrap_or_else(|_| "warn".into()),
    );
    (data_dir, env)
}

/// Starts the app on a fresh database; panics when the backend is unreachable (a story
/// that cannot run fails, it is never reported as passed). `Option` for the callers'
/// sake: it is always `Some`.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, &[]).await
}

/// [`spawn_app`] with extra `RANKFILE_*` settings (they override the test defaults).
pub async fn spawn_app_with(backend: Backend, settings: &[(&str, &str)]) -> Option<TestApp> {
    spawn_app_with_routes(backend, settings, axum::Router::new()).await
}

/// [`spawn_app_with`] plus routes only tests have (e.g. a handler that panics), served
/// inside every layer of the app (see `Application::build_with_routes`).
pub async fn spawn_app_with_routes(
    backend: Backend,
    settings: &[(&str, &str)],
    routes: axum::Router<app::state::AppState>,
) -> Option<TestApp> {
    let (data_dir, mut env) = fresh_data_dir();
    let pg_database = pg_database_for(backend, "rankfile_test", &mut env).await;
    for (key, value) in settings {
        env.insert((*key).to_owned(), (*value).to_owned());
    }
    Some(serve(backend, env, data_dir, pg_database, routes).await)
}

/// Builds and starts a server from `env`; the [`TestApp`] owns `data_dir` and, if
/// given, the PostgreSQL database `pg_database` (both go when it is dropped).
async fn serve(
    backend: Backend,
    env: HashMap<String, String>,
    data_dir: PathBuf,
    pg_database: Option<String>,
    routes: axum::Router<app::state::AppState>,
) -> TestApp {
    let settings = Settings::from_sources(None, &env).expect("test settings");
    server::telemetry::init(&settings);
    let app = Application::build_with_routes(&settings, routes)
        .await
        .expect("build app");
    let store = app.storage();
    let keys = app.state().keys.clone();
    let hasher = app.state().hasher.clone();
    let database_url = exposed_database_url(&settings);
    let address = format!("http://127.0.0.1:{}", app.port());
    // A port is used again by a later story: its phones are not this server's.
    factor::forget_server(&address);
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));

    TestApp {
        anon: Browser::new(&address),
        address,
        store,
        keys,
        hasher,
        database_url,
        backend,
        env,
        shutdown: Some(tx),
        server: Some(server),
        data_dir,
        pg_database,
    }
}

/// The database URL of `settings`, password and all (tests connect with it).
fn exposed_database_url(settings: &Settings) -> String {
    match &settings.database_url {
        server::config::DatabaseUrl::Sqlite(url) => url.clone(),
        server::config::DatabaseUrl::Postgres(secret) => {
            secrecy::ExposeSecret::expose_secret(secret).to_owned()
        }
    }
}

/// The ignored test [`ServerProcess`] runs as its child, by its whole path in the
/// stories binary: it calls [`serve_from_env`].
pub const CHILD_SERVER_TEST: &str = "durability::child_server";

/// A rankfile server run as a child process, for stories about the process itself
/// (killed with SIGKILL, stopped with SIGTERM). The child is this test binary started
/// again with `--ignored --exact` [`CHILD_SERVER_TEST`] (only that one test runs).
/// Owns its data folder and database.
pub struct ServerProcess {
    pub backend: Backend,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    pub addr: std::net::SocketAddr,
    /// The database, for checks below the app.
    pub database_url: String,
    env: HashMap<String, String>,
    data_dir: PathBuf,
    pg_database: Option<String>,
    child: Option<std::process::Child>,
}

impl ServerProcess {
    /// A fresh data folder (and PostgreSQL database) and a free port; not started yet.
    pub async fn new(backend: Backend) -> Self {
        let (data_dir, mut env) = fresh_data_dir();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
        env.insert("RANKFILE_ADDR".into(), addr.to_string());
        env.insert("RANKFILE_LOG".into(), "error".into());
        let pg_database = pg_database_for(backend, "rankfile_proc", &mut env).await;
        let settings = Settings::from_sources(None, &env).expect("settings");
        Self {
            backend,
            base: format!("http://{addr}"),
            addr,
            database_url: exposed_database_url(&settings),
            env,
            data_dir,
            pg_database,
            child: None,
        }
    }

    /// A browser (an empty cookie jar) pointed at the child.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// The settings the child runs with (to write below the app before it starts).
    pub fn settings(&self) -> Settings {
        Settings::from_sources(None, &self.env).expect("settings")
    }

    /// Starts the child; [`ServerProcess::wait_until_up`] waits for it to serve.
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "the server is already running");
        let child = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args(["--ignored", "--exact", CHILD_SERVER_TEST, "--nocapture"])
            .envs(&self.env)
            // The test harness's report goes nowhere; the server logs (errors) to stderr.
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start the server");
        self.child = Some(child);
    }

    /// Waits (up to a minute) until `/healthz` answers 200.
    pub async fn wait_until_up(&self) {
        let client = reqwest::Client::new();
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(60) {
            if let Ok(res) = client.get(format!("{}/healthz", self.base)).send().await {
                if res.status() == 200 {
                    return;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the server did not come up at {}", self.base);
    }

    fn child(&mut self) -> &mut std::process::Child {
        self.child.as_mut().expect("the server was started")
    }

    /// SIGKILL, and reap it.
    pub fn kill(&mut self) {
        let mut child = self.child.take().expect("the server was started");
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
    }

    /// Sends SIGTERM (as `systemctl stop` does) and returns at once.
    pub fn terminate(&mut self) {
        let pid = self.child().id().to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        assert!(status.success(), "kill -TERM {pid}: {status}");
    }

    /// Whether the child is still running.
    pub fn running(&mut self) -> bool {
        self.child().try_wait().expect("try_wait").is_none()
    }

    /// How the child exited, if it does within `within`.
    pub async fn exit_status(
        &mut self,
        within: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        let started = std::time::Instant::now();
        loop {
            if let Some(status) = self.child().try_wait().expect("try_wait") {
                self.child = None;
                return Some(status);
            }
            if started.elapsed() > within {
                return None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// One number from its database, e.g. `SELECT COUNT(*) FROM …`.
    pub async fn sql_count(&self, query: &str) -> i64 {
        sql_count_at(self.backend, &self.database_url, query).await
    }

    /// The first column of every row, as text, from its database.
    pub async fn sql_strings(&self, query: &str) -> Vec<String> {
        sql_strings_at(self.backend, &self.database_url, query).await
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
        if let Some(db) = self.pg_database.take() {
            drop_pg_database(db);
        }
    }
}

/// The child half of [`ServerProcess`]: serves with the settings in the environment
/// until SIGTERM or Ctrl-C, as `rankfile serve` does.
pub async fn serve_from_env() {
    let settings = Settings::load(None).expect("settings");
    server::telemetry::init(&settings);
    let app = Application::build(&settings).await.expect("build");
    app.run_until_stopped().await.expect("serve");
}

/// One number from the database at `url`, below any app (for stories that run the
/// server as another process).
/// Runs statements on the database at `url`, below the app (panics if they fail).
pub async fn sql_at(backend: Backend, url: &str, statements: &str) {
    on_database!(backend, url, |db| {
        sqlx::Executor::execute(&mut db, statements)
            .await
            .expect("statements");
    });
}

pub async fn sql_count_at(backend: Backend, url: &str, query: &str) -> i64 {
    let rows = sql_column_at::<i64>(backend, url, query).await;
    *rows
        .first()
        .unwrap_or_else(|| panic!("no row from {query}"))
}

/// The first column of every row, as text, from the database at `url`.
pub async fn sql_strings_at(backend: Backend, url: &str, query: &str) -> Vec<String> {
    sql_column_at(backend, url, query).await
}

/// The first column of every row, from the database at `url`.
async fn sql_column_at<T>(backend: Backend, url: &str, query: &str) -> Vec<T>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    T: Send + Unpin,
{
    on_database!(backend, url, |db| sqlx::query_scalar::<_, T>(query)
        .fetch_all(&mut db)
        .await
        .expect(query))
}

/// Runs the futures at the same time, each on its own task; their outputs in order.
pub async fn all_at_once<F>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let tasks: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(tasks.len());
    for task in tasks {
        outputs.push(task.await.expect("task panicked"));
    }
    outputs
}

/// Runs each story once per backend: `stories!(creates_a_campaign, ...)` expects
/// `async fn creates_a_campaign(app: TestApp)` in scope.
#[macro_export]
macro_rules! stories {
    // `stories!(settings = &[("RANKFILE_TRUSTED_PROXIES", "127.0.0.1")]; a, b)`: with extra settings.
    (settings = $settings:expr; $($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    let app = $crate::spawn_app_with($crate::Backend::Sqlite, $settings)
                        .await
                        .expect("sqlite app");
                    super::$story(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    let app = $crate::spawn_app_with($crate::Backend::Postgres, $settings)
                        .await
                        .expect("postgres app");
                    super::$story(app).await;
                }
            )*
        }
    };
    // `stories!(backend; a, b)`: stories that start their own server, `async fn a(backend: Backend)`.
    (backend; $($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    super::$story($crate::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    super::$story($crate::Backend::Postgres).await;
                }
            )*
        }
    };
    ($($story:ident),* $(,)?) => {
        $crate::stories!(settings = &[]; $($story),*);
    };
}

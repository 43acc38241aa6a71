//! Configuration in layers: built-in defaults, then an optional TOML file, then
//! `RANKFILE_*` environment variables. A malformed value stops start-up with a
//! message naming the setting; nothing is guessed.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{setting}: {message}")]
    Invalid { setting: String, message: String },
    #[error("could not read the configuration file {path}: {source}")]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid TOML: {message}")]
    FileSyntax { path: PathBuf, message: String },
}

fn invalid(setting: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        setting: setting.to_owned(),
        message: message.into(),
    }
}

/// Which database, chosen by the URL's scheme.
#[derive(Clone)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(SecretString),
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        const SETTING: &str = "RANKFILE_DATABASE_URL";
        let raw = raw.trim();
        let Some((scheme, rest)) = raw.split_once(':') else {
            return Err(invalid(
                SETTING,
                "expected a URL such as sqlite:./data/rankfile.db or postgres://user@host/db",
            ));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                let path = rest.trim_start_matches("//");
                if path.is_empty() {
                    return Err(invalid(SETTING, "a sqlite: URL needs a file path"));
                }
                if path.starts_with(":memory:") || path.contains("mode=memory") {
                    return Err(invalid(
                        SETTING,
                        "an in-memory SQLite database is not supported: every pooled \
                         connection would see its own empty database",
                    ));
                }
                Ok(DatabaseUrl::Sqlite(format!("sqlite://{path}")))
            }
            "postgres" | "postgresql" => {
                if !rest.starts_with("//") || rest.len() <= 2 {
                    return Err(invalid(
                        SETTING,
                        "a postgres URL looks like postgres://user:password@host:5432/database",
                    ));
                }
                Ok(DatabaseUrl::Postgres(SecretString::from(raw.to_owned())))
            }
            other => Err(invalid(
                SETTING,
                format!("unknown scheme '{other}': use sqlite: or postgres:"),
            )),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }

    /// The file of a SQLite database.
    pub fn sqlite_path(&self) -> Option<&str> {
        match self {
            DatabaseUrl::Sqlite(url) => Some(
                url.trim_start_matches("sqlite://")
                    .split('?')
                    .next()
                    .unwrap_or_default(),
            ),
            DatabaseUrl::Postgres(_) => None,
        }
    }
}

/// Never prints a password: PostgreSQL URLs show only their host and database.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(url) => write!(f, "{url}"),
            DatabaseUrl::Postgres(secret) => {
                let url = secret.expose_secret();
                let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or("");
                let host_and_db = after_scheme
                    .rsplit_once('@')
                    .map(|(_, r)| r)
                    .unwrap_or(after_scheme);
                let host_and_db = host_and_db.split('?').next().unwrap_or_default();
                write!(f, "postgres://…@{host_and_db}")
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// The built site (`pkg/`, CSS, favicon): cargo-leptos's `target/site`, or `site/` beside the binary.
    pub site_root: PathBuf,
    pub log_format: LogFormat,
    /// `tracing` filter, e.g. `info,sqlx=warn`.
    pub log_filter: String,
    /// Where users reach the app (invite links; https here means Secure cookies).
    pub public_url: String,
    /// The JWT signing secret; when absent one is generated once into the data dir.
    pub jwt_secret: Option<SecretString>,
    /// How many password hashes may run at once (each takes ~60 ms of a core).
    pub max_concurrent_hashes: usize,
    /// Reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed.
    pub trusted_proxies: crate::proxies::TrustedProxies,
    /// SQLite's `synchronous`: `Full` (the default) syncs every commit to disk, so a
    /// one-on-one acknowledged to a phone survives a power cut; `Normal` may lose the
    /// last commits then (never on a crash of the process alone).
    pub sqlite_synchronous: SqliteSync,
}

/// How SQLite waits for the disk at each commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SqliteSync {
    #[default]
    Full,
    Normal,
}

/// What a configuration file may hold; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    addr: Option<String>,
    data_dir: Option<PathBuf>,
    site_root: Option<PathBuf>,
    log_format: Option<String>,
    log: Option<String>,
    public_url: Option<String>,
    jwt_secret: Option<String>,
    max_concurrent_hashes: Option<usize>,
    trusted_proxies: Option<String>,
    sqlite_synchronous: Option<String>,
}

impl Settings {
    /// Loads the layers: defaults, then `file` (or `RANKFILE_CONFIG`) if given, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let env: HashMap<String, String> = std::env::vars()
            .filter(|(k, _)| k.starts_with("RANKFILE_"))
            .collect();
        Self::from_sources(file, &env)
    }

    pub fn from_sources(
        file: Option<&Path>,
        env: &HashMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| env.get("RANKFILE_CONFIG").map(PathBuf::from));
        let from_file = match file {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::File {
                    path: path.clone(),
                    source,
                })?;
                toml::from_str::<FileSettings>(&text).map_err(|e| ConfigError::FileSyntax {
                    path,
                    message: e.message().to_owned(),
                })?
            }
            None => FileSettings::default(),
        };
        let pick = |key: &str, file_value: Option<String>| -> Option<String> {
            env.get(key).cloned().or(file_value)
        };

        let data_dir = pick(
            "RANKFILE_DATA_DIR",
            from_file.data_dir.map(|p| p.to_string_lossy().into_owned()),
        )
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("data"));
        if data_dir.as_os_str().is_empty() {
            return Err(invalid("RANKFILE_DATA_DIR", "must not be empty"));
        }

        let database_url = match pick("RANKFILE_DATABASE_URL", from_file.database_url) {
            Some(raw) => DatabaseUrl::parse(&raw)?,
            None => DatabaseUrl::Sqlite(format!(
                "sqlite://{}",
                data_dir.join("rankfile.db").to_string_lossy()
            )),
        };

        let addr_raw =
            pick("RANKFILE_ADDR", from_file.addr).unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_raw.parse::<SocketAddr>().map_err(|_| {
            invalid(
                "RANKFILE_ADDR",
                format!("'{addr_raw}' is not a listen address like 127.0.0.1:3000"),
            )
        })?;

        let site_root = pick(
            "RANKFILE_SITE_ROOT",
            from_file
                .site_root
                .map(|p| p.to_string_lossy().into_owned()),
        )
        .map(PathBuf::from)
        .unwrap_or_else(default_site_root);

        let log_format = match pick("RANKFILE_LOG_FORMAT", from_file.log_format)
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("pretty") | Some("text") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(invalid(
                    "RANKFILE_LOG_FORMAT",
                    format!("'{other}' is not one of: pretty, json"),
                ))
            }
        };
        let log_filter = pick("RANKFILE_LOG", from_file.log)
            .unwrap_or_else(|| "info,sqlx=warn,tower_http=info".into());

        let public_url = pick("RANKFILE_PUBLIC_URL", from_file.public_url)
            .unwrap_or_else(|| format!("http://{addr}"));
        let public_url = public_url.trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(invalid(
                "RANKFILE_PUBLIC_URL",
                "must start with https:// (or http:// for local use)",
            ));
        }
        let jwt_secret = pick("RANKFILE_JWT_SECRET", from_file.jwt_secret);
        if jwt_secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err(invalid(
                "RANKFILE_JWT_SECRET",
                "must be at least 32 characters (e.g. openssl rand -base64 48)",
            ));
        }
        let jwt_secret = jwt_secret.map(SecretString::from);
        let max_concurrent_hashes = match env.get("RANKFILE_MAX_CONCURRENT_HASHES") {
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    invalid(
                        "RANKFILE_MAX_CONCURRENT_HASHES",
                        "must be a whole number above 0",
                    )
                })?,
            None => from_file
                .max_concurrent_hashes
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
        };

        let trusted_proxies = crate::proxies::TrustedProxies::parse(
            &pick("RANKFILE_TRUSTED_PROXIES", from_file.trusted_proxies).unwrap_or_default(),
        )
        .map_err(|message| {
            invalid(
                "RANKFILE_TRUSTED_PROXIES",
                format!("{message}; expected comma-separated addresses or CIDR blocks, e.g. 127.0.0.1, 10.0.0.0/8"),
            )
        })?;

        let sqlite_synchronous =
            match pick("RANKFILE_SQLITE_SYNCHRONOUS", from_file.sqlite_synchronous).as_deref() {
                None | Some("full") => SqliteSync::Full,
                Some("normal") => SqliteSync::Normal,
                Some(_) => {
                    return Err(invalid(
                        "RANKFILE_SQLITE_SYNCHRONOUS",
                        "must be full (the default) or normal",
                    ))
                }
            };

        Ok(Settings {
            sqlite_synchronous,
            trusted_proxies,
            public_url,
            jwt_secret,
            max_concurrent_hashes,
            database_url,
            addr,
            data_dir,
            site_root,
            log_format,
            log_filter,
        })
    }
}

/// `site/` beside the binary (a deployed build), else cargo-leptos's `target/site`.
fn default_site_root() -> PathBuf {
    if let Some(beside) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("site")))
        .filter(|dir| dir.is_dir())
    {
        return beside;
    }
    std::env::var_os("LEPTOS_SITE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/site"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_to_sqlite_in_the_data_dir() {
        let s = Settings::from_sources(None, &env(&[])).unwrap();
        assert_eq!(s.database_url.backend(), "sqlite");
        assert_eq!(s.database_url.sqlite_path(), Some("data/rankfile.db"));
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = std::env::temp_dir().join(format!("rankfile-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("rankfile.toml");
        std::fs::write(
            &file,
            "addr = \"0.0.0.0:8080\"\ndata_dir = \"/var/lib/x\"\n",
        )
        .unwrap();
        let s =
            Settings::from_sources(Some(&file), &env(&[("RANKFILE_ADDR", "127.0.0.1:9")])).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:9");
        assert_eq!(s.data_dir, PathBuf::from("/var/lib/x"));
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let dir = std::env::temp_dir().join(format!("rankfile-cfg2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("rankfile.toml");
        std::fs::write(&file, "adr = \"0.0.0.0:8080\"\n").unwrap();
        let err = Settings::from_sources(Some(&file), &env(&[])).unwrap_err();
        assert!(err.to_string().contains("adr"), "{err}");
    }

    #[test]
    fn unknown_scheme_and_malformed_urls_are_refused() {
        for raw in [
            "mysql://x/y",
            "rankfile.db",
            "sqlite:",
            "postgres:nohost",
            "sqlite::memory:",
        ] {
            let err =
                Settings::from_sources(None, &env(&[("RANKFILE_DATABASE_URL", raw)])).unwrap_err();
            assert!(
                err.to_string().starts_with("RANKFILE_DATABASE_URL"),
                "{raw}: {err}"
            );
        }
    }

    #[test]
    fn postgres_password_is_never_displayed() {
        let url = DatabaseUrl::parse("postgres://rank:s3cret@db.internal:5432/rankfile").unwrap();
        let shown = format!("{url} {url:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("db.internal:5432/rankfile"));
    }

    #[test]
    fn sqlite_syncs_every_commit_unless_told_otherwise() {
        let s = Settings::from_sources(None, &env(&[])).unwrap();
        assert_eq!(s.sqlite_synchronous, SqliteSync::Full);
        let s = Settings::from_sources(None, &env(&[("RANKFILE_SQLITE_SYNCHRONOUS", "normal")]))
            .unwrap();
        assert_eq!(s.sqlite_synchronous, SqliteSync::Normal);
        let err = Settings::from_sources(None, &env(&[("RANKFILE_SQLITE_SYNCHRONOUS", "off")]))
            .unwrap_err();
        assert!(
            err.to_string().starts_with("RANKFILE_SQLITE_SYNCHRONOUS"),
            "{err}"
        );
    }

    #[test]
    fn trusted_proxies_are_empty_by_default_and_checked() {
        let s = Settings::from_sources(None, &env(&[])).unwrap();
        assert!(s.trusted_proxies.is_empty());
        let s = Settings::from_sources(
            None,
            &env(&[("RANKFILE_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")]),
        )
        .unwrap();
        assert!(s.trusted_proxies.trusts("10.1.2.3".parse().unwrap()));
        for bad in ["proxy.internal", "10.0.0.0/40", "127.0.0.1;10.0.0.1"] {
            let err = Settings::from_sources(None, &env(&[("RANKFILE_TRUSTED_PROXIES", bad)]))
                .unwrap_err();
            assert!(
                err.to_string().starts_with("RANKFILE_TRUSTED_PROXIES"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn bad_address_and_log_format_name_the_setting() {
        let err =
            Settings::from_sources(None, &env(&[("RANKFILE_ADDR", "localhost")])).unwrap_err();
        assert!(err.to_string().starts_with("RANKFILE_ADDR"));
        let err =
            Settings::from_sources(None, &env(&[("RANKFILE_LOG_FORMAT", "xml")])).unwrap_err();
        assert!(err.to_string().starts_with("RANKFILE_LOG_FORMAT"));
    }
}

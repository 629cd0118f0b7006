//! Configuration: one typed struct, from an optional TOML file overridden by environment
//! variables (`BREACHCHECK_*`, plus the conventional `DATABASE_URL`).
//!
//! Values are read verbatim: a pepper or a phone number is never reinterpreted as a number.

mod domain;
mod settings;

pub use domain::{DomainLimits, DomainSettings};
pub use settings::{SETTINGS, SettingInfo, Settings};

use crate::client_ip::TrustedProxies;
use app::site::SiteInfo;
use breachcheck::check::limit::RateLimit;
use breachcheck::dataset::lifecycle::ApprovalPolicy;
use breachcheck::digest::Profile;
use breachcheck::identifier::ContractPattern;
use breachcheck::pepper::{MIN_PEPPER_BYTES, Pepper};
use breachcheck::staff::session::SessionPolicy;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Development,
    Production,
}

impl Environment {
    pub fn is_production(self) -> bool {
        self == Environment::Production
    }
}

impl FromStr for Environment {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.trim().to_ascii_lowercase().as_str() {
            "development" | "dev" => Ok(Self::Development),
            "production" | "prod" => Ok(Self::Production),
            _ => Err(()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read the configuration file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid: {message}")]
    ParseFile { path: PathBuf, message: String },
    #[error("{name} has an invalid value: expected {expected}")]
    InvalidValue {
        name: &'static str,
        expected: &'static str,
    },
    #[error("{0}")]
    Pepper(String),
    #[error("refusing to start in production:\n  - {}", .0.join("\n  - "))]
    Production(Vec<String>),
}

impl Settings {
    /// Reads the file (if any), then lets the process environment override it.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut settings = match file {
            Some(path) => Self::from_toml_file(path)?,
            None => Self::default(),
        };
        settings.apply_env(|name| std::env::var(name).ok())?;
        Ok(settings)
    }

    pub fn from_toml_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::ParseFile {
            path: path.to_owned(),
            message: e.message().to_owned(),
        })
    }

    pub fn environment(&self) -> Environment {
        self.env.unwrap_or_default()
    }
}

/// The checked configuration the server runs with.
#[derive(Clone, Debug)]
pub struct Config {
    pub environment: Environment,
    pub addr: SocketAddr,
    /// Wrapped because a PostgreSQL URL may carry a password.
    pub database_url: SecretString,
    pub data_dir: PathBuf,
    pub site: SiteInfo,
    pub pepper: Pepper,
    pub site_root: PathBuf,
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
    pub sessions: SessionPolicy,
    pub datasets: DatasetSettings,
    pub lookups: LookupSettings,
    /// The bounded argon2 pool: jobs at once, and jobs that may wait.
    pub hashing_workers: usize,
    pub hashing_queue: usize,
    /// Requests in progress at once per group of expensive routes.
    pub concurrency: crate::shedding::Concurrency,
    /// See [`Settings::notice_refresh_ms`].
    pub notice_refresh: Duration,
    pub domains: DomainSettings,
    pub metrics_addr: Option<SocketAddr>,
    pub request_log: RequestLog,
    /// Whether the built site's bundle carries content-hashed names (a release build with
    /// its `hash.txt` beside the executable): see `crate::static_files`.
    pub assets_hashed: bool,
}

/// How answered requests are logged: one line per `every` requests at `level`, and every
/// server error whatever the sampling. A line per request costs a busy server real CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestLog {
    pub level: RequestLogLevel,
    pub every: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestLogLevel {
    #[default]
    Info,
    Debug,
    Off,
}

impl FromStr for RequestLogLevel {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" => Ok(Self::Info),
            "debug" => Ok(Self::Debug),
            "off" => Ok(Self::Off),
            _ => Err(()),
        }
    }
}

/// The public check's defences (see `crate::check`).
#[derive(Clone, Debug)]
pub struct LookupSettings {
    pub limits: LookupLimits,
    pub floor: Duration,
    pub trusted_proxies: TrustedProxies,
}

#[derive(Clone, Copy, Debug)]
pub struct LookupLimits {
    /// Per client address, with the proof of work.
    pub address: RateLimit,
    /// Per client address, without it (no JavaScript).
    pub noscript: RateLimit,
    /// Per contract number, whoever asks.
    pub identifier: RateLimit,
    /// Everybody together.
    pub global: RateLimit,
    /// Per helpdesk staff member.
    pub staff: RateLimit,
    /// Per client address, on the public JSON API.
    pub api: RateLimit,
}

/// A `<count>/<window>` limit from the setting `name`, else `default`.
fn limit(
    value: &Option<String>,
    name: &'static str,
    default: &str,
) -> Result<RateLimit, ConfigError> {
    value
        .as_deref()
        .unwrap_or(default)
        .parse()
        .map_err(|()| ConfigError::InvalidValue {
            name,
            expected: "<count>/<window> such as 10/10m, 5/1d or 1000/60s",
        })
}

impl LookupSettings {
    fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let s = settings;
        Ok(Self {
            limits: LookupLimits {
                address: limit(
                    &s.lookup_limit_address,
                    "BREACHCHECK_LOOKUP_LIMIT_ADDRESS",
                    "10/10m",
                )?,
                noscript: limit(
                    &s.lookup_limit_noscript,
                    "BREACHCHECK_LOOKUP_LIMIT_NOSCRIPT",
                    "3/10m",
                )?,
                identifier: limit(
                    &s.lookup_limit_identifier,
                    "BREACHCHECK_LOOKUP_LIMIT_IDENTIFIER",
                    "5/1d",
                )?,
                global: limit(
                    &s.lookup_limit_global,
                    "BREACHCHECK_LOOKUP_LIMIT_GLOBAL",
                    "1000/1m",
                )?,
                staff: limit(
                    &s.lookup_limit_staff,
                    "BREACHCHECK_LOOKUP_LIMIT_STAFF",
                    "300/1h",
                )?,
                api: limit(&s.api_limit, "BREACHCHECK_API_LIMIT", "120/1m")?,
            },
            floor: Duration::from_millis(s.lookup_floor_ms.unwrap_or(400)),
            trusted_proxies: TrustedProxies::parse(s.trusted_proxies.as_deref().unwrap_or(""))
                .map_err(|_| ConfigError::InvalidValue {
                    name: "BREACHCHECK_TRUSTED_PROXIES",
                    expected: "addresses or networks separated by commas, such as 10.0.0.7, 10.1.0.0/16",
                })?,
        })
    }
}

/// How affected-customer lists are read, hashed and published.
#[derive(Clone, Debug)]
pub struct DatasetSettings {
    pub upload_limit_bytes: usize,
    pub upload_timeout: Duration,
    pub profile: Profile,
    pub pattern: ContractPattern,
    /// A running import whose heartbeat is older than this is taken for dead.
    pub stale_after: Duration,
    pub approval: ApprovalPolicy,
}

impl DatasetSettings {
    fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let profile = match &settings.hash_profile {
            None => Profile::default(),
            Some(name) => Profile::parse(name).ok_or(ConfigError::InvalidValue {
                name: "BREACHCHECK_HASH_PROFILE",
                expected: "argon2id or hmac-sha256",
            })?,
        };
        let pattern = match &settings.contract_pattern {
            None => ContractPattern::default(),
            Some(source) => {
                ContractPattern::parse(source).map_err(|_| ConfigError::InvalidValue {
                    name: "BREACHCHECK_CONTRACT_PATTERN",
                    expected: "a regular expression such as ^[A-Z0-9]{6,20}$",
                })?
            }
        };
        Ok(Self {
            upload_limit_bytes: settings.upload_limit_bytes.unwrap_or(50 * 1024 * 1024),
            upload_timeout: Duration::from_secs(settings.upload_timeout_secs.unwrap_or(600)),
            profile,
            pattern,
            stale_after: Duration::from_secs(settings.import_stale_secs.unwrap_or(60)),
            approval: ApprovalPolicy {
                two_person: !settings.single_admin_approval.unwrap_or(false),
            },
        })
    }
}

const DEV_SITE_NAME: &str = "Example Telecom (development)";
const DEV_HELPDESK_PHONE: &str = "0120-000-000";
const DEV_HELPDESK_EMAIL: &str = "helpdesk@example.com";
const DEV_HELPDESK_HOURS: &str = "9:00–18:00";
const PEPPER_FILE_NAME: &str = "pepper";

impl Config {
    /// Applies defaults and checks. In production nothing falls back to a development
    /// default: every problem is listed, by the setting's name, in one error.
    pub fn from_settings(settings: Settings) -> Result<Self, ConfigError> {
        let environment = settings.environment();
        let data_dir = settings.data_dir.clone().unwrap_or_else(|| "data".into());
        if environment.is_production() {
            check_production(&settings, &data_dir)?;
        }
        let pepper = resolve_pepper(&settings, &data_dir)?;
        let datasets = DatasetSettings::from_settings(&settings)?;
        let lookups = LookupSettings::from_settings(&settings)?;
        let domains = DomainSettings::from_settings(&settings, &lookups, &data_dir)?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let hashing_workers = settings.hashing_workers.unwrap_or(cores).max(1);
        let hashing_queue = settings.hashing_queue.unwrap_or(hashing_workers * 32);
        let concurrency = crate::shedding::Concurrency {
            // Each lookup in progress either hashes or waits for the pool; twice that
            // leaves room for the ones being refused by a limit, which cost no hashing.
            lookups: settings
                .lookup_concurrency
                .unwrap_or(2 * (hashing_workers + hashing_queue))
                .max(1),
            lookups_per_client: settings.lookup_concurrency_per_client.unwrap_or(4).max(1),
            staff: settings.staff_concurrency.unwrap_or(64).max(1),
            uploads: settings.upload_concurrency.unwrap_or(2).max(1),
        };
        let database_url = settings
            .database_url
            .unwrap_or_else(|| format!("sqlite://{}/breachcheck.db", data_dir.display()).into());
        let dev = |value: Option<String>, default: &str| {
            value.or_else(|| (!environment.is_production()).then(|| default.to_owned()))
        };
        Ok(Self {
            environment,
            addr: settings
                .addr
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000))),
            database_url,
            site: SiteInfo {
                name: settings
                    .site_name
                    .unwrap_or_else(|| DEV_SITE_NAME.to_owned()),
                helpdesk_phone: dev(settings.helpdesk_phone, DEV_HELPDESK_PHONE),
                helpdesk_email: dev(settings.helpdesk_email, DEV_HELPDESK_EMAIL),
                helpdesk_hours: dev(settings.helpdesk_hours, DEV_HELPDESK_HOURS),
            },
            pepper,
            site_root: settings.site_root.unwrap_or_else(|| "target/site".into()),
            request_timeout: Duration::from_secs(settings.request_timeout_secs.unwrap_or(30)),
            body_limit_bytes: settings.body_limit_bytes.unwrap_or(16 * 1024),
            sessions: {
                let defaults = SessionPolicy::default();
                SessionPolicy {
                    idle: settings
                        .session_idle_secs
                        .map_or(defaults.idle, Duration::from_secs),
                    absolute: settings
                        .session_lifetime_secs
                        .map_or(defaults.absolute, Duration::from_secs),
                    ..defaults
                }
            },
            datasets,
            lookups,
            hashing_workers,
            hashing_queue,
            concurrency,
            notice_refresh: Duration::from_millis(settings.notice_refresh_ms.unwrap_or(2000)),
            domains,
            data_dir,
            metrics_addr: settings.metrics_addr,
            request_log: RequestLog {
                level: settings.request_log.unwrap_or_default(),
                every: settings.request_log_every.unwrap_or(1).max(1),
            },
            assets_hashed: crate::static_files::assets_hashed(),
        })
    }
}

fn check_production(settings: &Settings, data_dir: &Path) -> Result<(), ConfigError> {
    let mut problems = Vec::new();
    if settings.database_url.is_none() {
        problems.push("DATABASE_URL is not set".to_owned());
    }
    if settings.public_url.is_none() {
        problems.push(
            "BREACHCHECK_PUBLIC_URL is not set (the site's https:// address, for links in mail)"
                .to_owned(),
        );
    }
    match (&settings.pepper, &settings.pepper_file) {
        (None, None) => problems.push(format!(
            "BREACHCHECK_PEPPER (or BREACHCHECK_PEPPER_FILE) is not set; it must hold at least \
             {MIN_PEPPER_BYTES} random bytes"
        )),
        (None, Some(file)) if file == &data_dir.join(PEPPER_FILE_NAME) => problems.push(
            "BREACHCHECK_PEPPER_FILE points at the development pepper generated in the data \
             directory"
                .to_owned(),
        ),
        _ => {}
    }
    if settings.site_name.is_none() {
        problems.push("BREACHCHECK_SITE_NAME is not set (the operator's name)".to_owned());
    }
    if settings.helpdesk_phone.is_none() && settings.helpdesk_email.is_none() {
        problems.push(
            "neither BREACHCHECK_HELPDESK_PHONE nor BREACHCHECK_HELPDESK_EMAIL is set".to_owned(),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ConfigError::Production(problems))
    }
}

/// The pepper from the environment, else from its file; in development only, a pepper
/// generated once into the data directory.
fn resolve_pepper(settings: &Settings, data_dir: &Path) -> Result<Pepper, ConfigError> {
    if let Some(pepper) = &settings.pepper {
        let bytes = pepper.expose_secret().as_bytes().to_vec();
        return Pepper::parse(bytes)
            .map_err(|e| ConfigError::Pepper(format!("BREACHCHECK_PEPPER: {e}")));
    }
    let path = match &settings.pepper_file {
        Some(path) => path.clone(),
        None => {
            let path = data_dir.join(PEPPER_FILE_NAME);
            if !path.exists() {
                generate_pepper_file(&path)?;
                tracing::warn!(
                    path = %path.display(),
                    "generated a random development pepper (mode 0600); production needs \
                     BREACHCHECK_PEPPER or BREACHCHECK_PEPPER_FILE"
                );
            }
            path
        }
    };
    let contents = std::fs::read(&path).map_err(|e| {
        ConfigError::Pepper(format!(
            "could not read the pepper file {}: {e}",
            path.display()
        ))
    })?;
    Pepper::from_file_contents(&contents)
        .map_err(|e| ConfigError::Pepper(format!("pepper file {}: {e}", path.display())))
}

fn generate_pepper_file(path: &Path) -> Result<(), ConfigError> {
    use std::io::Write;
    let fail = |e: std::io::Error| {
        ConfigError::Pepper(format!("could not create {}: {e}", path.display()))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(fail)?;
    writeln!(file, "{}", Pepper::generate_hex()).map_err(fail)
}

#[cfg(test)]
mod tests;

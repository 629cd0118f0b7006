//! Every setting, declared once: its field (the TOML key), its type, the environment
//! variables that set it, how a value is read and whether it is a secret. The `Settings`
//! struct, the environment mapping and [`SETTINGS`] (what tests hold the README's table
//! and the TOML keys to) all come from the one table below, so a setting cannot be
//! readable from the file but forgotten by the environment, or documented but unread.
//! Defaults and production's requirements are applied in one place too:
//! `Config::from_settings` and `check_production`.

use super::{ConfigError, Environment, RequestLogLevel};
use secrecy::SecretString;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// What the table says of one setting.
#[derive(Clone, Copy, Debug)]
pub struct SettingInfo {
    /// Its key in the TOML file.
    pub key: &'static str,
    /// The environment variables that set it, the preferred first.
    pub names: &'static [&'static str],
    /// Read only from the environment (or a file the environment names), never from the
    /// TOML file, and never printed.
    pub secret: bool,
}

/// A value from the environment as the field's type: verbatim (names, addresses, patterns,
/// paths, secrets), or parsed and refused naming the variable and what was expected.
macro_rules! read_value {
    (verbatim, $ty:ty, $name:expr, $value:expr, $expected:expr) => {{
        let _ = ($name, $expected);
        Ok::<$ty, ConfigError>(<$ty>::from($value))
    }};
    // A secret is read as it is given, like any verbatim value.
    (secret, $ty:ty, $name:expr, $value:expr, $expected:expr) => {
        read_value!(verbatim, $ty, $name, $value, $expected)
    };
    (parsed, $ty:ty, $name:expr, $value:expr, $expected:expr) => {
        $value
            .trim()
            .parse::<$ty>()
            .map_err(|_| ConfigError::InvalidValue {
                name: $name,
                expected: $expected,
            })
    };
}

/// Every way of reading is named here: a misspelt one does not compile (no catch-all).
macro_rules! is_secret {
    (secret) => {
        true
    };
    (verbatim) => {
        false
    };
    (parsed) => {
        false
    };
}

macro_rules! settings {
    ($(
        $(#[$attr:meta])*
        $field:ident: $ty:ty = $how:ident($($name:literal)|+ $(, $expected:literal)?);
    )+) => {
        /// Settings as given, before defaults and checks. Every field is optional so that
        /// the file and the environment can each supply any of them.
        #[derive(Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Settings {
            $($(#[$attr])* pub $field: Option<$ty>,)+
        }

        /// Every setting, in the table's order.
        pub const SETTINGS: &[SettingInfo] = &[$(SettingInfo {
            key: stringify!($field),
            names: &[$($name),+],
            secret: is_secret!($how),
        },)+];

        impl Settings {
            /// Applies every variable that `lookup` knows; an empty value counts as unset.
            /// Where a setting has two names, the first one set wins.
            pub fn apply_env(
                &mut self,
                lookup: impl Fn(&str) -> Option<String>,
            ) -> Result<(), ConfigError> {
                let get = |names: &[&'static str]| {
                    names.iter().find_map(|name| {
                        lookup(name).filter(|v| !v.is_empty()).map(|v| (*name, v))
                    })
                };
                $(
                    if let Some((name, value)) = get(&[$($name),+]) {
                        let expected: &'static str = concat!("" $(, $expected)?);
                        self.$field = Some(read_value!($how, $ty, name, value, expected)?);
                    }
                )+
                Ok(())
            }

            /// The file keys of the settings that hold a value.
            #[cfg(test)]
            pub(crate) fn keys_set(&self) -> Vec<&'static str> {
                let mut set = Vec::new();
                $(if self.$field.is_some() {
                    set.push(stringify!($field));
                })+
                set
            }
        }
    };
}

settings! {
    env: Environment = parsed("BREACHCHECK_ENV", "development or production");
    addr: SocketAddr = parsed("BREACHCHECK_ADDR", "an address like 127.0.0.1:3000");
    /// Verbatim and wrapped: a PostgreSQL URL may carry a password.
    database_url: SecretString = verbatim("DATABASE_URL" | "BREACHCHECK_DATABASE_URL");
    data_dir: PathBuf = verbatim("BREACHCHECK_DATA_DIR");
    site_name: String = verbatim("BREACHCHECK_SITE_NAME");
    helpdesk_phone: String = verbatim("BREACHCHECK_HELPDESK_PHONE");
    helpdesk_email: String = verbatim("BREACHCHECK_HELPDESK_EMAIL");
    helpdesk_hours: String = verbatim("BREACHCHECK_HELPDESK_HOURS");
    /// Secrets do not belong in a config file: only the environment may carry the pepper.
    #[serde(skip)]
    pepper: SecretString = secret("BREACHCHECK_PEPPER");
    pepper_file: PathBuf = verbatim("BREACHCHECK_PEPPER_FILE");
    /// `cargo leptos watch` tells the server where it put the site as `LEPTOS_SITE_ROOT`.
    site_root: PathBuf = verbatim("BREACHCHECK_SITE_ROOT" | "LEPTOS_SITE_ROOT");
    request_timeout_secs: u64 = parsed("BREACHCHECK_REQUEST_TIMEOUT_SECS", "a whole number of seconds");
    body_limit_bytes: usize = parsed("BREACHCHECK_BODY_LIMIT_BYTES", "a whole number of bytes");
    session_idle_secs: u64 = parsed("BREACHCHECK_SESSION_IDLE_SECS", "a whole number of seconds");
    session_lifetime_secs: u64 = parsed("BREACHCHECK_SESSION_LIFETIME_SECS", "a whole number of seconds");
    upload_limit_bytes: usize = parsed("BREACHCHECK_UPLOAD_LIMIT_BYTES", "a whole number of bytes");
    /// How long an upload request may take (slow links, large lists).
    upload_timeout_secs: u64 = parsed("BREACHCHECK_UPLOAD_TIMEOUT_SECS", "a whole number of seconds");
    /// `argon2id` (default) or `hmac-sha256`: how new datasets are hashed.
    hash_profile: String = verbatim("BREACHCHECK_HASH_PROFILE");
    contract_pattern: String = verbatim("BREACHCHECK_CONTRACT_PATTERN");
    import_stale_secs: u64 = parsed("BREACHCHECK_IMPORT_STALE_SECS", "a whole number of seconds");
    /// Lets the uploader approve their own list (for deployments with one admin).
    single_admin_approval: bool = parsed("BREACHCHECK_SINGLE_ADMIN_APPROVAL", "true or false");
    /// Lookup limits, each `<count>/<window>` (`10/10m`, `5/1d`), checked with the rest.
    lookup_limit_address: String = verbatim("BREACHCHECK_LOOKUP_LIMIT_ADDRESS");
    lookup_limit_noscript: String = verbatim("BREACHCHECK_LOOKUP_LIMIT_NOSCRIPT");
    lookup_limit_identifier: String = verbatim("BREACHCHECK_LOOKUP_LIMIT_IDENTIFIER");
    lookup_limit_global: String = verbatim("BREACHCHECK_LOOKUP_LIMIT_GLOBAL");
    lookup_limit_staff: String = verbatim("BREACHCHECK_LOOKUP_LIMIT_STAFF");
    /// Requests to the public JSON API per client address.
    api_limit: String = verbatim("BREACHCHECK_API_LIMIT");
    /// Every public lookup takes at least this long, whatever it found.
    lookup_floor_ms: u64 = parsed("BREACHCHECK_LOOKUP_FLOOR_MS", "a whole number of milliseconds");
    /// Proxies whose `X-Forwarded-For` is believed (addresses or networks).
    trusted_proxies: String = verbatim("BREACHCHECK_TRUSTED_PROXIES");
    /// Argon2 jobs at once (default: one per core) and jobs that may wait.
    hashing_workers: usize = parsed("BREACHCHECK_HASHING_WORKERS", "a whole number");
    hashing_queue: usize = parsed("BREACHCHECK_HASHING_QUEUE", "a whole number");
    /// Requests in progress at once, per group of expensive routes (see
    /// `crate::shedding`); one more is answered 503 at once.
    lookup_concurrency: usize = parsed("BREACHCHECK_LOOKUP_CONCURRENCY", "a whole number");
    lookup_concurrency_per_client: usize = parsed("BREACHCHECK_LOOKUP_CONCURRENCY_PER_CLIENT", "a whole number");
    staff_concurrency: usize = parsed("BREACHCHECK_STAFF_CONCURRENCY", "a whole number");
    upload_concurrency: usize = parsed("BREACHCHECK_UPLOAD_CONCURRENCY", "a whole number");
    /// Where `/metrics` (Prometheus text) is served; off when unset.
    metrics_addr: SocketAddr = parsed("BREACHCHECK_METRICS_ADDR", "an address like 127.0.0.1:9100");
    /// The level each answered request is logged at (`info`, `debug`, `off`), and how
    /// many requests make one line (`1`: every one).
    request_log: RequestLogLevel = parsed("BREACHCHECK_REQUEST_LOG", "info, debug or off");
    request_log_every: u64 = parsed("BREACHCHECK_REQUEST_LOG_EVERY", "a whole number of requests");
    /// How often a replica asks the database whether the published notices changed: the
    /// longest another replica's publish takes to show here.
    notice_refresh_ms: u64 = parsed("BREACHCHECK_NOTICE_REFRESH_MS", "a whole number of milliseconds");
    /// The domain check: see `config::domain`.
    domain_challenge_ttl_secs: u64 = parsed("BREACHCHECK_DOMAIN_CHALLENGE_TTL_SECS", "a whole number of seconds");
    domain_limit_challenges: String = verbatim("BREACHCHECK_DOMAIN_LIMIT_CHALLENGES");
    domain_limit_dns: String = verbatim("BREACHCHECK_DOMAIN_LIMIT_DNS");
    domain_limit_mail: String = verbatim("BREACHCHECK_DOMAIN_LIMIT_MAIL");
    /// The DNS server that answers the domain check's TXT queries (`ip` or `ip:port`).
    dns_resolver: String = verbatim("BREACHCHECK_DNS_RESOLVER");
    /// The site's address as visitors reach it, for links in mail.
    public_url: String = verbatim("BREACHCHECK_PUBLIC_URL");
    mail_from: String = verbatim("BREACHCHECK_MAIL_FROM");
    smtp_host: String = verbatim("BREACHCHECK_SMTP_HOST");
    smtp_port: u16 = parsed("BREACHCHECK_SMTP_PORT", "a port number");
    /// `starttls` (default), `tls` or `none`.
    smtp_security: String = verbatim("BREACHCHECK_SMTP_SECURITY");
    smtp_username: String = verbatim("BREACHCHECK_SMTP_USERNAME");
    /// Like the pepper, only from the environment or a file.
    #[serde(skip)]
    smtp_password: SecretString = secret("BREACHCHECK_SMTP_PASSWORD");
    smtp_password_file: PathBuf = verbatim("BREACHCHECK_SMTP_PASSWORD_FILE");
}

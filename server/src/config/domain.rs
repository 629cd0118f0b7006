//! The domain check's settings: how long things live, its limits, where DNS questions go
//! and how mail leaves.

use super::{ConfigError, LookupSettings, Settings, limit};
use crate::domain_control::mail::{MailSettings, SmtpSecurity, SmtpSettings};
use breachcheck::check::limit::RateLimit;
use secrecy::SecretString;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct DomainLimits {
    /// Per client address without the proof of work (the lookups' own limit).
    pub noscript: RateLimit,
    /// Challenges started per client address.
    pub challenges: RateLimit,
    /// DNS checks per challenge.
    pub dns: RateLimit,
    /// Mails per domain, whoever asks.
    pub mail: RateLimit,
}

#[derive(Clone, Debug)]
pub struct DomainSettings {
    pub challenge_ttl: Duration,
    /// How long a mailed link works.
    pub link_ttl: Duration,
    /// How long a browser that proved control may see the answer.
    pub grant_ttl: Duration,
    pub limits: DomainLimits,
    /// `None`: the system's resolvers.
    pub dns_resolver: Option<SocketAddr>,
    pub public_url: String,
    pub mail_from: String,
    pub mail: MailSettings,
}

fn resolver(value: &str) -> Result<SocketAddr, ConfigError> {
    let value = value.trim();
    value
        .parse::<SocketAddr>()
        .or_else(|_| value.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, 53)))
        .map_err(|_| ConfigError::InvalidValue {
            name: "BREACHCHECK_DNS_RESOLVER",
            expected: "an address like 192.0.2.53 or 127.0.0.1:5353",
        })
}

impl DomainSettings {
    pub(super) fn from_settings(
        s: &Settings,
        lookups: &LookupSettings,
        data_dir: &Path,
    ) -> Result<Self, ConfigError> {
        let addr = s
            .addr
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000)));
        let mail = match &s.smtp_host {
            None => MailSettings::Outbox(data_dir.join("outbox")),
            Some(host) => {
                let security = match s.smtp_security.as_deref().map(str::trim) {
                    None | Some("starttls") => SmtpSecurity::StartTls,
                    Some("tls") => SmtpSecurity::Tls,
                    Some("none") => SmtpSecurity::None,
                    Some(_) => {
                        return Err(ConfigError::InvalidValue {
                            name: "BREACHCHECK_SMTP_SECURITY",
                            expected: "starttls, tls or none",
                        });
                    }
                };
                let password = match (&s.smtp_password, &s.smtp_password_file) {
                    (Some(password), _) => Some(password.clone()),
                    (None, Some(path)) => {
                        let text = std::fs::read_to_string(path).map_err(|source| {
                            ConfigError::ReadFile {
                                path: path.clone(),
                                source,
                            }
                        })?;
                        Some(SecretString::from(text.trim_end().to_owned()))
                    }
                    (None, None) => None,
                };
                MailSettings::Smtp(SmtpSettings {
                    host: host.trim().to_owned(),
                    port: s.smtp_port.unwrap_or(match security {
                        SmtpSecurity::Tls => 465,
                        _ => 587,
                    }),
                    security,
                    username: s.smtp_username.clone(),
                    password,
                })
            }
        };
        Ok(Self {
            challenge_ttl: Duration::from_secs(s.domain_challenge_ttl_secs.unwrap_or(24 * 3600)),
            link_ttl: Duration::from_secs(3600),
            grant_ttl: Duration::from_secs(3600),
            limits: DomainLimits {
                noscript: lookups.limits.noscript,
                challenges: limit(
                    &s.domain_limit_challenges,
                    "BREACHCHECK_DOMAIN_LIMIT_CHALLENGES",
                    "10/1h",
                )?,
                dns: limit(&s.domain_limit_dns, "BREACHCHECK_DOMAIN_LIMIT_DNS", "1/10s")?,
                mail: limit(
                    &s.domain_limit_mail,
                    "BREACHCHECK_DOMAIN_LIMIT_MAIL",
                    "3/1d",
                )?,
            },
            dns_resolver: s.dns_resolver.as_deref().map(resolver).transpose()?,
            public_url: s
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{addr}")),
            mail_from: s
                .mail_from
                .clone()
                .unwrap_or_else(|| "breachcheck@localhost".to_owned()),
            mail,
        })
    }
}

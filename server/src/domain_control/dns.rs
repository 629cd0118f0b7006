//! Proof of control by DNS: the visitor publishes
//! `_breachcheck-challenge.<domain> TXT "breachcheck-verification=<token>"`, and the server
//! asks a resolver (the system's, or one from configuration) whether it is there.

use breachcheck::check::domain::Token;
pub use breachcheck::check::domain::{record_name, record_value};
use breachcheck::identifier::Domain;
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;
use std::net::SocketAddr;
use std::time::Duration;

/// What the resolver found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DnsOutcome {
    Verified,
    /// No TXT record at the name.
    NoRecord,
    /// TXT records, none with the token: what they say (at most a few, shortened).
    WrongToken {
        found: Vec<String>,
    },
    /// The resolver failed (timeout, refused, server failure).
    Failed,
}

#[derive(Clone)]
pub struct DnsVerifier {
    resolver: TokioResolver,
}

impl std::fmt::Debug for DnsVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DnsVerifier(..)")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("no DNS resolver could be configured: {0}")]
pub struct ResolverError(String);

impl DnsVerifier {
    /// Asks `server` (UDP, then TCP) or, without one, the system's resolvers. Nothing is
    /// cached: a visitor who has just added the record must not be told what was there
    /// a minute ago.
    pub fn new(server: Option<SocketAddr>) -> Result<Self, ResolverError> {
        let provider = TokioRuntimeProvider::default();
        let mut builder = match server {
            Some(address) => {
                let connections = [ConnectionConfig::udp(), ConnectionConfig::tcp()]
                    .into_iter()
                    .map(|mut connection| {
                        connection.port = address.port();
                        connection
                    })
                    .collect();
                let name_server = NameServerConfig::new(address.ip(), true, connections);
                TokioResolver::builder_with_config(
                    ResolverConfig::from_name_servers(vec![name_server]),
                    provider,
                )
            }
            None => TokioResolver::builder(provider).map_err(|e| ResolverError(e.to_string()))?,
        };
        let options = builder.options_mut();
        options.cache_size = 0;
        options.timeout = Duration::from_secs(3);
        options.attempts = 2;
        let resolver = builder.build().map_err(|e| ResolverError(e.to_string()))?;
        Ok(Self { resolver })
    }

    pub async fn check(&self, domain: &Domain, token: &Token) -> DnsOutcome {
        // Fully qualified: no search domain is tried.
        let name = format!("{}.", record_name(domain));
        let lookup = match self.resolver.txt_lookup(name.as_str()).await {
            Ok(lookup) => lookup,
            Err(error) if error.is_no_records_found() => return DnsOutcome::NoRecord,
            Err(_) => {
                // The resolver's error names the record, and so the domain: not logged.
                tracing::warn!("a DNS check failed");
                return DnsOutcome::Failed;
            }
        };
        let expected = record_value(token);
        let mut found = Vec::new();
        for record in lookup.answers() {
            let RData::TXT(txt) = &record.data else {
                continue;
            };
            // A record's strings are one value (long values are split into 255-byte parts).
            let value: String = txt
                .txt_data
                .iter()
                .map(|part| String::from_utf8_lossy(part).into_owned())
                .collect();
            if value.trim() == expected {
                return DnsOutcome::Verified;
            }
            found.push(value);
        }
        if found.is_empty() {
            return DnsOutcome::NoRecord;
        }
        found.truncate(3);
        for value in &mut found {
            if value.chars().count() > 100 {
                *value = value.chars().take(100).chain(['…']).collect();
            }
        }
        DnsOutcome::WrongToken { found }
    }
}

//! Who is asking, for the per-address limits: the socket's peer, unless that peer is a
//! proxy we were told to trust (`BREACHCHECK_TRUSTED_PROXIES`), in which case the
//! right-most `X-Forwarded-For` entry that is not itself a trusted proxy. Entries further
//! left were written by the client and prove nothing.

use crate::routes::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{HeaderMap, request::Parts};
use ipnet::IpNet;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not an address or a network")]
pub struct NotAProxy(String);

impl TrustedProxies {
    /// Addresses and networks separated by commas or spaces: `10.0.0.7, 10.1.0.0/16, ::1`.
    pub fn parse(text: &str) -> Result<Self, NotAProxy> {
        text.split([',', ' '])
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| NotAProxy(entry.to_owned()))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }

    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let mut forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut nearest_trusted = peer;
        while let Some(entry) = forwarded.pop() {
            // Something our own proxy would never write: do not guess past it.
            let Ok(address) = entry.parse::<IpAddr>().map(|a| a.to_canonical()) else {
                return nearest_trusted;
            };
            if !self.trusts(address) {
                return address;
            }
            nearest_trusted = address;
        }
        nearest_trusted
    }
}

/// The client of a request, as every per-address limit counts it: behind a trusted proxy,
/// the address the proxy reports, not the proxy's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        // The server always serves with connect info; a request without it (a test calling
        // the router directly) counts as one unknown client.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        Ok(Self(
            state
                .check
                .settings
                .trusted_proxies
                .client(peer, &parts.headers),
        ))
    }
}

/// The key an address is counted under. IPv6 users get a whole /64 each from their
/// provider, so an address within it proves nothing: the /64 is counted as one.
pub fn rate_subject(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let network = ipnet::Ipv6Net::new(v6, 64).map(|net| net.trunc());
            network.map_or_else(|_| v6.to_string(), |net| net.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append("x-forwarded-for", value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &headers(&["198.51.100.1"])),
            ip("203.0.113.9")
        );
        let some = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(
            some.client(ip("203.0.113.9"), &headers(&["198.51.100.1"])),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_entry_counts() {
        let proxies = TrustedProxies::parse("10.0.0.7, 10.1.0.0/16").unwrap();
        // The client spoofed the first entry; our proxies added the rest.
        let chain = headers(&["1.1.1.1, 198.51.100.1", "10.1.2.3"]);
        assert_eq!(proxies.client(ip("10.0.0.7"), &chain), ip("198.51.100.1"));
        // No header: the proxy itself.
        assert_eq!(
            proxies.client(ip("10.0.0.7"), &HeaderMap::new()),
            ip("10.0.0.7")
        );
        // Garbage nearest to us: the nearest trusted hop, not a guess beyond it.
        assert_eq!(
            proxies.client(ip("10.0.0.7"), &headers(&["198.51.100.1, nonsense"])),
            ip("10.0.0.7")
        );
        // IPv4-mapped IPv6 peers are the IPv4 address.
        assert_eq!(
            proxies.client(ip("::ffff:10.0.0.7"), &headers(&["192.0.2.5"])),
            ip("192.0.2.5")
        );
    }

    #[test]
    fn proxy_lists_are_checked() {
        assert!(TrustedProxies::parse("").unwrap().0.is_empty());
        assert!(TrustedProxies::parse("10.0.0.1 fd00::/8").is_ok());
        assert!(TrustedProxies::parse("10.0.0.1, example.com").is_err());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }

    #[test]
    fn ipv6_addresses_count_per_64() {
        assert_eq!(
            rate_subject(ip("2001:db8:1:2:aaaa::1")),
            rate_subject(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            rate_subject(ip("2001:db8:1:2::1")),
            rate_subject(ip("2001:db8:1:3::1"))
        );
        assert_eq!(rate_subject(ip("192.0.2.1")), "192.0.2.1");
    }
}

//! Domains: taken from a bare domain, an email address or a URL; lower-cased, trailing dot
//! dropped, converted to ASCII by strict IDNA, and reduced to the registrable domain by the
//! Public Suffix List, so `https://www.Example.CO.JP/x` and `taro@mail.example.co.jp` are
//! both `example.co.jp`.

use super::nfkc_trimmed;
use psl::Psl;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The local parts the domain check may mail a confirmation to: addresses that, by
/// RFC 2142 and certificate-authority practice, reach whoever runs the domain. The site
/// never writes to an address a visitor typed.
pub const ROLE_LOCAL_PARTS: [&str; 6] = [
    "admin",
    "administrator",
    "hostmaster",
    "postmaster",
    "webmaster",
    "security",
];

/// The longest domain name DNS allows.
const MAX_LENGTH: usize = 253;

#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, thiserror::Error,
)]
pub enum DomainRejection {
    #[error("no domain was given")]
    Empty,
    #[error("this is not a valid domain name")]
    Malformed,
    #[error("an IP address is not a domain")]
    IpAddress,
    #[error("this is a public suffix (like co.jp), not a domain someone registers")]
    PublicSuffix,
    #[error("this domain does not end in a known top-level domain")]
    UnknownSuffix,
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Domain(String);

impl Domain {
    pub fn parse(input: &str) -> Result<Self, DomainRejection> {
        let text = nfkc_trimmed(input);
        if text.is_empty() {
            return Err(DomainRejection::Empty);
        }
        let host = host_of(&text)?;
        let host = host.trim_end_matches('.').to_lowercase();
        if host.is_empty() {
            return Err(DomainRejection::Empty);
        }
        if host.parse::<std::net::IpAddr>().is_ok()
            || host
                .trim_matches(['[', ']'])
                .parse::<std::net::Ipv6Addr>()
                .is_ok()
        {
            return Err(DomainRejection::IpAddress);
        }
        let ascii = idna::domain_to_ascii_strict(&host).map_err(|_| DomainRejection::Malformed)?;
        if ascii.len() > MAX_LENGTH || ascii.split('.').any(str::is_empty) {
            return Err(DomainRejection::Malformed);
        }
        match psl::List.domain(ascii.as_bytes()) {
            Some(domain) if domain.suffix().is_known() => {
                let registrable = std::str::from_utf8(domain.as_bytes())
                    .map_err(|_| DomainRejection::Malformed)?;
                Ok(Self(registrable.to_owned()))
            }
            Some(_) => Err(DomainRejection::UnknownSuffix),
            None => match psl::List.suffix(ascii.as_bytes()) {
                Some(suffix) if !suffix.is_known() => Err(DomainRejection::UnknownSuffix),
                _ => Err(DomainRejection::PublicSuffix),
            },
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The host part of a URL, an email address or a bare domain (which may carry a path).
fn host_of(text: &str) -> Result<String, DomainRejection> {
    if text.contains("://") {
        let url = url::Url::parse(text).map_err(|_| DomainRejection::Malformed)?;
        return match url.host() {
            Some(url::Host::Domain(host)) => Ok(host.to_owned()),
            Some(_) => Err(DomainRejection::IpAddress),
            None => Err(DomainRejection::Malformed),
        };
    }
    if let Some((_, host)) = text.rsplit_once('@') {
        return Ok(host.to_owned());
    }
    // `example.co.jp/contact` as people paste it: the host is what comes before the path.
    let host = text.split(['/', '?', '#']).next().unwrap_or_default();
    if host.contains(char::is_whitespace) {
        return Err(DomainRejection::Malformed);
    }
    Ok(host.to_owned())
}

impl fmt::Debug for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Domain([{} chars])", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(input: &str) -> Result<String, DomainRejection> {
        Domain::parse(input).map(|d| d.0)
    }

    #[test]
    fn real_world_inputs() {
        let ok = [
            ("example.co.jp", "example.co.jp"),
            ("Example.CO.JP.", "example.co.jp"),
            ("https://www.Example.CO.JP/path", "example.co.jp"),
            ("http://user@shop.example.com:8080/a?b#c", "example.com"),
            ("taro@mail.example.co.jp", "example.co.jp"),
            ("TARO@EXAMPLE.JP", "example.jp"),
            ("example.co.jp/contact", "example.co.jp"),
            ("ｅｘａｍｐｌｅ．ｃｏ．ｊｐ", "example.co.jp"),
            ("例え.jp", "xn--r8jz45g.jp"),
            ("www.例え.jp", "xn--r8jz45g.jp"),
            ("xn--r8jz45g.jp", "xn--r8jz45g.jp"),
            ("city.shibuya.tokyo.jp", "city.shibuya.tokyo.jp"),
            ("a.b.example.github.io", "example.github.io"),
        ];
        for (input, canonical) in ok {
            assert_eq!(parse(input).as_deref(), Ok(canonical), "{input:?}");
        }
        let refused = [
            ("", DomainRejection::Empty),
            ("  ", DomainRejection::Empty),
            ("co.jp", DomainRejection::PublicSuffix),
            ("jp", DomainRejection::PublicSuffix),
            ("192.0.2.1", DomainRejection::IpAddress),
            ("https://192.0.2.1/", DomainRejection::IpAddress),
            ("https://[2001:db8::1]/", DomainRejection::IpAddress),
            ("exa mple.jp", DomainRejection::Malformed),
            ("example..jp", DomainRejection::Malformed),
            ("ex_ample.jp", DomainRejection::Malformed),
            ("example.invalidtld", DomainRejection::UnknownSuffix),
        ];
        for (input, reason) in refused {
            assert_eq!(parse(input), Err(reason), "{input:?}");
        }
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(input in "[a-zA-Z0-9.@:/-]{0,40}") {
            if let Ok(canonical) = parse(&input) {
                prop_assert_eq!(parse(&canonical), Ok(canonical.clone()));
            }
        }

        #[test]
        fn subdomains_and_forms_reduce_to_one_domain(
            label in "[a-z][a-z0-9]{0,10}",
            sub in "[a-z]{1,8}",
            suffix in prop::sample::select(vec!["jp", "co.jp", "com", "ne.jp", "org"]),
        ) {
            let domain = format!("{label}.{suffix}");
            // Some such names are themselves public suffixes (cn.com, for one).
            prop_assume!(parse(&domain) == Ok(domain.clone()));
            for form in [
                domain.clone(),
                format!("{sub}.{domain}"),
                format!("someone@{sub}.{}", domain.to_uppercase()),
                format!("https://{sub}.{domain}/page"),
            ] {
                prop_assert_eq!(parse(&form), Ok(domain.clone()), "{}", form);
            }
        }
    }
}

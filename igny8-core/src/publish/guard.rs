//! The SSRF guard: a site URL must resolve to a public address, unless the operator allows
//! private ones (a WordPress on the same network, or the tests).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;

use crate::error::{Error, Result};

/// Whether `ip` is an address a site on the public internet can't have: loopback, private
/// (RFC 1918, unique-local), link-local, carrier-grade NAT, unspecified, multicast,
/// documentation and benchmarking ranges, and IPv4 mapped into IPv6 of any of those.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return private_v4(v4);
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link local fe80::/10
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x64 && s[1] == 0xff9b) // NAT64 (could reach private v4)
                || v6 == Ipv6Addr::LOCALHOST
        }
    }
}

fn private_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // carrier-grade NAT 100.64/10
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || o[0] >= 240 // reserved
}

/// Checks `url` without looking anything up: http or https, no credentials, and — unless
/// `allow_private` — not `localhost` or a literal private address.
pub fn check(url: &str, allow_private: bool) -> Result<Url> {
    let bad = |m: &str| Error::field("wordpress_url", m);
    let parsed = Url::parse(url.trim()).map_err(|_| bad("is not a URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("must be an http:// or https:// URL"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("must not carry a user name or password"));
    }
    let host = parsed.host_str().ok_or_else(|| bad("has no host"))?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let lower = bare.to_ascii_lowercase();
    let local = lower == "localhost"
        || lower.ends_with(".localhost")
        || bare.parse::<IpAddr>().is_ok_and(is_private);
    if local && !allow_private {
        return Err(refused(bare));
    }
    Ok(parsed)
}

fn refused(what: &str) -> Error {
    Error::Forbidden(format!(
        "the WordPress URL points at {what}, a private or local address; an operator must allow \
         private addresses (IGNY8_WORDPRESS_ALLOW_PRIVATE) to publish there"
    ))
}

/// Parses `url` (as [`check`] does), resolves its host and checks every address; the URL and
/// the address to connect to.
pub async fn resolve(url: &str, allow_private: bool) -> Result<(Url, SocketAddr)> {
    let bad = |m: &str| Error::field("wordpress_url", m);
    let parsed = check(url, allow_private)?;
    let host = parsed
        .host_str()
        .ok_or_else(|| bad("has no host"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = parsed.port_or_known_default().unwrap_or(80);
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::time::timeout(
            std::time::Duration::from_secs(10),
            tokio::net::lookup_host((host.as_str(), port)),
        )
        .await
        .ok()
        .and_then(|r| r.ok())
        .ok_or_else(|| bad("names a host that could not be resolved"))?
        .collect(),
    };
    let first = *addrs.first().ok_or_else(|| bad("resolves to no address"))?;
    if !allow_private && let Some(p) = addrs.iter().find(|a| is_private(a.ip())) {
        return Err(refused(&p.ip().to_string()));
    }
    Ok((parsed, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::6810:85e5",
            "172.32.0.1",
        ] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn the_guard_refuses_local_sites_unless_allowed() {
        for url in [
            "http://127.0.0.1:8090",
            "http://localhost/",
            "http://[::1]/",
            "http://169.254.169.254/latest",
        ] {
            let err = resolve(url, false).await.unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::Forbidden, "{url}: {err}");
        }
        assert!(resolve("http://127.0.0.1:8090", true).await.is_ok());
        for url in ["ftp://example.com", "http://user:pw@example.com", "nope"] {
            assert_eq!(
                resolve(url, true).await.unwrap_err().code(),
                crate::ErrorCode::Validation,
                "{url}"
            );
        }
    }
}

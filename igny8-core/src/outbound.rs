//! The outbound guard: every HTTP request to a URL that an account chose — its AI provider's
//! `base_url`, its WordPress site, an image URL a provider answered with — goes through here.
//!
//! Tenants are hostile to each other and to the operator, so such a URL must not reach the
//! deployment's own network (a database, a cloud metadata endpoint, an admin port on
//! loopback). The guard:
//!
//! * accepts only `http://` and `https://` URLs without a user name or password;
//! * refuses, unless the operator allows private targets ([`OutboundConfig::allow_private`]),
//!   a host that *is* or *resolves to* a non-public address ([`is_private`]) — every address
//!   the name resolves to is checked, and the check happens in the HTTP client's own resolver,
//!   so the connection goes to exactly the addresses that were checked (no DNS rebinding
//!   between check and connect);
//! * follows no redirects and uses no proxy from the environment (either would lead the
//!   request past the check);
//! * reads answers as a stream up to a size cap ([`read_capped`]), never whole into memory.
//!
//! The deployment's own URLs (`IGNY8_OPENAI_BASE_URL`…) are the operator's choice and are not
//! address-checked, but their answers are capped the same way.
//!
//! Why not a crate: the HTTP client is reqwest; what is ours is the address policy and the
//! errors a person reads, which no crate decides for us.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The deployment's rules for requests to account-chosen URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboundConfig {
    /// Allow account-chosen URLs that are or resolve to loopback, private, link-local or other
    /// non-public addresses (`IGNY8_ALLOW_PRIVATE_TARGETS`). Off by default: a hosted service
    /// must not let a tenant reach its internal network. Turn it on only where every account
    /// is trusted (a single-tenant install, WordPress on the same network, tests).
    pub allow_private: bool,
}

impl OutboundConfig {
    /// The `IGNY8_*` variables of these settings. `WORDPRESS_ALLOW_PRIVATE`, the older name,
    /// means the same; when both are set, `ALLOW_PRIVATE_TARGETS` wins.
    pub const VARS: &'static [crate::settings::Var] = &[
        crate::settings::Var::new(
            "WORDPRESS_ALLOW_PRIVATE",
            "allow_private",
            crate::settings::Expect::Bool,
        ),
        crate::settings::Var::new(
            "ALLOW_PRIVATE_TARGETS",
            "allow_private",
            crate::settings::Expect::Bool,
        ),
    ];
}

/// Whether `ip` is an address a host on the public internet can't have: loopback, private
/// (RFC 1918), carrier-grade NAT, link-local, unspecified (`0.0.0.0`, `::`), broadcast,
/// multicast, documentation, benchmarking and reserved ranges; in IPv6 also unique-local
/// (`fc00::/7`), link-local (`fe80::/10`), site-local (`fec0::/10`), and any IPv6 form that
/// carries an IPv4 address (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64
/// `64:ff9b::/96`, 6to4 `2002::/16`, Teredo `2001::/32`) — judged by that IPv4 address, or
/// refused outright where it can't be read reliably.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => private_v6(v6),
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
        || o[0] == 0 // "this network" 0/8
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // carrier-grade NAT 100.64/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments 192.0.0/24
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || o[0] >= 240 // reserved, and broadcast
}

fn private_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let embedded_v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if let Some(v4) = ip.to_ipv4_mapped() {
        return private_v4(v4);
    }
    // IPv4-compatible ::a.b.c.d (deprecated, but some stacks still route it); :: and ::1 too.
    if s[..6].iter().all(|&x| x == 0) {
        return true;
    }
    // NAT64 64:ff9b::/96 and 64:ff9b:1::/48: may reach any IPv4 address through a gateway.
    if s[0] == 0x64 && s[1] == 0xff9b {
        return s[2] != 0 || private_v4(embedded_v4(s[6], s[7]));
    }
    // 6to4 2002:V4ADDR::/48.
    if s[0] == 0x2002 {
        return private_v4(embedded_v4(s[1], s[2]));
    }
    ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site local fec0::/10 (deprecated, still routed by some)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation 2001:db8::/32
        || (s[0] == 0x2001 && s[1] == 0) // Teredo 2001::/32: tunnels to an IPv4 address
        || (s[0] == 0x2001 && (s[1] & 0xfff0) == 0x10) // ORCHID 2001:10::/28
        || s[0] == 0x100 && s[1..4].iter().all(|&x| x == 0) // discard 100::/64
}

/// A URL refused by the guard: it points at an address the deployment doesn't let accounts
/// reach. Carried through the HTTP client's resolver, and recognised by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The host as written in the URL.
    pub host: String,
    /// The non-public address it is or resolved to.
    pub address: IpAddr,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host == self.address.to_string() {
            write!(f, "{} is a private or local address", self.address)
        } else {
            write!(
                f,
                "{} resolves to {}, a private or local address",
                self.host, self.address
            )
        }
    }
}

impl std::error::Error for Refused {}

/// The error a person reads for a refused target: `what` names it ("the WordPress URL").
pub fn refused_error(what: &str, refused: &Refused) -> Error {
    Error::Forbidden(format!(
        "{what} points at a private or local address ({refused}); only public addresses may be \
         used on this server — use the public address, or ask the operator to allow private \
         targets (IGNY8_ALLOW_PRIVATE_TARGETS)"
    ))
}

/// Checks `url` without looking anything up: http or https, a host, no user name or password,
/// and — unless private targets are allowed — not `localhost` or a literal non-public
/// address. `field` names the input in the validation error; `what` names the target for a
/// person ("the WordPress URL").
pub fn check_url(url: &str, config: OutboundConfig, field: &str, what: &str) -> Result<Url> {
    let bad = |m: &str| Error::field(field, m);
    let parsed = Url::parse(url.trim()).map_err(|_| bad("is not a URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("must be an http:// or https:// URL"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("must not carry a user name or password"));
    }
    let host = parsed.host_str().ok_or_else(|| bad("has no host"))?;
    if !config.allow_private
        && let Some(refused) = literal_refusal(host)
    {
        return Err(refused_error(what, &refused));
    }
    Ok(parsed)
}

/// The refusal for a host that needs no lookup to judge: `localhost` names and literal
/// addresses (in any of the forms a URL parser turns into one).
fn literal_refusal(host: &str) -> Option<Refused> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let lower = bare.to_ascii_lowercase();
    let lower = lower.trim_end_matches('.');
    if lower == "localhost" || lower.ends_with(".localhost") {
        return Some(Refused {
            host: bare.to_owned(),
            address: IpAddr::V4(Ipv4Addr::LOCALHOST),
        });
    }
    let ip = bare.parse::<IpAddr>().ok()?;
    is_private(ip).then(|| Refused {
        host: bare.to_owned(),
        address: ip,
    })
}

/// Resolves host names for a guarded client and refuses any name with a non-public address
/// among its addresses. Being the client's resolver, it decides the very addresses the
/// connection is made to.
#[derive(Debug, Clone, Copy)]
struct GuardedResolver;

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::time::timeout(
                Duration::from_secs(10),
                tokio::net::lookup_host((host.as_str(), 0)),
            )
            .await
            .map_err(|_| -> Box<dyn std::error::Error + Send + Sync> {
                format!("looking up {host} took too long").into()
            })??
            .collect();
            if let Some(bad) = addrs.iter().find(|a| is_private(a.ip())) {
                return Err(Box::new(Refused {
                    host,
                    address: bad.ip(),
                })
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// How a client of the guard behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOptions {
    /// Connecting, TLS included.
    pub connect_timeout: Duration,
    /// The longest silence while reading an answer.
    pub read_timeout: Duration,
    /// The longest a whole request may take.
    pub timeout: Duration,
    /// Check the addresses the host resolves to (an account-chosen URL); `false` for the
    /// deployment's own URLs.
    pub guarded: bool,
}

/// An HTTP client for outbound requests: no redirects, no proxy from the environment, and —
/// when `options.guarded` and private targets aren't allowed — only public addresses.
pub fn client(config: OutboundConfig, options: ClientOptions) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .read_timeout(options.read_timeout)
        .timeout(options.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("igny8/", env!("CARGO_PKG_VERSION")));
    if options.guarded {
        builder = builder.no_proxy();
        if !config.allow_private {
            builder = builder.dns_resolver(Arc::new(GuardedResolver));
        }
    }
    builder
        .build()
        .map_err(|e| Error::Config(format!("the HTTP client could not be built: {e}")))
}

/// The guard's refusal inside a client error, if that is why the request failed.
pub fn refusal_of(e: &reqwest::Error) -> Option<&Refused> {
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        if let Some(refused) = inner.downcast_ref::<Refused>() {
            return Some(refused);
        }
        source = inner.source();
    }
    None
}

/// Why a request failed, in words a person can act on — never a socket error or a path.
pub fn describe(e: &reqwest::Error) -> String {
    if let Some(refused) = refusal_of(e) {
        return format!("{refused}, which this server may not reach");
    }
    let lookup_failed = {
        let mut source = std::error::Error::source(e);
        let mut found = false;
        while let Some(inner) = source {
            let text = inner.to_string();
            if text.contains("failed to lookup address")
                || text.contains("Name or service not known")
                || text.contains("took too long")
            {
                found = true;
            }
            source = inner.source();
        }
        found
    };
    if e.is_timeout() {
        "it did not answer in time".into()
    } else if lookup_failed {
        "its host name could not be found; check the address".into()
    } else if e.is_connect() {
        "it could not be reached (the connection was refused or failed); check the address and \
         that the server is running"
            .into()
    } else if e.is_redirect() {
        "it answered with a redirect, which is not followed; use the final address".into()
    } else if e.is_body() || e.is_decode() {
        "its answer broke off while it was being read".into()
    } else {
        "the request to it failed".into()
    }
}

/// An answer larger than the cap, refused while it streamed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    /// The cap, in bytes.
    pub cap: usize,
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the answer is larger than {} MiB",
            self.cap.div_ceil(1024 * 1024)
        )
    }
}

/// A failure reading an answer: too large, or the transfer failed.
#[derive(Debug)]
pub enum ReadError {
    /// Over the cap.
    TooLarge(TooLarge),
    /// The connection failed while reading.
    Transport(reqwest::Error),
}

/// Reads `response`'s body chunk by chunk, refusing it as soon as it passes `cap` bytes (a
/// declared `Content-Length` over the cap is refused before reading).
pub async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> std::result::Result<Vec<u8>, ReadError> {
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(ReadError::TooLarge(TooLarge { cap }));
    }
    let mut out = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        if out.len() + chunk.len() > cap {
            return Err(ReadError::TooLarge(TooLarge { cap }));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_public_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "127.9.9.9",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "192.0.0.8",
            "198.18.0.1",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::127.0.0.1",
            "::10.0.0.1",
            "::8.8.8.8",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "feff::1",
            "ff02::1",
            "2001:db8::1",
            "64:ff9b::7f00:1",
            "64:ff9b:1::1",
            "2002:7f00:1::1",
            "2002:a00:1::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "100::1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip} should be refused");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::6810:85e5",
            "2a00:1450:4001::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(!is_private(ip.parse().unwrap()), "{ip} is public");
        }
    }

    #[test]
    fn urls_are_checked_before_any_lookup() {
        let guarded = OutboundConfig::default();
        for url in [
            "http://127.0.0.1:8090",
            "http://localhost/",
            "http://LOCALHOST./",
            "http://api.localhost/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/",
            "http://[fec0::1]/",
            "http://169.254.169.254/latest",
            "http://0.0.0.0:22/",
            "http://2130706433/", // 127.0.0.1 as one number
            "http://0x7f.1/",
            "http://017700000001/",
        ] {
            let err = check_url(url, guarded, "url", "the URL").unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::Forbidden, "{url}: {err}");
            assert!(
                err.to_string().contains("IGNY8_ALLOW_PRIVATE_TARGETS"),
                "{err}"
            );
        }
        let open = OutboundConfig {
            allow_private: true,
        };
        assert!(check_url("http://127.0.0.1:8090", open, "url", "the URL").is_ok());
        assert!(check_url("https://example.com/wp", guarded, "url", "the URL").is_ok());
        for url in [
            "ftp://example.com",
            "http://user:pw@example.com",
            "nope",
            "file:///etc/passwd",
        ] {
            let err = check_url(url, open, "wordpress_url", "the URL").unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::Validation, "{url}");
        }
    }

    #[test]
    fn the_variable_and_its_older_name_allow_private_targets() {
        use crate::settings::{Loader, Section};
        let load = |pairs: &[(&str, &str)]| {
            let vars = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()));
            Loader::new(&OutboundConfig::default())
                .env(&[Section::new("", OutboundConfig::VARS)], vars, |_| false)
                .and_then(|l| l.extract::<OutboundConfig>())
        };
        assert!(
            load(&[("IGNY8_ALLOW_PRIVATE_TARGETS", "yes")])
                .unwrap()
                .allow_private
        );
        assert!(
            load(&[("IGNY8_WORDPRESS_ALLOW_PRIVATE", "1")])
                .unwrap()
                .allow_private
        );
        // Both set: the current name wins over the older one.
        let both = [
            ("IGNY8_ALLOW_PRIVATE_TARGETS", "0"),
            ("IGNY8_WORDPRESS_ALLOW_PRIVATE", "on"),
        ];
        assert!(!load(&both).unwrap().allow_private);
        assert_eq!(
            load(&[("IGNY8_ALLOW_PRIVATE_TARGETS", "maybe")])
                .unwrap_err()
                .to_string(),
            r#"IGNY8_ALLOW_PRIVATE_TARGETS must be true or false, got "maybe""#
        );
    }
}

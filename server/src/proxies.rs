//! Which peers are reverse proxies we trust, and the client address behind them.
//!
//! `X-Forwarded-For` is only believed from a trusted proxy: anyone else could write
//! any address there and slip past the per-address throttle or frame another address.
//! Behind a chain of trusted proxies, the client is the right-most address that is not
//! itself a trusted proxy (each proxy appends the peer it saw; the left part is the
//! client's own claim).

use std::net::IpAddr;
use std::str::FromStr;

/// An address or a CIDR block (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpBlock {
    addr: IpAddr,
    prefix: u8,
}

impl IpBlock {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 address mapped into IPv6 (`::ffff:a.b.c.d`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

impl FromStr for IpBlock {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        let (addr, prefix) = match raw.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (raw, None),
        };
        let addr = canonical(
            addr.parse::<IpAddr>()
                .map_err(|_| format!("'{raw}' is not an IP address or CIDR block"))?,
        );
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("'{raw}' has a prefix length outside 0–{max}"))?,
        };
        Ok(IpBlock { addr, prefix })
    }
}

/// The reverse proxies whose forwarding headers are believed; empty by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpBlock>);

impl TrustedProxies {
    /// A comma-separated list of addresses and CIDR blocks; empty entries are skipped.
    pub fn parse(raw: &str) -> Result<Self, String> {
        raw.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(IpBlock::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|block| block.contains(ip))
    }

    /// The client's address: the peer, unless the peer is a trusted proxy, in which case
    /// the right-most forwarded address that is not a trusted proxy. A forwarded list
    /// that does not parse before a client address is found gives the peer.
    pub fn client_ip<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl IntoIterator<Item = &'a str>,
    ) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let headers: Vec<&str> = forwarded_for.into_iter().collect();
        // From the right: what our own proxies appended comes last and is trustworthy.
        for part in headers.iter().rev().flat_map(|h| h.rsplit(',')) {
            match part.trim().parse::<IpAddr>().map(canonical) {
                Ok(ip) if self.trusts(ip) => continue,
                Ok(ip) => return ip,
                // Unreadable before any client address: the peer is the best we know.
                Err(_) => return peer,
            }
        }
        peer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_parse_and_match() {
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8 ,fd00::/8,").unwrap();
        assert!(proxies.trusts(ip("127.0.0.1")));
        assert!(!proxies.trusts(ip("127.0.0.2")));
        assert!(proxies.trusts(ip("10.200.3.4")));
        assert!(!proxies.trusts(ip("11.0.0.1")));
        assert!(proxies.trusts(ip("fd12::1")));
        assert!(proxies.trusts(ip("::ffff:10.1.1.1")));
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("0.0.0.0/0")
            .unwrap()
            .trusts(ip("8.8.8.8")));
    }

    #[test]
    fn malformed_entries_are_refused() {
        for bad in [
            "localhost",
            "10.0.0.0/33",
            "::/129",
            "1.2.3",
            "10.0.0.0/x",
            "1.2.3.4/",
        ] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_peer() {
        let proxies = TrustedProxies::parse("10.0.0.1, 10.0.1.0/24").unwrap();
        // Not a trusted peer: the header is ignored.
        assert_eq!(
            proxies.client_ip(ip("203.0.113.9"), ["198.51.100.1"]),
            ip("203.0.113.9")
        );
        // Trusted: the right-most address that is not a proxy.
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), ["198.51.100.1"]),
            ip("198.51.100.1")
        );
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), ["6.6.6.6, 198.51.100.1, 10.0.1.7"]),
            ip("198.51.100.1")
        );
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), ["6.6.6.6", "198.51.100.1"]),
            ip("198.51.100.1")
        );
        // Nothing forwarded, only proxies, or garbage: the peer.
        assert_eq!(proxies.client_ip(ip("10.0.0.1"), []), ip("10.0.0.1"));
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), ["10.0.1.2"]),
            ip("10.0.0.1")
        );
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), ["198.51.100.1, not-an-ip"]),
            ip("10.0.0.1")
        );
        // The client's own junk on the left does not matter.
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), ["not-an-ip, 198.51.100.1"]),
            ip("198.51.100.1")
        );
        // No proxies configured: every header is ignored.
        assert_eq!(
            TrustedProxies::default().client_ip(ip("127.0.0.1"), ["1.2.3.4"]),
            ip("127.0.0.1")
        );
    }
}

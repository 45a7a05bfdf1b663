//! Per-client limits: a token bucket per client (its write token's name
//! when it sends a valid one, else its address) and a cap on the exports
//! one client streams at once.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// How many requests a client may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained requests per minute.
    pub per_minute: NonZeroU32,
    /// Requests a client may send at once before the rate applies.
    pub burst: NonZeroU32,
}

/// Who a request is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Client {
    /// A valid write token, by its name.
    Token(String),
    /// Anyone else, by address; an IPv6 address by its /64 network (one
    /// host is commonly given a whole /64).
    Addr(IpAddr),
}

impl Client {
    /// The client at `ip`.
    pub fn at(ip: IpAddr) -> Client {
        match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Client::Addr(IpAddr::V4(v4)),
                None => {
                    let net = u128::from(v6) & !((1u128 << 64) - 1);
                    Client::Addr(IpAddr::V6(net.into()))
                }
            },
            v4 => Client::Addr(v4),
        }
    }
}

/// The limits of one server.
pub struct Guard {
    rate: Option<DefaultKeyedRateLimiter<Client>>,
    requests: Slots,
    exports: Slots,
    sockets: Slots,
}

impl Guard {
    /// `rate`: none for no rate limit; `requests_per_client`: requests one
    /// client may have in flight at once; `exports_per_client`: exports
    /// one client may stream at once.
    pub fn new(
        rate: Option<RateLimit>,
        requests_per_client: usize,
        exports_per_client: usize,
    ) -> Guard {
        Guard {
            rate: rate.map(|r| {
                let quota = Quota::with_period(Duration::from_secs(60) / r.per_minute.get())
                    .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
                    .allow_burst(r.burst);
                RateLimiter::keyed(quota)
            }),
            requests: Slots::new(requests_per_client),
            exports: Slots::new(exports_per_client),
            sockets: Slots::new(usize::MAX),
        }
    }

    /// The same guard with at most `cap` WebSocket connections per client.
    pub fn with_sockets_per_client(mut self, cap: usize) -> Guard {
        self.sockets = Slots::new(cap);
        self
    }

    /// `Ok` when `client` may send a request now, else how long it should
    /// wait.
    pub fn admit(&self, client: &Client) -> Result<(), Duration> {
        match &self.rate {
            None => Ok(()),
            Some(r) => r
                .check_key(client)
                .map_err(|later| later.wait_time_from(DefaultClock::default().now())),
        }
    }

    /// A turn to run a request, held until dropped; `None` when the client
    /// has as many in flight as it may.
    pub fn request_turn(&self, client: &Client) -> Option<Turn> {
        self.requests.take(client)
    }

    /// A turn to stream an export, held until dropped; `None` when the
    /// client streams as many as it may already.
    pub fn export_turn(&self, client: &Client) -> Option<Turn> {
        self.exports.take(client)
    }

    /// A turn to hold a WebSocket connection open, held until dropped;
    /// `None` when the client holds as many as it may.
    pub fn socket_turn(&self, client: &Client) -> Option<Turn> {
        self.sockets.take(client)
    }

    /// Forgets clients whose bucket is full again (bounds the memory the
    /// limiter keeps, whatever the number of addresses seen).
    pub fn forget_idle(&self) {
        if let Some(r) = &self.rate {
            r.retain_recent();
            r.shrink_to_fit();
        }
    }
}

/// Counts what each client holds of something, up to a cap each. Only
/// clients holding something are kept.
struct Slots {
    cap: usize,
    held: Arc<Mutex<HashMap<Client, usize>>>,
}

impl Slots {
    fn new(cap: usize) -> Slots {
        Slots {
            cap,
            held: Arc::default(),
        }
    }

    fn take(&self, client: &Client) -> Option<Turn> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let n = held.entry(client.clone()).or_default();
        if *n >= self.cap {
            if *n == 0 {
                held.remove(client);
            }
            return None;
        }
        *n += 1;
        Some(Turn {
            client: client.clone(),
            held: self.held.clone(),
        })
    }
}

/// One thing a client holds (a request in flight, an export), given back
/// when dropped.
pub struct Turn {
    client: Client,
    held: Arc<Mutex<HashMap<Client, usize>>>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = held.get_mut(&self.client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                held.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nz(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
    }

    #[test]
    fn a_burst_then_refusal_per_client() {
        let g = Guard::new(
            Some(RateLimit {
                per_minute: nz(1),
                burst: nz(3),
            }),
            1,
            1,
        );
        let a = Client::Addr("10.0.0.1".parse().unwrap());
        let b = Client::Token("alice".into());
        for _ in 0..3 {
            assert!(g.admit(&a).is_ok());
        }
        let wait = g.admit(&a).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(60));
        // One /64 is one client.
        let v6 = |s: &str| Client::at(s.parse().unwrap());
        assert_eq!(v6("2001:db8::1"), v6("2001:db8::ffff:1"));
        assert_ne!(v6("2001:db8::1"), v6("2001:db8:0:1::1"));
        let r1 = g.request_turn(&a).unwrap();
        assert!(g.request_turn(&a).is_none());
        drop(r1);
        assert!(g.request_turn(&a).is_some());
        assert!(g.admit(&b).is_ok());
        let turn = g.export_turn(&a).unwrap();
        assert!(g.export_turn(&a).is_none());
        assert!(g.export_turn(&b).is_some());
        drop(turn);
        assert!(g.export_turn(&a).is_some());
        let g = g.with_sockets_per_client(1);
        let socket = g.socket_turn(&a).unwrap();
        assert!(g.socket_turn(&a).is_none());
        assert!(g.socket_turn(&b).is_some());
        drop(socket);
        assert!(g.socket_turn(&a).is_some());
    }
}

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
    /// Sustained requests per second.
    pub per_second: NonZeroU32,
    /// Requests a client may send at once before the rate applies.
    pub burst: NonZeroU32,
}

/// Who a request is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Client {
    /// A valid write token, by its name.
    Token(String),
    /// Anyone else, by address.
    Addr(IpAddr),
}

/// The limits of one server.
pub struct Guard {
    rate: Option<DefaultKeyedRateLimiter<Client>>,
    exports_per_client: usize,
    exports: Arc<Mutex<HashMap<Client, usize>>>,
}

impl Guard {
    /// `rate`: none for no rate limit; `exports_per_client`: exports one
    /// client may stream at once.
    pub fn new(rate: Option<RateLimit>, exports_per_client: usize) -> Guard {
        Guard {
            rate: rate
                .map(|r| RateLimiter::keyed(Quota::per_second(r.per_second).allow_burst(r.burst))),
            exports_per_client,
            exports: Arc::default(),
        }
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

    /// A turn to stream an export, held until dropped; `None` when the
    /// client streams as many as it may already.
    pub fn export_turn(&self, client: &Client) -> Option<ExportTurn> {
        let mut running = self.exports.lock().unwrap_or_else(|e| e.into_inner());
        let n = running.entry(client.clone()).or_default();
        if *n >= self.exports_per_client {
            return None;
        }
        *n += 1;
        Some(ExportTurn {
            client: client.clone(),
            exports: self.exports.clone(),
        })
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

/// One running export of a client.
pub struct ExportTurn {
    client: Client,
    exports: Arc<Mutex<HashMap<Client, usize>>>,
}

impl Drop for ExportTurn {
    fn drop(&mut self) {
        let mut running = self.exports.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = running.get_mut(&self.client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                running.remove(&self.client);
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
                per_second: nz(1),
                burst: nz(3),
            }),
            1,
        );
        let a = Client::Addr("10.0.0.1".parse().unwrap());
        let b = Client::Token("alice".into());
        for _ in 0..3 {
            assert!(g.admit(&a).is_ok());
        }
        let wait = g.admit(&a).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1));
        assert!(g.admit(&b).is_ok());
        let turn = g.export_turn(&a).unwrap();
        assert!(g.export_turn(&a).is_none());
        assert!(g.export_turn(&b).is_some());
        drop(turn);
        assert!(g.export_turn(&a).is_some());
    }
}

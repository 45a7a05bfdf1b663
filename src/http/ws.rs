//! GraphQL subscriptions over WebSocket at `/graphql`: the
//! `graphql-transport-ws` protocol, and `graphql-ws` for older clients.
//!
//! What one connection may cost, and how it ends:
//! - connections per server ([`WsLimits::connections`]): one more is
//!   refused with 503 before the upgrade; per client
//!   ([`WsLimits::per_client`]): one more is refused with 429;
//! - the upgrade and every message count against the client's request
//!   rate: a client cannot start subscriptions (each a few statements)
//!   or send frames to parse faster than it may send requests;
//! - subscriptions per connection ([`WsLimits::subscriptions`]): one more
//!   gets an error for its id, the others go on;
//! - every document is measured as a POST is ([`graphql::limits`]), and
//!   only subscriptions are accepted (queries and mutations use POST,
//!   with its deadline and rate limits); frames are at most
//!   [`crate::http::MAX_BODY_BYTES`];
//! - idle ([`WsLimits::idle`]): a connection with no subscription that
//!   sends nothing for that long is closed (1000, "idle");
//! - slow: each message waits at most [`WsLimits::send_timeout`] for the
//!   client to take it, and a subscription that falls behind the change
//!   feed's buffer is ended with `SUBSCRIPTION_BEHIND`; either closes the
//!   connection with 1008 and a reason that says how to catch up. Memory
//!   per connection is bounded: nothing is queued for a client that does
//!   not read.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{CloseCode, CloseReason, Message};
use async_graphql::http::{WebSocketProtocols, WsMessage};
use futures::StreamExt;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use super::protect::{Client, Turn};
use super::{error_body, AppState, MAX_BODY_BYTES};
use crate::graphql::{self, loaders::Loaders, subscription, Bearer};

/// Limits of the WebSocket endpoint.
#[derive(Debug, Clone, Copy)]
pub struct WsLimits {
    /// Open connections per server (TARIKH_WS_CONNECTIONS).
    pub connections: usize,
    /// Open connections per client (TARIKH_WS_CONNECTIONS_PER_CLIENT):
    /// one client cannot take the server's share.
    pub per_client: usize,
    /// Subscriptions per connection (TARIKH_WS_SUBSCRIPTIONS).
    pub subscriptions: usize,
    /// Idle connection lifetime (TARIKH_WS_IDLE_SECS).
    pub idle: Duration,
    /// Longest wait for a client to take one message.
    pub send_timeout: Duration,
}

impl Default for WsLimits {
    fn default() -> Self {
        WsLimits {
            connections: 4096,
            per_client: 64,
            subscriptions: 32,
            idle: Duration::from_secs(60),
            send_timeout: Duration::from_secs(10),
        }
    }
}

/// Open connections, counted against [`WsLimits::connections`].
pub(super) struct WsSlots(Arc<Semaphore>);

impl WsSlots {
    pub(super) fn new(limits: &WsLimits) -> WsSlots {
        WsSlots(Arc::new(Semaphore::new(limits.connections)))
    }
}

/// GET /graphql with `Upgrade: websocket`.
pub(super) async fn upgrade(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let protocol = req
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|p| p.trim().parse::<WebSocketProtocols>().ok())
        });
    let Some(protocol) = protocol else {
        return error_body(
            actix_web::http::StatusCode::BAD_REQUEST,
            graphql::errors::BAD_USER_INPUT,
            "name a subprotocol: Sec-WebSocket-Protocol: graphql-transport-ws (or graphql-ws)",
        );
    };
    if let Some(refused) = state.over_rate(&req) {
        return refused;
    }
    let client = state.client(&req);
    let Some(turn) = state.guard.socket_turn(&client) else {
        state.metrics.rate_limited.inc();
        return super::too_many(
            Duration::from_secs(1),
            "this client holds as many WebSocket connections as it may: close one first",
        );
    };
    let Ok(slot) = state.ws_slots.0.clone().try_acquire_owned() else {
        return error_body(
            actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
            graphql::errors::UNAVAILABLE,
            "the server holds as many WebSocket connections as it may: try again later",
        );
    };
    let (mut resp, session, messages) = match actix_ws::handle(&req, body) {
        Ok(x) => x,
        Err(e) => {
            return error_body(
                actix_web::http::StatusCode::BAD_REQUEST,
                graphql::errors::BAD_USER_INPUT,
                &format!("not a WebSocket upgrade: {e}"),
            )
        }
    };
    resp.headers_mut().insert(
        header::SEC_WEBSOCKET_PROTOCOL,
        header::HeaderValue::from_static(protocol.sec_websocket_protocol()),
    );
    state.metrics.ws_connections.inc();
    let conn = Connection {
        state: state.clone(),
        protocol,
        limits: state.ws_limits,
        active: HashSet::new(),
        client,
        _slot: slot,
        _turn: turn,
    };
    actix_web::rt::spawn(conn.run(session, messages.max_frame_size(MAX_BODY_BYTES)));
    resp
}

struct Connection {
    state: web::Data<AppState>,
    protocol: WebSocketProtocols,
    limits: WsLimits,
    /// Ids of the subscriptions running.
    active: HashSet<String>,
    /// Who the connection counts against.
    client: Client,
    _slot: OwnedSemaphorePermit,
    _turn: Turn,
}

/// A client message that does not go on to async-graphql.
enum Refusal {
    /// Answer it with this message.
    Answer(String),
    /// Close the connection, saying why.
    Close(String),
}

/// Why a connection ends.
enum End {
    /// The client closed it or went away.
    Gone,
    /// We close it, saying why.
    Close(CloseCode, String),
}

impl Connection {
    async fn run(mut self, mut session: actix_ws::Session, mut incoming: actix_ws::MessageStream) {
        let (to_graphql, from_client) = mpsc::channel::<String>(8);
        // The same for every connection: subscriptions share their work
        // (`graphql::cohorts`), so nothing here may depend on the client.
        let mut data = async_graphql::Data::default();
        data.insert(Loaders::uncached(&self.state.store));
        data.insert(Bearer(None));
        let mut outgoing = async_graphql::http::WebSocket::new(
            self.state.subscriptions.clone(),
            stream_of(from_client),
            self.protocol,
        )
        .connection_data(data);
        let idle = tokio::time::sleep(self.limits.idle);
        tokio::pin!(idle);
        // A client message admitted but not yet taken by async-graphql:
        // while there is one, the client is not read (its messages wait in
        // the socket, not in memory).
        let mut pending: Option<String> = None;
        let end = loop {
            tokio::select! {
                permit = to_graphql.reserve(), if pending.is_some() => match (permit, pending.take()) {
                    (Ok(permit), Some(text)) => permit.send(text),
                    _ => break End::Gone,
                },
                m = incoming.next(), if pending.is_none() => {
                    let text = match m {
                        Some(Ok(Message::Text(t))) => t,
                        Some(Ok(Message::Ping(b))) => {
                            if session.pong(&b).await.is_err() {
                                break End::Gone;
                            }
                            continue;
                        }
                        Some(Ok(Message::Pong(_))) => continue,
                        Some(Ok(Message::Binary(_))) => {
                            break End::Close(CloseCode::Unsupported, "send text frames".into())
                        }
                        Some(Ok(Message::Continuation(_))) => {
                            break End::Close(CloseCode::Unsupported, "send whole frames".into())
                        }
                        Some(Ok(Message::Close(_))) | None => break End::Gone,
                        Some(Ok(Message::Nop)) => continue,
                        Some(Err(e)) => break End::Close(CloseCode::Protocol, format!("{e}")),
                    };
                    idle.as_mut().reset(tokio::time::Instant::now() + self.limits.idle);
                    match self.admit(&text) {
                        Ok(()) => pending = Some(text.to_string()),
                        Err(Refusal::Answer(reply)) => {
                            if self.send(&mut session, reply).await.is_err() {
                                break End::Close(CloseCode::Policy, "the client does not read".into());
                            }
                        }
                        Err(Refusal::Close(why)) => break End::Close(CloseCode::Policy, why),
                    }
                }
                out = outgoing.next() => match out {
                    Some(WsMessage::Text(t)) => {
                        let behind = self.sent(&t);
                        if self.send(&mut session, t).await.is_err() {
                            break End::Close(CloseCode::Policy, "the client does not read: closed".into());
                        }
                        if behind {
                            break End::Close(
                                CloseCode::Policy,
                                "a subscription fell behind: catch up with changedSince, subscribe again".into(),
                            );
                        }
                    }
                    Some(WsMessage::Close(code, reason)) => break End::Close(CloseCode::from(code), reason),
                    None => break End::Gone,
                },
                _ = &mut idle => {
                    if self.active.is_empty() {
                        break End::Close(CloseCode::Normal, "idle".into());
                    }
                    idle.as_mut().reset(tokio::time::Instant::now() + self.limits.idle);
                }
            }
        };
        self.state.metrics.ws_connections.dec();
        if let End::Close(code, reason) = end {
            if code == CloseCode::Policy {
                self.state.metrics.ws_cut_off.inc();
            }
            let reason = CloseReason {
                code,
                description: Some(truncate(reason, 123)),
            };
            // A client that does not read cannot take the close frame
            // either: then the connection just ends.
            let _ =
                tokio::time::timeout(self.limits.send_timeout, session.close(Some(reason))).await;
        }
    }

    /// Sends `text`, waiting at most the send timeout for the client.
    async fn send(&self, session: &mut actix_ws::Session, text: String) -> Result<(), ()> {
        match tokio::time::timeout(self.limits.send_timeout, session.text(text)).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(()),
        }
    }

    /// Whether a client message may go on to async-graphql; if not, what
    /// to do instead. Every message counts against the client's request
    /// rate (parsing one costs as much as a request's body); over it, a
    /// subscription is refused, a completion still goes through (it ends
    /// work), and anything else closes the connection. Tracks the
    /// subscriptions running.
    fn admit(&mut self, text: &str) -> Result<(), Refusal> {
        let over = self.state.guard.admit(&self.client).is_err();
        if over {
            self.state.metrics.rate_limited.inc();
        }
        let too_many = || Refusal::Close("too many messages from this client".into());
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(text) else {
            // async-graphql answers what does not parse.
            return if over { Err(too_many()) } else { Ok(()) };
        };
        let kind = msg.get("type").and_then(|t| t.as_str()).unwrap_or("");
        let id = msg.get("id").and_then(|t| t.as_str()).unwrap_or("");
        match kind {
            "subscribe" | "start" => {
                if over {
                    return Err(Refusal::Answer(self.error(
                        id,
                        graphql::errors::RATE_LIMITED,
                        "too many requests from this client: subscribe again later",
                    )));
                }
                if self.active.contains(id) {
                    // async-graphql refuses a repeated id itself.
                    return Ok(());
                }
                if self.active.len() >= self.limits.subscriptions {
                    return Err(Refusal::Answer(self.error(
                        id,
                        graphql::errors::RATE_LIMITED,
                        &format!(
                            "a connection runs at most {} subscriptions: complete one first",
                            self.limits.subscriptions
                        ),
                    )));
                }
                let query = msg
                    .pointer("/payload/query")
                    .and_then(|q| q.as_str())
                    .unwrap_or("");
                if let Err(why) = subscription::check_ws_document(query) {
                    return Err(Refusal::Answer(self.error(
                        id,
                        graphql::errors::BAD_USER_INPUT,
                        &why,
                    )));
                }
                self.active.insert(id.to_string());
            }
            "complete" | "stop" => {
                self.active.remove(id);
            }
            _ if over => return Err(too_many()),
            _ => {}
        }
        Ok(())
    }

    /// Notes what a server message ends; true when it tells a subscriber
    /// it fell behind.
    fn sent(&mut self, text: &str) -> bool {
        // async-graphql writes the type first; only endings are parsed.
        let ends =
            text.starts_with(r#"{"type":"complete""#) || text.starts_with(r#"{"type":"error""#);
        if ends {
            if let Ok(msg) = serde_json::from_str::<serde_json::Value>(text) {
                if let Some(id) = msg.get("id").and_then(|t| t.as_str()) {
                    self.active.remove(id);
                }
            }
        }
        text.contains(subscription::SUBSCRIPTION_BEHIND_IN_JSON)
    }

    /// An error message for subscription `id` in the connection's protocol.
    fn error(&self, id: &str, code: &str, message: &str) -> String {
        let e = serde_json::json!({"message": message, "extensions": {"code": code}});
        let payload = match self.protocol {
            WebSocketProtocols::GraphQLWS => serde_json::json!([e]),
            WebSocketProtocols::SubscriptionsTransportWS => e,
        };
        serde_json::json!({"type": "error", "id": id, "payload": payload}).to_string()
    }
}

fn stream_of(mut rx: mpsc::Receiver<String>) -> impl futures::Stream<Item = String> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

//! Answers to repeated reads, from memory, while nothing has been written
//! since: a dashboard sends the same few queries again and again.
//!
//! - What is kept: the answer to a single request without a token (an
//!   anonymous read) whose operation is a query, answered without error.
//!   Its key is the document with its ignored tokens normalized
//!   ([`graphql::limits::normalized`]), the operation name, and the
//!   variables as sent.
//! - Current: an answer is kept with the store's generation read before
//!   it ran ([`crate::live::Feed::generation`]) and served only while the
//!   generation reads the same. A write by this process moves it as soon
//!   as it commits; a write by another process when its notification
//!   arrives (PostgreSQL) or at the next look, 50 ms at most (SQLite).
//! - Bounded: keys and bodies weigh at most the configured bytes
//!   (TARIKH_RESPONSE_CACHE_MB), in [`SHARDS`] shards; an answer over a
//!   sixteenth of that is not kept. Zero turns the cache off.
//! - Validators: each answer has an `ETag` (a digest of its body); a GET
//!   that sends it back in `If-None-Match` is answered `304 Not Modified`.
//!   GET requests' parameters are read here too ([`get_request`]).

use std::sync::Arc;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use quick_cache::sync::Cache;
use sha2::{Digest, Sha256};

use crate::graphql;

/// An answer as sent.
#[derive(Clone)]
pub struct Answer {
    /// The generation read before it was computed.
    pub generation: u64,
    /// The JSON body.
    pub body: Bytes,
    /// Its entity tag, quoted.
    pub etag: Arc<str>,
}

impl Answer {
    /// `body` computed after reading `generation`.
    pub fn new(generation: u64, body: Bytes) -> Answer {
        let etag = etag(&body).into();
        Answer {
            generation,
            body,
            etag,
        }
    }
}

/// The strong entity tag of a body: a digest of its bytes.
pub fn etag(body: &[u8]) -> String {
    quoted_hex(&Sha256::digest(body)[..12])
}

/// An entity tag made of `digest`'s bytes: `"` hex `"`.
pub fn quoted_hex(digest: &[u8]) -> String {
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether an `If-None-Match` header value names `etag` (or is `*`).
pub fn matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag))
}

/// The cache key of a request.
pub fn key(request: &async_graphql::Request) -> Vec<u8> {
    let mut k = graphql::limits::normalized(&request.query).into_bytes();
    k.push(0);
    if let Some(op) = &request.operation_name {
        k.extend_from_slice(op.as_bytes());
    }
    k.push(0);
    // Serializing a Value cannot fail (its map keys are strings).
    if let Ok(v) = serde_json::to_vec(&request.variables) {
        k.extend_from_slice(&v);
    }
    k
}

#[derive(Clone)]
struct Weight;

/// What an entry holds beyond its key and body.
const ENTRY_OVERHEAD: u64 = 128;

impl quick_cache::Weighter<Vec<u8>, Answer> for Weight {
    fn weight(&self, key: &Vec<u8>, a: &Answer) -> u64 {
        key.len() as u64 + a.body.len() as u64 + ENTRY_OVERHEAD
    }
}

/// Shards of the cache: each is locked on its own, and holds its share
/// of the capacity.
pub const SHARDS: usize = 8;

/// The cache of one server.
pub struct ResponseCache {
    entries: Option<Cache<Vec<u8>, Answer, Weight>>,
    largest: usize,
}

impl ResponseCache {
    /// A cache of at most `bytes` (none when zero).
    pub fn new(bytes: usize) -> ResponseCache {
        let entries = (bytes > 0).then(|| {
            quick_cache::OptionsBuilder::new()
                // About 8 KiB an answer, for the table's first size.
                .estimated_items_capacity((bytes / 8192).max(16))
                .weight_capacity(bytes as u64)
                .shards(SHARDS)
                .build()
                .ok()
                .map(|o| {
                    Cache::with_options(
                        o,
                        Weight,
                        quick_cache::DefaultHashBuilder::default(),
                        quick_cache::sync::DefaultLifecycle::default(),
                    )
                })
        });
        ResponseCache {
            entries: entries.flatten(),
            // A shard holds an eighth at least (fewer shards are bigger),
            // and refuses an entry over its share.
            largest: bytes / (2 * SHARDS),
        }
    }

    /// Whether answers are kept at all.
    pub fn enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// The answer kept under `key`, if it was computed at `generation`.
    pub fn get(&self, key: &[u8], generation: u64) -> Option<Answer> {
        let a = self.entries.as_ref()?.get(key)?;
        (a.generation == generation).then_some(a)
    }

    /// Keeps `answer` under `key`, unless it is too big.
    pub fn put(&self, key: Vec<u8>, answer: Answer) {
        if let Some(c) = &self.entries {
            if key.len() + answer.body.len() <= self.largest {
                c.insert(key, answer);
            }
        }
    }

    /// Entries and the bytes they weigh.
    pub fn size(&self) -> (usize, u64) {
        self.entries
            .as_ref()
            .map_or((0, 0), |c| (c.len(), c.weight()))
    }
}

/// How a GraphQL request came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// POST: a JSON body.
    Post,
    /// GET: the query string (GraphQL over HTTP), with validators.
    Get,
}

/// The parameters of a GraphQL request sent by GET.
#[derive(serde::Deserialize)]
struct GetParams {
    query: String,
    #[serde(rename = "operationName", alias = "operation_name")]
    operation_name: Option<String>,
    /// A JSON object.
    variables: Option<String>,
}

/// The request a GET's query string holds, or what is wrong with it.
pub fn get_request(query_string: &str) -> Result<async_graphql::Request, String> {
    let p: GetParams = serde_html_form::from_str(query_string)
        .map_err(|e| format!("the query string is not a GraphQL request: {e}"))?;
    let mut r = async_graphql::Request::new(p.query);
    if let Some(op) = p.operation_name.filter(|o| !o.is_empty()) {
        r = r.operation_name(op);
    }
    if let Some(v) = p.variables.filter(|v| !v.trim().is_empty()) {
        let json: serde_json::Value =
            serde_json::from_str(&v).map_err(|e| format!("`variables` is not JSON: {e}"))?;
        if !json.is_object() {
            return Err("`variables` must be a JSON object".into());
        }
        r = r.variables(async_graphql::Variables::from_json(json));
    }
    Ok(r)
}

/// A query's answer with its entity tag; for a GET, `Cache-Control:
/// no-cache` (every use must check that it is current), and 304 when the
/// request's `If-None-Match` names the tag.
pub fn send_answer(answer: &Answer, req: &HttpRequest, via: Via, hit: bool) -> HttpResponse {
    let etag = header::HeaderValue::from_str(&answer.etag).ok();
    if via == Via::Get {
        let unchanged = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| matches(v, &answer.etag));
        if unchanged {
            let mut r = HttpResponse::NotModified();
            r.insert_header((header::CACHE_CONTROL, "no-cache"));
            if let Some(e) = etag {
                r.insert_header((header::ETAG, e));
            }
            return r.finish();
        }
    }
    let mut r = HttpResponse::Ok();
    r.content_type("application/graphql-response+json");
    if let Some(e) = etag {
        r.insert_header((header::ETAG, e));
    }
    if via == Via::Get {
        r.insert_header((header::CACHE_CONTROL, "no-cache"));
    }
    r.insert_header((CACHE_HEADER, if hit { "hit" } else { "miss" }));
    r.body(answer.body.clone())
}

/// Says whether an anonymous query was answered from the response cache
/// (`hit`) or ran (`miss`).
pub const CACHE_HEADER: &str = "X-Tarikh-Cache";

#[cfg(test)]
mod tests {
    use super::*;

    fn req(q: &str, vars: serde_json::Value) -> async_graphql::Request {
        async_graphql::Request::new(q).variables(async_graphql::Variables::from_json(vars))
    }

    #[test]
    fn keys_ignore_layout_but_not_meaning() {
        let a = key(&req("{ events { nodes { id } } }", serde_json::json!({})));
        let b = key(&req("{events{nodes{id}}} # again", serde_json::json!({})));
        assert_eq!(a, b);
        let c = key(&req(
            "{ events { nodes { id title } } }",
            serde_json::json!({}),
        ));
        assert_ne!(a, c);
        let v1 = key(&req(
            "query($n: Int) { events(first: $n) { totalCount } }",
            serde_json::json!({"n": 1}),
        ));
        let v2 = key(&req(
            "query($n: Int) { events(first: $n) { totalCount } }",
            serde_json::json!({"n": 2}),
        ));
        assert_ne!(v1, v2);
        let named =
            key(&req("{ events { nodes { id } } }", serde_json::json!({})).operation_name("X"));
        assert_ne!(a, named);
    }

    #[test]
    fn answers_are_current_only_at_their_generation_and_bounded() {
        let c = ResponseCache::new(64 * 1024);
        let body = Bytes::from_static(b"{\"data\":{}}");
        c.put(b"k".to_vec(), Answer::new(7, body.clone()));
        assert!(c.get(b"k", 7).is_some_and(|a| a.body == body));
        assert!(c.get(b"k", 8).is_none());
        // Over a sixteenth of the capacity: not kept.
        let big = Bytes::from(vec![b'x'; 5 * 1024]);
        c.put(b"big".to_vec(), Answer::new(7, big));
        assert!(c.get(b"big", 7).is_none());
        // Many answers: the weight stays under the capacity.
        for i in 0..1000 {
            let b = Bytes::from(vec![b'y'; 4000]);
            c.put(format!("k{i}").into_bytes(), Answer::new(7, b));
        }
        assert!(c.size().1 <= 64 * 1024, "{:?}", c.size());
        let off = ResponseCache::new(0);
        off.put(b"k".to_vec(), Answer::new(1, body));
        assert!(!off.enabled() && off.get(b"k", 1).is_none());
    }

    #[test]
    fn etags_match_if_none_match_lists() {
        let e = etag(b"{}");
        assert!(e.starts_with('"') && e.ends_with('"') && e.len() == 26);
        assert_ne!(e, etag(b"{ }"));
        assert!(matches(&e, &e));
        assert!(matches(&format!("\"x\", W/{e}"), &e));
        assert!(matches("*", &e));
        assert!(!matches("\"x\"", &e));
    }
}

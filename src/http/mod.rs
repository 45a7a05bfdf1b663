//! HTTP: the only home of actix. Routes, body limits, CORS, the bearer
//! token hand-off to GraphQL, per-client rate limits, request deadlines,
//! health, graceful shutdown.

mod assets;
pub mod cache;
pub mod metrics;
pub mod protect;
pub mod ws;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use async_graphql_actix_web::GraphQLResponse;
use futures::StreamExt;
use tokio_util::task::AbortOnDropHandle;

use crate::export;
use crate::graphql::{self, Bearer, TarikhSchema, WriteTokens};
use crate::live::{Feed, FeedConfig};
use crate::storage::Store;
pub use cache::CACHE_HEADER;
use cache::{send_answer, Via};
use metrics::Metrics;
pub use protect::RateLimit;
use protect::{Client, Guard};
pub use ws::WsLimits;

/// Largest request body accepted on POST /graphql.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// What the server needs besides the store.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Write tokens (TARIKH_WRITE_TOKENS).
    pub tokens: WriteTokens,
    /// Allowed CORS origins (TARIKH_CORS_ORIGINS); `*` allows any; empty allows none.
    pub cors_origins: Vec<String>,
    /// Longest a GraphQL request may run (TARIKH_REQUEST_TIMEOUT_MS); past
    /// it the request is abandoned and answered `TIMEOUT`.
    pub request_timeout: Duration,
    /// Requests per client (TARIKH_RATE_LIMIT, TARIKH_RATE_BURST); none:
    /// no limit. Over it: 429 with `Retry-After`.
    pub rate_limit: Option<RateLimit>,
    /// Requests one client may have in flight at once
    /// (TARIKH_REQUESTS_PER_CLIENT); more get 429.
    pub requests_per_client: usize,
    /// Exports one client may stream at once (TARIKH_EXPORTS_PER_CLIENT).
    pub exports_per_client: usize,
    /// Limits of the WebSocket endpoint.
    pub ws: WsLimits,
    /// The change feed behind subscriptions.
    pub feed: FeedConfig,
    /// Memory for answers to repeated anonymous queries
    /// (TARIKH_RESPONSE_CACHE_MB; [`cache`]); 0 turns the cache off.
    pub response_cache_bytes: usize,
}

impl Default for HttpConfig {
    /// No tokens, no CORS, the default request deadline, and no per-client
    /// limits (`tarikh serve` sets its own defaults for those).
    fn default() -> Self {
        HttpConfig {
            tokens: WriteTokens::default(),
            cors_origins: vec![],
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            rate_limit: None,
            requests_per_client: usize::MAX,
            exports_per_client: usize::MAX,
            ws: WsLimits::default(),
            feed: FeedConfig::default(),
            response_cache_bytes: DEFAULT_RESPONSE_CACHE_BYTES,
        }
    }
}

/// The default of [`HttpConfig::response_cache_bytes`]: 32 MiB.
pub const DEFAULT_RESPONSE_CACHE_BYTES: usize = 32 << 20;

/// The default of [`HttpConfig::request_timeout`].
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

struct AppState {
    schema: TarikhSchema,
    /// Subscriptions, in cohorts.
    subscriptions: graphql::SharedSubscriptions,
    store: Store,
    tokens: WriteTokens,
    guard: Arc<Guard>,
    metrics: Arc<Metrics>,
    executor: Executor,
    request_timeout: Duration,
    ws_slots: ws::WsSlots,
    ws_limits: WsLimits,
    feed: Feed,
    after_writes: AfterWrites,
    cache: cache::ResponseCache,
}

/// What is told after a request that held a mutation has run (its
/// writes committed, whatever it wrote): the export documents' refresher
/// and the change feed, which both find the events by their change
/// numbers.
#[derive(Clone)]
struct AfterWrites {
    refresher: export::DocRefresher,
    feed: Feed,
}

impl AfterWrites {
    fn tell(&self) {
        self.refresher.changed();
        self.feed.changed();
    }
}

/// Tells [`AfterWrites`] when dropped: after the request's task has run,
/// or when it panicked half-way (some writes may have committed).
struct TellAfter(Option<AfterWrites>);

impl Drop for TellAfter {
    fn drop(&mut self) {
        if let Some(a) = &self.0 {
            a.tell();
        }
    }
}

impl AppState {
    /// Who `req` counts against: its valid write token's name, or its
    /// address.
    fn client(&self, req: &HttpRequest) -> Client {
        if let Some(name) = bearer(req)
            .0
            .as_deref()
            .and_then(|t| self.tokens.name_of(t))
        {
            return Client::Token(name.to_string());
        }
        let ip = req
            .peer_addr()
            .map(|a| a.ip())
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        Client::at(ip)
    }

    /// A turn to run `req` (held until dropped), or the refusal: the
    /// client is over its rate (429), has as many requests in flight as it
    /// may (429), or the database is down (503).
    fn admit(&self, req: &HttpRequest) -> Result<protect::Turn, Box<HttpResponse>> {
        if let Some(refused) = self.over_rate(req) {
            return Err(Box::new(refused));
        }
        let Some(turn) = self.guard.request_turn(&self.client(req)) else {
            self.metrics.rate_limited.inc();
            return Err(Box::new(too_many(
                Duration::from_secs(1),
                "this client has as many requests in flight as it may: wait for one",
            )));
        };
        if !self.store.available() {
            return Err(Box::new(unavailable()));
        }
        Ok(turn)
    }

    /// `None` when `req` may go on, else the 429 answer.
    fn over_rate(&self, req: &HttpRequest) -> Option<HttpResponse> {
        let wait = self.guard.admit(&self.client(req)).err()?;
        self.metrics.rate_limited.inc();
        Some(too_many(
            wait,
            "too many requests from this client: wait for Retry-After seconds",
        ))
    }
}

/// 429 with `RATE_LIMITED` and `Retry-After` (whole seconds, at least 1).
fn too_many(wait: Duration, message: &str) -> HttpResponse {
    let mut resp = error_body(
        actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        graphql::errors::RATE_LIMITED,
        message,
    );
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    if let Ok(v) = header::HeaderValue::from_str(&secs.max(1).to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// Runs `f` to completion on an actix system (the server's runtime).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    actix_web::rt::System::new().block_on(f)
}

/// Starts serving on `listener`; the returned server runs until it is
/// stopped (draining requests in flight for up to 10 s). It does not
/// listen for signals: [`run_until_signal`] does.
pub async fn serve(
    listener: TcpListener,
    store: Store,
    config: HttpConfig,
) -> std::io::Result<Server> {
    Ok(start(listener, store, config).await?.0)
}

/// [`serve`], with the refresher that keeps export documents current
/// behind the API's writes (to wait until it is idle).
pub async fn start(
    listener: TcpListener,
    store: Store,
    config: HttpConfig,
) -> std::io::Result<(Server, export::DocRefresher)> {
    // Writes from now on are the refresher's; earlier ones are `tarikh
    // refresh-docs`'s.
    let from = store.sync_token().await.map_err(std::io::Error::other)?;
    let refresher = export::DocRefresher::new(&store, from);
    let feed = Feed::start(store.clone(), config.feed)
        .await
        .map_err(std::io::Error::other)?;
    let schema = graphql::build_schema(store.clone(), config.tokens.clone(), feed.clone());
    let subscriptions =
        graphql::SharedSubscriptions::new(schema.clone(), graphql::Sharing::default());
    let guard = Arc::new(
        Guard::new(
            config.rate_limit,
            config.requests_per_client,
            config.exports_per_client,
        )
        .with_sockets_per_client(config.ws.per_client),
    );
    let metrics = Arc::new(Metrics::new().map_err(std::io::Error::other)?);
    tokio::spawn(watch_database(
        store.clone(),
        guard.clone(),
        metrics.clone(),
    ));
    let state = web::Data::new(AppState {
        schema,
        subscriptions,
        store,
        tokens: config.tokens.clone(),
        guard,
        metrics: metrics.clone(),
        executor: Executor::new()?,
        request_timeout: config.request_timeout,
        ws_slots: ws::WsSlots::new(&config.ws),
        ws_limits: config.ws,
        after_writes: AfterWrites {
            refresher: refresher.clone(),
            feed: feed.clone(),
        },
        feed,
        cache: cache::ResponseCache::new(config.response_cache_bytes),
    });
    let origins = config.cors_origins.clone();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(cors(&origins))
            .wrap_fn({
                let metrics = metrics.clone();
                move |req, srv| observed(req, srv, metrics.clone())
            })
            .app_data(state.clone())
            .route("/graphql", web::post().to(graphql_post))
            .route(
                "/graphql",
                web::get()
                    .guard(actix_web::guard::Header("upgrade", "websocket"))
                    .to(ws::upgrade),
            )
            .route("/graphql", web::get().to(graphql_get))
            .route("/", web::get().to(assets::app))
            .route("/app/{path:.*}", web::get().to(assets::own))
            .route("/graphiql/{path:.*}", web::get().to(assets::own))
            .route("/vendor/{path:.*}", web::get().to(assets::vendor))
            .route("/health", web::get().to(health))
            .route("/metrics", web::get().to(metrics_text))
            .route("/export/events.ndjson", web::get().to(export_ndjson))
            .route("/export/events.csv", web::get().to(export_csv))
            .route("/export/events.geojson", web::get().to(export_geojson))
            .route(
                "/export/tombstones.ndjson",
                web::get().to(export_tombstones),
            )
    })
    .shutdown_timeout(10)
    .disable_signals()
    .listen(listener)?
    .run();
    Ok((server, refresher))
}

/// Runs `server` until SIGINT (Ctrl-C) or SIGTERM, then stops it
/// gracefully: it stops accepting, lets requests in flight finish for up
/// to 10 s, and returns. (actix's own handling treats SIGINT as a forced
/// stop.)
pub async fn run_until_signal(server: Server) -> std::io::Result<()> {
    let handle = server.handle();
    let signals = async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r?,
            _ = term.recv() => {}
        }
        tracing::info!("stopping: finishing requests in flight");
        handle.stop(true).await;
        Ok::<_, std::io::Error>(())
    };
    let watcher = tokio::spawn(async move {
        if let Err(e) = signals.await {
            tracing::error!(error = %e, "cannot listen for signals");
        }
    });
    let served = server.await;
    watcher.abort();
    served
}

/// Gives every request an id (in the `X-Request-Id` header and in every
/// log line written while it runs), counts it and its latency by route
/// pattern and status, and logs its outcome.
fn observed<S, B>(
    req: actix_web::dev::ServiceRequest,
    srv: &S,
    metrics: Arc<Metrics>,
) -> impl std::future::Future<Output = Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>>
where
    S: actix_web::dev::Service<
        actix_web::dev::ServiceRequest,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
{
    use tracing::Instrument;
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let route = req.match_pattern().unwrap_or_else(|| "other".into());
    let span = tracing::info_span!("request", id, method = %req.method(), path = %req.path());
    let started = std::time::Instant::now();
    let call = {
        let _entered = span.enter();
        srv.call(req)
    };
    async move {
        let mut res = call.await?;
        let took = started.elapsed();
        let status = res.status();
        metrics
            .requests
            .with_label_values(&[route.as_str(), status.as_str()])
            .inc();
        metrics
            .latency
            .with_label_values(&[route.as_str()])
            .observe(took.as_secs_f64());
        res.headers_mut().insert(
            header::HeaderName::from_static("x-request-id"),
            header::HeaderValue::from(id),
        );
        tracing::info!(
            status = status.as_u16(),
            ms = took.as_millis() as u64,
            "answered"
        );
        Ok(res)
    }
    .instrument(span)
}

async fn metrics_text(state: web::Data<AppState>) -> HttpResponse {
    let (open, idle) = state.store.pool_stats();
    let cached = i64::try_from(state.cache.size().1).unwrap_or(i64::MAX);
    state.metrics.cache_bytes.set(cached);
    state.metrics.pool_open.set(i64::from(open));
    state.metrics.pool_in_use.set(i64::from(open) - idle as i64);
    state
        .metrics
        .database_up
        .set(i64::from(state.store.available()));
    let sent = i64::try_from(state.feed.sent()).unwrap_or(i64::MAX);
    state.metrics.live_changes.set(sent);
    state
        .metrics
        .live_subscribers
        .set(state.subscriptions.subscribers() as i64);
    state
        .metrics
        .live_cohorts
        .set(state.subscriptions.cohorts() as i64);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render())
}

fn cors(origins: &[String]) -> Cors {
    let base = Cors::default()
        .allowed_methods(vec!["GET", "POST"])
        .allowed_headers(vec![
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
        ])
        .expose_headers(vec![SYNC_TOKEN_HEADER, CACHE_HEADER, "ETag"])
        .max_age(3600);
    if origins.iter().any(|o| o == "*") {
        return base.allow_any_origin();
    }
    origins
        .iter()
        .fold(base, |c, o| c.allowed_origin(o.as_str()))
}

fn bearer(req: &HttpRequest) -> Bearer {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_string());
    Bearer(token)
}

fn error_body(status: actix_web::http::StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({
        "errors": [{"message": message, "extensions": {"code": code}}]
    }))
}

/// Reads a body of at most [`MAX_BODY_BYTES`]; `Err` is the answer (413,
/// or 400 when the body breaks off).
async fn read_body(mut payload: web::Payload) -> Result<web::BytesMut, HttpResponse> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            error_body(
                actix_web::http::StatusCode::BAD_REQUEST,
                graphql::errors::BAD_USER_INPUT,
                &format!("the body could not be read: {e}"),
            )
        })?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(error_body(
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                graphql::errors::BAD_USER_INPUT,
                &format!("the body is over {MAX_BODY_BYTES} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// POST /graphql. In order, each before anything costlier: the client's
/// rate, its requests in flight, the database's availability, the body's
/// size; then [`run_graphql`].
async fn graphql_post(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let _turn = match state.admit(&req) {
        Ok(t) => t,
        Err(refused) => return *refused,
    };
    let body = match read_body(payload).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let batch: async_graphql::BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return error_body(
                actix_web::http::StatusCode::BAD_REQUEST,
                graphql::errors::BAD_USER_INPUT,
                &format!("the body is not a GraphQL request in JSON: {e}"),
            )
        }
    };
    drop(body);
    run_graphql(&req, &state, batch, Via::Post).await
}

/// GET /graphql: GraphiQL for a browser; with a `query` parameter, a query
/// run as by POST (GraphQL over HTTP: `query`, `operationName`, and
/// `variables` as JSON). Only queries: a mutation or subscription is
/// refused with 405. Answers carry an `ETag` and `Cache-Control:
/// no-cache`; a request whose `If-None-Match` names the current tag is
/// answered `304 Not Modified` (from the cache, without running).
async fn graphql_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let has_query =
        url::form_urlencoded::parse(req.query_string().as_bytes()).any(|(k, _)| k == "query");
    if !has_query {
        return assets::graphiql(req).await;
    }
    let _turn = match state.admit(&req) {
        Ok(t) => t,
        Err(refused) => return *refused,
    };
    let request = match cache::get_request(req.query_string()) {
        Ok(r) => r,
        Err(message) => {
            return error_body(
                actix_web::http::StatusCode::BAD_REQUEST,
                graphql::errors::BAD_USER_INPUT,
                &message,
            )
        }
    };
    run_graphql(
        &req,
        &state,
        async_graphql::BatchRequest::Single(request),
        Via::Get,
    )
    .await
}

/// Documents up to this long (all the requests of a batch together) are
/// parsed and measured on the worker thread that received them.
const INLINE_CHECK_BYTES: usize = 4096;

/// Runs a request: from the response cache when it holds a current
/// answer to it ([`cache`]); else within the request's limits
/// ([`graphql::limits`]) and under its deadline (queries only: a mutation
/// is never abandoned half-way, its statements are bounded by the
/// statement time limit).
async fn run_graphql(
    req: &HttpRequest,
    state: &AppState,
    batch: async_graphql::BatchRequest,
    via: Via,
) -> HttpResponse {
    let bearer = bearer(req);
    let text_len: usize = batch.iter().map(|r| r.query.len()).sum();
    // Read before anything runs: an answer is kept with the generation it
    // may reflect, and a write committed meanwhile makes it stale.
    let generation = state.feed.generation();
    let key = match &batch {
        async_graphql::BatchRequest::Single(r) if bearer.0.is_none() && state.cache.enabled() => {
            Some(cache::key(r))
        }
        _ => None,
    };
    if let Some(k) = &key {
        if let Some(hit) = state.cache.get(k, generation) {
            state.metrics.cache_hits.inc();
            state
                .metrics
                .graphql
                .with_label_values(&["query", "ok"])
                .inc();
            return send_answer(&hit, req, via, true);
        }
        state.metrics.cache_misses.inc();
    }
    let batch = graphql::prepare(batch, &state.store, bearer);
    let check = move || {
        let mut batch = batch;
        graphql::limits::check_batch(&mut batch).map(|kinds| (batch, kinds))
    };
    // Parsing and measuring a long document is CPU work: off the server's
    // worker threads, so that other requests (health checks) are not
    // queued behind it. A short one takes less than the hop would.
    let checked = if text_len <= INLINE_CHECK_BYTES {
        Ok(check())
    } else {
        actix_web::rt::task::spawn_blocking(check).await
    };
    let (batch, kinds) = match checked {
        Ok(Ok(x)) => x,
        Err(e) => {
            tracing::error!(error = %e, "request check failed");
            return error_body(
                actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                graphql::errors::INTERNAL,
                "internal error",
            );
        }
        Ok(Err(message)) => {
            let resp = graphql::refused(&message);
            count_graphql(&state.metrics, &resp, &["refused"]);
            return respond(resp, req);
        }
    };
    if via == Via::Get
        && kinds
            .iter()
            .any(|k| *k == "mutation" || *k == "subscription")
    {
        let mut resp = error_body(
            actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
            graphql::errors::BAD_USER_INPUT,
            "GET runs queries only: send mutations with POST, subscriptions over WebSocket",
        );
        resp.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return resp;
    }
    let is_batch = matches!(batch, async_graphql::BatchRequest::Batch(_));
    let schema = state.schema.clone();
    let writes = kinds.contains(&"mutation");
    // Told in the task, so that it is told even when the client goes away.
    let after_writes = TellAfter(writes.then(|| state.after_writes.clone()));
    let task = state.executor.spawn(async move {
        let _tell = after_writes;
        graphql::execute_checked(&schema, batch).await
    });
    let resp = if writes {
        // Never abandoned half-way, even when the client goes away: its
        // statements are bounded by the statement time limit.
        task.await
    } else {
        // Past the deadline (or when the client goes away) the request's
        // task is aborted: its statements are abandoned, and cancelled by
        // the statement time limit, which is never longer than the
        // deadline.
        let task = AbortOnDropHandle::new(task);
        match tokio::time::timeout(state.request_timeout, task).await {
            Ok(joined) => joined,
            Err(_) => {
                let message = format!(
                    "the request ran past its {} ms limit and was cancelled",
                    state.request_timeout.as_millis()
                );
                let one = || {
                    let e = async_graphql::ServerError::new(message.clone(), None);
                    let mut r = async_graphql::Response::from_errors(vec![e]);
                    r.errors[0].extensions = Some({
                        let mut x = async_graphql::ErrorExtensionValues::default();
                        x.set("code", graphql::errors::TIMEOUT);
                        x
                    });
                    r
                };
                Ok(if is_batch {
                    async_graphql::BatchResponse::Batch(kinds.iter().map(|_| one()).collect())
                } else {
                    async_graphql::BatchResponse::Single(one())
                })
            }
        }
    };
    let resp = match resp {
        Ok(resp) => resp,
        Err(e) => {
            tracing::error!(error = %e, "GraphQL task failed");
            return error_body(
                actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                graphql::errors::INTERNAL,
                "internal error",
            );
        }
    };
    count_graphql(&state.metrics, &resp, &kinds);
    if resp_has_code(&resp, graphql::errors::UNAVAILABLE) {
        state.store.mark_unavailable();
    }
    let answered = kinds == ["query"] && responses(&resp).iter().all(|r| r.errors.is_empty());
    if answered && (key.is_some() || via == Via::Get) {
        match serde_json::to_vec(&resp) {
            Ok(body) => {
                let answer = cache::Answer::new(generation, body.into());
                let sent = send_answer(&answer, req, via, false);
                if let Some(k) = key {
                    state.cache.put(k, answer);
                }
                return sent;
            }
            Err(e) => tracing::error!(error = %e, "answer not serialized"),
        }
    }
    respond(resp, req)
}

/// The threads GraphQL requests run on: a runtime of their own, so that
/// CPU spent resolving (large histograms, many fields) never queues the
/// server's own threads, which keep answering health checks and
/// metrics at once.
struct Executor(Option<tokio::runtime::Runtime>);

impl Executor {
    fn new() -> std::io::Result<Executor> {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("tarikh-graphql")
            .enable_all()
            .build()?;
        Ok(Executor(Some(rt)))
    }

    fn spawn<F>(&self, f: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match &self.0 {
            Some(rt) => rt.spawn(f),
            None => tokio::spawn(f),
        }
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        // Dropping a runtime from async code would block: let it go.
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

fn respond(resp: async_graphql::BatchResponse, req: &HttpRequest) -> HttpResponse {
    let resp: GraphQLResponse = resp.into();
    actix_web::Responder::respond_to(resp, req).map_into_boxed_body()
}

fn responses(resp: &async_graphql::BatchResponse) -> &[async_graphql::Response] {
    match resp {
        async_graphql::BatchResponse::Single(r) => std::slice::from_ref(r),
        async_graphql::BatchResponse::Batch(rs) => rs.as_slice(),
    }
}

/// The code of an error (every error has one: `graphql::with_codes`).
fn code_of(e: &async_graphql::ServerError) -> &str {
    match e.extensions.as_ref().and_then(|x| x.get("code")) {
        Some(async_graphql::Value::String(c)) => c.as_str(),
        _ => graphql::errors::INTERNAL,
    }
}

fn resp_has_code(resp: &async_graphql::BatchResponse, code: &str) -> bool {
    responses(resp)
        .iter()
        .flat_map(|r| &r.errors)
        .any(|e| code_of(e) == code)
}

/// Counts each response by its operation kind and outcome (`ok`, or its
/// first error's code: a fixed set of values).
fn count_graphql(metrics: &Metrics, resp: &async_graphql::BatchResponse, kinds: &[&str]) {
    for (i, r) in responses(resp).iter().enumerate() {
        let kind = kinds.get(i).or(kinds.first()).copied().unwrap_or("unknown");
        let outcome = r.errors.first().map_or("ok", code_of);
        let outcome = match outcome {
            graphql::errors::BAD_USER_INPUT
            | graphql::errors::FORBIDDEN
            | graphql::errors::NOT_FOUND
            | graphql::errors::TIMEOUT
            | graphql::errors::UNAVAILABLE
            | graphql::errors::RATE_LIMITED
            | "ok" => outcome,
            _ => graphql::errors::INTERNAL,
        };
        if outcome == graphql::errors::TIMEOUT {
            metrics.timeouts.inc();
        }
        metrics.graphql.with_label_values(&[kind, outcome]).inc();
    }
}

/// 503 with `UNAVAILABLE`: the database did not answer its last probe.
fn unavailable() -> HttpResponse {
    let mut resp = error_body(
        actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
        graphql::errors::UNAVAILABLE,
        "the database is unavailable",
    );
    resp.headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    resp
}

/// Probes the database every second while it answers and every 200 ms
/// while it does not, so that requests fail at once while it is down and
/// flow again as soon as it is back.
async fn watch_database(store: Store, guard: Arc<Guard>, metrics: Arc<Metrics>) {
    loop {
        guard.forget_idle();
        let up = store.ping().await;
        metrics.database_up.set(i64::from(up));
        let pause = if up { 1000 } else { 200 };
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
}

/// 200 when the database answered its last probe, else 503. The watcher
/// probes every second (every 200 ms while the database is down), so
/// this answers at once whatever the load, and is at most a second and
/// a half behind; without a probe that recent it probes itself.
async fn health(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.store.backend_name();
    let up = match state.store.probed_within(Duration::from_millis(1500)) {
        Some(up) => up,
        None => state.store.ping().await,
    };
    if up {
        HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": backend}))
    } else {
        HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "unavailable", "database": backend}))
    }
}

/// The typed query of an export endpoint, read from the query string
/// (repeatable parameters as lists), or what is wrong with it.
fn export_query<Q: serde::de::DeserializeOwned>(
    req: &HttpRequest,
) -> Result<Q, export::ExportError> {
    serde_html_form::from_str(req.query_string())
        .map_err(|e| export::ExportError::BadQuery(format!("bad export query: {e}")))
}

/// A refused export query as a 400 response.
fn bad_export(e: export::ExportError) -> HttpResponse {
    error_body(
        actix_web::http::StatusCode::BAD_REQUEST,
        graphql::errors::BAD_USER_INPUT,
        &e.to_string(),
    )
}

async fn export_ndjson(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    export_events(req, state, export::Format::Ndjson).await
}

async fn export_csv(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    export_events(req, state, export::Format::Csv).await
}

async fn export_geojson(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    export_events(req, state, export::Format::Geojson).await
}

/// The header carrying an export's sync token ([`export::sync_token_for`]):
/// pass it back as `changedSince` for what changed after it.
pub const SYNC_TOKEN_HEADER: &str = "X-Tarikh-Sync-Token";

/// A streaming response with the sync token taken before `body` starts
/// its read (none when `resumed`).
/// Refused with 429 when the client is over its rate or already streams
/// as many exports as it may; the client's turn is held until the body
/// ends or the client goes away.
async fn streamed<S>(
    req: &HttpRequest,
    state: &AppState,
    content_type: &str,
    resumed: bool,
    body: impl FnOnce() -> S,
) -> HttpResponse
where
    S: futures::Stream<Item = Result<web::Bytes, std::io::Error>> + 'static,
{
    if let Some(refused) = state.over_rate(req) {
        return refused;
    }
    if !state.store.available() {
        return unavailable();
    }
    let Some(turn) = state.guard.export_turn(&state.client(req)) else {
        return too_many(
            Duration::from_secs(1),
            "this client streams as many exports at once as it may: finish one first",
        );
    };
    match export::sync_token_for(&state.store, resumed).await {
        Ok(token) => {
            let mut resp = HttpResponse::Ok();
            resp.content_type(content_type);
            if let Some(t) = token {
                resp.insert_header((SYNC_TOKEN_HEADER, t.to_string()));
            }
            state.metrics.exports.inc();
            resp.streaming(body().inspect(move |_| {
                let _held = &turn;
            }))
        }
        Err(e) => {
            tracing::error!(error = %e, "sync token");
            error_body(
                actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                graphql::errors::INTERNAL,
                "the database is unavailable",
            )
        }
    }
}

/// Streams every matching event: pages are fetched as the client reads,
/// so memory stays flat whatever the size. A database failure mid-stream
/// ends the body early (the client sees a truncated download; resume with
/// `after`). The sync token is taken before the stream starts reading.
async fn export_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    format: export::Format,
) -> HttpResponse {
    let checked = export_query::<export::ExportQuery>(&req).and_then(|q| q.check());
    let (filter, cursor) = match checked {
        Ok(x) => x,
        Err(e) => return bad_export(e),
    };
    let store = state.store.clone();
    let resumed = cursor.is_some();
    let body = move || export::encoded(store, filter, cursor, format).map(chunk_bytes);
    streamed(&req, &state, format.content_type(), resumed, body).await
}

/// One chunk of an export as body bytes; a database failure is logged and
/// ends the body early (the client sees a truncated download).
fn chunk_bytes<E: std::fmt::Display>(
    chunk: Result<(String, usize), E>,
) -> Result<web::Bytes, std::io::Error> {
    match chunk {
        Ok((text, _)) => Ok(web::Bytes::from(text)),
        Err(e) => {
            tracing::error!(error = %e, "export failed");
            Err(std::io::Error::other("export failed"))
        }
    }
}

async fn export_tombstones(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let checked = export_query::<export::TombstoneQuery>(&req).and_then(|q| q.check());
    let params = match checked {
        Ok(x) => x,
        Err(e) => return bad_export(e),
    };
    let store = state.store.clone();
    let body = move || export::tombstone_pages(store, params).map(chunk_bytes);
    let ndjson = export::Format::Ndjson.content_type();
    streamed(&req, &state, ndjson, params.after.is_some(), body).await
}

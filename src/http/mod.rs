//! HTTP: the only home of actix. Routes, body limits, CORS, the bearer
//! token hand-off to GraphQL, health, graceful shutdown.

use std::net::TcpListener;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use async_graphql::http::GraphiQLSource;
use async_graphql_actix_web::GraphQLResponse;
use futures::StreamExt;

use crate::export;
use crate::graphql::{self, Bearer, TarikhSchema, WriteTokens};
use crate::storage::Store;

/// Largest request body accepted on POST /graphql.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// What the server needs besides the store.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Write tokens (TARIKH_WRITE_TOKENS).
    pub tokens: WriteTokens,
    /// Allowed CORS origins (TARIKH_CORS_ORIGINS); `*` allows any; empty allows none.
    pub cors_origins: Vec<String>,
    /// Longest a GraphQL request may run (TARIKH_REQUEST_TIMEOUT); past it
    /// the request is abandoned and answered `TIMEOUT`.
    pub request_timeout: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            tokens: WriteTokens::default(),
            cors_origins: vec![],
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// The default of [`HttpConfig::request_timeout`].
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

struct AppState {
    schema: TarikhSchema,
    store: Store,
    request_timeout: Duration,
}

/// Runs `f` to completion on an actix system (the server's runtime).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    actix_web::rt::System::new().block_on(f)
}

/// Starts serving on `listener`; the returned server runs until it is
/// stopped or the process gets SIGINT/SIGTERM (then it drains in-flight
/// requests for up to 10 s).
pub async fn serve(
    listener: TcpListener,
    store: Store,
    config: HttpConfig,
) -> std::io::Result<Server> {
    // Writes from now on are the export documents' keeper's (see
    // `export::DocKeeper`); earlier ones are `tarikh refresh-docs`'s.
    let from = store.sync_token().await.map_err(std::io::Error::other)?;
    let schema = graphql::build_schema(store.clone(), config.tokens.clone(), from);
    tokio::spawn(watch_database(store.clone()));
    let state = web::Data::new(AppState {
        schema,
        store,
        request_timeout: config.request_timeout,
    });
    let origins = config.cors_origins.clone();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(cors(&origins))
            .wrap(actix_web::middleware::Logger::new("%r %s %Dms"))
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .route("/graphql", web::post().to(graphql_post))
            .route("/graphql", web::get().to(graphiql))
            .route("/health", web::get().to(health))
            .route("/export/events.ndjson", web::get().to(export_ndjson))
            .route("/export/events.csv", web::get().to(export_csv))
            .route(
                "/export/tombstones.ndjson",
                web::get().to(export_tombstones),
            )
    })
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok(server)
}

fn cors(origins: &[String]) -> Cors {
    let base = Cors::default()
        .allowed_methods(vec!["GET", "POST"])
        .allowed_headers(vec![
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
        ])
        .expose_headers(vec![SYNC_TOKEN_HEADER])
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

async fn graphql_post(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> HttpResponse {
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
    if !state.store.available() {
        return unavailable();
    }
    let batch = graphql::prepare(batch, &state.store, bearer(&req));
    // Past the deadline the request's future is dropped: its statements
    // are abandoned (and cancelled by the database's own time limit).
    let run = graphql::execute(&state.schema, batch);
    let resp = match tokio::time::timeout(state.request_timeout, run).await {
        Ok(resp) => resp,
        Err(_) => {
            return error_body(
                actix_web::http::StatusCode::OK,
                graphql::errors::TIMEOUT,
                &format!(
                    "the request ran past its {} ms limit and was cancelled",
                    state.request_timeout.as_millis()
                ),
            )
        }
    };
    if resp_has_code(&resp, graphql::errors::UNAVAILABLE) {
        state.store.mark_unavailable();
    }
    let resp: GraphQLResponse = resp.into();
    actix_web::Responder::respond_to(resp, &req).map_into_boxed_body()
}

fn resp_has_code(resp: &async_graphql::BatchResponse, code: &str) -> bool {
    let responses = match resp {
        async_graphql::BatchResponse::Single(r) => std::slice::from_ref(r),
        async_graphql::BatchResponse::Batch(rs) => rs.as_slice(),
    };
    responses.iter().flat_map(|r| &r.errors).any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| *c == async_graphql::Value::from(code))
    })
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
async fn watch_database(store: Store) {
    loop {
        let up = store.ping().await;
        let pause = if up { 1000 } else { 200 };
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
}

async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("Tarikh")
                .finish(),
        )
}

/// 200 when the database answers within a second, else 503 (at once
/// while the last probe failed: the watcher probes again every 200 ms).
async fn health(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.store.backend_name();
    if state.store.available() && state.store.ping().await {
        HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": backend}))
    } else {
        HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "unavailable", "database": backend}))
    }
}

fn query_pairs(req: &HttpRequest) -> Vec<(String, String)> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn export_ndjson(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    export_events(req, state, export::Format::Ndjson).await
}

async fn export_csv(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    export_events(req, state, export::Format::Csv).await
}

/// The header carrying an export's sync token ([`export::sync_token_for`]):
/// pass it back as `changedSince` for what changed after it.
pub const SYNC_TOKEN_HEADER: &str = "X-Tarikh-Sync-Token";

/// A streaming response with the sync token taken before `body` starts
/// its read (none when `resumed`).
async fn streamed<S>(
    state: &AppState,
    content_type: &str,
    resumed: bool,
    body: impl FnOnce() -> S,
) -> HttpResponse
where
    S: futures::Stream<Item = Result<web::Bytes, std::io::Error>> + 'static,
{
    match export::sync_token_for(&state.store, resumed).await {
        Ok(token) => {
            let mut resp = HttpResponse::Ok();
            resp.content_type(content_type);
            if let Some(t) = token {
                resp.insert_header((SYNC_TOKEN_HEADER, t.to_string()));
            }
            resp.streaming(body())
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
    let (filter, cursor) = match export::filter_from_pairs(&query_pairs(&req)) {
        Ok(x) => x,
        Err(e) => {
            return error_body(
                actix_web::http::StatusCode::BAD_REQUEST,
                graphql::errors::BAD_USER_INPUT,
                &e,
            )
        }
    };
    let store = state.store.clone();
    let resumed = cursor.is_some();
    let body = move || export::encoded(store, filter, cursor, format).map(chunk_bytes);
    streamed(&state, format.content_type(), resumed, body).await
}

/// One chunk of an export as body bytes; a database failure is logged and
/// ends the body early (the client sees a truncated download).
fn chunk_bytes(
    chunk: Result<(String, usize), crate::storage::StoreError>,
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
    let params = match export::tombstone_params(&query_pairs(&req)) {
        Ok(p) => p,
        Err(e) => {
            return error_body(
                actix_web::http::StatusCode::BAD_REQUEST,
                graphql::errors::BAD_USER_INPUT,
                &e,
            )
        }
    };
    let store = state.store.clone();
    let body = move || export::tombstone_pages(store, params).map(chunk_bytes);
    let ndjson = export::Format::Ndjson.content_type();
    streamed(&state, ndjson, params.after.is_some(), body).await
}

//! The browser files the server embeds (`assets/`): the timeline app at
//! `/` and `/app/…`, GraphiQL at `GET /graphql` and `/graphiql/…`, and the
//! vendored release files both use at `/vendor/…`. Nothing is read from
//! disk and no page asks another origin for anything (the
//! Content-Security-Policy says so to the browser).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

#[derive(rust_embed::Embed)]
#[folder = "assets/"]
#[exclude = "vendor/SHA256SUMS"]
#[exclude = "*/README.md"]
struct Assets;

/// What the pages may load: only this server's own files and API.
const CSP: &str = "default-src 'self'; connect-src 'self'; img-src 'self' data:; \
     style-src 'self' 'unsafe-inline'; font-src 'self' data:; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// How long a browser may keep a file without asking again.
#[derive(Clone, Copy)]
enum Caching {
    /// Versioned paths (`/vendor/graphiql-3.8.3/…`): a year.
    Immutable,
    /// Our own files: ask each time, answered 304 while the ETag holds.
    Revalidate,
}

/// Answers with the embedded file at `path`, or 404.
fn serve(req: &HttpRequest, path: &str, caching: Caching) -> HttpResponse {
    let Some(file) = Assets::get(path) else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found");
    };
    let hash = file.metadata.sha256_hash();
    let etag = super::cache::quoted_hex(&hash[..16]);
    let cache = match caching {
        Caching::Immutable => "public, max-age=31536000, immutable",
        Caching::Revalidate => "no-cache",
    };
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut resp = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    resp.insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"));
    if fresh {
        return resp.finish();
    }
    let mime = file.metadata.mimetype();
    let mime = if mime.starts_with("text/") || mime.ends_with("javascript") {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    resp.content_type(mime).body(file.data.into_owned())
}

/// `GET /`: the timeline app.
pub(super) async fn app(req: HttpRequest) -> HttpResponse {
    serve(&req, "app/index.html", Caching::Revalidate)
}

/// `GET /graphql` without a WebSocket upgrade: GraphiQL.
pub(super) async fn graphiql(req: HttpRequest) -> HttpResponse {
    serve(&req, "graphiql/index.html", Caching::Revalidate)
}

/// `GET /app/…` and `GET /graphiql/…`: our own files.
pub(super) async fn own(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let folder = if req.path().starts_with("/app/") {
        "app"
    } else {
        "graphiql"
    };
    serve(&req, &format!("{folder}/{path}"), Caching::Revalidate)
}

/// `GET /vendor/…`: pinned release files.
pub(super) async fn vendor(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    serve(&req, &format!("vendor/{path}"), Caching::Immutable)
}

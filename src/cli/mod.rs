//! The command line: `tarikh serve | migrate | schema | extract | ingest |
//! reextract | export | refresh-docs | health`. Argument parsing (clap),
//! wiring and exit codes; the work is done by the layers below.

pub mod extract;

use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

use crate::graphql::WriteTokens;
use crate::http::{self, HttpConfig};
use crate::storage::{Store, StoreLimits, DEFAULT_DATABASE_URL};

/// Runs the command line: logs to standard error (`RUST_LOG` filters),
/// parses the arguments, and turns an error into a message and exit 1.
pub fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Tarikh: a timeline and chronology database for Arabic and English news.
#[derive(Parser, Debug)]
#[command(name = "tarikh", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the GraphQL API (migrates the database first).
    Serve(ServeArgs),
    /// Apply pending database migrations.
    Migrate(DbArgs),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Extract dated events from text (one JSON object, or JSON lines with --jsonl).
    Extract(extract::ExtractArgs),
    /// Ingest articles (.json, .jsonl, .txt/.md files or directories) into the store.
    Ingest(IngestArgs),
    /// Rerun the extractor over stored articles, keeping confirmed and rejected decisions.
    Reextract(ReextractArgs),
    /// Stream events (or tombstones) out in a standard format.
    Export(ExportArgs),
    /// Make the stored export documents that are missing or out of date
    /// (after an upgrade that changed the export format, or changes made
    /// through the API). Exports work without it, only slower.
    RefreshDocs(DbArgs),
    /// Ask a running server's /health (exit 0 when it answers 200): for
    /// container health checks, which have no curl.
    Health(HealthArgs),
}

/// `tarikh health`.
#[derive(Args, Debug, Clone)]
pub struct HealthArgs {
    /// The server's address.
    #[arg(long, env = "TARIKH_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
}

/// `tarikh ingest`.
#[derive(Args, Debug, Clone)]
pub struct IngestArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Publication date (YYYY-MM-DD) for .txt/.md files.
    #[arg(long)]
    pub published: Option<String>,
    /// Language (ar, en, auto) for .txt/.md files.
    #[arg(long)]
    pub lang: Option<String>,
    /// Write one article at a time, in input order: the same input then
    /// gives the same store on PostgreSQL too (ids, merges), at the cost
    /// of its concurrent writers. (SQLite always writes so.)
    #[arg(long)]
    pub deterministic: bool,
    /// Files or directories.
    #[arg(required = true)]
    pub paths: Vec<std::path::PathBuf>,
}

/// `tarikh reextract`.
#[derive(Args, Debug, Clone)]
pub struct ReextractArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Every stored article.
    #[arg(long, conflicts_with = "article", required_unless_present = "article")]
    pub all: bool,
    /// One article by id.
    #[arg(long)]
    pub article: Option<i64>,
}

/// The export formats as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// One JSON object a line: the full event.
    Ndjson,
    /// RFC 4180 CSV with a header.
    Csv,
    /// The JSON that TimelineJS 3 loads.
    Timelinejs,
    /// CSV of id, EDTF date, title, kind, actors.
    EdtfCsv,
    /// GeoJSON: one point feature per event and place.
    Geojson,
}

impl From<FormatArg> for crate::export::Format {
    fn from(f: FormatArg) -> Self {
        use crate::export::Format;
        match f {
            FormatArg::Ndjson => Format::Ndjson,
            FormatArg::Csv => Format::Csv,
            FormatArg::Timelinejs => Format::Timelinejs,
            FormatArg::EdtfCsv => Format::EdtfCsv,
            FormatArg::Geojson => Format::Geojson,
        }
    }
}

/// `tarikh export`.
#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "ndjson")]
    pub format: FormatArg,
    /// Write here instead of standard output (`-`): atomically, through a
    /// new temporary file in the same folder renamed over it at the end.
    /// An existing target must be a regular file (not a link, FIFO or device).
    #[arg(long, short)]
    pub output: Option<std::path::PathBuf>,
    /// First day (YYYY-MM-DD) of the window.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD) of the window.
    #[arg(long)]
    pub to: Option<String>,
    /// Actor name, alias or id (repeatable; any of them).
    #[arg(long)]
    pub actor: Vec<String>,
    /// Only events in which the actors play this role (agent, target, mentioned).
    #[arg(long)]
    pub actor_role: Option<String>,
    /// Event kind (repeatable).
    #[arg(long)]
    pub kind: Vec<String>,
    /// Status (repeatable; default: all but rejected).
    #[arg(long)]
    pub status: Vec<String>,
    /// Place id, name or alias (repeatable; any of them, and everything
    /// inside them: Syria takes in Deir ez-Zor).
    #[arg(long)]
    pub place: Vec<String>,
    /// Only events with a place in this box: south,west,north,east (degrees).
    #[arg(long, allow_hyphen_values = true)]
    pub bbox: Option<String>,
    /// Only events with a place in this circle: lat,lon,radiusKm.
    #[arg(long, allow_hyphen_values = true)]
    pub near: Option<String>,
    /// Only events changed after this time (RFC 3339).
    #[arg(long)]
    pub updated_since: Option<String>,
    /// Only events (or tombstones) written after this sync token was
    /// taken: the token a previous export printed. Unlike a time, it
    /// misses no write that committed late.
    #[arg(long)]
    pub changed_since: Option<String>,
    /// Resume after this cursor (the `cursor` of the last row seen; with
    /// `--tombstones`, the `id` of the last tombstone seen).
    #[arg(long)]
    pub after: Option<String>,
    /// Export the tombstone feed (deleted and merged events) as NDJSON instead.
    #[arg(long)]
    pub tombstones: bool,
}

/// Where the database is.
#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// Database URL (postgres://… or sqlite://…); default: tarikh.db in the working directory.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// `tarikh serve`.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "TARIKH_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Load the demo timeline when the database has no events.
    #[arg(long)]
    pub demo: bool,
    /// Comma-separated write tokens (`name:token` or `token`); none disables writes.
    #[arg(
        long,
        env = "TARIKH_WRITE_TOKENS",
        default_value = "",
        hide_env_values = true
    )]
    pub write_tokens: String,
    /// Comma-separated allowed CORS origins, or `*`.
    #[arg(long, env = "TARIKH_CORS_ORIGINS", default_value = "")]
    pub cors_origins: String,
    /// Longest a GraphQL request may run, in milliseconds.
    #[arg(long, env = "TARIKH_REQUEST_TIMEOUT_MS", default_value_t = 5000,
          value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub request_timeout_ms: u64,
    /// Longest one database statement of the API may run, in milliseconds
    /// (streaming exports are not limited).
    #[arg(long, env = "TARIKH_STATEMENT_TIMEOUT_MS", default_value_t = 5000,
          value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub statement_timeout_ms: u64,
    /// Requests per second one client (address, or write token) may send
    /// on average; 0 turns the limit off.
    #[arg(long, env = "TARIKH_RATE_LIMIT", default_value_t = 50)]
    pub rate_limit: u32,
    /// Requests one client may send at once before the rate applies.
    #[arg(long, env = "TARIKH_RATE_BURST", default_value_t = 100)]
    pub rate_burst: u32,
    /// Requests one client may have in flight at once.
    #[arg(long, env = "TARIKH_REQUESTS_PER_CLIENT", default_value_t = 8,
          value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub requests_per_client: u64,
    /// Exports one client may stream at once.
    #[arg(long, env = "TARIKH_EXPORTS_PER_CLIENT", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..=64))]
    pub exports_per_client: u64,
    /// WebSocket connections (subscriptions) the server holds at once.
    #[arg(long, env = "TARIKH_WS_CONNECTIONS", default_value_t = 4096,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub ws_connections: u64,
    /// WebSocket connections one client (address, or write token) may hold.
    #[arg(long, env = "TARIKH_WS_CONNECTIONS_PER_CLIENT", default_value_t = 64,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub ws_connections_per_client: u64,
    /// Subscriptions one WebSocket connection may run at once.
    #[arg(long, env = "TARIKH_WS_SUBSCRIPTIONS", default_value_t = 32,
          value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub ws_subscriptions: u64,
    /// Seconds a WebSocket connection without subscriptions may stay silent.
    #[arg(long, env = "TARIKH_WS_IDLE_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub ws_idle_secs: u64,
    /// Changes buffered for subscribers; one that falls further behind is
    /// ended with SUBSCRIPTION_BEHIND.
    #[arg(long, env = "TARIKH_SUBSCRIPTION_BUFFER", default_value_t = 1024,
          value_parser = clap::value_parser!(u64).range(16..=1_000_000))]
    pub subscription_buffer: u64,
    /// Memory for answers to repeated anonymous queries, in MiB, kept
    /// while nothing is written; 0 turns the cache off.
    #[arg(long, env = "TARIKH_RESPONSE_CACHE_MB", default_value_t = 32,
          value_parser = clap::value_parser!(u64).range(0..=65_536))]
    pub response_cache_mb: u64,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract(args) => extract::run(&args),
        Command::Ingest(args) => runtime()?.block_on(ingest(args)),
        Command::Reextract(args) => runtime()?.block_on(reextract(args)),
        Command::Export(args) => runtime()?.block_on(export(args)),
        Command::RefreshDocs(db) => runtime()?.block_on(refresh_docs(db)),
        Command::Health(args) => health(&args),
        Command::Schema => {
            print!("{}", crate::graphql::sdl());
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate(db) => runtime()?.block_on(async {
            let store = open(&db.database_url).await?;
            store.close().await;
            eprintln!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }),
        Command::Serve(args) => {
            http::block_on(serve(args))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

async fn open(url: &str) -> anyhow::Result<Store> {
    Store::open(url)
        .await
        .with_context(|| format!("cannot open the database at {}", redact(url)))
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let url = &args.db.database_url;
    // A statement never outlives the request that ran it.
    let statement_ms = args.statement_timeout_ms.min(args.request_timeout_ms);
    let limits = StoreLimits {
        statement_timeout: Some(Duration::from_millis(statement_ms)),
        ..StoreLimits::server()
    };
    let store = async { Store::connect_with(url, limits).await?.migrated().await }
        .await
        .with_context(|| format!("cannot open the database at {}", redact(url)))?;
    if args.demo {
        let n = crate::demo::load_if_empty(&store).await?;
        if n > 0 {
            tracing::info!(events = n, "loaded the demo timeline");
        }
    }
    let listener =
        TcpListener::bind(&args.bind).with_context(|| format!("cannot listen on {}", args.bind))?;
    let tokens = WriteTokens::parse(&args.write_tokens);
    if tokens.is_empty() {
        tracing::info!("no TARIKH_WRITE_TOKENS: the API is read-only");
    }
    let config = HttpConfig {
        tokens,
        cors_origins: args
            .cors_origins
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        request_timeout: Duration::from_millis(args.request_timeout_ms),
        rate_limit: std::num::NonZeroU32::new(args.rate_limit.saturating_mul(60)).map(
            |per_minute| http::RateLimit {
                per_minute,
                burst: std::num::NonZeroU32::new(args.rate_burst)
                    .unwrap_or(std::num::NonZeroU32::MIN),
            },
        ),
        requests_per_client: args.requests_per_client as usize,
        exports_per_client: args.exports_per_client as usize,
        ws: http::WsLimits {
            connections: args.ws_connections as usize,
            per_client: args.ws_connections_per_client as usize,
            subscriptions: args.ws_subscriptions as usize,
            idle: Duration::from_secs(args.ws_idle_secs),
            ..Default::default()
        },
        feed: crate::live::FeedConfig {
            capacity: args.subscription_buffer as usize,
            ..Default::default()
        },
        response_cache_bytes: (args.response_cache_mb as usize) << 20,
    };
    let addr = listener.local_addr()?;
    tracing::info!(%addr, database = store.backend_name(), "serving GraphQL at http://{addr}/graphql");
    eprintln!(
        "Tarikh is serving the timeline at http://{addr}/ and GraphiQL at http://{addr}/graphql (Ctrl-C to stop)"
    );
    http::run_until_signal(http::serve(listener, store, config).await?).await?;
    Ok(())
}

/// A spinner with a message on a terminal, hidden otherwise.
fn spinner() -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    }
}

async fn ingest(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let store = open(&args.db.database_url).await?;
    let opts = crate::ingest::SourceOptions {
        published: args.published.clone(),
        lang: args.lang.clone(),
    };
    let items = crate::ingest::read_sources(&args.paths, &opts);
    let bar = spinner();
    let writers = if args.deterministic {
        1
    } else {
        store.write_concurrency()
    };
    let summary = crate::ingest::ingest_all(
        &store,
        items,
        writers,
        |s| {
            bar.set_message(format!(
                "{} read, {} ingested, {} skipped, {} failed",
                s.read, s.ingested, s.skipped, s.failed
            ));
            bar.tick();
        },
        |f| bar.suspend(|| eprintln!("{}: {}", f.location, f.error)),
    )
    .await;
    bar.finish_and_clear();
    eprintln!("{summary}");
    store.close().await;
    Ok(if summary.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn reextract(args: ReextractArgs) -> anyhow::Result<ExitCode> {
    let store = open(&args.db.database_url).await?;
    let summary =
        crate::ingest::reextract_all(&store, args.article.map(crate::domain::ArticleId), |f| {
            eprintln!("{}: {}", f.location, f.error)
        })
        .await?;
    eprintln!("{summary}");
    store.close().await;
    Ok(if summary.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn refresh_docs(db: DbArgs) -> anyhow::Result<ExitCode> {
    let store = open(&db.database_url).await?;
    let start = std::time::Instant::now();
    let bar = spinner();
    let made = crate::export::refresh_stale_docs(&store, None, |n| {
        bar.set_message(format!("{n} export documents made"));
        bar.tick();
    })
    .await?;
    bar.finish_and_clear();
    eprintln!(
        "export documents made {made}; {:.1} s",
        start.elapsed().as_secs_f64()
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// What `tarikh export` streams.
enum Feed {
    Events(
        Box<crate::domain::EventFilter>,
        Option<crate::storage::Cursor>,
    ),
    Tombstones(crate::export::TombstoneSpan),
}

async fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    use futures::StreamExt;
    use std::io::Write;
    let feed = if args.tombstones {
        // The tombstone feed has its own cursor (a tombstone id) and no
        // event filters: say so rather than ignore them.
        let event_only = args.from.is_some()
            || args.to.is_some()
            || !args.actor.is_empty()
            || args.actor_role.is_some()
            || !args.kind.is_empty()
            || !args.status.is_empty();
        if event_only {
            anyhow::bail!(
                "--tombstones takes only --updated-since, --changed-since and --after (a tombstone id)"
            );
        }
        let query = crate::export::TombstoneQuery {
            since: args.updated_since.clone(),
            changed_since: args.changed_since.clone(),
            after: args.after.clone(),
        };
        let span = query
            .check()
            .map_err(|e| anyhow::anyhow!("--tombstones: {e}"))?;
        Feed::Tombstones(span)
    } else {
        let query = crate::export::ExportQuery {
            from: args.from.clone(),
            to: args.to.clone(),
            actor: args.actor.clone(),
            actor_role: args.actor_role.clone(),
            kind: args.kind.clone(),
            status: args.status.clone(),
            place: args.place.clone(),
            bbox: args.bbox.clone(),
            near: args.near.clone(),
            updated_since: args.updated_since.clone(),
            changed_since: args.changed_since.clone(),
            after: args.after.clone(),
        };
        let (filter, cursor) = query.check()?;
        Feed::Events(Box::new(filter), cursor)
    };
    let store = open(&args.db.database_url).await?;
    let target = args
        .output
        .as_deref()
        .filter(|p| *p != std::path::Path::new("-"));
    let tmp = target.map(output_file).transpose()?;
    let mut out: Box<dyn Write> = match &tmp {
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        Some(t) => Box::new(std::io::BufWriter::new(t.as_file().try_clone()?)),
    };
    let token = crate::export::sync_token_for(&store, args.after.is_some()).await?;
    let chunks = match feed {
        Feed::Tombstones(params) => crate::export::tombstone_pages(store.clone(), params).boxed(),
        Feed::Events(filter, cursor) => {
            crate::export::encoded(store.clone(), *filter, cursor, args.format.into()).boxed()
        }
    };
    futures::pin_mut!(chunks);
    let mut n = 0usize;
    while let Some(chunk) = chunks.next().await {
        let (text, rows) = chunk?;
        out.write_all(text.as_bytes())?;
        n += rows;
    }
    out.flush()?;
    drop(out);
    if let (Some(tmp), Some(path)) = (tmp, target) {
        tmp.as_file().sync_all()?;
        tmp.persist(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    match token {
        Some(t) => eprintln!("exported {n} rows; sync token {t} (next time: --changed-since {t})"),
        None => eprintln!("exported {n} rows (resumed: keep the sync token of the export resumed)"),
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// A new temporary file beside `path` (created exclusively, with an
/// unpredictable name; removed if the export fails) to be renamed over it.
/// An existing `path` that is not a regular file is refused: renaming over
/// a symlink, FIFO or device would replace it rather than write through it.
fn output_file(path: &std::path::Path) -> anyhow::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    // The file keeps the target's mode, or gets the usual 0644 (a
    // temporary file is made 0600).
    let mut mode = std::fs::Permissions::from_mode(0o644);
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => anyhow::bail!(
            "{} exists and is not a regular file (a link, FIFO, device or folder): \
             give another path, or `--output -` and redirect standard output",
            path.display()
        ),
        Ok(m) => mode = m.permissions(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.as_file().set_permissions(mode)?;
    Ok(tmp)
}

/// GET /health of the server at `args.bind` (a wildcard address is asked
/// on loopback), in two seconds at most.
fn health(args: &HealthArgs) -> anyhow::Result<ExitCode> {
    use std::io::{Read, Write as _};
    use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
    let mut addr: SocketAddr = args
        .bind
        .to_socket_addrs()
        .with_context(|| format!("bad address {}", args.bind))?
        .next()
        .with_context(|| format!("bad address {}", args.bind))?;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    let limit = Duration::from_secs(2);
    let mut s =
        TcpStream::connect_timeout(&addr, limit).with_context(|| format!("no server at {addr}"))?;
    s.set_read_timeout(Some(limit))?;
    s.set_write_timeout(Some(limit))?;
    write!(s, "GET /health HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
    let mut head = [0u8; 64];
    let n = s.read(&mut head)?;
    let status = String::from_utf8_lossy(&head[..n]);
    let ok = status.starts_with("HTTP/1.") && status.get(9..12) == Some("200");
    eprintln!("{}", status.lines().next().unwrap_or("no answer"));
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

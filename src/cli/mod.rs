//! The command line: `tarikh serve | migrate | schema | extract`.

pub mod extract;

use std::net::TcpListener;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

use crate::graphql::WriteTokens;
use crate::http::{self, HttpConfig};
use crate::storage::{Store, DEFAULT_DATABASE_URL};

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
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract(args) => extract::run(&args),
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
            actix_web::rt::System::new().block_on(serve(args))?;
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
    let store = open(&args.db.database_url).await?;
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
    };
    let addr = listener.local_addr()?;
    tracing::info!(%addr, database = store.backend_name(), "serving GraphQL at http://{addr}/graphql");
    eprintln!("Tarikh is serving GraphiQL at http://{addr}/graphql (Ctrl-C to stop)");
    http::serve(listener, store, config)?.await?;
    Ok(())
}

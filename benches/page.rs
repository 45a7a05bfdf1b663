//! The timeline page's first load, in Chromium (through chromedriver),
//! against the release binary on PostgreSQL: bytes transferred (the page,
//! its CSS and modules, and the API's answers), GraphQL requests before
//! the first render, and the time to first render (`performance.mark`
//! set by the app when its list and histogram are drawn), as the median
//! of several loads, for an empty store (the baseline) and a store filled
//! by `benches/fill_events.sql`, in the same run.
//!
//! ```sh
//! cargo build --release
//! EVENTS=1000000 LOADS=5 cargo bench --bench page
//! ```

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::ClientBuilder;
use serde_json::{json, Value};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port()
}

async fn until_up(url: &str) {
    for _ in 0..600 {
        if reqwest::get(url).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} did not answer");
}

async fn serve(url: &str) -> (Kill, String) {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let bin = std::env::var("TARIKH_BIN").unwrap_or_else(|_| format!("{target}/release/tarikh"));
    let port = free_port();
    let child = Command::new(&bin)
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            url,
        ])
        .env("TARIKH_RATE_LIMIT", "0")
        .env("RUST_LOG", "warn")
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {bin}: {e} (cargo build --release first)"));
    let addr = format!("http://127.0.0.1:{port}");
    until_up(&format!("{addr}/health")).await;
    (Kill(child), addr)
}

/// One load: (bytes transferred, GraphQL requests before the first
/// render, ms to first render).
async fn load(driver: &str, addr: &str) -> (f64, f64, f64) {
    let profile = std::env::temp_dir().join(format!("tarikh-page-{}", free_port()));
    let caps = json!({"goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--window-size=1280,900",
        format!("--user-data-dir={}", profile.display())]}});
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    let c = ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(driver)
        .await
        .expect("a browser session");
    c.goto(&format!("{addr}/")).await.unwrap();
    let mut out = Value::Null;
    for _ in 0..6000 {
        out = c
            .execute(
                "const m = performance.getEntriesByName('tarikh-ready')[0];
                 if (!m) return null;
                 const nav = performance.getEntriesByType('navigation')[0];
                 const res = performance.getEntriesByType('resource');
                 const bytes = nav.transferSize + res.reduce((s, e) => s + e.transferSize, 0);
                 const gql = res.filter(e => e.name.endsWith('/graphql') && e.startTime <= m.startTime).length;
                 return [bytes, gql, m.startTime];",
                vec![],
            )
            .await
            .unwrap();
        if !out.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = c.close().await;
    let _ = std::fs::remove_dir_all(profile);
    let v: Vec<f64> = serde_json::from_value(out).expect("the page rendered");
    (v[0], v[1], v[2])
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn measure(driver: &str, url: &str, loads: usize) -> (f64, f64, f64) {
    let (_server, addr) = serve(url).await;
    let mut runs = vec![];
    for _ in 0..loads {
        runs.push(load(driver, &addr).await);
    }
    (
        median(runs.iter().map(|r| r.0).collect()),
        median(runs.iter().map(|r| r.1).collect()),
        median(runs.iter().map(|r| r.2).collect()),
    )
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let events = env("EVENTS", 1_000_000);
    let loads = env("LOADS", 5);
    let admin = std::env::var("TARIKH_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let port = free_port();
    let _driver = Kill(
        Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (apt-get install chromium chromium-driver)"),
    );
    let driver = format!("http://127.0.0.1:{port}");
    until_up(&format!("{driver}/status")).await;
    let mut rows = vec![];
    for (label, n) in [("empty store (baseline)", 0), ("filled", events)] {
        let name = format!("tarikh_page_{}_{n}", std::process::id());
        let url = tarikh::storage::create_postgres_database(&admin, &name)
            .await
            .expect("create the database");
        tarikh::storage::Store::open(&url)
            .await
            .expect("migrate")
            .close()
            .await;
        if n > 0 {
            let ok = Command::new("psql")
                .args([
                    url.as_str(),
                    "-q",
                    "-v",
                    &format!("n={n}"),
                    "-f",
                    "benches/fill_events.sql",
                ])
                .status()
                .expect("psql")
                .success();
            assert!(ok, "fill_events.sql failed");
        }
        rows.push((label, n, measure(&driver, &url, loads).await));
        let _ = tarikh::storage::drop_postgres_database(&admin, &name).await;
    }
    let base = rows[0].2 .2;
    println!("median of {loads} loads each, Chromium headless, PostgreSQL");
    println!("| store | events | bytes transferred | GraphQL requests to first render | first render ms | time / baseline |");
    println!("|---|---|---|---|---|---|");
    for (label, n, (bytes, gql, ms)) in rows {
        println!(
            "| {label} | {n} | {bytes:.0} | {gql:.0} | {ms:.0} | {:.2} |",
            ms / base
        );
    }
}

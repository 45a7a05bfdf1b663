//! Subscription fan-out: N WebSocket subscribers while events are written
//! at a steady rate through the API, against the release binary on a
//! fresh database. Reports, for a baseline of one subscriber and then for
//! N in the same run: delivery latency p50/p99/max (from the write request
//! being sent to the change reaching a subscriber: an upper bound of
//! commit-to-client), lost and duplicated changes, and the server's RSS.
//!
//! ```sh
//! cargo build --release
//! ulimit -n 20000
//! SUBSCRIBERS=1000 RATE=100 SECONDS=10 BACKEND=postgres cargo bench --bench fanout
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const TOKEN: &str = "bench-token";

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Server {
    child: std::process::Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// CPU seconds the server has used (user and system).
    fn cpu(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the command name (which ends with ')'): utime and
        // stime are the 12th and 13th, in clock ticks of 1/100 s.
        let rest = stat.rsplit(')').next().unwrap_or("");
        let f: Vec<f64> = rest
            .split_whitespace()
            .map(|x| x.parse().unwrap_or(0.0))
            .collect();
        (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
    }

    /// Resident and peak memory of the server, in MiB.
    fn rss(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let kb = |key: &str| {
            status
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
                / 1024.0
        };
        (kb("VmRSS:"), kb("VmHWM:"))
    }
}

async fn start(url: &str) -> Server {
    let bin = std::env::var("TARIKH_BIN").unwrap_or_else(|_| {
        let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
        format!("{target}/release/tarikh")
    });
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let child = std::process::Command::new(&bin)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(["--database-url", url])
        .env("TARIKH_WRITE_TOKENS", format!("bench:{TOKEN}"))
        .env("TARIKH_RATE_LIMIT", "0")
        .env("TARIKH_REQUESTS_PER_CLIENT", "1024")
        .env("TARIKH_WS_CONNECTIONS", "100000")
        .env("TARIKH_WS_CONNECTIONS_PER_CLIENT", "100000")
        .env("RUST_LOG", "warn")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {bin}: {e} (cargo build --release first)"));
    let addr = format!("127.0.0.1:{port}");
    let server = Server { child, addr };
    let health = format!("http://{}/health", server.addr);
    for _ in 0..600 {
        if reqwest::get(&health)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not answer /health");
}

async fn subscribers(addr: &str) -> i64 {
    let text = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("tarikh_live_subscribers "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(0.0) as i64
}

/// What one phase measured.
struct Phase {
    subscribers: usize,
    events: usize,
    p50: f64,
    p99: f64,
    max: f64,
    lost: usize,
    duplicated: usize,
    rss: (f64, f64),
    /// Server CPU seconds per second of writing.
    cpu: f64,
    /// p50 and p99 of the write requests themselves, in ms.
    writes: (f64, f64),
    /// p50, p99 and max latency from the event being stored (its
    /// `createdAt`, taken just before its transaction commits) to a
    /// subscriber reading it, in ms: commit-to-client, read on the
    /// machine's one clock.
    stored: (f64, f64, f64),
}

async fn phase(server: &Server, n: usize, rate: usize, seconds: usize, round: usize) -> Phase {
    let events = rate * seconds;
    let sent: Arc<Vec<OnceLock<Instant>>> =
        Arc::new((0..events).map(|_| OnceLock::new()).collect());
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(n * events)));
    let stored = Arc::new(Mutex::new(Vec::with_capacity(n * events)));
    let lost = Arc::new(AtomicUsize::new(0));
    let duplicated = Arc::new(AtomicUsize::new(0));
    let url = format!("ws://{}/graphql", server.addr);
    let mut tasks = vec![];
    // The previous phase's subscribers may still be leaving.
    while subscribers(&server.addr).await > 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for _ in 0..n {
        let mut req = url.clone().into_client_request().unwrap();
        req.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        let (mut ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("connect");
        ws.send(Message::Text(
            json!({"type": "connection_init"}).to_string().into(),
        ))
        .await
        .unwrap();
        ws.send(Message::Text(
            json!({"id": "1", "type": "subscribe", "payload": {"query":
                "subscription { eventChanges { change event { title createdAt } } }"}})
            .to_string()
            .into(),
        ))
        .await
        .unwrap();
        let (sent, latencies, stored, lost, duplicated) = (
            sent.clone(),
            latencies.clone(),
            stored.clone(),
            lost.clone(),
            duplicated.clone(),
        );
        let prefix = format!("\"title\":\"fanout {round} ");
        tasks.push(tokio::spawn(async move {
            let mut seen = vec![false; events];
            let mut got = 0;
            let mut mine = Vec::with_capacity(events);
            let mut since_stored = Vec::with_capacity(events);
            while got < events {
                let next = tokio::time::timeout(Duration::from_secs(30), ws.next()).await;
                let Ok(Some(Ok(Message::Text(t)))) = next else {
                    if matches!(next, Ok(Some(Ok(_)))) {
                        continue;
                    }
                    break;
                };
                let now = Instant::now();
                let wall = chrono::Utc::now();
                // The client shares the machine with the server: it finds
                // the title's number without parsing the whole message.
                let Some(i) = t.find(&prefix).and_then(|at| {
                    let digits = &t[at + prefix.len()..];
                    let end = digits
                        .find(|c: char| !c.is_ascii_digit())
                        .unwrap_or(digits.len());
                    digits[..end].parse::<usize>().ok()
                }) else {
                    continue;
                };
                if seen[i] {
                    duplicated.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                seen[i] = true;
                got += 1;
                if let Some(at) = sent[i].get() {
                    mine.push(now.duration_since(*at).as_secs_f64() * 1000.0);
                }
                if let Some(at) = created_at(&t) {
                    since_stored.push((wall - at).as_seconds_f64() * 1000.0);
                }
            }
            lost.fetch_add(events - got, Ordering::Relaxed);
            latencies.lock().unwrap().extend(mine);
            stored.lock().unwrap().extend(since_stored);
            let _ = ws.close(None).await;
        }));
    }
    while subscribers(&server.addr).await < n as i64 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let cpu_before = server.cpu();
    let writing = Instant::now();
    let client = reqwest::Client::new();
    let graphql = format!("http://{}/graphql", server.addr);
    let mut tick = tokio::time::interval(Duration::from_secs(1) / rate as u32);
    let mut writes = vec![];
    let took = Arc::new(Mutex::new(Vec::with_capacity(events)));
    for i in 0..events {
        tick.tick().await;
        let (client, graphql, sent, took) =
            (client.clone(), graphql.clone(), sent.clone(), took.clone());
        writes.push(tokio::spawn(async move {
            let body = json!({"query": "mutation($i: EventInput!) { createEvent(input: $i) { id } }",
                "variables": {"i": {"title": format!("fanout {round} {i}"), "kind": "OTHER",
                    "date": {"start": "2024-01-01", "precision": "DAY"}}}});
            let at = Instant::now();
            let _ = sent[i].set(at);
            let r = client
                .post(&graphql)
                .bearer_auth(TOKEN)
                .json(&body)
                .send()
                .await
                .expect("write");
            assert!(r.status().is_success(), "a write answered {}", r.status());
            let ms = at.elapsed().as_secs_f64() * 1000.0;
            took.lock().unwrap().push(ms);
        }));
    }
    for w in writes {
        w.await.unwrap();
    }
    let rss = server.rss();
    for t in tasks {
        t.await.unwrap();
    }
    let cpu = (server.cpu() - cpu_before) / writing.elapsed().as_secs_f64();
    let mut l = latencies.lock().unwrap().clone();
    l.sort_by(f64::total_cmp);
    let mut w = took.lock().unwrap().clone();
    w.sort_by(f64::total_cmp);
    let q = |p: f64| quantile(&l, p);
    let mut c = stored.lock().unwrap().clone();
    c.sort_by(f64::total_cmp);
    Phase {
        subscribers: n,
        events,
        p50: q(0.5),
        p99: q(0.99),
        max: l.last().copied().unwrap_or(f64::NAN),
        lost: lost.load(Ordering::Relaxed),
        duplicated: duplicated.load(Ordering::Relaxed),
        rss,
        cpu,
        writes: (quantile(&w, 0.5), quantile(&w, 0.99)),
        stored: (
            quantile(&c, 0.5),
            quantile(&c, 0.99),
            c.last().copied().unwrap_or(f64::NAN),
        ),
    }
}

/// The `createdAt` of the event in a server message.
fn created_at(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    const KEY: &str = r#""createdAt":""#;
    let rest = &text[text.find(KEY)? + KEY.len()..];
    let value = &rest[..rest.find('"')?];
    chrono::DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// The `p` quantile of sorted `l`.
fn quantile(l: &[f64], p: f64) -> f64 {
    l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1)))
        .copied()
        .unwrap_or(f64::NAN)
}

#[tokio::main]
async fn main() {
    let n = env("SUBSCRIBERS", 1000);
    let rate = env("RATE", 100);
    let seconds = env("SECONDS", 10);
    let backend = std::env::var("BACKEND").unwrap_or_else(|_| "postgres".into());
    let name = format!("tarikh_fanout_{}", std::process::id());
    let admin = std::env::var("TARIKH_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let (url, sqlite) = if backend == "sqlite" {
        let path = std::env::temp_dir().join(format!("{name}.db"));
        (format!("sqlite://{}?mode=rwc", path.display()), Some(path))
    } else {
        let url = tarikh::storage::create_postgres_database(&admin, &name)
            .await
            .expect("create the database");
        (url, None)
    };
    let server = start(&url).await;
    let idle = server.rss();
    // Warm-up, not reported: the first writes after a start open the
    // pool's connections and prepare its statements.
    phase(&server, 1, rate, 2, 0).await;
    let one = phase(&server, 1, rate, seconds, 1).await;
    let many = phase(&server, n, rate, seconds, 2).await;
    println!(
        "backend {backend}; {rate} events/s for {seconds} s; idle server RSS {:.1} MiB",
        idle.0
    );
    println!(
        "| subscribers | changes sent | from commit p50 / p99 / max ms | from request p50 / p99 / max ms \
         | write p50 / p99 ms | lost | duplicated | RSS MiB (peak) | server CPU (cores) \
         | commit p99 / baseline |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for p in [&one, &many] {
        println!(
            "| {} | {} | {:.1} / {:.1} / {:.1} | {:.1} / {:.1} / {:.1} | {:.1} / {:.1} | {} | {} \
             | {:.1} ({:.1}) | {:.2} | {:.2} |",
            p.subscribers,
            p.subscribers * p.events,
            p.stored.0,
            p.stored.1,
            p.stored.2,
            p.p50,
            p.p99,
            p.max,
            p.writes.0,
            p.writes.1,
            p.lost,
            p.duplicated,
            p.rss.0,
            p.rss.1,
            p.cpu,
            p.stored.1 / one.stored.1
        );
    }
    drop(server);
    if let Some(p) = sqlite {
        let _ = std::fs::remove_file(p);
    } else {
        let _ = tarikh::storage::drop_postgres_database(&admin, &name).await;
    }
}

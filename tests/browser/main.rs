//! The web app and GraphiQL in a real browser: Debian's Chromium driven
//! through chromedriver (WebDriver) against a server this test starts on
//! port 0, over the demo data, on both backends. Screenshots are saved
//! under the target folder (`browser-screenshots/`) for a person to look
//! at. Without `chromium` and `chromium-driver` the tests fail and say how
//! to install them.

#[path = "../api/common/mod.rs"]
#[macro_use]
mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use common::{wait_until, Backend, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A browser session; chromedriver stops with it.
struct Browser {
    client: Client,
    driver: Child,
}

impl Browser {
    async fn start() -> Browser {
        for path in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(path).exists(),
                "{path} is missing: install it with `apt-get install -y chromium chromium-driver` \
                 (.ci/run does)"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        let status = format!("{url}/status");
        wait_until("chromedriver answers", || async {
            reqwest::get(&status).await.is_ok()
        })
        .await;
        let profile = common::tmpdir("chromium");
        let caps = json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let caps = match caps {
            Value::Object(m) => m,
            _ => unreachable!(),
        };
        // Two TLS back ends are linked in; WebDriver here is plain HTTP,
        // but the client's builder wants one chosen.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()
            .expect("a TLS config")
            .capabilities(caps)
            .connect(&url)
            .await
            .expect("a browser session");
        Browser { client, driver }
    }

    async fn stop(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }

    /// Runs `script` (a function body) and returns its value.
    async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .expect("script runs")
    }

    /// Clicks the element `css` selects.
    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Waits until `script` returns true.
    async fn until(&self, what: &str, script: &str) {
        wait_until(what, || async {
            self.js(script).await == Value::Bool(true)
        })
        .await;
    }

    async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
            .join("browser-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// Every resource the page loaded came from `origin`.
    async fn only_from(&self, origin: &str) {
        let urls = self
            .js("return performance.getEntriesByType('resource').map(e => e.name)")
            .await;
        let urls: Vec<String> = serde_json::from_value(urls).unwrap();
        let others: Vec<&String> = urls.iter().filter(|u| !u.starts_with(origin)).collect();
        assert!(others.is_empty(), "requests to other origins: {others:?}");
    }

    async fn open_app(&self, app: &TestApp, query: &str) {
        self.client
            .goto(&format!("{}/{query}", app.addr))
            .await
            .unwrap();
        self.until(
            "the app's first render",
            "return document.body.dataset.ready === '1' && !document.querySelector('#events[data-loading]')",
        )
        .await;
    }
}

async fn demo_app(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    tarikh::demo::load_if_empty(&app.store).await.unwrap();
    app
}

/// Loads with no request to another origin; filtering by an actor's
/// alias in another spelling shows that actor's events; an event opens
/// on its source sentences with the dated and the event's words marked;
/// the URL holds the view and restores it; the Arabic interface is right
/// to left.
async fn the_app_filters_opens_shares_and_speaks_arabic(backend: Backend, tag: &str) {
    let app = demo_app(backend).await;
    let b = Browser::start().await;
    b.open_app(&app, "").await;
    b.only_from(&app.addr).await;
    b.shot(&format!("app-{tag}")).await;

    // "داعش": an Arabic alias of the Islamic State, whose name is stored
    // as "تنظيم الدولة الإسلامية" and "Islamic State".
    let input = b.client.find(Locator::Css("#actor-input")).await.unwrap();
    input.send_keys("داعش").await.unwrap();
    b.until(
        "suggestions",
        "return document.querySelectorAll('#actor-suggestions li[role=option][data-id]').length > 0",
    )
    .await;
    let want = app
        .ok(
            "{ events(first: 500, filter: {actors: [\"ISIS\"]}) { nodes { id } } }",
            json!({}),
        )
        .await;
    let want: Vec<String> = want["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    b.click("#actor-suggestions li[role=option][data-id]").await;
    // The list is reloaded after the chip appears: wait for the filtered one
    // (the chip alone can show while the old list is still there).
    let wanted = serde_json::to_string(&want).unwrap();
    b.until(
        "a chip and the list filtered",
        &format!(
            "const want = {wanted}; const ids = [...document.querySelectorAll('#events li.event')].map((e) => e.dataset.id); \
             return document.querySelectorAll('#actor-chips li.chip').length === 1 && !document.querySelector('#events[data-loading]') \
             && ids.length > 0 && ids.every((id) => want.includes(id))"
        ),
    )
    .await;

    // Open an event told by the articles: its sentence, with both marks.
    let d = app
        .ok(
            "{ events(first: 500, filter: {actors: [\"ISIS\"]}) { nodes { id sourceCount mentions { whenSpan } } } }",
            json!({}),
        )
        .await;
    let sourced = d["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["sourceCount"].as_i64().unwrap() > 0
                && e["mentions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|m| !m["whenSpan"].is_null())
        })
        .expect("an ISIS event with a dated source")["id"]
        .as_str()
        .unwrap()
        .to_string();
    b.open_app(&app, &format!("?actor=ISIS&event={sourced}"))
        .await;
    b.until(
        "the detail with its marked sentence",
        "return !!document.querySelector('#detail .sentence mark.when') && !document.querySelector('#detail[data-loading]')",
    )
    .await;
    let marked = b
        .js("return document.querySelector('#detail .sentence mark.when').textContent")
        .await;
    assert!(!marked.as_str().unwrap().trim().is_empty());
    b.shot(&format!("app-detail-{tag}")).await;

    // The URL restores the view: the chip and the open event.
    let url = b.client.current_url().await.unwrap();
    b.client.goto("about:blank").await.unwrap();
    b.client.goto(url.as_str()).await.unwrap();
    b.until(
        "the restored view",
        &format!(
            "return document.body.dataset.ready === '1' && document.querySelectorAll('#actor-chips li.chip').length === 1 && document.querySelector('#detail')?.dataset.id === '{sourced}'"
        ),
    )
    .await;

    // An event placed in Syria (or a place inside it) shows its places.
    let d = app
        .ok(
            "{ events(first: 1, filter: {places: [\"Syria\"]}) { nodes { id places { place { name } } } } }",
            json!({}),
        )
        .await;
    let placed = &d["events"]["nodes"][0];
    let place = placed["places"][0]["place"]["name"]
        .as_str()
        .expect("a placed demo event");
    b.open_app(&app, &format!("?event={}", placed["id"].as_str().unwrap()))
        .await;
    b.until(
        "the detail with its places",
        "return !!document.querySelector('#detail dd.places bdi.place') && !document.querySelector('#detail[data-loading]')",
    )
    .await;
    let shown = b
        .js("return document.querySelector('#detail dd.places bdi.place').textContent")
        .await;
    assert_eq!(shown.as_str(), Some(place));

    // Arabic: right to left.
    b.click("#detail-close").await;
    b.click("#lang-toggle").await;
    b.until(
        "the Arabic interface",
        "return document.documentElement.dir === 'rtl' && document.documentElement.lang === 'ar'",
    )
    .await;
    b.shot(&format!("app-ar-{tag}")).await;
    b.stop().await;
    app.cleanup().await;
}

/// An event created through the API while the page is open appears
/// without a reload, with a note of what arrived.
async fn new_events_appear_live(backend: Backend) {
    let app = demo_app(backend).await;
    let b = Browser::start().await;
    // A window the new event falls in, so that it is on the first page.
    b.open_app(&app, "?from=2030-01-01&to=2030-12-31").await;
    b.until(
        "the live connection",
        "return document.querySelector('#live-status')?.dataset.state === 'open'",
    )
    .await;
    let id = app
        .event("Live from the test", common::day("2030-02-01"), &[])
        .await;
    b.until(
        "the new event in the list",
        &format!("return !!document.querySelector('#events li.event[data-id=\"{id}\"]')"),
    )
    .await;
    let note = b
        .js("return document.querySelector('#live-note').textContent")
        .await;
    assert!(
        !note.as_str().unwrap().trim().is_empty(),
        "a note of what arrived"
    );
    b.stop().await;
    app.cleanup().await;
}

#[tokio::test]
async fn app_on_postgres() {
    the_app_filters_opens_shares_and_speaks_arabic(Backend::Postgres, "postgres").await;
}

#[tokio::test]
async fn app_on_sqlite() {
    the_app_filters_opens_shares_and_speaks_arabic(Backend::Sqlite, "sqlite").await;
}

#[tokio::test]
async fn live_on_postgres() {
    new_events_appear_live(Backend::Postgres).await;
}

#[tokio::test]
async fn live_on_sqlite() {
    new_events_appear_live(Backend::Sqlite).await;
}

/// GraphiQL renders its editor from the server's own files and runs a
/// query.
#[tokio::test]
async fn graphiql_works_offline() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let b = Browser::start().await;
    b.client
        .goto(&format!("{}/graphql", app.addr))
        .await
        .unwrap();
    b.until(
        "the GraphiQL editor",
        "return !!document.querySelector('.graphiql-container .graphiql-query-editor')",
    )
    .await;
    b.only_from(&app.addr).await;
    b.click(".graphiql-execute-button").await;
    b.until(
        "the query's answer",
        "return (document.querySelector('.graphiql-response')?.textContent || '').includes('\"data\"')",
    )
    .await;
    b.shot("graphiql").await;
    b.stop().await;
    app.cleanup().await;
}

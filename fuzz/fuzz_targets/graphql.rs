//! Any bytes as a GraphQL request, run in process against the real schema
//! over a seeded SQLite store: the bytes before the first 0 are the
//! document, those after it the variables (a JSON object; ignored when not
//! one). Reads are open; the schema has no write token, so mutations are
//! refused (the seeding below used a schema with one). Must never panic;
//! every error must carry `extensions.code`, and none may be `INTERNAL`
//! (a failure on the server's side caused by a client's request) unless
//! TARIKH_FUZZ_ALLOW_INTERNAL is set. TARIKH_FUZZ_PRINT prints each
//! response (to read what a reproducer does).
#![no_main]

use std::sync::OnceLock;

use async_graphql::{BatchRequest, BatchResponse, Request, Response, Variables};
use libfuzzer_sys::fuzz_target;
use tarikh::graphql::{build_schema, execute, prepare, Bearer, TarikhSchema, WriteTokens};
use tarikh::storage::Store;

struct World {
    rt: tokio::runtime::Runtime,
    store: Store,
    schema: TarikhSchema,
    allow_internal: bool,
    print: bool,
}

static WORLD: OnceLock<World> = OnceLock::new();

fn world() -> &'static World {
    WORLD.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let dir = std::env::var("TARIKH_FUZZ_DB_DIR").unwrap_or_else(|_| "/tmp".into());
        let path = format!("{dir}/tarikh-fuzz-{}.db", std::process::id());
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        // Not "sqlite::memory:": each pooled connection would get a database
        // of its own.
        let url = format!("sqlite://{path}?mode=rwc");
        let (store, schema) = rt.block_on(async {
            let store = Store::open(&url).await.expect("the store opens");
            seed(&store).await;
            let token = store.sync_token().await.expect("a sync token");
            let schema = build_schema(store.clone(), WriteTokens::default(), token);
            (store, schema)
        });
        World {
            rt,
            store,
            schema,
            allow_internal: std::env::var_os("TARIKH_FUZZ_ALLOW_INTERNAL").is_some(),
            print: std::env::var_os("TARIKH_FUZZ_PRINT").is_some(),
        }
    })
}

async fn run(schema: &TarikhSchema, store: &Store, req: Request, bearer: Bearer) -> Response {
    match execute(schema, prepare(BatchRequest::Single(req), store, bearer)).await {
        BatchResponse::Single(r) => r,
        BatchResponse::Batch(_) => panic!("a single request got a batch response"),
    }
}

/// Writes a few actors, events (at both edges of the date range) and
/// articles through the mutations, with a write token.
async fn seed(store: &Store) {
    let token = store.sync_token().await.expect("a sync token");
    let schema = build_schema(store.clone(), WriteTokens::parse("t:tok"), token);
    let write = |query: &str, vars: serde_json::Value| {
        let req = Request::new(query).variables(Variables::from_json(vars));
        let (schema, store) = (&schema, store);
        async move {
            let resp = run(schema, store, req, Bearer(Some("tok".into()))).await;
            assert!(resp.errors.is_empty(), "seeding failed: {:?}", resp.errors);
            resp.data.into_json().expect("JSON data")
        }
    };
    let actors = write(
        r#"mutation {
          a: createActor(input: {name: "Northern Coalition", nameAr: "التحالف الشمالي",
               kind: ALLIANCE, wikidata: "Q1", aliases: [{alias: "NC", lang: "en"}]}) { id }
          b: createActor(input: {name: "Ministry of Water", nameAr: "وزارة المياه",
               kind: GOVERNMENT_BODY}) { id }
        }"#,
        serde_json::json!({}),
    )
    .await;
    let (a, b) = (actors["a"]["id"].clone(), actors["b"]["id"].clone());
    let events = write(
        r#"mutation($a: ID!, $b: ID!) {
          first: createEvent(input: {title: "Earliest day", kind: OTHER,
               date: {start: "-9999-01-01", precision: DAY},
               actors: [{actorId: $a, role: AGENT}]}) { id }
          firstDecade: createEvent(input: {title: "Earliest decade", kind: FOUNDING,
               date: {start: "-9999-01-01", precision: DECADE, approximate: true}}) { id }
          last: createEvent(input: {title: "Last day", kind: REPORT,
               date: {start: "9999-12-31", precision: DAY},
               actors: [{actorId: $b, role: TARGET}]}) { id }
          lastMonth: createEvent(input: {title: "Last month", kind: MEETING,
               date: {start: "9999-12-01", precision: MONTH, modifier: END},
               quantity: {value: 3, unit: "meetings"}, confidence: 0.5, status: EXTRACTED}) { id }
          ides: createEvent(input: {title: "Ides of March", kind: DEATH,
               date: {start: "-0043-03-15", precision: DAY},
               actors: [{actorId: $a, role: AGENT}, {actorId: $b, role: MENTIONED}]}) { id }
          week: createEvent(input: {title: "Talks week", kind: NEGOTIATION,
               date: {start: "2024-01-22", precision: WEEK}, summary: "Talks went on all week."}) { id }
          gone: createEvent(input: {title: "Duplicate talks", kind: NEGOTIATION,
               date: {start: "2024-01-22", precision: WEEK}}) { id }
          rejected: createEvent(input: {title: "Wrong reading", kind: ATTACK,
               date: {start: "2014-09-01", end: "2014-12-31", precision: MONTH},
               status: REJECTED}) { id }
        }"#,
        serde_json::json!({"a": a, "b": b}),
    )
    .await;
    write(
        r#"mutation($week: ID!, $gone: ID!, $last: ID!) {
          updateEvent(id: $last, input: {summary: "Changed once.", status: CONFIRMED},
                      note: "seed") { id }
          mergeEvents(ids: [$week, $gone], note: "same talks") { id }
          en: ingestArticle(input: {url: "https://example.org/en/1", title: "Coalition",
               outlet: "Example", language: "en", published: "2024-01-26",
               body: "The ministry said on Thursday that the coalition was founded in September 2014. Talks resumed in early 2023 and ended on 12 March."}) { new }
          ar: ingestArticle(input: {url: "https://example.org/ar/1", language: "ar",
               published: "2024-01-26",
               body: "أعلنت الوزارة أمس الخميس أن التحالف الشمالي تأسس في أيلول/سبتمبر 2014. وعقد الطرفان اجتماعا في مطلع 2023."}) { new }
        }"#,
        serde_json::json!({
            "week": events["week"]["id"], "gone": events["gone"]["id"], "last": events["last"]["id"],
        }),
    )
    .await;
    write(
        r#"mutation($d: ID!) { deleteEvent(id: $d, note: "seed") }"#,
        serde_json::json!({"d": events["firstDecade"]["id"]}),
    )
    .await;
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    let (doc, vars) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let mut req = Request::new(String::from_utf8_lossy(doc));
    if let Some(Ok(v @ serde_json::Value::Object(_))) =
        vars.map(serde_json::from_slice::<serde_json::Value>)
    {
        req = req.variables(Variables::from_json(v));
    }
    let resp = w
        .rt
        .block_on(run(&w.schema, &w.store, req, Bearer(None)));
    if w.print {
        eprintln!("{}", serde_json::to_string(&resp).unwrap_or_default());
    }
    for e in &resp.errors {
        let code = e
            .extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .unwrap_or_else(|| panic!("an error without extensions.code: {e:?}"));
        let code = code.clone().into_json().unwrap_or_default();
        if !w.allow_internal {
            assert_ne!(code, "INTERNAL", "a client's request failed inside: {e:?}");
        }
    }
});

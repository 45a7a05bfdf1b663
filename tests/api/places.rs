//! Places on both backends: the gazetteer served by `places`, events'
//! places from ingestion and by hand, the place, circle and box filters
//! (a country takes in its cities), the timeline under them, curated places
//! kept in revisions, merges keeping both sides' places, and the places in
//! NDJSON, CSV and GeoJSON exports.

use serde_json::{json, Value};

use crate::common::{day, tmpdir, TestApp, TOKEN};
use crate::helpers::{article, ingest_ok, tarikh};

/// Two reports written for this test: a strike in Deir ez-Zor (Syria), a
/// bombing in Baghdad (Iraq), a withdrawal from Iraq to Kuwait.
fn reports() -> Vec<String> {
    vec![
        article(
            "https://news.example/places-ar",
            "2024-01-26",
            "ar",
            "قتل ثلاثة مدنيين أمس الخميس في غارة جوية بريف دير الزور الغربي شرقي سوريا.",
        ),
        article(
            "https://news.example/places-en",
            "2024-03-12",
            "en",
            "A car bomb killed two people in Baghdad on Saturday. US troops withdrew from a base in Iraq to Kuwait on Sunday.",
        ),
    ]
}

async fn ingest(app: &TestApp) {
    let dir = tmpdir("places");
    ingest_ok(app, &dir.join("in.jsonl"), &reports());
}

async fn titles_with(app: &TestApp, filter: Value) -> Vec<String> {
    let mut t = app.titles(filter).await;
    t.sort();
    t
}

async fn gazetteer_is_served(app: &TestApp) {
    let d = app
        .ok(
            r#"{ places(search: "دير الز", first: 3) { id name nameAr kind countryCode lat lon geonames parent { name kind } }
                 syria: places(search: "Syria", kind: COUNTRY) { name wikidata label(lang: "ar") }
                 one: place(id: "170794") { name aliases } }"#,
            json!({}),
        )
        .await;
    let first = &d["places"][0];
    assert_eq!(first["name"], "Deir ez-Zor", "{d}");
    assert_eq!(first["countryCode"], "SY");
    assert_eq!(first["geonames"], "170794");
    assert!(first["lat"].as_f64().unwrap() > 35.0);
    assert_eq!(d["syria"][0]["wikidata"], "Q858");
    assert_eq!(d["syria"][0]["label"], "سوريا");
    assert!(d["one"]["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "Deir al-Zour"));
    let codes = app
        .codes(
            None,
            r#"{ places(search: "x", first: 1000) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(codes, ["BAD_USER_INPUT"]);
    // a country is a code: a long string is refused, not scanned per hit
    let codes = app
        .codes(
            None,
            "query($c: String) { places(search: \"a\", country: $c) { id } }",
            json!({"c": "X".repeat(100_000)}),
        )
        .await;
    assert_eq!(codes, ["BAD_USER_INPUT"]);
}

async fn ingested_events_have_places_and_filters_find_them(app: &TestApp) {
    ingest(app).await;
    let d = app
        .ok(
            "{ events(first: 50) { nodes { title kind places { role place { name kind countryCode parent { name } } } } } }",
            json!({}),
        )
        .await;
    let nodes = d["events"]["nodes"].as_array().unwrap();
    let places_of = |kind: &str| -> Vec<(String, String)> {
        nodes
            .iter()
            .filter(|n| n["kind"] == kind)
            .flat_map(|n| n["places"].as_array().unwrap().clone())
            .map(|p| {
                (
                    p["place"]["name"].as_str().unwrap().to_string(),
                    p["role"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        places_of("WITHDRAWAL"),
        [
            ("Iraq".to_string(), "ORIGIN".to_string()),
            ("Kuwait".to_string(), "DESTINATION".to_string())
        ],
        "{d}"
    );
    let deaths = places_of("DEATH");
    assert!(
        deaths.contains(&("Deir ez-Zor".into(), "WHERE".into())),
        "{d}"
    );
    // a country takes in its cities, by any name
    let in_syria = titles_with(app, json!({"places": ["سوريا"]})).await;
    assert_eq!(in_syria.len(), 1, "{in_syria:?}");
    assert_eq!(
        in_syria,
        titles_with(app, json!({"places": ["Syria"]})).await
    );
    assert_eq!(
        in_syria,
        titles_with(app, json!({"places": ["Deir al-Zour"]})).await
    );
    let in_iraq = titles_with(app, json!({"places": ["Iraq"]})).await;
    assert_eq!(
        in_iraq.len(),
        2,
        "Baghdad's bombing and the withdrawal: {in_iraq:?}"
    );
    assert!(
        titles_with(app, json!({"places": ["Kuwait"], "kinds": ["ATTACK"]}))
            .await
            .is_empty()
    );
    // a circle of 50 km around Baghdad, a box around the Euphrates valley
    let near = titles_with(
        app,
        json!({"near": {"lat": 33.3, "lon": 44.4, "radiusKm": 50}}),
    )
    .await;
    assert_eq!(near.len(), 1, "{near:?}");
    let bbox = titles_with(
        app,
        json!({"bbox": {"south": 34.5, "west": 39.5, "north": 36.0, "east": 41.0}}),
    )
    .await;
    assert_eq!(bbox, in_syria);
    let none = titles_with(
        app,
        json!({"bbox": {"south": -10.0, "west": -30.0, "north": -5.0, "east": -20.0}}),
    )
    .await;
    assert!(none.is_empty());
    // the timeline takes the same filter
    let t = app
        .ok(
            r#"{ timeline(filter: {places: ["Iraq"]}, bucket: YEAR) { count } }"#,
            json!({}),
        )
        .await;
    let total: i64 = t["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 2, "{t}");
    // unknown places, bad boxes and circles are the client's mistakes
    for f in [
        json!({"places": ["Atlantis"]}),
        json!({"places": [" "]}),
        json!({"bbox": {"south": 40, "west": 0, "north": 30, "east": 10}}),
        json!({"near": {"lat": 0, "lon": 0, "radiusKm": 0}}),
        json!({"near": {"lat": 91, "lon": 0, "radiusKm": 10}}),
        // at most 20 places a filter (each is a lookup and a walk down)
        json!({"places": vec!["Iraq"; 21]}),
        json!({"places": ["x".repeat(300)]}),
    ] {
        let codes = app
            .codes(
                None,
                "query($f: EventFilter) { events(filter: $f) { nodes { id } } }",
                json!({"f": f}),
            )
            .await;
        assert_eq!(codes, ["BAD_USER_INPUT"], "{f}");
    }
}

async fn curated_places_are_revised_and_merged(app: &TestApp) {
    let a = app
        .event_with(
            "Talks in Doha",
            day("2024-02-01"),
            &[],
            json!({"kind": "NEGOTIATION", "places": [{"place": "الدوحة"}]}),
        )
        .await;
    let b = app
        .event_with(
            "Talks resume",
            day("2024-02-01"),
            &[],
            json!({"kind": "NEGOTIATION", "places": [{"place": "Cairo", "role": "WHERE"}]}),
        )
        .await;
    // an ambiguous or unknown name is refused, with what it could mean
    let codes = app
        .codes(
            Some(TOKEN),
            "mutation($i: EventInput!) { createEvent(input: $i) { id } }",
            json!({"i": {"title": "x", "kind": "OTHER", "date": day("2024-02-01"), "places": [{"place": "Nowhere-on-earth"}]}}),
        )
        .await;
    assert_eq!(codes, ["BAD_USER_INPUT"]);
    // at most 20 places an event
    let many: Vec<Value> = (0..21).map(|_| json!({"place": "Cairo"})).collect();
    let codes = app
        .codes(
            Some(TOKEN),
            "mutation($i: EventInput!) { createEvent(input: $i) { id } }",
            json!({"i": {"title": "x", "kind": "OTHER", "date": day("2024-02-01"), "places": many}}),
        )
        .await;
    assert_eq!(codes, ["BAD_USER_INPUT"]);
    // a correction of the places is a revision that keeps the old ones
    let d = app
        .ok(
            r#"mutation($id: ID!) { updateEvent(id: $id, input: {places: [{place: "Qatar"}]}, note: "the country") {
                 places { place { name } } revisions { action before after } } }"#,
            json!({"id": a}),
        )
        .await;
    let ev = &d["updateEvent"];
    assert_eq!(ev["places"][0]["place"]["name"], "Qatar", "{d}");
    let last = ev["revisions"].as_array().unwrap().last().unwrap().clone();
    let before = last["before"].to_string();
    assert!(
        before.contains("290030"),
        "Doha's id in the revision: {last}"
    );
    // removing every place is a change too, kept in the history
    let d = app
        .ok(
            r#"mutation($id: ID!) { updateEvent(id: $id, input: {places: []}) {
                 places { role } revisions { before } } }"#,
            json!({"id": a}),
        )
        .await;
    assert!(d["updateEvent"]["places"].as_array().unwrap().is_empty());
    let last = d["updateEvent"]["revisions"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(
        last["before"].to_string().contains("289688"),
        "Qatar's id: {last}"
    );
    app.ok(
        r#"mutation($id: ID!) { updateEvent(id: $id, input: {places: [{place: "Qatar"}]}) { id } }"#,
        json!({"id": a}),
    )
    .await;
    // merging keeps both events' places
    let d = app
        .ok(
            "mutation($ids: [ID!]!) { mergeEvents(ids: $ids) { places { place { name } } } }",
            json!({"ids": [a, b]}),
        )
        .await;
    let mut names: Vec<&str> = d["mergeEvents"]["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["place"]["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["Cairo", "Qatar"], "{d}");
    // a new date moves the event in place-filtered windows and histograms
    // (PostgreSQL reads them from the links' copy of the days)
    app.ok(
        r#"mutation($id: ID!) { updateEvent(id: $id, input: {date: {start: "2025-05-05", precision: DAY}}) { id } }"#,
        json!({"id": a}),
    )
    .await;
    let window = |from: &str, to: &str| json!({"places": ["Qatar"], "from": from, "to": to});
    assert!(titles_with(app, window("2024-01-01", "2024-12-31"))
        .await
        .is_empty());
    assert_eq!(
        titles_with(app, window("2025-01-01", "2025-12-31"))
            .await
            .len(),
        1
    );
    let t = app
        .ok(
            r#"{ timeline(filter: {places: ["Cairo"], from: "2024-01-01", to: "2025-12-31"}, bucket: YEAR) { start count } }"#,
            json!({}),
        )
        .await;
    assert_eq!(t["timeline"][1]["count"], 1, "{t}");
    assert_eq!(t["timeline"][0]["count"], 0, "{t}");
}

async fn exports_carry_places(app: &TestApp) {
    ingest(app).await;
    let ndjson = app
        .get("/export/events.ndjson?place=Iraq")
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<Value> = ndjson
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{ndjson}");
    assert!(lines
        .iter()
        .all(|l| !l["places"].as_array().unwrap().is_empty()));
    let csv = app
        .get("/export/events.csv?place=Syria")
        .await
        .text()
        .await
        .unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let row = rows.records().next().unwrap().unwrap();
    assert_eq!(&row[col("places")], "Deir ez-Zor");
    assert_eq!(&row[col("place_countries")], "SY");
    assert!(row[col("place_points")].starts_with("35.33"), "{csv}");
    let res = app.get("/export/events.geojson").await;
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/geo+json"));
    let geo: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().unwrap();
    // Deir ez-Zor; Baghdad; Iraq and Kuwait for the withdrawal
    assert_eq!(features.len(), 4, "{geo}");
    let deir = features
        .iter()
        .find(|f| f["properties"]["place"] == "Deir ez-Zor")
        .unwrap();
    assert_eq!(deir["geometry"]["type"], "Point");
    assert!(
        deir["geometry"]["coordinates"][0].as_f64().unwrap() > 40.0,
        "longitude first"
    );
    // the CLI: the same format, and a bad box is a clear error
    let dir = tmpdir("places-cli");
    let out = dir.join("e.geojson");
    let o = tarikh(
        app,
        &[
            "export",
            "--format",
            "geojson",
            "--place",
            "Kuwait",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let g: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(g["features"].as_array().unwrap().len(), 2, "{g}");
    let o = tarikh(app, &["export", "--bbox", "40,0,30,10"]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("north"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = app.get("/export/events.ndjson?place=Atlantis").await;
    assert_eq!(r.status(), 400);
}

/// Pages of place-filtered events walk forwards and backwards without a
/// gap or a repeat, an event with two of the places counted once.
async fn place_pages_walk_both_ways(app: &TestApp) {
    for (i, d) in ["2024-01-03", "2024-01-01", "2024-01-02", "2024-01-02"]
        .iter()
        .enumerate()
    {
        app.event_with(
            &format!("E{i}"),
            day(d),
            &[],
            json!({"places": [{"place": "Doha"}, {"place": "Qatar", "role": "ORIGIN"}]}),
        )
        .await;
    }
    app.event_with(
        "Elsewhere",
        day("2024-01-02"),
        &[],
        json!({"places": [{"place": "Cairo"}]}),
    )
    .await;
    let q = "query($f: EventFilter, $o: EventOrder, $a: String, $b: String, $n: Int, $l: Int) {
        events(filter: $f, orderBy: $o, after: $a, before: $b, first: $n, last: $l) {
          nodes { title } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    for (order, want) in [
        ("DATE_ASC", ["E1", "E2", "E3", "E0"]),
        ("DATE_DESC", ["E0", "E3", "E2", "E1"]),
    ] {
        let f = json!({"places": ["Qatar"], "from": "2023-12-01", "to": "2024-02-01"});
        let mut seen = vec![];
        let mut after = Value::Null;
        loop {
            let d = app
                .ok(q, json!({"f": f, "o": order, "a": after, "n": 1}))
                .await;
            seen.extend(crate::common::node_titles(&d));
            if !d["events"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                break;
            }
            after = d["events"]["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(seen, want, "{order}");
        let d = app
            .ok(q, json!({"f": f, "o": order, "b": after, "l": 2}))
            .await;
        // `after` holds the cursor of the third event: the two before it
        assert_eq!(
            crate::common::node_titles(&d),
            want[..2],
            "{order} backwards"
        );
    }
}

on_both_backends!(
    place_pages_walk_both_ways,
    gazetteer_is_served,
    ingested_events_have_places_and_filters_find_them,
    curated_places_are_revised_and_merged,
    exports_carry_places,
);

//! The GraphQL API over real databases: every test runs on PostgreSQL and
//! on SQLite, each on a fresh database behind the real HTTP server.

use crate::common::{day, node_titles, TestApp, TOKEN};
use serde_json::{json, Value};
use tarikh::domain::{NewArticle, NewMention};

/// Day, month, year and approximate events around the turn of 2023/2024.
async fn seed_dates(app: &TestApp) {
    app.event("day 2023-12-31", day("2023-12-31"), &[]).await;
    app.event("day 2024-01-01", day("2024-01-01"), &[]).await;
    app.event(
        "month 2024-01",
        json!({"start": "2024-01-01", "precision": "MONTH"}),
        &[],
    )
    .await;
    app.event(
        "year 2023",
        json!({"start": "2023-01-01", "precision": "YEAR"}),
        &[],
    )
    .await;
    app.event(
        "early 2024-02 approx",
        json!({"start": "2024-02-01", "end": "2024-02-10", "precision": "MONTH", "approximate": true, "modifier": "START"}),
        &[],
    )
    .await;
    app.event(
        "range 2023-10-17..2023-12-31",
        json!({"start": "2023-10-17", "end": "2023-12-31", "precision": "DAY"}),
        &[],
    )
    .await;
}

async fn date_ranges(app: &TestApp) {
    seed_dates(app).await;
    // OVERLAPS: anything that meets the window, boundary days included.
    assert_eq!(
        app.titles(json!({"from": "2024-01-01", "to": "2024-01-31"}))
            .await,
        ["day 2024-01-01", "month 2024-01"]
    );
    assert_eq!(
        app.titles(json!({"from": "2023-12-31", "to": "2023-12-31"}))
            .await,
        [
            "year 2023",
            "range 2023-10-17..2023-12-31",
            "day 2023-12-31"
        ]
    );
    // WITHIN: only intervals inside the window.
    assert_eq!(
        app.titles(json!({"from": "2023-12-01", "to": "2024-01-31", "dateMatch": "WITHIN"}))
            .await,
        ["day 2023-12-31", "day 2024-01-01", "month 2024-01"]
    );
    assert_eq!(
        app.titles(json!({"from": "2024-01-02", "to": "2024-01-31", "dateMatch": "WITHIN"}))
            .await,
        Vec::<String>::new()
    );
    // Open-ended windows.
    assert_eq!(
        app.titles(json!({"from": "2024-02-05"})).await,
        ["early 2024-02 approx"]
    );
    assert_eq!(app.titles(json!({"to": "2023-01-01"})).await, ["year 2023"]);
    // The approximate event keeps its honest interval, EDTF and label.
    let d = app
        .ok(
            r#"{ events(filter: {from: "2024-02-01"}) { nodes { date { start end precision approximate modifier edtf label ar: label(lang: "ar") } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        d["events"]["nodes"][0]["date"],
        json!({"start": "2024-02-01", "end": "2024-02-10", "precision": "MONTH", "approximate": true,
               "modifier": "START", "edtf": "2024-02-01~/2024-02-10~",
               "label": "early February 2024 (approx.)", "ar": "مطلع شباط/فبراير 2024 (تقريبًا)"})
    );
    // minPrecision MONTH drops the year-precision event.
    let t = app
        .titles(json!({"minPrecision": "MONTH", "to": "2023-12-31"}))
        .await;
    assert_eq!(t, ["range 2023-10-17..2023-12-31", "day 2023-12-31"]);
}

async fn bce_ordering(app: &TestApp) {
    app.event(
        "2024",
        json!({"start": "2024-01-01", "precision": "YEAR"}),
        &[],
    )
    .await;
    app.event(
        "1 CE",
        json!({"start": "0001-01-01", "precision": "YEAR"}),
        &[],
    )
    .await;
    app.event("44 BCE", day("-0043-03-15"), &[]).await;
    app.event(
        "1 BCE",
        json!({"start": "0000-01-01", "precision": "YEAR"}),
        &[],
    )
    .await;
    app.event(
        "500 BCE",
        json!({"start": "-0499-01-01", "precision": "CENTURY"}),
        &[],
    )
    .await;
    assert_eq!(
        app.titles(json!({})).await,
        ["500 BCE", "44 BCE", "1 BCE", "1 CE", "2024"]
    );
    assert_eq!(
        app.titles(json!({"from": "-0450-01-01", "to": "0000-06-01"}))
            .await,
        ["500 BCE", "44 BCE", "1 BCE"]
    );
    let d = app
        .ok(
            r#"{ events(orderBy: DATE_DESC, first: 2) { nodes { title date { start label } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["events"]["nodes"][0]["title"], "2024");
    let d = app
        .ok(
            r#"{ events(first: 2) { nodes { date { start end label edtf } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["events"]["nodes"][1]["date"]["start"], "-0043-03-15");
    assert_eq!(d["events"]["nodes"][1]["date"]["label"], "15 March 44 BCE");
    assert_eq!(d["events"]["nodes"][0]["date"]["end"], "-0400-12-31");
}

async fn actor_filters(app: &TestApp) {
    let isis = app
        .actor(
            "Islamic State",
            Some("تنظيم الدولة الإسلامية"),
            &[("داعش", "ar"), ("ISIS", "en"), ("الدولة الإسلامية", "ar")],
        )
        .await;
    let us = app
        .actor(
            "United States",
            Some("الولايات المتحدة الأمريكية"),
            &[("واشنطن", "ar")],
        )
        .await;
    let coalition = app
        .actor(
            "Global Coalition",
            Some("التحالف الدولي"),
            &[("القوة المشتركة", "ar")],
        )
        .await;
    app.event("isis only", day("2014-06-29"), &[&isis]).await;
    app.event("us and isis", day("2014-08-08"), &[&us, &isis])
        .await;
    app.event(
        "coalition",
        json!({"start": "2014-09-01", "precision": "MONTH"}),
        &[&coalition, &us],
    )
    .await;
    app.event("nobody", day("2015-01-01"), &[]).await;

    // By id.
    assert_eq!(
        app.titles(json!({"actorIds": [isis]})).await,
        ["isis only", "us and isis"]
    );
    // By English name, any case; by aliases.
    assert_eq!(
        app.titles(json!({"actors": ["isis"]})).await,
        ["isis only", "us and isis"]
    );
    assert_eq!(
        app.titles(json!({"actors": ["islamic state"]})).await,
        ["isis only", "us and isis"]
    );
    // Arabic spelling variants: tatweel, diacritics, hamza forms, ta marbuta, alef maqsura.
    for spelling in [
        "داعـش",
        "دَاعِش",
        "الدولة الاسلامية",
        "الدوله الإسلاميه",
        "تنظيم الدولة الإسلامية",
    ] {
        assert_eq!(
            app.titles(json!({"actors": [spelling]})).await,
            ["isis only", "us and isis"],
            "spelling {spelling}"
        );
    }
    assert_eq!(
        app.titles(json!({"actors": ["الولايات المتحدة الامريكية"]}))
            .await,
        ["us and isis", "coalition"]
    );
    assert_eq!(
        app.titles(json!({"actors": ["القوه المشتركه"]})).await,
        ["coalition"]
    );
    // ANY versus ALL.
    assert_eq!(
        app.titles(json!({"actors": ["داعش", "واشنطن"], "actorMatch": "ANY"}))
            .await,
        ["isis only", "us and isis", "coalition"]
    );
    assert_eq!(
        app.titles(json!({"actors": ["داعش", "واشنطن"], "actorMatch": "ALL"}))
            .await,
        ["us and isis"]
    );
    assert_eq!(
        app.titles(json!({"actorIds": [us], "actors": ["التحالف الدولي"], "actorMatch": "ALL"}))
            .await,
        ["coalition"]
    );
    // An unknown name matches nothing under ALL, and is ignored beside a known one under ANY.
    assert!(app
        .titles(json!({"actors": ["داعش", "nobody at all"], "actorMatch": "ALL"}))
        .await
        .is_empty());
    assert!(app
        .titles(json!({"actors": ["nobody at all"]}))
        .await
        .is_empty());
    assert_eq!(
        app.titles(json!({"actors": ["داعش", "nobody at all"]}))
            .await,
        ["isis only", "us and isis"]
    );
    // An actor's own events and the actors search.
    let d = app
        .ok(
            "query($id: ID!) { actor(id: $id) { name events(first: 10) { nodes { title } } } actors(search: \"دولة\") { nodes { name } } }",
            json!({"id": isis}),
        )
        .await;
    assert_eq!(d["actor"]["events"]["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(d["actors"]["nodes"], json!([{"name": "Islamic State"}]));
}

/// One actor's timeline (on PostgreSQL read through the actor's links,
/// whose copy of the event days triggers keep): it must follow date
/// changes, links added later, paging both ways, WITHIN, counts and the
/// histogram, exactly as the plain join does on SQLite.
/// `actorRole` restricts the actor filter to links in that role, on the
/// one-actor path (read through the actor's links on PostgreSQL) and the
/// several-actor one; alone it is refused.
async fn actor_role_filter(app: &TestApp) {
    let isis = app.actor("Islamic State", None, &[("داعش", "ar")]).await;
    let police = app.actor("Iraqi Police", None, &[]).await;
    let linked = |a: &str, role: &str| json!({"actorId": a, "role": role});
    for (title, d, actors) in [
        (
            "isis attacks police",
            "2024-01-01",
            vec![linked(&isis, "AGENT"), linked(&police, "TARGET")],
        ),
        (
            "police raid isis",
            "2024-01-02",
            vec![linked(&police, "AGENT"), linked(&isis, "TARGET")],
        ),
        ("isis named", "2024-01-03", vec![linked(&isis, "MENTIONED")]),
    ] {
        app.ok(
            "mutation($i: EventInput!) { createEvent(input: $i) { id } }",
            json!({"i": {"title": title, "kind": "ATTACK", "date": day(d), "actors": actors}}),
        )
        .await;
    }
    assert_eq!(
        app.titles(json!({"actors": ["داعش"]})).await,
        ["isis attacks police", "police raid isis", "isis named"]
    );
    assert_eq!(
        app.titles(json!({"actors": ["داعش"], "actorRole": "AGENT"}))
            .await,
        ["isis attacks police"]
    );
    assert_eq!(
        app.titles(json!({"actorIds": [isis], "actorRole": "TARGET"}))
            .await,
        ["police raid isis"]
    );
    assert_eq!(
        app.titles(json!({"actorIds": [isis, police], "actorRole": "AGENT"}))
            .await,
        ["isis attacks police", "police raid isis"]
    );
    assert_eq!(
        app.titles(json!({"actorIds": [isis, police], "actorMatch": "ALL", "actorRole": "TARGET"}))
            .await,
        Vec::<String>::new()
    );
    let codes = app
        .codes(
            None,
            "query($f: EventFilter) { events(filter: $f) { totalCount } }",
            json!({"f": {"actorRole": "AGENT"}}),
        )
        .await;
    assert_eq!(codes, ["BAD_USER_INPUT"]);
}

async fn actor_timeline(app: &TestApp) {
    let a = app.actor("Iraq", Some("العراق"), &[("بغداد", "ar")]).await;
    let b = app.actor("Syria", Some("سوريا"), &[]).await;
    let e1 = app.event("one", day("2014-06-29"), &[&a]).await;
    app.event("two", day("2014-08-08"), &[&a, &b]).await;
    app.event(
        "three",
        json!({"start": "2014-08-01", "precision": "MONTH"}),
        &[&a],
    )
    .await;
    let e4 = app.event("four", day("2014-08-20"), &[&b]).await;
    let august = json!({"actors": ["بغداد"], "from": "2014-08-01", "to": "2014-08-31"});
    assert_eq!(app.titles(august.clone()).await, ["three", "two"]);
    // The event moves into the window; another one gains the actor.
    app.ok(
        "mutation($id: ID!) { updateEvent(id: $id, input: {date: {start: \"2014-08-15\", precision: DAY}}) { id } }",
        json!({"id": e1}),
    )
    .await;
    app.ok(
        "mutation($id: ID!, $a: ID!, $b: ID!) { updateEvent(id: $id, input: {actors: [{actorId: $a}, {actorId: $b}]}) { id } }",
        json!({"id": e4, "a": a, "b": b}),
    )
    .await;
    assert_eq!(
        app.titles(august.clone()).await,
        ["three", "two", "one", "four"]
    );
    let within =
        json!({"actorIds": [a], "from": "2014-08-02", "to": "2014-08-31", "dateMatch": "WITHIN"});
    assert_eq!(app.titles(within).await, ["two", "one", "four"]);
    // Keyset pages forwards and backwards, newest first too.
    let page = "query($f: EventFilter, $o: EventOrder!, $after: String, $before: String, $first: Int, $last: Int) {
        events(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
          totalCount nodes { title } pageInfo { endCursor startCursor hasNextPage hasPreviousPage } } }";
    let titles = node_titles;
    let d = app
        .ok(page, json!({"f": august, "o": "DATE_ASC", "first": 3}))
        .await;
    assert_eq!(titles(&d), ["three", "two", "one"]);
    assert_eq!(d["events"]["totalCount"], 4);
    let end = d["events"]["pageInfo"]["endCursor"].clone();
    let d = app
        .ok(
            page,
            json!({"f": august, "o": "DATE_ASC", "first": 3, "after": end}),
        )
        .await;
    assert_eq!(titles(&d), ["four"]);
    assert_eq!(d["events"]["pageInfo"]["hasNextPage"], false);
    let d = app
        .ok(
            page,
            json!({"f": august, "o": "DATE_ASC", "last": 2, "before": end}),
        )
        .await;
    assert_eq!(titles(&d), ["three", "two"]);
    let d = app
        .ok(page, json!({"f": august, "o": "DATE_DESC", "first": 2}))
        .await;
    assert_eq!(titles(&d), ["four", "one"]);
    // The histogram counts by start day through the same path.
    let d = app
        .ok(
            r#"query($f: EventFilter) { timeline(filter: $f, bucket: MONTH) { start count } }"#,
            json!({"f": {"actorIds": [a]}}),
        )
        .await;
    assert_eq!(d["timeline"], json!([{"start": "2014-08-01", "count": 4}]));
    // Deleting an event drops it from the actor's timeline; rejecting one
    // hides it from the default view, counts and histogram.
    app.ok(
        "mutation($id: ID!) { deleteEvent(id: $id) }",
        json!({"id": e4}),
    )
    .await;
    assert_eq!(app.titles(august.clone()).await, ["three", "two", "one"]);
    app.ok(
        "mutation($id: ID!) { updateEvent(id: $id, input: {status: REJECTED}) { id } }",
        json!({"id": e1}),
    )
    .await;
    assert_eq!(app.titles(august.clone()).await, ["three", "two"]);
    let d = app
        .ok(
            r#"query($f: EventFilter) { events(filter: $f) { totalCount } timeline(filter: $f, bucket: MONTH) { start count } }"#,
            json!({"f": august}),
        )
        .await;
    assert_eq!(d["events"]["totalCount"], 2);
    assert_eq!(d["timeline"], json!([{"start": "2014-08-01", "count": 2}]));
    let rejected = json!({"actorIds": [a], "status": ["REJECTED"]});
    assert_eq!(app.titles(rejected).await, ["one"]);
}

async fn pagination(app: &TestApp) {
    // 23 events on one day, 5 on the next: the keyset must break ties by id.
    for i in 0..23 {
        app.event(&format!("same day {i:02}"), day("2020-05-05"), &[])
            .await;
    }
    for i in 0..5 {
        app.event(&format!("next day {i}"), day("2020-05-06"), &[])
            .await;
    }
    let q = "query($first: Int, $after: String, $last: Int, $before: String, $o: EventOrder = DATE_ASC) {
        events(first: $first, after: $after, last: $last, before: $before, orderBy: $o) {
          edges { cursor node { title } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }";
    let mut seen = vec![];
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let d = app.ok(q, json!({"first": 4, "after": after})).await;
        let c = &d["events"];
        assert_eq!(c["totalCount"], 28);
        for e in c["edges"].as_array().unwrap() {
            seen.push(e["node"]["title"].as_str().unwrap().to_string());
        }
        pages += 1;
        if !c["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = c["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    assert_eq!(pages, 7);
    let mut expected: Vec<String> = (0..23).map(|i| format!("same day {i:02}")).collect();
    expected.extend((0..5).map(|i| format!("next day {i}")));
    assert_eq!(seen, expected);

    // Backwards with last/before gives the same list.
    let mut back = vec![];
    let mut before: Option<String> = None;
    loop {
        let d = app.ok(q, json!({"last": 6, "before": before})).await;
        let c = &d["events"];
        let titles: Vec<String> = c["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["title"].as_str().unwrap().to_string())
            .collect();
        back.splice(0..0, titles);
        if !c["pageInfo"]["hasPreviousPage"].as_bool().unwrap() {
            break;
        }
        before = c["pageInfo"]["startCursor"].as_str().map(str::to_string);
    }
    assert_eq!(back, expected);

    // Descending order is the exact reverse; an event added behind the
    // cursor does not disturb the next page (stable keyset).
    let d = app.ok(q, json!({"first": 10, "o": "DATE_DESC"})).await;
    let first: Vec<&str> = d["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap())
        .collect();
    let rev: Vec<&str> = expected.iter().rev().take(10).map(String::as_str).collect();
    assert_eq!(first, rev);
    let cursor = d["events"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap()
        .to_string();
    app.event("late newcomer", day("2021-01-01"), &[]).await;
    let d = app
        .ok(q, json!({"first": 3, "after": cursor, "o": "DATE_DESC"}))
        .await;
    assert_eq!(d["events"]["edges"][0]["node"]["title"], expected[17]);

    // A cursor of another order is refused.
    let codes = app
        .codes(
            None,
            q,
            json!({"first": 3, "after": cursor, "o": "CREATED_ASC"}),
        )
        .await;
    assert_eq!(codes, ["BAD_USER_INPUT"]);
}

async fn timeline(app: &TestApp) {
    app.event("a", day("2024-01-03"), &[]).await;
    app.event("b", day("2024-01-30"), &[]).await;
    app.event(
        "c",
        json!({"start": "2024-03-01", "precision": "MONTH"}),
        &[],
    )
    .await;
    app.event("d", day("2024-03-04"), &[]).await;
    let d = app
        .ok(
            r#"{ timeline(bucket: MONTH) { start end count } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        d["timeline"],
        json!([
            {"start": "2024-01-01", "end": "2024-01-31", "count": 2},
            {"start": "2024-02-01", "end": "2024-02-29", "count": 0},
            {"start": "2024-03-01", "end": "2024-03-31", "count": 2}
        ])
    );
    let d = app
        .ok(
            r#"{ timeline(bucket: WEEK, filter: {from: "2024-01-01", to: "2024-01-14"}) { start end count } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        d["timeline"],
        json!([
            {"start": "2024-01-01", "end": "2024-01-07", "count": 1},
            {"start": "2024-01-08", "end": "2024-01-14", "count": 0}
        ])
    );
    let d = app
        .ok(r#"{ timeline(bucket: YEAR) { start count } }"#, json!({}))
        .await;
    assert_eq!(d["timeline"], json!([{"start": "2024-01-01", "count": 4}]));
    let codes = app
        .codes(
            None,
            r#"{ timeline(bucket: DAY, filter: {from: "1000-01-01", to: "2024-01-01"}) { count } }"#,
            json!({}),
        )
        .await;
    assert_eq!(codes, ["BAD_USER_INPUT"]);
}

async fn writes_need_a_token(app: &TestApp) {
    let m = r#"mutation { createActor(input: {name: "X", kind: STATE}) { id } }"#;
    assert_eq!(app.codes(None, m, json!({})).await, ["FORBIDDEN"]);
    assert_eq!(app.codes(Some("wrong"), m, json!({})).await, ["FORBIDDEN"]);
    let d = app.gql_as(Some(TOKEN), m, json!({})).await;
    assert!(d["data"]["createActor"]["id"].is_string(), "{d}");
    // Reads stay open.
    let d = app.gql(r#"{ actors { nodes { name } } }"#, json!({})).await;
    assert_eq!(d["data"]["actors"]["nodes"], json!([{"name": "X"}]));
}

async fn bad_input(app: &TestApp) {
    let cases = [
        r#"{ events(filter: {from: "2024-02-30"}) { nodes { id } } }"#,
        r#"{ events(filter: {from: "2024-03-01", to: "2024-02-01"}) { nodes { id } } }"#,
        r#"{ events(first: 501) { nodes { id } } }"#,
        r#"{ events(first: -1) { nodes { id } } }"#,
        r#"{ events(first: 2, last: 2) { nodes { id } } }"#,
        r#"{ events(after: "garbage") { nodes { id } } }"#,
        r#"{ event(id: "abc") { id } }"#,
        r#"{ events(filter: {actors: ["  "]}) { nodes { id } } }"#,
        r#"{ nosuchfield }"#,
        r#"{ events { "#,
        r#"mutation { createEvent(input: {title: "t", kind: OTHER, date: {start: "2024-02-01", end: "2024-01-01", precision: DAY}}) { id } }"#,
        r#"mutation { createEvent(input: {title: "  ", kind: OTHER, date: {start: "2024-02-01", precision: DAY}}) { id } }"#,
        r#"mutation { createEvent(input: {title: "t", kind: OTHER, confidence: 2, date: {start: "2024-02-01", precision: DAY}}) { id } }"#,
        r#"mutation { createActor(input: {name: "Y", kind: STATE, wikidata: "30"}) { id } }"#,
    ];
    for q in cases {
        assert_eq!(
            app.codes(Some(TOKEN), q, json!({})).await,
            ["BAD_USER_INPUT"],
            "{q}"
        );
    }
    // Unknown ids: null for lookups, NOT_FOUND for writes.
    let d = app
        .ok(
            r#"{ event(id: "999999") { id } actor(id: "999999") { id } article(id: "5") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d, json!({"event": null, "actor": null, "article": null}));
    assert_eq!(
        app.codes(
            Some(TOKEN),
            r#"mutation { createEvent(input: {title: "t", kind: OTHER, date: {start: "2024-02-01", precision: DAY}, actors: [{actorId: "424242"}]}) { id } }"#,
            json!({})
        )
        .await,
        ["NOT_FOUND"]
    );
    // Nothing half-written: the failed event is not there.
    assert!(app.titles(json!({})).await.is_empty());
    // A broken unique key is the caller's, told by what the key means,
    // on both backends (PostgreSQL names the constraint, SQLite the column).
    let dup =
        r#"mutation { createActor(input: {name: "Z", kind: STATE, wikidata: "Q31"}) { id } }"#;
    app.ok(dup, json!({})).await;
    let d = app.gql_w(dup, json!({})).await;
    assert_eq!(
        d["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{d}"
    );
    assert_eq!(
        d["errors"][0]["message"], "an actor with that wikidata id already exists",
        "{d}"
    );
    let d = app
        .ok(r#"mutation { deleteEvent(id: "77") }"#, json!({}))
        .await;
    assert_eq!(d["deleteEvent"], false);
}

async fn limits(app: &TestApp) {
    // Too deep.
    let deep = r#"{ events { nodes { actors { actor { events { nodes { actors { actor { events { nodes { actors { actor { events { nodes { id } } } } } } } } } } } } } } }"#;
    assert_eq!(app.codes(None, deep, json!({})).await, ["BAD_USER_INPUT"]);
    // Too complex: the largest pages nested.
    let wide = r#"{ events(first: 500) { nodes { actors { actor { events(first: 500) { nodes { id title summary kind } } } } } } }"#;
    assert_eq!(app.codes(None, wide, json!({})).await, ["BAD_USER_INPUT"]);
    // Body too large.
    let big = "x".repeat(2 << 20);
    let resp = app
        .client
        .post(format!("{}/graphql", app.addr))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"query": "{{ events {{ nodes {{ id }} }} }}", "pad": "{big}"}}"#
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    // Not JSON at all.
    let resp = app
        .client
        .post(format!("{}/graphql", app.addr))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

async fn updates_and_deletes(app: &TestApp) {
    let a = app.actor("Iraq", Some("العراق"), &[]).await;
    let b = app.actor("Syria", Some("سوريا"), &[]).await;
    let id = app
        .event_with(
            "talks",
            json!({"start": "2014-09-01", "precision": "MONTH"}),
            &[&a],
            json!({"summary": "first", "quantity": {"value": 85, "unit": "members"}}),
        )
        .await;
    let d = app
        .ok(
            "mutation($id: ID!) { updateEvent(id: $id, input: {title: \"talks resumed\", summary: null, quantity: null, kind: NEGOTIATION, status: REJECTED,
                date: {start: \"2014-09-10\", precision: DAY}, actors: [{actorId: \"B\", role: AGENT}]}) { title summary quantity { value } kind status date { edtf } actors { role actor { name } } } }"
                .replace("\"B\"", &format!("\"{b}\""))
                .as_str(),
            json!({"id": id}),
        )
        .await;
    assert_eq!(
        d["updateEvent"],
        json!({"title": "talks resumed", "summary": null, "quantity": null, "kind": "NEGOTIATION", "status": "REJECTED",
               "date": {"edtf": "2014-09-10"}, "actors": [{"role": "AGENT", "actor": {"name": "Syria"}}]})
    );
    // Rejected events are hidden unless asked for.
    assert!(app.titles(json!({})).await.is_empty());
    assert_eq!(
        app.titles(json!({"status": ["REJECTED"]})).await,
        ["talks resumed"]
    );
    // Actor changes keep old spellings findable.
    let d = app
        .ok(
            "mutation($id: ID!) { updateActor(id: $id, input: {name: \"Republic of Iraq\", wikidata: \"Q796\"}) { name wikidata } addActorAlias(actorId: $id, alias: \"بلاد الرافدين\", lang: \"ar\") { aliases { alias lang } } }",
            json!({"id": a}),
        )
        .await;
    assert_eq!(
        d["updateActor"],
        json!({"name": "Republic of Iraq", "wikidata": "Q796"})
    );
    let aliases: Vec<&str> = d["addActorAlias"]["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["alias"].as_str().unwrap())
        .collect();
    assert_eq!(
        aliases,
        ["Iraq", "العراق", "Republic of Iraq", "بلاد الرافدين"]
    );
    let d = app
        .ok(
            "mutation($id: ID!) { deleteEvent(id: $id) }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(d["deleteEvent"], true);
    assert!(app.titles(json!({"status": ["REJECTED"]})).await.is_empty());
}

async fn text_kinds_and_articles(app: &TestApp) {
    let art = app
        .store
        .create_article(&NewArticle {
            url: Some("https://news.example/a1".into()),
            title: Some("Talks".into()),
            outlet: Some("Example News".into()),
            language: Some("en".into()),
            published_on: chrono::NaiveDate::from_ymd_opt(2024, 1, 26),
            body: "Yesterday the ministry announced the talks. Later more.".into(),
        })
        .await
        .unwrap();
    let e1 = app
        .event_with(
            "Ministry announces talks",
            day("2024-01-25"),
            &[],
            json!({"kind": "NEGOTIATION", "summary": "Rounds of negotiation on withdrawal"}),
        )
        .await;
    app.event_with(
        "Drone attack on a base",
        day("2024-01-20"),
        &[],
        json!({"kind": "ATTACK"}),
    )
    .await;
    app.store
        .add_mention(
            e1.parse().unwrap(),
            &NewMention {
                article_id: art.id,
                sentence: "Yesterday the ministry announced the talks.".into(),
                span: (0, 44),
                when_text: Some("Yesterday".into()),
                when_span: Some((0, 9)),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        app.titles(json!({"text": "talks"})).await,
        ["Ministry announces talks"]
    );
    assert_eq!(
        app.titles(json!({"text": "negotiation withdrawal"})).await,
        ["Ministry announces talks"]
    );
    assert!(app
        .titles(json!({"text": "negotiation drone"}))
        .await
        .is_empty());
    assert_eq!(
        app.titles(json!({"kinds": ["ATTACK"]})).await,
        ["Drone attack on a base"]
    );
    assert_eq!(
        app.titles(json!({"articleId": art.id.to_string()})).await,
        ["Ministry announces talks"]
    );
    let d = app
        .ok(
            "query($id: ID!) { event(id: $id) { sourceCount mentions { sentence span whenText whenSpan article { url outlet publishedOn } } } articles { nodes { title } } }",
            json!({"id": e1}),
        )
        .await;
    assert_eq!(
        d["event"],
        json!({"sourceCount": 1, "mentions": [{"sentence": "Yesterday the ministry announced the talks.", "span": [0, 44],
               "whenText": "Yesterday", "whenSpan": [0, 9],
               "article": {"url": "https://news.example/a1", "outlet": "Example News", "publishedOn": "2024-01-26"}}]})
    );
    assert_eq!(d["articles"]["nodes"], json!([{"title": "Talks"}]));
}

/// Dual dating: every date has its Hijri reading; an article's Hijri date
/// is remembered and shown first; exports carry both.
async fn hijri_dual_dating(app: &TestApp) {
    // Through the real ingest path: an article that dates by the Hijri calendar.
    let q = "mutation($a: ArticleInput!) { ingestArticle(input: $a) { events { title date { start calendar } } } }";
    let body = "أطلقت اللجنة الوطنية للإغاثة في 15 رمضان 1445هـ حملة لتوزيع المساعدات في حلب.";
    let d = app
        .ok(
            q,
            json!({"a": {"url": "https://t.example/hijri", "published": "2024-03-26", "language": "ar", "body": body}}),
        )
        .await;
    let events = d["ingestArticle"]["events"].as_array().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e["date"] == json!({"start": "2024-03-25", "calendar": "HIJRI"})),
        "{events:?}"
    );
    let march = json!({"start": "2024-03-01", "precision": "MONTH"});
    app.event("a Gregorian month", march, &[]).await;
    app.event(
        "a Hijri day entered by hand",
        json!({"start": "2024-03-11", "precision": "DAY", "calendar": "HIJRI"}),
        &[],
    )
    .await;
    app.event("before the Hijra", day("0600-01-01"), &[]).await;
    let fields = r#"title date { calendar label ar: label(lang: "ar") both: label(calendar: BOTH)
        greg: label(calendar: GREGORIAN) hijriOnly: label(lang: "ar", calendar: HIJRI)
        hijri { start { year month day monthName iso } end { iso } tabular label(lang: "ar") } }"#;
    let d = app
        .ok(
            &format!("{{ events(filter: {{to: \"2024-03-12\"}}) {{ nodes {{ {fields} }} }} }}"),
            json!({}),
        )
        .await;
    let by_title = |t: &str| {
        d["events"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["title"] == t)
            .unwrap_or_else(|| panic!("{t} in {d}"))["date"]
            .clone()
    };
    let before = by_title("before the Hijra");
    assert_eq!(before["hijri"], Value::Null, "no Hijri reading before 1 AH");
    assert_eq!(before["hijriOnly"], "1 كانون الثاني/يناير 600");
    let month = by_title("a Gregorian month");
    assert_eq!(month["calendar"], "GREGORIAN");
    assert_eq!(month["label"], "March 2024");
    assert_eq!(month["both"], "March 2024 (Sha'ban – Ramadan 1445 AH)");
    assert_eq!(month["hijri"]["start"]["iso"], "1445-08-20");
    assert_eq!(month["hijri"]["end"]["iso"], "1445-09-21");
    let hand = by_title("a Hijri day entered by hand");
    assert_eq!(
        hand["hijri"]["start"],
        json!({"year": 1445, "month": 9, "day": 1, "monthName": "Ramadan", "iso": "1445-09-01"})
    );
    assert_eq!(hand["hijri"]["tabular"], false);
    assert_eq!(hand["label"], "1 Ramadan 1445 AH (11 March 2024)");
    assert_eq!(hand["ar"], "1 رمضان 1445 هـ (11 آذار/مارس 2024)");
    assert_eq!(hand["greg"], "11 March 2024");
    assert_eq!(hand["hijriOnly"], "1 رمضان 1445 هـ");
    assert_eq!(hand["hijri"]["label"], "1 رمضان 1445 هـ");

    // Exports: the NDJSON line and the CSV row carry the Hijri reading.
    let text = app
        .get("/export/events.ndjson?to=2024-03-12")
        .await
        .text()
        .await
        .unwrap();
    let line = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["title"] == "a Hijri day entered by hand")
        .unwrap();
    assert_eq!(line["date"]["calendar"], "hijri");
    assert_eq!(line["date"]["hijri"]["start"], "1445-09-01");
    assert_eq!(line["date"]["hijri"]["label_ar"], "1 رمضان 1445 هـ");
    let csv_text = app
        .get("/export/events.csv?to=2024-03-12")
        .await
        .text()
        .await
        .unwrap();
    let mut rows = csv::Reader::from_reader(csv_text.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[col("title")] == "a Gregorian month")
        .unwrap();
    assert_eq!(&row[col("calendar")], "gregorian");
    assert_eq!(&row[col("hijri_start")], "1445-08-20");
    assert_eq!(&row[col("hijri_label")], "Sha'ban – Ramadan 1445 AH");
}

/// Nested lists are batched: the statements a request runs do not grow with the page size.
async fn no_n_plus_one(app: &TestApp) {
    let art = app
        .store
        .create_article(&NewArticle {
            body: "A body.".into(),
            published_on: chrono::NaiveDate::from_ymd_opt(2024, 1, 1),
            ..Default::default()
        })
        .await
        .unwrap();
    let a = app.actor("A", None, &[("alpha", "en")]).await;
    let b = app.actor("B", None, &[]).await;
    for i in 0..40 {
        let id = app
            .event(&format!("e{i}"), day("2022-01-01"), &[&a, &b])
            .await;
        app.store
            .add_mention(
                id.parse().unwrap(),
                &NewMention {
                    article_id: art.id,
                    sentence: "A body.".into(),
                    span: (0, 7),
                    when_text: None,
                    when_span: None,
                },
            )
            .await
            .unwrap();
    }
    let q = "query($n: Int) { events(first: $n, filter: {actors: [\"alpha\"]}) { nodes { title actors { role actor { name aliases { alias } } } mentions { sentence article { url } } sourceCount } } }";
    let mut counts = vec![];
    app.settle().await;
    for n in [2, 40] {
        let before = app.store.statement_count();
        let d = app.ok(q, json!({"n": n})).await;
        counts.push(app.store.statement_count() - before);
        assert_eq!(d["events"]["nodes"].as_array().unwrap().len(), n as usize);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for 2 and 40 events: {counts:?}"
    );
    assert!(counts[1] <= 8, "too many statements: {counts:?}");
    // Revisions come through a batch loader, not one query per event.
    let before = app.store.statement_count();
    app.ok(
        "{ events(first: 40) { nodes { revisions { action } } } }",
        json!({}),
    )
    .await;
    let n = app.store.statement_count() - before;
    assert!(n <= 8, "revisions of 40 events took {n} statements");
}

async fn health_and_graphiql(app: &TestApp) {
    let r = app.get("/health").await;
    assert_eq!(r.status().as_u16(), 200);
    let r = app.get("/graphql").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("graphiql"));
    // CORS: the configured origin is allowed.
    let r = app
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.addr))
        .header("Origin", "https://dash.example")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some("https://dash.example")
    );
    // A browser on that origin can read an export's sync token.
    let r = app
        .client
        .get(format!("{}/export/events.ndjson", app.addr))
        .header("Origin", "https://dash.example")
        .send()
        .await
        .unwrap();
    let exposed = r
        .headers()
        .get("access-control-expose-headers")
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
        .unwrap_or_default();
    assert!(exposed.contains("x-tarikh-sync-token"), "{exposed:?}");
}

on_both_backends!(
    date_ranges,
    bce_ordering,
    actor_filters,
    actor_role_filter,
    actor_timeline,
    pagination,
    timeline,
    writes_need_a_token,
    bad_input,
    limits,
    updates_and_deletes,
    text_kinds_and_articles,
    hijri_dual_dating,
    no_n_plus_one,
    health_and_graphiql,
);

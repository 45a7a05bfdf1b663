//! Arabic-aware full-text search on both backends: `EventFilter.text` over
//! event titles, summaries and mention sentences, `articles(search)` over
//! article titles and bodies. Each query needs one normalization step.

use serde_json::{json, Value};
use tarikh::domain::{EventId, NewArticle, NewMention};

use crate::common::{day, TestApp};

async fn mention(app: &TestApp, event: &str, article: tarikh::domain::ArticleId, sentence: &str) {
    let n = sentence.chars().count() as i32;
    let event: EventId = event.parse().unwrap();
    app.store
        .add_mention(
            event,
            &NewMention {
                article_id: article,
                sentence: sentence.into(),
                span: (0, n),
                when_text: None,
                when_span: None,
            },
        )
        .await
        .unwrap();
}

async fn seed(app: &TestApp) {
    let art = app
        .store
        .create_article(&NewArticle {
            url: Some("https://news.example/ar1".into()),
            title: Some("اجتماع في بغداد".into()),
            outlet: Some("Example".into()),
            language: Some("ar".into()),
            published_on: chrono::NaiveDate::from_ymd_opt(2024, 1, 26),
            body: "التقى الوزير بممثلي والحكومة العراقية، وبحثوا انسحاب القوات من المستشفى.".into(),
        })
        .await
        .unwrap();
    let meeting = app
        .event("اجتماع الوزير والحكومة العراقية", day("2024-01-25"), &[])
        .await;
    mention(
        app,
        &meeting,
        art.id,
        "التقى الوزير بممثلي والحكومة العراقية",
    )
    .await;
    app.event_with(
        "Drone attack on a base",
        day("2024-01-20"),
        &[],
        json!({"summary": "قال الجيش إن المسلحين هاجموا القاعدة بطائرة مسيّرة"}),
    )
    .await;
    app.event("قصف قرب مستشفى إسرائيلي", day("2024-01-21"), &[])
        .await;
    let talks = app.event("Talks", day("2024-01-22"), &[]).await;
    mention(
        app,
        &talks,
        art.id,
        "Negotiations resumed in Doha after the ceasefire.",
    )
    .await;
}

async fn text_search_normalizes_both_sides(app: &TestApp) {
    seed(app).await;
    let meeting = ["اجتماع الوزير والحكومة العراقية"];
    let cases: &[(&str, &str, &[&str])] = &[
        ("the article without its clitics", "الحكومة", &meeting),
        ("ta marbuta written as ha", "الحكومه", &meeting),
        ("tatweel", "الحكـــومة", &meeting),
        ("diacritics", "الحُكومَة", &meeting),
        (
            "a sound plural stemmed",
            "المسلحون",
            &["Drone attack on a base"],
        ),
        ("alef maqsura", "مستشفي", &["قصف قرب مستشفى إسرائيلي"]),
        ("alef with hamza", "اسرائيلي", &["قصف قرب مستشفى إسرائيلي"]),
        (
            "an English stem, in a mention sentence",
            "negotiation",
            &["Talks"],
        ),
        ("every word, in one sentence", "Doha ceasefire", &["Talks"]),
        (
            "words from two events match neither",
            "ceasefire drone",
            &[],
        ),
        ("punctuation alone matches nothing", "«»!؟", &[]),
        ("an FTS5 operator is a word", "NEAR", &[]),
        ("a quote is not syntax", "\"talks", &["Talks"]),
    ];
    for (what, text, want) in cases {
        assert_eq!(app.titles(json!({"text": text})).await, *want, "{what}");
    }
    // The text filter combines with the others.
    assert_eq!(
        app.titles(json!({"text": "الحكومة", "to": "2024-01-24"}))
            .await,
        Vec::<String>::new()
    );
}

async fn article_search(app: &TestApp) {
    seed(app).await;
    let q = "query($s: String) { articles(search: $s) { nodes { title } } }";
    for (text, n) in [
        ("الحكومة", 1),
        ("المستشفي", 1),
        ("انسحاب القوات", 1),
        ("Doha", 0),
    ] {
        let d = app.ok(q, json!({"s": text})).await;
        assert_eq!(
            d["articles"]["nodes"].as_array().unwrap().len(),
            n,
            "{text}"
        );
    }
    let long = "كلمة ".repeat(40);
    let codes = app.codes(None, q, json!({"s": long})).await;
    assert_eq!(codes, ["BAD_USER_INPUT"]);
}

/// Rows stored before the search migration are indexed when the store
/// migrates again.
async fn rows_from_before_search_are_indexed(app: &TestApp) {
    use migration::{Migrator, MigratorTrait};
    seed(app).await;
    // The migrations below run on a connection of their own: no export
    // documents may be written beside them.
    app.settle().await;
    let db = sea_orm::Database::connect(app.url.as_str()).await.unwrap();
    // migrations 13 (write notifications), 12 (places) and 11 (search)
    Migrator::down(&db, Some(3)).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    db.close().await.unwrap();
    assert!(app.titles(json!({"text": "الحكومة"})).await.is_empty());
    app.store.migrate().await.unwrap();
    assert_eq!(
        app.titles(json!({"text": "الحكومة"})).await,
        ["اجتماع الوزير والحكومة العراقية"]
    );
    assert_eq!(app.titles(json!({"text": "ceasefire"})).await, ["Talks"]);
    let d = app
        .ok(
            "{ articles(search: \"انسحاب\") { nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["articles"]["nodes"],
        json!([{"title": "اجتماع في بغداد"}])
    );
}

/// `orderBy: RELEVANCE`: best match first; pages forward and backward
/// with rank cursors give the same sequence as one page.
async fn relevance_order(app: &TestApp) {
    app.event_with(
        "Ceasefire",
        day("2024-01-01"),
        &[],
        json!({"summary": "ceasefire ceasefire ceasefire"}),
    )
    .await;
    app.event("A ceasefire in the south", day("2024-01-02"), &[])
        .await;
    app.event(
        "Talks in Doha on prisoners, aid, borders, reconstruction and, last, a ceasefire",
        day("2024-01-03"),
        &[],
    )
    .await;
    app.event("Unrelated", day("2024-01-04"), &[]).await;
    let q = "query($after: String, $before: String, $first: Int, $last: Int) { \
             events(filter: {text: \"ceasefire\"}, orderBy: RELEVANCE, first: $first, after: $after, last: $last, before: $before) { \
             nodes { title } edges { cursor } pageInfo { hasNextPage hasPreviousPage } } }";
    let all = app.ok(q, json!({"first": 10})).await;
    let titles = crate::common::node_titles(&all);
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert_eq!(titles[0], "Ceasefire");
    assert_eq!(titles[1], "A ceasefire in the south");
    let mut paged = vec![];
    let mut after = Value::Null;
    loop {
        let d = app.ok(q, json!({"first": 1, "after": after})).await;
        paged.extend(crate::common::node_titles(&d));
        if d["events"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = d["events"]["edges"][0]["cursor"].clone();
    }
    assert_eq!(paged, titles);
    let last = all["events"]["edges"][2]["cursor"].clone();
    let back = app.ok(q, json!({"last": 2, "before": last})).await;
    assert_eq!(crate::common::node_titles(&back), titles[..2]);
    let codes = app
        .codes(
            None,
            "{ events(orderBy: RELEVANCE) { nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(codes, ["BAD_USER_INPUT"]);
    // A cursor of another order is refused.
    let date_cursor = app
        .ok("{ events(first: 1) { edges { cursor } } }", json!({}))
        .await["events"]["edges"][0]["cursor"]
        .clone();
    let codes = app
        .codes(None, q, json!({"first": 1, "after": date_cursor}))
        .await;
    assert_eq!(codes, ["BAD_USER_INPUT"]);
}

on_both_backends!(
    relevance_order,
    text_search_normalizes_both_sides,
    article_search,
    rows_from_before_search_are_indexed,
);

/// PostgreSQL's `tarikh` configuration and the Rust stemmers SQLite relies
/// on are the same Snowball algorithms: they agree word for word.
#[tokio::test]
async fn postgres_and_rust_stem_alike() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::spawn(crate::common::Backend::Postgres).await;
    let db = sea_orm::Database::connect(app.url.as_str()).await.unwrap();
    let text = "والحكومة العراقية المسلحين مسلحون الهجمات هجوم بالصواريخ للمفاوضات وزير \
                مستشفى استشهاد المدنيين negotiations talks attacked forces ceasefire withdrew";
    let form = tarikh::domain::search::index_form(text);
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT array_to_string(array_agg(lexeme ORDER BY pos), ' ') FROM \
             (SELECT lexeme, unnest(positions) AS pos FROM unnest(to_tsvector('tarikh', $1))) w",
            [form.clone().into()],
        ))
        .await
        .unwrap()
        .unwrap();
    let postgres: String = row.try_get_by_index(0).unwrap();
    assert_eq!(
        postgres,
        tarikh::domain::search::stemmed_form(text),
        "{form}"
    );
    db.close().await.unwrap();
    app.cleanup().await;
}

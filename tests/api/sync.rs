//! Incremental sync by token: no write is missed, whatever order writers
//! commit in.

use serde_json::{json, Value};

use crate::common::{self, TestApp};
use crate::helpers::*;

/// Incremental sync by token misses no write, whatever order writers
/// commit in: a write made before the next sync's token was taken but
/// committed after that sync's read comes with the sync after it (a time
/// watermark would put it behind). At least once; on SQLite (one writer)
/// a token taken with nothing running brings nothing back.
async fn sync_tokens_miss_no_late_commit(app: &TestApp) {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    use tarikh::domain::Change;
    let day = chrono::NaiveDate::from_ymd_opt(2015, 6, 1).unwrap();
    let mut ids = vec![];
    for title in ["first", "second"] {
        ids.push(store_event(app, title, "meeting", day).await);
    }
    let changed = |token: String| async move {
        let d = app
            .ok(
                "query($t: String!) { events(filter: {changedSince: $t}) { nodes { id title } } }",
                json!({"t": token}),
            )
            .await;
        d["events"]["nodes"].as_array().unwrap().clone()
    };
    // A full sync: the token before the read.
    let t0 = app.ok("{ syncToken }", json!({})).await["syncToken"]
        .as_str()
        .unwrap()
        .to_string();
    let again = changed(t0.clone()).await;
    if app.backend() == common::Backend::Sqlite {
        assert_eq!(again.len(), 0, "nothing written since t0: {again:?}");
    } else {
        // PostgreSQL's token is the oldest transaction running in the
        // whole cluster (other tests' databases included): while one runs,
        // what came before may come again (at least once), never more.
        let known: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        assert!(
            again.len() <= 2
                && again
                    .iter()
                    .all(|e| known.iter().any(|k| e["id"].as_str() == Some(k.as_str()))),
            "only what was written before t0 may come again: {again:?}"
        );
    }

    // Another writer changes the first event and holds its commit while a
    // later writer commits and the next sync takes its token and reads.
    let other = sea_orm::Database::connect(app.url.as_str()).await.unwrap();
    let txn = other.begin().await.unwrap();
    txn.execute_unprepared(&format!(
        "UPDATE event SET title = 'late' WHERE id = {}",
        ids[0]
    ))
    .await
    .unwrap();
    if app.backend() == common::Backend::Postgres {
        // (SQLite has one writer: this would wait for the commit.)
        let patch = tarikh::domain::EventPatch {
            title: Some("second, edited".into()),
            ..Default::default()
        };
        app.store
            .update_event(ids[1], &patch, &Change::by("test"))
            .await
            .unwrap();
    }
    let t1 = app.store.sync_token().await.unwrap().to_string();
    let seen = changed(t0.clone()).await;
    assert!(
        seen.iter().all(|e| e["title"] != "late"),
        "uncommitted: {seen:?}"
    );
    txn.commit().await.unwrap();
    other.close().await.unwrap();

    // The sync after it gets the late write.
    let next = changed(t1.clone()).await;
    assert!(
        next.iter()
            .any(|e| e["id"].as_str() == Some(&ids[0].to_string()) && e["title"] == "late"),
        "the late commit is missing: {next:?}"
    );
    // Deleted events come the same way, as tombstones.
    let t2 = app.store.sync_token().await.unwrap().to_string();
    assert!(app
        .store
        .delete_event(ids[1], &Change::by("test"))
        .await
        .unwrap());
    let d = app
        .ok(
            "query($t: String) { tombstones(changedSince: $t) { eventId } }",
            json!({"t": t2}),
        )
        .await;
    assert_eq!(d["tombstones"][0]["eventId"], ids[1].to_string());
    if app.backend() == common::Backend::Sqlite {
        let t3 = app.store.sync_token().await.unwrap().to_string();
        assert_eq!(changed(t3).await.len(), 0, "SQLite tokens are exact");
    }

    // The CLI prints the token it took; HTTP sends it in a header; a bad
    // token is the caller's error.
    let out = tarikh(app, &["export", "--changed-since", &t1]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.contains("sync token "), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"late\""));
    // A resumed export gives no token: the resumed one's is to be kept.
    let first: Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    let cursor = first["cursor"].as_str().unwrap();
    let resumed = tarikh(app, &["export", "--after", cursor]);
    let err = String::from_utf8_lossy(&resumed.stderr);
    assert!(
        resumed.status.success() && !err.contains("--changed-since"),
        "{err}"
    );
    let resp = app
        .get(&format!("/export/events.ndjson?after={cursor}"))
        .await;
    assert_eq!(resp.status(), 200);
    assert!(resp
        .headers()
        .get(tarikh::http::SYNC_TOKEN_HEADER)
        .is_none());
    let bad = tarikh(app, &["export", "--changed-since", "yesterday"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sync token"));
    let resp = app
        .get(&format!("/export/events.ndjson?changedSince={t1}"))
        .await;
    assert_eq!(resp.status(), 200);
    let header = resp.headers()[tarikh::http::SYNC_TOKEN_HEADER]
        .to_str()
        .unwrap();
    assert!(header.parse::<i64>().unwrap() >= t1.parse::<i64>().unwrap());
    assert!(resp.text().await.unwrap().contains("\"late\""));
    let err = app.get("/export/tombstones.ndjson?changedSince=x").await;
    assert_eq!(err.status(), 400);
    let codes = app
        .codes(
            None,
            "{ events(filter: {changedSince: \"-1\"}) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(codes, ["BAD_USER_INPUT"]);
}

on_both_backends!(sync_tokens_miss_no_late_commit,);

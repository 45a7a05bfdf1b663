//! Corrections with history: revisions and tombstones.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{format_date, ActorId, Event, EventId, Id};

/// Who changes an event, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Token name of a person, or `ingest` / `reextract` for the machine.
    pub by: String,
    /// Optional reason.
    pub note: Option<String>,
}

impl Change {
    /// A change by `by` without a note.
    pub fn by(by: &str) -> Change {
        Change {
            by: by.to_string(),
            note: None,
        }
    }

    /// The same change with `what` in front of its note: "what: note", or
    /// `what` alone when there was no note.
    pub fn noted(&self, what: String) -> Change {
        let note = match &self.note {
            Some(n) => format!("{what}: {n}"),
            None => what,
        };
        Change {
            by: self.by.clone(),
            note: Some(note),
        }
    }
}

/// One recorded change to an event.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub id: Id,
    pub event_id: EventId,
    pub at: DateTime<Utc>,
    pub by: String,
    /// create, update, merge, split, reextract or delete.
    pub action: String,
    pub note: Option<String>,
    /// The changed fields as they were (null for a creation).
    pub before: Option<Value>,
    /// The changed fields as they became (null for a deletion).
    pub after: Option<Value>,
}

/// A deleted, merged or rejected event, for export jobs that mirror the store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tombstone {
    pub id: Id,
    pub event_id: EventId,
    /// `deleted`, `merged` or `rejected` (rejected events are left out of exports by default).
    pub reason: String,
    pub merged_into: Option<EventId>,
    pub at: DateTime<Utc>,
}

/// The fields of an event that revisions track, as JSON.
pub fn snapshot(e: &Event, actors: &[(ActorId, super::ActorRole)]) -> Value {
    let mut actors: Vec<(ActorId, &str)> = actors.iter().map(|(a, r)| (*a, r.as_str())).collect();
    actors.sort();
    serde_json::json!({
        "title": e.title,
        "summary": e.summary,
        "kind": e.kind.as_str(),
        "date": {
            "start": format_date(e.date.start),
            "end": format_date(e.date.end),
            "precision": e.date.precision.as_str(),
            "approximate": e.date.approximate,
            "modifier": e.date.modifier.map(|m| m.as_str()),
            "edtf": e.date.edtf(),
        },
        "quantity": e.quantity.as_ref().map(|q| serde_json::json!({"value": q.value, "unit": q.unit})),
        "quantities": e.quantities.iter().map(|q| serde_json::json!({"value": q.value, "unit": q.unit, "qualifier": q.qualifier.map(|x| x.as_str())})).collect::<Vec<_>>(),
        "confidence": e.confidence,
        "status": e.status.as_str(),
        "actors": actors.iter().map(|(a, r)| serde_json::json!({"actor": a, "role": r})).collect::<Vec<_>>(),
    })
}

/// `snap` with the event's places (kept out when it has none, so the
/// snapshots of events without places read as before places existed).
pub fn with_places(mut snap: Value, places: &[(super::PlaceId, super::PlaceRole)]) -> Value {
    if let (false, Some(o)) = (places.is_empty(), snap.as_object_mut()) {
        let mut v: Vec<(super::PlaceId, &str)> =
            places.iter().map(|(p, r)| (*p, r.as_str())).collect();
        v.sort();
        v.dedup();
        o.insert(
            "places".into(),
            v.iter()
                .map(|(p, r)| serde_json::json!({"place": p, "role": r}))
                .collect(),
        );
    }
    snap
}

/// The fields that differ between two snapshots: `(before, after)`, or
/// `None` when nothing changed.
pub fn diff(before: &Value, after: &Value) -> Option<(Value, Value)> {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return (before != after).then(|| (before.clone(), after.clone()));
    };
    let mut db = Map::new();
    let mut da = Map::new();
    // a key only one side has (an event's places, once all are removed)
    // counts as null on the other
    for k in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
        let bv = b.get(k).unwrap_or(&Value::Null);
        let av = a.get(k).unwrap_or(&Value::Null);
        if bv != av {
            db.insert(k.clone(), bv.clone());
            da.insert(k.clone(), av.clone());
        }
    }
    (!da.is_empty()).then_some((Value::Object(db), Value::Object(da)))
}

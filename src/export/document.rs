//! The document of one event: everything an export shows of it (dates
//! with labels and EDTF, actors with roles, sources with their sentences,
//! quantities), made from its rows and stored as the JSON text of its
//! NDJSON line. Every format is rendered from it.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::domain::place::places;
use crate::domain::EventOrder;
use crate::domain::{
    format_date, Actor, ActorId, ActorRole, ArticleId, ArticleRef, CalendarView, Count, Event,
    EventId, Mention, MentionId, PlaceId, PlaceRole, Quantity,
};
use crate::storage::{Cursor, Store, StoreError};

/// An actor of a row with its role.
pub type ActorLink = (Arc<Actor>, ActorRole);

/// An event with everything an export shows, as read from the store
/// (actors and articles are shared between the rows of a page, not copied).
#[derive(Debug, Clone)]
pub struct Row {
    pub event: Event,
    pub actors: Vec<ActorLink>,
    pub places: Vec<(PlaceId, PlaceRole)>,
    pub sources: Vec<(Mention, Option<Arc<ArticleRef>>)>,
}

/// Reads `events` with their actors, places and sources: five statements
/// whatever their number.
pub(super) async fn rows_of(store: &Store, events: Vec<Event>) -> Result<Vec<Row>, StoreError> {
    let ids: Vec<EventId> = events.iter().map(|e| e.id).collect();
    // Actors and sources are two independent chains: fetch them at once.
    let actors_chain = async {
        let links = store.event_actor_links(&ids).await?;
        let actor_ids: Vec<ActorId> = links.values().flatten().map(|(a, _)| *a).collect();
        let actors: HashMap<ActorId, Arc<Actor>> = store
            .actors_by_ids(&actor_ids)
            .await?
            .into_iter()
            .map(|a| (a.id, Arc::new(a)))
            .collect();
        let places = store.event_place_links(&ids).await?;
        Ok::<_, StoreError>((links, actors, places))
    };
    let sources_chain = async {
        let mentions = store.mentions_of_events(&ids).await?;
        let article_ids: Vec<ArticleId> =
            mentions.values().flatten().map(|m| m.article_id).collect();
        let articles: HashMap<ArticleId, Arc<ArticleRef>> = store
            .article_refs(&article_ids)
            .await?
            .into_iter()
            .map(|a| (a.id, Arc::new(a)))
            .collect();
        Ok::<_, StoreError>((mentions, articles))
    };
    let (a, b) = futures::join!(actors_chain, sources_chain);
    let ((mut links, actors, mut places), (mut mentions, articles)) = (a?, b?);
    Ok(events
        .into_iter()
        .map(|e| {
            let actors = links
                .remove(&e.id)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(a, r)| actors.get(&a).map(|x| (x.clone(), r)))
                .collect();
            let sources = mentions
                .remove(&e.id)
                .unwrap_or_default()
                .into_iter()
                .map(|m| {
                    let a = articles.get(&m.article_id).cloned();
                    (m, a)
                })
                .collect();
            Row {
                places: places.remove(&e.id).unwrap_or_default(),
                event: e,
                actors,
                sources,
            }
        })
        .collect())
}

/// An actor of an exported event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocActor {
    pub id: ActorId,
    pub name: String,
    pub name_ar: Option<String>,
    pub kind: String,
    pub wikidata: Option<String>,
    pub role: String,
}

/// A place of an exported event (version 4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocPlace {
    pub id: i64,
    pub name: String,
    pub name_ar: Option<String>,
    pub kind: String,
    pub country_code: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub geonames: Option<i64>,
    pub wikidata: Option<String>,
    pub role: String,
}

/// A source of an exported event: the sentence and where it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocSource {
    pub mention_id: MentionId,
    pub article_id: ArticleId,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub published_on: Option<String>,
    pub sentence: String,
    pub span: [i32; 2],
    pub when_text: Option<String>,
}

/// The date of an exported event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocDate {
    pub start: String,
    pub end: String,
    pub precision: String,
    pub approximate: bool,
    pub modifier: Option<String>,
    pub edtf: String,
    pub label_en: String,
    pub label_ar: String,
    /// `gregorian` or `hijri`: the calendar the source used (version 3).
    pub calendar: String,
    /// The interval in the Hijri calendar, absent outside 1–1600 AH.
    pub hijri: Option<DocHijri>,
}

/// The Hijri reading of an exported date (version 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocHijri {
    /// First day as `1445-09-01` (Hijri year, month, day).
    pub start: String,
    /// Last day, the same way.
    pub end: String,
    /// Before 1300 AH: the tabular rule, not the Umm al-Qura tables.
    pub tabular: bool,
    pub label_en: String,
    pub label_ar: String,
}

/// An event as every export format shows it; its JSON text is the NDJSON
/// line (field order included: [`DOC_VERSION`](super::DOC_VERSION) names this shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    pub id: EventId,
    pub cursor: String,
    pub title: String,
    pub summary: Option<String>,
    pub kind: String,
    pub status: String,
    pub confidence: f64,
    pub date: DocDate,
    pub quantity: Option<Quantity>,
    /// Every count, `{value, unit, qualifier}` (version 2).
    pub quantities: Vec<Count>,
    pub actors: Vec<DocActor>,
    /// Where it happened, with roles (version 4).
    #[serde(default)]
    pub places: Vec<DocPlace>,
    pub sources: Vec<DocSource>,
    pub source_count: usize,
    pub created_at: String,
    pub updated_at: String,
}

impl Doc {
    /// The document of a row read from the store.
    pub fn of(r: &Row) -> Doc {
        let e = &r.event;
        Doc {
            id: e.id,
            cursor: Cursor::of(e, EventOrder::DateAsc).encode(),
            title: e.title.clone(),
            summary: e.summary.clone(),
            kind: e.kind.as_str().into(),
            status: e.status.as_str().into(),
            confidence: e.confidence,
            date: DocDate {
                start: format_date(e.date.start),
                end: format_date(e.date.end),
                precision: e.date.precision.as_str().into(),
                approximate: e.date.approximate,
                modifier: e.date.modifier.map(|m| m.as_str().into()),
                edtf: e.date.edtf(),
                label_en: e.date.label("en"),
                label_ar: e.date.label("ar"),
                calendar: e.date.calendar.as_str().into(),
                hijri: e.date.hijri().map(|h| DocHijri {
                    start: h.start.iso(),
                    end: h.end.iso(),
                    tabular: h.tabular,
                    label_en: e.date.label_in("en", CalendarView::Hijri),
                    label_ar: e.date.label_in("ar", CalendarView::Hijri),
                }),
            },
            quantity: e.quantity.clone(),
            quantities: e.quantities.clone(),
            actors: r
                .actors
                .iter()
                .map(|(a, role)| DocActor {
                    id: a.id,
                    name: a.name.clone(),
                    name_ar: a.name_ar.clone(),
                    kind: a.kind.as_str().into(),
                    wikidata: a.wikidata.clone(),
                    role: role.as_str().into(),
                })
                .collect(),
            places: r
                .places
                .iter()
                .filter_map(|(id, role)| {
                    let p = places().get(id.0)?;
                    Some(DocPlace {
                        id: p.id,
                        name: p.name.clone(),
                        name_ar: p.name_ar.clone(),
                        kind: p.kind.as_str().into(),
                        country_code: p.cc.clone(),
                        lat: p.lat,
                        lon: p.lon,
                        geonames: p.geonames,
                        wikidata: p.wikidata.clone(),
                        role: role.as_str().into(),
                    })
                })
                .collect(),
            sources: r
                .sources
                .iter()
                .map(|(m, a)| DocSource {
                    mention_id: m.id,
                    article_id: m.article_id,
                    url: a.as_ref().and_then(|a| a.url.clone()),
                    outlet: a.as_ref().and_then(|a| a.outlet.clone()),
                    published_on: a.as_ref().map(|a| format_date(a.published_on)),
                    sentence: m.sentence.clone(),
                    span: [m.span.0, m.span.1],
                    when_text: m.when_text.clone(),
                })
                .collect(),
            source_count: crate::domain::source_count(r.sources.iter().map(|(m, _)| m)),
            created_at: e.created_at.to_rfc3339(),
            updated_at: e.updated_at.to_rfc3339(),
        }
    }

    /// The JSON text (one line).
    pub fn json(&self) -> String {
        // Plain data with string keys: serialization cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Precision;
    use crate::domain::{ActorKind, Calendar, EventDate, EventKind, EventStatus, Qualifier};
    use crate::export::{Encoder, Format, Line, DOC_VERSION};
    use chrono::{NaiveDate, TimeZone, Utc};

    fn row() -> Row {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let at = Utc.with_ymd_and_hms(2024, 3, 15, 8, 30, 0).unwrap();
        let actor = Actor {
            id: ActorId(7),
            name: "Example State".into(),
            name_ar: Some("دولة المثال".into()),
            kind: ActorKind::State,
            wikidata: Some("Q42".into()),
            status: "active".into(),
        };
        let article = ArticleRef {
            id: ArticleId(3),
            url: Some("https://t.example/a".into()),
            title: None,
            outlet: Some("Test Wire".into()),
            published_on: day(2024, 3, 15),
        };
        Row {
            event: Event {
                id: EventId(11),
                title: "Talks \"resume\"".into(),
                summary: None,
                kind: EventKind::Meeting,
                date: EventDate {
                    start: day(2014, 9, 1),
                    end: day(2014, 9, 30),
                    precision: Precision::Month,
                    approximate: true,
                    modifier: None,
                    calendar: Calendar::Gregorian,
                },
                quantity: Some(Quantity {
                    value: 61.0,
                    unit: "attacks".into(),
                }),
                quantities: vec![Count {
                    value: 61.0,
                    unit: "attacks".into(),
                    qualifier: Some(Qualifier::AtLeast),
                }],
                confidence: 0.85,
                status: EventStatus::Extracted,
                created_at: at,
                updated_at: at,
                rev: 2,
            },
            actors: vec![(Arc::new(actor), ActorRole::Agent)],
            places: vec![(PlaceId(170794), PlaceRole::Where)],
            sources: vec![(
                Mention {
                    id: MentionId(5),
                    event_id: EventId(11),
                    article_id: ArticleId(3),
                    sentence: "Talks resumed in September 2014.".into(),
                    span: (0, 32),
                    when_text: Some("September 2014".into()),
                    when_span: Some((16, 30)),
                },
                Some(Arc::new(article)),
            )],
        }
    }

    /// The stored documents' format: when this line changes, bump
    /// `DOC_VERSION` (documents stored by older builds are then made
    /// again) and update the expected text.
    #[test]
    fn export_doc_format_is_pinned() {
        assert_eq!(DOC_VERSION, 4, "update the expected line with the version");
        let expected = r#"{"id":11,"cursor":"ZDo3MzU0Nzc6NzM1NTA2OjEx","title":"Talks \"resume\"","summary":null,"kind":"meeting","status":"extracted","confidence":0.85,"date":{"start":"2014-09-01","end":"2014-09-30","precision":"month","approximate":true,"modifier":null,"edtf":"2014-09~","label_en":"September 2014 (approx.)","label_ar":"أيلول/سبتمبر 2014 (تقريبًا)","calendar":"gregorian","hijri":{"start":"1435-11-06","end":"1435-12-06","tabular":false,"label_en":"Dhu al-Qa'dah – Dhu al-Hijjah 1435 AH (approx.)","label_ar":"ذو القعدة – ذو الحجة 1435 هـ (تقريبًا)"}},"quantity":{"value":61.0,"unit":"attacks"},"quantities":[{"value":61.0,"unit":"attacks","qualifier":"at_least"}],"actors":[{"id":7,"name":"Example State","name_ar":"دولة المثال","kind":"state","wikidata":"Q42","role":"agent"}],"places":[{"id":170794,"name":"Deir ez-Zor","name_ar":"دير الزور","kind":"city","country_code":"SY","lat":35.33588,"lon":40.14084,"geonames":170794,"wikidata":null,"role":"where"}],"sources":[{"mention_id":5,"article_id":3,"url":"https://t.example/a","outlet":"Test Wire","published_on":"2024-03-15","sentence":"Talks resumed in September 2014.","span":[0,32],"when_text":"September 2014"}],"source_count":1,"created_at":"2024-03-15T08:30:00+00:00","updated_at":"2024-03-15T08:30:00+00:00"}"#;
        assert_eq!(Doc::of(&row()).json(), expected);
    }

    /// Every format reads the document back to the same fields.
    #[test]
    fn doc_reads_back() {
        let d = Doc::of(&row());
        let back: Doc = serde_json::from_str(&d.json()).unwrap();
        assert_eq!(back, d);
        let line = Line {
            id: EventId(11),
            json: d.json(),
        };
        let mut enc = Encoder::new(Format::Timelinejs);
        let t = enc.row(&line).unwrap();
        let v: serde_json::Value = serde_json::from_str(t.trim()).unwrap();
        assert_eq!(
            v["start_date"],
            serde_json::json!({"year": 2014, "month": 9})
        );
        assert!(v.get("end_date").is_none());
        assert_eq!(v["group"], "Example State");
        let bad = Line {
            id: EventId(11),
            json: "{".into(),
        };
        assert!(Encoder::new(Format::Csv).row(&bad).is_err());
    }
}

//! The export formats: NDJSON, CSV (RFC 4180 with a header), EDTF CSV,
//! TimelineJS 3 JSON and GeoJSON, each rendered from an event's [`Doc`].

use chrono::Datelike;

use crate::domain::{parse_date, ActorRole, Precision, Tombstone};

use super::document::{Doc, DocActor, DocHijri, DocPlace};
use super::stream::Line;
use super::{ExportError, Format};

/// Turns rows into text in one format, piece by piece.
pub struct Encoder {
    format: Format,
    rows: usize,
    /// GeoJSON features written (a row writes one per place, or none).
    features: usize,
}

const CSV_HEADER: &[&str] = &[
    "id",
    "title",
    "summary",
    "kind",
    "status",
    "start",
    "end",
    "precision",
    "approximate",
    "modifier",
    "edtf",
    "label",
    "quantity_value",
    "quantity_unit",
    "confidence",
    "actors",
    "actor_wikidata",
    "source_count",
    "source_urls",
    "created_at",
    "updated_at",
    "cursor",
    "calendar",
    "hijri_start",
    "hijri_end",
    "hijri_label",
    "places",
    "place_countries",
    "place_points",
];

const EDTF_HEADER: &[&str] = &["id", "edtf", "title", "kind", "actors"];

fn csv_line(fields: &[String]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![]);
    // Writing to a Vec cannot fail.
    let _ = w.write_record(fields);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn csv_row(d: &Doc) -> String {
    let join =
        |f: &dyn Fn(&DocActor) -> String| d.actors.iter().map(f).collect::<Vec<_>>().join("; ");
    let places =
        |f: &dyn Fn(&DocPlace) -> String| d.places.iter().map(f).collect::<Vec<_>>().join("; ");
    let urls: Vec<&str> = d.sources.iter().filter_map(|s| s.url.as_deref()).collect();
    let hijri = |f: &dyn Fn(&DocHijri) -> String| d.date.hijri.as_ref().map(f).unwrap_or_default();
    csv_line(&[
        d.id.to_string(),
        d.title.clone(),
        d.summary.clone().unwrap_or_default(),
        d.kind.clone(),
        d.status.clone(),
        d.date.start.clone(),
        d.date.end.clone(),
        d.date.precision.clone(),
        d.date.approximate.to_string(),
        d.date.modifier.clone().unwrap_or_default(),
        d.date.edtf.clone(),
        d.date.label_en.clone(),
        d.quantity
            .as_ref()
            .map(|q| q.value.to_string())
            .unwrap_or_default(),
        d.quantity
            .as_ref()
            .map(|q| q.unit.clone())
            .unwrap_or_default(),
        d.confidence.to_string(),
        join(&|a| a.name.clone()),
        join(&|a| a.wikidata.clone().unwrap_or_default()),
        d.source_count.to_string(),
        urls.join(" "),
        d.created_at.clone(),
        d.updated_at.clone(),
        d.cursor.clone(),
        d.date.calendar.clone(),
        hijri(&|h| h.start.clone()),
        hijri(&|h| h.end.clone()),
        hijri(&|h| h.label_en.clone()),
        places(&|p| match p.role.as_str() {
            "where" => p.name.clone(),
            role => format!("{} ({role})", p.name),
        }),
        places(&|p| p.country_code.clone()),
        places(&|p| match (p.lat, p.lon) {
            (Some(a), Some(o)) => format!("{a} {o}"),
            _ => String::new(),
        }),
    ])
}

/// The GeoJSON features of an event: one point per place that has one,
/// with the event's fields as properties (RFC 7946: longitude first).
fn geojson_features(d: &Doc) -> Vec<String> {
    let actors: Vec<&str> = d.actors.iter().map(|a| a.name.as_str()).collect();
    d.places
        .iter()
        .filter_map(|p| {
            let (lat, lon) = (p.lat?, p.lon?);
            let f = serde_json::json!({
                "type": "Feature",
                "id": format!("{}-{}-{}", d.id, p.id, p.role),
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "event_id": d.id,
                    "title": d.title,
                    "kind": d.kind,
                    "start": d.date.start,
                    "end": d.date.end,
                    "precision": d.date.precision,
                    "edtf": d.date.edtf,
                    "label": d.date.label_en,
                    "actors": actors,
                    "source_count": d.source_count,
                    "place_id": p.id,
                    "place": p.name,
                    "place_ar": p.name_ar,
                    "place_kind": p.kind,
                    "country_code": p.country_code,
                    "role": p.role,
                    "cursor": d.cursor,
                },
            });
            Some(f.to_string())
        })
        .collect()
}

fn edtf_row(d: &Doc) -> String {
    let actors: Vec<&str> = d.actors.iter().map(|a| a.name.as_str()).collect();
    csv_line(&[
        d.id.to_string(),
        d.date.edtf.clone(),
        d.title.clone(),
        d.kind.clone(),
        actors.join("; "),
    ])
}

/// A TimelineJS date: only the parts the precision knows; years are
/// historical (no year zero: 44 BCE is -44).
fn tl_date(d: chrono::NaiveDate, p: Precision) -> serde_json::Value {
    let y = d.year();
    let year = if y <= 0 { y - 1 } else { y };
    match p {
        Precision::Day | Precision::Week => {
            serde_json::json!({"year": year, "month": d.month(), "day": d.day()})
        }
        Precision::Month | Precision::Quarter | Precision::Season => {
            serde_json::json!({"year": year, "month": d.month()})
        }
        _ => serde_json::json!({"year": year}),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn timeline_row(d: &Doc, lang: &str) -> Result<String, String> {
    let day = |s: &str| parse_date(s).map_err(|e| e.to_string());
    let (start, end) = (day(&d.date.start)?, day(&d.date.end)?);
    let precision = Precision::parse(&d.date.precision)
        .ok_or_else(|| format!("unknown precision {:?}", d.date.precision))?;
    let mut text = d.summary.as_deref().map(esc).unwrap_or_default();
    let sources: Vec<String> = d
        .sources
        .iter()
        .map(|s| match s.url.as_deref() {
            Some(u) => format!("<a href=\"{}\">{}</a>", esc(u), esc(&s.sentence)),
            None => esc(&s.sentence),
        })
        .collect();
    if !sources.is_empty() {
        text.push_str(&format!("<ul><li>{}</li></ul>", sources.join("</li><li>")));
    }
    let group = d
        .actors
        .iter()
        .find(|a| a.role == ActorRole::Agent.as_str())
        .or(d.actors.first())
        .map(|a| {
            if lang == "ar" {
                a.name_ar.clone().unwrap_or(a.name.clone())
            } else {
                a.name.clone()
            }
        });
    let whole = precision.period_end(start) == Some(end);
    let label = if lang == "ar" {
        &d.date.label_ar
    } else {
        &d.date.label_en
    };
    let mut v = serde_json::json!({
        "unique_id": format!("event-{}", d.id),
        "start_date": tl_date(start, precision),
        "display_date": label,
        "text": {"headline": esc(&d.title), "text": text},
    });
    if !whole {
        v["end_date"] = tl_date(end, precision);
    }
    if let Some(g) = group {
        v["group"] = serde_json::Value::String(g);
    }
    Ok(v.to_string())
}

impl Encoder {
    /// An encoder for `format`.
    pub fn new(format: Format) -> Encoder {
        Encoder {
            format,
            rows: 0,
            features: 0,
        }
    }

    /// What comes before the first row.
    pub fn header(&self) -> String {
        match self.format {
            Format::Ndjson => String::new(),
            Format::Csv => csv_line(&CSV_HEADER.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
            Format::EdtfCsv => csv_line(&EDTF_HEADER.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
            Format::Timelinejs => {
                "{\"title\":{\"text\":{\"headline\":\"Tarikh\",\"text\":\"Exported events\"}},\"events\":[".to_string()
            }
            Format::Geojson => "{\"type\":\"FeatureCollection\",\"features\":[".to_string(),
        }
    }

    /// One event. NDJSON is the document's text as it is; the other
    /// formats read it back first. A document that does not read back (it
    /// never should: it was written by this version) is an error, not a
    /// wrong row.
    pub fn row(&mut self, line: &Line) -> Result<String, ExportError> {
        if self.format == Format::Ndjson {
            self.rows += 1;
            let mut out = String::with_capacity(line.json.len() + 1);
            out.push_str(&line.json);
            out.push('\n');
            return Ok(out);
        }
        let unreadable = |reason: String| ExportError::BadDocument {
            id: line.id,
            reason,
        };
        let d: Doc = serde_json::from_str(&line.json).map_err(|e| unreadable(e.to_string()))?;
        self.rows += 1;
        Ok(match self.format {
            Format::Ndjson | Format::Csv => csv_row(&d),
            Format::EdtfCsv => edtf_row(&d),
            Format::Timelinejs => {
                let sep = if self.rows > 1 { "," } else { "" };
                format!("{sep}\n{}", timeline_row(&d, "en").map_err(unreadable)?)
            }
            Format::Geojson => {
                let mut out = String::new();
                for f in geojson_features(&d) {
                    out.push_str(if self.features > 0 { ",\n" } else { "\n" });
                    out.push_str(&f);
                    self.features += 1;
                }
                out
            }
        })
    }

    /// What comes after the last row.
    pub fn footer(&self) -> String {
        match self.format {
            Format::Timelinejs | Format::Geojson => "\n]}\n".to_string(),
            _ => String::new(),
        }
    }
}

/// One tombstone as an NDJSON line.
pub fn tombstone_line(t: &Tombstone) -> String {
    format!("{}\n", serde_json::to_string(t).unwrap_or_default())
}

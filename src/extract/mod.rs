//! Text to dated events. Pure and deterministic: no I/O, no clock, never
//! panics. Five stages, numbered as in `docs/extraction.md`, each with its
//! case table (`tests/cases/extract_*.toml`, and `tests/cases/timex/*.toml`
//! for the temporal tagger):
//!
//! 1. [`text`]: normalization with an offset map back to the input (digits,
//!    alef/ya/ta marbuta, tatweel, diacritics, bidi marks, NBSP) and tokens;
//! 2. `text`: sentences;
//! 3. [`temporal`]: temporal tagging and normalization against the
//!    publication date (Arabic and English, Gregorian and Hijri), one file
//!    per stage in `temporal/` (absolute, relative, periods, ranges,
//!    durations, clock, holidays), with [`lexicon`] and [`hijri`];
//! 4. [`gazetteer`](mod@gazetteer): actor recognition (aho-corasick over normalized text),
//!    and [`places`]: place recognition with the gazetteer of `data/places.json`;
//! 5. [`events`]: clauses, one event per event clause, its date from the
//!    clause or the discourse, kind, quantities, actors and their roles,
//!    places and theirs.
//!
//! Every span is `[start, end)` in Unicode code points of the text as given.
//! See `docs/extraction.md` for the conventions (bounds of parts of periods,
//! seasons, relative expressions).

pub mod events;
pub mod gazetteer;
pub mod hijri;
pub mod lexicon;
pub mod places;
pub mod temporal;
pub mod text;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::domain::{
    format_date, ActorKind, ActorRole, EventDate, EventKind, PlaceKind, PlaceRole, Precision,
    Quantity,
};

pub use events::quantities::CountedQuantity;
pub use gazetteer::{gazetteer, Gazetteer, GazetteerEntry};

/// The language of a text, or `Auto` to detect it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ar,
    En,
    Auto,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ar" => Ok(Lang::Ar),
            "en" => Ok(Lang::En),
            "auto" | "" => Ok(Lang::Auto),
            other => Err(format!(
                "unknown language {other:?}: expected ar, en or auto"
            )),
        }
    }
}

impl Lang {
    /// Resolves `Auto` by counting Arabic and Latin letters.
    pub fn resolve(self, text: &str) -> Lang {
        match self {
            Lang::Auto => {
                let (mut ar, mut la) = (0usize, 0usize);
                for c in text.chars().take(4000) {
                    if ('\u{0600}'..='\u{06FF}').contains(&c)
                        || ('\u{FB50}'..='\u{FEFF}').contains(&c)
                    {
                        ar += 1;
                    } else if c.is_ascii_alphabetic() {
                        la += 1;
                    }
                }
                if ar >= la && ar > 0 {
                    Lang::Ar
                } else {
                    Lang::En
                }
            }
            l => l,
        }
    }
}

/// TIMEX3 type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    Date,
    Time,
    Duration,
    Set,
}

/// A temporal expression found in the text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timex {
    /// The text exactly as given (`span` sliced out of the input).
    pub text: String,
    /// `[start, end)` in code points of the input.
    pub span: [usize; 2],
    #[serde(rename = "type")]
    pub kind: TimexType,
    /// TIMEX3 value: `2014-09`, `2013-W11`, `P3D`, `PRESENT_REF`, `XXXX-WXX-5`…
    pub timex3: String,
    /// The interval (inclusive days); `None` for durations and sets.
    #[serde(serialize_with = "ser_opt_date")]
    pub start: Option<NaiveDate>,
    #[serde(serialize_with = "ser_opt_date")]
    pub end: Option<NaiveDate>,
    pub precision: Option<Precision>,
    pub approximate: bool,
    pub edtf: Option<String>,
    /// The interval as a domain date (same bounds), for event assembly.
    #[serde(skip)]
    pub date: Option<EventDate>,
    /// "since X": the interval was closed by the reference date, not by the text.
    #[serde(skip)]
    pub open_end: bool,
    /// Resolved relative to the publication date (today, last week…).
    #[serde(skip)]
    pub relative: bool,
    /// Token range `[start, end)` in the normalized document (internal).
    #[serde(skip)]
    pub toks: [usize; 2],
}

/// A dated event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractedEvent {
    pub title: String,
    #[serde(skip)]
    pub summary: Option<String>,
    pub kind: EventKind,
    #[serde(serialize_with = "ser_event_date")]
    pub date: EventDate,
    pub when_text: Option<String>,
    #[serde(skip)]
    pub when_span: Option<[usize; 2]>,
    pub evidence: String,
    pub evidence_span: [usize; 2],
    pub actors: Vec<ExtractedActor>,
    /// The first of `quantities` (kept for readers of the first format).
    pub quantity: Option<Quantity>,
    /// Every count of the event, typed and qualified.
    pub quantities: Vec<CountedQuantity>,
    /// Where it happened (or, for a movement, whence and whither).
    pub places: Vec<ExtractedPlace>,
    pub confidence: f64,
    /// Token range of the event's own clauses (internal).
    #[serde(skip)]
    pub core: [usize; 2],
}

/// A place of an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractedPlace {
    /// The gazetteer's id (`data/places.json`).
    pub id: i64,
    /// English name.
    pub name: String,
    #[serde(skip)]
    pub name_ar: Option<String>,
    /// The mention as written.
    pub text: String,
    pub kind: PlaceKind,
    #[serde(rename = "cc")]
    pub country_code: String,
    pub role: PlaceRole,
    pub span: [usize; 2],
}

/// An actor taking part in an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractedActor {
    /// Canonical English name (or the text itself for a proposed new actor).
    pub name: String,
    #[serde(skip)]
    pub name_ar: Option<String>,
    /// The mention as written.
    pub text: String,
    pub kind: ActorKind,
    pub wikidata: Option<String>,
    pub role: ActorRole,
    /// False for a proposed new actor (not in the gazetteer).
    #[serde(skip)]
    pub known: bool,
    #[serde(skip)]
    pub aliases_en: Vec<String>,
    #[serde(skip)]
    pub aliases_ar: Vec<String>,
}

/// Something the reader should know: a weekday that does not match its
/// date, inconsistent dual dating, a suspicious number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub message: String,
    pub span: [usize; 2],
}

/// Everything found in one text.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Extraction {
    pub timexes: Vec<Timex>,
    pub events: Vec<ExtractedEvent>,
    pub diagnostics: Vec<Diagnostic>,
}

fn ser_opt_date<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&format_date(*d)),
        None => s.serialize_none(),
    }
}

fn ser_event_date<S: Serializer>(d: &EventDate, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("EventDate", 6)?;
    st.serialize_field("start", &format_date(d.start))?;
    st.serialize_field("end", &format_date(d.end))?;
    st.serialize_field("precision", &d.precision)?;
    st.serialize_field("approximate", &d.approximate)?;
    st.serialize_field("edtf", &d.edtf())?;
    st.serialize_field("calendar", &d.calendar)?;
    st.end()
}

/// Extracts timexes, events and diagnostics from `text` published on `published`.
pub fn extract(text: &str, published: NaiveDate, lang: Lang) -> Extraction {
    let lang = lang.resolve(text);
    let doc = text::Tokenized::new(text, lang);
    let mut diagnostics = Vec::new();
    let timexes = temporal::tag(&doc, published, &mut diagnostics);
    let mentions = gazetteer::find(&doc);
    let mut events = events::assemble(&doc, published, &timexes, &mentions, &mut diagnostics);
    let place_mentions = places::find(&doc);
    for e in &mut events {
        e.places = events::places::places(&doc, e.core, e.kind, &place_mentions, &mentions);
    }
    Extraction {
        timexes,
        events,
        diagnostics,
    }
}

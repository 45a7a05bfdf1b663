//! Places of an event (`docs/annotation.md`, "Places"): the places named
//! in the event's own clauses (not the clause reporting it) in a locative
//! phrase. A place is the event's when a preposition or a direction puts it
//! there: "in", "near", "south-west of", "في", "قرب", "شمال", "بريف",
//! a fused "ب" ("بغزة"); for a movement (withdrawal, deployment) "from"/"من"
//! gives its origin and "to"/"إلى" its destination. A place listed after
//! such a place ("in Iraq and Syria", "في حلب وإدلب") takes its role.
//! A place inside another of the same role replaces it ("in Deir ez-Zor,
//! eastern Syria" is Deir ez-Zor). A state that acts ("Israel said") is no
//! place: it has no locative phrase.

use super::super::gazetteer::{gazetteer as actor_gazetteer, Mention};
use super::super::places::PlaceMention;
use super::super::text::{TokKind, Tokenized};
use super::super::ExtractedPlace;
use super::{strip_conj, word, DIRECTIONS};
use crate::domain::place::places as gazetteer;
use crate::domain::{ActorKind, EventKind, PlaceRole};

/// Prepositions of place.
const AT: &[&str] = &[
    "in",
    "at",
    "near",
    "across",
    "inside",
    "outside",
    "around",
    "throughout",
    "within",
    "over",
    "outskirts",
    "في",
    "داخل",
    "قرب",
    "بالقرب",
    "حول",
    "عند",
    "خارج",
    "انحاء",
    "اطراف",
    "ضواحي",
    "محيط",
];
const FROM: &[&str] = &["from", "من"];
const TO: &[&str] = &[
    "to",
    "into",
    "towards",
    "toward",
    "الي",
    "نحو",
    "باتجاه",
    "صوب",
];
/// Words between a preposition and the name ("in the northern province of",
/// "في مدينة", "بريف … الغربي").
const BETWEEN: &[&str] = &[
    "the",
    "of",
    "city",
    "town",
    "village",
    "province",
    "governorate",
    "region",
    "district",
    "capital",
    "areas",
    "area",
    "parts",
    "part",
    "outskirts",
    "suburbs",
    "countryside",
    "مدينه",
    "بلده",
    "قريه",
    "محافظه",
    "ريف",
    "منطقه",
    "مناطق",
    "حي",
    "العاصمه",
    "مخيم",
    "ولايه",
    "اقليم",
    "قضاء",
    "ناحيه",
    "مركز",
];
/// Directions besides those of the actor stage (`super::DIRECTIONS`):
/// "north-east of Baghdad", "in northeastern Syria", "central Iraq".
const MORE_DIRECTIONS: &[&str] = &[
    "north-east",
    "north-west",
    "south-east",
    "south-west",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "north-eastern",
    "north-western",
    "south-eastern",
    "south-western",
    "central",
    "upper",
    "lower",
];

fn is_direction(w: &str) -> bool {
    DIRECTIONS.contains(&w) || MORE_DIRECTIONS.contains(&w)
}

/// Verbs of leaving: their object is a movement's origin ("left Niger",
/// "غادروا النيجر", "evacuated the base").
const LEAVE: &[&str] = &[
    "left",
    "leave",
    "leaves",
    "leaving",
    "exited",
    "exit",
    "quit",
    "evacuated",
    "vacated",
    "غادر",
    "غادرت",
    "غادروا",
    "يغادر",
    "تغادر",
    "مغادره",
    "اخلت",
    "اخلي",
    "اخلوا",
    "اخلاء",
];

/// How far back from a name a preposition may be (tokens).
const REACH: usize = 6;

/// The role a cue gives, or `None` when the name is not in a locative phrase.
/// `after_actor(j)`: token `j` ends an actor's name, so a phrase starting
/// right after it names the actor ("the Islamic Resistance in Iraq",
/// "جماعة الحوثي في اليمن"), not where the event happened.
fn cue(
    doc: &Tokenized,
    m: &PlaceMention,
    lo: usize,
    movement: bool,
    after_actor: impl Fn(usize) -> bool,
) -> Option<PlaceRole> {
    let first = m.toks[0];
    // a fused preposition: "بغزة", "وبالموصل", "للموصل"
    if m.clitic > 0 {
        let c = doc
            .norm
            .get(m.start.saturating_sub(m.clitic as usize)..m.start)
            .unwrap_or("");
        let c = c.trim_start_matches(['و', 'ف']);
        if c.starts_with('ب') {
            return Some(PlaceRole::Where);
        }
        if c.starts_with('ل') && movement {
            return Some(PlaceRole::Destination);
        }
    }
    let mut j = first;
    let mut direction = false;
    while j > lo && first - j < REACH {
        j -= 1;
        if let TokKind::Punct(p) = doc.toks[j].kind {
            if p == '-' {
                continue;
            }
            break;
        }
        let w = word(doc, j);
        let bare = strip_conj(w);
        if is_direction(w) {
            direction = true;
            continue;
        }
        if is_direction(bare) {
            // "وشرق الأردن" in a list of names: a place only if the list is
            // (see `listed_after`)
            return None;
        }
        if BETWEEN.contains(&bare) || BETWEEN.contains(&w) {
            continue;
        }
        // "بريف", "وبمدينة", "بشمال": a fused ب before a word of the phrase
        if let Some(rest) = bare.strip_prefix('ب') {
            if BETWEEN.contains(&rest) || is_direction(rest) {
                return Some(PlaceRole::Where);
            }
        }
        if AT.contains(&bare) {
            if j > 0 && after_actor(j - 1) {
                return None;
            }
            // a movement "from a base in Iraq", "من قاعدة في العراق": its origin
            let from =
                movement && (j.saturating_sub(3).max(lo)..j).any(|i| FROM.contains(&word(doc, i)));
            return Some(if from {
                PlaceRole::Origin
            } else {
                PlaceRole::Where
            });
        }
        if FROM.contains(&bare) {
            // "بالقرب من", "near from": still where
            if j > 0 && matches!(word(doc, j - 1), "بالقرب" | "قريبا" | "مقربه") {
                return Some(PlaceRole::Where);
            }
            return movement.then_some(PlaceRole::Origin);
        }
        if TO.contains(&bare) {
            return movement.then_some(PlaceRole::Destination);
        }
        if movement && LEAVE.contains(&bare) {
            return Some(PlaceRole::Origin);
        }
        break;
    }
    direction.then_some(PlaceRole::Where)
}

/// Whether only a list separator lies between two mentions ("Iraq and
/// Syria", "حلب وإدلب", "Kirkuk, Salahuddin and Diyala").
fn listed_after(doc: &Tokenized, prev: &PlaceMention, m: &PlaceMention) -> bool {
    let (a, b) = (prev.toks[1] + 1, m.toks[0]);
    if a > b || b - a > 2 {
        return false;
    }
    let between_ok = (a..b).all(|i| {
        let w = word(doc, i);
        matches!(doc.toks[i].kind, TokKind::Punct(',' | '،'))
            || matches!(w, "and" | "or" | "و" | "او")
            || (w.starts_with('و') && is_direction(strip_conj(w)))
    });
    let waw = doc.tok_text(b).starts_with('و') && m.clitic > 0;
    between_ok && (b > a || waw)
}

/// The places of an event of `kind` whose own clauses are tokens `[a, b)`;
/// `actors` are the actor mentions of the document, in text order.
pub fn places(
    doc: &Tokenized,
    [a, b]: [usize; 2],
    kind: EventKind,
    mentions: &[PlaceMention],
    actors: &[Mention],
) -> Vec<ExtractedPlace> {
    let movement = matches!(kind, EventKind::Withdrawal | EventKind::Deployment);
    let lo = mentions.partition_point(|m| m.toks[0] < a);
    let hi = mentions.partition_point(|m| m.toks[0] < b);
    let inside = &mentions[lo..hi];
    let g = gazetteer();
    let tok_of = |byte: usize| doc.toks.partition_point(|t| (t.e as usize) <= byte);
    let lo_a = actors.partition_point(|x| x.span[1] <= doc.span_toks(a, a + 1, false)[0]);
    // forces and states are where they are ("US forces in Iraq"); bodies
    // and groups are named by their place ("the health ministry in Gaza")
    let named_by_place = |x: &&Mention| {
        actor_gazetteer().entry(x.entry).is_some_and(|e| {
            !matches!(
                e.kind,
                ActorKind::ArmedForce | ActorKind::State | ActorKind::Person
            )
        })
    };
    let near: Vec<[usize; 2]> = actors[lo_a..]
        .iter()
        .take_while(|x| {
            x.bytes[0]
                < doc
                    .toks
                    .get(b.saturating_sub(1))
                    .map_or(0, |t| t.e as usize)
        })
        .filter(named_by_place)
        .map(|x| [tok_of(x.bytes[0]), tok_of(x.bytes[1].saturating_sub(1))])
        .collect();
    let after_actor = |j: usize| near.iter().any(|r| r[1] == j);
    let mut found: Vec<(usize, PlaceRole)> = vec![];
    for (k, m) in inside.iter().enumerate() {
        // a place inside an actor's name ("Islamic Resistance in Iraq")
        if m.toks[1] >= b
            || near
                .iter()
                .any(|r| r[0] <= m.toks[0] && m.toks[1] <= r[1] && r != &m.toks)
        {
            continue;
        }
        let role = cue(doc, m, a, movement, after_actor).or_else(|| {
            let prev = k.checked_sub(1).map(|p| &inside[p])?;
            let (_, r) = found.iter().rev().find(|(i, _)| *i + 1 == k)?;
            listed_after(doc, prev, m).then_some(*r)
        });
        if let Some(r) = role {
            found.push((k, r));
        }
    }
    // the most specific place of each role
    let mut out: Vec<ExtractedPlace> = vec![];
    for &(k, role) in &found {
        let m = &inside[k];
        let inner = found.iter().any(|&(k2, r2)| {
            r2 == role && inside[k2].place != m.place && g.within(inside[k2].place, m.place)
        });
        if inner || out.iter().any(|p| p.id == m.place && p.role == role) {
            continue;
        }
        let Some(p) = g.get(m.place) else { continue };
        out.push(ExtractedPlace {
            id: p.id,
            name: p.name.clone(),
            name_ar: p.name_ar.clone(),
            text: doc.slice_cp(m.span[0], m.span[1]).to_string(),
            kind: p.kind,
            country_code: p.cc.clone(),
            role,
            span: m.span,
        });
    }
    out
}

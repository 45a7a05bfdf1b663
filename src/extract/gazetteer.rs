//! Stage 4: actor recognition with a gazetteer compiled from
//! `data/actors.json` into one aho-corasick automaton (leftmost-longest)
//! over normalized text, with clitic-aware word boundaries.
//!
//! Keys are normalized with [`super::text::norm_str`], which applies the
//! domain's [`crate::domain::normalize::fold_char`] (the function storage
//! uses for alias lookup through `normalize_name`), so both sides agree.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Deserialize;

use super::text::{norm_str, Tokenized};
use crate::domain::ActorKind;

const DATA: &str = include_str!("../../data/actors.json");

#[derive(Deserialize)]
struct Raw {
    name: String,
    #[serde(default)]
    name_ar: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    wikidata: Option<String>,
    #[serde(default)]
    aliases_en: Vec<String>,
    #[serde(default)]
    aliases_ar: Vec<String>,
    /// Adjectives of nationality ("عراقي", "Iraqi"): a mention of the state,
    /// not a name of it (kept out of [`Gazetteer::lookup`]).
    #[serde(default)]
    demonyms_ar: Vec<String>,
    #[serde(default)]
    demonyms_en: Vec<String>,
}

/// Arabic adjective endings: masculine, feminine, plurals, accusative, dual.
const DEMONYM_AR_ENDINGS: &[&str] = &["", "ه", "ون", "ين", "ا", "ان", "يه"];

/// One actor of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct GazetteerEntry {
    pub name: String,
    pub name_ar: Option<String>,
    pub kind: ActorKind,
    pub wikidata: Option<String>,
    pub aliases_en: Vec<String>,
    pub aliases_ar: Vec<String>,
}

/// The compiled gazetteer.
pub struct Gazetteer {
    entries: Vec<GazetteerEntry>,
    ac: Option<AhoCorasick>,
    /// Per pattern: entry index, and whether the pattern is a short Latin
    /// acronym that must be upper case in the text.
    pats: Vec<(u32, bool)>,
    by_key: HashMap<String, u32>,
    /// Problems met while loading (bad kinds…); empty when all is well.
    pub problems: Vec<String>,
}

impl Gazetteer {
    /// Builds a gazetteer from the JSON text of `data/actors.json`.
    pub fn from_json(json: &str) -> Gazetteer {
        let mut problems = Vec::new();
        let raws: Vec<Raw> = match serde_json::from_str(json) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("actors.json: {e}"));
                Vec::new()
            }
        };
        let mut entries = Vec::with_capacity(raws.len());
        let mut demonyms: Vec<(String, u32)> = Vec::new();
        for r in raws {
            let idx = entries.len() as u32;
            for d in &r.demonyms_ar {
                let k = norm_str(d);
                for end in DEMONYM_AR_ENDINGS {
                    demonyms.push((format!("{k}{end}"), idx));
                }
            }
            for d in &r.demonyms_en {
                let k = norm_str(d);
                demonyms.push((format!("{k}s"), idx));
                demonyms.push((k, idx));
            }
            let kind = match r.kind.as_deref().and_then(ActorKind::parse) {
                Some(k) => k,
                None => {
                    problems.push(format!("{}: unknown kind {:?}", r.name, r.kind));
                    ActorKind::Other
                }
            };
            entries.push(GazetteerEntry {
                name: r.name,
                name_ar: r.name_ar,
                kind,
                wikidata: r.wikidata.filter(|q| !q.trim().is_empty()),
                aliases_en: r.aliases_en,
                aliases_ar: r.aliases_ar,
            });
        }
        let mut keys: Vec<String> = Vec::new();
        let mut pats = Vec::new();
        let mut by_key: HashMap<String, u32> = HashMap::new();
        for (idx, e) in entries.iter().enumerate() {
            let mut names: Vec<&str> = vec![e.name.as_str()];
            names.extend(e.name_ar.as_deref());
            names.extend(e.aliases_en.iter().map(|s| s.as_str()));
            names.extend(e.aliases_ar.iter().map(|s| s.as_str()));
            for n in names {
                let k = norm_str(n);
                if k.chars().count() < 2 {
                    continue;
                }
                let mut variants = vec![k.clone()];
                // "الولايات المتحدة" also as "ولايات المتحدة" after لل/بال/وال
                if let Some(bare) = k.strip_prefix("ال") {
                    if bare.chars().count() >= 3 {
                        variants.push(format!("\u{0}{bare}"));
                    }
                }
                for v in variants {
                    if by_key.contains_key(&v) {
                        continue;
                    }
                    let acronym = v.is_ascii() && v.replace('.', "").len() <= 4;
                    by_key.insert(v.clone(), idx as u32);
                    pats.push((idx as u32, acronym));
                    keys.push(v);
                }
            }
        }
        let n_keys = keys.len();
        for (k, idx) in demonyms {
            if k.chars().count() < 3 || by_key.contains_key(&k) || keys[n_keys..].contains(&k) {
                continue;
            }
            pats.push((idx, false));
            keys.push(k);
        }
        // bare variants are marked with a leading NUL so they are told apart
        let patterns: Vec<String> = keys
            .iter()
            .map(|k| k.trim_start_matches('\u{0}').to_string())
            .collect();
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        let bare: Vec<bool> = keys.iter().map(|k| k.starts_with('\u{0}')).collect();
        let pats = pats
            .into_iter()
            .zip(bare)
            .map(|((i, a), b)| (i | if b { 1 << 31 } else { 0 }, a))
            .collect();
        by_key.retain(|k, _| !k.starts_with('\u{0}'));
        Gazetteer {
            entries,
            ac,
            pats,
            by_key,
            problems,
        }
    }

    /// All actors, in file order.
    pub fn entries(&self) -> &[GazetteerEntry] {
        &self.entries
    }

    /// Iterates over all actors.
    pub fn iter(&self) -> impl Iterator<Item = &GazetteerEntry> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The actor a name or alias designates (normalized lookup).
    pub fn lookup(&self, name: &str) -> Option<&GazetteerEntry> {
        self.by_key
            .get(&norm_str(name))
            .and_then(|&i| self.entries.get(i as usize))
    }

    pub fn entry(&self, i: usize) -> Option<&GazetteerEntry> {
        self.entries.get(i)
    }
}

/// The gazetteer of `data/actors.json`, compiled once.
pub fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::from_json(DATA))
}

/// An actor mention in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Code-point span in the input.
    pub span: [usize; 2],
    /// Byte range in the normalized text.
    pub bytes: [usize; 2],
    pub entry: usize,
}

const CLITICS: &[&str] = &[
    "و", "ف", "ب", "ل", "ك", "ال", "لل", "وال", "بال", "فال", "كال", "وب", "ول", "فب", "فل", "وك",
    "ولل", "فلل", "وبال", "فبال",
];
const CLITICS_BEFORE_BARE: &[&str] = &[
    "لل", "ولل", "فلل", "ال", "وال", "بال", "فال", "كال", "وبال", "فبال",
];

/// The letters between the start of the word and a match `[s, e)` of
/// normalized `text` (a clitic, or nothing), or `None` when a letter or
/// digit follows the match (it ends inside a word).
pub(super) fn word_prefix(text: &str, s: usize, e: usize) -> Option<&str> {
    if text[e..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric())
    {
        return None;
    }
    let before = &text[..s];
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    Some(&before[word_start..])
}

/// Finds actor mentions in the document.
pub fn find(doc: &Tokenized) -> Vec<Mention> {
    find_with(gazetteer(), doc)
}

/// Finds mentions of `g`'s actors in `doc`.
pub fn find_with(g: &Gazetteer, doc: &Tokenized) -> Vec<Mention> {
    let Some(ac) = g.ac.as_ref() else {
        return Vec::new();
    };
    let text = doc.norm.as_str();
    let mut out = Vec::new();
    for m in ac.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let Some(&(raw_idx, acronym)) = g.pats.get(m.pattern().as_usize()) else {
            continue;
        };
        let bare = raw_idx & (1 << 31) != 0;
        let idx = (raw_idx & !(1 << 31)) as usize;
        let Some(prefix) = word_prefix(text, s, e) else {
            continue;
        };
        let ok = if bare {
            CLITICS_BEFORE_BARE.contains(&prefix)
        } else {
            prefix.is_empty() || CLITICS.contains(&prefix)
        };
        if !ok {
            continue;
        }
        let span = doc.span_of_bytes(s, e);
        if acronym {
            let orig = doc.slice_cp(span[0], span[1]);
            if orig.chars().any(|c| c.is_lowercase()) {
                continue;
            }
        }
        out.push(Mention {
            span,
            bytes: [s, e],
            entry: idx,
        });
    }
    resolve_coalitions(g, doc, &mut out);
    out
}

/// A bare "التحالف" / "the coalition" names the coalition last mentioned by
/// name in the document ("…التحالف الدولي… وقوات التحالف في العراق").
/// Not when a qualifier follows ("التحالف الوطني" is another body).
fn resolve_coalitions(g: &Gazetteer, doc: &Tokenized, out: &mut Vec<Mention>) {
    const BARE_AR: &[&str] = &[
        "التحالف",
        "والتحالف",
        "للتحالف",
        "وللتحالف",
        "بالتحالف",
        "وبالتحالف",
        "فالتحالف",
    ];
    let mut added = Vec::new();
    let mut k = 0usize; // mentions before the current token
    for (i, t) in doc.toks.iter().enumerate() {
        let (s, e) = (t.s as usize, t.e as usize);
        while k < out.len() && out[k].bytes[1] <= s {
            k += 1;
        }
        let w = doc.tok_text(i);
        let hit = if BARE_AR.contains(&w) {
            !doc.tok_text(i + 1).starts_with("ال")
        } else {
            w == "coalition" && i > 0 && doc.tok_text(i - 1) == "the"
        };
        if !hit || out.get(k).is_some_and(|m| m.bytes[0] < e) {
            continue;
        }
        let last = out[..k].iter().rev().find(|m| {
            g.entry(m.entry)
                .is_some_and(|x| x.kind == ActorKind::Alliance)
        });
        if let Some(m) = last {
            let entry = m.entry;
            let pre = w.len()
                - if w.is_ascii() {
                    w.len()
                } else {
                    "التحالف".len()
                };
            added.push(Mention {
                span: doc.span_of_bytes(s + pre, e),
                bytes: [s + pre, e],
                entry,
            });
        }
    }
    if !added.is_empty() {
        out.extend(added);
        out.sort_by_key(|m| m.bytes[0]);
    }
}

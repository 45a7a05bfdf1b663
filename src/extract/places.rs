//! Stage 4b: place recognition with the gazetteer of `data/places.json`
//! (see [`crate::domain::place`]) compiled into one aho-corasick automaton
//! (leftmost-longest) over normalized text, with the clitic-aware word
//! boundaries of the actor gazetteer ("بريف", "وبغداد", "للموصل"). Latin
//! names must be capitalized in the text ("Hit" is a town, "hit" a verb);
//! names that are also words or other places' names are not matched at all
//! (`match_name` in the file). Which mention is a place of which event,
//! and in what role, is decided per clause in [`super::events::places`].

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use unicode_normalization::UnicodeNormalization;

use super::gazetteer::word_prefix;
use super::text::{norm_str, Tokenized};
use crate::domain::place::{places, Places};

/// A place named in a document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaceMention {
    /// Code-point span in the input.
    pub span: [usize; 2],
    /// Token range `[first, last]` (inclusive) of the mention.
    pub toks: [usize; 2],
    /// Byte offset of the name in the normalized text (after its clitic).
    pub start: usize,
    /// Bytes of the clitic fused to the name ("ب" of "بالموصل", "لل" of "للموصل").
    pub clitic: u8,
    /// The place's id in the gazetteer.
    pub place: i64,
}

struct Compiled {
    ac: Option<AhoCorasick>,
    /// Per pattern: place id, Latin (must be capitalized), bare (after a fused article).
    pats: Vec<(i64, bool, bool)>,
}

/// Clitics allowed before a name (as in the actor gazetteer).
const CLITICS: &[&str] = &["و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك"];
/// Clitics fused with the article, before a name written without it
/// ("للموصل" is ل + الموصل).
const CLITICS_BEFORE_BARE: &[&str] = &["لل", "ولل", "فلل"];

fn compile(p: &Places) -> Compiled {
    let mut keys: Vec<String> = vec![];
    let mut pats = vec![];
    let mut seen = std::collections::HashSet::new();
    for place in p.all() {
        let mut names: Vec<&str> = vec![];
        if place.match_name {
            names.push(&place.name);
        }
        if place.match_name_ar {
            names.extend(place.name_ar.as_deref());
        }
        names.extend(place.aliases_en.iter().map(String::as_str));
        names.extend(place.aliases_ar.iter().map(String::as_str));
        for n in names {
            let k = norm_str(n);
            let latin = !k.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
            let mut variants = vec![(k.clone(), false)];
            if latin {
                // "Tikrīt" is written "Tikrit"
                let plain: String = k.nfd().filter(|c| c.is_ascii() || !is_mark(*c)).collect();
                // "Al-Qamishli" is also written "Qamishli"
                for art in [
                    "al", "el", "ad", "ar", "as", "an", "at", "az", "ash", "ath", "adh",
                ] {
                    let rest = plain
                        .strip_prefix(art)
                        .and_then(|r| r.strip_prefix('-').or_else(|| r.strip_prefix(' ')));
                    if let Some(rest) = rest {
                        variants.push((rest.to_string(), false));
                    }
                }
                variants.push((plain, false));
            } else if let Some(bare) = k.strip_prefix("ال") {
                if bare.chars().count() >= 3 {
                    variants.push((bare.to_string(), true));
                }
            }
            for (v, bare) in variants {
                if v.chars().filter(|c| c.is_alphabetic()).count() < 3 {
                    continue;
                }
                if seen.insert((v.clone(), bare)) {
                    keys.push(v);
                    pats.push((place.id, latin, bare));
                }
            }
        }
    }
    let ac = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&keys)
        .ok();
    Compiled { ac, pats }
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}')
}

fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| compile(places()))
}

/// Finds place mentions in the document, in text order.
pub fn find(doc: &Tokenized) -> Vec<PlaceMention> {
    let c = compiled();
    let Some(ac) = c.ac.as_ref() else {
        return vec![];
    };
    let text = doc.norm.as_str();
    let tok_of = |byte: usize| doc.toks.partition_point(|t| (t.e as usize) <= byte);
    let mut out = vec![];
    for m in ac.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let Some(&(place, latin, bare)) = c.pats.get(m.pattern().as_usize()) else {
            continue;
        };
        let Some(prefix) = word_prefix(text, s, e) else {
            continue;
        };
        let ok = if bare {
            CLITICS_BEFORE_BARE.contains(&prefix)
        } else {
            prefix.is_empty() || (!latin && CLITICS.contains(&prefix))
        };
        if !ok {
            continue;
        }
        let (first, last) = (tok_of(s), tok_of(e.saturating_sub(1)));
        if first >= doc.toks.len() {
            continue;
        }
        if latin && !doc.toks[first].upper {
            continue;
        }
        out.push(PlaceMention {
            span: doc.span_of_bytes(s, e),
            toks: [first, last],
            start: s,
            clitic: prefix.len() as u8,
            place,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Lang;

    fn names(text: &str, lang: Lang) -> Vec<String> {
        let doc = Tokenized::new(text, lang);
        find(&doc)
            .iter()
            .map(|m| places().get(m.place).unwrap().name.clone())
            .collect()
    }

    #[test]
    fn spellings_clitics_and_case() {
        let deir = names("قصف بريف دير الزور الغربي وفي الموصل وللموصل", Lang::Ar);
        assert_eq!(deir.len(), 3, "{deir:?}");
        assert_eq!(deir[0], "Deir ez-Zor");
        assert_eq!(deir[1], deir[2]);
        let en = names(
            "Clashes in Deir al-Zour and Deir ez-Zor; a hit in Baghdad.",
            Lang::En,
        );
        assert_eq!(en, vec!["Deir ez-Zor", "Deir ez-Zor", "Baghdad"]);
        // Latin names must be capitalized
        assert!(names("he went to baghdad", Lang::En).is_empty());
        // a combining mark before a clitic: no slicing inside it
        let odd = crate::extract::extract(
            "قصفت طائرات a\u{301}بالموصل أمس.",
            chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
            Lang::Ar,
        );
        assert!(odd.events.iter().all(|e| e.places.len() <= 1));
    }
}

//! Search text: one normalization for indexed text and for queries, so a
//! word meets every spelling of itself. Stages, one file each:
//!
//! 1. `words`: NFKC, case folding and the Arabic folding of
//!    [`crate::domain::normalize`] (diacritics, tatweel, alef forms, alef
//!    maqsura, ta marbuta), split into words of letters and digits;
//! 2. `clitics`: the article and the conjunctions and prepositions fused
//!    to it ("والحكومة", "بالحكومة", "للحكومة" → "حكومه");
//! 3. `stem`: the Snowball stemmers, English for ASCII words and Arabic
//!    for the rest ("talks" → "talk", "المسلحين" → "مسلح").
//!
//! Stages 1–2 give the [`index_form`]; PostgreSQL stems it with the same two
//! Snowball stemmers in its `tarikh` text search configuration (migration
//! 11). SQLite has no stemmer, so it indexes the [`stemmed_form`] in FTS5.
//! Both backends therefore apply the same Snowball algorithms to the same
//! words.

mod clitics;
mod stem;
mod words;

pub use stem::stem_word;

/// The words of `text` as every backend indexes and searches them before
/// stemming: folded, clitics removed, joined by single spaces.
pub fn index_form(text: &str) -> String {
    join(
        words::words(text)
            .iter()
            .map(|w| clitics::strip(w).to_string()),
    )
}

/// [`index_form`] with every word stemmed (SQLite's FTS5 index and query).
pub fn stemmed_form(text: &str) -> String {
    join(
        words::words(text)
            .iter()
            .map(|w| stem_word(clitics::strip(w))),
    )
}

fn join(words: impl Iterator<Item = String>) -> String {
    let mut out = String::new();
    for w in words.filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each normalization step, as a query and a text that must meet.
    #[test]
    fn spellings_meet() {
        let cases = [
            ("clitic و + article", "الحكومة", "والحكومة"),
            ("clitic ب + article", "الحكومة", "بالحكومة"),
            ("clitic ل + article", "الحكومة", "للحكومة"),
            ("ta marbuta", "الحكومه", "الحكومة"),
            ("alef forms", "اسرائيل", "إسرائيل"),
            ("alef maqsura", "مستشفي", "مستشفى"),
            ("diacritics", "الحكومة", "الحُكُومَة"),
            ("tatweel", "الحكومة", "الحكـــومة"),
            ("Arabic stem: sound plural", "المسلحون", "المسلحين"),
            ("English stem", "negotiation", "negotiations"),
            ("case", "ISIS", "isis"),
            ("presentation forms", "لا", "ﻻ"),
        ];
        for (what, q, text) in cases {
            assert_eq!(stemmed_form(q), stemmed_form(text), "{what}");
        }
        assert_eq!(index_form("والحكومة، بالحكومة!"), "حكومه حكومه");
        assert_eq!(index_form("  Talks — in   Doha "), "talks in doha");
        assert_eq!(stemmed_form("The talks ended"), "the talk end");
        assert_eq!(index_form("…!؟"), "");
    }
}

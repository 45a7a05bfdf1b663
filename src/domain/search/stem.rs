//! Stage 3: Snowball stemming, as PostgreSQL's `tarikh` configuration
//! does it (migration 11): ASCII words by the English stemmer, every other
//! word by the Arabic one (which leaves non-Arabic letters alone). No stop
//! words are dropped on either backend, so a query means the same on both.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));
static ARABIC: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Arabic));

/// The stem of one folded word.
pub fn stem_word(word: &str) -> String {
    if word.is_ascii() {
        ENGLISH.stem(word).into_owned()
    } else {
        ARABIC.stem(word).into_owned()
    }
}

//! Stage 2: clitics fused to the Arabic article. Case table, longest
//! first: a conjunction (و، ف) and a preposition (ب، ك، ل) before the
//! article ال, and ل + ال written لل. The rest must keep at least three
//! letters ("الان" stays), so short words are never cut to nothing.
//!
//! A lone و، ف، ب، ك or ل before a word without the article is left to
//! the Arabic stemmer, which weighs the word's length ("وزير" is a word,
//! not و + زير).

const PREFIXES: &[&str] = &[
    "وبال", "وكال", "وفال", "فبال", "فكال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال",
];

/// Shortest stem left after a prefix, in characters.
const MIN_REST: usize = 3;

/// `word` without its fused article and the clitics before it.
pub(super) fn strip(word: &str) -> &str {
    for p in PREFIXES {
        if let Some(rest) = word.strip_prefix(p) {
            if rest.chars().count() >= MIN_REST {
                return rest;
            }
        }
    }
    word
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn strips_the_article_and_what_is_fused_to_it() {
        let cases = [
            ("والحكومه", "حكومه"),
            ("بالحكومه", "حكومه"),
            ("للحكومه", "حكومه"),
            ("وللحكومه", "حكومه"),
            ("الحكومه", "حكومه"),
            ("حكومه", "حكومه"),
            ("الان", "الان"),
            ("وزير", "وزير"),
            ("talks", "talks"),
        ];
        for (word, want) in cases {
            assert_eq!(strip(word), want, "{word}");
        }
    }
}

//! Stage 1: folded words. Case table: everything [`normalize_name`]
//! folds (NFKC, lower case, Arabic diacritics and tatweel dropped, alef
//! forms → ا, ى → ي, ة → ه); a word is a run of letters, digits and marks,
//! and anything else separates words.
//!
//! [`normalize_name`]: crate::domain::normalize_name

use crate::domain::normalize_name;

/// The folded words of `text`, in order.
pub(super) fn words(text: &str) -> Vec<String> {
    normalize_name(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn splits_folded_words() {
        let w = words("F-16s, al-Qaeda; «الأمم المتحدة» 2024م");
        assert_eq!(w, ["f", "16s", "al", "qaeda", "الامم", "المتحده", "2024م"]);
    }
}

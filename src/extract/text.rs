//! Stage 1 and 2: normalization with an offset map, tokens, sentences.
//!
//! The normalized text is lower case; Arabic-Indic and Persian digits become
//! ASCII; Persian yeh/kaf become Arabic; the rest is
//! [`crate::domain::normalize::fold_char`] (diacritics and tatweel dropped,
//! alef forms to ا, ى to ي, ة to ه, bidi marks dropped, white space to a
//! space); newlines are kept (they end sentences). Every byte of the
//! normalized text maps back to the code point of the input it came from.

use unicode_normalization::UnicodeNormalization;

use super::lexicon::{lookup, Lex};
use super::Lang;
use crate::domain::normalize::fold_char;

/// Normalizes one input character, pushing zero or more characters.
#[inline]
pub fn norm_char(c: char, mut push: impl FnMut(char)) {
    if c.is_ascii() {
        match c {
            '\n' | '\r' => push('\n'),
            c if c.is_ascii_whitespace() || c.is_ascii_control() => push(' '),
            c => push(c.to_ascii_lowercase()),
        }
        return;
    }
    match c {
        '\u{0660}'..='\u{0669}' => push((b'0' + (c as u32 - 0x0660) as u8) as char),
        '\u{06F0}'..='\u{06F9}' => push((b'0' + (c as u32 - 0x06F0) as u8) as char),
        '\u{06CC}' | '\u{06D2}' => push('ي'),
        '\u{06A9}' => push('ك'),
        '\u{066B}' => push('.'),
        '\u{066C}' => push(','),
        '\u{2028}' | '\u{2029}' | '\u{0085}' => push('\n'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => push('-'),
        '\u{0600}'..='\u{06FF}' => {
            if let Some(f) = fold_char(c) {
                push(f)
            }
        }
        _ => {
            if c.is_whitespace() {
                push(' ');
                return;
            }
            for k in std::iter::once(c).nfkc() {
                for l in k.to_lowercase() {
                    match l {
                        '\u{0660}'..='\u{0669}' => push((b'0' + (l as u32 - 0x0660) as u8) as char),
                        _ => {
                            if let Some(f) = fold_char(l) {
                                push(f)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Normalizes a pattern or alias the same way as text (used for lexicon and
/// gazetteer keys), collapsing spaces.
pub fn norm_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        norm_char(c, |x| {
            let x = if x == '\n' { ' ' } else { x };
            if x == ' ' && (out.is_empty() || out.ends_with(' ')) {
                return;
            }
            out.push(x)
        });
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    Word,
    Num,
    Punct(char),
}

/// A token of the normalized text.
#[derive(Debug, Clone, Copy)]
pub struct Tok {
    /// Byte offsets in the normalized text.
    pub s: u32,
    pub e: u32,
    pub kind: TokKind,
    /// Value of a number token (saturating).
    pub num: u64,
    /// Digits of a number token (0 for words); 9 when it had thousands separators.
    pub nd: u8,
    /// Lexical class (after clitic stripping).
    pub lex: Lex,
    /// Bytes of a conjunction/preposition clitic at the start (و ف ب ل ك).
    pub pre: u8,
    /// The input's first character was upper case.
    pub upper: bool,
    /// A newline separates this token from the previous one.
    pub nl: bool,
}

/// A normalized, tokenized document.
pub struct Tokenized<'a> {
    pub input: &'a str,
    pub lang: Lang,
    /// Normalized text.
    pub norm: String,
    /// For every byte of `norm` (and one past the end) the input code point.
    pub map: Vec<u32>,
    /// Byte offset in `input` of every code point (and one past the end).
    pub cp_byte: Vec<u32>,
    pub toks: Vec<Tok>,
    /// Sentences as token ranges `[start, end)`.
    pub sentences: Vec<(usize, usize)>,
}

impl<'a> Tokenized<'a> {
    pub fn new(input: &'a str, lang: Lang) -> Tokenized<'a> {
        let mut norm = String::with_capacity(input.len());
        let mut map: Vec<u32> = Vec::with_capacity(input.len() + 1);
        let mut cp_byte = Vec::with_capacity(input.len() + 1);
        let mut uppers: Vec<bool> = Vec::new();
        let mut n = 0u32;
        for (b, c) in input.char_indices() {
            cp_byte.push(b as u32);
            let before = norm.len();
            norm_char(c, |x| norm.push(x));
            for _ in before..norm.len() {
                map.push(n);
            }
            let _ = &mut uppers;
            n += 1;
        }
        cp_byte.push(input.len() as u32);
        map.push(n);
        let mut doc = Tokenized {
            input,
            lang,
            norm,
            map,
            cp_byte,
            toks: Vec::new(),
            sentences: Vec::new(),
        };
        doc.tokenize();
        doc.split_sentences();
        doc
    }

    /// Number of code points of the input.
    pub fn len_cp(&self) -> usize {
        self.cp_byte.len() - 1
    }

    /// The input text of a code-point span.
    pub fn slice_cp(&self, s: usize, e: usize) -> &'a str {
        let n = self.len_cp();
        let (s, e) = (s.min(n), e.min(n).max(s.min(n)));
        &self.input[self.cp_byte[s] as usize..self.cp_byte[e] as usize]
    }

    /// Code-point span of the normalized byte range `[s, e)`.
    pub fn span_of_bytes(&self, s: usize, e: usize) -> [usize; 2] {
        let cs = self.map[s.min(self.map.len() - 1)] as usize;
        let ce = if e == 0 || e <= s {
            cs
        } else {
            self.map[(e - 1).min(self.map.len() - 1)] as usize + 1
        };
        [cs, ce.max(cs)]
    }

    /// Code-point span of tokens `[a, b)`; `skip_clitic` leaves out a
    /// leading و/ف/ب/ل/ك of the first token.
    pub fn span_toks(&self, a: usize, b: usize, skip_clitic: bool) -> [usize; 2] {
        if a >= b || b > self.toks.len() {
            return [0, 0];
        }
        let t = &self.toks[a];
        let s = t.s as usize + if skip_clitic { t.pre as usize } else { 0 };
        self.span_of_bytes(s, self.toks[b - 1].e as usize)
    }

    /// Normalized text of token `i`.
    pub fn tok_text(&self, i: usize) -> &str {
        match self.toks.get(i) {
            Some(t) => &self.norm[t.s as usize..t.e as usize],
            None => "",
        }
    }

    /// Token `i` as the input wrote it (case and all).
    pub fn tok_input(&self, i: usize) -> &'a str {
        let [s, e] = self.span_toks(i, i + 1, false);
        self.slice_cp(s, e)
    }

    /// Normalized text of token `i` without its clitic.
    pub fn tok_stem(&self, i: usize) -> &str {
        match self.toks.get(i) {
            Some(t) => &self.norm[(t.s + t.pre as u32) as usize..t.e as usize],
            None => "",
        }
    }

    fn tokenize(&mut self) {
        let bytes = self.norm.as_bytes();
        let text = &self.norm;
        let mut toks = Vec::with_capacity(bytes.len() / 5 + 1);
        let mut i = 0usize;
        let mut nl = false;
        while i < bytes.len() {
            let c = match text[i..].chars().next() {
                Some(c) => c,
                None => break,
            };
            let cl = c.len_utf8();
            if c == '\n' {
                nl = true;
                i += 1;
                continue;
            }
            if c == ' ' || c.is_whitespace() {
                i += cl;
                continue;
            }
            let start = i;
            if c.is_ascii_digit() {
                let mut j = i;
                let mut v: u64 = 0;
                let mut nd = 0u8;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    v = v
                        .saturating_mul(10)
                        .saturating_add((bytes[j] - b'0') as u64);
                    nd = nd.saturating_add(1);
                    j += 1;
                }
                // thousands separators: 2,500 and 1,250,000
                if nd <= 3 {
                    let mut grouped = false;
                    while j + 3 < bytes.len()
                        && bytes[j] == b','
                        && bytes[j + 1..j + 4].iter().all(|b| b.is_ascii_digit())
                        && !(j + 4 < bytes.len() && bytes[j + 4].is_ascii_digit())
                    {
                        for k in 1..4 {
                            v = v
                                .saturating_mul(10)
                                .saturating_add((bytes[j + k] - b'0') as u64);
                        }
                        j += 4;
                        grouped = true;
                    }
                    if grouped {
                        nd = 9;
                    }
                }
                toks.push(Tok {
                    s: start as u32,
                    e: j as u32,
                    kind: TokKind::Num,
                    num: v,
                    nd,
                    lex: Lex::None,
                    pre: 0,
                    upper: false,
                    nl,
                });
                nl = false;
                i = j;
                continue;
            }
            if c.is_alphabetic() {
                let mut j = i + cl;
                while j < bytes.len() {
                    let d = match text[j..].chars().next() {
                        Some(d) => d,
                        None => break,
                    };
                    if d.is_alphabetic() || is_mark(d) {
                        j += d.len_utf8();
                    } else {
                        break;
                    }
                }
                let word = &text[start..j];
                let (lex, pre) = lookup(word);
                let cp = self.map[start] as usize;
                let upper = self
                    .input
                    .get(self.cp_byte[cp] as usize..)
                    .and_then(|s| s.chars().next())
                    .is_some_and(|c| c.is_uppercase());
                toks.push(Tok {
                    s: start as u32,
                    e: j as u32,
                    kind: TokKind::Word,
                    num: 0,
                    nd: 0,
                    lex,
                    pre,
                    upper,
                    nl,
                });
                nl = false;
                i = j;
                continue;
            }
            if is_mark(c) {
                i += cl;
                continue;
            }
            toks.push(Tok {
                s: start as u32,
                e: (i + cl) as u32,
                kind: TokKind::Punct(c),
                num: 0,
                nd: 0,
                lex: Lex::None,
                pre: 0,
                upper: false,
                nl,
            });
            nl = false;
            i += cl;
        }
        self.toks = toks;
    }

    fn split_sentences(&mut self) {
        let n = self.toks.len();
        let mut start = 0;
        let mut i = 0;
        while i < n {
            let t = self.toks[i];
            if t.nl && i > start {
                self.sentences.push((start, i));
                start = i;
            }
            let end_here = match t.kind {
                TokKind::Punct('!') | TokKind::Punct('?') | TokKind::Punct('؟') => true,
                TokKind::Punct('.') => {
                    let next_num = self.toks.get(i + 1).is_some_and(|x| x.kind == TokKind::Num);
                    let prev_abbrev = i > 0 && {
                        let p = &self.toks[i - 1];
                        let w = self.tok_text(i - 1);
                        p.kind == TokKind::Word && (w.chars().count() == 1 || ABBREV.contains(&w))
                    };
                    let next_lower = self.toks.get(i + 1).is_some_and(|x| {
                        x.kind == TokKind::Word && !x.upper && self.tok_text(i + 1).is_ascii()
                    });
                    !next_num && !prev_abbrev && !next_lower
                }
                _ => false,
            };
            if end_here {
                // keep closing quotes with the sentence
                let mut j = i + 1;
                while j < n
                    && matches!(
                        self.toks[j].kind,
                        TokKind::Punct('”' | '"' | '»' | '\'' | ')')
                    )
                    && !self.toks[j].nl
                {
                    j += 1;
                }
                self.sentences.push((start, j));
                start = j;
                i = j;
                continue;
            }
            i += 1;
        }
        if start < n {
            self.sentences.push((start, n));
        }
        self.cap_sentences();
    }

    /// Cuts every sentence longer than [`MAX_SENTENCE_TOKENS`] into pieces
    /// of at most that many tokens, each ending at the last clause mark
    /// (comma, semicolon, colon) of its second half when there is one. The
    /// later stages look within a sentence (quantities, actors, dates of a
    /// clause), so their work per sentence is bounded and extraction stays
    /// linear in the text, whatever its punctuation.
    fn cap_sentences(&mut self) {
        if self
            .sentences
            .iter()
            .all(|(s, e)| e - s <= MAX_SENTENCE_TOKENS)
        {
            return;
        }
        let mut out = Vec::with_capacity(self.sentences.len());
        for &(s, e) in &self.sentences {
            let mut start = s;
            while e - start > MAX_SENTENCE_TOKENS {
                let limit = start + MAX_SENTENCE_TOKENS;
                let cut = (start + MAX_SENTENCE_TOKENS / 2..limit)
                    .rev()
                    .find(|&i| {
                        matches!(
                            self.toks[i].kind,
                            TokKind::Punct(',' | '،' | ';' | '؛' | ':')
                        )
                    })
                    .map_or(limit, |i| i + 1);
                out.push((start, cut));
                start = cut;
            }
            out.push((start, e));
        }
        self.sentences = out;
    }
}

/// Longest sentence, in tokens, that the later stages see whole (a news
/// sentence is rarely a fifth of it).
pub const MAX_SENTENCE_TOKENS: usize = 256;

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}')
}

const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "st", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "vs", "inc", "corp", "jr", "sr", "co",
    "gov", "sen", "rep", "prof", "capt", "maj", "adm", "ft", "mt", "p", "a", "m",
];

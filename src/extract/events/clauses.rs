//! Clauses of a sentence. A sentence is cut, left to right, into clauses
//! that cover it: at clause punctuation (، , ؛ ; : quotes, brackets), at the
//! complementizer of a reporting verb (that, أن/إن/بأن, عن after كشف/أعلن,
//! and English "said" with no "that"), at relative pronouns (which, who,
//! الذي، التي…), at subordinators (after/before/while/when + a clause, بعد
//! أن، قبل أن، عندما، بينما…), and at a coordinated verb ("and killed",
//! "وأسفر"، "وكان"). A cut never falls inside a temporal expression. Each
//! clause knows how it hangs on the one before: the date of a clause without
//! its own expression comes from there (see `mod.rs`).

use super::super::text::{TokKind, Tokenized};
use super::triggers::class;
use super::{strip_conj, word};

/// How a clause relates to the clause before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The first clause, or one after punctuation with nothing to mark it.
    Main,
    /// What a reporting verb reports (after "that", أن, عن).
    Reported,
    /// A relative clause (which, who, الذي).
    Relative,
    /// A subordinate clause (after, before, while, بعد أن).
    Subordinate,
    /// A coordinated clause with its own verb.
    Coordinated,
}

/// A clause: tokens `[a, b)`.
#[derive(Debug, Clone, Copy)]
pub struct Clause {
    pub a: usize,
    pub b: usize,
    pub role: Role,
}

const RELATIVE: &[&str] = &[
    "which",
    "who",
    "whom",
    "whose",
    "الذي",
    "التي",
    "الذين",
    "اللذين",
    "اللتين",
    "اللواتي",
    "اللاتي",
    "اللذان",
    "اللتان",
];
const SUBORDINATORS_EN: &[&str] = &[
    "after", "before", "while", "when", "because", "until", "although", "though", "whereas",
];
const SUBORDINATORS_AR: &[&str] = &[
    "عندما",
    "حين",
    "حينما",
    "بينما",
    "فيما",
    "اذ",
    "حيث",
    "لان",
    "كما",
    "ثم",
    "بعدما",
    "قبلما",
    "لكن",
];
/// English words that do not start a reported clause right after "said".
const NOT_CONTENT: &[&str] = &[
    "in",
    "on",
    "at",
    "to",
    "by",
    "during",
    "after",
    "before",
    "from",
    "with",
    "for",
    "of",
    "late",
    "earlier",
    "later",
    "that",
    "and",
    "but",
    "as",
    "while",
    "when",
    "through",
    "via",
    "yesterday",
    "today",
    "tonight",
    "this",
    "last",
];
/// English pronoun subjects that do start one ("said it would…").
const PRONOUNS: &[&str] = &["it", "he", "she", "they", "we", "there", "i"];
const AUX: &[&str] = &[
    "was", "were", "had", "has", "have", "is", "are", "will", "would", "did", "could", "said",
];
const IRREGULAR: &[&str] = &[
    "met",
    "took",
    "fled",
    "left",
    "began",
    "won",
    "lost",
    "fell",
    "rose",
    "made",
    "struck",
    "fought",
    "gave",
    "held",
    "came",
    "went",
    "became",
    "sent",
    "shot",
    "hit",
    "saw",
    "told",
    "broke",
    "brought",
    "ran",
    "set",
    "led",
    "paid",
    "sold",
    "spent",
    "stood",
    "kept",
    "built",
    "drove",
    "flew",
    "grew",
    "knew",
    "threw",
    "wrote",
    "chose",
    "spoke",
    "bought",
    "caught",
    "sought",
    "killed",
    "said",
    "put",
    "cut",
    "quit",
    "hurt",
    "spread",
    "withdrew",
    "overtook",
    "arose",
    "froze",
    "stole",
    "swore",
    "forgave",
    "undertook",
    "won",
    "declared",
];

/// An English word that reads as a finite verb in the past or with an auxiliary.
pub fn looks_verb(w: &str) -> bool {
    (w.len() > 4 && w.ends_with("ed")) || IRREGULAR.contains(&w) || AUX.contains(&w)
}

/// Cuts tokens `[a, b)` into clauses. `in_timex(i)` tells whether token `i`
/// is inside a temporal expression (no cut there).
pub fn split(doc: &Tokenized, a: usize, b: usize, in_timex: impl Fn(usize) -> bool) -> Vec<Clause> {
    let en = doc.lang == super::super::Lang::En;
    let mut out: Vec<Clause> = Vec::new();
    let mut start = a;
    let mut role = Role::Main;
    // the reporting verb of the current clause, if any
    let mut reporting: Option<usize> = None;
    let cut = |out: &mut Vec<Clause>, start: &mut usize, role: &mut Role, at: usize, next: Role| {
        if at > *start && at < b {
            out.push(Clause {
                a: *start,
                b: at,
                role: *role,
            });
            *start = at;
            *role = next;
        }
    };
    let mut i = a;
    while i < b {
        if in_timex(i) {
            i += 1;
            continue;
        }
        let t = &doc.toks[i];
        if let TokKind::Punct(c) = t.kind {
            if matches!(
                c,
                '،' | ',' | '؛' | ';' | ':' | '“' | '”' | '"' | '«' | '»' | '(' | ')'
            ) {
                let next = i + 1;
                let mut r = opening_role(doc, next, b, en);
                // "أعلنت الوزارة، أمس، عن نجاح…": عن after a reporting clause
                if r == Role::Main && reporting.is_some() && word(doc, next) == "عن" {
                    r = Role::Reported;
                }
                if r == Role::Main && reporting.is_some() && COMPLEM.contains(&word(doc, next)) {
                    r = Role::Reported;
                }
                cut(&mut out, &mut start, &mut role, next, r);
                if r != Role::Main {
                    // the reporting verb governs through the comma only
                    if r != Role::Reported {
                        reporting = None;
                    }
                } else {
                    reporting = reporting.filter(|_| matches!(c, '،' | ','));
                }
                if r == Role::Reported {
                    reporting = None;
                }
                i = next;
                continue;
            }
            i += 1;
            continue;
        }
        if t.kind != TokKind::Word {
            i += 1;
            continue;
        }
        let w = doc.tok_text(i);
        let bare = strip_conj(w);
        let cls = class(bare);
        if (cls.reporting || cls.continuing) && !(en && i > a && word(doc, i - 1) == "was") {
            reporting = Some(i);
            if en
                && matches!(
                    bare,
                    "said" | "says" | "added" | "announced" | "stated" | "warned"
                )
            {
                // zero complementizer: "said the group attacked…", "said Tuesday it would…"
                let mut j = i + 1;
                while j < b && in_timex(j) {
                    j += 1;
                }
                let nw = word(doc, j);
                let starts_content = !nw.is_empty()
                    && (PRONOUNS.contains(&nw) || !NOT_CONTENT.contains(&nw))
                    && doc.toks[j].kind == TokKind::Word;
                if starts_content && j < b && has_verb_ahead(doc, j, b) {
                    cut(&mut out, &mut start, &mut role, j, Role::Reported);
                    reporting = None;
                    i = j;
                    continue;
                }
            }
            i += 1;
            continue;
        }
        if reporting.is_some() && (COMPLEM.contains(&w) || (!en && w == "عن" && i > start)) {
            cut(&mut out, &mut start, &mut role, i, Role::Reported);
            reporting = None;
            i += 1;
            continue;
        }
        let r = opening_role(doc, i, b, en);
        if r != Role::Main && i > start + 1 {
            cut(&mut out, &mut start, &mut role, i, r);
            reporting = None;
            i += 1;
            continue;
        }
        // a coordinated verb: "and killed", "but withdrew", "وأسفر", "وقتل"
        if en && matches!(w, "and" | "but") && i > start + 2 {
            let n1 = word(doc, i + 1);
            let n2 = word(doc, i + 2);
            if looks_verb(n1) || (matches!(n1, "then" | "later" | "also") && looks_verb(n2)) {
                cut(&mut out, &mut start, &mut role, i, Role::Coordinated);
                reporting = None;
            }
        } else if !en && i > start + 2 && t.pre > 0 && w.starts_with('و') {
            let stem = doc.tok_stem(i);
            let verb_like = !stem.starts_with("ال")
                && (cls.kind.is_some() || cls.reporting || cls.presence || bare == "كان");
            if verb_like {
                cut(&mut out, &mut start, &mut role, i, Role::Coordinated);
                reporting = None;
                if cls.reporting {
                    reporting = Some(i);
                }
            }
        }
        i += 1;
    }
    if start < b {
        out.push(Clause { a: start, b, role });
    }
    out
}

const COMPLEM: &[&str] = &["that", "ان", "بان", "وان"];

/// Whether a verb-like word follows within a few tokens (so "said the
/// group attacked" is content, "said the ministry" is not).
fn has_verb_ahead(doc: &Tokenized, j: usize, b: usize) -> bool {
    (j..(j + 8).min(b)).any(|k| {
        let w = word(doc, k);
        looks_verb(w) || w == "would" || w == "will"
    })
}

/// The role of a clause starting at token `i`, from its first words.
fn opening_role(doc: &Tokenized, i: usize, b: usize, en: bool) -> Role {
    let w = word(doc, i);
    if w.is_empty() {
        return Role::Main;
    }
    let bare = strip_conj(w);
    if RELATIVE.contains(&bare) {
        return Role::Relative;
    }
    if en {
        if SUBORDINATORS_EN.contains(&w) && has_verb_ahead(doc, i + 1, b.min(i + 7)) {
            return Role::Subordinate;
        }
    } else {
        if SUBORDINATORS_AR.contains(&bare) {
            return Role::Subordinate;
        }
        if matches!(bare, "بعد" | "قبل") && word(doc, i + 1) == "ان" {
            return Role::Subordinate;
        }
    }
    Role::Main
}

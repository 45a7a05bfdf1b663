//! What one request may make the server do, checked before async-graphql
//! parses, validates or runs anything that could expand its fragments.
//!
//! async-graphql's own depth and complexity checks walk every fragment
//! spread again at each place it is used, so a 1 KB document whose
//! fragments each spread the previous one twice takes 2^n steps before
//! any limit applies. Here the document is parsed once, its nesting is
//! bounded before parsing, and the number of fields it selects once every
//! fragment is expanded is computed with each fragment's size memoized:
//! linear in the document. A document over a limit is refused with
//! `BAD_USER_INPUT` saying which; the parsed document is handed on, so
//! the request is not parsed twice.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::parser::Positioned;
use async_graphql::{BatchRequest, Name, Request};

/// Most requests in one batch.
pub const MAX_BATCH: usize = 10;
/// Most fields a request (or a whole batch) selects once its fragments are
/// expanded.
pub const MAX_SELECTIONS: u64 = 2_000;
/// Most root fields (aliases included) one request selects.
pub const MAX_ROOT_FIELDS: u64 = 20;
/// Most fragment definitions in one document.
pub const MAX_FRAGMENTS: usize = 100;
/// Deepest nesting of braces, brackets and parentheses in a document's text.
pub const MAX_NESTING: usize = 64;
/// How many root fields of one request run at once: a request holds at
/// most this many database connections (a nested list field's loaders run
/// under its root field's turn), so one request cannot take the pool.
pub const ROOT_FIELDS_AT_ONCE: usize = 2;

/// What a document asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    /// Fields selected, fragments expanded.
    pub selections: u64,
    /// Root fields of all operations.
    pub root_fields: u64,
}

/// Checks every request of a batch against the limits, parsing each one
/// and keeping the parsed document in it. A request whose text does not
/// parse is left for async-graphql to report; the batch's costs add up.
/// Returns each request's kind of operation (`query`, `mutation`,
/// `subscription`, or `invalid` when it does not parse): `mutation` when
/// any operation of the document is one, whichever the request names.
pub fn check_batch(batch: &mut BatchRequest) -> Result<Vec<&'static str>, String> {
    let requests: Vec<&mut Request> = batch.iter_mut().collect();
    if requests.len() > MAX_BATCH {
        return Err(format!(
            "a batch holds at most {MAX_BATCH} requests, got {}",
            requests.len()
        ));
    }
    let mut selections = 0u64;
    let mut kinds = Vec::with_capacity(requests.len());
    for r in requests {
        let nesting = nesting(&r.query);
        if nesting > MAX_NESTING {
            return Err(format!(
                "a document nests at most {MAX_NESTING} levels, got more"
            ));
        }
        let Ok(doc) = r.parsed_query() else {
            kinds.push("invalid");
            continue;
        };
        // The strongest kind in the document, whichever operation runs:
        // a document that holds a mutation is treated as one (never
        // abandoned half-way, never cached, never run by GET).
        let types: Vec<OperationType> = doc.operations.iter().map(|(_, op)| op.node.ty).collect();
        kinds.push(if types.contains(&OperationType::Mutation) {
            "mutation"
        } else if types.contains(&OperationType::Subscription) {
            "subscription"
        } else if types.is_empty() {
            "invalid"
        } else {
            "query"
        });
        let c = cost(doc)?;
        if c.root_fields > MAX_ROOT_FIELDS {
            return Err(format!(
                "a request selects at most {MAX_ROOT_FIELDS} root fields (aliases included), got {}",
                c.root_fields
            ));
        }
        selections = selections.saturating_add(c.selections);
        if selections > MAX_SELECTIONS {
            return Err(format!(
                "a request (or batch) selects at most {MAX_SELECTIONS} fields once its fragments are expanded, got more"
            ));
        }
    }
    Ok(kinds)
}

/// The deepest nesting of `{`, `[` and `(` in a document's text, outside
/// strings and comments (an upper bound on the parser's recursion). Stops
/// counting once past [`MAX_NESTING`].
pub fn nesting(text: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '#' => skip_comment(&mut chars),
            '"' => skip_string(&mut chars),
            '{' | '[' | '(' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > MAX_NESTING {
                    return deepest;
                }
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Skips a string whose opening quote was just read, as the GraphQL
/// grammar reads it (this must never end a string earlier than the
/// parser does, or nesting after it would go uncounted): `"…"`, where `\`
/// escapes the next character and a line break ends the document's
/// validity (the parser stops there too), or a block string `"""…"""`,
/// where only `\"""` is an escape.
fn skip_string(chars: &mut std::str::Chars<'_>) {
    let block = eat(chars, '"');
    if block && !eat(chars, '"') {
        return; // `""`: the empty string
    }
    if !block {
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' | '\n' | '\r' => return,
                _ => {}
            }
        }
        return;
    }
    let mut quotes = 0;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                // `\"""` is three quotes of the string's text.
                quotes = 0;
                let mut ahead = chars.clone();
                if ahead.next() == Some('"')
                    && ahead.next() == Some('"')
                    && ahead.next() == Some('"')
                {
                    *chars = ahead;
                }
            }
            '"' => {
                quotes += 1;
                if quotes == 3 {
                    return;
                }
            }
            _ => quotes = 0,
        }
    }
}

/// Skips a comment whose `#` was just read, to the end of its line.
fn skip_comment(chars: &mut std::str::Chars<'_>) {
    for c in chars.by_ref() {
        if c == '\n' || c == '\r' {
            break;
        }
    }
}

/// Takes `c` when it comes next.
fn eat(chars: &mut std::str::Chars<'_>, c: char) -> bool {
    let mut ahead = chars.clone();
    if ahead.next() == Some(c) {
        *chars = ahead;
        true
    } else {
        false
    }
}

/// A document's text with its ignored tokens normalized, for caches keyed
/// by documents: comments dropped, each run of white space and commas
/// made one space, and that space dropped next to a one-character
/// punctuator (`{ } ( ) : = @ $ | &`; not next to `[ ] !`, which
/// async-graphql's parser reads with the type around them as one token:
/// `[ ID ]` does not parse, and must not share `[ID]`'s answer). Strings
/// are kept as written.
/// Two texts with the same normalized form are the same sequence of
/// tokens, so the same document (or the same error); a text that does not
/// lex comes out with its tokens intact as far as they go.
pub fn normalized(text: &str) -> String {
    fn punctuator(c: char) -> bool {
        matches!(c, '{' | '}' | '(' | ')' | ':' | '=' | '@' | '$' | '|' | '&')
    }
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' | ',' | '\u{feff}' => gap = true,
            '#' => {
                skip_comment(&mut chars);
                gap = true;
            }
            _ => {
                let last = out.chars().next_back();
                if gap && last.is_some_and(|l| !punctuator(l)) && !punctuator(c) {
                    out.push(' ');
                }
                gap = false;
                if c == '"' {
                    let rest = chars.as_str();
                    skip_string(&mut chars);
                    let taken = rest.len() - chars.as_str().len();
                    out.push('"');
                    out.push_str(&rest[..taken]);
                } else {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The cost of a parsed document: linear in its size, each fragment
/// measured once. A fragment that spreads itself (directly or not) is
/// refused; one that is never defined costs nothing (validation reports it).
pub fn cost(doc: &ExecutableDocument) -> Result<Cost, String> {
    if doc.fragments.len() > MAX_FRAGMENTS {
        return Err(format!(
            "a document defines at most {MAX_FRAGMENTS} fragments, got {}",
            doc.fragments.len()
        ));
    }
    let mut m = Measure {
        doc,
        sizes: HashMap::new(),
    };
    let mut total = Cost::default();
    for (_, op) in doc.operations.iter() {
        let (all, root) = m.set(&op.node.selection_set, 0)?;
        total.selections = total.selections.saturating_add(all);
        total.root_fields = total.root_fields.saturating_add(root);
    }
    // Validation walks every fragment definition, used or not: each counts
    // as it expands.
    for name in doc.fragments.keys() {
        let (all, _) = m.fragment(name, 0)?;
        total.selections = total.selections.saturating_add(all);
    }
    Ok(total)
}

/// Deepest selection sets and fragment spreads the measure follows (the
/// parser refuses selection sets nested past 32 anyway).
const MAX_MEASURE_DEPTH: usize = 64;

/// Fragment sizes: `None` while a fragment is being measured (a spread
/// that meets it again is a cycle).
struct Measure<'a> {
    doc: &'a ExecutableDocument,
    sizes: HashMap<&'a Name, Option<(u64, u64)>>,
}

impl<'a> Measure<'a> {
    /// (fields selected in all, fields at this level) of a selection set
    /// `depth` sets and spreads deep; past [`MAX_MEASURE_DEPTH`] the
    /// document is refused, so the recursion is bounded.
    fn set(
        &mut self,
        set: &'a Positioned<SelectionSet>,
        depth: usize,
    ) -> Result<(u64, u64), String> {
        if depth > MAX_MEASURE_DEPTH {
            return Err(format!(
                "selections and fragment spreads nest at most {MAX_MEASURE_DEPTH} deep"
            ));
        }
        let (mut all, mut here) = (0u64, 0u64);
        for item in &set.node.items {
            let (a, h) = match &item.node {
                Selection::Field(f) => {
                    let (inner, _) = self.set(&f.node.selection_set, depth + 1)?;
                    (inner.saturating_add(1), 1)
                }
                Selection::InlineFragment(i) => self.set(&i.node.selection_set, depth + 1)?,
                Selection::FragmentSpread(s) => {
                    self.fragment(&s.node.fragment_name.node, depth + 1)?
                }
            };
            all = all.saturating_add(a);
            here = here.saturating_add(h);
        }
        Ok((all, here))
    }

    fn fragment(&mut self, name: &'a Name, depth: usize) -> Result<(u64, u64), String> {
        match self.sizes.get(name) {
            Some(Some(size)) => return Ok(*size),
            Some(None) => return Err(format!("fragment {name} spreads itself")),
            None => {}
        }
        let Some(def) = self.doc.fragments.get(name) else {
            return Ok((0, 0));
        };
        self.sizes.insert(name, None);
        let size = self.set(&def.node.selection_set, depth)?;
        self.sizes.insert(name, Some(size));
        Ok(size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_cost(q: &str) -> Result<Cost, String> {
        cost(&async_graphql::parser::parse_query(q).map_err(|e| e.to_string())?)
    }

    /// `fragment F{i} on Event { ...F{i-1} ...F{i-1} }`: 2^n fields when
    /// expanded, measured in linear time.
    fn fan_out(n: usize) -> String {
        let mut q = String::from("{ events { nodes { ...F");
        q.push_str(&n.to_string());
        q.push_str(" } } }\nfragment F0 on Event { id title }\n");
        for i in 1..=n {
            q.push_str(&format!(
                "fragment F{i} on Event {{ ...F{p} ...F{p} }}\n",
                p = i - 1
            ));
        }
        q
    }

    #[test]
    fn fragments_are_counted_expanded_and_once() {
        let c = doc_cost(&fan_out(3)).unwrap();
        // The operation's 2 + 16, and each fragment as it expands.
        assert_eq!(c.selections, 2 + 16 + (2 + 4 + 8 + 16));
        assert_eq!(c.root_fields, 1);
        let c = doc_cost(&fan_out(60)).unwrap();
        assert!(c.selections > MAX_SELECTIONS);
    }

    #[test]
    fn cycles_and_root_fields() {
        assert!(
            doc_cost("{ a { ...A } } fragment A on X { ...B } fragment B on X { ...A }")
                .unwrap_err()
                .contains("spreads itself")
        );
        let aliases: String = (0..30)
            .map(|i| format!("a{i}: events {{ totalCount }} "))
            .collect();
        assert_eq!(
            doc_cost(&format!("{{ {aliases} }}")).unwrap().root_fields,
            30
        );
        assert_eq!(
            doc_cost("query { ...R } fragment R on QueryRoot { a b c }")
                .unwrap()
                .root_fields,
            3
        );
    }

    #[test]
    fn nesting_ignores_strings_and_comments() {
        assert_eq!(nesting("{ a(x: \"{{{{\") { b } }"), 2);
        assert_eq!(nesting("# {{{{{\n{ a }"), 1);
        assert_eq!(nesting("{ a(x: \"\"\" {{{ \\\"\"\" \"\"\") }"), 2);
        assert_eq!(nesting("{ a(x: \"\") { b } }"), 2);
        // A backslash in a block string escapes nothing but `\"""`: the
        // string ends where the parser ends it, and what follows counts.
        let tricky = format!("{{ a(x: \"\"\"\\\\\"\"\" \"\"\") {}", "{a".repeat(100));
        assert!(nesting(&tricky) > MAX_NESTING);
        assert_eq!(nesting("{ a(x: \"\"\" \\\"\"\" {{{ \"\"\") }"), 2);
        // Unused fragments count too: validation walks them.
        let unused = "{ __typename } fragment U on Event { a b c }";
        assert_eq!(doc_cost(unused).unwrap().selections, 1 + 3);
        let deep = "{a".repeat(100_000);
        assert!(nesting(&deep) > MAX_NESTING);
    }

    #[test]
    fn batches_are_bounded_and_summed() {
        let one = || Request::new("{ events { nodes { id } } }");
        let mut ok = BatchRequest::Batch((0..MAX_BATCH).map(|_| one()).collect());
        assert!(check_batch(&mut ok).is_ok());
        let mut big = BatchRequest::Batch((0..=MAX_BATCH).map(|_| one()).collect());
        assert!(check_batch(&mut big).unwrap_err().contains("at most 10"));
        let fields: String = (0..300).map(|i| format!("f{i}: id ")).collect();
        let wide = || Request::new(format!("{{ events {{ nodes {{ {fields} }} }} }}"));
        let mut sum = BatchRequest::Batch((0..MAX_BATCH).map(|_| wide()).collect());
        assert!(check_batch(&mut sum).unwrap_err().contains("fields"));
    }

    #[test]
    fn normalized_documents_keep_their_tokens() {
        let a = "query Q($a: [ID!], $n: Int = 5) {\n  events(filter: {actorIds: $a}, first: $n) {\n    nodes { id title } # the page\n  }\n}";
        let b =
            "query Q($a:[ID!] $n:Int=5){events(filter:{actorIds:$a} first:$n){nodes{id title}}}";
        assert_eq!(normalized(a), normalized(b));
        let compact =
            "query Q($a:[ID!]$n:Int=5){events(filter:{actorIds:$a}first:$n){nodes{id title}}}";
        assert_eq!(normalized(b), compact);
        // Names stay apart; strings keep their spaces, commas and hashes.
        assert_eq!(normalized("{ a  b }"), "{a b}");
        let s = r#"{ actors(search: "  x, # y ") { id } }"#;
        assert_eq!(normalized(s), r#"{actors(search:"  x, # y "){id}}"#);
        let block = "{ f(t: \"\"\" a \\\"\"\" # b \"\"\") }";
        assert_eq!(normalized(block), "{f(t:\"\"\" a \\\"\"\" # b \"\"\")}");
        // Two strings side by side never become a block string's quotes.
        assert_eq!(normalized(r#"{ f(l: ["" "x"]) }"#), r#"{f(l:["" "x"])}"#);
        // A type with spaces inside its brackets does not parse: it keeps them.
        assert_ne!(
            normalized("query($a: [ ID ]) { a }"),
            normalized("query($a: [ID]) { a }")
        );
        // Dots are not joined into a spread, nor numbers into one.
        assert_eq!(normalized("{ . .. }"), "{. ..}");
        assert_eq!(normalized("{ f(a: 1 -2) }"), "{f(a:1 -2)}");
        // Different documents stay different.
        assert_ne!(normalized("{ a { b } }"), normalized("{ a b }"));
        for t in [a, s, block, "{ unterminated(s: \"x ", "#only"] {
            assert_eq!(normalized(&normalized(t)), normalized(t), "{t}");
        }
    }

    #[test]
    fn normalized_documents_parse_the_same() {
        let a = "query Q($a: [ID!]) {\n events(filter: {actorIds: $a}) { ...F } }\n# x\nfragment F on EventConnection { nodes { id title } }";
        let show = |t: &str| {
            let d = async_graphql::parser::parse_query(t).unwrap();
            let names: Vec<String> = d.operations.iter().map(|(n, _)| format!("{n:?}")).collect();
            (
                names,
                d.fragments
                    .keys()
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(show(a), show(&normalized(a)));
    }
}

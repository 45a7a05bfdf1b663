//! Source rules that keep the server from panicking on input, checked on
//! the text of `src/` (as rust-analyzer's tidy does): outside tests, no
//! `unwrap`, `expect`, `panic!`, `unreachable!` or `todo!`, and no date
//! arithmetic with the operators that panic on overflow (`+`/`-` of a
//! chrono `Duration`, `Days` or `Months`): use `checked_*`. The layers'
//! import rules of `src/lib.rs`, and the house rules of CONTRIBUTING.md:
//! a `//!` header on every source file, no file over 1,000 lines, no
//! issue numbers in the code (say why, not which ticket).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Each file of `src/` with its text up to its `#[cfg(test)]` module.
fn sources() -> Vec<(String, String)> {
    texts("src")
        .into_iter()
        .map(|(name, text)| match text.find("#[cfg(test)]") {
            Some(i) => (name, text[..i].to_string()),
            None => (name, text),
        })
        .collect()
}

/// Lines of code (comments dropped, tests left out) where `bad` says a
/// rule is broken.
fn offences(bad: impl Fn(&str) -> bool) -> Vec<String> {
    lines_where(sources(), |l| bad(l.split("//").next().unwrap_or("")))
}

#[test]
fn no_panicking_calls_outside_tests() {
    let found = offences(|l| {
        [
            // Macro names in pieces, so that this file does not name them itself.
            ".unwrap()",
            ".expect(",
            concat!("panic", "!("),
            concat!("unreachable", "!("),
            concat!("todo", "!("),
            concat!("unimplemented", "!("),
        ]
        .iter()
        .any(|p| l.contains(p))
    });
    assert!(
        found.is_empty(),
        "panics on bad input:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_date_arithmetic_that_panics_on_overflow() {
    let found = offences(|l| {
        let l = l.replace(' ', "");
        ["Duration::", "Days::", "Months::", "TimeDelta::"]
            .iter()
            .any(|t| {
                ["+", "-", "+=", "-="].iter().any(|op| {
                    l.contains(&format!("{op}{t}")) || l.contains(&format!("{op}chrono::{t}"))
                })
            })
    });
    assert!(
        found.is_empty(),
        "use checked_add_*/checked_sub_*:\n{}",
        found.join("\n")
    );
}

#[test]
fn layers_import_only_what_they_may() {
    let rules: &[(&str, &[&str])] = &[
        // (crate or module path, the folders of src/ that may use it)
        ("sea_orm", &["src/storage/"]),
        ("actix", &["src/http/"]),
        ("clap", &["src/cli/"]),
        (
            "crate::storage",
            &[
                "src/storage/",
                "src/ingest/",
                "src/export/",
                "src/live.rs",
                "src/graphql/",
                "src/http/",
                "src/cli/",
                "src/demo.rs",
            ],
        ),
        (
            "crate::live",
            &["src/live.rs", "src/graphql/", "src/http/", "src/cli/"],
        ),
        ("crate::graphql", &["src/graphql/", "src/http/", "src/cli/"]),
        ("crate::http", &["src/http/", "src/cli/"]),
        ("crate::cli", &["src/cli/"]),
    ];
    let pure = ["src/domain/", "src/extract/"];
    let io = [
        "std::fs",
        "std::net",
        "std::io",
        "tokio",
        "SystemTime",
        "Utc::now",
        "Local::now",
        "Instant::now",
    ];
    let mut found = vec![];
    for (name, code) in sources() {
        for (i, line) in code.lines().enumerate() {
            let l = line.split("//").next().unwrap_or("");
            for (path, allowed) in rules {
                let used = l.contains(&format!("{path}::")) || l.contains(&format!("use {path}"));
                if used && !allowed.iter().any(|a| name.starts_with(a)) {
                    found.push(format!("{name}:{}: {path} here", i + 1));
                }
            }
            // The pure layers use nothing of ours but the domain (and
            // extract its own modules).
            let own: &[&str] = if name.starts_with("src/domain/") {
                &["domain"]
            } else if name.starts_with("src/extract/") {
                &["domain", "extract"]
            } else {
                &[]
            };
            if !own.is_empty() {
                for (at, _) in l.match_indices("crate::") {
                    let rest = &l[at + "crate::".len()..];
                    let module: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !own.contains(&module.as_str()) {
                        found.push(format!("{name}:{}: crate::{module} in a pure layer", i + 1));
                    }
                }
            }
            if pure.iter().any(|p| name.starts_with(p)) {
                for x in io {
                    if l.contains(x) {
                        found.push(format!("{name}:{}: {x} in a pure layer", i + 1));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "layer rules broken:\n{}",
        found.join("\n")
    );
}

/// Every Rust file under `dir` (of the repository) with its whole text,
/// tests included, in name order.
fn texts(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    rust_files(&root.join(dir), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.strip_prefix(root).unwrap().display().to_string(), text)
        })
        .collect()
}

fn whole_sources() -> Vec<(String, String)> {
    texts("src")
}

/// The lines of `files` where `bad` holds, as `file:line: text`.
fn lines_where(files: Vec<(String, String)>, bad: impl Fn(&str) -> bool) -> Vec<String> {
    let mut found = vec![];
    for (name, text) in files {
        for (i, line) in text.lines().enumerate() {
            if bad(line) {
                found.push(format!("{name}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn every_source_file_says_what_it_is() {
    let found: Vec<String> = whole_sources()
        .into_iter()
        .filter(|(_, text)| !text.starts_with("//!"))
        .map(|(name, _)| name)
        .collect();
    assert!(
        found.is_empty(),
        "start these with a `//!` header:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_source_file_over_a_thousand_lines() {
    let found: Vec<String> = whole_sources()
        .into_iter()
        .filter(|(_, text)| text.lines().count() > 1000)
        .map(|(name, text)| format!("{name}: {} lines", text.lines().count()))
        .collect();
    assert!(found.is_empty(), "split by concern:\n{}", found.join("\n"));
}

#[test]
fn no_issue_numbers_in_the_code() {
    let ticket = regex::Regex::new(r"(?i)\bissue\s*#?\d").unwrap();
    let found = lines_where(whole_sources(), |l| ticket.is_match(l));
    assert!(
        found.is_empty(),
        "say why, not which issue:\n{}",
        found.join("\n")
    );
}

#[test]
fn tests_wait_on_conditions_not_delays() {
    // No sleeps anywhere in the tests; a clock only for the deadline of
    // `common::wait_until`. (This file names both only in pieces.)
    let files: Vec<(String, String)> = texts("tests")
        .into_iter()
        .filter(|(name, _)| !name.ends_with("tidy.rs"))
        .collect();
    let mut found = lines_where(files.clone(), |l| l.contains(concat!("sleep", "(")));
    let others = files
        .into_iter()
        .filter(|(name, _)| !name.ends_with("common/mod.rs"))
        .collect();
    found.extend(lines_where(others, |l| {
        l.contains(concat!("Instant", "::now"))
    }));
    assert!(
        found.is_empty(),
        "wait for the condition (common::wait_until), not for time:\n{}",
        found.join("\n")
    );
}

#[test]
fn storage_is_a_one_way_chain() {
    // The modules of whole operations use the building blocks (`convert`,
    // `query`, `txn`, `entities`, `error`) and never each other; the
    // building blocks use no whole operation. `candidates` is ingestion's.
    let whole = [
        "events",
        "history",
        "actors",
        "articles",
        "ingest",
        "docs",
        "search",
        "places",
        "candidates",
    ];
    let mut found = vec![];
    for (name, code) in sources() {
        let Some(module) = name
            .strip_prefix("src/storage/")
            .and_then(|m| m.strip_suffix(".rs"))
        else {
            continue;
        };
        if module == "mod" {
            continue;
        }
        for w in whole {
            let allowed = w == module || (module == "ingest" && w == "candidates");
            if !allowed && code.contains(&format!("super::{w}::")) {
                found.push(format!("{name}: uses storage::{w}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "storage chain broken:\n{}",
        found.join("\n")
    );
}

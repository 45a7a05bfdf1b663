//! Reading articles from files and directories, lazily: `.json` (one
//! article or an array), `.jsonl` (one article a line), `.txt`/`.md` (the
//! body; publication date and language come from the options).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::RawArticle;

/// Defaults for bodies given as plain text.
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    /// Publication date for `.txt`/`.md` files (required for them).
    pub published: Option<String>,
    /// Language for `.txt`/`.md` files (required for them).
    pub lang: Option<String>,
}

/// One article read, or why it could not be: with its file and line.
#[derive(Debug, Clone)]
pub struct SourceItem {
    pub location: String,
    pub article: Result<RawArticle, SourceError>,
}

/// Why a source gave no article.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SourceError {
    #[error("cannot open: {0}")]
    Open(String),
    #[error("cannot read: {0}")]
    Read(String),
    #[error("invalid JSON: {0}")]
    Json(String),
    #[error("not an article: {0}")]
    NotAnArticle(String),
    #[error("a .txt or .md file needs --published and --lang")]
    PlainTextNeedsOptions,
    #[error("unknown file type: expected .json, .jsonl, .txt or .md")]
    UnknownType,
}

/// What a path of a walk turned out to be.
enum Visit {
    Folder(Vec<PathBuf>),
    File,
    Seen,
}

/// The files under `path` in sorted order, each once: a folder or file
/// reached again (through a symlink, or named twice) is skipped by its
/// canonical path, so a symlink loop ends instead of recursing.
/// A path that cannot be read (a broken link, no permission) is reported
/// in `errors` and the walk goes on.
fn files_under(
    path: &Path,
    seen: &mut std::collections::HashSet<PathBuf>,
    out: &mut Vec<PathBuf>,
    errors: &mut Vec<SourceItem>,
) {
    let mut stack = vec![path.to_path_buf()];
    while let Some(p) = stack.pop() {
        let visit = std::fs::canonicalize(&p).and_then(|canonical| {
            if !seen.insert(canonical) {
                return Ok(Visit::Seen);
            }
            if !p.is_dir() {
                return Ok(Visit::File);
            }
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            Ok(Visit::Folder(entries))
        });
        match visit {
            // Last pushed is first read: keep the sorted order.
            Ok(Visit::Folder(entries)) => stack.extend(entries.into_iter().rev()),
            Ok(Visit::File) => out.push(p),
            Ok(Visit::Seen) => {}
            Err(e) => errors.push(item(
                p.display().to_string(),
                Err(SourceError::Read(e.to_string())),
            )),
        }
    }
}

fn item(location: String, article: Result<RawArticle, SourceError>) -> SourceItem {
    SourceItem { location, article }
}

/// Every article under `paths`, in a stable order (directories sorted),
/// read lazily one file at a time.
pub fn read_sources(
    paths: &[PathBuf],
    opts: &SourceOptions,
) -> Box<dyn Iterator<Item = SourceItem>> {
    let mut files = vec![];
    let mut errors = vec![];
    let mut seen = std::collections::HashSet::new();
    for p in paths {
        files_under(p, &mut seen, &mut files, &mut errors);
    }
    let opts = opts.clone();
    Box::new(
        errors
            .into_iter()
            .chain(files.into_iter().flat_map(move |f| read_file(&f, &opts))),
    )
}

fn read_file(path: &Path, opts: &SourceOptions) -> Box<dyn Iterator<Item = SourceItem>> {
    let name = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "jsonl" | "ndjson" => match File::open(path) {
            Err(e) => Box::new(std::iter::once(item(
                name,
                Err(SourceError::Open(e.to_string())),
            ))),
            Ok(f) => Box::new(
                BufReader::new(f)
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| l.as_ref().map(|l| !l.trim().is_empty()).unwrap_or(true))
                    .map(move |(i, line)| {
                        let loc = format!("{name}:{}", i + 1);
                        let a = line
                            .map_err(|e| SourceError::Read(e.to_string()))
                            .and_then(|l| {
                                serde_json::from_str::<RawArticle>(&l)
                                    .map_err(|e| SourceError::Json(e.to_string()))
                            });
                        item(loc, a)
                    }),
            ),
        },
        "json" => {
            let parsed = std::fs::read_to_string(path)
                .map_err(|e| SourceError::Read(e.to_string()))
                .and_then(|s| {
                    serde_json::from_str::<serde_json::Value>(&s)
                        .map_err(|e| SourceError::Json(e.to_string()))
                });
            match parsed {
                Err(e) => Box::new(std::iter::once(item(name, Err(e)))),
                Ok(serde_json::Value::Array(items)) => {
                    Box::new(items.into_iter().enumerate().map(move |(i, v)| {
                        item(
                            format!("{name}[{i}]"),
                            serde_json::from_value::<RawArticle>(v)
                                .map_err(|e| SourceError::NotAnArticle(e.to_string())),
                        )
                    }))
                }
                Ok(v) => Box::new(std::iter::once(item(
                    name,
                    serde_json::from_value::<RawArticle>(v)
                        .map_err(|e| SourceError::NotAnArticle(e.to_string())),
                ))),
            }
        }
        "txt" | "md" => {
            let a = std::fs::read_to_string(path)
                .map_err(|e| SourceError::Read(e.to_string()))
                .and_then(|body| {
                    if opts.published.is_none() || opts.lang.is_none() {
                        return Err(SourceError::PlainTextNeedsOptions);
                    }
                    Ok(RawArticle {
                        published: opts.published.clone(),
                        language: opts.lang.clone(),
                        title: path.file_stem().map(|s| s.to_string_lossy().to_string()),
                        body: Some(body),
                        ..Default::default()
                    })
                });
            Box::new(std::iter::once(item(name, a)))
        }
        _ => Box::new(std::iter::once(item(name, Err(SourceError::UnknownType)))),
    }
}

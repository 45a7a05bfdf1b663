//! `tarikh extract`: the extraction engine on the command line.
//!
//! Single mode: `tarikh extract --published 2024-01-26 [--lang ar|en|auto] [FILE|-]`
//! prints one JSON object. Batch mode: `tarikh extract --jsonl [FILE|-]` reads
//! lines `{"id","text","published","lang"}` and writes one line per input
//! line, in order, flushing each; a bad line (invalid UTF-8 or JSON, a bad
//! date, blank) gets an error object `{"id","line","error"}` in its place
//! and a message on stderr, and the exit status is non-zero once every line
//! is done.

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::domain::parse_date;
use crate::extract::{extract, Lang};

#[derive(clap::Args, Debug, Clone)]
pub struct ExtractArgs {
    /// Publication date of the text (YYYY-MM-DD); relative expressions resolve against it.
    /// Required in single mode; in --jsonl mode it is the default for lines without "published".
    #[arg(long)]
    pub published: Option<String>,
    /// Language of the text.
    #[arg(long, default_value = "auto", value_parser = ["ar", "en", "auto"])]
    pub lang: String,
    /// Read JSON lines {"id","text","published","lang"} and write one JSON line per input.
    #[arg(long)]
    pub jsonl: bool,
    /// Input file, or - (the default) for standard input.
    pub file: Option<String>,
}

#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

fn open(file: &Option<String>) -> anyhow::Result<Box<dyn BufRead>> {
    Ok(match file.as_deref() {
        None | Some("-") => Box::new(std::io::BufReader::new(std::io::stdin())),
        Some(p) => Box::new(std::io::BufReader::new(
            std::fs::File::open(p).with_context(|| format!("cannot open {p}"))?,
        )),
    })
}

/// Runs `tarikh extract`.
pub fn run(args: &ExtractArgs) -> anyhow::Result<ExitCode> {
    let lang: Lang = args.lang.parse().map_err(anyhow::Error::msg)?;
    let default_pub = match args.published.as_deref() {
        Some(p) => Some(parse_date(p).with_context(|| format!("--published {p:?}"))?),
        None => None,
    };
    let mut input = open(&args.file)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if !args.jsonl {
        let Some(published) = default_pub else {
            bail!("--published YYYY-MM-DD is required: relative dates (yesterday, last week) resolve against the publication date, and extract never reads the clock");
        };
        let mut text = String::new();
        input
            .read_to_string(&mut text)
            .context("reading the input")?;
        let x = extract(&text, published, lang);
        serde_json::to_writer(&mut out, &x)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut bad = 0usize;
    let mut raw = Vec::new();
    let mut n = 0usize;
    loop {
        raw.clear();
        let complete = match read_line_capped(&mut input, &mut raw, MAX_LINE_BYTES) {
            Ok(None) => break,
            Ok(Some(complete)) => complete,
            Err(e) => {
                eprintln!("line {}: cannot read: {e}", n + 1);
                bad += 1;
                break;
            }
        };
        n += 1;
        let obj = match one_line(&raw, complete, default_pub, lang) {
            Ok(obj) => obj,
            Err((id, message)) => {
                eprintln!("line {n}: {message}");
                bad += 1;
                serde_json::json!({"id": id, "line": n, "error": message})
            }
        };
        serde_json::to_writer(&mut out, &obj)?;
        writeln!(out)?;
        out.flush()?;
    }
    if bad > 0 {
        eprintln!("{bad} invalid line(s)");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Longest input line of `--jsonl` (a line is one article: 16 MiB is far
/// past any).
const MAX_LINE_BYTES: usize = 16 << 20;

/// Reads one line (without its `\n`) into `buf`, keeping at most `max`
/// bytes and skipping the rest of a longer one. `None` at the end of the
/// input; `Some(false)` when the line was cut.
fn read_line_capped(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    let mut any = false;
    let mut complete = true;
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            return Ok(any.then_some(complete));
        }
        any = true;
        let (take, found) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        let room = max.saturating_sub(buf.len());
        if take > room {
            complete = false;
        }
        buf.extend_from_slice(&chunk[..take.min(room)]);
        input.consume(if found { take + 1 } else { take });
        if found {
            return Ok(Some(complete));
        }
    }
}

/// The result object of one `--jsonl` line, or its id (when it can be
/// read) and why it failed.
fn one_line(
    raw: &[u8],
    complete: bool,
    default_pub: Option<chrono::NaiveDate>,
    lang: Lang,
) -> Result<serde_json::Value, (serde_json::Value, String)> {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    // The id, if the line is JSON enough to have one, for error objects.
    let id = || {
        serde_json::from_slice::<serde_json::Value>(raw)
            .ok()
            .and_then(|v| v.get("id").cloned())
            .unwrap_or(serde_json::Value::Null)
    };
    if !complete {
        return Err((
            serde_json::Value::Null,
            format!("longer than {MAX_LINE_BYTES} bytes"),
        ));
    }
    let text = std::str::from_utf8(raw).map_err(|e| (id(), format!("not UTF-8: {e}")))?;
    if text.trim().is_empty() {
        return Err((serde_json::Value::Null, "empty line".into()));
    }
    let parsed: Line =
        serde_json::from_str(text).map_err(|e| (id(), format!("invalid JSON: {e}")))?;
    let published = match parsed.published.as_deref() {
        Some(p) => parse_date(p).map_err(|e| (id(), format!("bad \"published\": {e}")))?,
        None => default_pub.ok_or_else(|| {
            (
                id(),
                "no \"published\" date (give it in the line or with --published)".to_string(),
            )
        })?,
    };
    let l = match parsed.lang.as_deref() {
        Some(s) => s.parse::<Lang>().map_err(|e| (id(), e.to_string()))?,
        None => lang,
    };
    let x = extract(&parsed.text, published, l);
    let mut obj = serde_json::to_value(&x).map_err(|e| (id(), e.to_string()))?;
    if let serde_json::Value::Object(m) = &mut obj {
        let mut with_id = serde_json::Map::new();
        with_id.insert("id".into(), parsed.id);
        with_id.extend(std::mem::take(m));
        obj = serde_json::Value::Object(with_id);
    }
    Ok(obj)
}

//! `tarikh extract`: the extraction engine on the command line.
//!
//! Single mode: `tarikh extract --published 2024-01-26 [--lang ar|en|auto] [FILE|-]`
//! prints one JSON object. Batch mode: `tarikh extract --jsonl [FILE|-]` reads
//! lines `{"id","text","published","lang"}` and writes one line per input, in
//! order, flushing each; a bad line is reported on stderr with its line
//! number, and the exit status is non-zero once all valid lines are done.

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
    let mut line = String::new();
    let mut n = 0usize;
    loop {
        line.clear();
        let read = match input.read_line(&mut line) {
            Ok(r) => r,
            Err(e) => {
                n += 1;
                eprintln!("line {n}: cannot read: {e}");
                bad += 1;
                break;
            }
        };
        if read == 0 {
            break;
        }
        n += 1;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = match serde_json::from_str(line.trim_end_matches(['\n', '\r'])) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("line {n}: invalid JSON: {e}");
                bad += 1;
                continue;
            }
        };
        let published = match parsed.published.as_deref() {
            Some(p) => match parse_date(p) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("line {n}: bad \"published\": {e}");
                    bad += 1;
                    continue;
                }
            },
            None => {
                match default_pub {
                    Some(d) => d,
                    None => {
                        eprintln!("line {n}: no \"published\" date (give it in the line or with --published)");
                        bad += 1;
                        continue;
                    }
                }
            }
        };
        let l = match parsed.lang.as_deref() {
            Some(s) => match s.parse::<Lang>() {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("line {n}: {e}");
                    bad += 1;
                    continue;
                }
            },
            None => lang,
        };
        let x = extract(&parsed.text, published, l);
        let mut obj = serde_json::to_value(&x)?;
        if let serde_json::Value::Object(m) = &mut obj {
            let mut with_id = serde_json::Map::new();
            with_id.insert("id".into(), parsed.id);
            with_id.extend(std::mem::take(m));
            obj = serde_json::Value::Object(with_id);
        }
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

//! Write tokens. Reads are open; every mutation needs
//! `Authorization: Bearer <token>` matching one of TARIKH_WRITE_TOKENS.

use async_graphql::Context;

use super::errors::{coded, FORBIDDEN};

/// The configured tokens: `name:token` pairs (a bare token is named `tokenN`).
#[derive(Clone, Default)]
pub struct WriteTokens(Vec<(String, String)>);

impl std::fmt::Debug for WriteTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_tuple("WriteTokens").field(&names).finish()
    }
}

impl WriteTokens {
    /// Parses a comma-separated list: `alice:s3cret,b0bs-token`.
    pub fn parse(list: &str) -> WriteTokens {
        let mut out = vec![];
        for (i, item) in list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .enumerate()
        {
            match item.split_once(':') {
                Some((name, tok)) if !name.trim().is_empty() && !tok.trim().is_empty() => {
                    out.push((name.trim().to_string(), tok.trim().to_string()))
                }
                _ => out.push((format!("token{}", i + 1), item.to_string())),
            }
        }
        WriteTokens(out)
    }

    /// No token configured: writes are disabled.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The name of the token `given` matches, comparing in constant time.
    pub fn name_of(&self, given: &str) -> Option<&str> {
        let mut found = None;
        for (name, tok) in &self.0 {
            if constant_time_eq(tok.as_bytes(), given.as_bytes()) {
                found = Some(name.as_str());
            }
        }
        found
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The bearer token of the current request, if any (set by the HTTP layer).
#[derive(Clone, Debug, Default)]
pub struct Bearer(pub Option<String>);

/// Who is writing: the name of the matching token, or FORBIDDEN.
pub fn require_writer(ctx: &Context<'_>) -> async_graphql::Result<String> {
    let tokens = ctx.data::<WriteTokens>()?;
    if tokens.is_empty() {
        return Err(coded(
            FORBIDDEN,
            "writes are disabled: set TARIKH_WRITE_TOKENS (comma-separated tokens) and send Authorization: Bearer <token>",
        ));
    }
    let given = ctx.data_opt::<Bearer>().and_then(|b| b.0.as_deref());
    match given.and_then(|g| tokens.name_of(g)) {
        Some(name) => Ok(name.to_string()),
        None if given.is_none() => Err(coded(
            FORBIDDEN,
            "this mutation needs Authorization: Bearer <token>",
        )),
        None => Err(coded(FORBIDDEN, "invalid write token")),
    }
}

//! Error codes carried in `extensions.code`.

use async_graphql::{Error, ErrorExtensions};

use crate::storage::StoreError;

/// The input breaks a rule: bad date, `from` after `to`, page too large.
pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
/// A write without a valid token.
pub const FORBIDDEN: &str = "FORBIDDEN";
/// A write named a row that does not exist.
pub const NOT_FOUND: &str = "NOT_FOUND";
/// Something failed on our side; details are in the server log only.
pub const INTERNAL: &str = "INTERNAL";
/// The request ran past its time limit (a statement or the whole request)
/// and was cancelled: narrow it, or ask again later.
pub const TIMEOUT: &str = "TIMEOUT";
/// The database cannot be reached now; the server recovers by itself when
/// it returns.
pub const UNAVAILABLE: &str = "UNAVAILABLE";
/// Too many requests from one client: wait for `Retry-After` seconds.
pub const RATE_LIMITED: &str = "RATE_LIMITED";

/// An error with a code.
pub fn coded(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(message.into()).extend_with(|_, e| e.set("code", code))
}

/// A `BAD_USER_INPUT` error.
pub fn bad_input(message: impl Into<String>) -> Error {
    coded(BAD_USER_INPUT, message)
}

/// Maps a storage failure to a coded error; database details are logged,
/// never sent to the client.
pub fn store(e: StoreError) -> Error {
    {
        match e {
            StoreError::NotFound(what) => coded(NOT_FOUND, format!("{what} not found")),
            StoreError::Invalid(msg) => bad_input(msg),
            StoreError::Timeout(err) => {
                tracing::warn!(error = %err, "statement timed out");
                coded(TIMEOUT, "the request took too long and was cancelled")
            }
            StoreError::Busy(err) => {
                tracing::warn!(error = %err, "no connection free");
                coded(TIMEOUT, "the server is busy: ask again shortly")
            }
            StoreError::DiskFull(err) => {
                tracing::error!(error = %err, "disk full");
                coded(UNAVAILABLE, "the database cannot write now")
            }
            StoreError::Unavailable(err) => {
                tracing::error!(error = %err, "database unavailable");
                coded(UNAVAILABLE, "the database is unavailable")
            }
            StoreError::Corrupt(what) => {
                tracing::error!(%what, "corrupt data");
                coded(INTERNAL, "internal error")
            }
            StoreError::Db(err) => {
                tracing::error!(error = %err, "database error");
                coded(INTERNAL, "internal error")
            }
        }
    }
}

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
            StoreError::Db(err) => {
                tracing::error!(error = %err, "database error");
                coded(INTERNAL, "internal error")
            }
        }
    }
}

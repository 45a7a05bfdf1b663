//! The extraction engine, pure (no database): its case tables, property
//! tests, and the hand-annotated corpus. One binary, modules by concern.

mod annotated;
mod cases;
mod props;

//! Tarikh: a timeline and chronology database. News articles go in;
//! dated events come out, each with an honest date interval, its actors,
//! quantities and the sentences that reported it.

pub mod cli;
pub mod demo;
pub mod domain;
// pub mod extract;  (being written)
pub mod graphql;
pub mod http;
pub mod storage;

//! Tarikh: a timeline and chronology database (architecture map: filled in below).

pub mod domain;
pub mod extract;

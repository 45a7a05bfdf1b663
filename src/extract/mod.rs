//! Text to events (being written: see issue 3).

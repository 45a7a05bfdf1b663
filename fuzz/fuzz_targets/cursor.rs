//! Any string into `Cursor::decode` for every event order; a decoded
//! cursor must encode to a string that decodes to the same cursor, and
//! that encoding is canonical (encoding it again gives the same string).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tarikh::domain::EventOrder;
use tarikh::storage::Cursor;

const ORDERS: [EventOrder; 4] = [
    EventOrder::DateAsc,
    EventOrder::DateDesc,
    EventOrder::CreatedAsc,
    EventOrder::CreatedDesc,
];

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    for order in ORDERS {
        if let Some(c) = Cursor::decode(&s, order) {
            let again = c.encode();
            let back = Cursor::decode(&again, order);
            assert_eq!(
                back,
                Some(c),
                "{s:?} decodes to {c:?}, which encodes to {again:?}, which does not decode back"
            );
            assert_eq!(back.map(|b| b.encode()), Some(again), "encoding is not canonical");
        }
    }
});

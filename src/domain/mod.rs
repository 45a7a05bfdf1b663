//! Shared vocabulary: dates with precision, event and actor kinds, name
//! normalization. Pure: no I/O, no clock, no database, no web framework.

pub mod date;
pub mod dedup;
pub mod hijri;
pub mod history;
pub mod ingest;
pub mod live;
pub mod model;
pub mod normalize;
pub mod place;
pub mod search;

pub use date::{
    check_range, day_number, format_date, from_day_number, in_range, last_of_month, parse_date,
    Calendar, CalendarView, DateError, DateModifier, EventDate, Precision, MAX_YEAR, MIN_YEAR,
};
pub use hijri::{HijriDay, HijriSpan};
pub use history::{Change, Revision, Tombstone};
pub use ingest::{ActorRef, IngestEvent, IngestOutcome, PreparedArticle, ReextractOutcome};
pub use model::*;
pub use normalize::normalize_name;
pub use place::{BBox, Near, Place, PlaceKind, PlaceRole};

use serde::{Deserialize, Serialize};

/// Declares a closed vocabulary with its stable lower-case wire/storage name.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable lower-case name used in storage, JSON and the CLI.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stable name (case-insensitive).
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim().to_ascii_lowercase();
                match s.as_str() { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// What kind of thing happened.
    EventKind {
        Statement => "statement", Attack => "attack", Founding => "founding",
        Withdrawal => "withdrawal", Deployment => "deployment", Agreement => "agreement",
        Negotiation => "negotiation", Meeting => "meeting", Election => "election",
        Death => "death", Arrest => "arrest", Report => "report", Other => "other",
    }
}

vocabulary! {
    /// Curation state of an event.
    EventStatus { Extracted => "extracted", Confirmed => "confirmed", Rejected => "rejected" }
}

vocabulary! {
    /// What kind of actor.
    ActorKind {
        State => "state", GovernmentBody => "government_body", ArmedForce => "armed_force",
        ArmedGroup => "armed_group", Party => "party", InternationalOrg => "international_org",
        Alliance => "alliance", Person => "person", Media => "media", Other => "other",
    }
}

vocabulary! {
    /// The part an actor plays in an event.
    ActorRole { Agent => "agent", Target => "target", Mentioned => "mentioned" }
}

vocabulary! {
    /// How a count was qualified: "at least 12", "more than 40", "about 2,500", "up to 300".
    Qualifier {
        AtLeast => "at_least", MoreThan => "more_than", About => "about", AtMost => "at_most",
    }
}

/// One count of an event, typed and qualified: "at least 12 killed".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub value: f64,
    /// killed, wounded, attacks, troops, votes, operations, members,
    /// displaced, detained, people, percent (`docs/annotation.md`).
    pub unit: String,
    pub qualifier: Option<Qualifier>,
}

/// A measured amount: "61 attacks", "2500 soldiers".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    pub value: f64,
    pub unit: String,
}

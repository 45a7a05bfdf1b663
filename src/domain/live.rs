//! Live changes: what a subscriber to event changes receives, and whether
//! a change matches its filter. Pure: the change feed (`crate::live`)
//! reads the store once per change, and every subscriber decides here, in
//! memory, whether it wants it.

use chrono::NaiveDate;
use serde_json::Value;

use super::{
    parse_date, ActorId, ActorRole, DateMatch, Event, EventFilter, EventId, EventKind, EventStatus,
    Match, Precision, SyncToken,
};

/// What happened to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Created,
    Updated,
    /// Deleted, or rejected (gone from default reads and exports).
    Deleted,
    /// Merged into another event (`merged_into`).
    Merged,
}

/// One committed change, as the feed delivers it to every subscriber.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveChange {
    pub change: ChangeKind,
    pub event_id: EventId,
    /// The event as it is now; `None` once deleted or merged.
    pub event: Option<std::sync::Arc<Event>>,
    /// What filters are matched against: the event now, or its last state
    /// before it was deleted or merged.
    pub state: LiveState,
    /// The event it was merged into (MERGED only).
    pub merged_into: Option<EventId>,
    /// `events(filter: {changedSince})` with this token returns this change
    /// and every later one: a subscriber that lost its connection resumes
    /// from the last token it received without missing anything.
    pub sync_token: SyncToken,
}

/// The fields of an event that a live filter looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveState {
    pub title: String,
    pub summary: Option<String>,
    pub kind: EventKind,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub precision: Precision,
    pub status: EventStatus,
    pub actors: Vec<(ActorId, ActorRole)>,
    /// Its place ids (any role).
    pub places: Vec<i64>,
}

impl LiveState {
    /// The state of a stored event with its actor links.
    pub fn of(e: &Event, actors: &[(ActorId, ActorRole)]) -> LiveState {
        LiveState {
            title: e.title.clone(),
            summary: e.summary.clone(),
            kind: e.kind,
            start: e.date.start,
            end: e.date.end,
            precision: e.date.precision,
            status: e.status,
            actors: actors.to_vec(),
            places: vec![],
        }
    }

    /// The state with the event's places.
    pub fn with_places(mut self, places: impl IntoIterator<Item = i64>) -> LiveState {
        self.places = places.into_iter().collect();
        self
    }

    /// The state recorded in a revision snapshot ([`super::history::snapshot`]),
    /// or `None` when it lacks a field filters need.
    pub fn from_snapshot(v: &Value) -> Option<LiveState> {
        let date = v.get("date")?;
        let day = |k: &str| parse_date(date.get(k)?.as_str()?).ok();
        let actors = v
            .get("actors")?
            .as_array()?
            .iter()
            .map(|a| {
                let id = ActorId(a.get("actor")?.as_i64()?);
                let role = ActorRole::parse(a.get("role")?.as_str()?)?;
                Some((id, role))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(LiveState {
            title: v.get("title")?.as_str()?.to_string(),
            summary: v.get("summary").and_then(Value::as_str).map(str::to_string),
            kind: EventKind::parse(v.get("kind")?.as_str()?)?,
            start: day("start")?,
            end: day("end")?,
            precision: Precision::parse(date.get("precision")?.as_str()?)?,
            status: EventStatus::parse(v.get("status")?.as_str()?)?,
            actors,
            // snapshots hold places since places exist (`with_places`)
            places: v
                .get("places")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("place")?.as_i64())
                .collect(),
        })
    }
}

/// An event filter made ready for matching in memory: actor names already
/// resolved to ids (by the caller, when the subscription starts), text
/// as its stemmed words.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub date_match: DateMatch,
    /// One group per actor named: an event matches a group when it links
    /// any actor in it.
    pub actor_groups: Vec<Vec<ActorId>>,
    pub actor_match: Match,
    pub actor_role: Option<ActorRole>,
    pub kinds: Vec<EventKind>,
    pub words: Vec<String>,
    /// Empty: every status but rejected.
    pub status: Vec<EventStatus>,
    pub min_precision: Option<Precision>,
    /// The place ids the filter accepts, sorted (`None`: no place filter).
    pub places: Option<Vec<i64>>,
    /// True when an actor was named and none of the names is known: the
    /// filter matches nothing, as `events` returns nothing.
    pub nothing: bool,
}

/// The stemmed words of `text`, as search indexes them
/// ([`super::search`]), so a subscription matches what `events` finds in a
/// title or summary.
fn words_of(text: &str) -> Vec<String> {
    super::search::stemmed_form(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

impl LiveFilter {
    /// The in-memory form of `f`, with `groups` the actors `f` names (ids
    /// and resolved names, one group each; a name nobody has gives an
    /// empty group). Refuses what has no meaning for changes that have
    /// not happened yet (`changedSince`, `updatedSince`) and what a change
    /// does not carry (`articleId`).
    pub fn new(f: &EventFilter, groups: Vec<Vec<ActorId>>) -> Result<LiveFilter, String> {
        if f.changed_since.is_some() || f.updated_since.is_some() {
            return Err(
                "a subscription receives changes as they happen: changedSince and \
                 updatedSince belong to the events query (use it to catch up)"
                    .into(),
            );
        }
        if f.article_id.is_some() {
            return Err("articleId cannot be used in a subscription filter".into());
        }
        let named = !groups.is_empty();
        let nothing = named
            && match f.actor_match {
                Match::Any => groups.iter().all(Vec::is_empty),
                Match::All => groups.iter().any(Vec::is_empty),
            };
        let text = f.text.as_deref().unwrap_or("").trim();
        let has_text = !text.is_empty();
        let words = words_of(text);
        let places = super::place::filter_ids(f)?;
        Ok(LiveFilter {
            from: f.from,
            to: f.to,
            date_match: f.date_match,
            actor_groups: groups.into_iter().filter(|g| !g.is_empty()).collect(),
            actor_match: f.actor_match,
            actor_role: f.actor_role,
            kinds: f.kinds.clone(),
            words: words.clone(),
            status: f.status.clone(),
            min_precision: f.min_precision,
            places,
            // As in `events`, a text without words matches nothing.
            nothing: nothing || (has_text && words.is_empty()),
        })
    }

    /// Does an event in state `s` match? `ignore_status`: for an event
    /// that was just rejected, which a default filter would otherwise
    /// never tell its subscriber about.
    pub fn matches(&self, s: &LiveState, ignore_status: bool) -> bool {
        if self.nothing {
            return false;
        }
        let dates = match self.date_match {
            DateMatch::Overlaps => {
                self.from.is_none_or(|from| s.end >= from) && self.to.is_none_or(|to| s.start <= to)
            }
            DateMatch::Within => {
                self.from.is_none_or(|from| s.start >= from) && self.to.is_none_or(|to| s.end <= to)
            }
        };
        let status = ignore_status
            || if self.status.is_empty() {
                s.status != EventStatus::Rejected
            } else {
                self.status.contains(&s.status)
            };
        dates
            && status
            && (self.kinds.is_empty() || self.kinds.contains(&s.kind))
            && self.min_precision.is_none_or(|p| s.precision.at_least(p))
            && self.words_match(s)
            && self.actors_match(s)
            && self
                .places
                .as_ref()
                .is_none_or(|want| s.places.iter().any(|p| want.binary_search(p).is_ok()))
    }

    fn words_match(&self, s: &LiveState) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let text = format!("{}\n{}", s.title, s.summary.as_deref().unwrap_or(""));
        let have = words_of(&text);
        self.words.iter().all(|w| have.contains(w))
    }

    fn actors_match(&self, s: &LiveState) -> bool {
        if self.actor_groups.is_empty() {
            return true;
        }
        let linked = |group: &Vec<ActorId>| {
            s.actors
                .iter()
                .any(|(a, r)| group.contains(a) && self.actor_role.is_none_or(|want| want == *r))
        };
        match self.actor_match {
            Match::Any => self.actor_groups.iter().any(linked),
            Match::All => self.actor_groups.iter().all(linked),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn state() -> LiveState {
        LiveState {
            title: "Coalition against ISIS founded".into(),
            summary: Some("In Jeddah".into()),
            kind: EventKind::Founding,
            start: day("2014-09-01"),
            end: day("2014-09-30"),
            precision: Precision::Month,
            status: EventStatus::Extracted,
            places: vec![170794],
            actors: vec![
                (ActorId(1), ActorRole::Agent),
                (ActorId(2), ActorRole::Target),
            ],
        }
    }

    fn filter(f: EventFilter, groups: Vec<Vec<ActorId>>) -> LiveFilter {
        LiveFilter::new(&f, groups).unwrap()
    }

    #[test]
    fn each_field_of_the_filter_decides() {
        let s = state();
        let cases: Vec<(&str, EventFilter, Vec<Vec<ActorId>>, bool)> = vec![
            ("empty filter", EventFilter::default(), vec![], true),
            (
                "a country takes in its cities (Syria and Deir ez-Zor)",
                EventFilter {
                    places: vec!["سوريا".into()],
                    ..Default::default()
                },
                vec![],
                true,
            ),
            (
                "another country does not",
                EventFilter {
                    places: vec!["Iraq".into()],
                    ..Default::default()
                },
                vec![],
                false,
            ),
            (
                "a box around the place",
                EventFilter {
                    bbox: Some(crate::domain::BBox::new(34.0, 39.0, 36.0, 41.0).unwrap()),
                    ..Default::default()
                },
                vec![],
                true,
            ),
            (
                "a circle away from it",
                EventFilter {
                    near: Some(crate::domain::Near::new(33.3, 44.4, 100.0).unwrap()),
                    ..Default::default()
                },
                vec![],
                false,
            ),
            (
                "window overlapping the month",
                EventFilter {
                    from: Some(day("2014-09-15")),
                    to: Some(day("2014-12-31")),
                    ..Default::default()
                },
                vec![],
                true,
            ),
            (
                "the month is not within a window that starts inside it",
                EventFilter {
                    from: Some(day("2014-09-15")),
                    date_match: DateMatch::Within,
                    ..Default::default()
                },
                vec![],
                false,
            ),
            (
                "window after the event",
                EventFilter {
                    from: Some(day("2014-10-01")),
                    ..Default::default()
                },
                vec![],
                false,
            ),
            (
                "other kind",
                EventFilter {
                    kinds: vec![EventKind::Attack],
                    ..Default::default()
                },
                vec![],
                false,
            ),
            (
                "words in title and summary, any case or inflection",
                EventFilter {
                    text: Some("isis JEDDAH founding".into()),
                    ..Default::default()
                },
                vec![],
                true,
            ),
            (
                "a missing word",
                EventFilter {
                    text: Some("isis Baghdad".into()),
                    ..Default::default()
                },
                vec![],
                false,
            ),
            (
                "any of two actors",
                EventFilter::default(),
                vec![vec![ActorId(9)], vec![ActorId(2)]],
                true,
            ),
            (
                "all of two actors, one missing",
                EventFilter {
                    actor_match: Match::All,
                    ..Default::default()
                },
                vec![vec![ActorId(1)], vec![ActorId(9)]],
                false,
            ),
            (
                "actor in the wrong role",
                EventFilter {
                    actor_role: Some(ActorRole::Agent),
                    ..Default::default()
                },
                vec![vec![ActorId(2)]],
                false,
            ),
            (
                "a name nobody has",
                EventFilter::default(),
                vec![vec![]],
                false,
            ),
            (
                "precision finer than the event's",
                EventFilter {
                    min_precision: Some(Precision::Day),
                    ..Default::default()
                },
                vec![],
                false,
            ),
        ];
        for (name, f, groups, want) in cases {
            assert_eq!(filter(f, groups).matches(&s, false), want, "{name}");
        }
    }

    #[test]
    fn rejected_events_match_only_when_asked_or_just_rejected() {
        let mut s = state();
        s.status = EventStatus::Rejected;
        let default = filter(EventFilter::default(), vec![]);
        assert!(!default.matches(&s, false));
        assert!(default.matches(&s, true));
        let rejected = filter(
            EventFilter {
                status: vec![EventStatus::Rejected],
                ..Default::default()
            },
            vec![],
        );
        assert!(rejected.matches(&s, false));
    }

    #[test]
    fn filters_about_the_past_are_refused() {
        let f = EventFilter {
            changed_since: Some(SyncToken(3)),
            ..Default::default()
        };
        assert!(LiveFilter::new(&f, vec![]).is_err());
    }

    #[test]
    fn a_snapshot_gives_back_the_state() {
        let e = Event {
            id: EventId(7),
            title: "Coalition against ISIS founded".into(),
            summary: Some("In Jeddah".into()),
            kind: EventKind::Founding,
            date: crate::domain::EventDate::new(
                day("2014-09-01"),
                None,
                Precision::Month,
                false,
                None,
            )
            .unwrap(),
            quantity: None,
            quantities: vec![],
            confidence: 0.9,
            status: EventStatus::Extracted,
            created_at: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
            rev: 1,
        };
        let links = state().actors;
        let snap = super::super::history::with_places(
            super::super::history::snapshot(&e, &links),
            &[(
                crate::domain::PlaceId(170794),
                crate::domain::PlaceRole::Where,
            )],
        );
        assert_eq!(LiveState::from_snapshot(&snap), Some(state()));
        assert_eq!(LiveState::from_snapshot(&Value::Null), None);
    }
}

//! Cross-source deduplication: is a newly extracted event the same event
//! as a stored one? Pure scoring; storage finds the candidates.
//!
//! Rules (all must hold): compatible kinds (equal, or either is `other`,
//! which the extractor uses when it cannot tell); overlapping date
//! intervals; not two different single days; not from the same article
//! (one article reports distinct events); equal quantities when both have
//! one. Then the event matches when any of these holds:
//! - both are dated to the same single day and share an actor (reports in
//!   two languages rarely name the same actors the same way: "US forces"
//!   against "the United States");
//! - the actor sets share an actor and overlap (Jaccard) by at least 0.5;
//! - the evidence sentences share at least half their content words.
//!
//! The best-scoring candidate wins ([`best_candidate`]).
//!
//! What the surviving event keeps ([`merge`]): a curated event (confirmed
//! or rejected) keeps everything, the report only adds a source; an
//! extracted one takes a specific kind over `other`, the narrower date,
//! the title that goes with the date it keeps, the higher confidence, and
//! the union of actors (its own first, with their roles). When a report
//! gives the same days dated by the Hijri calendar, the event keeps that
//! calendar.

use std::collections::HashSet;

use super::{
    normalize_name, ActorId, ActorRole, ArticleId, Calendar, Event, EventDate, EventId, EventKind,
    EventPatch, EventStatus, Quantity,
};

/// What dedup compares, for a stored event or a new one.
#[derive(Debug, Clone, PartialEq)]
pub struct DedupView {
    pub kind: EventKind,
    pub date: EventDate,
    pub actors: Vec<ActorId>,
    pub quantity: Option<Quantity>,
    pub sentences: Vec<String>,
    pub articles: Vec<ArticleId>,
}

/// Least actor overlap (Jaccard) for a match on actors.
pub const ACTOR_THRESHOLD: f64 = 0.5;
/// Least evidence overlap (Jaccard of content words) for a match on text.
pub const TEXT_THRESHOLD: f64 = 0.5;

fn jaccard<T: Eq + std::hash::Hash>(a: &HashSet<T>, b: &HashSet<T>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        0.0
    } else {
        a.intersection(b).count() as f64 / union as f64
    }
}

fn words(sentences: &[String]) -> HashSet<String> {
    sentences
        .iter()
        .flat_map(|s| {
            normalize_name(s)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() > 2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The match score of `new` against `old` (higher is better), or `None`
/// when they are not the same event.
pub fn score(new: &DedupView, old: &DedupView) -> Option<f64> {
    let kinds_fit =
        new.kind == old.kind || new.kind == EventKind::Other || old.kind == EventKind::Other;
    if !kinds_fit || !new.date.overlaps(Some(old.date.start), Some(old.date.end)) {
        return None;
    }
    let single = |d: &EventDate| d.start == d.end;
    if single(&new.date) && single(&old.date) && new.date.start != old.date.start {
        return None;
    }
    if new.articles.iter().any(|a| old.articles.contains(a)) {
        return None;
    }
    if let (Some(a), Some(b)) = (&new.quantity, &old.quantity) {
        if (a.value - b.value).abs() > f64::EPSILON
            || normalize_name(&a.unit) != normalize_name(&b.unit)
        {
            return None;
        }
    }
    let na: HashSet<ActorId> = new.actors.iter().copied().collect();
    let oa: HashSet<ActorId> = old.actors.iter().copied().collect();
    let actor_j = jaccard(&na, &oa);
    let text_j = jaccard(&words(&new.sentences), &words(&old.sentences));
    let shared = na.intersection(&oa).count();
    let same_day = single(&new.date) && single(&old.date) && new.date.start == old.date.start;
    let on_day = same_day && shared > 0;
    let on_actors = shared > 0 && actor_j >= ACTOR_THRESHOLD;
    let on_text = text_j >= TEXT_THRESHOLD;
    let same_kind = if new.kind == old.kind { 0.2 } else { 0.0 };
    (on_day || on_actors || on_text).then_some(0.5 * actor_j + 0.3 * text_j + same_kind)
}

/// The stored event that `new` duplicates among `candidates` (newest
/// first, each with its view): the best score, the newest on a tie; `None`
/// when none is the same event.
pub fn best_candidate<'a>(
    new: &DedupView,
    candidates: impl IntoIterator<Item = (EventId, &'a DedupView)>,
) -> Option<EventId> {
    let mut best: Option<(f64, EventId)> = None;
    for (id, old) in candidates {
        if let Some(s) = score(new, old) {
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, id));
            }
        }
    }
    best.map(|(_, id)| id)
}

/// A newly extracted report of a stored event: what it says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub kind: EventKind,
    pub date: EventDate,
    pub title: String,
    pub confidence: f64,
    pub links: Vec<(ActorId, ActorRole)>,
}

/// What stored event `old`, whose actor links are `links` now, keeps when
/// `report` is merged into it, as a patch (empty when nothing changes; the
/// new source is recorded either way). See the module's rules.
pub fn merge(old: &Event, links: &[(ActorId, ActorRole)], report: &Report) -> EventPatch {
    let mut patch = EventPatch::default();
    if old.status != EventStatus::Extracted {
        return patch;
    }
    if old.kind == EventKind::Other && report.kind != EventKind::Other {
        patch.kind = Some(report.kind);
    }
    if narrower(&report.date, &old.date) {
        patch.date = Some(report.date.clone());
    } else if report.date.calendar == Calendar::Hijri
        && old.date.calendar != Calendar::Hijri
        && (report.date.start, report.date.end) == (old.date.start, old.date.end)
    {
        // The same days, one source dating them by the Hijri calendar: the
        // event remembers it, whichever report came first.
        patch.date = Some(old.date.clone().in_calendar(Calendar::Hijri));
    }
    if report.title != old.title
        && takes_title((&report.date, &report.title), (&old.date, &old.title))
    {
        patch.title = Some(report.title.clone());
    }
    let confidence = merged_confidence(report.confidence, old.confidence);
    if confidence > old.confidence {
        patch.confidence = Some(confidence);
    }
    let mut current = links.to_vec();
    for (a, r) in &report.links {
        if !current.iter().any(|(x, _)| x == a) {
            current.push((*a, *r));
        }
    }
    if current.len() > links.len() {
        patch.actors = Some(current);
    }
    patch
}

/// Whether `new` is a better date than `old`: inside it, and of finer
/// precision or of the same precision and strictly narrower.
pub fn narrower(new: &EventDate, old: &EventDate) -> bool {
    let len = |d: &EventDate| (d.end - d.start).num_days();
    let inside = new.start >= old.start && new.end <= old.end;
    inside
        && (new.precision.rank() < old.precision.rank()
            || (new.precision == old.precision && len(new) < len(old)))
}

/// Whether an event merged with report `new` takes its title: when it
/// takes `new`'s date (see [`narrower`]), or at an equal date when the
/// title comes first in code-point order, so that which of two reports
/// of one date arrived first does not decide the title.
pub fn takes_title(new: (&EventDate, &str), old: (&EventDate, &str)) -> bool {
    narrower(new.0, old.0) || (new.0 == old.0 && new.1 < old.1)
}

/// The confidence of an event merged with a report: the higher of the two
/// (order does not matter).
pub fn merged_confidence(new: f64, old: f64) -> f64 {
    new.max(old)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{parse_date, Precision};

    fn view(
        kind: EventKind,
        start: &str,
        p: Precision,
        actors: &[i64],
        text: &str,
        art: i64,
    ) -> DedupView {
        DedupView {
            kind,
            date: EventDate::period(parse_date(start).unwrap(), p).unwrap(),
            actors: actors.iter().map(|a| ActorId(*a)).collect(),
            quantity: None,
            sentences: vec![text.to_string()],
            articles: vec![ArticleId(art)],
        }
    }

    #[test]
    fn matches_on_actors_or_text_never_across_kinds_or_days() {
        let a = view(
            EventKind::Attack,
            "2024-01-20",
            Precision::Day,
            &[1, 2],
            "drone strike on base",
            1,
        );
        let b = view(
            EventKind::Attack,
            "2024-01-01",
            Precision::Month,
            &[1, 2, 3],
            "rockets hit",
            2,
        );
        assert!(score(&b, &a).is_some());
        let c = view(
            EventKind::Statement,
            "2024-01-20",
            Precision::Day,
            &[1, 2],
            "x",
            2,
        );
        assert!(score(&c, &a).is_none());
        let other = view(
            EventKind::Other,
            "2024-01-20",
            Precision::Day,
            &[2, 7, 8],
            "y",
            2,
        );
        assert!(
            score(&other, &a).is_some(),
            "same day, a shared actor, kind unknown"
        );
        let d = view(
            EventKind::Attack,
            "2024-01-21",
            Precision::Day,
            &[1, 2],
            "drone strike on base",
            2,
        );
        assert!(score(&d, &a).is_none());
        let same_article = view(
            EventKind::Attack,
            "2024-01-20",
            Precision::Day,
            &[1, 2],
            "again",
            1,
        );
        assert!(score(&same_article, &a).is_none());
        let text_only = view(
            EventKind::Attack,
            "2024-01-20",
            Precision::Day,
            &[],
            "a drone strike on the base",
            3,
        );
        assert!(score(&text_only, &a).is_some());
        assert!(narrower(&a.date, &b.date));
        assert!(!narrower(&b.date, &a.date));
        // A finer date that leaves the old interval is not "narrower".
        let week = EventDate::period(parse_date("2024-01-29").unwrap(), Precision::Week).unwrap();
        assert!(!narrower(&week, &b.date));
        // Titles at one date: the same whichever report came first.
        let t = |x: &str, y: &str| takes_title((&a.date, x), (&a.date, y));
        assert!(t("A strike", "B strike") && !t("B strike", "A strike"));
        assert!(takes_title((&a.date, "Z"), (&b.date, "A")));
        assert_eq!(merged_confidence(0.4, 0.7), merged_confidence(0.7, 0.4));
        // Same day counts even when one report hedges.
        let mut approx = a.clone();
        approx.date.approximate = true;
        approx.articles = vec![ArticleId(9)];
        approx.sentences = vec!["unrelated words entirely".into()];
        approx.actors = [2, 5, 6, 7].map(ActorId).to_vec();
        assert!(score(&approx, &a).is_some());
    }

    fn stored(kind: EventKind, start: &str, p: Precision, status: EventStatus) -> Event {
        let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        Event {
            id: EventId(1),
            title: "Old title".into(),
            summary: None,
            kind,
            date: EventDate::period(parse_date(start).unwrap(), p).unwrap(),
            quantity: None,
            quantities: vec![],
            confidence: 0.6,
            status,
            created_at: at,
            updated_at: at,
            rev: 1,
        }
    }

    fn report(kind: EventKind, start: &str, p: Precision, title: &str, conf: f64) -> Report {
        Report {
            kind,
            date: EventDate::period(parse_date(start).unwrap(), p).unwrap(),
            title: title.into(),
            confidence: conf,
            links: vec![
                (ActorId(1), ActorRole::Agent),
                (ActorId(9), ActorRole::Target),
            ],
        }
    }

    impl Report {
        fn with_date(mut self, date: EventDate) -> Report {
            self.date = date;
            self
        }
    }

    /// What the surviving event keeps, one rule a row: (case, stored
    /// event, report, expected patch fields).
    #[test]
    fn merge_keeps_what_the_rules_say() {
        use EventKind::{Attack, Other};
        use EventStatus::{Confirmed, Extracted, Rejected};
        use Precision::{Day, Month, Year};
        let links = [(ActorId(1), ActorRole::Mentioned)];
        struct Case {
            name: &'static str,
            old: Event,
            new: Report,
            kind: Option<EventKind>,
            date: Option<&'static str>,
            title: Option<&'static str>,
            confidence: Option<f64>,
            actors_added: usize,
        }
        let cases = [
            Case {
                name: "other takes the specific kind; the narrower date and its title win",
                old: stored(Other, "2024-01-01", Month, Extracted),
                new: report(Attack, "2024-01-20", Day, "New title", 0.5),
                kind: Some(Attack),
                date: Some("2024-01-20"),
                title: Some("New title"),
                confidence: None,
                actors_added: 1,
            },
            Case {
                name: "a specific kind is never replaced; a wider date loses",
                old: stored(Attack, "2024-01-20", Day, Extracted),
                new: report(Other, "2024-01-01", Month, "A wider report", 0.9),
                kind: None,
                date: None,
                title: None,
                confidence: Some(0.9),
                actors_added: 1,
            },
            Case {
                name: "a finer date outside the stored one loses",
                old: stored(Attack, "2024-01-01", Month, Extracted),
                new: report(Attack, "2023-12-31", Day, "Elsewhere", 0.1),
                kind: None,
                date: None,
                title: None,
                confidence: None,
                actors_added: 1,
            },
            Case {
                name: "same date: the title first in code-point order, whoever came first",
                old: stored(Attack, "2024-01-01", Year, Extracted),
                new: report(Attack, "2024-01-01", Year, "A title", 0.6),
                kind: None,
                date: None,
                title: Some("A title"),
                confidence: None,
                actors_added: 1,
            },
            Case {
                name: "a confirmed event keeps everything",
                old: stored(Other, "2024-01-01", Month, Confirmed),
                new: report(Attack, "2024-01-20", Day, "New title", 0.9),
                kind: None,
                date: None,
                title: None,
                confidence: None,
                actors_added: 0,
            },
            Case {
                name: "a rejected event keeps everything",
                old: stored(Other, "2024-01-01", Month, Rejected),
                new: report(Attack, "2024-01-20", Day, "New title", 0.9),
                kind: None,
                date: None,
                title: None,
                confidence: None,
                actors_added: 0,
            },
        ];
        for c in cases {
            let patch = merge(&c.old, &links, &c.new);
            assert_eq!(patch.kind, c.kind, "{}", c.name);
            let date = c.date.map(|d| parse_date(d).unwrap());
            assert_eq!(patch.date.as_ref().map(|d| d.start), date, "{}", c.name);
            assert_eq!(patch.title.as_deref(), c.title, "{}", c.name);
            assert_eq!(patch.confidence, c.confidence, "{}", c.name);
            let added = patch.actors.as_ref().map_or(0, |a| a.len() - links.len());
            assert_eq!(added, c.actors_added, "{}", c.name);
            if let Some(actors) = &patch.actors {
                // Its own links first, roles kept; new actors after.
                assert_eq!(actors[0], links[0], "{}", c.name);
                assert_eq!(actors[1], (ActorId(9), ActorRole::Target), "{}", c.name);
            }
        }
    }

    /// A Hijri dating of the same days is kept whichever report came first.
    #[test]
    fn merge_keeps_the_hijri_calendar_in_either_order() {
        let links = [(ActorId(1), ActorRole::Agent)];
        let greg = stored(
            EventKind::Attack,
            "2024-03-11",
            Precision::Day,
            EventStatus::Extracted,
        );
        let mut hijri = greg.clone();
        hijri.date = hijri.date.in_calendar(Calendar::Hijri);
        let as_report = |e: &Event| {
            report(
                EventKind::Attack,
                "2024-03-11",
                Precision::Day,
                "Old title",
                0.6,
            )
            .with_date(e.date.clone())
        };
        let patch = merge(&greg, &links, &as_report(&hijri));
        assert_eq!(patch.date.map(|d| d.calendar), Some(Calendar::Hijri));
        assert_eq!(merge(&hijri, &links, &as_report(&greg)).date, None);
        // Other days in the Hijri calendar do not move a stored date.
        let mut wider = hijri.clone();
        wider.date = EventDate::period(parse_date("2024-03-01").unwrap(), Precision::Month)
            .unwrap()
            .in_calendar(Calendar::Hijri);
        assert_eq!(merge(&greg, &links, &as_report(&wider)).date, None);
    }

    #[test]
    fn the_best_candidate_wins_and_the_newest_on_a_tie() {
        let new = view(
            EventKind::Attack,
            "2024-01-20",
            Precision::Day,
            &[1, 2],
            "strike",
            5,
        );
        let weak = view(
            EventKind::Other,
            "2024-01-20",
            Precision::Day,
            &[1, 7, 8],
            "x",
            1,
        );
        let strong = view(
            EventKind::Attack,
            "2024-01-20",
            Precision::Day,
            &[1, 2],
            "y",
            2,
        );
        let twin = strong.clone();
        let other_day = view(
            EventKind::Attack,
            "2024-01-21",
            Precision::Day,
            &[1, 2],
            "z",
            3,
        );
        // Newest first: 40 is newer than 30.
        let got = best_candidate(
            &new,
            [
                (EventId(50), &weak),
                (EventId(40), &strong),
                (EventId(30), &twin),
            ],
        );
        assert_eq!(got, Some(EventId(40)));
        assert_eq!(best_candidate(&new, [(EventId(60), &other_day)]), None);
        assert_eq!(best_candidate(&new, []), None);
    }
}

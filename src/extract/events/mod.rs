//! Stage 5: event assembly, one event per clause (`docs/annotation.md`).
//!
//! Each sentence is cut into clauses ([`clauses`]). A clause is an event when
//! it has a trigger of a kind ([`triggers`]) or a date of its own; a
//! reporting clause ("said on Tuesday that…") is a statement only when it is
//! dated itself or reports nothing that is an event. A clause that is not an
//! event lends its words to the evidence of its neighbour. Dates, in order:
//! the clause's own expression; the clause it hangs on (a reported clause
//! takes its statement's date, a relative or subordinate clause its main
//! clause's); an anaphor ("the same day", "في اليوم التالي") the last dated
//! event; the news day; the publication date (`discourse.rs` holds these
//! rules: headlines, the present, since-phrases, named anchors). "since X" runs to the date of the statement
//! that gives the figure, or to publication; a duration ("within 30 days",
//! "for another three months") stretches its clause's date into a range.
//! Quantities are every count of the clause ([`quantities`]); actors and
//! their roles come from the clause itself ([`actors`]).

pub mod actors;
pub mod clauses;
mod discourse;
pub mod places;
pub mod quantities;
pub mod triggers;
pub mod windows;

use chrono::{Days, NaiveDate};

use super::gazetteer::Mention;
use super::text::{TokKind, Tokenized};
use super::{Diagnostic, ExtractedEvent, Timex, TimexType};
use crate::domain::{EventDate, EventKind, Precision, Quantity};
use clauses::{Clause, Role};
use discourse::{
    anaphor, imperfective, is_headline, named_anchor, present_or_future, record_since,
    since_before, stretch,
};
use quantities::CountedQuantity;
use triggers::{is_telling, CONTINUING, NEGATION, PUBLISHED_THINGS};

pub(super) const RANKS: &[&str] = &[
    "اللواء",
    "العميد",
    "العقيد",
    "الفريق",
    "الرائد",
    "المقدم",
    "النقيب",
    "الجنرال",
    "الدكتور",
    "الشيخ",
];
/// Title nouns: an organization between one of them and a named person is
/// that person's affiliation ("رئيس خلية الإعلام الأمني، اللواء…").
pub(super) const TITLES: &[&str] = &[
    "رئيس",
    "رئيسه",
    "مدير",
    "وزير",
    "وزيره",
    "قائد",
    "المتحدث",
    "الناطق",
    "سفير",
    "نائب",
    "امين",
    "مستشار",
    "عضو",
    "head",
    "chief",
    "director",
    "minister",
    "commander",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "ambassador",
];
/// Words that put a place name in a locative phrase ("في شمال شرق سوريا").
pub(super) const LOCATIVE: &[&str] = &["في", "داخل", "in", "inside"];
pub(super) const DIRECTIONS: &[&str] = &[
    "شمال",
    "جنوب",
    "شرق",
    "غرب",
    "وسط",
    "شمالي",
    "جنوبي",
    "شرقي",
    "غربي",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
];
/// Complementizers after a reporting verb: what follows is the reported content.
pub(super) const COMPLEMENTIZERS: &[&str] = &["ان", "that"];
const SOLDIERS: &[&str] = &["جندي", "جنود", "جنديا", "عسكري", "troops", "soldiers"];

/// Attack triggers that also tell of natural forces ("the quake struck").
const GENERIC_STRIKES: &[&str] = &[
    "struck",
    "strike",
    "strikes",
    "hit",
    "hits",
    "ضرب",
    "ضربت",
    "هز",
    "هزت",
    "اجتاح",
    "اجتاحت",
];
/// Natural disasters (normalized): with one of them a generic strike is an
/// `other` event, as the annotation guide has it.
const DISASTERS: &[&str] = &[
    "earthquake",
    "earthquakes",
    "quake",
    "quakes",
    "tremor",
    "aftershock",
    "storm",
    "hurricane",
    "cyclone",
    "typhoon",
    "flood",
    "floods",
    "flooding",
    "wildfire",
    "tsunami",
    "landslide",
    "زلزال",
    "الزلزال",
    "زلازل",
    "هزه",
    "هزات",
    "عاصفه",
    "اعصار",
    "فيضان",
    "فيضانات",
    "سيول",
    "تسونامي",
    "حريق",
    "حرائق",
];
/// Words that open an attribution ("according to X", "بحسب X").
const ATTRIBUTION: &[&str] = &["according", "بحسب", "حسب", "وفق", "وفقا", "نقلا", "citing"];
/// Words before a duration that make it the length of its clause's event.
const SPAN_WORDS: &[&str] = &[
    "for",
    "within",
    "lasting",
    "another",
    "لمده",
    "غضون",
    "مدتها",
    "مدته",
    "طيله",
    "لفتره",
];

pub(super) fn strip_conj(w: &str) -> &str {
    if w.chars().count() > 3 {
        w.strip_prefix('و')
            .or_else(|| w.strip_prefix('ف'))
            .unwrap_or(w)
    } else {
        w
    }
}

/// The normalized word at token `i` ("" for numbers, punctuation, out of range).
pub(super) fn word<'d>(doc: &'d Tokenized, i: usize) -> &'d str {
    match doc.toks.get(i) {
        Some(t) if t.kind == TokKind::Word => doc.tok_text(i),
        _ => "",
    }
}

/// What a clause holds.
struct Info<'t> {
    c: Clause,
    /// The first non-telling trigger, else the telling one: (kind, token).
    trigger: Option<(EventKind, usize)>,
    /// The reporting verb, when the clause is a report.
    reporting: Option<usize>,
    /// Its own dated expression.
    timex: Option<&'t Timex>,
    /// A duration giving the event's length.
    span_of: Option<&'t Timex>,
    /// A present troop count ("ويوجد في العراق نحو 2500 جندي").
    presence: bool,
    /// Only a temporal expression and function words.
    bare_timex: bool,
    /// A temporal phrase with no verb or trigger ("Two days after the quake").
    adverbial: bool,
}

/// The discourse state carried from sentence to sentence.
struct Discourse {
    /// The date of the statement being reported on, and its sentence.
    chain: Option<(usize, EventDate, bool)>,
    /// The end of the last absolutely dated event, and its sentence.
    last_abs: Option<(usize, NaiveDate)>,
    /// The last dated event (for anaphora).
    last_dated: Option<EventDate>,
    /// The news day: the last explicit day in the week before publication.
    news_day: Option<(usize, EventDate)>,
}

/// Builds events from the timexes and actor mentions of a document.
pub fn assemble(
    doc: &Tokenized,
    published: NaiveDate,
    timexes: &[Timex],
    mentions: &[Mention],
    _diags: &mut Vec<Diagnostic>,
) -> Vec<ExtractedEvent> {
    let mut events = Vec::new();
    let mut disc = Discourse {
        chain: None,
        last_abs: None,
        last_dated: None,
        news_day: None,
    };
    // Timexes and mentions in text order, so that each sentence takes its
    // own by binary search: work per sentence does not grow with the document.
    let mut by_tok: Vec<&Timex> = timexes.iter().collect();
    by_tok.sort_by_key(|t| t.toks[0]);
    let mut by_span: Vec<Mention> = mentions.to_vec();
    by_span.sort_by_key(|m| m.span[0]);
    for (si, &(a, b)) in doc.sentences.iter().enumerate() {
        if si == 0 && is_headline(doc) {
            continue;
        }
        let here = {
            let lo = by_tok.partition_point(|t| t.toks[0] < a);
            let hi = by_tok.partition_point(|t| t.toks[0] < b);
            &by_tok[lo..hi]
        };
        let mentions = {
            let [cs, ce] = doc.span_toks(a, b, false);
            let lo = by_span.partition_point(|m| m.span[0] < cs);
            let hi = by_span.partition_point(|m| m.span[0] < ce);
            &by_span[lo..hi]
        };
        sentence(
            doc,
            published,
            si,
            a,
            b,
            here,
            mentions,
            &mut disc,
            &mut events,
        );
    }
    events
}

fn is_dated(t: &Timex) -> bool {
    t.date.is_some()
        && matches!(t.kind, TimexType::Date | TimexType::Time)
        && t.timex3 != "PRESENT_REF"
}

#[allow(clippy::too_many_arguments)]
fn sentence(
    doc: &Tokenized,
    published: NaiveDate,
    si: usize,
    a: usize,
    b: usize,
    here: &[&Timex],
    mentions: &[Mention],
    disc: &mut Discourse,
    events: &mut Vec<ExtractedEvent>,
) {
    let in_timex = |i: usize| here.iter().any(|t| i >= t.toks[0] && i < t.toks[1]);
    let timex_ranges: Vec<[usize; 2]> = here.iter().map(|t| t.toks).collect();
    let mut infos: Vec<Info> = clauses::split(doc, a, b, in_timex)
        .into_iter()
        .map(|c| describe(doc, c, here))
        .collect();
    merge_bare_timexes(&mut infos, doc, here);
    let n = infos.len();
    // which clauses are events, and of what kind
    let mut kind: Vec<Option<EventKind>> = vec![None; n];
    for (k, inf) in infos.iter().enumerate() {
        kind[k] = match inf.trigger {
            Some((kd, _)) if !is_telling(kd) => Some(kd),
            _ if inf.presence => Some(EventKind::Deployment),
            _ if inf.timex.is_some() && inf.reporting.is_none() && inf.trigger.is_none() => {
                Some(EventKind::Other)
            }
            // "a convoy crossed the border the same day": dated by its anaphor
            _ if inf.reporting.is_none()
                && inf.trigger.is_none()
                && !inf.bare_timex
                && anaphor(doc, inf.c, Some(&EventDate::day(published))).is_some() =>
            {
                Some(EventKind::Other)
            }
            _ => None,
        };
    }
    // reporting clauses: statements when dated or when what they report is no event
    let sentence_dated = infos.iter().any(|i| i.timex.is_some());
    for k in 0..n {
        let inf = &infos[k];
        let Some((tk, _)) = inf.trigger else { continue };
        if !is_telling(tk) || kind[k].is_some() {
            continue;
        }
        let content: Vec<usize> = (k + 1..n)
            .take_while(|&j| infos[j].c.role != Role::Main || j == k + 1)
            .collect();
        let content_is_event = content.iter().any(|&j| kind[j].is_some())
            || (content.is_empty() && k > 0 && kind[k - 1].is_some());
        let continuing = inf
            .reporting
            .is_some_and(|r| CONTINUING.contains(&strip_conj(word(doc, r))));
        let in_chain = disc.chain.as_ref().is_some_and(|(s, _, _)| s + 1 == si);
        // within a chain of reporting sentences, a continuation ("وأضاف"), a
        // speaker left unnamed ("he said") or a dated sentence tells the same statement
        let same_statement =
            in_chain && (continuing || sentence_dated || !has_actor(doc, inf.c, mentions));
        if inf.timex.is_some() || (!content_is_event && !same_statement) {
            kind[k] = Some(tk);
        }
    }
    // the toll of an attack (or a disaster) told in the same sentence ("shelled
    // the village and killed 12", "…، مما أسفر عن مقتل 5") is its outcome, not a
    // second event
    for k in 1..n {
        let Some(j) = (0..k).rev().find(|&j| kind[j].is_some()) else {
            continue;
        };
        let one_date = infos[k].timex.is_none() || infos[j].timex.is_none();
        // a disaster's toll ("the quake struck on Monday, killing 300") too,
        // when the toll has no date of its own
        let cause = kind[j] == Some(EventKind::Attack)
            || (kind[j] == Some(EventKind::Other) && infos[k].timex.is_none());
        if kind[k] == Some(EventKind::Death) && cause && one_date && infos[k].reporting.is_none() {
            kind[k] = None;
            // "killed 12 and wounded 40 on 3 March": the date written once is the attack's
            if infos[j].timex.is_none() {
                infos[j].timex = infos[k].timex;
            }
        }
    }
    // a sentence that tells of something no trigger names ("the index lost 53
    // points"): its first clause with a finite verb is an event of its own kind,
    // dated by the discourse (English only: Arabic verbs need a tagger)
    if kind.iter().all(Option::is_none) && doc.lang == super::Lang::En {
        if let Some(k) = (0..n).find(|&k| {
            let c = infos[k].c;
            infos[k].reporting.is_none()
                && (c.a..c.b).any(|i| {
                    doc.toks[i].kind == TokKind::Word
                        && clauses::looks_verb(word(doc, i))
                        && !matches!(
                            word(doc, i),
                            "is" | "are" | "has" | "have" | "will" | "would" | "could"
                        )
                })
        }) {
            kind[k] = Some(EventKind::Other);
        }
    }
    // dates of the event clauses
    let mut dates: Vec<Option<(EventDate, Option<&Timex>)>> = vec![None; n];
    let chain_ref = disc
        .chain
        .as_ref()
        .filter(|(s, _, explicit)| *explicit && si <= s + 2)
        // a day told after the statement is the story's time now
        .filter(|(s, _, _)| disc.news_day.as_ref().is_none_or(|(n, _)| n <= s))
        .map(|(_, d, _)| d.clone());
    // the story's last dated event, moved on by the clauses dated here
    let mut last = disc.last_dated.clone();
    // the clauses dated by a window ("two days after the earthquake")
    let mut windowed = vec![false; n];
    // The end of a count "since X": the date of the statement that reports
    // it (of its reporting clause here, else the latest absolutely dated
    // event of the two sentences before), when after X.
    let statement_end = |k: usize, d: &EventDate| -> Option<NaiveDate> {
        let fits = |e: NaiveDate| e >= d.start && e <= published;
        let reporting = (infos[k].c.role == Role::Reported)
            .then(|| (0..k).rev().find(|&j| infos[j].reporting.is_some()))
            .flatten()
            .and_then(|j| infos[j].timex.and_then(|t| t.date.as_ref()).map(|x| x.end));
        reporting.filter(|&e| fits(e)).or_else(|| {
            disc.last_abs
                .filter(|&(ps, pend)| si <= ps + 2 && fits(pend))
                .map(|(_, pend)| pend)
        })
    };
    for k in 0..n {
        let inf = &infos[k];
        let own = inf.timex.and_then(|t| {
            // "the next morning", "في اليوم ذاته": the day of the story, not of publication
            // The anaphor may end past the timex: "في اليوم ذاته" tags "اليوم".
            if let Some(d) = anaphor(
                doc,
                Clause {
                    a: t.toks[0].saturating_sub(1),
                    b: (t.toks[1] + 2).min(inf.c.b.max(t.toks[1])),
                    role: Role::Main,
                },
                last.as_ref(),
            ) {
                return Some((d, t));
            }
            let mut d = t.date.clone()?;
            // "before the end of the year": from publication to that end
            let before = t.toks[0] > inf.c.a
                && matches!(
                    strip_conj(word(doc, t.toks[0] - 1)),
                    "قبل" | "before" | "by"
                );
            if before
                && d.modifier == Some(crate::domain::DateModifier::End)
                && d.end > published
                && d.start > published
            {
                d.start = published;
                d.approximate = true;
            }
            Some((d, t))
        });
        // "two days after the earthquake": the earthquake's event, when told before
        let anchor = named_anchor(doc, inf.c, here, events);
        let win = windows::find(
            doc,
            inf.c,
            here,
            published,
            anchor.as_ref().or(last.as_ref()),
        );
        let from_window = win.is_some();
        windowed[k] = from_window;
        let mut tx_used = inf.timex;
        let mut date = match (win, own) {
            (Some((d, t)), _) => {
                tx_used = t;
                Some((d, t))
            }
            (None, Some((mut d, t))) => {
                // "since the fall of Assad in December 2024": the date opens the range
                let since = !t.open_end && since_before(doc, Clause { a, ..inf.c }, t.toks[0], 12);
                if since && d.start <= published {
                    d = EventDate::new(d.start, Some(published), Precision::Day, false, None)
                        .unwrap_or(d);
                }
                if t.open_end || since {
                    // "since X": to the date of the statement that gives the count
                    if let Some(end) = statement_end(k, &d) {
                        d.end = end;
                        d.precision = Precision::Day;
                    }
                }
                Some((d, Some(t)))
            }
            // "منذ بدء الهدنة", "since the attacks began": from the story's last dated event
            (None, None) if since_before(doc, inf.c, inf.c.b, usize::MAX) => last
                .as_ref()
                .filter(|l| l.start < published && l.precision.at_least(Precision::Month))
                .and_then(|l| {
                    let mut d =
                        EventDate::new(l.start, Some(published), Precision::Day, false, None)
                            .ok()?;
                    if let Some(end) = statement_end(k, &d) {
                        d.end = end;
                    }
                    Some((d, None))
                }),
            (None, None) => None,
        };
        if date.is_none() {
            // the clause it hangs on
            let parent = (0..k)
                .rev()
                .find(|&j| infos[j].c.role == Role::Main || j == 0 || infos[j].reporting.is_some());
            let hang = match inf.c.role {
                Role::Main => None,
                _ => parent.and_then(|j| {
                    dates[j].clone().or_else(|| {
                        infos[j]
                            .timex
                            .and_then(|t| t.date.clone().map(|d| (d, None)))
                    })
                }),
            };
            date = hang.map(|(d, _)| (d, None));
        }
        if date.is_none() {
            if let Some(d) = anaphor(doc, inf.c, last.as_ref()) {
                date = Some((d, None));
            }
        }
        let now = inf.presence || present_or_future(doc, inf.c) || imperfective(doc, inf.trigger);
        // a clause told after a dated one in the same sentence, in the past,
        // goes on with its story ("زار بغداد في الخامس من الشهر، والتقى…")
        if date.is_none() && k > 0 && !now && inf.reporting.is_none() {
            date = (0..k)
                .rev()
                .find(|&j| {
                    (windowed[j] || infos[j].timex.is_some_and(|t| !t.open_end))
                        && infos[j].reporting.is_none()
                })
                .and_then(|j| dates[j].clone())
                .map(|(d, _)| (d, None));
        }
        if date.is_none() && infos[k].reporting.is_none() {
            if let Some(d) = chain_ref
                .clone()
                .filter(|_| inf.c.role == Role::Reported || (k == 0 && !now))
            {
                date = Some((d, None));
            }
        }
        let telling = infos[k].reporting.is_some() || kind[k].is_some_and(is_telling);
        if date.is_none() && !inf.presence && !telling && !now {
            // narrative: an undated past clause tells of the news day
            if let Some((_, d)) = disc
                .news_day
                .as_ref()
                .filter(|(s, _)| si <= s + NEWS_DAY_REACH)
            {
                date = Some((d.clone(), None));
            }
        }
        let mut d = date.map_or_else(|| EventDate::day(published), |x| x.0);
        if let Some(du) = inf.span_of.filter(|_| !from_window) {
            if let Some(r) = stretch(&d, du) {
                d = r;
            }
        }
        if tx_used.is_some() && kind[k].is_some() {
            last = Some(d.clone());
        }
        dates[k] = Some((d, tx_used));
    }
    // evidence: each clause that is no event goes to the event before it (or after)
    let owner: Vec<Option<usize>> = (0..n)
        .map(|k| {
            if kind[k].is_some() {
                Some(k)
            } else {
                (0..k)
                    .rev()
                    .find(|&j| kind[j].is_some())
                    .or_else(|| (k + 1..n).find(|&j| kind[j].is_some()))
            }
        })
        .collect();
    let mut any_statement_date: Option<(EventDate, bool)> = None;
    for k in 0..n {
        let Some(kd) = kind[k] else { continue };
        let members: Vec<usize> = (0..n).filter(|&j| owner[j] == Some(k)).collect();
        // the tokens covered by the clauses `js` that `keep` accepts
        let extent = |js: &[usize], keep: &dyn Fn(usize) -> bool| -> [usize; 2] {
            let kept = || js.iter().copied().filter(|&j| keep(j));
            [
                kept().map(|j| infos[j].c.a).min().unwrap_or(infos[k].c.a),
                kept().map(|j| infos[j].c.b).max().unwrap_or(infos[k].c.b),
            ]
        };
        let [ev_a, ev_b] = extent(&members, &|_| true);
        // actors from the clause and the non-reporting clauses it absorbed,
        // up to a participle that opens another statement ("، مشيرا إلى أن…")
        let stop = members
            .iter()
            .copied()
            .find(|&j| {
                j > k
                    && infos[j]
                        .reporting
                        .is_some_and(|r| CONTINUING.contains(&strip_conj(word(doc, r))))
            })
            .unwrap_or(usize::MAX);
        let members: Vec<usize> = members.into_iter().filter(|&j| j < stop || j < k).collect();
        // with the clauses reporting it (whose actors are its sources, left out)
        let [all_a, all_b] = extent(&members, &|_| true);
        let [act_a, act_b] = extent(&members, &|j| j == k || infos[j].reporting.is_none());
        let Some((date, tx)) = dates[k].clone() else {
            continue;
        };
        let qs = quantities::find(doc, ev_a, ev_b, &timex_ranges);
        let trigger = infos[k].trigger.map(|t| t.1);
        let mut conf = 0.6;
        if !matches!(kd, EventKind::Other) {
            conf += 0.15;
        }
        if date.precision.at_least(Precision::Month) && !date.approximate {
            conf += 0.1;
        }
        if tx.is_none() {
            conf -= 0.1;
        }
        if is_telling(kd) {
            any_statement_date = Some((date.clone(), tx.is_some()));
        }
        if let Some(t) = tx {
            if !t.relative && !t.open_end {
                disc.last_abs = Some((si, date.end));
            }
            disc.last_dated = Some(date.clone());
            // a written date may be the dateline of last month; a relative one is this week's
            let reach = if t.relative { 7 } else { 31 };
            let recent = published
                .checked_sub_days(Days::new(reach))
                .is_some_and(|w| date.start >= w && date.end <= published);
            if date.precision == Precision::Day && date.start == date.end && recent && !t.open_end {
                disc.news_day = Some((si, date.clone()));
            }
        }
        events.push(build(
            doc,
            [ev_a, ev_b],
            [all_a, all_b],
            [act_a, act_b],
            kd,
            date,
            tx,
            qs,
            trigger,
            mentions,
            conf,
        ));
    }
    // the reporting chain: a sentence that reports, dated or not
    let reports = infos.iter().any(|i| i.reporting.is_some());
    if let Some((d, explicit)) = any_statement_date {
        disc.chain = Some((si, d, explicit));
    } else if reports || sentence_dated {
        if let Some((s, d, e)) = disc.chain.clone() {
            // a sentence that dates a new day of the story ends the chain
            let moved_on = disc
                .news_day
                .as_ref()
                .is_some_and(|(n, nd)| *n == si && *nd != d);
            if s + 1 == si && !moved_on {
                disc.chain = Some((si, d, e));
            }
        }
        if disc.chain.as_ref().is_none_or(|c| c.0 != si) {
            let d = infos
                .iter()
                .find_map(|i| i.timex.and_then(|t| t.date.clone()))
                .unwrap_or_else(|| EventDate::day(published));
            disc.chain = Some((si, d, sentence_dated));
        }
    }
}

/// How many sentences after its last mention the news day still dates an
/// undated past clause.
const NEWS_DAY_REACH: usize = 1000;

fn has_actor(doc: &Tokenized, c: Clause, mentions: &[Mention]) -> bool {
    let [s, e] = doc.span_toks(c.a, c.b, false);
    mentions.iter().any(|m| m.span[0] >= s && m.span[1] <= e)
        || (c.a..c.b).any(|i| RANKS.contains(&doc.tok_text(i)))
}

fn describe<'t>(doc: &Tokenized, c: Clause, here: &[&'t Timex]) -> Info<'t> {
    let in_timex = |i: usize| here.iter().any(|t| i >= t.toks[0] && i < t.toks[1]);
    let mut trigger: Option<(EventKind, usize, usize)> = None; // kind, token, rank
    let mut telling: Option<(EventKind, usize)> = None;
    let mut reporting = None;
    for i in c.a..c.b {
        if in_timex(i) {
            continue;
        }
        let w = word(doc, i);
        if w.is_empty() {
            continue;
        }
        let bare = strip_conj(w);
        let cls = triggers::class(bare);
        if reporting.is_none() && (cls.reporting || cls.continuing) {
            reporting = Some(i);
        }
        let kind = cls.kind.or_else(|| triggers::class(doc.tok_stem(i)).kind);
        let Some((k, rank)) = kind else {
            continue;
        };
        // "the meeting", "this attack": an event told before, not a new one
        let en = doc.lang == super::Lang::En;
        let told_before = en
            && i > c.a
            && matches!(
                word(doc, i - 1),
                "the" | "this" | "that" | "these" | "those"
            )
            && !bare.ends_with("ed")
            // "go to the polls" votes
            && !(bare == "polls" && i > c.a + 1 && word(doc, i - 2) == "to");
        if told_before {
            continue;
        }
        let negated = i > c.a
            && (NEGATION.contains(&word(doc, i - 1))
                || (i > c.a + 1
                    && NEGATION.contains(&word(doc, i - 2))
                    && word(doc, i - 1).len() <= 4));
        if negated {
            continue;
        }
        // "the quake struck", "ضرب زلزال": a disaster, not an attack; "pulled
        // survivors from the rubble" withdraws nobody ("pulled out" does)
        if k == EventKind::Attack
            && GENERIC_STRIKES.contains(&bare)
            && (c.a..c.b).any(|j| DISASTERS.contains(&strip_conj(word(doc, j))))
        {
            continue;
        }
        if k == EventKind::Withdrawal
            && bare == "pulled"
            && !(i + 1..(i + 4).min(c.b)).any(|j| matches!(word(doc, j), "out" | "back"))
        {
            continue;
        }
        // "released a statement" publishes; it frees nobody
        let k = if k == EventKind::Arrest
            && matches!(bare, "released" | "release")
            && PUBLISHED_THINGS.contains(&word(doc, i + 1))
        {
            EventKind::Statement
        } else {
            k
        };
        if is_telling(k) {
            telling.get_or_insert((k, i));
            continue;
        }
        // the first trigger wins, except that a founding outranks the rest
        match trigger {
            None => trigger = Some((k, i, rank)),
            Some((_, _, r)) if rank == 0 && r != 0 => trigger = Some((k, i, rank)),
            _ => {}
        }
    }
    let trigger = trigger.map(|(k, i, _)| (k, i)).or(telling);
    // "according to the Pentagon", "بحسب البنتاغون": a source, not a participant
    let first = (c.a..c.b).find(|&i| doc.toks[i].kind == TokKind::Word);
    if let Some(f) = first.filter(|&f| ATTRIBUTION.contains(&strip_conj(word(doc, f)))) {
        if trigger.is_none() {
            reporting = Some(f);
        }
    }
    let dated = || {
        here.iter().copied().filter(|t| {
            t.toks[0] >= c.a
                && t.toks[0] < c.b
                && is_dated(t)
                && !(t.open_end && record_since(doc, c, t))
        })
    };
    // "Sunday's vote had been postponed four times since 2022": the range is the clause's
    let timex = dated().find(|t| t.open_end).or_else(|| dated().next());
    let span_of = here.iter().copied().find(|t| {
        t.toks[0] >= c.a
            && t.toks[0] < c.b
            && t.kind == TimexType::Duration
            && (t.toks[0] > c.a && {
                let p = strip_conj(word(doc, t.toks[0] - 1));
                SPAN_WORDS.contains(&p)
                    || doc.tok_stem(t.toks[0]).len() < doc.tok_text(t.toks[0]).len()
            } || SPAN_WORDS
                .iter()
                .any(|w| doc.tok_text(t.toks[0]).ends_with(w)))
    });
    let presence = (c.a..c.b).any(|i| triggers::class(strip_conj(word(doc, i))).presence)
        && (c.a + 1..c.b).any(|i| {
            SOLDIERS.contains(&strip_conj(word(doc, i)))
                && (doc.toks[i - 1].kind == TokKind::Num
                    || matches!(doc.toks[i - 1].lex, super::lexicon::Lex::NumWord(_)))
        })
        && timex.is_none();
    // "ومطلع العام الجاري،", "In recent weeks,": a date or a window alone
    let bare_timex = (timex.is_some() || (c.a..c.b).any(in_timex))
        && (c.a..c.b).all(|i| {
            in_timex(i)
                || doc.toks[i].kind != TokKind::Word
                || strip_conj(word(doc, i)).chars().count() <= 3
        });
    // "Two days after the earthquake,": a temporal phrase without a verb,
    // which dates the clause after it (English: Arabic verbs need a tagger)
    let adverbial = doc.lang == super::Lang::En
        && trigger.is_none()
        && reporting.is_none()
        && word(doc, c.a) != "since"
        && (c.a..c.b).any(&in_timex)
        && !(c.a..c.b).any(|i| !in_timex(i) && clauses::looks_verb(word(doc, i)));
    Info {
        c,
        adverbial,
        trigger: if presence && trigger.is_none() {
            None
        } else {
            trigger
        },
        reporting: reporting
            .filter(|_| trigger.is_some_and(|t| is_telling(t.0)) || trigger.is_none()),
        timex,
        span_of,
        presence,
        bare_timex,
    }
}

/// A clause that is only a temporal expression ("ومطلع العام الجاري،") joins
/// the clause after it when it opens the sentence or that clause, else the
/// clause before it ("…، منذ 17 أكتوبر").
fn merge_bare_timexes<'t>(infos: &mut Vec<Info<'t>>, doc: &Tokenized, here: &[&'t Timex]) {
    let mut k = 0;
    while k < infos.len() {
        // an adverbial phrase joins what follows when it opens the sentence
        let opening = k == 0 && infos[k].adverbial && infos[k].c.role == Role::Main;
        if !(infos[k].bare_timex || opening) || infos.len() == 1 {
            k += 1;
            continue;
        }
        let into_next = k + 1 < infos.len() && (k == 0 || infos[k + 1].timex.is_none());
        let (x, y) = if into_next {
            (k, k + 1)
        } else if k > 0 {
            (k - 1, k)
        } else {
            (k, k + 1)
        };
        if y >= infos.len() {
            k += 1;
            continue;
        }
        let role = if into_next {
            infos[y].c.role
        } else {
            infos[x].c.role
        };
        let role = if x == 0 { Role::Main } else { role };
        let c = Clause {
            a: infos[x].c.a,
            b: infos[y].c.b,
            role,
        };
        let t = infos[k].timex;
        let mut merged = describe(doc, c, here);
        // the bare expression dates the merged clause even if the other had one
        if merged.timex.is_some() && infos[x].timex.is_some() && infos[y].timex.is_some() {
            merged.timex = t;
        }
        infos.splice(x..=y, std::iter::once(merged));
        // the opening clause may still be a phrase to join ("Two days" +
        // "after the earthquake,"): every merge shortens the list
        k = if x == 0 { 0 } else { x + 1 };
    }
}

#[allow(clippy::too_many_arguments)]
fn build(
    doc: &Tokenized,
    [a, b]: [usize; 2],
    [all_a, all_b]: [usize; 2],
    [act_a, act_b]: [usize; 2],
    kind: EventKind,
    date: EventDate,
    tx: Option<&Timex>,
    quantities: Vec<CountedQuantity>,
    trigger: Option<usize>,
    mentions: &[Mention],
    confidence: f64,
) -> ExtractedEvent {
    let span = evidence_span(doc, a, b);
    let evidence = doc.slice_cp(span[0], span[1]).to_string();
    let actors = actors::actors(doc, [all_a, all_b], [act_a, act_b], kind, trigger, mentions);
    let title = make_title(doc, act_a, act_b, kind);
    ExtractedEvent {
        title,
        summary: None,
        kind,
        date,
        when_text: tx.map(|t| t.text.clone()),
        when_span: tx.map(|t| t.span),
        evidence,
        evidence_span: span,
        actors,
        quantity: quantities.first().map(|q| Quantity {
            value: q.value,
            unit: q.unit.to_string(),
        }),
        quantities,
        places: vec![],
        confidence: (confidence * 100.0_f64).round().clamp(0.0, 100.0) / 100.0,
        core: [act_a, act_b],
    }
}

/// Code-point span of tokens `[a, b)` without leading or trailing punctuation.
fn evidence_span(doc: &Tokenized, a: usize, b: usize) -> [usize; 2] {
    let mut a = a;
    let mut b = b.min(doc.toks.len());
    while b > a + 1
        && matches!(
            doc.toks[b - 1].kind,
            TokKind::Punct('.' | '!' | '?' | '؟' | '،' | ',' | '؛' | ';' | '”' | '»' | ':' | '(')
        )
    {
        b -= 1;
    }
    while a + 1 < b
        && matches!(
            doc.toks[a].kind,
            TokKind::Punct('،' | ',' | '؛' | ';' | ':' | ')')
        )
    {
        a += 1;
    }
    doc.span_toks(a, b, false)
}

fn make_title(doc: &Tokenized, a: usize, b: usize, kind: EventKind) -> String {
    let words: Vec<usize> = (a..b.min(doc.toks.len()))
        .filter(|&i| doc.toks[i].kind != TokKind::Punct('“'))
        .collect();
    let n = words.len().min(14);
    if n == 0 {
        return kind.as_str().to_string();
    }
    let sp = doc.span_toks(words[0], words[n - 1] + 1, false);
    let mut t = doc.slice_cp(sp[0], sp[1]).trim().to_string();
    if words.len() > n {
        t.push('…');
    }
    t
}

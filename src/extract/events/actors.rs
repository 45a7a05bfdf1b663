//! Actors of an event and their roles. Actors come from the gazetteer's
//! mentions inside the event's own clauses (not the clause reporting it), with
//! three exclusions: an organization in a person's title, a state named as a
//! place (except the host of a deployment), and duplicates. Roles: the
//! source of a statement is its agent; for other events the trigger splits
//! the clause: in the active voice the actor before it is the agent and the
//! actors after it are targets; a passive ("were killed", "by the group",
//! "على يد", "من قبل") turns that round.

use super::super::gazetteer::{gazetteer, Mention};
use super::super::text::{TokKind, Tokenized};
use super::super::ExtractedActor;
use super::triggers::REPORTING;
use super::{strip_conj, word, COMPLEMENTIZERS, DIRECTIONS, LOCATIVE, RANKS, TITLES};
use crate::domain::{ActorKind, ActorRole, EventKind};

/// The actors named in tokens `[a, b)` of an event of `kind` whose trigger
/// is token `trigger`; those outside `core` (the clauses reporting the
/// event) are left out.
pub fn actors(
    doc: &Tokenized,
    [a, b]: [usize; 2],
    core: [usize; 2],
    kind: EventKind,
    trigger: Option<usize>,
    mentions: &[Mention],
) -> Vec<ExtractedActor> {
    let span = doc.span_toks(a, b.min(doc.toks.len()), false);
    let g = gazetteer();
    let inside: Vec<&Mention> = mentions
        .iter()
        .filter(|m| m.span[0] >= span[0] && m.span[1] <= span[1])
        .collect();
    // token range of each mention
    let tok_of = |byte: usize| doc.toks.partition_point(|t| (t.e as usize) <= byte);
    let ranges: Vec<(usize, usize)> = inside
        .iter()
        .map(|m| (tok_of(m.bytes[0]), tok_of(m.bytes[1].saturating_sub(1))))
        .collect();
    let kind_of = |m: &Mention| g.entry(m.entry).map_or(ActorKind::Other, |e| e.kind);
    // people named in the evidence: known ones, and those introduced by a rank
    let mut people: Vec<usize> = inside
        .iter()
        .zip(&ranges)
        .filter(|(m, _)| kind_of(m) == ActorKind::Person)
        .map(|(_, r)| r.0)
        .collect();
    people.extend((a..b.min(doc.toks.len())).filter(|&i| RANKS.contains(&doc.tok_text(i))));
    let mut drop = vec![false; inside.len()];
    // an organization in a person's title is an attribute of the person
    for &p in &people {
        let mut t = None;
        for j in (a.max(p.saturating_sub(12))..p).rev() {
            let w = word(doc, j);
            if REPORTING.contains(&w) || COMPLEMENTIZERS.contains(&doc.tok_text(j)) {
                break;
            }
            if TITLES.contains(&w) {
                t = Some(j);
                break;
            }
        }
        if let Some(t) = t {
            for (k, (m, r)) in inside.iter().zip(&ranges).enumerate() {
                if r.0 > t && r.1 < p && kind_of(m) != ActorKind::Person {
                    drop[k] = true;
                }
            }
        }
    }
    // a state named as a place ("في شمال شرق سوريا", "في العراق وسوريا") is
    // where things happen, not who acts; except the host of a deployment
    if kind != EventKind::Deployment {
        let mut prev_loc: Option<usize> = None; // token end of the last locative mention
        for (k, (m, r)) in inside.iter().zip(&ranges).enumerate() {
            if kind_of(m) != ActorKind::State {
                continue;
            }
            let t0 = &doc.toks[r.0];
            let prefix = &doc.norm[t0.s as usize..m.bytes[0].max(t0.s as usize)];
            let mut j = r.0;
            while j > a && DIRECTIONS.contains(&word(doc, j - 1)) {
                j -= 1;
            }
            let before = if j > a { doc.tok_text(j - 1) } else { "" };
            let locative = matches!(prefix, "ب" | "وب" | "بال" | "وبال")
                || LOCATIVE.contains(&before)
                || matches!(before, "وفي" | "فوفي")
                || (prev_loc.is_some_and(|e| e + 1 == r.0 || (e + 2 == r.0 && before == "and"))
                    && (prefix.starts_with('و') || before == "and"));
            if locative {
                drop[k] = true;
                prev_loc = Some(r.1);
            }
        }
    }
    let mut actors: Vec<(usize, ExtractedActor)> = Vec::new();
    let mut kept_people: Vec<(usize, usize)> = Vec::new();
    for (k, m) in inside.iter().enumerate() {
        let Some(e) = g.entry(m.entry) else { continue };
        if e.kind == ActorKind::Person {
            kept_people.push(ranges[k]);
        }
        if drop[k] || actors.iter().any(|x| x.1.name == e.name) {
            continue;
        }
        actors.push((
            ranges[k].0,
            ExtractedActor {
                name: e.name.clone(),
                name_ar: e.name_ar.clone(),
                text: doc.slice_cp(m.span[0], m.span[1]).to_string(),
                kind: e.kind,
                wikidata: e.wikidata.clone(),
                role: ActorRole::Mentioned,
                known: true,
                // known actors: their aliases are in the gazetteer (and in storage)
                aliases_en: Vec::new(),
                aliases_ar: Vec::new(),
            },
        ));
    }
    // proposed people: "اللواء فلان الفلاني", unless the gazetteer knows them
    for i in a..b.min(doc.toks.len()) {
        if RANKS.contains(&doc.tok_text(i)) {
            let mut j = i + 1;
            while j < b
                && j < i + 4
                && doc.toks[j].kind == TokKind::Word
                && doc.toks[j].lex == super::super::lexicon::Lex::None
            {
                j += 1;
            }
            let known = kept_people.iter().any(|r| r.0 < j && r.1 > i);
            if j > i + 1 && !known {
                let sp = doc.span_toks(i + 1, j, false);
                let name = doc.slice_cp(sp[0], sp[1]).to_string();
                if !actors.iter().any(|x| x.1.text == name) {
                    actors.push((
                        i,
                        ExtractedActor {
                            name: name.clone(),
                            name_ar: Some(name.clone()),
                            text: name,
                            kind: ActorKind::Person,
                            wikidata: None,
                            role: ActorRole::Mentioned,
                            known: false,
                            aliases_en: Vec::new(),
                            aliases_ar: Vec::new(),
                        },
                    ));
                }
            }
        }
    }
    actors.sort_by_key(|x| x.0);
    // the source of a report is the agent of its statement, not an actor of
    // what it reports ("…, the Pentagon said", "بحسب البنتاغون")
    actors.retain(|x| x.0 >= core[0] && x.0 < core[1]);
    assign_roles(doc, core[0], core[1], kind, trigger, &mut actors);
    actors.into_iter().map(|x| x.1).collect()
}

/// Words that mark a passive agent after them ("by", "على يد", "من قبل", "بنيران").
const BY: &[&str] = &["by", "يد", "قبل", "بنيران", "نيران"];
/// Passive auxiliaries just before an English trigger.
const PASSIVE_AUX: &[&str] = &["was", "were", "been", "being", "be", "is", "are"];
/// Arabic nouns of the event whose following actor is its victim or object
/// ("مقتل 5 جنود", "اعتقال قيادي").
const VICTIM_NOUNS: &[&str] = &[
    "مقتل",
    "مصرع",
    "اغتيال",
    "اعتقال",
    "احتجاز",
    "الافراج",
    "استهداف",
    "اصابه",
    "استشهاد",
];

fn assign_roles(
    doc: &Tokenized,
    a: usize,
    b: usize,
    kind: EventKind,
    trigger: Option<usize>,
    actors: &mut [(usize, ExtractedActor)],
) {
    if actors.is_empty() {
        return;
    }
    if matches!(kind, EventKind::Statement | EventKind::Report) {
        // the source: the first actor, or the one right after the verb (VSO)
        actors[0].1.role = ActorRole::Agent;
        return;
    }
    let Some(t) = trigger else { return };
    if matches!(
        kind,
        EventKind::Election | EventKind::Founding | EventKind::Other
    ) {
        // the subject of the clause, if any, does it
        if let Some(x) = actors.iter_mut().find(|x| x.0 < t) {
            x.1.role = ActorRole::Agent;
        }
        return;
    }
    let passive = (t > a && PASSIVE_AUX.contains(&word(doc, t - 1)))
        || (t > a + 1
            && PASSIVE_AUX.contains(&word(doc, t - 2))
            && word(doc, t - 1).ends_with("ly"));
    let victim_noun =
        VICTIM_NOUNS.contains(&strip_conj(word(doc, t))) || VICTIM_NOUNS.contains(&doc.tok_stem(t));
    // an agent introduced by "by"/"على يد"/"من قبل" anywhere in the clause
    let by_agent: Vec<usize> = actors
        .iter()
        .enumerate()
        .filter(|(_, x)| {
            let p = x.0;
            (a + 1..=p.min(b))
                .rev()
                .take(3)
                .any(|k| BY.contains(&word(doc, k - 1)) || BY.contains(&doc.tok_stem(k - 1)))
        })
        .map(|(k, _)| k)
        .collect();
    let ar = doc.lang == super::super::Lang::Ar;
    let mut first_after = true;
    for (k, x) in actors.iter_mut().enumerate() {
        let role = if by_agent.contains(&k) {
            ActorRole::Agent
        } else if x.0 < t {
            if passive {
                ActorRole::Target
            } else {
                ActorRole::Agent
            }
        } else if ar && !victim_noun && first_after && !passive && x.0 <= t + 3 {
            // Arabic verb-subject-object: the first actor right after the verb acts
            first_after = false;
            ActorRole::Agent
        } else {
            first_after = false;
            ActorRole::Target
        };
        x.1.role = role;
    }
}

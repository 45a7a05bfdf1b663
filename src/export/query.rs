//! What a client asks of an export, as typed queries: `http` deserializes
//! them from query strings (repeatable parameters as lists), `cli` builds
//! them from its flags. `check` turns a query into what the export reads
//! (a filter and a cursor, or a tombstone span) or refuses it, saying why.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::domain::{
    parse_date, ActorId, ActorRole, BBox, EventFilter, EventKind, EventOrder, EventStatus, Id,
    Near, SyncToken,
};
use crate::storage::Cursor;

use super::ExportError;

/// The events of an export: `from`, `to` (YYYY-MM-DD), `actor` (name,
/// alias or id; any of them), `actorRole` (agent, target, mentioned: the
/// role the actors play), `kind` and `status` (each repeatable or
/// comma-separated), `place` (id, name or alias; repeatable; any of them,
/// and everything inside them), `bbox` (`south,west,north,east` in
/// degrees), `near` (`lat,lon,radiusKm`), `updatedSince` (RFC 3339),
/// `changedSince` (a sync token), `after` (the cursor of the last row
/// seen). Unknown parameters are refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    #[serde(default)]
    pub actor: Vec<String>,
    #[serde(alias = "actor_role")]
    pub actor_role: Option<String>,
    #[serde(default)]
    pub kind: Vec<String>,
    #[serde(default)]
    pub status: Vec<String>,
    #[serde(default)]
    pub place: Vec<String>,
    pub bbox: Option<String>,
    pub near: Option<String>,
    #[serde(alias = "updated_since")]
    pub updated_since: Option<String>,
    #[serde(alias = "changed_since")]
    pub changed_since: Option<String>,
    pub after: Option<String>,
}

/// The tombstone feed: `since` (RFC 3339, exclusive), `changedSince` (a
/// sync token), `after` (the `id` of the last tombstone seen).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TombstoneQuery {
    pub since: Option<String>,
    #[serde(alias = "changed_since")]
    pub changed_since: Option<String>,
    pub after: Option<String>,
}

/// Where a tombstone feed starts: `since` a time (exclusive), written
/// after sync token `changed_since` was taken, after tombstone `after`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TombstoneSpan {
    pub since: Option<DateTime<Utc>>,
    pub changed_since: Option<SyncToken>,
    pub after: Option<Id>,
}

fn bad(message: impl Into<String>) -> ExportError {
    ExportError::BadQuery(message.into())
}

fn rfc3339(name: &str, v: &str) -> Result<DateTime<Utc>, ExportError> {
    DateTime::parse_from_rfc3339(v.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| bad(format!("{name} must be RFC 3339 ({e})")))
}

/// `n` comma-separated numbers.
fn numbers(name: &str, v: &str, n: usize) -> Result<Vec<f64>, ExportError> {
    let xs: Vec<f64> = v
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            bad(format!(
                "{name} must be {n} numbers separated by commas, got {v:?}"
            ))
        })?;
    if xs.len() != n {
        return Err(bad(format!(
            "{name} must be {n} numbers separated by commas, got {v:?}"
        )));
    }
    Ok(xs)
}

fn token(v: &str) -> Result<SyncToken, ExportError> {
    SyncToken::parse(v.trim()).map_err(bad)
}

/// Each value of a repeatable parameter, commas separating values too.
fn each(values: &[String]) -> impl Iterator<Item = &str> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

impl TombstoneQuery {
    /// The span the feed covers, or why the query is wrong.
    pub fn check(&self) -> Result<TombstoneSpan, ExportError> {
        Ok(TombstoneSpan {
            since: self
                .since
                .as_deref()
                .map(|v| rfc3339("since", v))
                .transpose()?,
            changed_since: self.changed_since.as_deref().map(token).transpose()?,
            after: match self.after.as_deref() {
                None => None,
                Some(v) => Some(
                    v.trim()
                        .parse::<Id>()
                        .map_err(|_| bad(format!("after must be a tombstone id, got {v:?}")))?,
                ),
            },
        })
    }
}

impl ExportQuery {
    /// The filter and resume cursor the query means, or why it is wrong.
    pub fn check(&self) -> Result<(EventFilter, Option<Cursor>), ExportError> {
        let day = |v: &str| parse_date(v.trim()).map_err(|e| bad(e.to_string()));
        let mut f = EventFilter {
            from: self.from.as_deref().map(day).transpose()?,
            to: self.to.as_deref().map(day).transpose()?,
            updated_since: self
                .updated_since
                .as_deref()
                .map(|v| rfc3339("updatedSince", v))
                .transpose()?,
            changed_since: self.changed_since.as_deref().map(token).transpose()?,
            ..EventFilter::default()
        };
        for v in &self.actor {
            let v = v.trim();
            match v.parse::<ActorId>() {
                Ok(id) => f.actor_ids.push(id),
                Err(_) if !v.is_empty() => f.actors.push(v.to_string()),
                Err(_) => return Err(bad("an actor must not be empty")),
            }
        }
        if let Some(v) = &self.actor_role {
            let v = v.trim();
            f.actor_role = Some(ActorRole::parse(v).ok_or_else(|| {
                bad(format!(
                    "unknown actor role {v:?}: expected agent, target or mentioned"
                ))
            })?);
        }
        for s in each(&self.kind) {
            f.kinds
                .push(EventKind::parse(s).ok_or_else(|| bad(format!("unknown kind {s:?}")))?);
        }
        for s in each(&self.status) {
            f.status
                .push(EventStatus::parse(s).ok_or_else(|| bad(format!("unknown status {s:?}")))?);
        }
        for v in &self.place {
            if v.trim().is_empty() {
                return Err(bad("a place must not be empty"));
            }
            f.places.push(v.trim().to_string());
        }
        if let Some(v) = &self.bbox {
            let b = numbers("bbox", v, 4)?;
            f.bbox = Some(BBox::new(b[0], b[1], b[2], b[3]).map_err(bad)?);
        }
        if let Some(v) = &self.near {
            let n = numbers("near", v, 3)?;
            f.near = Some(Near::new(n[0], n[1], n[2]).map_err(bad)?);
        }
        let after = match self.after.as_deref() {
            None => None,
            Some(v) => Some(
                Cursor::decode(v.trim(), EventOrder::DateAsc)
                    .ok_or_else(|| bad("invalid cursor"))?,
            ),
        };
        if let (Some(a), Some(b)) = (f.from, f.to) {
            if a > b {
                return Err(bad("`from` is after `to`"));
            }
        }
        f.check_limits().map_err(bad)?;
        // a place nobody has is the client's mistake, said before streaming
        crate::domain::place::filter_ids(&f).map_err(bad)?;
        Ok((f, after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(actor: &[&str], role: Option<&str>) -> ExportQuery {
        ExportQuery {
            actor: actor.iter().map(|s| s.to_string()).collect(),
            actor_role: role.map(str::to_string),
            ..ExportQuery::default()
        }
    }

    #[test]
    fn actor_role_restricts_named_actors_and_is_refused_alone() {
        let (f, _) = query(&["ISIS"], Some("agent")).check().expect("valid");
        assert_eq!(f.actor_role, Some(ActorRole::Agent));
        let e = query(&[], Some("target")).check().unwrap_err().to_string();
        assert!(e.contains("actorRole"), "{e}");
        let e = query(&["ISIS"], Some("boss"))
            .check()
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown actor role"), "{e}");
    }

    #[test]
    fn kinds_and_statuses_are_repeatable_or_comma_separated() {
        let q = ExportQuery {
            kind: vec!["attack,election".into(), " meeting ".into()],
            status: vec!["confirmed".into()],
            ..ExportQuery::default()
        };
        let (f, _) = q.check().expect("valid");
        assert_eq!(f.kinds.len(), 3);
        assert_eq!(f.status, vec![EventStatus::Confirmed]);
        let q = ExportQuery {
            from: Some("2024-03-01".into()),
            to: Some("2024-02-01".into()),
            ..ExportQuery::default()
        };
        assert!(q.check().is_err());
    }
}

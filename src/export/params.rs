//! The parameters of an export as query pairs (HTTP query strings, and
//! the command line's flags turned into the same pairs): read, checked
//! and refused with a message when wrong.

use chrono::{DateTime, Utc};

use crate::domain::{
    parse_date, ActorRole, EventFilter, EventKind, EventOrder, EventStatus, Id, SyncToken,
};
use crate::storage::Cursor;

/// Where a tombstone feed starts: `since` a time (exclusive), written
/// after sync token `changed_since` was taken, after tombstone `after`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TombstoneParams {
    pub since: Option<DateTime<Utc>>,
    pub changed_since: Option<SyncToken>,
    pub after: Option<Id>,
}

/// Reads the tombstone feed's parameters from query pairs: `since` (RFC
/// 3339), `changedSince` (a sync token) and `after` (the `id` of the last
/// tombstone seen); any other parameter is refused.
pub fn tombstone_params(pairs: &[(String, String)]) -> Result<TombstoneParams, String> {
    let mut p = TombstoneParams::default();
    for (k, v) in pairs {
        match k.as_str() {
            "since" => {
                p.since = Some(
                    DateTime::parse_from_rfc3339(v.trim())
                        .map_err(|e| format!("since must be RFC 3339 ({e})"))?
                        .with_timezone(&Utc),
                )
            }
            "changedSince" | "changed_since" => p.changed_since = Some(SyncToken::parse(v)?),
            "after" => {
                p.after = Some(
                    v.trim()
                        .parse::<Id>()
                        .map_err(|_| format!("after must be a tombstone id, got {v:?}"))?,
                )
            }
            other => return Err(format!("unknown parameter {other:?}")),
        }
    }
    Ok(p)
}

/// Builds a filter and resume cursor from query pairs: `from`, `to`
/// (YYYY-MM-DD), `actor` (repeatable: name, alias or id), `actorRole`
/// (agent, target, mentioned: the role the actors play), `kind`,
/// `status` (repeatable or comma-separated), `updatedSince` (RFC 3339),
/// `changedSince` (a sync token), `after` (a cursor from a previous export).
pub fn filter_from_pairs(
    pairs: &[(String, String)],
) -> Result<(EventFilter, Option<Cursor>), String> {
    let mut f = EventFilter::default();
    let mut after = None;
    for (k, v) in pairs {
        let v = v.trim();
        let many = || v.split(',').map(str::trim).filter(|s| !s.is_empty());
        match k.as_str() {
            "from" => f.from = Some(parse_date(v).map_err(|e| e.to_string())?),
            "to" => f.to = Some(parse_date(v).map_err(|e| e.to_string())?),
            "actor" => match v.parse::<Id>() {
                Ok(id) => f.actor_ids.push(id),
                Err(_) if !v.is_empty() => f.actors.push(v.to_string()),
                Err(_) => return Err("an actor must not be empty".into()),
            },
            "actorRole" | "actor_role" => {
                f.actor_role = Some(ActorRole::parse(v).ok_or(format!(
                    "unknown actor role {v:?}: expected agent, target or mentioned"
                ))?)
            }
            "kind" => {
                for s in many() {
                    f.kinds
                        .push(EventKind::parse(s).ok_or(format!("unknown kind {s:?}"))?);
                }
            }
            "status" => {
                for s in many() {
                    f.status
                        .push(EventStatus::parse(s).ok_or(format!("unknown status {s:?}"))?);
                }
            }
            "updatedSince" | "updated_since" => {
                f.updated_since = Some(
                    DateTime::parse_from_rfc3339(v)
                        .map_err(|e| format!("updatedSince must be RFC 3339 ({e})"))?
                        .with_timezone(&Utc),
                )
            }
            "changedSince" | "changed_since" => f.changed_since = Some(SyncToken::parse(v)?),
            "after" => {
                after = Some(Cursor::decode(v, EventOrder::DateAsc).ok_or("invalid cursor")?);
            }
            other => return Err(format!("unknown parameter {other:?}")),
        }
    }
    if let (Some(a), Some(b)) = (f.from, f.to) {
        if a > b {
            return Err("`from` is after `to`".into());
        }
    }
    f.check_limits()?;
    Ok((f, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn actor_role_restricts_named_actors_and_is_refused_alone() {
        let (f, _) =
            filter_from_pairs(&pairs(&[("actor", "ISIS"), ("actorRole", "agent")])).expect("valid");
        assert_eq!(f.actor_role, Some(ActorRole::Agent));
        let e = filter_from_pairs(&pairs(&[("actorRole", "target")])).unwrap_err();
        assert!(e.contains("actorRole"), "{e}");
        let e = filter_from_pairs(&pairs(&[("actor", "ISIS"), ("actorRole", "boss")])).unwrap_err();
        assert!(e.contains("unknown actor role"), "{e}");
    }
}

// api.js — talks to the Tarikh server: GraphQL queries over POST /graphql and
// the links of the CSV/NDJSON exports, built from the app's filter state.

/** Runs a GraphQL operation; resolves to `data`, rejects with the first error. */
export async function gql(query, variables = {}, signal) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  let body;
  try { body = await res.json(); } catch { throw new Error(`HTTP ${res.status}`); }
  if (body.errors && body.errors.length) {
    const e = new Error(body.errors[0].message || 'GraphQL error');
    e.errors = body.errors;
    throw e;
  }
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return body.data;
}

const LIST_FIELDS = `
  id title kind status sourceCount
  date { start end precision approximate modifier label(lang: $lang) }
  actors { role actor { id name nameAr } }`;

export const EVENTS_QUERY = `query Events($f: EventFilter, $first: Int, $after: String, $lang: String!) {
  events(filter: $f, first: $first, after: $after) {
    totalCount
    nodes { ${LIST_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const TIMELINE_QUERY = `query Timeline($f: EventFilter, $bucket: Bucket!) {
  timeline(filter: $f, bucket: $bucket) { start end count }
}`;

export const EVENT_QUERY = `query Event($id: ID!, $lang: String!) {
  event(id: $id) {
    id title summary kind status confidence sourceCount createdAt updatedAt
    date { start end precision approximate modifier edtf label(lang: $lang, calendar: BOTH) }
    quantities { value unit qualifier }
    actors { role actor { id name nameAr kind wikidata } }
    places { role place { id name nameAr kind countryCode } }
    mentions {
      id sentence span whenText whenSpan
      article { id outlet publishedOn url title language }
    }
    revisions { at by action note }
  }
}`;

export const ACTORS_QUERY = `query Actors($s: String!) {
  actors(search: $s, first: 8) { nodes { id name nameAr kind aliases { alias lang } } }
}`;

/** One query fetching several actors by id (for chips restored from a URL). */
export function actorsByIdQuery(ids) {
  const fields = ids.map((id, i) => `a${i}: actor(id: ${JSON.stringify(String(id))}) { id name nameAr }`);
  return `query { ${fields.join(' ')} }`;
}

export const CHANGES_SUBSCRIPTION = `subscription Changes($f: EventFilter) {
  eventChanges(filter: $f) { change eventId mergedInto syncToken event { id title } }
}`;

/** True when an actor chip value is an actor id (the export reads digits as ids too). */
export const isId = (v) => /^\d+$/.test(String(v));

/** The GraphQL EventFilter of the app state. */
export function toFilter(s) {
  const f = {};
  if (s.from) f.from = s.from;
  if (s.to) f.to = s.to;
  const ids = s.actors.filter((a) => isId(a.key)).map((a) => a.key);
  const names = s.actors.filter((a) => !isId(a.key)).map((a) => a.key);
  if (ids.length) f.actorIds = ids;
  if (names.length) f.actors = names;
  if (s.actors.length) f.actorMatch = s.match === 'ALL' ? 'ALL' : 'ANY';
  if (s.kinds.length) f.kinds = s.kinds;
  if (s.text && s.text.trim()) f.text = s.text.trim();
  return f;
}

/** The query string of an export with the filters the export understands. */
export function exportQuery(s) {
  const p = new URLSearchParams();
  if (s.from) p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  for (const a of s.actors) p.append('actor', a.key);
  if (s.kinds.length) p.set('kind', s.kinds.map((k) => k.toLowerCase()).join(','));
  const q = p.toString();
  return q ? `?${q}` : '';
}

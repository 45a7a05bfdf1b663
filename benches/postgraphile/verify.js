#!/usr/bin/env node
// Checks that the PostGraphile bodies (q1.json, q2.json, q3.json) — and Tarikh's
// (tarikh/*.json) when TARIKH_URL answers — return the same rows as plain SQL on the
// same database, so the peers answer the same question.
//
//   DATABASE_URL=... PGL_URL=http://127.0.0.1:5000/graphql \
//   TARIKH_URL=http://127.0.0.1:18080/graphql node verify.js
//
// Run cursor.sh first (verify.sh does both): q3.json and tarikh/q3.json carry the cursor
// of row 2000. Prints one line per check and "N passed, N failed"; exits 1 on a failure.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { post, connection } = require("./cursor.js");

const here = (f) => path.join(__dirname, f);
const DATABASE_URL =
  process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/tarikh_pgl";
const PGL_URL = process.env.PGL_URL || `http://127.0.0.1:${process.env.PGL_PORT || 5000}/graphql`;
const TARIKH_URL = process.env.TARIKH_URL || "";
const ROW = Number(process.env.ROW || 2000);

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const body = (f) => JSON.parse(fs.readFileSync(here(f), "utf8"));

// One JSON value from psql (the query must return a single json column and row).
function sql(query, vars = {}) {
  const args = [DATABASE_URL, "-X", "-At", "-v", "ON_ERROR_STOP=1"];
  for (const [k, v] of Object.entries(vars)) args.push("-v", `${k}=${v}`);
  const out = execFileSync("psql", args, { input: query, encoding: "utf8" });
  return JSON.parse(out.trim() || "null");
}

// The event filter of Q1/Q2 in SQL, as Tarikh's store writes it (storage/events.rs):
// overlap of [start_day, end_day] with [from, to], actor by normalized alias, not rejected.
const WINDOW = `e.start_day <= :to AND e.end_day >= :from AND e.status <> 'rejected'
  AND e.id IN (SELECT ea.event_id FROM event_actor ea WHERE ea.actor_id IN
    (SELECT al.actor_id FROM actor_alias al WHERE al.normalized = :'actor'))`;
const ACTOR3 = `e.status <> 'rejected'
  AND e.id IN (SELECT ea.event_id FROM event_actor ea WHERE ea.actor_id = :actor_id)`;

// Event rows with their actors (actor id order), as plain values to compare.
function sqlEvents(where, vars, offset, limit) {
  return sql(
    `SELECT coalesce(json_agg(json_build_object(
        'id', e.id::text, 'title', e.title, 'kind', e.kind, 'start', e.start_day, 'end', e.end_day,
        'precision', e.precision, 'edtf', e.edtf,
        'actors', (SELECT coalesce(json_agg(json_build_object('id', a.id::text, 'role', ea.role,
                     'name', a.name, 'wikidata', a.wikidata) ORDER BY ea.actor_id), '[]')
                   FROM event_actor ea JOIN actor a ON a.id = ea.actor_id WHERE ea.event_id = e.id))
      ORDER BY e.start_day, e.end_day, e.id), '[]')
     FROM (SELECT * FROM event e WHERE ${where}
           ORDER BY e.start_day, e.end_day, e.id OFFSET ${offset} LIMIT ${limit}) e`,
    vars
  );
}

// Tarikh's day number (chrono num_days_from_ce: 0001-01-01 is 1) of an ISO date.
function dayNumber(iso) {
  const d = new Date(0);
  const [y, m, dd] = iso.split("-").map(Number);
  d.setUTCFullYear(y, m - 1, dd);
  d.setUTCHours(0, 0, 0, 0);
  const base = new Date(0);
  base.setUTCFullYear(1, 0, 1);
  base.setUTCHours(0, 0, 0, 0);
  return Math.round((d - base) / 86400000) + 1;
}

const pglRows = (c) =>
  c.edges.map(({ node: n }) => ({
    id: n.id, title: n.title, kind: n.kind, start: n.startDay, end: n.endDay,
    precision: n.precision, edtf: n.edtf,
    actors: n.eventActorsByEventId.nodes.map((l) => ({
      id: l.actorByActorId.id, role: l.role, name: l.actorByActorId.name,
      wikidata: l.actorByActorId.wikidata,
    })),
  }));
const tarikhRows = (c) =>
  c.edges.map(({ node: n }) => ({
    id: n.id, title: n.title, kind: n.kind.toLowerCase(),
    start: dayNumber(n.date.start), end: dayNumber(n.date.end),
    precision: n.date.precision.toLowerCase(), edtf: n.date.edtf,
    actors: n.actors.map((l) => ({
      id: l.actor.id, role: l.role.toLowerCase(), name: l.actor.name, wikidata: l.actor.wikidata,
    })),
  }));

function firstDiff(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (!same(a[i], b[i])) return `row ${i}: ${JSON.stringify(a[i])} vs ${JSON.stringify(b[i])}`;
  }
  return "";
}

function compareRows(name, got, want, hasNext, wantNext) {
  check(
    `${name}: ${want.length} rows, same ids in the same order`,
    same(got.map((r) => r.id), want.map((r) => r.id)),
    same(got.map((r) => r.id), want.map((r) => r.id)) ? "" : firstDiff(got.map((r) => r.id), want.map((r) => r.id))
  );
  check(`${name}: same fields and actors`, same(got, want), same(got, want) ? "" : firstDiff(got, want));
  check(`${name}: hasNextPage ${wantNext}`, hasNext === wantNext);
}

async function main() {
  const tarikh = TARIKH_URL ? await post(TARIKH_URL, { query: "{ __typename }" }).then(() => true, () => false) : false;
  if (TARIKH_URL && !tarikh) console.log(`note: Tarikh not answering at ${TARIKH_URL}; PostGraphile only`);

  // Q1: the first 50 events of the window with actor "فاعل 3".
  const q1 = body("q1.json");
  const v1 = { from: q1.variables.from, to: q1.variables.to, actor: q1.variables.actor };
  const want1 = sqlEvents(WINDOW, v1, 0, 51);
  const next1 = want1.length > 50;
  want1.length = Math.min(50, want1.length);
  const c1 = connection(await post(PGL_URL, q1));
  compareRows("Q1 PostGraphile vs SQL", pglRows(c1), want1, c1.pageInfo.hasNextPage, next1);
  if (tarikh) {
    const t1 = body("tarikh/q1.json");
    check(
      "Q1 Tarikh and PostGraphile bodies ask the same window",
      dayNumber(t1.variables.from) === v1.from && dayNumber(t1.variables.to) === v1.to &&
        same(t1.variables.actors, [v1.actor])
    );
    const c = connection(await post(TARIKH_URL, t1));
    compareRows("Q1 Tarikh vs SQL", tarikhRows(c), want1, c.pageInfo.hasNextPage, next1);
  }

  // Q2: events of the same filter by the calendar month they start in.
  const q2 = body("q2.json");
  const byMonth = sql(
    `SELECT coalesce(json_agg(json_build_array(m, n) ORDER BY m), '[]') FROM (
       SELECT to_char(date_trunc('month', (date '0001-01-01' + (GREATEST(e.start_day, :clamp) - 1))::timestamp),
                      'YYYY-MM-DD') AS m, count(*) AS n
       FROM event e WHERE ${WINDOW} GROUP BY 1) x`,
    { ...v1, clamp: -2147483647 }
  );
  const g = connection(await post(PGL_URL, q2)).groupedAggregates;
  const got2 = g
    .map((b) => [b.keys[0], Number(b.distinctCount.id)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const total = byMonth.reduce((s, [, n]) => s + n, 0);
  check(
    `Q2 PostGraphile vs SQL: ${byMonth.length} non-empty months, ${total} events, same counts`,
    same(got2, byMonth),
    same(got2, byMonth) ? "" : firstDiff(got2, byMonth)
  );
  if (tarikh) {
    // Tarikh fills empty months from `from` to `to` and counts events that start before
    // `from` (they overlap it) in the first month: clamp the start to `from` for that.
    const clamped = sql(
      `SELECT coalesce(json_agg(json_build_array(m, n) ORDER BY m), '[]') FROM (
         SELECT to_char(date_trunc('month', (date '0001-01-01' + (GREATEST(e.start_day, :clamp) - 1))::timestamp),
                        'YYYY-MM-DD') AS m, count(*) AS n
         FROM event e WHERE ${WINDOW} GROUP BY 1) x`,
      { ...v1, clamp: v1.from }
    );
    const t = (await post(TARIKH_URL, body("tarikh/q2.json"))).data.timeline;
    const nonEmpty = t.filter((b) => b.count > 0).map((b) => [b.start, b.count]);
    check(
      `Q2 Tarikh vs SQL: ${t.length} buckets, same non-empty months and counts`,
      same(nonEmpty, clamped),
      same(nonEmpty, clamped) ? "" : firstDiff(nonEmpty, clamped)
    );
    check(
      "Q2 Tarikh vs PostGraphile: same non-empty months and counts",
      same(nonEmpty, got2),
      same(nonEmpty, got2)
        ? ""
        : `differ (events starting before 'from' are in Tarikh's first bucket): ${firstDiff(nonEmpty, got2)}`
    );
  }

  // Q3: actor 3's listing, 50 rows after row 2000.
  const q3 = body("q3.json");
  const v3 = { actor_id: Number(q3.variables.actorId) };
  const want3 = sqlEvents(ACTOR3, v3, ROW, 51);
  const next3 = want3.length > 50;
  want3.length = Math.min(50, want3.length);
  const c3 = connection(await post(PGL_URL, q3));
  compareRows(`Q3 PostGraphile vs SQL (rows ${ROW + 1}-${ROW + 50})`, pglRows(c3), want3, c3.pageInfo.hasNextPage, next3);
  if (tarikh) {
    const t3 = body("tarikh/q3.json");
    const c = connection(await post(TARIKH_URL, t3));
    compareRows(`Q3 Tarikh vs SQL (rows ${ROW + 1}-${ROW + 50})`, tarikhRows(c), want3, c.pageInfo.hasNextPage, next3);
  }

  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e.stack || e);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});

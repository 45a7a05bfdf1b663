#!/usr/bin/env node
// Fills a Q3 template with the cursor of row N of the same listing.
//
//   node cursor.js URL TEMPLATE OUT [N]
//   node cursor.js http://127.0.0.1:5000/graphql q3.template.json q3.json 2000
//   node cursor.js http://127.0.0.1:18080/graphql tarikh/q3.template.json tarikh/q3.json 2000
//
// The template is a {"query", "variables"} body whose query takes $first and $after and
// returns one connection with edges { cursor } and pageInfo { hasNextPage endCursor }.
// Pages of 500 (Tarikh's largest page) are walked until row N; OUT gets the template with
// after = cursor of row N and first = the template's own first (50).
"use strict";
const fs = require("node:fs");

async function post(url, body) {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  const j = await r.json();
  if (!r.ok || j.errors) throw new Error(`${url}: ${r.status} ${JSON.stringify(j.errors || j)}`);
  return j;
}

// The one connection in `data` (allEvents for PostGraphile, events for Tarikh).
const connection = (j) => Object.values(j.data)[0];

async function cursorOfRow(url, template, n, page = 500) {
  let after = null;
  let seen = 0;
  while (seen < n) {
    const first = Math.min(page, n - seen);
    const body = { query: template.query, variables: { ...template.variables, first, after } };
    const c = connection(await post(url, body));
    if (c.edges.length < first) throw new Error(`only ${seen + c.edges.length} rows, wanted ${n}`);
    seen += c.edges.length;
    after = c.edges[c.edges.length - 1].cursor;
  }
  return after;
}

async function main() {
  const [url, templatePath, out, n = "2000"] = process.argv.slice(2);
  if (!url || !templatePath || !out) {
    console.error("usage: node cursor.js URL TEMPLATE OUT [N]");
    process.exit(2);
  }
  const template = JSON.parse(fs.readFileSync(templatePath, "utf8"));
  const after = await cursorOfRow(url, template, Number(n));
  const body = { query: template.query, variables: { ...template.variables, after } };
  fs.writeFileSync(out, JSON.stringify(body, null, 1) + "\n");
  console.log(`${out}: after = cursor of row ${n} (${after})`);
}

module.exports = { post, connection, cursorOfRow };
if (require.main === module) {
  main().catch((e) => {
    console.error(e.message || e);
    process.exit(1);
  });
}

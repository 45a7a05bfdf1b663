#!/usr/bin/env node
// PostGraphile 4 as the peer of Tarikh's GraphQL API in the read-path benchmarks (benches/api.sh).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tarikh_pgl node server.js
//
// Environment:
//   DATABASE_URL   PostgreSQL database (default postgres://postgres@127.0.0.1:5432/tarikh_pgl)
//   PGL_PORT       port on 127.0.0.1 (default 5000)
//   PGL_HOST       address to bind (default 127.0.0.1)
//   PGL_POOL_MAX   connections in the pg pool of each process (default 10, pg's own default)
//   PGL_WORKERS    Node processes sharing the port through node:cluster (default 1; Node runs
//                  JavaScript on one core, so 2 uses both cores of the bench machine)
//
// Options are the "production" set of PostGraphile's documentation (no GraphiQL, no schema
// watching, no query log, dynamic JSON, no RBAC-ignoring, setof functions without nulls),
// with query batching off, plus two community plugins: connection-filter (with relation
// filters) and pg-aggregates. Nothing is written to the database: the month grouping of the
// timeline query is the small plugin below (a pg-aggregates group-by derivative of
// event.start_day), not a database object.
"use strict";

const cluster = require("node:cluster");
const http = require("node:http");
const { Pool } = require("pg");
const { postgraphile } = require("postgraphile");
const ConnectionFilterPlugin = require("postgraphile-plugin-connection-filter");
const PgAggregatesPlugin = require("@graphile/pg-aggregates").default;

const DATABASE_URL =
  process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/tarikh_pgl";
const PORT = Number(process.env.PGL_PORT || 5000);
const HOST = process.env.PGL_HOST || "127.0.0.1";
const POOL_MAX = Number(process.env.PGL_POOL_MAX || 10);
const WORKERS = Math.max(1, Number(process.env.PGL_WORKERS || 1));

// Tarikh stores dates as day numbers (1 = 0001-01-01, chrono's num_days_from_ce). This
// pg-aggregates group-by derivative turns event.start_day into the first day of its
// calendar month, so `groupedAggregates(groupBy: [START_DAY_TRUNCATED_TO_MONTH])` is the
// equivalent of Tarikh's `timeline(bucket: MONTH)`. It applies to that one column only.
const DayNumberMonthPlugin = (builder) => {
  builder.hook("build", (build) => {
    const { pgSql: sql } = build;
    build.pgAggregateGroupBySpecs = [
      ...build.pgAggregateGroupBySpecs,
      {
        id: "truncated-to-month",
        isSuitableType: (pgType) => pgType.name === "int4",
        shouldApplyToEntity: (entity) =>
          entity.kind === "attribute" &&
          entity.name === "start_day" &&
          entity.class &&
          entity.class.name === "event",
        sqlWrap: (frag) =>
          sql.fragment`(date_trunc('month', (date '0001-01-01' + (${frag} - 1))::timestamp)::date)`,
      },
    ];
    return build;
  });
};

function options() {
  return {
    graphqlRoute: "/graphql",
    graphiql: false,
    enhanceGraphiql: false,
    watchPg: false,
    disableQueryLog: true,
    dynamicJson: true,
    setofFunctionsContainNulls: false,
    ignoreRBAC: false,
    enableQueryBatching: false,
    legacyRelations: "omit",
    extendedErrors: ["errcode"],
    showErrorStack: false,
    allowExplain: false,
    appendPlugins: [ConnectionFilterPlugin, PgAggregatesPlugin, DayNumberMonthPlugin],
    graphileBuildOptions: {
      connectionFilterRelations: true,
    },
  };
}

function serve() {
  const pool = new Pool({ connectionString: DATABASE_URL, max: POOL_MAX });
  const middleware = postgraphile(pool, "public", options());
  const server = http.createServer(middleware);
  server.keepAliveTimeout = 65000;
  server.listen(PORT, HOST, () => {
    // The schema is built on the first request unless we ask for it now; build it before
    // announcing readiness so the first measured request does not pay for introspection.
    middleware
      .getGraphQLSchema()
      .then(() => {
        console.log(
          `postgraphile pid ${process.pid} listening on http://${HOST}:${PORT}/graphql (pool ${POOL_MAX})`
        );
      })
      .catch((e) => {
        console.error(e);
        process.exit(1);
      });
  });
  const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (WORKERS > 1 && cluster.isPrimary) {
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  cluster.on("exit", (w, code) => {
    console.error(`worker ${w.process.pid} exited with ${code}`);
  });
  const stop = () => {
    for (const id in cluster.workers) cluster.workers[id].process.kill("SIGTERM");
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} else {
  serve();
}

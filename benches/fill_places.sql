-- Gives the events of benches/fill_events.sql places from the gazetteer
-- (`place`, filled by `tarikh migrate`):
--   psql URL [-v seed=42] -f benches/fill_places.sql
-- Every event gets one or two places, picked with a cubic skew over the
-- places ranked by kind and population (countries first, then regions,
-- then cities by size: most events are placed in a few countries and large
-- cities, as news places them); one link in ten is an origin, the rest
-- where it happened.
\set ON_ERROR_STOP on
\if :{?seed}
\else
\set seed 42
\endif
BEGIN;
SELECT setseed((:seed % 1000) / 1000.0 + 0.0001) \gset
CREATE TEMP TABLE ranked AS
SELECT row_number() OVER (ORDER BY CASE kind WHEN 'country' THEN 0 WHEN 'region' THEN 1 ELSE 2 END,
                          population DESC, id) AS n, id
FROM place;
CREATE INDEX ON ranked (n);
INSERT INTO event_place (event_id, place_id, role)
SELECT DISTINCT ON (x.event_id, r.id) x.event_id, r.id,
       CASE WHEN x.event_id % 10 = 0 THEN 'origin' ELSE 'where' END
FROM (
  SELECT e.id AS event_id, 1 + floor((SELECT count(*) FROM ranked) * power(random(), 3))::int AS n
  FROM (SELECT id, 1 + (id % 2)::int AS k FROM event) e, generate_series(1, e.k)
) x JOIN ranked r ON r.n = x.n
ON CONFLICT DO NOTHING;
COMMIT;
VACUUM ANALYZE event_place;

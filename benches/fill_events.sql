-- Fills a migrated Tarikh database with :n synthetic events (psql -v n=100000 -f fill_events.sql):
-- days spread over 1900-2030 with day, month and year precision, 200 actors with a skewed
-- distribution (a few actors in most events), 1-3 actors and 1-2 mentions per event.
-- Multi-row INSERT ... SELECT, not one row at a time.
BEGIN;
INSERT INTO article (url, title, outlet, language, published_on, body, content_hash, ingested_at)
SELECT 'https://bench.example/a/' || g, 'Article ' || g, 'Bench Wire', 'en',
       date '1900-01-01' + (g % 47000), 'Body of synthetic article ' || g, md5('a' || g), now()
FROM generate_series(1, greatest(:n / 4, 1)) g;
INSERT INTO actor (name, name_ar, kind, wikidata, status, created_at)
SELECT 'Actor ' || g, 'فاعل ' || g, 'state', 'Q' || (1000 + g), 'active', now()
FROM generate_series(1, 200) g;
INSERT INTO actor_alias (actor_id, alias, lang, normalized)
SELECT id, name, 'en', lower(name) FROM actor;
INSERT INTO event (title, summary, kind, quantity_value, quantity_unit, confidence, status,
                   start_day, end_day, precision, precision_rank, approximate, modifier, edtf,
                   created_at, updated_at)
SELECT 'Event ' || g, 'Synthetic summary of event ' || g,
       (ARRAY['attack','statement','meeting','agreement'])[1 + g % 4],
       CASE WHEN g % 5 = 0 THEN g % 100 END, CASE WHEN g % 5 = 0 THEN 'attacks' END,
       0.8, 'extracted',
       d, d + (ARRAY[0, 29, 364])[1 + g % 3],
       (ARRAY['day','month','year'])[1 + g % 3], (ARRAY[0, 2, 5])[1 + g % 3],
       g % 7 = 0, NULL, 'synthetic', now(), now()
FROM (SELECT g, 693596 + (random() * 47000)::int AS d FROM generate_series(1, :n) g) s;
INSERT INTO event_actor (event_id, actor_id, role)
SELECT DISTINCT ON (e.id, a.actor_id) e.id, a.actor_id, 'mentioned'
FROM event e
CROSS JOIN LATERAL (
  SELECT 1 + floor(200 * power(random(), 3))::int AS actor_id
  FROM generate_series(1, 1 + (e.id % 3)::int)
) a;
INSERT INTO mention (event_id, article_id, sentence, span_start, span_end, when_text, when_start, when_end)
SELECT e.id, 1 + (e.id + k) % greatest(:n / 4, 1), 'Synthetic sentence about event ' || e.id, 0, 40, NULL, NULL, NULL
FROM event e CROSS JOIN generate_series(0, 1) k
WHERE k = 0 OR e.id % 2 = 0;
COMMIT;
ANALYZE;

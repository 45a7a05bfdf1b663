-- Fills a migrated Tarikh PostgreSQL database with a synthetic timeline:
--   psql URL -v n=100000 [-v actors=500] [-v seed=42] -f benches/fill_events.sql
-- Events spread over 1900-2030 with day, month and year precision (month and year
-- events are whole calendar months and years, as the extractor stores them); a
-- skewed actor distribution (actor k is picked with probability falling as a cube,
-- so a few actors take part in most events); 1-5 actors and 1-4 mentions per event;
-- every actor has an English name, an Arabic name and a short alias. Actor k's
-- aliases are "Actor k", "فاعل k" and "ak"; normalized keys are lower case.
-- Multi-row INSERT ... SELECT in one transaction, not one row at a time.
\set ON_ERROR_STOP on
\if :{?actors}
\else
\set actors 500
\endif
\if :{?seed}
\else
\set seed 42
\endif
BEGIN;
SELECT setseed((:seed % 1000) / 1000.0) \gset
INSERT INTO article (url, title, outlet, language, published_on, body, content_hash, ingested_at)
SELECT 'https://bench.example/a/' || g, 'Article ' || g,
       (ARRAY['Bench Wire', 'وكالة الاختبار', 'Daily Sample'])[1 + g % 3],
       CASE WHEN g % 2 = 0 THEN 'ar' ELSE 'en' END,
       date '1900-01-01' + (g % 47846), 'Body of synthetic article ' || g, md5('a' || g), now()
FROM generate_series(1, greatest(:n / 3, 1)) g;
INSERT INTO actor (name, name_ar, kind, wikidata, status, created_at)
SELECT 'Actor ' || g, 'فاعل ' || g,
       (ARRAY['state','armed_group','party','person','international_org'])[1 + g % 5],
       'Q' || (1000 + g), 'active', now()
FROM generate_series(1, :actors) g;
INSERT INTO actor_alias (actor_id, alias, lang, normalized)
SELECT id, name, 'en', lower(name) FROM actor
UNION ALL SELECT id, name_ar, 'ar', name_ar FROM actor
UNION ALL SELECT id, 'A' || id, 'en', 'a' || id FROM actor;
INSERT INTO event (title, summary, kind, quantity_value, quantity_unit, confidence, status,
                   start_day, end_day, precision, precision_rank, approximate, modifier, edtf,
                   created_at, updated_at)
SELECT 'Event ' || g, 'Synthetic summary of event ' || g,
       (ARRAY['attack','statement','meeting','agreement','election','arrest'])[1 + g % 6],
       CASE WHEN g % 5 = 0 THEN g % 100 END, CASE WHEN g % 5 = 0 THEN 'attacks' END,
       0.8, 'extracted',
       s - date '0001-01-01' + 1, e - date '0001-01-01' + 1, p,
       CASE p WHEN 'day' THEN 0 WHEN 'month' THEN 2 ELSE 5 END,
       g % 7 = 0, NULL,
       CASE p WHEN 'day' THEN to_char(s, 'YYYY-MM-DD') WHEN 'month' THEN to_char(s, 'YYYY-MM')
              ELSE to_char(s, 'YYYY') END || CASE WHEN g % 7 = 0 THEN '~' ELSE '' END,
       now(), now()
FROM (
  SELECT g, p,
         CASE p WHEN 'day' THEN d WHEN 'month' THEN date_trunc('month', d)::date
                ELSE date_trunc('year', d)::date END AS s,
         CASE p WHEN 'day' THEN d
                WHEN 'month' THEN (date_trunc('month', d) + interval '1 month - 1 day')::date
                ELSE (date_trunc('year', d) + interval '1 year - 1 day')::date END AS e
  FROM (
    SELECT g, date '1900-01-01' + floor(random() * 47846)::int AS d,
           (ARRAY['day','day','month','year'])[1 + g % 4] AS p
    FROM generate_series(1, :n) g
  ) r
) x;
INSERT INTO event_actor (event_id, actor_id, role)
SELECT DISTINCT ON (event_id, actor_id) event_id, actor_id,
       (ARRAY['agent','target','mentioned'])[1 + (event_id + actor_id) % 3]
FROM (
  SELECT e.id AS event_id, 1 + floor(:actors * power(random(), 3))::int AS actor_id
  FROM (SELECT id, 1 + floor(5 * power(random(), 2))::int AS k FROM event) e,
       generate_series(1, e.k)
) x;
INSERT INTO mention (event_id, article_id, sentence, span_start, span_end, when_text, when_start, when_end)
SELECT e.id, 1 + (e.id * 7 + k) % greatest(:n / 3, 1), 'Synthetic sentence about event ' || e.id,
       0, 40, NULL, NULL, NULL
FROM event e CROSS JOIN generate_series(0, 3) k
WHERE k <= e.id % 4;
COMMIT;
VACUUM ANALYZE;

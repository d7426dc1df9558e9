-- The hours (float8, as percentile_cont reads them) of the resolutions at some ranks of
-- some buckets of some groups: the ranks dashboard/percentiles.py needs for the exact
-- median and 90th percentile. Reads only the asked buckets of the period, through the
-- index dashboard_itemfact_hour_bucket. The total (total_key) ranks every group's together.
-- Parameters: generation_id, start, stop, leaf_ids, group_keys, fallback_key, total_key,
-- buckets (smallint[]: the distinct buckets), wanted_keys, wanted_buckets, wanted_ranks
-- (the (group, bucket, 0-based rank within the bucket) triples).
WITH groups AS (
    SELECT g.area_id, g.group_key
    FROM unnest(%(leaf_ids)s::bigint[], %(group_keys)s::text[]) AS g (area_id, group_key)
),
wanted AS (
    SELECT w.group_key, w.bucket, w.rank
    FROM unnest(%(wanted_keys)s::text[], %(wanted_buckets)s::smallint[],
                %(wanted_ranks)s::bigint[]) AS w (group_key, bucket, rank)
),
placed AS (
    -- Byte order: ranking sorts by the key, and the language's collation is slow.
    SELECT COALESCE(groups.group_key, %(fallback_key)s::text) COLLATE "C" AS group_key,
           dashboard_hour_bucket(f.resolved_at, f.created_at) AS bucket,
           (EXTRACT(EPOCH FROM f.resolved_at - f.created_at) / 3600.0)::float8 AS hours
    FROM dashboard_itemfact AS f
    LEFT JOIN groups ON groups.area_id = f.area_id
    WHERE f.generation_id = %(generation_id)s
      AND dashboard_hour_bucket(f.resolved_at, f.created_at) = ANY (%(buckets)s::smallint[])
      AND f.resolved_at >= %(start)s AND f.resolved_at < %(stop)s
      AND f.created_at < %(stop)s
),
ranked AS (
    SELECT placed.group_key, placed.bucket, placed.hours,
           row_number() OVER (PARTITION BY placed.group_key, placed.bucket
                              ORDER BY placed.hours) - 1 AS rank
    FROM placed
    UNION ALL
    SELECT %(total_key)s::text, placed.bucket, placed.hours,
           row_number() OVER (PARTITION BY placed.bucket ORDER BY placed.hours) - 1
    FROM placed
)
SELECT ranked.group_key, ranked.bucket, ranked.rank, ranked.hours
FROM ranked
JOIN wanted USING (group_key, bucket, rank)

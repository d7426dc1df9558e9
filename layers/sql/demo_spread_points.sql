-- Random points inside each ward for the demo facilities (SYNTHETIC places);
-- ST_GeneratePoints is deterministic for a given seed. On a MultiPolygon it rounds each
-- part's share, which can lose up to half a point per part: ask for one more per part and
-- keep n, chosen by a hash of the point (a deterministic shuffle).
-- Parameters: codes (text array), counts (int array, points per code), generation_id.
SELECT code, lon, lat
FROM (
    SELECT a.code, ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat, t.n,
           row_number() OVER (PARTITION BY a.code ORDER BY md5(ST_AsBinary(d.geom))) AS k
    FROM unnest(%(codes)s::text[], %(counts)s::int[]) AS t (code, n)
    JOIN layers_administrativearea AS a
      ON a.code = t.code AND a.generation_id = %(generation_id)s
    CROSS JOIN LATERAL ST_Dump(
        ST_GeneratePoints(a.geom, t.n + ST_NumGeometries(a.geom), a.code::int)
    ) AS d
) AS p
WHERE k <= n
ORDER BY code, k


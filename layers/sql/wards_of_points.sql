-- The ward of each (lon, lat) point on a day, by the one rule (resolve_ward.sql), as
-- the area rows themselves (for AdministrativeArea.objects.raw). "point_key" is the
-- point's position in the input (1-based); points outside every ward have no row.
-- Parameters: lons, lats (float8 arrays of equal length), day (date), ward_rank (smallint).
WITH points AS (
    SELECT t.ord AS key, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS geom
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY AS t (lon, lat, ord)
),
hits AS ({resolve_ward})
SELECT a.*, hits.key AS point_key
FROM hits
JOIN layers_administrativearea AS a ON a.id = hits.area_id
WHERE hits.level_rank = %(ward_rank)s
ORDER BY hits.key

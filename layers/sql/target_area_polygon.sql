-- A drawn target area: the GeoJSON polygon checked, repaired and placed against the city.
-- ST_MakeValid repairs self-intersections (a bow-tie becomes two triangles); only the
-- polygonal parts of the repair are kept, so a polygon that collapses to lines or points
-- comes back empty. "In the city" means it shares some ground with an area of the boundary
-- generation valid on the day (the same meaning of "current" as the ward rule).
-- Heights (a third coordinate) are dropped. Parameters: geojson (text, already parsed and
-- bounded by layers.target_areas), day (date).
WITH raw AS (
    SELECT ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(%(geojson)s), 4326)) AS g
), repaired AS (
    SELECT ST_IsValid(g) AS was_valid,
           ST_IsValidReason(g) AS reason,
           ST_Multi(ST_CollectionExtract(ST_MakeValid(g), 3)) AS fixed
    FROM raw
)
SELECT r.was_valid,
       r.reason,
       ST_AsEWKB(r.fixed) AS ewkb,
       ST_IsEmpty(r.fixed) AS is_empty,
       COALESCE(ST_Area(r.fixed::geography), 0) AS area_m2,
       EXISTS (
           SELECT 1
           FROM layers_areasubdivision AS s
           JOIN layers_boundarygeneration AS gen ON gen.id = s.generation_id
           WHERE gen.valid_from <= %(day)s AND (gen.valid_to IS NULL OR gen.valid_to >= %(day)s)
             AND ST_Intersects(s.geom, r.fixed)
       ) AS in_city
FROM repaired AS r

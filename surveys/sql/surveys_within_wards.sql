-- The surveys whose area lies within the union of some wards of one generation.
-- Binds: codes (ward codes), generation (id).
WITH own AS (
    SELECT ST_Buffer(ST_Union(a.geom), 1e-7) AS geom
    FROM layers_administrativearea a
    WHERE a.generation_id = %(generation)s
      AND a.level = 'ward'
      AND a.code = ANY(%(codes)s)
)
SELECT s.id
FROM surveys_survey s, own
WHERE own.geom IS NOT NULL AND ST_Covers(own.geom, s.area)

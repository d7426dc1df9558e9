-- Does an area lie within the union of some wards of one generation (a ward-scoped
-- staff member's own wards)? A hair of slack (about 1 cm) absorbs rounding where the
-- area was itself made from the same wards' polygons.
-- Binds: ewkb (the area), codes (ward codes), generation (id).
SELECT COALESCE(
    ST_Covers(ST_Buffer(ST_Union(a.geom), 1e-7), ST_GeomFromEWKB(%(ewkb)s)),
    FALSE
)
FROM layers_administrativearea a
WHERE a.generation_id = %(generation)s
  AND a.level = 'ward'
  AND a.code = ANY(%(codes)s)

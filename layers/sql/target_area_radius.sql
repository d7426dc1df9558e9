-- A target area drawn as a radius around a point: the circle as a polygon (64 sides,
-- on the spheroid through geography). The polygon is inscribed in the true circle, so
-- "covers" for a radius area is decided by distance (target_area_covers.sql), not by it.
-- Parameters: lon, lat (degrees), radius_m (metres).
SELECT ST_AsEWKB(ST_Multi(
    ST_Buffer(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, %(radius_m)s, 'quad_segs=16')::geometry
)) AS ewkb

-- Does a target area cover a point? A point on the area's border counts as inside
-- (ST_Covers, not ST_Contains). A radius area is decided by distance on the spheroid
-- (a point at exactly the radius is inside; 1 cm of slack absorbs rounding), since its
-- stored polygon is only inscribed in the circle.
-- Placeholders (SQL expressions): geom (MultiPolygon 4326), center (Point 4326 or NULL),
-- radius_m (metres or NULL), point (Point 4326).
CASE
    WHEN {radius_m} IS NULL THEN ST_Covers({geom}, {point})
    ELSE ST_DWithin({center}::geography, {point}::geography, {radius_m} + 0.01)
END

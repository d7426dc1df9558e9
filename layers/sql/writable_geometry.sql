-- The geometry geom (a column: it is evaluated several times) as one every output can
-- write, or NULL (layers/writable.py). Points first, the commonest rows: NaN fails BETWEEN
-- (PostgreSQL sorts it last) and an empty point has no X. Other shapes: one test of their
-- stored bounding box, which does not show a NaN vertex, then one pass over their vertices
-- for that (the sum of length and perimeter is finite only without NaN or infinity).
(CASE
    WHEN GeometryType({geom}) = 'POINT' THEN
        CASE WHEN ST_X({geom}) BETWEEN -180 AND 180 AND ST_Y({geom}) BETWEEN -90 AND 90
             THEN {geom} END
    WHEN ST_IsEmpty({geom})
         OR NOT ({geom} @ 'SRID=4326;POLYGON((-180 -90,-180 90,180 90,180 -90,-180 -90))'::geometry)
        THEN NULL
    WHEN GeometryType({geom}) IN ('LINESTRING', 'MULTILINESTRING', 'POLYGON', 'MULTIPOLYGON') THEN
        CASE WHEN ST_Length({geom}) + ST_Perimeter({geom}) < 'Infinity'::float8 THEN {geom} END
    -- A MultiPoint as it is only without empty members ("[,[1,1]]" in GeoJSON).
    WHEN GeometryType({geom}) = 'MULTIPOINT' AND ST_NPoints({geom}) = ST_NumGeometries({geom}) THEN
        CASE WHEN ST_Length(ST_MakeLine(ARRAY[{geom}])) < 'Infinity'::float8 THEN {geom} END
    ELSE (
        SELECT ST_Collect(ST_Force2D(_part.geom))
        FROM ST_Dump(ST_CurveToLine({geom})) AS _part
        WHERE NOT ST_IsEmpty(_part.geom)
          AND CASE WHEN GeometryType(_part.geom) = 'POINT'
                   THEN ST_X(_part.geom) + ST_Y(_part.geom) < 'Infinity'::float8
                   ELSE ST_Length(_part.geom) + ST_Perimeter(_part.geom) < 'Infinity'::float8
              END)
END)

"""Any geometry PostGIS can store, as one that every output can write.

``ST_AsGeoJSON`` refuses nested GeometryCollections, curves and polyhedral surfaces, and
writes an empty part of a collection as invalid JSON (``[,[1,1]]``); ``ST_AsMVTGeom``
refuses curves; ``ST_Transform`` refuses a latitude beyond ±90°. The importer stores none
of these (``importers/geometry.py``), but psql, the admin or an older import may have, and
one such row used to break a whole page, export or tile. Every output (GeoJSON, OGC API,
vector and raster tiles) therefore reads the geometry through ``writable_sql``:

* points, lines and polygons (single or multi) pass as they are: one type test per row;
* anything else is linearised (curves), opened at every depth (collections, polyhedral
  surfaces) and collected again, 2D, without empty parts: the Multi* of its one kind, or
  a flat GeometryCollection of mixed kinds (which tiles draw as its highest dimension);
* an empty geometry, one reaching beyond longitude ±180° / latitude ±90°, or one with a
  NaN (or infinite) coordinate becomes NULL: the feature keeps its properties, with
  ``"geometry": null`` in GeoJSON, and is left out of tiles.

A NaN vertex matters most: ``ST_AsGeoJSON`` writes it as ``NaN`` (no JSON), and
``ST_AsMVTGeom`` loops on it for ever, deaf to cancel requests, holding a worker and
blocking every ``DROP DATABASE`` of the cluster. Should an output still fail, a streamed
one ends so that clients notice (``layers.features.stream``).
"""

_LINES_AND_POLYGONS = "'LINESTRING', 'MULTILINESTRING', 'POLYGON', 'MULTIPOLYGON'"
_WORLD = "'SRID=4326;POLYGON((-180 -90,-180 90,180 90,180 -90,-180 -90))'::geometry"


def _finite(geom: str) -> str:
    """True when no vertex is NaN or infinite: the sum of a pass over every vertex is
    finite (PostgreSQL sorts NaN above 'Infinity'). Length and perimeter are PostGIS's
    own arithmetic, safe on any input."""
    return f"ST_Length({geom}) + ST_Perimeter({geom}) < 'Infinity'::float8"


def writable_sql(geom: str) -> str:
    """SQL for ``geom`` (a column: it is evaluated several times) made writable, or NULL."""
    kind = f"GeometryType({geom})"
    part = "_part.geom"
    part_finite = (
        f"CASE WHEN GeometryType({part}) = 'POINT' THEN ST_X({part}) + ST_Y({part}) "
        f"< 'Infinity'::float8 ELSE {_finite(part)} END"
    )
    return (
        # Points first, the commonest rows: NaN fails BETWEEN (PostgreSQL sorts it last),
        # and an empty point has no X. Other shapes: one test of their stored bounding box,
        # which does not show a NaN vertex, then one pass over their vertices for that.
        f"(CASE WHEN {kind} = 'POINT' THEN CASE WHEN ST_X({geom}) BETWEEN -180 AND 180 "  # noqa: S608
        f"AND ST_Y({geom}) BETWEEN -90 AND 90 THEN {geom} END "
        f"WHEN ST_IsEmpty({geom}) OR NOT ({geom} @ {_WORLD}) THEN NULL "
        f"WHEN {kind} IN ({_LINES_AND_POLYGONS}) THEN CASE WHEN {_finite(geom)} "
        f"THEN {geom} END "
        # A MultiPoint as it is only without empty members ("[,[1,1]]" in GeoJSON).
        f"WHEN {kind} = 'MULTIPOINT' AND ST_NPoints({geom}) = ST_NumGeometries({geom}) "
        f"THEN CASE WHEN ST_Length(ST_MakeLine(ARRAY[{geom}])) < 'Infinity'::float8 "
        f"THEN {geom} END "
        "ELSE (SELECT ST_Collect(ST_Force2D(_part.geom)) "
        f"FROM ST_Dump(ST_CurveToLine({geom})) AS _part "
        f"WHERE NOT ST_IsEmpty({part}) AND {part_finite}) END)"
    )

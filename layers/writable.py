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

from functools import cache

from psycopg import sql

from layers.sql import load_sql


@cache
def _template() -> sql.SQL:
    """``layers/sql/writable_geometry.sql`` without its comment lines: the expression is
    written into a statement once per geometry an output reads."""
    lines = load_sql("writable_geometry").splitlines()
    return sql.SQL("\n".join(line for line in lines if not line.lstrip().startswith("--")))


def writable_sql(geom: sql.Composable) -> sql.Composed:
    """SQL for ``geom`` (a column: it is evaluated several times) made writable, or NULL
    (``layers/sql/writable_geometry.sql``)."""
    return _template().format(geom=geom)

"""Features of any registered layer, as GeoJSON made by PostGIS and streamed.

A request becomes a ``FeatureQuery`` (what to filter, sort, return); ``feature_sql``
turns it into one SELECT whose rows are finished GeoJSON Feature texts
(``ST_AsGeoJSON`` + ``json_build_object``), read through a server-side cursor in batches
and written out as they come: memory stays flat however many features there are, and
no feature passes through a Python object.

Statements are skeletons in ``layers/sql/`` filled with ``psycopg.sql``: the layer's own
SQL (trusted declarations, ``LayerSpec``) as SQL, every value (the request's, the spec's
``params``, an imported layer's property names) as a literal. They are composed whole and
run without parameters: a property name from an imported file may hold ``%``, which the
driver would otherwise read as a placeholder.
"""

import logging
import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils.translation import gettext as _
from psycopg import sql

from core.errors import InvalidParameter, NotFound
from layers.crs import SUPPORTED, OutputCrs
from layers.names import search_form
from layers.spec import Field, LayerSpec
from layers.sql import load_sql
from layers.writable import writable_sql

logger = logging.getLogger(__name__)

BATCH_ROWS = 2000
METRES_PER_DEGREE = 111_320.0
MAX_RADIUS_M = 50_000.0
MAX_NEAREST = 1000

# What stream and fetch_all run: feature_sql's composed statement (parameters None), or
# any SQL text with its parameters.
Statement = str | sql.Composable


@dataclass(frozen=True)
class Near:
    """``near=lon,lat&radius=m`` or ``nearest=lon,lat&k=n``: distances in true metres."""

    lon: float
    lat: float
    radius_m: float | None = None
    k: int | None = None


@dataclass
class FeatureQuery:
    """What a request asks of a layer, already validated."""

    fields: tuple[Field, ...]  # properties to return, in order
    bbox: tuple[float, float, float, float] | None = None  # in bbox_srid
    bbox_srid: int = 4326
    filters: list[tuple[Field, str]] = field(default_factory=list)
    q: str | None = None
    near: Near | None = None
    datetime_from: str | None = None  # ISO strings; None = open
    datetime_to: str | None = None
    datetime_given: bool = False
    sort: list[tuple[Field, bool]] = field(default_factory=list)  # (field, descending)
    limit: int | None = None
    offset: int = 0
    crs: OutputCrs = SUPPORTED[0]
    feature_id: object = None  # one feature by its id


def _degrees_for(metres: float, lat: float) -> float:
    """A box half-size in degrees that surely holds every point within ``metres``: an
    index-friendly prefilter before the exact test on the spheroid."""
    widest_lat = min(89.0, abs(lat) + metres / METRES_PER_DEGREE)
    return metres / (METRES_PER_DEGREE * math.cos(math.radians(widest_lat))) * 1.01 + 1e-6


def _file(file: str, **parts: sql.Composable) -> sql.Composed:
    """The skeleton ``layers/sql/<file>.sql`` filled with ``parts``."""
    return sql.SQL(load_sql(file)).format(**parts)


def _point(near: Near) -> sql.Composed:
    """The query point of ``near``/``nearest``."""
    return sql.SQL("ST_SetSRID(ST_MakePoint({}, {}), 4326)").format(
        sql.Literal(near.lon), sql.Literal(near.lat)
    )


def _envelope(query: FeatureQuery) -> sql.Composed:
    """The ``bbox`` as a WGS 84 polygon."""
    x0, y0, x1, y1 = (sql.Literal(v) for v in query.bbox)
    if query.bbox_srid == 4326:
        return sql.SQL("ST_MakeEnvelope({}, {}, {}, {}, 4326)").format(x0, y0, x1, y1)
    # Densified first, so that the box's edges stay where they were after projecting.
    return sql.SQL(
        "ST_Transform(ST_Segmentize(ST_MakeEnvelope({x0}, {y0}, {x1}, {y1}, {srid}), "
        "greatest({x1} - {x0}, {y1} - {y0}) / 32.0 + 1e-9), 4326)"
    ).format(x0=x0, y0=y0, x1=x1, y1=y1, srid=sql.Literal(int(query.bbox_srid)))


def _time_clauses(spec: LayerSpec, query: FeatureQuery) -> list[sql.Composable]:
    if spec.time_sql is None:
        raise InvalidParameter(
            _("Layer {slug} has no time: 'datetime' is not available.").format(slug=spec.slug),
            parameter="datetime",
        )
    time = spec.clause(spec.time_sql)
    bounds = [(">=", query.datetime_from), ("<=", query.datetime_to)]
    return [
        sql.SQL("{} {} {}::timestamptz").format(time, sql.SQL(op), sql.Literal(value))
        for op, value in bounds
        if value is not None
    ]


def _search_clause(spec: LayerSpec, q: str) -> sql.Composable:
    if spec.search_sql is None:
        raise InvalidParameter(
            _("Layer {slug} has no name to search: 'q' is not available.").format(slug=spec.slug),
            parameter="q",
        )
    term = search_form(q)
    for special in ("\\", "%", "_"):  # LIKE wildcards in the term are plain text
        term = term.replace(special, "\\" + special)
    return sql.SQL("{} LIKE {}").format(spec.clause(spec.search_sql), sql.Literal(f"%{term}%"))


def _where(spec: LayerSpec, query: FeatureQuery) -> list[sql.Composable]:
    """The conditions a feature meets: the layer's own, then the request's."""
    geom = spec.geometry()
    clauses = [spec.where_clause(), sql.SQL("{} IS NOT NULL").format(geom)]
    if query.bbox is not None:
        clauses.append(sql.SQL("ST_Intersects({}, {})").format(geom, _envelope(query)))
    clauses += [prop.condition(raw) for prop, raw in query.filters]
    if query.feature_id is not None:
        clauses.append(sql.SQL("{} = {}").format(spec.identifier(), sql.Literal(query.feature_id)))
    if query.q:
        clauses.append(_search_clause(spec, query.q))
    if query.datetime_given:
        clauses += _time_clauses(spec, query)
    near = query.near
    if near is not None and near.radius_m is not None:
        point = _point(near)
        degrees = sql.Literal(_degrees_for(near.radius_m, near.lat))
        clauses.append(sql.SQL("{} && ST_Expand({}, {})").format(geom, point, degrees))
        clauses.append(
            sql.SQL("ST_DWithin({}::geography, {}::geography, {})").format(
                geom, point, sql.Literal(near.radius_m)
            )
        )
    return clauses


def _distance(spec: LayerSpec, near: Near) -> sql.Composed:
    """Metres on the WGS 84 spheroid from the query point."""
    return sql.SQL("ST_Distance({}::geography, {}::geography)").format(
        spec.geometry(), _point(near)
    )


def _properties(spec: LayerSpec, query: FeatureQuery) -> sql.Composable:
    pairs = [sql.SQL("{}, {}").format(sql.Literal(f.name), f.expression()) for f in query.fields]
    if query.near is not None:
        pairs.append(
            sql.SQL("'distance_m', round({}::numeric, 2)").format(_distance(spec, query.near))
        )
    if not pairs:
        return sql.SQL("'{}'::json")
    # json_build_object takes at most 100 arguments: join chunks of 50 pairs as jsonb.
    chunks = [sql.SQL(", ").join(pairs[i : i + 50]) for i in range(0, len(pairs), 50)]
    if len(chunks) == 1:
        return sql.SQL("json_build_object({})").format(chunks[0])
    return sql.SQL(" || ").join(sql.SQL("jsonb_build_object({})").format(c) for c in chunks)


def _geometry(spec: LayerSpec, crs: OutputCrs) -> sql.Composed:
    # Whatever a row holds, GeoJSON of it or null: never an error that ends the output.
    geom = writable_sql(spec.geometry())
    if crs.srid != 4326:
        geom = sql.SQL("ST_Transform({}, {})").format(geom, sql.Literal(int(crs.srid)))
    if crs.lat_first:
        geom = sql.SQL("ST_FlipCoordinates({})").format(geom)
    # Option 0: no "crs" member (RFC 7946), no bbox.
    return sql.SQL("ST_AsGeoJSON({}, {}, 0)").format(geom, sql.Literal(int(crs.decimals)))


def _order(spec: LayerSpec, query: FeatureQuery) -> sql.Composed:
    terms: list[sql.Composable] = []
    if query.near is not None:
        terms.append(sql.SQL("_distance"))
    for prop, descending in query.sort:
        direction = sql.SQL("DESC" if descending else "ASC")
        terms.append(sql.SQL("{} {} NULLS LAST").format(prop.expression(), direction))
    terms.append(spec.identifier())
    return sql.SQL(", ").join(terms)


def _nearest(
    spec: LayerSpec, near: Near, clauses: list[sql.Composable]
) -> tuple[sql.Composed, list[sql.Composable]]:
    """Exact k nearest in metres: the k nearest by the index (in degrees) bound the search
    radius (a WITH clause); every feature within it is then measured on the spheroid."""
    geom, point = spec.geometry(), _point(near)
    bound = _file(
        "features_nearest_bound",
        point=point,
        geom=geom,
        source=spec.from_clause(),
        where=sql.SQL(" AND ").join(clauses),
        k=sql.Literal(near.k),
    )
    # 1 mm more: ST_DWithin and ST_Distance round differently at the very edge.
    within = sql.SQL("((SELECT d FROM _bound) + 0.001)")
    metres = sql.Literal(METRES_PER_DEGREE)
    return bound, [
        *clauses,
        sql.SQL(
            "{geom} && ST_Expand({point}, {within} / ({metres} * "
            "cos(radians(least(89.0, abs({lat}) + {within} / {metres})))) * 1.01 + 1e-6)"
        ).format(geom=geom, point=point, within=within, metres=metres, lat=sql.Literal(near.lat)),
        sql.SQL("ST_DWithin({}::geography, {}::geography, {})").format(geom, point, within),
    ]


def feature_sql(spec: LayerSpec, query: FeatureQuery) -> tuple[sql.Composed, None]:
    """One SELECT whose single text column is one GeoJSON Feature per row, and its
    parameters: none, the statement is composed whole (run it with ``params=None``)."""
    clauses = _where(spec, query)
    near = query.near
    columns = [
        sql.SQL("{} AS _id").format(spec.identifier()),
        sql.SQL("{} AS _geometry").format(_geometry(spec, query.crs)),
        sql.SQL("{} AS _properties").format(_properties(spec, query)),
    ]
    if near is not None:
        columns.append(sql.SQL("{} AS _distance").format(_distance(spec, near)))
    bound: sql.Composable = sql.SQL("")
    limit = query.limit
    if near is not None and near.k is not None:
        bound, clauses = _nearest(spec, near, clauses)
        limit = near.k if limit is None else min(limit, max(near.k - query.offset, 0))
    page: sql.Composable = sql.SQL("")
    if limit is not None:
        page += sql.SQL(" LIMIT {}").format(sql.Literal(limit))
    if query.offset:
        page += sql.SQL(" OFFSET {}").format(sql.Literal(query.offset))
    parts = {
        "columns": sql.SQL(", ").join(columns),
        "source": spec.from_clause(),
        "where": sql.SQL(" AND ").join(clauses),
        "order": _order(spec, query),
        "page": page,
    }
    if (limit is not None or query.offset) and near is None:
        rows = _file("features_page", **parts)
    else:
        rows = _file("features_select", bound=bound, **parts)
    return _file("feature_text", rows=rows), None


def count_sql(spec: LayerSpec, query: FeatureQuery) -> sql.Composed:
    """How many features match (before limit/offset)."""
    where = sql.SQL(" AND ").join(_where(spec, query))
    return _file("features_count", source=spec.from_clause(), where=where)


def at_most(spec: LayerSpec, query: FeatureQuery, limit: int) -> bool:
    """Whether at most ``limit`` features match: a count that stops at ``limit + 1``."""
    statement = sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {}) AS s").format(
        spec.from_clause(), sql.SQL(" AND ").join(_where(spec, query)), sql.Literal(limit + 1)
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()[0] <= limit


def count(spec: LayerSpec, query: FeatureQuery) -> int:
    """numberMatched: all matching features (at most k for ``nearest``)."""
    with connection.cursor() as cursor:
        cursor.execute(count_sql(spec, query))
        matched = cursor.fetchone()[0]
    if query.near is not None and query.near.k is not None:
        return min(matched, query.near.k)
    return matched


def stream(
    sql: Statement, params: dict | None, prefix: str, suffix: str, label: str = ""
) -> Iterator[bytes]:
    """``prefix``, the features separated by commas, ``suffix``: in batches, constant
    memory. A server-side cursor inside a transaction (no WITH HOLD copy of the result).

    The first batch is read before anything is sent, so a query that fails at once is a
    plain 500. One that fails later (the database gone, a row no output can write) is
    logged and raised: the body stops without ``suffix``, which leaves it no JSON
    document, and the server aborts the response (gunicorn closes the connection before
    the last chunk of a chunked response), so no client takes it for the whole layer.
    """
    sent = 0
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchmany(BATCH_ROWS)
        yield prefix.encode()
        try:
            while rows:
                chunk = ",".join(row[0] for row in rows)
                yield (chunk if not sent else "," + chunk).encode()
                sent += len(rows)
                rows = cursor.fetchmany(BATCH_ROWS)
        except Exception:
            logger.exception(
                "GeoJSON stream %s failed after %d features; the response is cut short",
                label or "-",
                sent,
            )
            raise
    yield suffix.encode()


def gzip_stream(chunks: Iterator[bytes], level: int = 1) -> Iterator[bytes]:
    """Compress a stream as it goes. Level 1: a 40 MB export costs 0.14 s of CPU instead
    of 0.40 s at Django's GZipMiddleware level 6, for a body 17% larger (bench/features.py)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: gzip container
    for chunk in chunks:
        if out := compressor.compress(chunk):
            yield out
    yield compressor.flush()


def fetch_all(sql: Statement, params: dict | None) -> list[str]:
    """The Feature texts of a small query (a page), read at once."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def one_feature(spec: LayerSpec, feature_id: str, query: FeatureQuery) -> str:
    """One Feature's GeoJSON text; NotFound when the layer has no such feature."""
    if spec.id_type == "integer":
        try:
            value: object = int(feature_id)
        except ValueError:
            value = None
        if value is None or not -(2**63) <= value < 2**63:
            raise NotFound(
                _("Layer {slug} has no feature {id}.").format(slug=spec.slug, id=repr(feature_id))
            )
    else:
        value = feature_id
    text, params = feature_sql(
        spec, FeatureQuery(fields=query.fields, crs=query.crs, limit=1, feature_id=value)
    )
    rows = fetch_all(text, params)
    if not rows:
        raise NotFound(
            _("Layer {slug} has no feature {id}.").format(slug=spec.slug, id=repr(feature_id))
        )
    return rows[0]


def extent(spec: LayerSpec) -> tuple[float, float, float, float] | None:
    """The layer's bounding box in WGS 84 (lon/lat), or None when it is empty."""
    statement = _file(
        "layer_extent", geom=spec.geometry(), source=spec.from_clause(), where=spec.where_clause()
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return tuple(round(v, 7) for v in row)


def time_range(spec: LayerSpec) -> tuple[datetime, datetime] | None:
    """The first and last time of the layer's features that have a geometry, or None
    when the layer has no time or no such feature."""
    if spec.time_sql is None:
        return None
    statement = _file(
        "layer_time_extent",
        time=spec.clause(spec.time_sql),
        source=spec.from_clause(),
        where=spec.where_clause(),
        geom=spec.geometry(),
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        first, last = cursor.fetchone()
    return None if first is None else (first, last)

"""Features of any registered layer, as GeoJSON made by PostGIS and streamed.

A request becomes a ``FeatureQuery`` (what to filter, sort, return); ``feature_sql``
turns it into one SELECT whose rows are finished GeoJSON Feature texts
(``ST_AsGeoJSON`` + ``json_build_object``), read through a server-side cursor in batches
and written out as they come: memory stays flat however many features there are, and
no feature passes through a Python object.
"""

import logging
import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.errors import InvalidParameter, NotFound
from layers.crs import SUPPORTED, OutputCrs
from layers.names import search_form
from layers.spec import Field, LayerSpec, sql_literal
from layers.writable import writable_sql

logger = logging.getLogger(__name__)

BATCH_ROWS = 2000
METRES_PER_DEGREE = 111_320.0
MAX_RADIUS_M = 50_000.0
MAX_NEAREST = 1000


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


def _where(spec: LayerSpec, query: FeatureQuery) -> tuple[list[str], dict]:
    clauses = [f"({spec.where_sql})", f"{spec.geom_sql} IS NOT NULL"]
    params = dict(spec.params)
    if query.bbox is not None:
        params.update(
            {"bx0": query.bbox[0], "by0": query.bbox[1], "bx1": query.bbox[2], "by1": query.bbox[3]}
        )
        envelope = "ST_MakeEnvelope(%(bx0)s, %(by0)s, %(bx1)s, %(by1)s, 4326)"
        if query.bbox_srid != 4326:
            # Densified first, so that the box's edges stay where they were after projecting.
            envelope = (
                "ST_Transform(ST_Segmentize(ST_MakeEnvelope(%(bx0)s, %(by0)s, %(bx1)s, %(by1)s, "
                f"{int(query.bbox_srid)}), greatest(%(bx1)s - %(bx0)s, %(by1)s - %(by0)s) / 32.0 "
                "+ 1e-9), 4326)"
            )
        clauses.append(f"ST_Intersects({spec.geom_sql}, {envelope})")
    for i, (prop, raw) in enumerate(query.filters):
        condition, values = prop.condition(raw)
        for j, value in enumerate(values):
            name = f"f{i}_{j}"
            condition = condition.replace("%s", f"%({name})s", 1)
            params[name] = value
        clauses.append(condition)
    if query.feature_id is not None:
        params["_fid"] = query.feature_id
        clauses.append(f"{spec.id_sql} = %(_fid)s")
    if query.q:
        if spec.search_sql is None:
            raise InvalidParameter(
                _("Layer {slug} has no name to search: 'q' is not available.").format(
                    slug=spec.slug
                ),
                parameter="q",
            )
        term = search_form(query.q)
        for special in ("\\", "%", "_"):  # LIKE wildcards in the term are plain text
            term = term.replace(special, "\\" + special)
        params["q"] = f"%{term}%"
        clauses.append(f"{spec.search_sql} LIKE %(q)s")
    if query.datetime_given:
        if spec.time_sql is None:
            raise InvalidParameter(
                _("Layer {slug} has no time: 'datetime' is not available.").format(slug=spec.slug),
                parameter="datetime",
            )
        if query.datetime_from is not None:
            params["t0"] = query.datetime_from
            clauses.append(f"{spec.time_sql} >= %(t0)s::timestamptz")
        if query.datetime_to is not None:
            params["t1"] = query.datetime_to
            clauses.append(f"{spec.time_sql} <= %(t1)s::timestamptz")
    if query.near is not None:
        near = query.near
        params.update({"nlon": near.lon, "nlat": near.lat})
        if near.radius_m is not None:
            params["nr"] = near.radius_m
            params["nrdeg"] = _degrees_for(near.radius_m, near.lat)
            clauses.append(
                f"{spec.geom_sql} && ST_Expand(ST_SetSRID(ST_MakePoint(%(nlon)s, %(nlat)s), "
                "4326), %(nrdeg)s)"
            )
            clauses.append(
                f"ST_DWithin({spec.geom_sql}::geography, "
                "ST_SetSRID(ST_MakePoint(%(nlon)s, %(nlat)s), 4326)::geography, %(nr)s)"
            )
    return clauses, params


_POINT = "ST_SetSRID(ST_MakePoint(%(nlon)s, %(nlat)s), 4326)"


def _distance(spec: LayerSpec) -> str:
    """Metres on the WGS 84 spheroid from the query point."""
    return f"ST_Distance({spec.geom_sql}::geography, {_POINT}::geography)"


def _properties(spec: LayerSpec, query: FeatureQuery, with_distance: bool) -> str:
    pairs = [f"{sql_literal(f.name)}, {f.expression}" for f in query.fields]
    if with_distance:
        pairs.append(f"'distance_m', round({_distance(spec)}::numeric, 2)")
    if not pairs:
        return "'{}'::json"
    # json_build_object takes at most 100 arguments: join chunks of 50 pairs as jsonb.
    chunks = [pairs[i : i + 50] for i in range(0, len(pairs), 50)]
    if len(chunks) == 1:
        return f"json_build_object({', '.join(chunks[0])})"
    return " || ".join(f"jsonb_build_object({', '.join(chunk)})" for chunk in chunks)


def _geometry(spec: LayerSpec, crs: OutputCrs) -> str:
    # Whatever a row holds, GeoJSON of it or null: never an error that ends the output.
    geom = writable_sql(spec.geom_sql)
    if crs.srid != 4326:
        geom = f"ST_Transform({geom}, {int(crs.srid)})"
    if crs.lat_first:
        geom = f"ST_FlipCoordinates({geom})"
    # Option 0: no "crs" member (RFC 7946), no bbox.
    return f"ST_AsGeoJSON({geom}, {int(crs.decimals)}, 0)"


def _order(spec: LayerSpec, query: FeatureQuery, distance: bool) -> str:
    terms = []
    if distance:
        terms.append("_distance")
    for prop, descending in query.sort:
        terms.append(f"{prop.expression} {'DESC' if descending else 'ASC'} NULLS LAST")
    terms.append(spec.id_sql)
    return ", ".join(terms)


def feature_sql(spec: LayerSpec, query: FeatureQuery) -> tuple[str, dict]:
    """One SELECT whose single text column is one GeoJSON Feature per row."""
    clauses, params = _where(spec, query)
    near = query.near
    distance = near is not None
    inner_select = [
        f"{spec.id_sql} AS _id",
        f"{_geometry(spec, query.crs)} AS _geometry",
        f"{_properties(spec, query, distance)} AS _properties",
    ]
    order = _order(spec, query, distance)
    if distance:
        inner_select.append(f"{_distance(spec)} AS _distance")
    with_sql = ""
    if near is not None and near.k is not None:
        # Exact k nearest in metres: the k nearest by the index (in degrees) bound the
        # search radius; every feature within it is then measured on the spheroid.
        params["nk"] = near.k
        with_sql = (
            f"WITH _bound AS (SELECT max(ST_Distance(_k._g::geography, {_POINT}::geography)) "
            f"AS d FROM (SELECT {spec.geom_sql} AS _g FROM {spec.from_sql} "
            f"WHERE {' AND '.join(clauses)} ORDER BY {spec.geom_sql} <-> {_POINT} "
            "LIMIT %(nk)s) AS _k) "
        )
        # 1 mm more: ST_DWithin and ST_Distance round differently at the very edge.
        bound = "((SELECT d FROM _bound) + 0.001)"
        clauses = [
            *clauses,
            f"{spec.geom_sql} && ST_Expand({_POINT}, {bound} / ({METRES_PER_DEGREE} * "
            f"cos(radians(least(89.0, abs(%(nlat)s) + {bound} / {METRES_PER_DEGREE})))) "
            "* 1.01 + 1e-6)",
            f"ST_DWithin({spec.geom_sql}::geography, {_POINT}::geography, {bound})",
        ]
    limit = query.limit
    if near is not None and near.k is not None:
        limit = near.k if limit is None else min(limit, max(near.k - query.offset, 0))
    where = " AND ".join(clauses)
    page = ""
    if limit is not None:
        params["_limit"] = limit
        page += " LIMIT %(_limit)s"
    if query.offset:
        params["_offset"] = query.offset
        page += " OFFSET %(_offset)s"
    if page and not distance:
        # Pick the page's rows first, by their keys only, then build GeoJSON for those
        # alone: a page deep into a big layer must not format every row it skips.
        sql = (
            f"SELECT {', '.join(inner_select)} FROM {spec.from_sql} WHERE t.id IN "
            f"(SELECT t.id FROM {spec.from_sql} WHERE {where} ORDER BY {order}{page}) "
            f"ORDER BY {order}"
        )
    else:
        sql = (
            f"{with_sql}SELECT {', '.join(inner_select)} FROM {spec.from_sql} "
            f"WHERE {where} ORDER BY {order}{page}"
        )
    text = (
        'SELECT \'{"type":"Feature","id":\' || to_json(s._id)::text '
        "|| ',\"geometry\":' || coalesce(s._geometry, 'null') "
        "|| ',\"properties\":' || s._properties::text || '}' "
        f"FROM ({sql}) AS s"
    )
    return text, params


def count_sql(spec: LayerSpec, query: FeatureQuery) -> tuple[str, dict]:
    """How many features match (before limit/offset)."""
    clauses, params = _where(spec, query)
    return f"SELECT count(*) FROM {spec.from_sql} WHERE {' AND '.join(clauses)}", params


def count(spec: LayerSpec, query: FeatureQuery) -> int:
    """numberMatched: all matching features (at most k for ``nearest``)."""
    sql, params = count_sql(spec, query)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        matched = cursor.fetchone()[0]
    if query.near is not None and query.near.k is not None:
        return min(matched, query.near.k)
    return matched


def stream(sql: str, params: dict, prefix: str, suffix: str, label: str = "") -> Iterator[bytes]:
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


def fetch_all(sql: str, params: dict) -> list[str]:
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
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
            f"(SELECT ST_Extent({spec.geom_sql}) AS e FROM {spec.from_sql} "
            f"WHERE {spec.where_sql}) AS s",
            spec.params,
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return tuple(round(v, 7) for v in row)

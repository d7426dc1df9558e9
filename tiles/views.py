"""Vector tiles, TileJSON and the MapLibre style, for any public layers of the registry.

Plain Django views (not DRF): map clients send ``Accept`` headers that content negotiation
would refuse, and tiles are bytes, not representations.
"""

import gzip
import hashlib

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import InvalidParameter, json_errors
from layers import features
from layers.city import city_centre, clamp_to_city
from layers.models import Layer
from layers.registry import (
    BUILTIN_SLUGS,
    LayerSpec,
    can_see_restricted_layers,
    get_layer,
    layers_for,
)
from logins.basic import basic_auth
from tiles import cache
from tiles.mvt import MAX_ZOOM, tile_sql

MVT = "application/vnd.mapbox-vector-tile"
MAX_LAYERS = 10


def _specs(raw: str, user) -> list[LayerSpec]:
    return [get_layer(slug, user) for slug in _slugs(raw)]


def _check_tile(z: int, x: int, y: int) -> None:
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidParameter(
            _("Zoom {z} is out of range: it must be from 0 to {maximum}.").format(
                z=z, maximum=MAX_ZOOM
            ),
            parameter="z",
        )
    side = 1 << z
    for name, value in (("x", x), ("y", y)):
        if not 0 <= value < side:
            raise InvalidParameter(
                _(
                    "Tile {name}={value} does not exist at zoom {z}: it must be from 0 to {last}."
                ).format(name=name, value=value, z=z, last=side - 1),
                parameter=name,
            )


def _cache_headers(response: HttpResponse, private: bool) -> HttpResponse:
    """Public layers may be kept by any cache; staff-only ones by the caller's browser only,
    and never served to another caller (``Vary``)."""
    max_age = settings.COMMONMAP["TILE_MAX_AGE"]
    if private:
        response["Cache-Control"] = f"private, max-age={max_age}"
        response["Vary"] = "Accept-Encoding, Authorization, Cookie"
    else:
        response["Cache-Control"] = f"public, max-age={max_age}"
        response["Vary"] = "Accept-Encoding"
    return response


def _headers(response: HttpResponse, etag: str, private: bool) -> HttpResponse:
    response["ETag"] = f'"{etag}"'
    return _cache_headers(response, private)


def _has_staff_only(imported: list[str], user) -> bool:
    """Whether any of these imported layers is staff-only (asked only of a caller who may
    see such layers: to anybody else they do not exist)."""
    if not imported or not can_see_restricted_layers(user):
        return False
    return Layer.objects.filter(slug__in=imported, is_public=False).exists()


def render_tile(specs: list[LayerSpec], z: int, x: int, y: int) -> tuple[bytes, str, bool]:
    """(gzip-compressed MVT, etag, from cache) for the tile, computing and storing it on
    a miss."""
    hit = cache.cached(",".join(s.slug for s in specs), z, x, y)
    if hit is not None:
        return hit[0], hit[1], True
    return (*compute_tile(specs, z, x, y), False)


def compute_tile(specs: list[LayerSpec], z: int, x: int, y: int) -> tuple[bytes, str]:
    """Make the tile in PostGIS, keep it in the cache if it cannot be stale, return it."""
    slugs = [s.slug for s in specs]
    sql, params = tile_sql(specs, z, x, y)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw, snapshot = cursor.fetchone()
    raw = bytes(raw or b"")
    # Level 1: a 350 KB tile in 4 ms instead of 17 ms at level 6, 13% larger (bench/tiles.py).
    data = gzip.compress(raw, compresslevel=1, mtime=0) if raw else b""
    etag = hashlib.blake2b(raw, digest_size=12).hexdigest()
    cache.store(slugs, ",".join(slugs), z, x, y, data, etag, snapshot)
    return data, etag


def _slugs(raw: str) -> list[str]:
    slugs = [s for s in raw.split(",") if s]
    if not slugs or len(slugs) > MAX_LAYERS or len(set(slugs)) != len(slugs):
        raise InvalidParameter(
            _("Name one to {maximum} different layers, separated by commas.").format(
                maximum=MAX_LAYERS
            ),
            parameter="layer",
        )
    return slugs


@require_GET
@json_errors
@basic_auth
def tile(request, layers: str, z: int, x: int, y: int):
    """One tile: 200 (gzip when accepted), 204 when empty, 304 when the ETag matches."""
    slugs = _slugs(layers)
    _check_tile(z, x, y)
    # The warm path: one query finds the tile and checks that the caller may see its
    # imported layers; the layers' specs are only built for a tile that must be made.
    imported = [s for s in slugs if s not in BUILTIN_SLUGS]
    hit = cache.cached_visible(
        ",".join(slugs), imported, can_see_restricted_layers(request.user), z, x, y
    )
    if hit is not None:
        data, etag = hit
    else:
        data, etag = compute_tile(_specs(layers, request.user), z, x, y)
    private = _has_staff_only(imported, request.user)
    if request.headers.get("If-None-Match", "").strip() in (f'"{etag}"', f'W/"{etag}"', "*"):
        return _headers(HttpResponse(status=304), etag, private)
    if not data:
        return _headers(HttpResponse(status=204), etag, private)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(data, content_type=MVT)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(data), content_type=MVT)
    return _headers(response, etag, private)


_MVT_TYPES = {
    "string": "String",
    "integer": "Number",
    "number": "Number",
    "boolean": "Boolean",
    "date": "String",
    "datetime": "String",
}


def _vector_layer(spec: LayerSpec) -> dict:
    fields = {f.name: _MVT_TYPES[f.type] for f in spec.fields if f.public and f.type != "object"}
    description = str(spec.description)
    if spec.cluster_below is not None:
        fields.update({"count": "Number", "cluster": "Boolean"})
        if spec.cluster_source == "grid":
            cells = _(
                "Below zoom {zoom}, grid cells: count, cluster=true and "
                "count_<attribute>_<value> for {group}."
            )
        else:
            cells = _(
                "Below zoom {zoom}, and in tiles too dense for points, grid cells: count, "
                "cluster=true and count_<attribute>_<value> for {group}."
            )
        description += " " + cells.format(zoom=spec.cluster_below, group=spec.group_by or "-")
    return {
        "id": spec.slug,
        "description": description.strip(),
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "fields": fields,
    }


def _bounds(specs: list[LayerSpec]) -> list[float]:
    """The layers' joint extent cut to the city's: a stray feature far away (a point at
    0,0) must not stretch the map's bounds, or move its centre, out of the city."""
    boxes = [b for b in (features.extent(s) for s in specs) if b is not None]
    joint = None
    if boxes:
        joint = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
    return [round(v, 7) for v in clamp_to_city(joint)]


def tilejson_for(request, specs: list[LayerSpec]) -> dict:
    """TileJSON 3.0.0 of the layers, with absolute tile URLs."""
    key = ",".join(s.slug for s in specs)
    bounds = _bounds(specs)
    return {
        "tilejson": "3.0.0",
        "name": key,
        "description": "; ".join(str(s.title) for s in specs),
        "version": "1.0.0",
        "attribution": "; ".join(sorted({str(s.source) for s in specs if s.source})),
        "scheme": "xyz",
        "tiles": [request.build_absolute_uri(f"/tiles/{key}/") + "{z}/{x}/{y}.mvt"],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 10],
        "vector_layers": [_vector_layer(s) for s in specs],
    }


@require_GET
@json_errors
@basic_auth
def tilejson(request, layers: str):
    """TileJSON 3.0.0 for one layer or a comma-separated set."""
    specs = _specs(layers, request.user)
    response = JsonResponse(tilejson_for(request, specs), json_dumps_params={"ensure_ascii": False})
    return _cache_headers(response, private=any(not s.public for s in specs))


_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"]


def _style_layers(spec: LayerSpec, colour: str) -> list[dict]:
    source = {"source": "commonmap", "source-layer": spec.slug}
    if spec.slug == "areas":
        return [
            {
                "id": "areas-fill",
                "type": "fill",
                **source,
                "filter": ["==", ["get", "level"], "ward"],
                "paint": {"fill-color": "#9ecae1", "fill-opacity": 0.15},
            },
            {
                "id": "areas-line",
                "type": "line",
                **source,
                "filter": ["==", ["get", "level"], "ward"],
                "paint": {"line-color": "#2b6c9e", "line-width": 1},
            },
        ]
    if spec.geometry_type in ("Point", "MultiPoint"):
        layers = [
            {
                "id": f"{spec.slug}-points",
                "type": "circle",
                **source,
                "filter": ["!", ["has", "cluster"]],
                "paint": {
                    "circle-color": colour,
                    "circle-radius": 4,
                    "circle-stroke-color": "#ffffff",
                    "circle-stroke-width": 1,
                },
            }
        ]
        if spec.cluster_below is not None:
            layers.append(
                {
                    "id": f"{spec.slug}-cells",
                    "type": "circle",
                    **source,
                    "filter": ["has", "cluster"],
                    "paint": {
                        "circle-color": colour,
                        "circle-opacity": 0.6,
                        "circle-radius": [
                            "interpolate",
                            ["linear"],
                            ["sqrt", ["get", "count"]],
                            1,
                            3,
                            100,
                            30,
                        ],
                    },
                }
            )
        return layers
    if spec.geometry_type in ("LineString", "MultiLineString"):
        return [
            {
                "id": f"{spec.slug}-lines",
                "type": "line",
                **source,
                "paint": {"line-color": colour, "line-width": 2},
            }
        ]
    return [
        {
            "id": f"{spec.slug}-fill",
            "type": "fill",
            **source,
            "paint": {"fill-color": colour, "fill-opacity": 0.3},
        },
        {
            "id": f"{spec.slug}-outline",
            "type": "line",
            **source,
            "paint": {"line-color": colour, "line-width": 1},
        },
    ]


@require_GET
@json_errors
def style(request):
    """A MapLibre GL style (v8) drawing every public layer from one multi-layer source."""
    specs = [s for s in layers_for(None)][:MAX_LAYERS]
    key = ",".join(s.slug for s in specs)
    style_layers = [
        {"id": "background", "type": "background", "paint": {"background-color": "#f4f1ea"}}
    ]
    for i, spec in enumerate(specs):
        style_layers += _style_layers(spec, _PALETTE[i % len(_PALETTE)])
    body = {
        "version": 8,
        "name": "Common Map (Bản đồ chung)",
        "center": list(city_centre()),
        "zoom": 9,
        "sources": {
            "commonmap": {
                "type": "vector",
                "url": request.build_absolute_uri(f"/tiles/{key}.json"),
            }
        },
        "layers": style_layers,
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})

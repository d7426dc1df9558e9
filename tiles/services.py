"""Tile services: which layers a tile path names, whether a tile exists, and the tile itself
(from the cache, or made in PostGIS and kept). The vector and raster views, and the
``seed_tiles`` command, call these; none of them builds a tile by hand."""

import gzip
import hashlib

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from psycopg import sql

from core.errors import InvalidParameter
from layers.layer_specs import imported_spec
from layers.models import Layer
from layers.registry import get_layer, registered_slugs, reserved_slugs
from layers.spec import LayerSpec, can_see_restricted_layers
from tiles import cache
from tiles.mvt import MAX_ZOOM, tile_sql
from tiles.sql import load_sql

MAX_LAYERS = 10
# Imported layers' specs kept by this process, slug → (version of the row, spec): a cold
# tile's statement is built from them and makes the tile only if every version is still
# its row's (tiles/sql/cache_read_or_make_imported.sql); a stale one is built again, never
# drawn. Bounded: when full it starts again (layers are few; slugs of deleted ones linger).
_imported_specs: dict[str, tuple[str, LayerSpec]] = {}
MAX_IMPORTED_SPECS = 1000


def slugs_in(raw: str) -> list[str]:
    """The layer slugs of a tile path's comma-separated list: one to ``MAX_LAYERS``, no
    repeats (InvalidParameter otherwise)."""
    slugs = [s for s in raw.split(",") if s]
    if not slugs or len(slugs) > MAX_LAYERS or len(set(slugs)) != len(slugs):
        raise InvalidParameter(
            _("Name one to {maximum} different layers, separated by commas.").format(
                maximum=MAX_LAYERS
            ),
            parameter="layer",
        )
    return slugs


def specs_named(raw: str, user) -> list[LayerSpec]:
    """The layers a tile path names, each one this user may see (NotFound otherwise)."""
    return [get_layer(slug, user) for slug in slugs_in(raw)]


def check_tile(z: int, x: int, y: int) -> None:
    """InvalidParameter naming z, x or y unless the tile exists (XYZ numbering)."""
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


def has_staff_only(imported: list[str], user) -> bool:
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
    return _keep(specs, z, x, y, *make_tile(specs, z, x, y))


def imported_tile(slugs: list[str], user, z: int, x: int, y: int) -> tuple[bytes, str, bool]:
    """(gzip data, etag, whether it holds a staff-only layer) of a tile naming imported
    layers: one round trip for a stored tile, two (and the store) for a new one whose
    layers' specs this process knows and are current. A stale or unknown spec is built
    again and the statement rerun; a layer the caller may not see is the 404 of
    ``specs_named``, exactly as for any other layer."""
    builtin = registered_slugs()
    imported = [s for s in slugs if s not in builtin]
    key = ",".join(slugs)
    # A word reserved by another app never names an imported layer, whatever the rows say.
    if reserved_slugs().isdisjoint(imported):
        staff = can_see_restricted_layers(user)
        for _attempt in range(2):
            known = [_imported_specs.get(slug) for slug in imported]
            specs = None
            if None not in known:
                by_slug = {slug: spec for slug, (_v, spec) in zip(imported, known, strict=True)}
                specs = [by_slug[s] if s in by_slug else get_layer(s, user) for s in slugs]
            versions = [entry[0] if entry else None for entry in known]
            make = tile_sql(specs, z, x, y) if specs else None
            statement = cache.read_or_make_imported_sql(
                key, imported, versions, staff, z, x, y, make
            )
            outcome, payload, text, staff_only = _within_budget(statement)
            if outcome == "hit":
                return bytes(payload), text, staff_only
            if outcome == "made":
                return (*_keep(specs, z, x, y, bytes(payload or b""), text), staff_only)
            if outcome == "hidden":
                break
            refresh_imported_specs(imported)
    # Not visible (NotFound here), or a layer that changed twice while we looked: the
    # path of a tile without known specs.
    specs = specs_named(key, user)
    return (*compute_tile(specs, z, x, y), has_staff_only(imported, user))


def refresh_imported_specs(slugs: list[str]) -> None:
    """Build the specs of these imported layers again from their rows, each with the
    version of the row it was built from (one query); forget those with no row."""
    rows = Layer.objects.raw(load_sql("imported_layer_versions"), {"slugs": list(slugs)})
    found = {layer.slug: layer for layer in rows}
    if len(_imported_specs) + len(found) > MAX_IMPORTED_SPECS:
        _imported_specs.clear()
    for slug in slugs:
        layer = found.get(slug)
        if layer is None:
            _imported_specs.pop(slug, None)
        else:
            _imported_specs[slug] = (layer.version, imported_spec(layer))


def builtin_tile(specs: list[LayerSpec], z: int, x: int, y: int) -> tuple[bytes, str]:
    """A tile of built-in layers only (their specs cost no query): from the cache, else
    made and kept, the lookup and the making in one round trip (tiles/sql/
    cache_read_or_make.sql), so that a new tile costs two (and the store) instead of three."""
    make = cache.read_or_make_sql(
        ",".join(s.slug for s in specs), z, x, y, tile_sql(specs, z, x, y)
    )
    data, etag, raw, snapshot = _within_budget(make)
    if data is not None:
        return bytes(data), etag
    return _keep(specs, z, x, y, bytes(raw or b""), snapshot)


def _keep(
    specs: list[LayerSpec], z: int, x: int, y: int, raw: bytes, snapshot: str
) -> tuple[bytes, str]:
    """A made tile compressed, with its etag, kept in the cache if it cannot be stale."""
    slugs = [s.slug for s in specs]
    data = compress_tile(raw)
    etag = hashlib.blake2b(raw, digest_size=12).hexdigest()
    cache.store(slugs, ",".join(slugs), z, x, y, data, etag, snapshot)
    return data, etag


def make_tile(specs: list[LayerSpec], z: int, x: int, y: int) -> tuple[bytes, str]:
    """The tile's MVT bytes from PostGIS and the snapshot it was read under, in one round
    trip (``_within_budget``)."""
    raw, snapshot = _within_budget(tile_sql(specs, z, x, y))
    return bytes(raw or b""), snapshot


def _within_budget(statement: sql.Composed) -> tuple:
    """The one row of a tile statement run under the time budget: both in one implicit
    transaction (SET LOCAL ends with it). A tile over budget is cancelled: a JSON 503 with
    Retry-After (core.middleware), the session as it was. Composed whole: no parameters."""
    budget = sql.SQL("SET LOCAL statement_timeout = {}; ").format(
        sql.Literal(int(settings.COMMONMAP["TILE_TIMEOUT_MS"]))
    )
    with connection.cursor() as cursor:
        cursor.execute(budget + statement)
        cursor.nextset()
        return cursor.fetchone()


def compress_tile(raw: bytes) -> bytes:
    """gzip level 1: a 350 KB tile in 4 ms instead of 17 ms at level 6, 13% larger
    (bench/tiles.py); an empty tile stays empty."""
    return gzip.compress(raw, compresslevel=1, mtime=0) if raw else b""

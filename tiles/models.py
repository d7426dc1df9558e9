"""The vector-tile cache, shared by every app server because it lives in PostGIS.

A cached tile remembers which layers it holds and the area it covers (its envelope plus
the render buffer, in WGS 84). Triggers on every table a layer reads from delete the cached
tiles that a changed row touches, at every zoom, in the writer's own transaction
(migration 0002); ``TileDirty`` records each change so that a tile computed from a
snapshot older than the change is never stored (see ``tiles.cache``).
"""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex


class CachedTile(models.Model):
    """One tile of one set of layers: gzip-compressed MVT bytes (empty = no features)."""

    layers_key = models.CharField(max_length=400)
    layers = ArrayField(models.CharField(max_length=80))
    z = models.PositiveSmallIntegerField()
    x = models.PositiveIntegerField()
    y = models.PositiveIntegerField()
    data = models.BinaryField()
    etag = models.CharField(max_length=40)
    envelope = models.PolygonField(srid=4326, spatial_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["layers_key", "z", "x", "y"], name="one_tile_per_key")
        ]
        indexes = [GinIndex(fields=["layers"], name="cachedtile_layers_gin")]


class TileDirty(models.Model):
    """A change to a layer: which layer, where, and by which transaction (kept minutes)."""

    layer = models.CharField(max_length=80)
    box = models.GeometryField(srid=4326, spatial_index=True)
    xid = models.BigIntegerField(help_text="pg_current_xact_id() of the writer.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

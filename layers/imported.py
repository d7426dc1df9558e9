"""Imported layers as wholes: replace all features at once, hide, delete.

The importers fill layers row by row; these are the operations on a whole layer that
must leave it either entirely old or entirely new.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from layers.models import Feature, Layer
from layers.names import normalise_name, search_form

BATCH = 5000


def _time(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    text = str(value)
    parsed = parse_datetime(text)
    if parsed is None and parse_date(text) is not None:
        parsed = datetime.fromisoformat(text)
    if parsed is None:
        raise ValueError(f"not a date or date-time: {text!r}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


def new_feature(layer: Layer, geom: GEOSGeometry, attributes: dict, key: str = "") -> Feature:
    """An unsaved Feature with its name and time taken from the layer's chosen attributes."""
    name = (
        normalise_name(str(attributes.get(layer.name_attribute) or ""))
        if layer.name_attribute
        else ""
    )
    return Feature(
        layer=layer,
        geom=geom,
        attributes=attributes,
        name=name,
        name_search=search_form(name),
        time=_time(attributes.get(layer.time_attribute)) if layer.time_attribute else None,
        source_key=key,
    )


def replace_features(layer: Layer, rows: Iterable[tuple[GEOSGeometry, dict]]) -> int:
    """Swap all of a layer's features for ``rows`` in one transaction: readers see the old
    set or the new one, never a mix, and an error leaves the old set in place."""
    count = 0
    with transaction.atomic():
        Layer.objects.select_for_update().get(pk=layer.pk)  # one replacement at a time
        Feature.objects.filter(layer=layer).delete()
        batch = []
        for geom, attributes in rows:
            batch.append(new_feature(layer, geom, attributes))
            if len(batch) == BATCH:
                Feature.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        Feature.objects.bulk_create(batch)
        count += len(batch)
        Layer.objects.filter(pk=layer.pk).update(updated_at=timezone.now())
    return count

"""The layer registry: every layer of the common map declared once.

A ``LayerSpec`` (layers/spec.py) says where a layer's rows live (SQL), which properties it
has (each public or staff-only, with a type), which column names a feature (``q=``) and
dates it (``datetime=``). The GeoJSON API, OGC API Features, the tiles and the admin all read
layers from here, so a layer declared once is served everywhere. Built-in layers
(administrative areas, facilities) are declared in code; each ``Layer`` row that GIS staff
import is a layer too, with its properties read from its attribute schema.

Visibility: a hidden layer is served to nobody; a staff-only layer only to users with the
``layers.view_restricted_layer`` permission. To everybody else it does not exist: the same
404 as for a name that was never declared.
"""

from datetime import date
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.errors import NotFound
from layers.layer_specs import areas_spec, facilities_spec, imported_spec
from layers.models import RESERVED_LAYER_SLUGS, Layer
from layers.spec import LayerSpec, can_see_restricted_layers

BUILTIN_SLUGS = ("areas", "facilities", "feedback")


@lru_cache(maxsize=32)
def _builtins_for(language: str | None, today: date) -> tuple[LayerSpec, ...]:
    # The feedback app declares its public layer (feedback/public.py); imported here, late,
    # because that app builds on this one.
    from feedback.public import feedback_spec

    return (areas_spec(today), facilities_spec(), feedback_spec())


def _builtins() -> list[LayerSpec]:
    """The built-in layers, built once per language and day (their texts are translated,
    and "areas" means the generation valid today)."""
    return list(_builtins_for(get_language(), timezone.localdate()))


def layers_for(user) -> list[LayerSpec]:
    """Every layer this user may see, built-in first, then imported by slug."""
    imported = Layer.objects.filter(is_hidden=False).exclude(slug__in=RESERVED_LAYER_SLUGS)
    if not can_see_restricted_layers(user):
        imported = imported.filter(is_public=True)
    return _builtins() + [imported_spec(layer) for layer in imported.order_by("slug")]


def get_layer(slug: str, user) -> LayerSpec:
    """The layer named ``slug`` if this user may see it; NotFound otherwise (the same
    answer for a staff-only layer as for one that does not exist)."""
    for spec in _builtins():
        if spec.slug == slug:
            return spec
    layer = Layer.objects.filter(slug=slug, is_hidden=False).first()
    if layer is None or not (layer.is_public or can_see_restricted_layers(user)):
        raise NotFound(_("No layer named {slug}.").format(slug=repr(slug)), parameter="layer")
    return imported_spec(layer)

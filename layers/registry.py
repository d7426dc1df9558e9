"""The layer registry: every layer of the common map declared once, by the app that owns it.

Each app registers its layers when it is ready (``AppConfig.ready()``): a built-in layer by
its slug and a function that builds its ``LayerSpec`` (layers/spec.py), a family of layers
whose rows say what they are (the imported layers) by a ``LayerFamily``. The registry knows
no app by name: the GeoJSON API, OGC API Features, the tiles, the style, MapProxy, the
admin and the tile-cache triggers all read layers from here, so a layer declared once is
served everywhere; the slugs it holds (and words other apps reserve, such as MapProxy's
``basemap``) are refused to imported layers.

Visibility: a hidden layer is served to nobody; a staff-only layer only to users with its
permission. To everybody else it does not exist: the same 404 as for a name that was
never declared.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.errors import NotFound
from layers.spec import LayerSpec, SourceTable


@dataclass(frozen=True)
class LayerFamily:
    """Layers of one kind found at request time (each ``Layer`` row GIS staff import).

    ``layers_for(user, leave_out)`` lists those the user may see but the slugs left out;
    ``get(slug, user)`` finds one the user may see, or None; ``sources`` are the tables
    every layer of the family reads (for the tile-cache triggers).
    """

    name: str
    layers_for: Callable[[object, frozenset[str]], list[LayerSpec]]
    get: Callable[[str, object], LayerSpec | None]
    sources: tuple[SourceTable, ...] = ()


_builders: dict[str, Callable[[], LayerSpec]] = {}
_families: list[LayerFamily] = []
_reserved_words: set[str] = set()


def register(slug: str, build: Callable[[], LayerSpec]) -> None:
    """Declare the built-in layer ``slug``, built by ``build`` (once per language and day:
    its texts are translated, and its SQL may depend on the date)."""
    if slug in _builders:
        raise ValueError(f"layer {slug!r} is registered twice")
    _builders[slug] = build
    _builtins_for.cache_clear()


def unregister(slug: str) -> None:
    """Forget the built-in layer ``slug`` (tests that register a layer of their own)."""
    _builders.pop(slug, None)
    _builtins_for.cache_clear()


def register_family(family: LayerFamily) -> None:
    """Declare a family of layers found at request time."""
    if any(f.name == family.name for f in _families):
        raise ValueError(f"layer family {family.name!r} is registered twice")
    _families.append(family)


def reserve(*words: str) -> None:
    """Keep words that name something else in a layer's place (``basemap``, ``style``) from
    being taken by an imported layer."""
    _reserved_words.update(words)


def registered_slugs() -> tuple[str, ...]:
    """The built-in layers' slugs, in the order they were registered."""
    return tuple(_builders)


def reserved_slugs() -> frozenset[str]:
    """Slugs an imported layer may not take: the built-in layers' and reserved words."""
    return frozenset(_builders) | frozenset(_reserved_words)


def families() -> tuple[LayerFamily, ...]:
    """The registered layer families."""
    return tuple(_families)


def builders() -> dict[str, Callable[[], LayerSpec]]:
    """Slug → build function of every built-in layer (the system check builds them)."""
    return dict(_builders)


def cache_sources() -> list[tuple[str | None, SourceTable]]:
    """(slug, table) for every table a registered layer reads: the slug is None for a
    family's tables, whose rows name their layer (``SourceTable.layer_sql``)."""
    pairs: list[tuple[str | None, SourceTable]] = [
        (spec.slug, source) for spec in builtin_specs() for source in spec.sources
    ]
    pairs += [(None, source) for family in _families for source in family.sources]
    return pairs


@lru_cache(maxsize=32)
def _builtins_for(language: str | None, today: date) -> tuple[LayerSpec, ...]:
    return tuple(build() for build in _builders.values())


def builtin_specs() -> list[LayerSpec]:
    """The built-in layers, built once per language and day."""
    return list(_builtins_for(get_language(), timezone.localdate()))


def restricted_builtin_slugs() -> frozenset[str]:
    """The built-in layers that are not public (each seen only with its permission)."""
    return frozenset(s.slug for s in builtin_specs() if not s.public)


def layers_for(user) -> list[LayerSpec]:
    """Every layer this user may see: built-in first, then each family's by slug."""
    specs = [s for s in builtin_specs() if s.visible_to(user)]
    reserved = reserved_slugs()
    for family in _families:
        specs += family.layers_for(user, reserved)
    return specs


def get_layer(slug: str, user) -> LayerSpec:
    """The layer named ``slug`` if this user may see it; NotFound otherwise (the same
    answer for a staff-only layer as for one that does not exist)."""
    for spec in builtin_specs():
        if spec.slug == slug:
            if spec.visible_to(user):
                return spec
            break
    else:
        if slug not in _reserved_words:
            for family in _families:
                spec = family.get(slug, user)
                if spec is not None:
                    return spec
    raise NotFound(_("No layer named {slug}.").format(slug=repr(slug)), parameter="layer")

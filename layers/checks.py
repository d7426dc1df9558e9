"""The system check of the layer registry (``manage.py check``): every registered layer's
spec must be whole before anything serves it.

A spec with an unknown geometry or property type, a colour that is not ``#rrggbb``, a
zoom range outside 0-22, counted (``group_by``) or keyed (``paint.key``) properties that
are not public, source tables no model owns or SQL fragments that do not compose with the
spec's parameters is reported as a named error
(``layers.E001``...), so a bad declaration fails at start-up, not in the first tile.
"""

import re

from django.apps import apps
from django.core import checks

from layers import registry
from layers.spec import FIELD_TYPES, GEOMETRY_TYPES, MAX_ZOOM, LayerSpec, SourceTable

_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_PERMISSION = re.compile(r"\w+\.\w+")
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
CLUSTER_SOURCES = ("pyramid", "grid", "deltas")


def _error(spec_slug: str, message: str, code: int) -> checks.Error:
    return checks.Error(
        f"Layer {spec_slug!r}: {message}", obj=f"layer {spec_slug}", id=f"layers.E{code:03d}"
    )


def _table_columns() -> dict[str, set[str]]:
    """Each model's table and its columns."""
    return {
        model._meta.db_table: {f.column for f in model._meta.concrete_fields}
        for model in apps.get_models(include_auto_created=True)
    }


def source_errors(slug: str, sources: tuple[SourceTable, ...]) -> list[checks.Error]:
    """Source tables no model owns, or geometry columns their table lacks."""
    tables = _table_columns()
    errors = []
    for source in sources:
        if source.table not in tables:
            errors.append(_error(slug, f"source table {source.table!r} is no model's.", 8))
        elif source.geom_column and source.geom_column not in tables[source.table]:
            errors.append(
                _error(slug, f"table {source.table!r} has no column {source.geom_column!r}.", 9)
            )
    return errors


def _paint_errors(spec: LayerSpec, public: set[str]) -> list[checks.Error]:
    paint = spec.paint
    errors = []
    colours = [paint.colour, paint.fill] + [v.colour for v in paint.values]
    for colour in colours:
        if colour is not None and not _HEX.fullmatch(colour):
            errors.append(_error(spec.slug, f"colour {colour!r} is not #rrggbb.", 4))
    opacities = [paint.fill_opacity] + [v.fill_opacity for v in paint.values]
    if any(o is not None and not 0 <= o <= 1 for o in opacities):
        errors.append(_error(spec.slug, "a fill opacity is outside 0-1.", 4))
    widths = [paint.width] + [v.width for v in paint.values]
    if any(w is not None and not 0 < w <= 20 for w in widths):
        errors.append(_error(spec.slug, "a line width is outside (0, 20] pixels.", 4))
    if paint.key is not None and paint.key not in public:
        errors.append(_error(spec.slug, f"paint.key {paint.key!r} is not a public property.", 6))
    elif paint.key is not None and not next(f for f in spec.fields if f.name == paint.key).sql:
        errors.append(_error(spec.slug, f"paint.key {paint.key!r} is not a column.", 6))
    if paint.values and paint.key is None:
        errors.append(_error(spec.slug, "paint.values without a paint.key.", 6))
    return errors


def spec_errors(spec: LayerSpec) -> list[checks.Error]:
    """Everything wrong with one layer's declaration (none for a whole one)."""
    slug = spec.slug
    errors = []
    if not _SLUG.fullmatch(slug):
        errors.append(_error(slug, "the slug is not lower-case letters, digits, - and _.", 1))
    if spec.geometry_type not in GEOMETRY_TYPES:
        errors.append(_error(slug, f"unknown geometry type {spec.geometry_type!r}.", 2))
    names = [f.name for f in spec.fields]
    if len(set(names)) != len(names):
        errors.append(_error(slug, "two properties share a name.", 3))
    for field in spec.fields:
        if field.type not in FIELD_TYPES:
            errors.append(_error(slug, f"property {field.name!r}: unknown type {field.type!r}.", 3))
        if bool(field.sql) == bool(field.attribute):
            errors.append(
                _error(slug, f"property {field.name!r}: give one of sql and attribute.", 3)
            )
    if not 0 <= spec.minzoom <= spec.maxzoom <= MAX_ZOOM:
        errors.append(
            _error(slug, f"zooms {spec.minzoom}-{spec.maxzoom} are not within 0-{MAX_ZOOM}.", 5)
        )
    public = {f.name for f in spec.fields if f.public}
    errors += _paint_errors(spec, public)
    for name in [n.strip() for n in (spec.group_by or "").split(",") if n.strip()]:
        if name not in public:
            errors.append(_error(slug, f"group_by {name!r} is not a public property.", 6))
    if spec.cluster_source not in CLUSTER_SOURCES:
        errors.append(_error(slug, f"unknown cluster source {spec.cluster_source!r}.", 7))
    if not _PERMISSION.fullmatch(spec.permission):
        errors.append(_error(slug, f"permission {spec.permission!r} is not app.codename.", 10))
    return errors + _composition_errors(spec) + source_errors(slug, spec.sources)


def _composition_errors(spec: LayerSpec) -> list[checks.Error]:
    """SQL fragments that do not compose with the spec's parameters (a ``{name}`` the spec
    has no value for, an unpaired brace)."""
    compose = getattr(spec, "clause", None)  # the composition of layers/spec.py
    if compose is None:
        return []
    fragments = {
        "from_sql": spec.from_sql,
        "where_sql": spec.where_sql,
        "geom_sql": spec.geom_sql,
        "id_sql": spec.id_sql,
        "search_sql": spec.search_sql,
        "time_sql": spec.time_sql,
    }
    errors = []
    for name, fragment in fragments.items():
        if not fragment:
            continue
        try:
            compose(fragment)
        except (KeyError, IndexError, ValueError) as exc:
            errors.append(_error(spec.slug, f"{name} does not compose: {exc!r}.", 12))
    return errors


def check_layer_specs(app_configs=None, **kwargs) -> list[checks.Error]:
    """Build every registered layer and report what is wrong with each."""
    errors = []
    seen: set[str] = set()
    for slug, build in registry.builders().items():
        try:
            spec = build()
        except Exception as exc:  # a spec that cannot even be built is the worst error
            errors.append(_error(slug, f"cannot be built: {exc!r}.", 11))
            continue
        if spec.slug != slug or spec.slug in seen:
            errors.append(_error(slug, f"registered as {slug!r} but named {spec.slug!r}.", 1))
        seen.add(spec.slug)
        errors += spec_errors(spec)
    for family in registry.families():
        errors += source_errors(family.name, family.sources)
    return errors


def register_checks() -> None:
    """Make ``manage.py check`` (and every management command) run the layer check."""
    checks.register(check_layer_specs, "layers")

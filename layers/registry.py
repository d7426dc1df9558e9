"""The layer registry: every layer of the common map declared once.

A ``LayerSpec`` says where a layer's rows live (SQL), which properties it has (each
public or staff-only, with a type), which column names a feature (``q=``) and dates it
(``datetime=``). The GeoJSON API, OGC API Features and the admin all read layers from
here, so a layer declared once is served everywhere. Built-in layers (administrative
areas, facilities) are declared in code; each ``Layer`` row that GIS staff import is a
layer too, with its properties read from its attribute schema.

Visibility: a hidden layer is served to nobody; a staff-only layer, and the staff-only
properties of any layer, only to users with the ``layers.view_restricted_layer`` /
``layers.view_restricted_field`` permissions. To everybody else they do not exist: the
same 404 or "unknown property" as for a name that was never declared.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.errors import InvalidParameter, NotFound
from layers.models import RESERVED_LAYER_SLUGS, Layer
from layers.params import within_postgresql_offsets

RESTRICTED_LAYER_PERMISSION = "layers.view_restricted_layer"
RESTRICTED_FIELD_PERMISSION = "layers.view_restricted_field"

_UNESCAPED_COMMA = re.compile(r"(?<!\\),")

FIELD_TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "object")
_SQL_CAST = {
    "string": "text",
    "integer": "bigint",
    "number": "float8",
    "boolean": "boolean",
    "date": "date",
    "datetime": "timestamptz",
}


def sql_literal(text: str) -> str:
    """A SQL string literal for SQL that is run with parameters: quotes doubled
    (standard_conforming_strings is on since PostgreSQL 9.1) and ``%`` doubled for the
    driver's ``%(name)s`` placeholders."""
    if "\x00" in text:
        raise ValueError("NUL in a SQL literal")
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def _typed(field: "Field", raw: str):
    """A filter value of the field's type, or InvalidParameter naming the field."""
    try:
        if field.type == "integer":
            return int(raw)
        if field.type == "number":
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(raw)
            return value
        if field.type == "boolean":
            lowered = raw.lower()
            if lowered not in ("true", "false", "1", "0"):
                raise ValueError(raw)
            return lowered in ("true", "1")
        if field.type == "date":
            return date.fromisoformat(raw)
        if field.type == "datetime":
            value = parse_datetime(raw)
            if value is None:
                raise ValueError(raw)
            return within_postgresql_offsets(value)
    except ValueError:
        raise InvalidParameter(
            _("Property '{name}' is of type {type}; {raw} is not a valid {type}.").format(
                name=field.name, type=field.type, raw=repr(raw)
            ),
            parameter=field.name,
        ) from None
    return raw


@dataclass(frozen=True)
class Field:
    """One property of a layer's features.

    ``sql`` is an expression over the layer's FROM clause (alias ``t`` for the main table)
    for a column; ``attribute`` instead names a key of the JSONB ``t.attributes``.
    """

    name: str
    type: str
    title: str = ""
    sql: str = ""
    attribute: str = ""
    public: bool = True
    filterable: bool = True
    sortable: bool = True

    @property
    def expression(self) -> str:
        """The SQL that yields the property's value."""
        if self.attribute:
            return f"t.attributes -> {sql_literal(self.attribute)}"
        return self.sql

    def condition(self, raw: str) -> tuple[str, list]:
        """SQL condition and parameters for ``property = raw``: a comma separates values
        of which any may match (spaces around them ignored); ``\\,`` is a comma inside a
        value."""
        parts = [p.strip().replace("\\,", ",") for p in _UNESCAPED_COMMA.split(raw)]
        parts = parts if raw else [raw]
        values = [_typed(self, part) for part in parts]
        if self.attribute:
            # Containment uses the GIN index on attributes.
            clauses = " OR ".join(["t.attributes @> %s::jsonb"] * len(values))
            params = [json.dumps({self.attribute: _json_value(v)}) for v in values]
            return f"({clauses})", params
        cast = _SQL_CAST[self.type]
        return f"({self.sql})::{cast} = ANY(%s::{cast}[])", [values]

    def json_schema(self) -> dict:
        """The property as JSON Schema (OGC queryables, OpenAPI)."""
        schema = {
            "string": {"type": "string"},
            "integer": {"type": "integer"},
            "number": {"type": "number"},
            "boolean": {"type": "boolean"},
            "date": {"type": "string", "format": "date"},
            "datetime": {"type": "string", "format": "date-time"},
            "object": {"type": "object"},
        }[self.type]
        return {**schema, "title": self.title or self.name}


def _json_value(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class LayerSpec:
    """How to query one layer, and what to say about it."""

    slug: str
    title: str
    description: str
    geometry_type: str
    from_sql: str
    fields: tuple[Field, ...]
    where_sql: str = "TRUE"
    params: dict = field(default_factory=dict)
    id_sql: str = "t.id"
    id_type: str = "integer"
    geom_sql: str = "t.geom"
    search_sql: str | None = None
    time_sql: str | None = None
    public: bool = True
    kind: str = "builtin"
    source: str = ""
    licence: str = ""
    layer_id: int | None = None  # the Layer row of an imported layer
    # Vector tiles of point layers below this zoom carry grid cells with counts instead of
    # points (tiles/mvt.py); ``group_by`` names the attributes counted per value.
    cluster_below: int | None = None
    group_by: str | None = None
    # Where the cells come from: the point-count "pyramid" kept by triggers (large layers
    # written in bulk), or a "grid" counted from the tile's points when it is made (layers
    # written one row at a time by many clients, whose pyramid rows would be hot spots).
    cluster_source: str = "pyramid"

    def visible_fields(self, user) -> tuple[Field, ...]:
        """The properties this user may see."""
        if can_see_restricted_fields(user):
            return self.fields
        return tuple(f for f in self.fields if f.public)

    def field_named(self, name: str, user) -> Field | None:
        """A visible property by name, or None."""
        return next((f for f in self.visible_fields(user) if f.name == name), None)


def _has_perm(user, permission: str) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm(permission))


def can_see_restricted_fields(user) -> bool:
    """Staff-only properties are for users with the permission."""
    return _has_perm(user, RESTRICTED_FIELD_PERMISSION)


def can_see_restricted_layers(user) -> bool:
    """Staff-only layers are for users with the permission."""
    return _has_perm(user, RESTRICTED_LAYER_PERMISSION)


def areas_spec(today: date | None = None) -> LayerSpec:
    """Administrative areas of the generation valid ``today`` (all levels)."""
    return LayerSpec(
        slug="areas",
        title=_("Administrative areas"),
        description=_(
            "Wards, communes, the special zone and the city of the boundary generation valid "
            "today. Demo ward shapes are synthetic; codes and names are official."
        ),
        geometry_type="MultiPolygon",
        from_sql=(
            "layers_administrativearea AS t "
            "JOIN layers_boundarygeneration AS g ON g.id = t.generation_id "
            "LEFT JOIN layers_administrativearea AS p ON p.id = t.parent_id"
        ),
        where_sql=("g.valid_from <= %(today)s AND (g.valid_to IS NULL OR g.valid_to >= %(today)s)"),
        params={"today": today or timezone.localdate()},
        id_sql="t.code",
        id_type="string",
        search_sql="t.name_search",
        fields=(
            Field("code", "string", _("GSO code"), sql="t.code"),
            Field("name", "string", _("Name"), sql="t.name"),
            Field("level", "string", _("Level"), sql="t.level"),
            Field("type", "string", _("Type"), sql="t.area_type"),
            Field("parent_code", "string", _("Parent's code"), sql="p.code"),
            Field("generation", "string", _("Boundary generation"), sql="g.slug"),
            Field(
                "official_area_km2", "number", _("Official area (km²)"), sql="t.official_area_km2"
            ),
            Field(
                "geometry_is_synthetic",
                "boolean",
                _("Synthetic demo shape"),
                sql="t.geometry_is_synthetic",
            ),
        ),
        source="vietnamadminunits (MIT), Natural Earth (public domain); see the README",
        licence="MIT (codes, names); public domain (outlines)",
    )


def facilities_spec() -> LayerSpec:
    """Public places: committees, one-stop desks, clinics, schools, markets, toilets."""
    return LayerSpec(
        slug="facilities",
        title=_("Public facilities"),
        description=_(
            "People's Committee offices, one-stop desks, hospitals and clinics, schools, "
            "police, markets, parks, toilets, water and waste points."
        ),
        geometry_type="Point",
        from_sql=(
            "layers_facility AS t "
            "JOIN layers_facilitycategory AS c ON c.id = t.category_id "
            "LEFT JOIN layers_administrativearea AS w ON w.id = t.ward_id"
        ),
        search_sql="t.name_search",
        fields=(
            Field("name", "string", _("Name"), sql="t.name"),
            Field("category", "string", _("Category"), sql="c.code"),
            Field("category_name", "string", _("Category (Vietnamese)"), sql="c.name_vi"),
            Field("category_name_en", "string", _("Category (English)"), sql="c.name_en"),
            Field("address", "string", _("Address"), sql="t.address"),
            Field("phone", "string", _("Phone"), sql="t.phone"),
            Field("opening_hours", "string", _("Opening hours"), sql="t.opening_hours"),
            Field("ward_code", "string", _("Ward code"), sql="w.code"),
            Field("ward_name", "string", _("Ward"), sql="w.name"),
            Field(
                "attributes",
                "object",
                _("Other attributes"),
                sql="t.attributes - 'demo_key'",
                filterable=False,
                sortable=False,
            ),
            Field("updated_at", "datetime", _("Updated"), sql="t.updated_at"),
            Field("staff_notes", "string", _("Staff notes"), sql="t.staff_notes", public=False),
        ),
        source=_("Demo data: synthetic facilities, not real places (see the README)"),
        cluster_below=12,
        group_by="category",
    )


def imported_spec(layer: Layer) -> LayerSpec:
    """An imported layer: its attribute schema becomes its properties."""
    fields = []
    for item in layer.attribute_schema or []:
        kind = item.get("type", "string")
        fields.append(
            Field(
                name=item["name"],
                type=kind if kind in FIELD_TYPES else "string",
                title=item.get("title", ""),
                attribute=item["name"],
                public=bool(item.get("public", True)),
                filterable=kind != "object",
                sortable=kind != "object",
            )
        )
    return LayerSpec(
        slug=layer.slug,
        title=layer.title,
        description=layer.description,
        geometry_type=layer.geometry_type,
        from_sql="layers_feature AS t",
        where_sql="t.layer_id = %(layer_id)s",
        params={"layer_id": layer.id},
        search_sql="t.name_search" if layer.name_attribute else None,
        time_sql="t.time" if layer.time_attribute else None,
        fields=tuple(fields),
        public=layer.is_public,
        kind="imported",
        source=layer.source,
        licence=layer.licence,
        layer_id=layer.id,
        cluster_below=12 if layer.geometry_type in ("Point", "MultiPoint") else None,
        group_by=", ".join(layer.cluster_attributes or []) or None,
    )


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

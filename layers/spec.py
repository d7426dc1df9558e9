"""What a layer of the common map is: its properties (``Field``) and how to query it
(``LayerSpec``). Every output (GeoJSON, OGC API Features, vector and raster tiles, the style,
MapProxy, the admin) reads layers through these two types; ``layers/registry.py`` holds the
declared layers and says who may see them.

Visibility: a staff-only property is served only to users with the
``layers.view_restricted_field`` permission; to everybody else it does not exist.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.errors import InvalidParameter
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

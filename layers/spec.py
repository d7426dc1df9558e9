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
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from psycopg.sql import SQL, Composable, Composed, Literal

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
            if timezone.is_naive(value):  # the city's time, as an import reads one
                value = timezone.make_aware(value, timezone.get_default_timezone())
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

    def expression(self) -> Composable:
        """The SQL that yields the property's value: the declared expression (trusted
        text), or the attribute's key (a file's column name: untrusted) as a literal."""
        if self.attribute:
            return SQL("t.attributes -> {}").format(Literal(self.attribute))
        return SQL(self.sql)

    def text(self) -> Composable:
        """The property's value as text (an attribute's without JSON quotes)."""
        if self.attribute:
            return SQL("t.attributes ->> {}").format(Literal(self.attribute))
        return SQL("({})::text").format(SQL(self.sql))

    def _instant(self) -> Composable:
        """A date-time attribute as a timestamptz, NULL where it is none (layers migration
        0010); without an offset, in the city's time zone."""
        return SQL("layers_attribute_instant({}, {})").format(
            self.text(), Literal(settings.TIME_ZONE)
        )

    def _same_instant(self, values: list[datetime]) -> Composable:
        """A date-time attribute naming one of ``values``. A date spelled in full (ten
        characters, then a time or nothing) that is none of ``_neighbour_days`` cannot
        name one, whatever its offset: only the rows that pass that cheap test, or spell
        their date otherwise, are read as instants."""
        text = self.text()
        return SQL(
            "CASE WHEN substr({t}, 5, 1) IN ('-', '/') AND substr({t}, 8, 1) IN ('-', '/') "
            "AND substr({t}, 11, 1) IN ('', 'T', ' ') "
            "AND NOT replace(left({t}, 10), '/', '-') = ANY({days}::text[]) THEN false "
            "ELSE {instant} = ANY({values}::timestamptz[]) END"
        ).format(
            t=text, days=Literal(_neighbour_days(values)), instant=self._instant(),
            values=Literal(values),
        )  # fmt: skip

    def condition(self, raw: str) -> Composable:
        """The SQL condition ``property = raw``, its values as literals: a comma separates
        values of which any may match (spaces around them ignored); ``\\,`` is a comma
        inside a value.

        A date-time attribute, kept as the file spelled it (offsets, fractions), matches the
        same instant in any spelling: the rows whose date is near an asked instant's are
        read as instants (about 1.6 us a row), where the containment below uses the GIN
        index. An order by it stays its text's (``expression``), chronological when the
        file spells its times alike, as GDAL's drivers do: read as instants, 2,000,000 rows
        took 4.0 s to sort where their text takes 1.3 s."""
        parts = [p.strip().replace("\\,", ",") for p in _UNESCAPED_COMMA.split(raw)]
        parts = parts if raw else [raw]
        values = [_typed(self, part) for part in parts]
        if self.attribute and self.type == "datetime":
            return self._same_instant(values)
        if self.attribute:
            # Containment uses the GIN index on attributes.
            contains = SQL("t.attributes @> {}::jsonb")
            return SQL("({})").format(
                SQL(" OR ").join(
                    contains.format(Literal(json.dumps({self.attribute: _json_value(v)})))
                    for v in values
                )
            )
        return SQL("({})::{cast} = ANY({values}::{cast}[])").format(
            SQL(self.sql), cast=SQL(_SQL_CAST[self.type]), values=Literal(values)
        )

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


GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "Geometry",
)
MAX_ZOOM = 22  # the deepest zoom any output serves (tiles/mvt.py)


@dataclass(frozen=True)
class SourceTable:
    """A table a layer reads: a write to it forgets the layer's cached tiles (the triggers
    are built from this by ``tiles/triggers.py``).

    ``layer_sql`` names the layer of a changed row ``r`` (default: the spec's own slug),
    with ``join_sql`` for any table it needs; ``geom_column`` is the row's geometry, whose
    box is forgotten, or None when any change alters the whole layer (a category renamed).
    """

    table: str
    geom_column: str | None = "geom"
    layer_sql: str = ""
    join_sql: str = ""


@dataclass(frozen=True)
class ValuePaint:
    """How features whose key property has ``value`` differ from the layer's paint."""

    value: str
    colour: str | None = None
    width: float | None = None
    fill_opacity: float | None = None


@dataclass(frozen=True)
class LayerPaint:
    """How a layer is drawn, by the MapLibre style and the raster tiles alike.

    ``colour`` (``#rrggbb``) paints points, lines and polygon outlines, ``fill`` (default:
    ``colour``) polygon interiors at ``fill_opacity``; ``width`` is a line's width in
    pixels. ``key`` names a public property whose value picks one of ``values``.
    """

    colour: str
    fill: str | None = None
    fill_opacity: float = 0.3
    width: float = 2.0
    key: str | None = None
    values: tuple[ValuePaint, ...] = ()

    def for_value(self, value: str | None) -> ValuePaint:
        """The paint of a feature whose key property is ``value``, every part filled in."""
        own = next((v for v in self.values if v.value == value), None)
        return ValuePaint(
            value=value or "",
            colour=(own and own.colour) or self.colour,
            width=own.width if own and own.width is not None else self.width,
            fill_opacity=(
                own.fill_opacity if own and own.fill_opacity is not None else self.fill_opacity
            ),
        )

    @property
    def fill_colour(self) -> str:
        """The colour of polygon interiors."""
        return self.fill or self.colour


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """(r, g, b) of a ``#rrggbb`` colour."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _neighbour_days(moments: list[datetime]) -> list[str]:
    """The days a date spelled with any offset (at most 16 hours) may give for one of
    ``moments``: its own date (in its own offset, which may be 16 hours from UTC too) and
    two days either side, within the calendar. Python cannot always turn an instant of
    year 1 or 9999 to UTC; this never needs to."""
    days = set()
    for moment in moments:
        for step in range(-2, 3):
            try:
                days.add((moment.date() + timedelta(days=step)).isoformat())
            except OverflowError:  # before 0001-01-01 or after 9999-12-31
                continue
    return sorted(days)


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
    # written in bulk), a "grid" counted from the tile's points when it is made, or the
    # pyramid plus "deltas" appended by triggers and compacted by a job (layers written one
    # row at a time by many clients, whose pyramid rows would be hot spots).
    cluster_source: str = "pyramid"
    # What every output needs besides the SQL: the tables whose writes forget cached
    # tiles, how it is drawn, the zooms it is shown at, and who may see it (``public``:
    # everybody; otherwise users with ``permission``).
    sources: tuple[SourceTable, ...] = ()
    paint: LayerPaint = LayerPaint(colour="#1f77b4")
    minzoom: int = 0
    maxzoom: int = MAX_ZOOM
    permission: str = RESTRICTED_LAYER_PERMISSION
    # Whether a map draws it when it first opens: a choropleth that covers every ward (ward
    # satisfaction, survey results) starts hidden, for the reader to turn on, one at a time.
    shown: bool = True

    def clause(self, fragment: str) -> Composed:
        """One of the spec's SQL fragments (trusted, developer-written text) with the
        spec's ``params`` put in as literals where it names them as ``{name}`` (a brace of
        its own is written ``{{`` or ``}}``): each layer's part of a statement carries its
        own values, so two layers in one tile never share a name."""
        values = {name: Literal(value) for name, value in self.params.items()}
        return SQL(fragment).format(**values)

    def from_clause(self) -> Composed:
        """The FROM clause (alias ``t`` for the main table)."""
        return self.clause(self.from_sql)

    def where_clause(self) -> Composed:
        """The condition the layer's rows meet, parenthesised."""
        return SQL("({})").format(self.clause(self.where_sql))

    def geometry(self) -> Composed:
        """The geometry column (WGS 84)."""
        return self.clause(self.geom_sql)

    def identifier(self) -> Composed:
        """The expression of a feature's id."""
        return self.clause(self.id_sql)

    def visible_to(self, user) -> bool:
        """Whether this user may see the layer at all."""
        return self.public or _has_perm(user, self.permission)

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

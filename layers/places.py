"""Where is it? A place name or address as typed, resolved to places on the common map.

The text is split at commas into parts (``layers.place_text``); each part is matched,
without diacritics or case, against facility names and against the names of
administrative units of every boundary generation in force by the day. A part that names
a unit exactly (a ward, an old ward, a district, the city) narrows the other parts to
what lies inside it; the places are facilities, wards of the generation valid on the
day, and units of an earlier generation, which stand for the ward(s) they went into
(``WardSuccession``). Several places that differ are all returned ("ambiguous"): the
caller chooses, we never guess.

One SQL statement (``sql/place_search.sql``, with the one ward rule included) does the
matching, the narrowing, the points of old units and the ward of every point; Python
applies the ranking rules on its rows. Only when the text as typed finds nothing is it
read a second time, its parts cut before the unit types inside them ("Trạm y tế phường
Bến Nghé"): at most two queries a call.
"""

import math
from dataclasses import asdict, dataclass
from datetime import date

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidParameter
from layers.models import AreaLevel
from layers.names import normalise_name
from layers.place_text import TYPE_PREFIX, Part, parse_parts
from layers.wards import WARD_RANK, with_ward_rule

FACILITY = "facility"
AREA = "area"
FOUND = "found"
AMBIGUOUS = "ambiguous"
NOT_FOUND = "not_found"

MAX_TEXT = 300
MAX_LIMIT = 50
# Two candidates in the same ward this close together are one place typed twice.
SAME_POINT_METRES = 25.0


@dataclass(frozen=True)
class Place:
    """One place a text may mean: a point, the current ward holding it, and what to show."""

    kind: str
    name: str
    label: str
    lon: float
    lat: float
    ward_code: str
    ward_name: str
    old_name: bool

    def as_dict(self) -> dict:
        """The place as JSON-ready values."""
        return asdict(self)


@dataclass(frozen=True)
class Resolution:
    """What a text resolved to: one place, several (the operator chooses), or none."""

    query: str
    status: str
    candidates: tuple[Place, ...]

    @property
    def place(self) -> Place | None:
        """The place when exactly one was found, else None."""
        return self.candidates[0] if self.status == FOUND else None

    def as_dict(self) -> dict:
        """The resolution as JSON-ready values."""
        return {
            "query": self.query,
            "status": self.status,
            "candidates": [c.as_dict() for c in self.candidates],
        }


# Tiers of a match, best first: 0 the name itself (an area's also without its type word),
# 1 the typed words as a phrase of whole words (or an area's name under another type
# word), 2 the typed words starting words of the name, in order ("ubnd ben thanh").
_EXACT = 0


@dataclass(frozen=True)
class Match:
    """One row of ``sql/place_search.sql``: a place one part matched, its tier and ward."""

    part: int
    kind: str
    tier: int
    name: str
    name_search: str
    old_parent: str | None
    old_until: date | None
    lon: float
    lat: float
    ward_code: str
    ward_name: str
    context_parts: tuple[int, ...]

    @property
    def old_name(self) -> bool:
        """True when the name is that of a unit of an earlier boundary generation."""
        return self.old_until is not None

    @property
    def exact(self) -> bool:
        """The name itself was typed: such a match beats every partial one."""
        return self.tier == _EXACT

    @property
    def order(self) -> tuple:
        """Best first: match quality, a current name before an old one, then the name."""
        return (self.tier, self.old_name, self.name_search, self.label)

    @property
    def label(self) -> str:
        """What the operator reads."""
        if self.old_until is not None:
            old = f"{self.name}, {self.old_parent}" if self.old_parent else self.name
            return _("{old_name} (until {year}) → {ward}").format(
                old_name=old, year=self.old_until.year, ward=self.ward_name
            )
        if self.name == self.ward_name:
            return self.name
        return _("{name} — {ward}").format(name=self.name, ward=self.ward_name)

    def place(self) -> Place:
        """The public form of this match."""
        return Place(
            kind=self.kind,
            name=self.name,
            label=self.label,
            lon=self.lon,
            lat=self.lat,
            ward_code=self.ward_code,
            ward_name=self.ward_name,
            old_name=self.old_name,
        )


def resolve(text: str, limit: int = 10, on: date | None = None) -> Resolution:
    """The place(s) a typed address or place name means on ``on`` (today), best first.

    At most ``limit``: "found" when exactly one place fits, "ambiguous" with all of them
    when several do (after duplicates are collapsed), "not_found" when none does. When
    the parts as typed find nothing, they are read once more cut at unit types inside
    them. Wards are those of the generation valid on the day; a generation loaded ahead
    of its date is not searched before that date.
    """
    query = _checked(text, limit)
    day = on or timezone.localdate()
    per_part = 3 * limit + 10  # room for the repeats that collapse into one place
    parts = parse_parts(query)
    matches = _select(_fetch(parts, per_part, day))
    if not matches:
        split = parse_parts(query, split_at_types=True)
        if split != parts:
            matches = _select(_fetch(split, per_part, day))
    places = [m.place() for m in _collapse(matches)][:limit]
    status = NOT_FOUND if not places else FOUND if len(places) == 1 else AMBIGUOUS
    return Resolution(query=query, status=status, candidates=tuple(places))


def _checked(text: str, limit: int) -> str:
    """The text, normalised; InvalidParameter when it or the limit cannot be used."""
    query = normalise_name(text or "")
    if not query:
        raise InvalidParameter(_("Type an address or a place name."), parameter="address")
    if len(query) > MAX_TEXT:
        raise InvalidParameter(
            _("The address is over {limit} characters.").format(limit=MAX_TEXT),
            parameter="address",
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter(
            _("The limit must be between 1 and {maximum}.").format(maximum=MAX_LIMIT),
            parameter="limit",
        )
    return query


def _fetch(parts: list[Part], per_part: int, day: date) -> list[Match]:
    """Every part's best places, narrowed by the other parts, in one query."""
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            with_ward_rule("place_search"),
            {
                "ords": list(range(len(parts))),
                "terms": [p.term for p in parts],
                "cores": [p.core for p in parts],
                "patterns": [p.pattern for p in parts],
                "area_patterns": [p.area_pattern for p in parts],
                "prefixes": [p.prefixes for p in parts],
                "type_prefix": TYPE_PREFIX,
                "ward": AreaLevel.WARD.value,
                "ward_rank": WARD_RANK,
                "per_part": per_part,
                "day": day,
            },
        )
        rows = cursor.fetchall()
    return [Match(*row[:11], context_parts=tuple(row[11])) for row in rows]


def _select(matches: list[Match]) -> list[Match]:
    """The matches the rules keep, best first.

    Per part, exact names beat partial ones (a part that names a unit exactly counts as
    exact). A part that names no unit is what the text is about: the parts that do only
    narrow it, unless it found nothing. A facility found inside a unit named by another
    part beats the unit itself. Of what is left, exact names beat partial ones again.
    """
    contexts = set(matches[0].context_parts) if matches else set()
    kept = []
    for part in {m.part for m in matches}:
        own = [m for m in matches if m.part == part]
        kept += _best(own, exact=part in contexts)
    if any(m.part not in contexts for m in kept):
        kept = [m for m in kept if m.part not in contexts]
    if any(m.kind == FACILITY and contexts - {m.part} for m in kept):
        kept = [m for m in kept if m.kind == FACILITY]
    return sorted(_best(kept), key=lambda m: m.order)


def _best(matches: list[Match], exact: bool = False) -> list[Match]:
    """The exact matches when there are any (or ``exact`` is asked), else all of them."""
    if exact or any(m.exact for m in matches):
        return [m for m in matches if m.exact]
    return matches


def _collapse(matches: list[Match]) -> list[Match]:
    """Drop repeats of a better match: an area in the same ward, any place at ~the same point."""
    kept: list[Match] = []
    for match in matches:
        if not any(_same_place(match, other) for other in kept):
            kept.append(match)
    return kept


def _same_place(a: Match, b: Match) -> bool:
    """Two matches that would put the report in the same ward at (nearly) the same point."""
    if a.ward_code != b.ward_code:
        return False
    if a.kind == AREA and b.kind == AREA:
        return True
    dx = (a.lon - b.lon) * 111_320 * math.cos(math.radians(a.lat))
    dy = (a.lat - b.lat) * 110_574
    return math.hypot(dx, dy) < SAME_POINT_METRES

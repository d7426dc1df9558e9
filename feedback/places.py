"""Where is it? A place name or address as a hotline operator types it, resolved to places.

The text is split at commas into parts ("Trường THCS Lê Quý Đôn, phường Tân Định"); each
part is matched, without diacritics or case, against facility names and against the names
of administrative units of every boundary generation. A part that names a unit exactly
(a ward, an old ward, a district, the city) narrows the other parts to what lies inside
it; the places are facilities, wards of the current generation, and units of an earlier
generation, which stand for the ward(s) they went into (``WardSuccession``). Several
places that differ are all returned ("ambiguous"): the operator chooses, we never guess.

One SQL statement (``_RESOLVE_SQL``) does the matching, the narrowing, the points of old
units and the current ward of every point; Python applies the ranking rules on its rows.
Only when the text as typed finds nothing is it read a second time, its parts cut before
the unit types inside them ("Trạm y tế phường Bến Nghé"): at most two queries a call.
The statement lives here rather than in a ``.sql`` file because the feedback app has no
SQL folder yet; its values are always bound.
"""

import math
import re
from dataclasses import asdict, dataclass
from datetime import date

from django.db import connection
from django.utils.translation import gettext as _

from core.errors import InvalidParameter
from layers.models import LEVEL_RANK, AreaLevel
from layers.names import normalise_name, search_form

FACILITY = "facility"
AREA = "area"
FOUND = "found"
AMBIGUOUS = "ambiguous"
NOT_FOUND = "not_found"

MAX_TEXT = 300
MAX_LIMIT = 50
# Two candidates in the same ward this close together are one place typed twice.
SAME_POINT_METRES = 25.0

# The words that give a unit's type, in search form, as they lead its name.
TYPE_WORDS = (
    "thanh pho", "dac khu", "thi tran", "thi xa", "phuong", "huyen", "quan", "tinh", "xa",
)  # fmt: skip
_TYPE_PREFIX = rf"^({'|'.join(TYPE_WORDS)}) "
_TYPE_WORD_LISTS = tuple(t.split() for t in TYPE_WORDS)
# Abbreviations in addresses and in the data's names ("Trường Trung học cơ sở ...").
ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "thcs": "trung hoc co so",
    "thpt": "trung hoc pho thong",
    "mn": "mam non",
    "tyt": "tram y te",
    "bv": "benh vien",
    "pk": "phong kham",
    "kp": "khu pho",
    "tp": "thanh pho",
    "tphcm": "thanh pho ho chi minh",
    "hcmc": "thanh pho ho chi minh",
    "hcm": "ho chi minh",
}
# Abbreviations that are also how a word starts ("th" of "thanh", "x" of "xuân"): expanded
# only when a word follows, so that a name typed half-way still matches as a prefix.
ABBREVIATIONS_BEFORE_A_WORD = {
    "p": "phuong",
    "f": "phuong",
    "q": "quan",
    "x": "xa",
    "th": "tieu hoc",
}
# "p12", "q3", "f.12": a type letter glued to a number.
_GLUED_NUMBER = re.compile(r"\b([pfq])\.?(?=\d)")
# A street address, which no name here locates: "12/3 Lê Lợi", "số 5 ...", "đường ...",
# "Đ. Lê Lợi". Its street name would only find places named after the street.
_STREET = re.compile(r"^((so( nha)?\s*)?\d+[a-z]?([/-]\d+[a-z]?)*\b|(duong|hem|ngo|kiet)\b|d\.)")
# A house number anywhere ("12/3", "45/2b") is not part of any name.
_HOUSE_NUMBER = re.compile(r"\b\d+[a-z]?(/\d+[a-z]?)+\b")
_NOT_WORD = re.compile(r"[\W_]+")
_PART_SEPARATORS = re.compile(r"[,;\n]")


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


@dataclass(frozen=True)
class Part:
    """One comma-separated part of the text, in search form.

    ``term`` is the whole part ("phuong ben nghe"); ``core`` the same without a leading
    unit type ("ben nghe"; None when that leaves only a number); ``pattern`` a LIKE
    pattern of its words in order (what the trigram indexes answer), ``area_pattern`` the
    same of the core (a unit may be typed under another type word); ``prefixes`` a
    regular expression: its words start words of a name, in order.
    """

    term: str
    core: str | None
    pattern: str
    area_pattern: str
    prefixes: str


def parse_parts(text: str, split_at_types: bool = False) -> list[Part]:
    """The parts of an address that can name a place; street addresses and noise dropped.

    With ``split_at_types`` a part is also cut before a unit type inside it, so that
    "Trạm y tế phường Bến Nghé" reads as "Trạm y tế" in "phường Bến Nghé".
    """
    parts = []
    for raw in _PART_SEPARATORS.split(text):
        words = _words(raw)
        for chunk in _split_at_types(words) if split_at_types else [words]:
            part = _part(chunk)
            if part is not None:
                parts.append(part)
    return parts


def _words(raw: str) -> list[str]:
    """A part's words in search form, abbreviations expanded; none for a street address."""
    text = search_form(raw)
    if _STREET.match(text):
        return []
    text = _GLUED_NUMBER.sub(r"\1 ", _HOUSE_NUMBER.sub(" ", text))
    words = _NOT_WORD.sub(" ", text).split()
    expanded = [
        ABBREVIATIONS.get(word)
        or (ABBREVIATIONS_BEFORE_A_WORD.get(word) if i + 1 < len(words) else None)
        or word
        for i, word in enumerate(words)
    ]
    return " ".join(expanded).split()


def _split_at_types(words: list[str]) -> list[list[str]]:
    """The words cut before every unit type (not the first word) that a name follows."""
    chunks, start = [], 0
    for i in range(1, len(words)):
        if any(words[i : i + len(t)] == t and i + len(t) < len(words) for t in _TYPE_WORD_LISTS):
            chunks.append(words[start:i])
            start = i
    return [*chunks, words[start:]]


def _part(words: list[str]) -> Part | None:
    """The part these words make; None for a unit type alone or a bare number."""
    term = " ".join(words)
    core = re.sub(_TYPE_PREFIX, "", term + " ").strip()
    if not core or (core.isdigit() and core == term):
        return None
    if core.isdigit():
        core = None
    return Part(
        term=term,
        core=core,
        pattern=_like(words),
        area_pattern=_like(core.split()) if core else _like(words),
        prefixes="(^| )" + ".* ".join(words),
    )


def _like(words: list[str]) -> str:
    """A LIKE pattern of the words in order, anything between ("%ben%thanh%")."""
    return "%" + "%".join(words) + "%"


# Tiers of a match, best first: 0 the name itself (an area's also without its type word),
# 1 the typed words as a phrase of whole words (or an area's name under another type
# word), 2 the typed words starting words of the name, in order ("ubnd ben thanh").
_EXACT = 0

_RESOLVE_SQL = """
-- Parameters: ords, terms, cores, patterns, area_patterns, prefixes (arrays, one entry
-- per part: see Part), type_prefix (regex of the unit type words), ward (the level),
-- ward_rank, per_part (places kept per part, best first).
WITH parts AS (
    SELECT *
    FROM unnest(%(ords)s::int[], %(terms)s::text[], %(cores)s::text[], %(patterns)s::text[],
                %(area_patterns)s::text[], %(prefixes)s::text[])
        AS p (ord, term, core, pattern, area_pattern, prefixes)
),
matches AS (
    SELECT p.ord, x.kind, x.id, x.level, x.valid_to, t.tier
    FROM parts AS p
    CROSS JOIN LATERAL (
        SELECT 'area' AS kind, a.id, a.name_search, a.level, g.valid_to
        FROM layers_administrativearea AS a
        JOIN layers_boundarygeneration AS g ON g.id = a.generation_id
        WHERE a.name_search LIKE p.area_pattern
        UNION ALL
        SELECT 'facility', f.id, f.name_search, NULL, NULL
        FROM layers_facility AS f
        WHERE f.name_search LIKE p.pattern
    ) AS x
    CROSS JOIN LATERAL (
        SELECT trim(regexp_replace(x.name_search, '[^[:alnum:]]+', ' ', 'g')) AS norm
    ) AS n
    CROSS JOIN LATERAL (
        SELECT CASE WHEN x.kind = 'area' THEN regexp_replace(n.norm, %(type_prefix)s, '')
               END AS core
    ) AS c
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN p.term IN (n.norm, c.core) THEN 0
            WHEN ' ' || n.norm || ' ' LIKE '%% ' || p.term || ' %%' OR c.core = p.core THEN 1
            WHEN n.norm ~ p.prefixes THEN 2
        END AS tier
    ) AS t
    WHERE t.tier IS NOT NULL
),
-- A part that names a unit exactly narrows the other parts to that unit.
contexts AS (
    SELECT ord, id AS area_id FROM matches WHERE kind = 'area' AND tier = 0
),
context_parts AS (
    SELECT DISTINCT ord FROM contexts
),
places AS (
    -- A ward of the current generation: its label point.
    SELECT m.ord, m.tier, m.kind, a.name, a.name_search,
           NULL::text AS old_parent, NULL::date AS old_until, ARRAY[]::bigint[] AS ancestors,
           coalesce(a.label_point, ST_PointOnSurface(a.geom)) AS geom
    FROM matches AS m
    JOIN layers_administrativearea AS a ON a.id = m.id
    WHERE m.kind = 'area' AND m.valid_to IS NULL AND m.level = %(ward)s
    UNION ALL
    -- A unit of an earlier generation: a place in each unit it went into, inside both
    -- (its own centre when that is inside the new unit); the new unit's centre when the
    -- two shapes do not overlap at all.
    SELECT m.ord, m.tier, m.kind, o.name, o.name_search,
           up.name, m.valid_to, ARRAY[o.parent_id, up.parent_id]::bigint[],
           CASE
               WHEN i.geom IS NULL THEN o.centre
               WHEN NOT ST_IsEmpty(i.geom) THEN ST_PointOnSurface(i.geom)
               ELSE coalesce(nw.label_point, ST_PointOnSurface(nw.geom))
           END
    FROM matches AS m
    JOIN layers_wardsuccession AS s ON s.old_area_id = m.id
    JOIN LATERAL (
        SELECT a.*, coalesce(a.label_point, ST_PointOnSurface(a.geom)) AS centre
        FROM layers_administrativearea AS a WHERE a.id = m.id
    ) AS o ON true
    JOIN layers_administrativearea AS nw ON nw.id = s.new_area_id
    LEFT JOIN layers_administrativearea AS up ON up.id = o.parent_id
    LEFT JOIN LATERAL (
        SELECT ST_CollectionExtract(ST_Intersection(o.geom, nw.geom), 3) AS geom
        WHERE NOT ST_Contains(nw.geom, o.centre)
    ) AS i ON true
    WHERE m.kind = 'area' AND m.valid_to IS NOT NULL
    UNION ALL
    SELECT m.ord, m.tier, m.kind, f.name, f.name_search,
           NULL, NULL, ARRAY[]::bigint[], f.geom
    FROM matches AS m
    JOIN layers_facility AS f ON f.id = m.id
    WHERE m.kind = 'facility'
),
-- Every other part that names a unit must hold the place: by geometry, or (for an old
-- unit) by being its district or province.
kept AS (
    SELECT c.*,
           row_number() OVER (
               PARTITION BY c.ord ORDER BY c.tier, c.name_search, c.name
           ) AS rank
    FROM places AS c
    WHERE NOT EXISTS (
        SELECT 1
        FROM context_parts AS q
        WHERE q.ord <> c.ord
          AND NOT EXISTS (
              SELECT 1
              FROM contexts AS x
              WHERE x.ord = q.ord
                AND (x.area_id = ANY (c.ancestors)
                     OR EXISTS (SELECT 1
                                FROM layers_areasubdivision AS s
                                WHERE s.area_id = x.area_id AND ST_Covers(s.geom, c.geom)))
          )
    )
)
-- The current ward of each point: the rule of layers.facilities.ward_for_point (the
-- covering ward of the current generation, on a shared border the lower code).
SELECT k.ord, k.kind, k.tier, k.name, k.name_search, k.old_parent, k.old_until,
       ST_X(k.geom), ST_Y(k.geom), w.code, w.name,
       ARRAY(SELECT ord FROM context_parts) AS context_ords
FROM kept AS k
JOIN LATERAL (
    SELECT a.code, a.name
    FROM layers_areasubdivision AS s
    JOIN layers_boundarygeneration AS g ON g.id = s.generation_id
    JOIN layers_administrativearea AS a ON a.id = s.area_id
    WHERE g.valid_to IS NULL
      AND s.level_rank = %(ward_rank)s
      AND ST_Covers(s.geom, k.geom)
    ORDER BY s.code
    LIMIT 1
) AS w ON true
WHERE k.rank <= %(per_part)s
ORDER BY k.ord, k.rank
"""


@dataclass(frozen=True)
class Match:
    """One row of ``_RESOLVE_SQL``: a place one part matched, with its tier and ward."""

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


def resolve(text: str, limit: int = 10) -> Resolution:
    """The place(s) a typed address or place name means, at most ``limit``, best first.

    "found" when exactly one place fits, "ambiguous" with all of them when several do
    (after duplicates are collapsed), "not_found" when none does. When the parts as
    typed find nothing, they are read once more cut at unit types inside them.
    """
    query = _checked(text, limit)
    per_part = 3 * limit + 10  # room for the repeats that collapse into one place
    parts = parse_parts(query)
    matches = _select(_fetch(parts, per_part))
    if not matches:
        split = parse_parts(query, split_at_types=True)
        if split != parts:
            matches = _select(_fetch(split, per_part))
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


def _fetch(parts: list[Part], per_part: int) -> list[Match]:
    """Every part's best places, narrowed by the other parts, in one query."""
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            _RESOLVE_SQL,
            {
                "ords": list(range(len(parts))),
                "terms": [p.term for p in parts],
                "cores": [p.core for p in parts],
                "patterns": [p.pattern for p in parts],
                "area_patterns": [p.area_pattern for p in parts],
                "prefixes": [p.prefixes for p in parts],
                "type_prefix": _TYPE_PREFIX,
                "ward": AreaLevel.WARD.value,
                "ward_rank": LEVEL_RANK[AreaLevel.WARD],
                "per_part": per_part,
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

"""The batch lookup's answer as JSON bytes, each distinct area encoded once.

A 10,000-point answer holds 10,000 results but only as many distinct areas as the points
fell in (a few hundred at most): ``resolve_points`` gives the points of one area the same
result object, so its ``"area"``/``"parents"`` text is encoded once and the rest is string
joining. The bytes are those DRF's ``JSONRenderer`` writes for the same data (compact,
UTF-8, U+2028/U+2029 escaped), at a fraction of the cost of building and walking 10,000
dicts (``bench/lookup.py``).
"""

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

from layers.lookup import AreaRef, GenerationRef, LookupResult


def _dumps(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def area_json(area: AreaRef | None) -> dict | None:
    """An area as the lookup API shows it."""
    if area is None:
        return None
    return {"code": area.code, "name": area.name, "level": area.level, "type": area.type}


def result_json(result: LookupResult) -> dict:
    """One point's area and parents as the lookup API shows them."""
    return {"area": area_json(result.area), "parents": [area_json(p) for p in result.parents]}


def batch_answer(
    day: date,
    generation: GenerationRef,
    points: Sequence[tuple[float, float]],
    results: Sequence[LookupResult],
) -> bytes:
    """The POST /api/v1/lookup/ answer for ``points`` and their ``results`` (input order)."""
    fragments: dict[int, str] = {}  # by id(result): results are shared between points
    parts = []
    for (lon, lat), result in zip(points, results, strict=True):
        fragment = fragments.get(id(result))
        if fragment is None:
            fragment = fragments[id(result)] = _dumps(result_json(result))[1:-1]
        parts.append(f'{{"lon":{float(lon)!r},"lat":{float(lat)!r},{fragment}}}')
    head = _dumps(
        {
            "date": day.isoformat(),
            "generation": asdict(generation),
            "count": len(results),
            "matched": sum(1 for r in results if r.area is not None),
            "results": [],
        }
    )
    return (head[: -len("]}")] + ",".join(parts) + "]}").encode()

"""The check that makes the figures results: the API's features are the raw SQL's (ids; the
properties and coordinates of a sample), and the other ways give as many.
"""

import json

from _features.ways import Export, Figures


def feature_ids(document: dict, id_property: str | None) -> list:
    """The ids of a FeatureCollection's features (from a property for the raw SQL's)."""
    if id_property is None:
        return [f["id"] for f in document["features"]]
    return [f["properties"][id_property] for f in document["features"]]


def coordinates(geometry: dict) -> list[float]:
    """Every coordinate of a GeoJSON geometry, flattened."""
    flat, stack = [], [geometry["coordinates"]]
    while stack:
        item = stack.pop()
        if isinstance(item, list) and item and isinstance(item[0], int | float):
            flat.extend(item)
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return flat


def disagreements(api: dict, raw: dict, id_property: str, samples: int = 500) -> list[str]:
    """How the API's FeatureCollection differs from the raw SQL's: count, ids, and for a
    sample of features the properties and every coordinate (to 1e-7 degrees)."""
    problems = []
    api_ids = feature_ids(api, None)
    raw_ids = feature_ids(raw, id_property)
    if len(api_ids) != len(raw_ids):
        problems.append(f"{len(api_ids)} features from the API, {len(raw_ids)} from raw SQL")
    if set(api_ids) != set(raw_ids):
        problems.append(f"{len(set(api_ids) ^ set(raw_ids))} ids in only one of them")
    raw_by_id = {i: f for i, f in zip(raw_ids, raw["features"], strict=True)}
    step = max(1, len(api_ids) // samples)
    for feature in api["features"][::step]:
        other = raw_by_id.get(feature["id"])
        if other is None:
            continue
        props = {k: v for k, v in other["properties"].items() if k != "id"}
        if feature["properties"] != props:
            problems.append(f"feature {feature['id']}: properties differ")
        a, b = coordinates(feature["geometry"]), coordinates(other["geometry"])
        if len(a) != len(b) or any(abs(x - y) > 1e-7 for x, y in zip(a, b, strict=False)):
            problems.append(f"feature {feature['id']}: coordinates differ")
    return problems


def check(job: Export, ways: dict[str, Figures]) -> list[str]:
    """The API's features are the raw SQL's (ids; properties and coordinates of a sample);
    the export SQL and the serializer give as many."""
    raw = json.loads(ways["raw"].answer)
    problems = disagreements(json.loads(ways["api"].answer), raw, job.id_property)
    if "peer" in ways and json.loads(ways["peer"].answer) != json.loads(ways["api"].answer):
        problems.append("the raw peer's export differs from the API's")
    if "plain" in ways and ways["plain"].answer != ways["api"].answer:
        problems.append("the uncompressed export differs from the gzipped one")
    if "sql" in ways:
        counted = len(json.loads(ways["sql"].answer)["features"])
        if counted != job.count:
            problems.append(f"the export SQL gave {counted} features, not {job.count}")
    if ways["serializer"].answer != job.count:
        problems.append(f"the serializer gave {ways['serializer'].answer} features")
    return [f"{job.title}: {p}" for p in problems]

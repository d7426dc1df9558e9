"""TileJSON 3.0.0 of a set of layers: what a vector-tile client needs to draw them."""

from django.utils.translation import gettext as _

from layers import features
from layers.city import clamp_to_city
from layers.spec import LayerSpec
from tiles.mvt import MAX_ZOOM

_MVT_TYPES = {
    "string": "String",
    "integer": "Number",
    "number": "Number",
    "boolean": "Boolean",
    "date": "String",
    "datetime": "String",
}


def _vector_layer(spec: LayerSpec) -> dict:
    fields = {f.name: _MVT_TYPES[f.type] for f in spec.fields if f.public and f.type != "object"}
    description = str(spec.description)
    if spec.cluster_below is not None:
        fields.update({"count": "Number", "cluster": "Boolean"})
        if spec.cluster_source == "grid":
            cells = _(
                "Below zoom {zoom}, grid cells: count, cluster=true and "
                "count_<attribute>_<value> for {group}."
            )
        else:
            cells = _(
                "Below zoom {zoom}, and in tiles too dense for points, grid cells: count, "
                "cluster=true and count_<attribute>_<value> for {group}."
            )
        description += " " + cells.format(zoom=spec.cluster_below, group=spec.group_by or "-")
    return {
        "id": spec.slug,
        "description": description.strip(),
        "minzoom": spec.minzoom,
        "maxzoom": spec.maxzoom,
        "fields": fields,
    }


def _bounds(specs: list[LayerSpec]) -> list[float]:
    """The layers' joint extent cut to the city's: a stray feature far away (a point at
    0,0) must not stretch the map's bounds, or move its centre, out of the city."""
    boxes = [b for b in (features.extent(s) for s in specs) if b is not None]
    joint = None
    if boxes:
        joint = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
    return [round(v, 7) for v in clamp_to_city(joint)]


def tilejson_for(request, specs: list[LayerSpec]) -> dict:
    """TileJSON 3.0.0 of the layers, with absolute tile URLs."""
    key = ",".join(s.slug for s in specs)
    bounds = _bounds(specs)
    return {
        "tilejson": "3.0.0",
        "name": key,
        "description": "; ".join(str(s.title) for s in specs),
        "version": "1.0.0",
        "attribution": "; ".join(sorted({str(s.source) for s in specs if s.source})),
        "scheme": "xyz",
        "tiles": [request.build_absolute_uri(f"/tiles/{key}/") + "{z}/{x}/{y}.mvt"],
        # The zooms any of the layers is shown at (each layer's own in vector_layers).
        "minzoom": min((s.minzoom for s in specs), default=0),
        "maxzoom": max((s.maxzoom for s in specs), default=MAX_ZOOM),
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 10],
        "vector_layers": [_vector_layer(s) for s in specs],
    }

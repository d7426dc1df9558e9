"""The MapLibre GL style (v8) of the common map: every public layer from one vector source,
each painted as its declaration says (``LayerSpec.paint``: the raster tiles use the same)."""

from layers.city import city_centre
from layers.registry import layers_for
from layers.spec import MAX_ZOOM, LayerPaint, LayerSpec
from tiles.services import MAX_LAYERS

POINT_TYPES = ("Point", "MultiPoint")
LINE_TYPES = ("LineString", "MultiLineString")


def _by_value(paint: LayerPaint, part: str, default) -> object:
    """A constant, or a ``match`` on the key property when some values differ from it."""
    pairs = []
    for value in paint.values:
        chosen = paint.for_value(value.value)
        own = (paint.fill or chosen.colour) if part == "fill" else getattr(chosen, part)
        if own != default:
            pairs += [value.value, own]
    if not paint.key or not pairs:
        return default
    return ["match", ["to-string", ["get", paint.key]], *pairs, default]


def _zooms(spec: LayerSpec) -> dict:
    """The layer's zoom range in the style's terms (its maxzoom is exclusive)."""
    zooms = {}
    if spec.minzoom > 0:
        zooms["minzoom"] = spec.minzoom
    if spec.maxzoom < MAX_ZOOM:
        zooms["maxzoom"] = spec.maxzoom + 1
    return zooms


def _point_layers(spec: LayerSpec, common: dict) -> list[dict]:
    paint = spec.paint
    layers = [
        {
            "id": f"{spec.slug}-points",
            "type": "circle",
            **common,
            "filter": ["!", ["has", "cluster"]],
            "paint": {
                "circle-color": _by_value(paint, "colour", paint.colour),
                "circle-radius": 4,
                "circle-stroke-color": "#ffffff",
                "circle-stroke-width": 1,
            },
        }
    ]
    if spec.cluster_below is not None:
        layers.append(
            {
                "id": f"{spec.slug}-cells",
                "type": "circle",
                **common,
                "filter": ["has", "cluster"],
                "paint": {
                    "circle-color": paint.colour,
                    "circle-opacity": 0.6,
                    "circle-radius": [
                        "interpolate",
                        ["linear"],
                        ["sqrt", ["get", "count"]],
                        1,
                        3,
                        100,
                        30,
                    ],
                },
            }
        )
    return layers


def _style_layers(spec: LayerSpec) -> list[dict]:
    """The style's layers drawing ``spec``, painted as its declaration says."""
    paint = spec.paint
    common = {"source": "commonmap", "source-layer": spec.slug, **_zooms(spec)}
    if not spec.shown:
        common["layout"] = {"visibility": "none"}
    if spec.geometry_type in POINT_TYPES:
        return _point_layers(spec, common)
    line = {
        "line-color": _by_value(paint, "colour", paint.colour),
        "line-width": _by_value(paint, "width", paint.width),
    }
    if spec.geometry_type in LINE_TYPES:
        return [{"id": f"{spec.slug}-lines", "type": "line", **common, "paint": line}]
    return [
        {
            "id": f"{spec.slug}-fill",
            "type": "fill",
            **common,
            "paint": {
                "fill-color": _by_value(paint, "fill", paint.fill_colour),
                "fill-opacity": _by_value(paint, "fill_opacity", paint.fill_opacity),
            },
        },
        {"id": f"{spec.slug}-outline", "type": "line", **common, "paint": line},
    ]


def style_for(request) -> dict:
    """The style (v8) drawing every public layer from one multi-layer source."""
    specs = [s for s in layers_for(None)][:MAX_LAYERS]
    key = ",".join(s.slug for s in specs)
    style_layers = [
        {"id": "background", "type": "background", "paint": {"background-color": "#f4f1ea"}}
    ]
    for spec in specs:
        style_layers += _style_layers(spec)
    body = {
        "version": 8,
        "name": "Common Map (Bản đồ chung)",
        "center": list(city_centre()),
        "zoom": 9,
        "sources": {
            "commonmap": {
                "type": "vector",
                "url": request.build_absolute_uri(f"/tiles/{key}.json"),
            }
        },
        "layers": style_layers,
    }
    return body

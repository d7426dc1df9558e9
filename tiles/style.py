"""The MapLibre GL style (v8) of the common map: every public layer from one vector source."""

from layers.city import city_centre
from layers.registry import layers_for
from layers.spec import LayerSpec
from tiles.services import MAX_LAYERS

_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"]


def _style_layers(spec: LayerSpec, colour: str) -> list[dict]:
    source = {"source": "commonmap", "source-layer": spec.slug}
    if spec.slug == "areas":
        return [
            {
                "id": "areas-fill",
                "type": "fill",
                **source,
                "filter": ["==", ["get", "level"], "ward"],
                "paint": {"fill-color": "#9ecae1", "fill-opacity": 0.15},
            },
            {
                "id": "areas-line",
                "type": "line",
                **source,
                "filter": ["==", ["get", "level"], "ward"],
                "paint": {"line-color": "#2b6c9e", "line-width": 1},
            },
        ]
    if spec.geometry_type in ("Point", "MultiPoint"):
        layers = [
            {
                "id": f"{spec.slug}-points",
                "type": "circle",
                **source,
                "filter": ["!", ["has", "cluster"]],
                "paint": {
                    "circle-color": colour,
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
                    **source,
                    "filter": ["has", "cluster"],
                    "paint": {
                        "circle-color": colour,
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
    if spec.geometry_type in ("LineString", "MultiLineString"):
        return [
            {
                "id": f"{spec.slug}-lines",
                "type": "line",
                **source,
                "paint": {"line-color": colour, "line-width": 2},
            }
        ]
    return [
        {
            "id": f"{spec.slug}-fill",
            "type": "fill",
            **source,
            "paint": {"fill-color": colour, "fill-opacity": 0.3},
        },
        {
            "id": f"{spec.slug}-outline",
            "type": "line",
            **source,
            "paint": {"line-color": colour, "line-width": 1},
        },
    ]


def style_for(request) -> dict:
    """The style (v8) drawing every public layer from one multi-layer source."""
    specs = [s for s in layers_for(None)][:MAX_LAYERS]
    key = ",".join(s.slug for s in specs)
    style_layers = [
        {"id": "background", "type": "background", "paint": {"background-color": "#f4f1ea"}}
    ]
    for i, spec in enumerate(specs):
        style_layers += _style_layers(spec, _PALETTE[i % len(_PALETTE)])
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

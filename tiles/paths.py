"""What tile URLs look like, and JSON answers for the paths under /tiles/ that are not one.

Tile numbers are matched as signed integers, so that ``/tiles/areas/-1/0/0.mvt`` reaches the
range check (400, "Zoom -1 is out of range") instead of Django's HTML 404; a tile path with
a number that is not one (``/tiles/areas/a/b/c.mvt``) is a 400 naming it, and any other path
under /tiles/ a JSON 404 saying what the tile URLs are.
"""

import re

from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import InvalidParameter, NotFound, json_errors

_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class TileNumberConverter:
    """A tile's z, x or y: a whole number, signed so that the view can say it is out of
    range (at most 12 digits: a longer one is out of range anyway, see ``bad_tile``)."""

    regex = "-?[0-9]{1,12}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


@require_GET
@json_errors
def bad_tile(request, layers: str, z: str, x: str, y: str):
    """A tile path whose z, x or y is not a whole number (or one of more than 12 digits)."""
    for name, raw in (("z", z), ("x", x), ("y", y)):
        if _WHOLE_NUMBER.fullmatch(raw):
            if len(raw.lstrip("-")) > 12:
                raise InvalidParameter(
                    _("Tile {name}={value} is out of range.").format(name=name, value=raw[:20]),
                    parameter=name,
                )
            continue
        raise InvalidParameter(
            _("Tile {name} must be a whole number, got {raw}.").format(
                name=name, raw=repr(raw[:40])
            ),
            parameter=name,
        )
    return unknown_path(request)  # every number fits: the tile route would have matched


@json_errors
def unknown_path(request, rest: str = ""):
    """Any other path under /tiles/: a JSON 404 listing the URLs there are."""
    raise NotFound(
        _(
            "No tile resource at {path}. Vector tiles are /tiles/{{layers}}/{{z}}/{{x}}/{{y}}.mvt, "
            "TileJSON /tiles/{{layers}}.json and the style /tiles/style.json; raster tiles "
            "come from MapProxy (WMTS, TMS, WMS)."
        ).format(path=request.path)
    )

"""What the HTTP front cache in front of gunicorn (Varnish, ``front/commonmap.vcl``) may
keep, and the tags it forgets answers by.

The front keeps an answer only when the app tags it (``tag``) and its ``Cache-Control`` is
``public`` (a 200 or 204, no ``Set-Cookie``); everything else goes to the app every time.
A tagged answer names the layers it is made from, and a vector tile its ``z/x/y`` too, so
that a write forgets exactly the answers it changes: the purger (``manage.py
front_purger``) turns the database's notifications into bans on these headers.

What a view must know about the front (scripts/front.sh, README "Two commands"):

* only ``/tiles/`` and ``/api/v1/layers/`` are looked up, for GET and HEAD; a request with a
  session cookie, ``Authorization`` or ``X-Api-Key`` always reaches the app, so an answer
  that depends on who asks must still say ``private`` (a Basic or bearer caller's answer is
  never kept, but a view cannot know which caller sees it next);
* the app sees ``Accept-Language: vi`` or ``en`` (the ``django_language`` cookie first),
  no other cookie, and the key includes that language, the URL and the host;
* the front keeps a tagged answer for ``FRONT_TTL`` (a day) whatever its ``max-age`` (the
  browser's); ``Surrogate-Control: max-age=N`` shortens it for one answer.
"""

LAYERS_HEADER = "X-Cm-Layers"
TILE_HEADER = "X-Cm-Tile"
# Answers made from the registry's list of layers (the style): forgotten when any layer
# is added, changed or removed.
EVERY_LAYER = "*"


def tag(response, slugs, tile: tuple[int, int, int] | None = None):
    """Name the layers (and the tile) an answer is made from: ``,a,b,`` and ``z/x/y``."""
    response[LAYERS_HEADER] = "," + ",".join(slugs) + ","
    if tile is not None:
        response[TILE_HEADER] = "/".join(str(n) for n in tile)
    return response

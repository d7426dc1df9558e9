"""A map on another origin draws the common map: MapLibre GL JS (from the npm registry,
``package.json``) on a page served by a second local server, a different port from the app's,
loads ``/tiles/style.json``, its TileJSON and tiles across origins in Chromium."""

import io
import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from layers.layer_specs import areas_spec
from layers.spec import hex_rgb

ROOT = Path(__file__).resolve().parents[2]
AREAS_PAINT = areas_spec().paint
MAPLIBRE = ROOT / "node_modules" / "maplibre-gl" / "dist"
BEN_THANH = (106.7009, 10.7769)
# Colours of the style: its background, and the wards' fill (translucent) and border as
# the areas' declaration gives them (layers/layer_specs.py), which only the tiles can put there.
BACKGROUND = (0xF4, 0xF1, 0xEA)
FILL = hex_rgb(AREAS_PAINT.fill)
OPACITY = AREAS_PAINT.for_value("ward").fill_opacity
WARD_FILL = tuple(
    round((1 - OPACITY) * b + OPACITY * f) for b, f in zip(BACKGROUND, FILL, strict=True)
)
WARD_LINE = hex_rgb(AREAS_PAINT.colour)
LOAD_TIMEOUT_MS = 30_000

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Another origin</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="maplibre-gl.css">
<style>html, body, #map {{ margin: 0; width: 800px; height: 600px; }}</style>
</head><body><div id="map"></div>
<script src="maplibre-gl.js"></script>
<script>
  window.mapErrors = [];
  const map = new maplibregl.Map({{
    container: "map",
    style: {style_url},
    center: {center},
    zoom: 13,
    fadeDuration: 0,
    attributionControl: false,
  }});
  map.on("error", (event) => window.mapErrors.push(String(event.error && event.error.message)));
  map.once("idle", () => {{ window.mapIdle = true; }});
</script></body></html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the page and MapLibre's files, without a log line per request."""

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def other_origin(server_url, tmp_path_factory) -> Iterator[str]:
    """A second local origin (another port) serving the map page and MapLibre GL JS."""
    if not (MAPLIBRE / "maplibre-gl.js").is_file():
        pytest.fail("node_modules/maplibre-gl is missing: `make venv` (npm ci) installs it")
    site = tmp_path_factory.mktemp("other-origin")
    for name in ("maplibre-gl.js", "maplibre-gl.css"):
        (site / name).symlink_to(MAPLIBRE / name)
    (site / "index.html").write_text(
        PAGE.format(
            style_url=json.dumps(f"{server_url}/tiles/style.json"),
            center=json.dumps(list(BEN_THANH)),
        ),
        encoding="utf-8",
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db  # also makes pytest-django create the test database the server uses
def test_the_style_and_tilejson_give_urls_another_origin_can_follow(client):
    style = client.get("/tiles/style.json", headers={"origin": "http://127.0.0.1:1"})
    assert style["Access-Control-Allow-Origin"] == "*"
    tilejson_url = style.json()["sources"]["commonmap"]["url"]
    assert tilejson_url.startswith("http://testserver/tiles/")
    tilejson = client.get(tilejson_url.removeprefix("http://testserver"))
    assert tilejson.json()["tiles"][0].startswith("http://testserver/tiles/")


def _share(pixels: list[tuple[int, int, int]], colour: tuple[int, int, int]) -> float:
    near = sum(1 for p in pixels if all(abs(a - b) <= 12 for a, b in zip(p, colour, strict=True)))
    return near / len(pixels)


@pytest.mark.browser
def test_a_maplibre_map_on_another_origin_draws_the_tiles(webgl_browser, server_url, other_origin):
    context = webgl_browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    console_errors: list[str] = []
    app_answers: list[tuple[int, str, str | None]] = []
    failed: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    page.on(
        "response",
        lambda r: (
            app_answers.append((r.status, r.url, r.headers.get("access-control-allow-origin")))
            if r.url.startswith(server_url)
            else None
        ),
    )
    try:
        page.goto(f"{other_origin}/index.html")
        page.wait_for_function("window.mapIdle === true", timeout=LOAD_TIMEOUT_MS)
        map_errors = page.evaluate("window.mapErrors")
        shot = page.locator("#map").screenshot()
    finally:
        context.close()

    assert console_errors == [] and map_errors == [] and failed == []
    urls = [url for _status, url, _origin in app_answers]
    assert f"{server_url}/tiles/style.json" in urls
    assert any(url.endswith(".json") and "/tiles/areas" in url for url in urls)  # TileJSON
    tiles = [(s, url, o) for s, url, o in app_answers if url.endswith(".mvt")]
    assert len(tiles) >= 4, app_answers
    # Every answer of the app was a success, and shared with the other origin.
    assert all(status in (200, 204) for status, _url, _origin in app_answers), app_answers
    assert all(origin == "*" for _status, _url, origin in app_answers), app_answers

    image = Image.open(io.BytesIO(shot)).convert("RGB")
    pixels = list(image.get_flattened_data())
    assert _share(pixels, WARD_FILL) > 0.5, "the wards are not filled"
    assert _share(pixels, WARD_LINE) > 0.005, "no ward borders"

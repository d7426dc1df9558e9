"""Benchmark: what the site's main pages cost a browser on a cold load, in Debian's Chromium.

For each page (the citizens' map ``/``, ``/track/``, ``/signin/``, and signed in:
``/dashboard/``, ``/workspace/``, ``/workspace/imports/``) it makes ``--runs`` cold loads,
each in a new browser context (empty cache, no service worker), and reports the medians of:

  first-load bytes  the encoded (compressed, as sent) size of every response, headers
                    included, until the network is idle after the page has drawn its map:
                    by type (HTML, JS, CSS, tiles, JSON, other) and in total;
  map render        ``performance.mark("commonmap:map-rendered")``, which the map pages emit
                    once, when the map is first drawn: ms from the start of navigation.

Baselines, measured in the same run on the same machine:

  bytes   MapLibre GL JS's own files (the CSP build, its worker and its CSS) as the server
          under test sends them to a browser (compressed): the least any page with a
          MapLibre map can weigh;
  render  a bare MapLibre page on the same ``/tiles/style.json`` at the same size, served
          from a temporary folder on another port (as tests/web/test_cross_origin_map.py
          does), marking the same moment (its map's first ``idle``).

Run it after ``make run`` has loaded the demo data:

    .venv/bin/python bench/pages.py                  # its own gunicorn on the dev database
    .venv/bin/python bench/pages.py --runs 9 --viewport 360x740
    .venv/bin/python bench/pages.py --url http://127.0.0.1:8000   # the running `make run`

By default it runs ``collectstatic`` and starts gunicorn as in production (DEBUG off, so
static files are served compressed by whitenoise). It creates a staff user
(``bench_pages``, city staff) with a session for the signed-in pages, and deletes both at
the end; with ``--url`` that server must use the same database. Chromium is Debian's
(``/usr/bin/chromium``), with SwiftShader for WebGL; no request may leave 127.0.0.1. It
exits 1 when a page does not answer 200, a request fails or leaves 127.0.0.1, or a map page
never marks its render. Nothing here is a test: the suite asserts no timings.
"""

import argparse
import importlib
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import _common  # noqa: F401  (sets Django up first)
from _common import ROOT, row, serve
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Permission, User
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from feedback.models import Role, StaffMembership

# The same Chromium and flags as tests/web/conftest.py, with SwiftShader for WebGL.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
MAPLIBRE = ROOT / "node_modules" / "maplibre-gl" / "dist"
MAPLIBRE_FILES = ("maplibre-gl-csp.js", "maplibre-gl-csp-worker.js", "maplibre-gl.css")
MARK = "commonmap:map-rendered"
USERNAME = "bench_pages"
TIMEOUT_MS = 60_000
POLL_MS = 25
# The document's Resource Timing entries: URL and bytes as sent (headers included).
TIMED = "performance.getEntriesByType('resource').map((e) => [e.name, e.transferSize])"
KINDS = ("HTML", "JS", "CSS", "tiles", "JSON", "other")


@dataclass(frozen=True)
class MainPage:
    """A page to load: its path, whether it needs a signed-in staff member, and whether it
    draws a map (then the load waits for the render mark)."""

    path: str
    signed_in: bool = False
    has_map: bool = False


PAGES = (
    MainPage("/", has_map=True),
    MainPage("/track/"),
    MainPage("/signin/"),
    MainPage("/dashboard/", signed_in=True, has_map=True),
    MainPage("/workspace/", signed_in=True),
    MainPage("/workspace/imports/", signed_in=True),
)

BARE_PAGE = r"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bare MapLibre</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="maplibre-gl.css">
<style>html, body, #map {{ margin: 0; width: 100%; height: 100%; }}</style>
</head><body><div id="map"></div>
<script src="maplibre-gl-csp.js"></script>
<script>
  // The app's style as it is, or keeping only the layers of --layers (null: all).
  const layers = {layers};
  maplibregl.setWorkerUrl("maplibre-gl-csp-worker.js");
  fetch({style_url}).then((answer) => answer.json()).then((style) => {{
    const source = style.sources.commonmap;
    if (layers) {{
      source.url = source.url.replace(/\/tiles\/[^/]+\.json$/, `/tiles/${{layers}}.json`);
      style.layers = style.layers.filter(
        (layer) => !layer["source-layer"] || layers.includes(layer["source-layer"]));
    }}
    const map = new maplibregl.Map({{container: "map", style}});
    map.once("idle", () => performance.mark({mark}));
  }});
</script></body></html>
"""


@dataclass
class Load:
    """One cold load: encoded bytes by kind, the render mark (ms) and what went wrong."""

    bytes_by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    render_ms: float | None = None
    problems: list[str] = field(default_factory=list)


def _kind(url: str, resource_type: str, content_type: str) -> str:
    path = urlsplit(url).path
    if resource_type == "document":
        return "HTML"
    if path.endswith((".mvt", ".pbf")) or (path.startswith("/tiles/") and "image/" in content_type):
        return "tiles"
    if resource_type == "script" or path.endswith((".js", ".mjs")):
        return "JS"
    if resource_type == "stylesheet" or path.endswith(".css"):
        return "CSS"
    if "json" in content_type or path.endswith(".json"):
        return "JSON"
    return "other"


def cold_load(browser: Browser, url: str, viewport: dict, cookies: list, has_map: bool) -> Load:
    """Load ``url`` in a new context (empty cache) until the network is idle; measure it."""
    load = Load()
    context = browser.new_context(locale="vi-VN", viewport=viewport)
    context.add_cookies(cookies)
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.on("requestfailed", lambda r: load.problems.append(f"failed: {r.url} {r.failure}"))
    page.on("pageerror", lambda error: load.problems.append(f"exception: {error}"))
    try:
        response = page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        if response is None or response.status != 200:
            load.problems.append(f"{url} answered {response and response.status}")
        if has_map:
            _wait_for_mark(page, load)
        try:
            page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        except PlaywrightTimeoutError:
            load.problems.append(f"the network was not idle after {TIMEOUT_MS} ms")
        load.render_ms = load.render_ms or _mark(page)
        for request in finished:
            if not request.url.startswith(("http://", "https://")):
                continue  # data: and blob: URLs cost no transfer
            if urlsplit(request.url).hostname != "127.0.0.1":
                load.problems.append(f"left 127.0.0.1: {request.url}")
            answer = request.response()
            if answer is not None and answer.status >= 400:
                load.problems.append(f"{answer.status}: {request.url}")
            sizes = request.sizes()
            kind = _kind(
                request.url,
                request.resource_type,
                (answer.headers.get("content-type", "") if answer else ""),
            )
            load.bytes_by_kind[kind] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        # A dedicated worker's own script is fetched for the worker's target, which Playwright
        # may attach to too late to see: the document's Resource Timing entries have it.
        seen = {request.url for request in finished}
        for url, size in page.evaluate(TIMED):
            if url not in seen and url.startswith(("http://", "https://")):
                load.bytes_by_kind[_kind(url, "", "")] += size
    finally:
        context.close()
    return load


def _mark(page: Page) -> float | None:
    return page.evaluate(
        f"(performance.getEntriesByName({json.dumps(MARK)})[0] || {{}}).startTime ?? null"
    )


def _wait_for_mark(page: Page, load: Load) -> None:
    # Polled from here: Playwright's wait_for_function evaluates a string, which the pages'
    # Content-Security-Policy (no 'unsafe-eval') refuses.
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        load.render_ms = _mark(page)
        if load.render_ms is not None:
            return
        page.wait_for_timeout(POLL_MS)
    load.problems.append(f"no {MARK} mark in {TIMEOUT_MS} ms")


@contextmanager
def bare_maplibre_site(style_url: str, layers: list[str] | None) -> Iterator[str]:
    """A second local origin serving a bare MapLibre page on the app's style, showing
    ``layers`` only."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
        site = Path(folder)
        for name in MAPLIBRE_FILES:
            (site / name).symlink_to(MAPLIBRE / name)
        html = BARE_PAGE.format(
            style_url=json.dumps(style_url), layers=json.dumps(layers), mark=json.dumps(MARK)
        )
        (site / "index.html").write_text(html, encoding="utf-8")
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=folder))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
        finally:
            server.shutdown()
            server.server_close()


def maplibre_bytes(base_url: str) -> int:
    """MapLibre's JS (CSP build and worker) and CSS as the server sends them to a browser
    that accepts gzip and brotli: the encoded body sizes (urllib does not decode them)."""
    total = 0
    for name in MAPLIBRE_FILES:
        request = urllib.request.Request(
            f"{base_url}/static/vendor/maplibre-gl/{name}",
            headers={"Accept-Encoding": "gzip, deflate, br"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            total += len(answer.read())
    return total


def bench_user() -> tuple[User, str]:
    """A city staff member (sees the dashboard, the workspace and the imports) with a
    session, and the session's key."""
    User.objects.filter(username=USERNAME).delete()
    user = User.objects.create_user(USERNAME, is_staff=True)
    StaffMembership.objects.create(user=user, role=Role.CITY_STAFF)
    # GIS staff too: the imports page is for those who may add import jobs.
    user.user_permissions.add(Permission.objects.get(codename="add_importjob"))
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return user, store.session_key


def remove_bench_user(session_key: str) -> None:
    """Delete the bench user and its session."""
    importlib.import_module(settings.SESSION_ENGINE).SessionStore(session_key).delete()
    User.objects.filter(username=USERNAME).delete()


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _kb(value: float) -> str:
    return f"{value / 1000:.1f}"


def report(results: dict[str, list[Load]], bare: list[Load], maplibre: int) -> None:
    """Print the medians, and the ratios to the baselines."""
    bare_ms = _median([load.render_ms for load in bare])
    print("\nFirst load (kB as sent, median) and first map render (ms, median)\n")
    row("page", *KINDS, "total", "/MapLibre", "render", "/bare", width=22, cell=9)
    for path, loads in results.items():
        kinds = [_median([load.bytes_by_kind[k] for load in loads]) or 0 for k in KINDS]
        total = _median([sum(load.bytes_by_kind.values()) for load in loads]) or 0
        render = _median([load.render_ms for load in loads])
        row(
            path,
            *(_kb(v) for v in kinds),
            _kb(total),
            f"{total / maplibre:.2f}",
            "—" if render is None else f"{render:.0f}",
            "—" if render is None or not bare_ms else f"{render / bare_ms:.2f}",
            width=22,
            cell=9,
        )
    print("\nBaselines (same run, same machine)")
    row("MapLibre JS+CSS (kB as sent)", _kb(maplibre), width=40, cell=10)
    row(
        "bare MapLibre page: render (ms)",
        "—" if bare_ms is None else f"{bare_ms:.0f}",
        width=40,
        cell=10,
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server on the same database (make run)")
    parser.add_argument("--runs", type=int, default=5, help="cold loads per page (default 5)")
    parser.add_argument("--viewport", default="1280x800", help="WIDTHxHEIGHT (default 1280x800)")
    parser.add_argument(
        "--no-collectstatic", action="store_true", help="serve the static files as collected"
    )
    parser.add_argument("--only", nargs="*", help="only these paths (e.g. / /signin/)")
    parser.add_argument(
        "--layers",
        help="only these layers (slug,slug), on the map page (?layers=) and the bare page; "
        "by default the map page's own choice and the whole style",
    )
    return parser.parse_args()


def measure(base: str, pages: list[MainPage], session_key: str, args) -> list[str]:
    """Load the bare page and every page cold, in turns, ``--runs`` times; print; return
    the problems seen."""
    width, height = (int(n) for n in args.viewport.lower().split("x"))
    viewport = {"width": width, "height": height}
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base}
    maplibre = maplibre_bytes(base)
    results: dict[str, list[Load]] = {p.path: [] for p in pages}
    bare: list[Load] = []
    layers = args.layers.split(",") if args.layers else None
    with (
        bare_maplibre_site(f"{base}/tiles/style.json", layers) as bare_url,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # In turns, so that every page meets the same load on the machine.
            for run in range(args.runs):
                bare.append(cold_load(browser, bare_url, viewport, [], True))
                for p in pages:
                    cookies = [cookie] if p.signed_in else []
                    chosen = f"?layers={args.layers}" if args.layers and p.path == "/" else ""
                    url = base + p.path + chosen
                    load = cold_load(browser, url, viewport, cookies, p.has_map)
                    results[p.path].append(load)
                print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
        finally:
            browser.close()
    report(results, bare, maplibre)
    problems = []
    for what, loads in [("bare MapLibre page", bare), *results.items()]:
        problems += sorted({f"{what}: {problem}" for load in loads for problem in load.problems})
    return problems


def main() -> int:
    """Start (or use) a server, load every page cold --runs times, print, clean up."""
    args = _arguments()
    pages = [p for p in PAGES if not args.only or p.path in args.only]
    if not args.url and not args.no_collectstatic:
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
        subprocess.run(collect, cwd=ROOT, check=True)
    _user, session_key = bench_user()
    try:
        with nullcontext(args.url.rstrip("/")) if args.url else serve() as base:
            problems = measure(base, pages, session_key, args)
    finally:
        remove_bench_user(session_key)
    if problems:
        print("\nPROBLEMS:\n  " + "\n  ".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

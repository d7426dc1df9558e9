"""Browser-test fixtures: the app under gunicorn on the test database, and Chromium.

pytest-django's ``live_server`` is not used: it makes tests transactional and flushes the
demo data that every other test shares. Instead a real gunicorn serves the (committed) test
database, as in production. It runs with ``DJANGO_DEBUG=1`` so that whitenoise finds static
files through the finders (``WHITENOISE_USE_FINDERS``) and a clean clone needs no
``collectstatic`` first.

Playwright's sync API keeps an asyncio event loop running in the test thread, and Django
refuses ORM calls while one runs (``SynchronousOnlyOperation``); tests therefore read the
database through ``read_db``, which runs the query in a worker thread. The server and the
browser are package-scoped, so that loop stops when the browser tests are done and the tests
that run after them use the ORM as usual.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import pytest
import requests
from django.db import connection, connections
from playwright.sync_api import Browser, Page, Request, sync_playwright

from tests import committed_reports
from tests.residents.idp import LocalIdentityProvider

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
CHROMIUM = "/usr/bin/chromium"  # Debian's package (scripts/install_system.sh); never downloaded
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SERVER_START_TIMEOUT_S = 60
MANAGE = ROOT / "manage.py"
# Fixtures through which a test commits rows, or has the served app commit them.
COMMITTING = {"server_url", "read_db", "committed"}

T = TypeVar("T")


def _test_database_url() -> str:
    """The URL of the database the tests use (pytest-django has renamed it test_...)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = quote(db["HOST"] or "127.0.0.1", safe="")  # a socket directory needs quoting
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


def manage_env(**extra: str) -> dict[str, str]:
    """The environment of a ``manage.py`` process of its own (a server, a worker, a
    command) on the test database, with ``extra`` settings."""
    return {**os.environ, "COMMONMAP_DEV": "1", "DATABASE_URL": _test_database_url(), **extra}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # refused, or a worker still booting
            pass
        time.sleep(0.2)
    pytest.fail(f"no answer from /healthz in {SERVER_START_TIMEOUT_S} s:\n{log.read_text()}")


@pytest.fixture(scope="package")
def resident_idp() -> Iterator[LocalIdentityProvider]:
    """A local OpenID Connect provider whose tokens the served app accepts from residents."""
    provider = LocalIdentityProvider()
    yield provider
    provider.close()


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="package")
def mapproxy_port() -> int:
    """The port MapProxy will serve on: the app's pages name it before MapProxy starts."""
    return _free_port()


@pytest.fixture(scope="package")
def server_url(django_db_setup, tmp_path_factory, resident_idp, mapproxy_port) -> Iterator[str]:
    """Base URL of gunicorn serving the app on the test database with the demo data."""
    database = connection.settings_dict["NAME"]
    if not database.startswith("test_"):
        # pytest-django creates the test database only when a collected test asks for it.
        pytest.fail(
            f"the browser tests would serve {database}, not a test database: collect a test "
            "that uses the database with them (tests/web/test_database.py does)"
        )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {
        **manage_env(),
        "DJANGO_DEBUG": "1",
        # Residents sign in with tokens of the local provider (tests/residents/idp.py).
        "COMMONMAP_OIDC_ISSUER": resident_idp.issuer,
        "COMMONMAP_OIDC_JWKS_URL": resident_idp.jwks_url,
        "COMMONMAP_OIDC_AUDIENCE": resident_idp.audience,
        "COMMONMAP_RESIDENT_SECRET": "browser-tests-resident-secret",
        # The map's no-WebGL fallback draws MapProxy's tiles (the mapproxy_url fixture).
        "COMMONMAP_MAPPROXY_URL": f"http://127.0.0.1:{mapproxy_port}",
    }
    command = [
        str(GUNICORN),
        "geoportal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        # Threads, so that a page's navigation is not queued behind the tiles the page it
        # leaves was still drawing (two sync workers were held 30 s by them in one CI run).
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--graceful-timeout",
        "5",
        "--no-control-socket",  # gunicorn 27 shares one socket path between instances
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        _wait_until_healthy(url, process, log)
        yield url
    finally:
        # Before pytest-django drops the test database, which fails while workers hold
        # connections to it.
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class MapProxy:
    url: str
    directory: Path  # where mapproxy.yaml, seed.yaml and cache/ are


@pytest.fixture(scope="package")
def mapproxy(server_url, mapproxy_port, tmp_path_factory) -> Iterator[MapProxy]:
    """MapProxy under gunicorn (as ``make run`` starts it), configured by
    ``manage.py mapproxy_config`` for the app at ``server_url``, on ``mapproxy_port``."""
    directory = tmp_path_factory.mktemp("mapproxy-shared")
    env = manage_env()
    configure = ["mapproxy_config", "--url", server_url, "--output-dir", str(directory)]
    subprocess.run(
        [sys.executable, str(MANAGE), *configure],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    url = f"http://127.0.0.1:{mapproxy_port}"
    log = directory / "gunicorn.log"
    command = [
        str(GUNICORN),
        "tiles.mapproxy.wsgi:application",
        "--bind",
        f"127.0.0.1:{mapproxy_port}",
        "--workers",
        "2",
        "--no-control-socket",
    ]
    env["COMMONMAP_MAPPROXY_CONFIG"] = str(directory / "mapproxy.yaml")
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"MapProxy exited with {process.returncode}:\n{log.read_text()}")
            try:
                if requests.get(f"{url}/demo/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # still booting
                pass
            if time.monotonic() > deadline:
                waited = f"MapProxy did not answer in {SERVER_START_TIMEOUT_S} s"
                pytest.fail(f"{waited}:\n{log.read_text()}")
            time.sleep(0.2)
        yield MapProxy(url, directory)
    finally:
        _stop(process)


@pytest.fixture(scope="package")
def mapproxy_url(mapproxy) -> str:
    """The shared MapProxy's address."""
    return mapproxy.url


@pytest.fixture(scope="package")
def browser(server_url, mapproxy_url) -> Iterator[Browser]:
    """Headless Chromium, started after (so stopped before) the server, MapProxy (which the
    map's no-WebGL fallback asks for tiles) and the database."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="package")
def webgl_browser(browser) -> Iterator[Browser]:
    """Chromium able to draw WebGL without a GPU (SwiftShader, which Chromium no longer
    falls back to by itself), from the same Playwright as the other browser tests."""
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
    )
    yield chromium
    chromium.close()


@pytest.fixture
def browser_errors() -> list[str]:
    """What went wrong in the page: console errors, uncaught exceptions, HTTP errors."""
    return []


def _failed(request: Request) -> bool:
    """Whether a request that did not complete went wrong: a raster map cancels the tile
    images it no longer needs when it moves (``net::ERR_ABORTED``), which is no error."""
    return not (request.resource_type == "image" and request.failure == "net::ERR_ABORTED")


def _open_page(browser: Browser, locale: str, errors: list[str]) -> Iterator[Page]:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else 0)
    page.on("pageerror", lambda error: errors.append(f"exception: {error}"))
    page.on("requestfailed", lambda r: _failed(r) and errors.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: errors.append(f"{r.status}: {r.url}") if r.status >= 400 else 0)
    yield page
    context.close()


@pytest.fixture
def page(browser, browser_errors) -> Iterator[Page]:
    """A fresh page in a browser that prefers Vietnamese, like most of the site's readers."""
    yield from _open_page(browser, "vi-VN", browser_errors)


@pytest.fixture
def webgl_page(webgl_browser, browser_errors) -> Iterator[Page]:
    """A fresh Vietnamese page (1280x800) in the Chromium that draws WebGL (MapLibre)."""
    yield from _open_page(webgl_browser, "vi-VN", browser_errors)


@pytest.fixture
def en_page(browser, browser_errors) -> Iterator[Page]:
    """A fresh page in a browser that prefers English."""
    yield from _open_page(browser, "en-US", browser_errors)


@pytest.fixture(scope="package")
def read_db(django_db_setup, django_db_blocker) -> Callable[[Callable[[], T]], T]:
    """Run an ORM query in a worker thread, outside Playwright's event loop (see above)."""

    def in_worker_thread(query: Callable[[], T]) -> T:
        try:
            return query()
        finally:
            connections.close_all()

    def read(query: Callable[[], T]) -> T:
        with django_db_blocker.unblock(), ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(in_worker_thread, query).result()

    return read


@pytest.fixture(scope="module", autouse=True)
def _no_report_left_behind(request) -> Iterator[None]:
    """Fail the module if what its reports wrote is still there once its fixtures are
    done: a row of a table reports write to, a delivery job, or a share of the map's or
    the dashboard's sums (tests/committed_reports.py). Autouse, so set up before the
    module's own fixtures and torn down after them. A module that never commits is not
    checked, so that it alone never creates the test database."""
    tests = [test for test in request.session.items if test.module is request.module]
    if not any(COMMITTING & set(test.fixturenames) for test in tests):
        yield
        return
    read_db = request.getfixturevalue("read_db")
    before = read_db(committed_reports.mark)
    yield
    left = read_db(lambda: committed_reports.made_since(before))
    assert not left, f"{request.module.__name__} left what its reports wrote: {left}"

"""MapProxy's own answers (its port, no Django in front) say ``X-Content-Type-Options:
nosniff`` like the app's: the real MapProxy app, loaded by ``tiles.mapproxy.wsgi`` from a
configuration the command writes, called through WSGI."""

import importlib.util
import io
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pyproj.datadir
import pytest
from django.core.management import call_command

# Loaded by path, not imported: importing it loads the configuration of a `make run`.
WSGI_FILE = Path(__file__).resolve().parents[2] / "tiles" / "mapproxy" / "wsgi.py"


def call(app, path: str) -> tuple[str, dict[str, str], bytes]:
    """(status, headers, body) of a GET of ``path``."""
    environ = {"PATH_INFO": path, "QUERY_STRING": "", "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers

    body = b"".join(app(environ, start_response))
    names = [name.lower() for name, _value in seen["headers"]]
    assert len(names) == len(set(names)), f"a header twice: {seen['headers']}"
    return seen["status"], {k.lower(): v for k, v in seen["headers"]}, body


@pytest.fixture
def mapproxy_wsgi(db, tmp_path, monkeypatch):
    """The module ``tiles.mapproxy.wsgi`` as gunicorn loads it, on a fresh configuration."""
    call_command("mapproxy_config", "--url", "http://127.0.0.1:9", "--output-dir", tmp_path)
    monkeypatch.setenv("COMMONMAP_MAPPROXY_CONFIG", str(tmp_path / "mapproxy.yaml"))
    spec = importlib.util.spec_from_file_location("mapproxy_wsgi_under_test", WSGI_FILE)
    module = importlib.util.module_from_spec(spec)
    # MapProxy points pyproj, for the whole process, at the proj.db the command wrote (where
    # EPSG:6960 supersedes EPSG:5194): give later tests plain PROJ back.
    data_dir = pyproj.datadir.get_data_dir()
    spec.loader.exec_module(module)
    yield module
    pyproj.datadir.set_data_dir(data_dir)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/wmts/1.0.0/WMTSCapabilities.xml", "200 OK"),
        ("/demo/", "200 OK"),
        ("/no-such-service", "404 Not Found"),
    ],
)
def test_mapproxy_answers_say_nosniff(mapproxy_wsgi, path, status):
    got, headers, _body = call(mapproxy_wsgi.application, path)
    assert got == status
    assert headers["x-content-type-options"] == "nosniff"


def test_the_wrapper_sets_the_header_once(mapproxy_wsgi):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("x-content-type-options", "x")])
        return [b"ok"]

    status, headers, body = call(mapproxy_wsgi.nosniff(app), "/")
    assert (status, body) == ("200 OK", b"ok")
    assert headers == {"content-type": "text/plain", "x-content-type-options": "nosniff"}

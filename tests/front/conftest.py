"""The front cache (Varnish through ``scripts/front.sh``) in front of the test gunicorn.

``front_url`` starts varnishd in a temporary directory on a free port in front of
``server_url`` (tests/web/conftest.py) and stops it after the package. Another package uses
it by importing it with the fixtures it needs, as tests/layers/test_broken_streams.py
imports ``server_url``::

    from tests.front.conftest import front_url  # noqa: F401
    from tests.web.conftest import mapproxy_port, resident_idp, server_url  # noqa: F401

and by collecting a test that uses the database (pytest-django creates the test database
only then; tests/web/test_database.py). In this package the app behind the front also reads
the caller's address from ``X-Forwarded-For`` (``COMMONMAP_CLIENT_IP_HEADER``), as
``make run`` configures it.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import (  # noqa: F401 (gunicorn on the test database)
    mapproxy_port,
    resident_idp,
    server_url,
)

ROOT = Path(__file__).resolve().parents[2]
FRONT_SH = ROOT / "scripts" / "front.sh"
CLIENT_IP_HEADER = "X-Forwarded-For"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="package", autouse=True)
def _app_behind_the_front() -> Iterator[None]:
    """The app started for this package trusts the front's X-Forwarded-For (autouse: set
    before ``server_url`` starts gunicorn, which inherits the environment)."""
    before = os.environ.get("COMMONMAP_CLIENT_IP_HEADER")
    os.environ["COMMONMAP_CLIENT_IP_HEADER"] = CLIENT_IP_HEADER
    yield
    if before is None:
        os.environ.pop("COMMONMAP_CLIENT_IP_HEADER", None)
    else:
        os.environ["COMMONMAP_CLIENT_IP_HEADER"] = before


def front_env(directory: Path, listen: str, backend: str) -> dict[str, str]:
    """The environment ``scripts/front.sh`` reads for one front."""
    return {
        **os.environ,
        "FRONT_DIR": str(directory),
        "FRONT_LISTEN": listen,
        "FRONT_BACKEND": backend,
        "FRONT_CACHE_SIZE": "64m",
    }


@pytest.fixture(scope="package")
def front_url(server_url) -> Iterator[str]:  # noqa: F811
    """Base URL of Varnish with front/commonmap.vcl in front of ``server_url``."""
    # Not under pytest's 0700 temporary root: varnishd's child runs as the varnish user.
    directory = Path(tempfile.mkdtemp(prefix="cm-front-"))
    listen = f"127.0.0.1:{_free_port()}"
    env = front_env(directory, listen, server_url.removeprefix("http://"))
    started = subprocess.run(
        [str(FRONT_SH), "start"], env=env, capture_output=True, text=True, timeout=120
    )
    if started.returncode != 0:
        shutil.rmtree(directory, ignore_errors=True)
        pytest.fail(f"scripts/front.sh start failed:\n{started.stdout}\n{started.stderr}")
    try:
        yield f"http://{listen}"
    finally:
        subprocess.run([str(FRONT_SH), "stop"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(directory, ignore_errors=True)

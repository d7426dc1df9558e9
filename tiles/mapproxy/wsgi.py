"""MapProxy as a WSGI app: ``gunicorn tiles.mapproxy.wsgi:application --bind 127.0.0.1:8001``.

Serves the configuration that ``manage.py mapproxy_config`` wrote: the file named by
``COMMONMAP_MAPPROXY_CONFIG``, by default ``run/mapproxy/mapproxy.yaml`` of the project.
It is loaded here, at import, so that a bad configuration stops gunicorn at start-up
(``gunicorn --check-config`` too) instead of failing the first request. No Django in this
process: MapProxy reaches the app over HTTP only.
"""

import logging
import os
from pathlib import Path

from mapproxy.wsgiapp import make_wsgi_app

ROOT = Path(__file__).resolve().parents[2]
CONFIG = os.environ.get(
    "COMMONMAP_MAPPROXY_CONFIG", str(ROOT / "run" / "mapproxy" / "mapproxy.yaml")
)

# MapProxy reports source errors through logging only: send them to gunicorn's error log.
logging.basicConfig(
    level=logging.WARNING, format="[%(asctime)s] %(name)s %(levelname)s %(message)s"
)


def nosniff(app):
    """WSGI middleware: every answer says ``X-Content-Type-Options: nosniff``, as the app's
    own do, so that a browser never runs a tile or an error page as something else."""

    def wrapped(environ, start_response):
        def start(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != "x-content-type-options"]
            headers.append(("X-Content-Type-Options", "nosniff"))
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return wrapped


application = nosniff(make_wsgi_app(CONFIG))

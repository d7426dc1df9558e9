"""WSGI entry point for gunicorn: anonymous reads of public map data take the lean path
(geoportal/lean.py), everything else Django's full stack."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
full = get_wsgi_application()

from geoportal.lean import LeanHandler, dispatching  # noqa: E402 (Django is set up now)

application = dispatching(full, LeanHandler())

"""Front-end packages served as static files straight from ``node_modules``.

npm installs them from ``package.json`` and its lock file (``make venv`` runs ``npm ci``);
nothing is copied into the repository and nothing is fetched from a CDN at run time. Only
the files the pages load are exposed (not the development builds or type definitions), under
``/static/vendor/<package>/``.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

# static prefix -> (folder under node_modules, files served from it)
PACKAGES = {
    "vendor/maplibre-gl": (
        "maplibre-gl/dist",
        ("maplibre-gl-csp.js", "maplibre-gl-csp-worker.js", "maplibre-gl.css", "LICENSE.txt"),
    ),
}


def _node_modules() -> Path:
    return Path(settings.BASE_DIR) / "node_modules"


class NodeModulesFinder(BaseFinder):
    """Finds the listed files of the npm packages in ``PACKAGES``."""

    def check(self, **kwargs) -> list[Error]:
        """An error per listed file npm has not installed (``npm ci`` was not run)."""
        missing = [
            str(_node_modules() / folder / name)
            for folder, names in PACKAGES.values()
            for name in names
            if not (_node_modules() / folder / name).is_file()
        ]
        return [
            Error(f"{path} is missing", hint="Run `npm ci` (make venv does).", id="geoportal.E101")
            for path in missing
        ]

    def find(self, path: str, find_all: bool = False, **kwargs):
        """The file under node_modules that serves ``path``, if it is one of the listed."""
        prefix, _, name = path.rpartition("/")
        package = PACKAGES.get(prefix)
        found = []
        if package and name in package[1]:
            candidate = _node_modules() / package[0] / name
            if candidate.is_file():
                found.append(str(candidate))
        return found if find_all else (found[0] if found else [])

    def list(self, ignore_patterns):
        """Each listed file, for collectstatic."""
        for prefix, (folder, names) in PACKAGES.items():
            storage = FileSystemStorage(location=_node_modules() / folder)
            storage.prefix = prefix
            for name in names:
                if storage.exists(name):
                    yield name, storage

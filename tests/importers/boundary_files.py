"""Boundary files for the ``--layer areas`` tests: the demo city's wards, written out again."""

import json
import subprocess
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

from importers.params import AREAS, ImportParams
from importers.report import ImportReport
from importers.services import run_import
from layers.models import AdministrativeArea

GENERATION = "2025-07"
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)


def import_boundaries(path: Path, **options) -> ImportReport:
    """The importer core on a boundary file (what ``import_boundaries`` and the API call)."""
    options.setdefault("generation", GENERATION)
    return run_import(ImportParams(path=path, layer=AREAS, **options))


def wards(codes=None) -> list[AdministrativeArea]:
    """The wards of the generation the tests import into (those with ``codes`` only)."""
    found = AdministrativeArea.objects.filter(generation__slug=GENERATION, level="ward")
    return list(found.filter(code__in=codes) if codes else found)


def shape(area: AdministrativeArea) -> shapely.Geometry:
    """An area's geometry as shapely."""
    return shapely.from_wkb(bytes(area.geom.wkb))


def metres(geom: shapely.Geometry) -> shapely.Geometry:
    """A lon/lat geometry in UTM 48N metres (for distances)."""
    return shapely.transform(geom, lambda xy: np.column_stack(TO_UTM.transform(*xy.T)))


def write_features(path: Path, rows) -> Path:
    """A GeoJSON FeatureCollection of (properties, geometry) rows."""
    features = [{"type": "Feature", "properties": props, "geometry": geom} for props, geom in rows]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def ogr2ogr(*args) -> None:
    """GDAL's own converter, to write files the way other GIS tools do."""
    subprocess.run(["ogr2ogr", *map(str, args)], check=True, capture_output=True)

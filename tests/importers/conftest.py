"""Shared helpers of the importer tests: real files (copies of ../shared/data) and one runner."""

from pathlib import Path

import pytest
from django.utils import translation

from importers.params import ImportParams
from importers.services import run_import

# Copies of ../shared/data (a clean clone has no ../shared): tests/data/README.md.
SHARED = Path(__file__).resolve().parents[1] / "data" / "shared"
PROVINCES_SHP = SHARED / "derived" / "shp_wgs84" / "ne_vnm_admin1.shp"
PROVINCES_GPKG = SHARED / "derived" / "ne_vnm_admin1.gpkg"
PROVINCES_KML = SHARED / "derived" / "ne_vnm_admin1.kml"
PROVINCES_CSV = SHARED / "derived" / "ne_vnm_admin1_wkt.csv"
PROVINCES_GEOJSON = SHARED / "natural_earth" / "ne_10m_admin1_vnm.geojson"
PLACES_CSV = SHARED / "geonames" / "geonames_cities500_hcmc_region.csv"
PLACES_GEOJSON = SHARED / "geonames" / "geonames_cities500_hcmc_region.geojson"
PYOGRIO_FIXTURES = SHARED / "pyogrio_fixtures"


def do_import(path, layer: str = "test-layer", **options):
    """Run the importer core on ``path`` (the same call the command and the API make)."""
    return run_import(ImportParams(path=path, layer=layer, **options))


@pytest.fixture
def importer():
    """The importer core as a test calls it: ``importer(path, layer=..., mode=...)``."""
    return do_import


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    """A UTF-8 CSV at ``path`` with a header line."""
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)
    return path


def write_geojson(tmp_path: Path, geometries: list, name: str = "rows.geojson") -> Path:
    """A FeatureCollection file whose feature ``n`` (1-based) has the n-th geometry."""
    import json

    features = [
        {"type": "Feature", "properties": {"n": i + 1}, "geometry": g}
        for i, g in enumerate(geometries)
    ]
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


# GDAL warns when it drops an unparsable WKT; the importer then rejects the row.
IGNORE_BAD_WKT = pytest.mark.filterwarnings("ignore:Ignoring invalid WKT:RuntimeWarning")


@pytest.fixture
def markets_csv(tmp_path) -> Path:
    """Three markets as WKT points; row 2's WKT is cut short, so GDAL gives it no geometry."""
    return write_csv(
        tmp_path / "cho.csv",
        ["ma", "ten", "wkt"],
        [
            ["1", "Chợ Bến Thành", "POINT (106.6981 10.7725)"],
            ["2", "Chợ Bình Tây", "POINT (106.6506"],
            ["3", "Chợ Tân Định", "POINT (106.6903 10.7893)"],
        ],
    )


@pytest.fixture(autouse=True)
def english():
    """The core has no request to take a language from: the tests assert English messages
    (the site's default is Vietnamese; tests/importers/test_jobs.py checks that side)."""
    with translation.override("en"):
        yield

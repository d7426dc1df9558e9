"""Coordinate systems: VN-2000 in every form lands within 1 m of pyproj's official answer.

The files are real Shapefiles/CSVs written by GDAL at test time from the GeoNames places of
the city, projected with the EPSG:6960 operation picked out of PROJ's own list (not with
the importer's code). A file without a CRS is refused when its numbers are metres or
swapped lat/lon, and the message says what they look like.
"""

import json
import math

import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import CRS, Geod
from pyproj.transformer import TransformerGroup

from core.errors import InvalidParameter
from importers.crs import CrsNeeded
from layers.models import Feature
from tests.importers.conftest import PLACES_GEOJSON

pytestmark = pytest.mark.django_db

GEOD = Geod(ellps="WGS84")


def _official(source_epsg: int):
    """PROJ's transformer for ``source_epsg`` → WGS 84 that uses EPSG:6960 (lon/lat order)."""
    group = TransformerGroup(source_epsg, 4326, always_xy=True)
    chosen = [
        t
        for t in group.transformers
        if any(step.get("id", {}).get("code") == 6960 for step in json.loads(t.to_json())["steps"])
    ]
    assert chosen, "PROJ should know EPSG:6960"
    return chosen[0]


def _places():
    _meta, fids, geoms, _cols = pyogrio.raw.read(PLACES_GEOJSON, return_fids=True)
    return [int(f) for f in fids], shapely.from_wkb(geoms)


def _write_projected(tmp_path, epsg: int, crs_for_file, name="places.shp"):
    """The places in ``epsg`` coordinates (via EPSG:6960), written by GDAL with a .prj."""
    fids, points = _places()
    forward = _official(epsg)
    xs, ys = forward.transform([p.x for p in points], [p.y for p in points], direction="INVERSE")
    geoms = shapely.to_wkb(shapely.points(xs, ys))
    path = tmp_path / name
    pyogrio.raw.write(
        path,
        geoms,
        [np.array(fids)],
        ["geonameid"],
        geometry_type="Point",
        crs=crs_for_file,
        driver="ESRI Shapefile" if name.endswith(".shp") else "GeoJSON",
    )
    return path, dict(zip(fids, zip(xs, ys, strict=True), strict=True))


def _assert_within_1m(slug: str, source_epsg: int, raw: dict) -> None:
    inverse = _official(source_epsg)
    stored = {
        int(f.attributes["geonameid"]): (f.geom.x, f.geom.y)
        for f in Feature.objects.filter(layer__slug=slug)
    }
    assert stored.keys() == raw.keys()
    worst = 0.0
    for key, (x, y) in raw.items():
        lon, lat = inverse.transform(x, y)
        _az, _baz, metres = GEOD.inv(lon, lat, *stored[key])
        worst = max(worst, metres)
    assert worst < 0.01  # the same operation: centimetres at most, well under 1 m


@pytest.mark.parametrize(
    "epsg",
    [9210, 9211, 3405, 3406, 4756],
    ids=["TM-3 105-45", "TM-3 106-00", "UTM 48N", "UTM 49N", "geographic"],
)
def test_vn2000_from_the_prj_lands_within_1m_of_pyproj(importer, tmp_path, epsg):
    path, raw = _write_projected(tmp_path, epsg, f"EPSG:{epsg}")
    report = importer(path, layer="places")
    assert report.crs.startswith(f"EPSG:{epsg}")
    assert report.crs_source == "file"
    assert any("EPSG:6960" in note for note in report.notes)
    _assert_within_1m("places", epsg, raw)


def test_esri_prj_naming_only_the_datum_gets_the_official_shift(importer, tmp_path):
    esri = CRS.from_epsg(9210).to_wkt("WKT1_ESRI")
    assert "TOWGS84" not in esri
    path, raw = _write_projected(tmp_path, 9210, esri)
    (tmp_path / "places.prj").write_text(esri)  # exactly what ArcGIS writes
    report = importer(path, layer="places")
    assert any("EPSG:6960" in note for note in report.notes)
    _assert_within_1m("places", 9210, raw)


def test_proj_default_would_be_off_by_decimetres_here(tmp_path):
    """Why the binding matters: PROJ's own pick in the city is not EPSG:6960."""
    from pyproj import Transformer

    ben_thanh = (106.698, 10.772)  # in the Mekong-delta blocks where PROJ prefers EPSG:5194
    x, y = _official(9210).transform(*ben_thanh, direction="INVERSE")
    default = Transformer.from_crs(9210, 4326, always_xy=True).transform(x, y)
    _az, _baz, metres = GEOD.inv(*ben_thanh, *default)
    assert metres > 0.5


def test_file_without_crs_in_metres_is_refused_with_candidates(importer, tmp_path):
    path, _raw = _write_projected(tmp_path, 9210, None)
    with pytest.raises(CrsNeeded) as refused:
        importer(path, layer="places")
    message = refused.value.message
    assert "look like metres" in message
    assert "EPSG:9210" in message  # the city's own zone is offered, because it fits
    assert "--srs" in refused.value.hint
    assert not Feature.objects.filter(layer__slug="places").exists()


def test_dry_run_of_a_file_without_crs_says_what_it_looks_like(importer, tmp_path):
    path, _raw = _write_projected(tmp_path, 3405, None)
    with pytest.raises(CrsNeeded) as refused:
        importer(path, layer="places", dry_run=True)
    assert "EPSG:3405" in refused.value.message


def test_stating_the_srs_imports_a_file_without_one(importer, tmp_path):
    path, raw = _write_projected(tmp_path, 9210, None)
    report = importer(path, layer="places", srs="EPSG:9210")
    assert report.crs_source == "stated"
    _assert_within_1m("places", 9210, raw)


def test_swapped_lat_lon_is_refused_then_imported_with_swap_xy(importer, tmp_path):
    fids, points = _places()
    rows = ["geonameid,x,y"] + [f"{i},{p.y},{p.x}" for i, p in zip(fids, points, strict=True)]
    path = tmp_path / "swapped.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(CrsNeeded) as refused:
        importer(path, layer="places")
    assert "swapped" in refused.value.message
    assert "--swap-xy" in refused.value.hint
    importer(path, layer="places", swap_xy=True, srs="EPSG:4326")
    first = Feature.objects.get(layer__slug="places", attributes__geonameid=fids[0])
    assert (first.geom.x, first.geom.y) == pytest.approx((points[0].x, points[0].y), abs=1e-9)


def test_degrees_declared_for_metres_is_refused(importer, tmp_path):
    path, _raw = _write_projected(tmp_path, 9210, "EPSG:4326")
    with pytest.raises(InvalidParameter) as refused:
        importer(path, layer="places")
    assert "cannot be degrees" in refused.value.message


def test_unknown_srs_is_a_parameter_error(importer, tmp_path):
    path, _raw = _write_projected(tmp_path, 9210, None)
    with pytest.raises(InvalidParameter) as refused:
        importer(path, layer="places", srs="EPSG:999999")
    assert refused.value.parameter == "srs"


def test_stated_srs_over_the_files_is_noted(importer, tmp_path):
    path, raw = _write_projected(tmp_path, 9210, "EPSG:9211")
    report = importer(path, layer="places", srs="EPSG:9210")
    assert any("The file says EPSG:9211" in note for note in report.notes)
    _assert_within_1m("places", 9210, raw)


def test_geojson_in_web_mercator_is_transformed(importer, tmp_path):
    fids, points = _places()
    from pyproj import Transformer

    to_3857 = Transformer.from_crs(4326, 3857, always_xy=True)
    features = []
    for fid, p in zip(fids, points, strict=True):
        x, y = to_3857.transform(p.x, p.y)
        features.append(
            {
                "type": "Feature",
                "properties": {"geonameid": fid},
                "geometry": {"type": "Point", "coordinates": [x, y]},
            }
        )
    body = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        "features": features,
    }
    path = tmp_path / "mercator.geojson"
    path.write_text(json.dumps(body))
    report = importer(path, layer="places")
    assert report.crs.startswith("EPSG:3857")
    first = Feature.objects.get(layer__slug="places", attributes__geonameid=fids[0])
    _az, _baz, metres = GEOD.inv(points[0].x, points[0].y, first.geom.x, first.geom.y)
    assert metres < 0.01 and not math.isnan(metres)


def test_geojson_in_metres_without_a_crs_member_is_refused(importer, tmp_path):
    """GeoJSON means WGS 84; VN-2000 metres in one are an error, found from the first rows."""
    _fids, points = _places()
    xs, ys = _official(9210).transform(
        [p.x for p in points], [p.y for p in points], direction="INVERSE"
    )
    features = [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [x, y]}}
        for x, y in zip(xs, ys, strict=True)
    ]
    path = tmp_path / "metres.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(InvalidParameter) as refused:
        importer(path, layer="places")
    assert "cannot be degrees" in refused.value.message

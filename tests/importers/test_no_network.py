"""No uploaded file makes the server fetch a URL (issue 12, high 2: SSRF through GDAL).

A real HTTP server on 127.0.0.1 counts every request it gets and answers with a CRS, as an
attacker's would. Files that name it (a GeoJSON ``crs`` link, url or URL name, a KML
NetworkLink, a ``.prj`` that is a URL) are refused with a clear message through the core and
the upload API, and it is asked nothing. Beneath that vetting, both GDALs in the process
(pyogrio's and GeoDjango's) are sealed: opened directly on such a file, even with
``no_proxy`` covering the server, they still send nothing (``geoportal.gdal_network``).
"""

import http.server
import json
import threading
import zipfile

import pyogrio
import pytest
from django.contrib.gis.gdal import DataSource

from geoportal import gdal_network
from importers.errors import UnreadableFile, UnsafeFile
from layers.models import Layer
from tests.importers.conftest import PROVINCES_SHP, import_file

pytestmark = pytest.mark.django_db

WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
    'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]'
)


class _Listener(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.hits.append(self.path)
        body = WGS84_WKT.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def listener(monkeypatch):
    """A local HTTP server that records what it is asked; no_proxy covers it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _geojson(path, crs) -> object:
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": crs,
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"ten": "Chợ Bến Thành"},
                        "geometry": {"type": "Point", "coordinates": [106.6981, 10.7725]},
                    }
                ],
            }
        )
    )
    return path


def _link(url):
    return {"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}}


@pytest.mark.parametrize(
    "make_crs",
    [
        _link,
        lambda url: {"type": "url", "properties": {"url": f"{url}/crs.wkt"}},
        lambda url: {"type": "name", "properties": {"name": f"{url}/crs.wkt"}},
        lambda url: {"TYPE": "Link\u0000x", "Properties": {"href": f"{url}/crs.wkt"}},
    ],
    ids=["link", "url", "name-is-a-url", "spelt-otherwise"],
)
def test_geojson_crs_by_reference_is_refused_and_nothing_is_fetched(
    importer, tmp_path, listener, make_crs
):
    server, url = listener
    path = _geojson(tmp_path / "cho.geojson", make_crs(url))
    with pytest.raises(UnsafeFile) as refused:
        importer(path, layer="cho")
    assert refused.value.message.startswith("'cho.geojson' names its coordinate system by ")
    assert "fetches nothing a file names" in refused.value.message
    assert refused.value.parameter == "file"
    assert server.hits == []
    assert not Layer.objects.filter(slug="cho").exists()


def test_a_crs_key_hidden_by_json_escapes_is_found(importer, tmp_path, listener):
    server, url = listener
    path = tmp_path / "cho.geojson"
    text = json.dumps({"type": "FeatureCollection", "crs": _link(url), "features": []})
    path.write_text(text.replace('"crs"', '"\\u0063rs"', 1))
    with pytest.raises(UnsafeFile):
        importer(path, layer="cho")
    assert server.hits == []


def test_an_unknown_crs_is_an_error_not_wgs84(importer, tmp_path):
    path = _geojson(
        tmp_path / "cho.geojson", {"type": "name", "properties": {"name": "EPSG:999999"}}
    )
    with pytest.raises(UnreadableFile) as refused:
        importer(path, layer="cho")
    assert refused.value.message == (
        "'cho.geojson' declares the coordinate system 'EPSG:999999', which is not one PROJ "
        "knows; the importer would otherwise have to guess. Correct it, or state the CRS "
        "with --srs."
    )
    assert not Layer.objects.filter(slug="cho").exists()


def test_a_crs_of_a_type_gdal_ignores_is_an_error_not_wgs84(importer, tmp_path):
    path = _geojson(tmp_path / "cho.geojson", {"type": "proj4", "properties": {"proj4": "x"}})
    with pytest.raises(UnreadableFile) as refused:
        importer(path, layer="cho")
    assert "not one PROJ knows" in refused.value.message


def test_a_crs_named_by_code_is_still_read(importer, tmp_path):
    path = _geojson(
        tmp_path / "cho.geojson",
        {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    )
    report = importer(path, layer="cho")
    assert report.committed and report.imported == 1
    assert report.crs_source == "file"


def test_the_upload_api_fails_the_job_with_the_reason(client, staff, tmp_path, listener):
    server, url = listener
    job = import_file(client, _geojson(tmp_path / "cho.geojson", _link(url)), layer="cho")
    assert job["status"] == "failed"
    assert job["error"]["code"] == "unsafe_file"
    assert "names its coordinate system by reference" in job["error"]["detail"]
    assert server.hits == []


def test_a_kml_network_link_is_refused(importer, tmp_path, listener):
    server, url = listener
    path = tmp_path / "lien_ket.kml"
    path.write_text(
        '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<NetworkLink><Link><href>{url}/more.kml</href></Link></NetworkLink>"
        "<Placemark><name>Chợ</name><Point><coordinates>106.7,10.77</coordinates></Point>"
        "</Placemark></Document></kml>"
    )
    with pytest.raises(UnsafeFile) as refused:
        importer(path, layer="lien-ket")
    assert refused.value.message == (
        "'lien_ket.kml' holds a NetworkLink to another file; the importer fetches nothing a "
        "file names. Upload the linked file itself."
    )
    assert server.hits == []


def _shapefile_zip(tmp_path, prj: str):
    path = tmp_path / "tinh.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for suffix in (".shp", ".shx", ".dbf"):
            archive.write(PROVINCES_SHP.with_suffix(suffix), "tinh" + suffix)
        archive.writestr("tinh.prj", prj)
    return path


def test_a_prj_that_is_a_url_is_refused(importer, tmp_path, listener):
    server, url = listener
    with pytest.raises(UnsafeFile) as refused:
        importer(_shapefile_zip(tmp_path, f"{url}/crs.wkt"), layer="tinh")
    assert refused.value.message.startswith("'tinh.zip/tinh.prj' names its coordinate system")
    assert server.hits == []


def test_a_prj_proj_cannot_read_is_an_error_not_wgs84(importer, tmp_path):
    with pytest.raises(UnreadableFile) as refused:
        importer(_shapefile_zip(tmp_path, "PROJCS[nonsense"), layer="tinh")
    assert "'tinh.zip/tinh.prj' declares the coordinate system" in refused.value.message
    assert not Layer.objects.filter(slug="tinh").exists()


def test_pyogrio_gdal_fetches_nothing_even_past_the_vetting(tmp_path, listener):
    server, url = listener
    path = _geojson(tmp_path / "cho.geojson", _link(url))
    pyogrio.read_info(path)
    assert server.hits == []
    assert f"{url}/crs.wkt" in gdal_network.refused


def test_geodjango_gdal_fetches_nothing_either(tmp_path, listener):
    server, url = listener
    path = _geojson(
        tmp_path / "cho.geojson", {"type": "url", "properties": {"url": f"{url}/other.wkt"}}
    )
    DataSource(str(path))[0].srs  # noqa: B018 (reading the layer's CRS is the point)
    assert server.hits == []
    assert f"{url}/other.wkt" in gdal_network.refused


def test_vsicurl_opens_nothing(listener):
    server, url = listener
    with pytest.raises(pyogrio.errors.DataSourceError):
        pyogrio.read_info(f"/vsicurl/{url}/layer.geojson")
    assert server.hits == []

"""Privacy on every public output: the reporter never appears, and the location is the
category's coarsened one (GeoJSON, OGC API Features, export, vector tiles, TileJSON,
tracking, Open311 in JSON and XML, duplicates)."""

import gzip
import json
import math
from xml.etree import ElementTree

import mapbox_vector_tile
import pytest
from pyproj import Transformer

from feedback.intake import Submission, submit
from feedback.models import FeedbackCategory, FeedbackItem
from feedback.public import feedback_spec
from feedback.workflow import transition

from .conftest import inside

pytestmark = pytest.mark.django_db

SECRETS = ("Phạm Thị Riêng", "0900000001", "rieng@example.vn", "12 Ngõ Bí Mật", "dan")
TO_UTM = Transformer.from_crs(4326, 32648, always_xy=True)


@pytest.fixture
def pavement(wards, actors) -> FeedbackItem:
    """A blocked-pavement report (public precision 50 m) with every private field filled."""
    lon, lat = inside(wards[0])
    return submit(
        Submission(
            category="lan-chiem-via-he",
            description="Xe máy đậu kín vỉa hè",
            channel="app",
            lon=lon + 0.00013,  # off any 50 m grid node
            lat=lat + 0.00007,
            address_text="12 Ngõ Bí Mật",
            reporter_name="Phạm Thị Riêng",
            reporter_phone="0900000001",
            reporter_email="rieng@example.vn",
        ),
        actors["resident"],
    )


def public_point(item: FeedbackItem) -> tuple[float, float]:
    item.refresh_from_db()
    return item.public_geom.x, item.public_geom.y


def close(a, b, tolerance=1e-6) -> bool:
    return abs(a[0] - b[0]) < tolerance and abs(a[1] - b[1]) < tolerance


def body(response) -> str:
    """A response's text, streamed or not."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def assert_private_fields_absent(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_the_public_point_is_on_the_categorys_grid_and_near_the_exact_one(pavement):
    lon, lat = public_point(pavement)
    x, y = TO_UTM.transform(lon, lat)
    assert abs(x / 50 - round(x / 50)) < 1e-6 and abs(y / 50 - round(y / 50)) < 1e-6
    ex, ey = TO_UTM.transform(pavement.geom.x, pavement.geom.y)
    moved = math.hypot(x - ex, y - ey)
    assert 0 < moved <= 50 / math.sqrt(2) + 1e-6


def test_exact_categories_keep_the_point(item):
    assert close(public_point(item), (item.geom.x, item.geom.y))


def test_changing_a_categorys_precision_moves_its_public_points(pavement):
    FeedbackCategory.objects.filter(code="lan-chiem-via-he").update(public_precision_m=0)
    assert close(public_point(pavement), (pavement.geom.x, pavement.geom.y))
    FeedbackCategory.objects.filter(code="lan-chiem-via-he").update(public_precision_m=200)
    x, y = TO_UTM.transform(*public_point(pavement))
    assert abs(x / 200 - round(x / 200)) < 1e-6 and abs(y / 200 - round(y / 200)) < 1e-6


def test_geojson_features_and_one_feature(client, pavement):
    response = client.get("/api/v1/layers/feedback/features/")
    assert response.status_code == 200
    assert_private_fields_absent(body(response))
    feature = next(f for f in response.json()["features"] if f["id"] == pavement.tracking_code)
    assert close(feature["geometry"]["coordinates"], public_point(pavement))
    assert not close(feature["geometry"]["coordinates"], (pavement.geom.x, pavement.geom.y))
    public = {f.name for f in feedback_spec().fields}
    assert set(feature["properties"]) <= public
    assert feature["properties"]["location_precision_m"] == 50
    one = client.get(f"/api/v1/layers/feedback/features/{pavement.tracking_code}/")
    assert one.status_code == 200
    assert_private_fields_absent(one.content.decode())


def test_staff_permissions_add_no_private_field_to_the_layer(client, pavement, people):
    client.force_login(people["admin"])
    response = client.get("/api/v1/layers/feedback/features/")
    assert_private_fields_absent(response.content.decode())


def test_export_and_ogc_items(client, pavement):
    text = body(client.get("/api/v1/layers/feedback/export/"))
    assert_private_fields_absent(text)
    exported = json.loads(text)["features"][0]
    assert close(exported["geometry"]["coordinates"], public_point(pavement))
    ogc = client.get("/ogc/collections/feedback/items?f=json")
    assert ogc.status_code == 200
    text = body(ogc)
    assert_private_fields_absent(text)
    assert close(json.loads(text)["features"][0]["geometry"]["coordinates"], public_point(pavement))


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int, float, float]:
    """The tile holding the point, and the point in the tile's 0..4096 space (y up)."""
    n = 1 << z
    fx = (lon + 180) / 360 * n
    fy = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    x, y = int(fx), int(fy)
    return x, y, (fx - x) * 4096, (1 - (fy - y)) * 4096


def test_vector_tiles_carry_the_public_point_and_public_fields(client, pavement):
    lon, lat = public_point(pavement)
    x, y, px, py = _tile_of(lon, lat, 17)
    response = client.get(f"/tiles/feedback/17/{x}/{y}.mvt", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    data = gzip.decompress(response.content)
    assert_private_fields_absent(data.decode("utf-8", "replace"))
    features = mapbox_vector_tile.decode(data)["feedback"]["features"]
    drawn = next(f for f in features if f["properties"]["tracking_code"] == pavement.tracking_code)
    gx, gy = drawn["geometry"]["coordinates"]
    assert abs(gx - px) <= 1 and abs(gy - py) <= 1
    _x, _y, ex, ey = _tile_of(pavement.geom.x, pavement.geom.y, 17)
    assert math.hypot(gx - ex, gy - ey) > 10  # the exact point is elsewhere
    assert set(drawn["properties"]) <= {f.name for f in feedback_spec().fields}


def test_a_new_report_reaches_a_cached_tile(client, pavement, wards, actors):
    lon, lat = public_point(pavement)
    x, y, _px, _py = _tile_of(lon, lat, 12)
    url = f"/tiles/feedback/12/{x}/{y}.mvt"
    before = mapbox_vector_tile.decode(client.get(url).content)["feedback"]["features"]
    client.get(url)  # now from the cache
    glon, glat = inside(wards[0])
    submit(
        Submission(category="rac-thai", description="Rác", channel="web", lon=glon, lat=glat),
        actors["resident"],
    )
    after = mapbox_vector_tile.decode(client.get(url).content)["feedback"]["features"]
    assert len(after) == len(before) + 1


def test_tilejson_lists_public_fields_only(client, pavement):
    fields = client.get("/tiles/feedback.json").json()["vector_layers"][0]["fields"]
    assert "tracking_code" in fields
    assert not {"reporter_name", "reporter_phone", "address_text", "reporter"} & fields.keys()


def test_rejected_items_leave_the_map(client, pavement, actors):
    transition(actors["ward_staff"], pavement.tracking_code, "rejected", reason="Không đúng")
    features = client.get("/api/v1/layers/feedback/features/").json()["features"]
    assert pavement.tracking_code not in {f["id"] for f in features}


def test_tracking_open311_and_duplicates_are_public_too(client, pavement):
    code = pavement.tracking_code
    tracked = client.get(f"/api/v1/feedback/track/{code}/")
    assert_private_fields_absent(tracked.content.decode())
    assert close(
        (tracked.json()["location"]["lon"], tracked.json()["location"]["lat"]),
        public_point(pavement),
        1e-7,
    )
    for fmt in ("json", "xml"):
        text = client.get(f"/open311/v2/requests/{code}.{fmt}").content.decode()
        assert_private_fields_absent(text)
    root = ElementTree.fromstring(client.get(f"/open311/v2/requests/{code}.xml").content)
    lon, lat = public_point(pavement)
    assert abs(float(root.findtext("request/long")) - lon) < 1e-6
    assert abs(float(root.findtext("request/lat")) - lat) < 1e-6
    near = client.get(
        f"/api/v1/feedback/duplicates/?category=lan-chiem-via-he"
        f"&lon={pavement.geom.x}&lat={pavement.geom.y}"
    )
    assert_private_fields_absent(near.content.decode())
    assert near.json()["results"][0]["distance_m"] % 10 == 0


def test_low_zoom_tiles_carry_counted_cells_that_add_up(client, pavement, item, wards, actors):
    from collections import Counter

    from django.db import connection

    glon, glat = inside(wards[1])
    submit(
        Submission(category="rac-thai", description="Rác", channel="web", lon=glon, lat=glat),
        actors["resident"],
    )
    lon, lat = public_point(pavement)
    z = 9
    x, y, _px, _py = _tile_of(lon, lat, z)
    response = client.get(f"/tiles/feedback/{z}/{x}/{y}.mvt", HTTP_ACCEPT_ENCODING="gzip")
    cells = mapbox_vector_tile.decode(gzip.decompress(response.content))["feedback"]["features"]
    assert cells and all(c["properties"]["cluster"] is True for c in cells)
    with connection.cursor() as cursor:  # independently: public items in the tile's bounds
        cursor.execute(
            "SELECT c.code, t.status FROM feedback_feedbackitem t "
            "JOIN feedback_feedbackcategory c ON c.id = t.category_id "
            "WHERE ST_Intersects(ST_Transform(t.public_geom, 3857), ST_TileEnvelope(%s, %s, %s)) "
            "AND t.status NOT IN ('rejected', 'merged')",
            [z, x, y],
        )
        rows = cursor.fetchall()
    assert sum(c["properties"]["count"] for c in cells) == len(rows) == 3
    decoded = Counter()
    for cell in cells:
        for key, value in cell["properties"].items():
            if key.startswith("count_category_"):
                decoded[key.removeprefix("count_category_")] += value
    assert decoded == Counter(code for code, _status in rows)
    statuses = sum(
        v for c in cells for k, v in c["properties"].items() if k == "count_status_received"
    )
    assert statuses == 3
    assert not any("tracking_code" in c["properties"] for c in cells)


def test_tilejson_says_below_which_zoom_reports_are_cells(client):
    (layer,) = client.get("/tiles/feedback.json").json()["vector_layers"]
    assert "Below zoom 12, and in tiles too dense for points, grid cells" in layer["description"]
    assert "category, status" in layer["description"]
    assert {"count", "cluster"} <= layer["fields"].keys()

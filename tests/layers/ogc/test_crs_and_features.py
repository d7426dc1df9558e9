"""OGC API - Features at /ogc/: coordinate reference systems (Part 2) and one feature."""

import pytest
from pyproj import Transformer

from layers.crs import CRS84, vn2000_transformer
from tests.layers.ogc.support import (
    BEN_THANH,
    EPSG_3857,
    EPSG_4326,
    EPSG_9210,
    error_body,
    feature_ids,
    links_by_type,
    ok_body,
)

pytestmark = pytest.mark.django_db


# --- coordinate reference systems (Part 2) -------------------------------------------------


def _first_coordinates(client, crs: str | None, url: str = "/ogc/collections/tram-sac/items"):
    params = {"limit": "1"} if url.endswith("/items") else {}
    if crs is not None:
        params["crs"] = crs
    response = client.get(url, params)
    body = ok_body(response)
    feature = body["features"][0] if body["type"] == "FeatureCollection" else body
    return response, feature["geometry"]["coordinates"]


def test_default_crs_is_crs84_longitude_first(client, first_point):
    response, (x, y) = _first_coordinates(client, None)
    assert response["Content-Crs"] == f"<{CRS84}>"
    assert (x, y) == pytest.approx(BEN_THANH, abs=1e-9)


def test_epsg_4326_answers_latitude_first(client, first_point):
    response, (first, second) = _first_coordinates(client, EPSG_4326)
    assert response["Content-Crs"] == f"<{EPSG_4326}>"
    assert (first, second) == pytest.approx((BEN_THANH[1], BEN_THANH[0]), abs=1e-9)


def test_short_epsg_names_are_accepted_and_answered_with_the_uri(client, first_point):
    response, _coordinates = _first_coordinates(client, "EPSG:3857")
    assert response["Content-Crs"] == f"<{EPSG_3857}>"


def test_web_mercator_matches_pyproj(client, first_point):
    response, (x, y) = _first_coordinates(client, EPSG_3857)
    assert response["Content-Crs"] == f"<{EPSG_3857}>"
    ex, ey = Transformer.from_crs(4326, 3857, always_xy=True).transform(*BEN_THANH)
    assert abs(x - ex) < 0.01
    assert abs(y - ey) < 0.01


def test_vn2000_tm3_matches_the_official_datum_shift_to_the_centimetre(client, first_point):
    response, (x, y) = _first_coordinates(client, EPSG_9210)
    assert response["Content-Crs"] == f"<{EPSG_9210}>"
    ex, ey = vn2000_transformer(4326, 9210).transform(*BEN_THANH)
    assert abs(x - ex) < 0.01
    assert abs(y - ey) < 0.01
    # Left to itself, PROJ picks EPSG:5194 (Total's Mekong-delta shift) for this point,
    # about 0.8 m away: the answer must not be that one.
    px, py = Transformer.from_crs("EPSG:4326", "EPSG:9210", always_xy=True).transform(*BEN_THANH)
    assert ((x - px) ** 2 + (y - py) ** 2) ** 0.5 > 0.5


def test_one_item_in_vn2000_tm3(client, first_point):
    url = f"/ogc/collections/tram-sac/items/{first_point.id}"
    response, (x, y) = _first_coordinates(client, EPSG_9210, url)
    assert response["Content-Crs"] == f"<{EPSG_9210}>"
    ex, ey = vn2000_transformer(4326, 9210).transform(*BEN_THANH)
    assert abs(x - ex) < 0.01
    assert abs(y - ey) < 0.01


def test_areas_label_point_in_tm3_is_inside_the_transformed_area(client, ward):
    area = ward
    x, y = vn2000_transformer(4326, 9210).transform(area.label_point.x, area.label_point.y)
    body = ok_body(
        client.get(
            "/ogc/collections/areas/items",
            {"bbox": f"{x - 1:.3f},{y - 1:.3f},{x + 1:.3f},{y + 1:.3f}", "bbox-crs": EPSG_9210},
        )
    )
    assert ward.code in feature_ids(body)


# --- one feature ---------------------------------------------------------------------------


def test_one_feature_with_links_and_content_crs(client, first_point):
    response = client.get(f"/ogc/collections/tram-sac/items/{first_point.id}")
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == f"<{CRS84}>"
    body = ok_body(response)
    assert body["type"] == "Feature"
    assert body["id"] == first_point.id
    assert body["properties"] == {"ten": "Trạm sạc 0", "so_cong": 0}
    links = links_by_type(body)
    assert links[("self", "application/geo+json")] == (
        f"http://testserver/ogc/collections/tram-sac/items/{first_point.id}?f=json"
    )
    assert links[("collection", "application/json")] == (
        "http://testserver/ogc/collections/tram-sac?f=json"
    )


def test_an_area_is_found_by_its_gso_code(client, ward):
    body = ok_body(client.get(f"/ogc/collections/areas/items/{ward.code}"))
    assert body["id"] == ward.code
    assert body["properties"]["name"] == ward.name


@pytest.mark.parametrize("feature_id", ["0", "abc", "99999999999999999999999"])
def test_unknown_feature_is_404(client, feature_id):
    error_body(client.get(f"/ogc/collections/facilities/items/{feature_id}"), 404)


def test_unknown_area_code_is_404(client):
    error_body(client.get("/ogc/collections/areas/items/99999"), 404)


def test_a_feature_takes_no_filter_parameters(client, first_point):
    url = f"/ogc/collections/tram-sac/items/{first_point.id}"
    body = error_body(client.get(url, {"bbox": "1,2,3,4"}), 400, "bbox")
    assert body["detail"] == "Unknown parameter 'bbox'; a feature takes only: crs, properties, f."

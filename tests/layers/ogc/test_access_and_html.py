"""OGC API - Features at /ogc/: staff-only layers and properties, HTML and negotiation."""

import pytest

from tests.layers.ogc.support import (
    BROWSER_ACCEPT,
    error_body,
    ok_body,
)

pytestmark = pytest.mark.django_db


# --- staff-only layers and properties ------------------------------------------------------


def test_staff_only_layer_does_not_exist_for_the_public(client, staff_layer):
    assert "camera-noi-bo" not in {
        c["id"] for c in ok_body(client.get("/ogc/collections"))["collections"]
    }
    feature_id = staff_layer.features.get().id
    for url in (
        "/ogc/collections/camera-noi-bo",
        "/ogc/collections/camera-noi-bo/items",
        f"/ogc/collections/camera-noi-bo/items/{feature_id}",
    ):
        error_body(client.get(url), 404)
    assert "/collections/camera-noi-bo/items" not in ok_body(client.get("/ogc/api"))["paths"]


def test_staff_only_layer_is_served_with_the_permission(staff_client, staff_layer):
    ids = {c["id"] for c in ok_body(staff_client.get("/ogc/collections"))["collections"]}
    assert "camera-noi-bo" in ids
    body = ok_body(staff_client.get("/ogc/collections/camera-noi-bo/items"))
    assert body["numberMatched"] == 1
    assert "/collections/camera-noi-bo/items" in ok_body(staff_client.get("/ogc/api"))["paths"]


def test_staff_only_property_is_hidden_from_the_public(client, points_layer):
    body = ok_body(client.get("/ogc/collections/tram-sac/items"))
    assert all("ghi_chu_noi_bo" not in f["properties"] for f in body["features"])
    error_body(client.get("/ogc/collections/tram-sac/items", {"ghi_chu_noi_bo": "khóa 1"}), 400)
    error_body(client.get("/ogc/collections/tram-sac/items", {"sortby": "ghi_chu_noi_bo"}), 400)


def test_staff_only_property_is_served_with_the_permission(staff_client, points_layer):
    body = ok_body(
        staff_client.get("/ogc/collections/tram-sac/items", {"ghi_chu_noi_bo": "khóa 1"})
    )
    assert body["numberMatched"] == 1
    assert body["features"][0]["properties"]["ghi_chu_noi_bo"] == "khóa 1"


def test_staff_only_facility_notes_are_hidden_from_the_public(client, staff_client, facility):
    params = {"category": "thu-nghiem-ogc"}
    (public,) = ok_body(client.get("/ogc/collections/facilities/items", params))["features"]
    (staff,) = ok_body(staff_client.get("/ogc/collections/facilities/items", params))["features"]
    assert "staff_notes" not in public["properties"]
    assert staff["properties"]["staff_notes"] == "Chìa khóa ở phòng bảo vệ"
    assert public["properties"]["name"] == staff["properties"]["name"] == facility.name


# --- HTML and negotiation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/ogc/",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/areas",
        "/ogc/collections/areas/items",
        "/ogc/collections/areas/items/{code}",
        "/ogc/api",
    ],
)
def test_every_resource_has_an_html_page(client, ward, url):
    response = client.get(url.format(code=ward.code), {"f": "html"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.decode().lstrip().startswith("<!DOCTYPE html>")


def test_browsers_get_html_and_other_clients_json(client):
    html = client.get("/ogc/collections", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in html["Vary"]
    for accept in ("application/json", "*/*", "application/geo+json, application/json", ""):
        response = client.get("/ogc/collections", HTTP_ACCEPT=accept)
        assert response["Content-Type"] == "application/json", accept


def test_f_wins_over_the_accept_header(client):
    response = client.get("/ogc/collections", {"f": "json"}, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response["Content-Type"] == "application/json"


def test_unknown_format_is_400_on_every_resource(client):
    for url in ("/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/api"):
        error_body(client.get(url, {"f": "xml"}), 400, "f")


def test_html_pages_are_vietnamese_by_default(vi_client):
    landing = vi_client.get("/ogc/", HTTP_ACCEPT=BROWSER_ACCEPT).content.decode()
    assert '<html lang="vi">' in landing
    assert "Bộ dữ liệu" in landing  # "Collections"
    assert "Lớp dữ liệu của bản đồ chung" in landing  # the description
    items = vi_client.get("/ogc/collections/areas/items?f=html&limit=10").content.decode()
    assert "Đối tượng 1–10 trên 169." in items
    assert "Trang sau" in items


def test_html_pages_are_english_when_asked(client):
    items = client.get("/ogc/collections/areas/items?f=html&limit=10").content.decode()
    assert '<html lang="en">' in items
    assert "Features 1–10 of 169." in items
    assert "Next page" in items


def test_items_html_links_each_feature_and_lists_visible_properties(client, points_layer):
    html = client.get("/ogc/collections/tram-sac/items", {"f": "html", "limit": "3"}).content
    text = html.decode()
    first = points_layer.features.order_by("id").first()
    assert f'href="http://testserver/ogc/collections/tram-sac/items/{first.id}?f=html"' in text
    assert "so_cong" in text
    assert "ghi_chu_noi_bo" not in text
    assert 'id="ogc-features"' in text  # the map's data


def test_capped_limit_is_shown_on_the_html_page(client, points_layer, settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "OGC_LIMIT_MAX": 10}
    response = client.get("/ogc/collections/tram-sac/items", {"f": "html", "limit": "11"})
    assert response["Limit-Capped"] == "requested=11, applied=10"
    assert "&#x27;limit&#x27; 11 is above the maximum; 10 features per page." in (
        response.content.decode()
    )

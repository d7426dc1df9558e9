"""OGC API - Features at /ogc/: items, their paging (limit, offset, next/prev links) and
malformed parameters."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from layers.crs import CRS84
from layers.models import Facility
from tests.layers.ogc.support import (
    EPSG_3857,
    EPSG_4326,
    EPSG_9210,
    POINTS,
    current_areas,
    error_body,
    links_by_type,
    links_with_rel,
    ok_body,
    walk_pages,
)

pytestmark = pytest.mark.django_db


# --- items ---------------------------------------------------------------------------------


def test_items_are_geojson_with_counts_time_stamp_and_content_crs(client):
    response = client.get("/ogc/collections/areas/items", {"limit": "7"})
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == f"<{CRS84}>"
    body = ok_body(response)
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == current_areas().count() == 169
    assert body["numberReturned"] == len(body["features"]) == 7
    stamp = datetime.fromisoformat(body["timeStamp"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60
    feature = body["features"][0]
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert {"code", "name", "level"} <= set(feature["properties"])


def test_items_link_to_themselves_as_html_and_to_their_collection(client):
    body = ok_body(client.get("/ogc/collections/areas/items", {"limit": "5", "level": "ward"}))
    links = links_by_type(body)
    self_url = urlsplit(links[("self", "application/geo+json")])
    assert self_url.path == "/ogc/collections/areas/items"
    assert parse_qs(self_url.query) == {"limit": ["5"], "level": ["ward"], "f": ["json"]}
    assert parse_qs(urlsplit(links[("alternate", "text/html")]).query)["f"] == ["html"]
    assert links[("collection", "application/json")].endswith("/ogc/collections/areas?f=json")
    assert links_with_rel(body, "prev") == []


def test_default_page_is_the_configured_default_limit(client):
    body = ok_body(client.get("/ogc/collections/areas/items"))
    assert body["numberReturned"] == len(body["features"]) == 100


def test_number_matched_of_facilities_is_the_orm_count(client, facility):
    body = ok_body(client.get("/ogc/collections/facilities/items", {"limit": "1"}))
    assert body["numberMatched"] == Facility.objects.count()


def test_next_links_walk_every_feature_exactly_once(client):
    features, pages = walk_pages(client, "/ogc/collections/areas/items?limit=40")
    codes = [f["id"] for f in features]
    assert len(codes) == len(set(codes)) == 169
    assert set(codes) == set(current_areas().values_list("code", flat=True))
    assert [p["numberReturned"] for p in pages] == [40, 40, 40, 40, 9]
    assert links_with_rel(pages[-1], "next") == []
    assert all(links_with_rel(page, "prev") for page in pages[1:])


def test_prev_link_goes_back_one_page(client):
    second = ok_body(client.get("/ogc/collections/areas/items", {"limit": "40", "offset": "40"}))
    (prev,) = links_with_rel(second, "prev")
    first = ok_body(client.get(prev["href"]))
    assert parse_qs(urlsplit(prev["href"]).query)["offset"] == ["0"]
    assert (
        first["features"]
        == ok_body(client.get("/ogc/collections/areas/items?limit=40"))["features"]
    )


def test_next_link_keeps_every_other_parameter(client, points_layer):
    params = {
        "limit": "3",
        "bbox": "106.6,10.7,106.8,10.8",
        "sortby": "-so_cong",
        "properties": "ten,so_cong",
        "datetime": "2025-01-01/2026-12-31",
        "crs": EPSG_3857,
    }
    body = ok_body(client.get("/ogc/collections/tram-sac/items", params))
    (next_link,) = links_with_rel(body, "next")
    assert next_link["type"] == "application/geo+json"
    query = parse_qs(urlsplit(next_link["href"]).query)
    assert query == {
        **{k: [v] for k, v in params.items()},
        "limit": ["3"],
        "offset": ["3"],
        "f": ["json"],
    }


def test_walking_a_filtered_sorted_layer_returns_every_match_once(client, points_layer):
    url = "/ogc/collections/tram-sac/items?limit=4&sortby=-so_cong&so_cong=1,2,3"
    features, _pages = walk_pages(client, url)
    expected = points_layer.features.exclude(attributes__so_cong=0)
    assert sorted(f["id"] for f in features) == sorted(expected.values_list("id", flat=True))
    assert [f["properties"]["so_cong"] for f in features] == sorted(
        (f["properties"]["so_cong"] for f in features), reverse=True
    )


def test_offset_past_the_end_is_an_empty_page_with_a_prev_link(client, points_layer):
    body = ok_body(client.get("/ogc/collections/tram-sac/items", {"offset": "100"}))
    assert body["numberMatched"] == POINTS
    assert body["numberReturned"] == 0
    assert body["features"] == []
    assert links_with_rel(body, "next") == []
    assert links_with_rel(body, "prev")


def test_limit_above_the_maximum_is_capped_and_the_answer_says_so(client):
    response = client.get("/ogc/collections/areas/items", {"limit": "50000"})
    assert response["Limit-Capped"] == "requested=50000, applied=10000"
    body = ok_body(response)
    assert body["limitCapped"]["requested"] == 50000
    assert body["limitCapped"]["applied"] == 10000
    assert "10000" in body["limitCapped"]["detail"]
    assert body["numberReturned"] == 169


def test_capped_limit_is_the_page_size_of_the_next_links(client, points_layer, settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "OGC_LIMIT_MAX": 10}
    response = client.get("/ogc/collections/tram-sac/items", {"limit": "50000"})
    assert response["Limit-Capped"] == "requested=50000, applied=10"
    body = ok_body(response)
    assert body["numberReturned"] == len(body["features"]) == 10
    assert body["limitCapped"]["detail"] == (
        "'limit' 50000 is above the maximum; 10 features per page."
    )
    (next_link,) = links_with_rel(body, "next")
    assert parse_qs(urlsplit(next_link["href"]).query)["limit"] == ["10"]


def test_a_limit_within_the_maximum_is_not_flagged(client):
    response = client.get("/ogc/collections/areas/items", {"limit": "10000"})
    assert "Limit-Capped" not in response
    assert "limitCapped" not in ok_body(response)


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", "1e3", " 5", "+5", "１０"])
def test_invalid_limit_is_400_saying_what_is_accepted(client, raw):
    body = error_body(client.get("/ogc/collections/areas/items", {"limit": raw}), 400, "limit")
    assert body["detail"] == (
        "'limit' must be a whole number from 1 to 10000 (a larger one is capped to 10000), "
        f"got {raw!r}."
    )


def test_a_limit_of_any_length_is_capped(client):
    response = client.get("/ogc/collections/areas/items", {"limit": "9" * 25})
    assert response["Limit-Capped"].endswith(", applied=10000")
    assert ok_body(response)["numberReturned"] == 169


def test_an_offset_beyond_bigint_is_400(client):
    raw = "9" * 25
    body = error_body(client.get("/ogc/collections/areas/items", {"offset": raw}), 400, "offset")
    assert body["detail"] == f"'offset' is too large, got {raw!r}."


@pytest.mark.parametrize("raw", ["-1", "x", "2.0"])
def test_invalid_offset_is_400(client, raw):
    body = error_body(client.get("/ogc/collections/areas/items", {"offset": raw}), 400, "offset")
    assert body["detail"] == f"'offset' must be a whole number, 0 or more, got {raw!r}."


@pytest.mark.parametrize(
    ("params", "parameter", "detail"),
    [
        (
            {"bbox": "106.6,10.7,106.8"},
            "bbox",
            "'bbox' needs 4 comma-separated numbers, got 3: use "
            "bbox=minLon,minLat,maxLon,maxLat in WGS 84 degrees.",
        ),
        (
            {"bbox": "a,b,c,d"},
            "bbox",
            "'bbox' has a value that is not a number: use bbox=minLon,minLat,maxLon,maxLat in "
            "WGS 84 degrees.",
        ),
        (
            {"bbox": "106.8,10.7,106.6,10.8"},
            "bbox",
            "'bbox' minimum is greater than its maximum: the order is minLon,minLat,maxLon,maxLat.",
        ),
        (
            {"bbox": "600000,1190000,590000,1200000", "bbox-crs": EPSG_9210},
            "bbox",
            f"'bbox' in {EPSG_9210} must be minX,minY,maxX,maxY in metres.",
        ),
        ({"crs": "EPSG:32648"}, "crs", None),
        ({"bbox": "106.6,10.7,106.8,10.8", "bbox-crs": "EPSG:2000"}, "bbox-crs", None),
        ({"datetime": "yesterday"}, "datetime", None),
        ({"datetime": "../.."}, "datetime", "'datetime' interval needs at least one end."),
        ({"f": "xml"}, "f", "Unknown format 'f=xml'; use f=json or f=html."),
        ({"colour": "red"}, "colour", None),
    ],
)
def test_malformed_parameters_are_400_naming_the_parameter(
    client, points_layer, params, parameter, detail
):
    body = error_body(client.get("/ogc/collections/tram-sac/items", params), 400, parameter)
    if detail is not None:
        assert body["detail"] == detail


def test_unsupported_crs_names_the_supported_ones(client):
    body = error_body(client.get("/ogc/collections/areas/items", {"crs": "EPSG:32648"}), 400, "crs")
    assert "'EPSG:32648'" in body["detail"]
    for uri in (CRS84, EPSG_4326, EPSG_3857, EPSG_9210):
        assert uri in body["detail"]


def test_datetime_on_a_layer_without_time_is_400(client):
    body = error_body(client.get("/ogc/collections/areas/items", {"datetime": "2025-07-01"}), 400)
    assert body == {
        "detail": "Layer areas has no time: 'datetime' is not available.",
        "code": "invalid_parameter",
        "parameter": "datetime",
    }

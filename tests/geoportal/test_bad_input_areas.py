"""The areas and lookup APIs refuse what they do not understand: unknown parameters are a 400
listing the accepted ones, bad pages a 400, a page past the last a 404.
"""

import pytest

from tests.geoportal.bad_input import json_error

pytestmark = pytest.mark.django_db


def test_an_unknown_areas_parameter_is_400_listing_the_accepted_ones(client):
    body = json_error(client.get("/api/v1/areas/", {"levle": "ward"}), 400, "levle")
    assert body["detail"] == (
        "Unknown parameter 'levle'. Parameters: bbox, generation, level, page, page_size, "
        "parent_code, q, simplify, type."
    )


def test_an_unknown_area_detail_parameter_is_400(client):
    json_error(client.get("/api/v1/areas/26740/", {"generation": "2025-01", "x": "1"}), 400, "x")


def test_an_unknown_lookup_parameter_is_400(client):
    response = client.get("/api/v1/lookup/", {"lon": "106.7", "lat": "10.77", "dat": "2025-03-01"})
    json_error(response, 400, "dat")


@pytest.mark.parametrize(
    ("params", "parameter", "detail"),
    [
        (
            {"page_size": "-1"},
            "page_size",
            "'page_size' must be a whole number from 1 to 1000, got '-1'.",
        ),
        (
            {"page_size": "0"},
            "page_size",
            "'page_size' must be a whole number from 1 to 1000, got '0'.",
        ),
        ({"page": "abc"}, "page", "'page' must be a whole number from 1 to 1000000000, got 'abc'."),
        ({"page": "-2"}, "page", "'page' must be a whole number from 1 to 1000000000, got '-2'."),
    ],
)
def test_bad_area_pages_are_400(client, params, parameter, detail):
    body = json_error(client.get("/api/v1/areas/", {"level": "province", **params}), 400, parameter)
    assert body["detail"] == detail


def test_an_area_page_past_the_last_is_404(client):
    response = client.get("/api/v1/areas/", {"level": "province", "page": "999"})
    body = json_error(response, 404, "page")
    assert body["detail"].startswith("Page 999 is past the last page")


def test_good_area_pages_still_answer(client):
    response = client.get("/api/v1/areas/", {"level": "ward", "page": "2", "page_size": "5"})
    assert response.status_code == 200
    body = response.json()
    assert len(body["features"]) == 5

"""A bbox in a projected CRS beyond the projection's domain is a 400 naming the domain; the whole
domain still answers.
"""

import json

import pytest

from tests.geoportal.bad_input import EPSG_3857, EPSG_9210, json_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("crs", [EPSG_3857, EPSG_9210])
@pytest.mark.parametrize(
    "bbox",
    ["-1e308,-1e308,1e308,1e308", "0,0,1e309,1", "nan,0,1,1", "-3e7,0,0,1000", "0,0,1,4e7"],
)
def test_a_bbox_beyond_the_projections_domain_is_400(client, crs, bbox):
    response = client.get(
        "/ogc/collections/facilities/items", {"bbox": bbox, "bbox-crs": crs, "limit": "1"}
    )
    json_error(response, 400, "bbox")


def test_the_domain_is_named_in_the_message(client):
    response = client.get(
        "/ogc/collections/facilities/items",
        {"bbox": "-1e308,-1e308,1e308,1e308", "bbox-crs": EPSG_9210},
    )
    assert json_error(response, 400, "bbox")["detail"] == (
        f"'bbox' in {EPSG_9210} must lie within 0,0,2000000,3000000 (metres), where the "
        "projection is defined."
    )


@pytest.mark.parametrize(
    ("crs", "bbox"),
    [
        (EPSG_9210, "0,0,2000000,3000000"),
        (
            EPSG_3857,
            "-20037508.342789244,-20048966.104014594,20037508.342789244,20048966.104014594",
        ),
    ],
)
def test_a_bbox_of_the_whole_domain_answers(client, crs, bbox):
    response = client.get(
        "/ogc/collections/facilities/items", {"bbox": bbox, "bbox-crs": crs, "limit": "1"}
    )
    assert response.status_code == 200
    body = json.loads(b"".join(response.streaming_content))
    assert body["numberMatched"] > 0

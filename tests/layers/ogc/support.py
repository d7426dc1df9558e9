"""What the OGC API tests share: constants, and helpers that read answers and links.

Expected answers come from elsewhere than the API's SQL: counts and extents from the ORM,
coordinates from pyproj, the OpenAPI document from the OpenAPI 3.0 JSON Schema.
"""

import json

from django.db.models import Q
from django.utils import timezone
from pyproj import Geod

from layers.models import AdministrativeArea

GEOD = Geod(ellps="WGS84")
BEN_THANH = (106.7009, 10.7769)  # lon, lat near Bến Thành market
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
EPSG_9210 = "http://www.opengis.net/def/crs/EPSG/0/9210"
CONFORMANCE = {
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
POINTS = 25


def ok_body(response) -> dict:
    """The JSON (or GeoJSON, streamed or not) of a 200."""
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


def error_body(response, status: int, parameter: str | None = None) -> dict:
    """The JSON error body, after checking its status and the parameter it names."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"]
    if parameter is not None:
        assert body["parameter"] == parameter
    return body


def links_by_type(body: dict) -> dict[tuple[str, str], str]:
    """The links of a resource by (rel, type)."""
    return {(link["rel"], link["type"]): link["href"] for link in body["links"]}


def links_with_rel(body: dict, rel: str) -> list[dict]:
    """The links of a resource with this rel."""
    return [link for link in body["links"] if link["rel"] == rel]


def walk_pages(client, url: str) -> tuple[list[dict], list[dict]]:
    """Every feature reached by following next links, and every page."""
    pages = [ok_body(client.get(url))]
    while next_links := links_with_rel(pages[-1], "next"):
        assert len(next_links) == 1
        pages.append(ok_body(client.get(next_links[0]["href"])))
    return [f for page in pages for f in page["features"]], pages


def current_areas():
    """The areas of the generation valid today, by the ORM."""
    today = timezone.localdate()
    return AdministrativeArea.objects.filter(
        Q(generation__valid_to__isnull=True) | Q(generation__valid_to__gte=today),
        generation__valid_from__lte=today,
    )


def feature_ids(body: dict) -> set:
    """The ids of a collection's features."""
    return {f["id"] for f in body["features"]}

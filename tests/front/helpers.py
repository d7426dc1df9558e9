"""Talking to the front in tests: bans, requests from another local address."""

import http.client
from urllib.parse import urlsplit

import requests
from django.contrib.gis.geos import Point

from layers.models import Feature, Layer
from tests import committed_reports

# Every answer the front keeps is tagged: this ban forgets all of them.
FORGET_ALL = "obj.http.x-cm-layers ~ ."

# The addresses this package's requests came from (``request_from``'s, and the loopback of
# every other client): the app behind the front counts anonymous reports per address.
SENT_FROM = {committed_reports.LOOPBACK}


def ban(front_url: str, expression: str) -> requests.Response:
    """A ban as the purger sends it (``BAN /`` with the expression in ``X-Ban``)."""
    return requests.request("BAN", f"{front_url}/", headers={"X-Ban": expression}, timeout=10)


def forget_all(front_url: str) -> None:
    answer = ban(front_url, FORGET_ALL)
    assert answer.status_code == 200, answer.text


def request_from(
    source: str, url: str, method: str = "GET", headers: dict | None = None, body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    """One request sent from the local address ``source`` (127.0.0.2, ...: every 127/8
    address is this machine's), as another caller would: (status, headers, body)."""
    SENT_FROM.add(source)
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=30, source_address=(source, 0)
    )
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body or None, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def remove_reports(codes: list[str]) -> None:
    """Reports a test sent, with all they wrote (tests/committed_reports.py), and the
    rate-limit windows of every address this package sent from."""
    committed_reports.remove_reports(codes, callers=sorted(SENT_FROM))


def point_layer(slug: str, title: str, points: list[tuple[str, tuple]], public: bool) -> Layer:
    """An imported point layer whose features have a name ("ten"): public with a public
    attribute, or staff-only with an attribute the schema does not mark public."""
    field = {"name": "ten", "type": "string", **({"public": True} if public else {})}
    layer = Layer.objects.create(
        slug=slug, title=title, is_public=public, geometry_type="Point", attribute_schema=[field]
    )
    for name, (lon, lat) in points:
        point = Point(lon, lat, srid=4326)
        Feature.objects.create(layer=layer, geom=point, attributes={"ten": name})
    return layer

"""Open311 GeoReport v2 at /open311/v2/, in JSON and XML, as an unchanged client calls it."""

import uuid
from datetime import timedelta
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from apikeys.keys import create_key, revoke
from feedback.models import FeedbackCategory, FeedbackItem, Status

from .conftest import inside

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


@pytest.fixture
def api_key() -> str:
    return create_key("aggregator", ["open311"])[1]


def file_request(client, raw_key, ward, fmt="json", key=None, **changes):
    lon, lat = inside(ward)
    data = {
        "api_key": raw_key,
        "service_code": "den-duong",
        "description": "Đèn đường tắt cả dãy",
        "lat": str(lat),
        "long": str(lon),
        "first_name": "Lê",
        "last_name": "Văn C",
        "phone": "0987654321",
        "email": "c@example.vn",
        **changes,
    }
    data = {k: v for k, v in data.items() if v is not None}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"{BASE}/requests.{fmt}", data, **headers)


def xml(response) -> ElementTree.Element:
    assert response["Content-Type"].startswith("text/xml")
    return ElementTree.fromstring(response.content)


def test_services_in_both_formats(client):
    active = list(FeedbackCategory.objects.filter(is_active=True).values_list("code", flat=True))
    listed = client.get(f"{BASE}/services.json").json()
    assert [s["service_code"] for s in listed] == active
    light = next(s for s in listed if s["service_code"] == "den-duong")
    assert light["service_name"] == FeedbackCategory.objects.get(code="den-duong").name_en
    assert light["metadata"] is False and light["type"] == "realtime"
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == active
    assert root.find("service/metadata").text == "false"


def test_service_names_in_vietnamese_by_default(vi_client):
    listed = vi_client.get(f"{BASE}/services.json").json()
    light = next(s for s in listed if s["service_code"] == "den-duong")
    assert light["service_name"] == FeedbackCategory.objects.get(code="den-duong").name_vi


def test_service_definition_and_unknown_service(client):
    body = client.get(f"{BASE}/services/den-duong.json").json()
    assert body == {"service_code": "den-duong", "attributes": []}
    root = xml(client.get(f"{BASE}/services/den-duong.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "den-duong"
    missing = client.get(f"{BASE}/services/khong-co.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404
    missing_xml = xml(client.get(f"{BASE}/services/khong-co.xml"))
    assert missing_xml.tag == "errors" and missing_xml.findtext("error/code") == "404"


def test_post_a_request_with_lat_long(client, api_key, wards):
    response = file_request(client, api_key, wards[0])
    assert response.status_code == 201, response.content
    entry = response.json()[0]
    item = FeedbackItem.objects.get(tracking_code=entry["service_request_id"])
    assert item.ward == wards[0]
    assert item.channel == "other" and item.reporter_name == "Lê Văn C"
    assert item.reporter_phone == "0987654321"
    assert wards[0].name in entry["service_notice"]


def test_post_in_xml(client, api_key, wards):
    root = xml(file_request(client, api_key, wards[0], fmt="xml"))
    assert root.tag == "service_requests"
    code = root.findtext("request/service_request_id")
    assert FeedbackItem.objects.filter(tracking_code=code).exists()


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "cm_bad_bad"}, 403, "Unknown API key"),
        ({"service_code": "khong-co"}, 400, "category"),
        ({"service_code": None}, 400, "service_code"),
        ({"description": None}, 400, "problem"),
        ({"lat": "21.03", "long": "105.85"}, 400, "outside every ward"),
        ({"lat": "abc"}, 400, "number"),
        ({"lat": None, "long": None}, 400, "address"),
    ],
)
def test_refused_posts_in_the_specifications_error_format(
    client, api_key, wards, changes, status, words
):
    response = file_request(client, api_key, wards[0], **changes)
    assert response.status_code == status
    error = response.json()[0]
    assert error["code"] == status
    assert words in error["description"]
    assert not FeedbackItem.objects.exists()
    root = xml(file_request(client, api_key, wards[0], fmt="xml", **changes))
    assert root.findtext("error/code") == str(status)


def test_revoked_keys_and_keys_of_other_apis_are_refused(client, wards):
    key, raw = create_key("old-client", ["open311"])
    revoke(key.prefix)
    refused = file_request(client, raw, wards[0])
    assert refused.status_code == 403 and "revoked" in refused.json()[0]["description"]
    _other, rest_only = create_key("app", ["feedback"])
    assert file_request(client, rest_only, wards[0]).status_code == 403
    assert not FeedbackItem.objects.exists()


def test_idempotency_key_and_token(client, api_key, wards):
    key = str(uuid.uuid4())
    first = file_request(client, api_key, wards[0], key=key)
    again = file_request(client, api_key, wards[0], key=key)
    assert (first.status_code, again.status_code) == (201, 200)
    code = first.json()[0]["service_request_id"]
    assert again.json()[0]["service_request_id"] == code
    assert first.json()[0]["token"] == key
    assert FeedbackItem.objects.count() == 1
    token = client.get(f"{BASE}/tokens/{key}.json").json()
    assert token == [{"service_request_id": code, "token": key}]
    root = xml(client.get(f"{BASE}/tokens/{key}.xml"))
    assert root.findtext("request/service_request_id") == code
    assert client.get(f"{BASE}/tokens/{uuid.uuid4()}.json").status_code == 404


def test_get_requests_public_fields_only(client, api_key, wards):
    code = file_request(client, api_key, wards[0]).json()[0]["service_request_id"]
    listed = client.get(f"{BASE}/requests.json")
    entry = next(r for r in listed.json() if r["service_request_id"] == code)
    assert entry["status"] == "open" and entry["service_code"] == "den-duong"
    assert entry["agency_responsible"] == wards[0].name
    text = listed.content.decode()
    for secret in ("0987654321", "c@example.vn", "Văn C"):
        assert secret not in text
    root = xml(client.get(f"{BASE}/requests/{code}.xml"))
    assert root.findtext("request/service_request_id") == code
    assert root.findtext("request/status") == "open"
    assert "0987654321" not in client.get(f"{BASE}/requests/{code}.xml").content.decode()


def test_get_requests_filters(client, api_key, wards):
    light = file_request(client, api_key, wards[0]).json()[0]["service_request_id"]
    flood = file_request(client, api_key, wards[1], service_code="ngap-nuoc").json()[0][
        "service_request_id"
    ]
    FeedbackItem.objects.filter(tracking_code=flood).update(status=Status.RESOLVED)

    def codes(query: str) -> set[str]:
        response = client.get(f"{BASE}/requests.json?{query}")
        assert response.status_code == 200, response.content
        return {r["service_request_id"] for r in response.json()}

    assert codes("") == {light, flood}
    assert codes("service_code=ngap-nuoc") == {flood}
    assert codes("status=open") == {light}
    assert codes("status=closed") == {flood}
    assert codes(f"service_request_id={light}") == {light}
    assert codes(f"service_request_id={light},{flood}&status=open") == {light, flood}
    tomorrow = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    assert codes(urlencode({"start_date": tomorrow})) == set()
    old = timezone.now() - timedelta(days=120)
    FeedbackItem.objects.filter(tracking_code=light).update(created_at=old)
    assert codes("") == {flood}  # the default window is the last 90 days
    assert codes(f"start_date={(old - timedelta(days=1)).date()}") == {light, flood}
    bad = client.get(f"{BASE}/requests.json?start_date=hom-qua")
    assert bad.status_code == 400 and "start_date" in bad.json()[0]["description"]
    assert client.get(f"{BASE}/requests.json?status=pending").status_code == 400


def test_unknown_request_and_method(client):
    assert client.get(f"{BASE}/requests/HCM-0000-0000.json").status_code == 404
    assert client.delete(f"{BASE}/requests.json").status_code == 405
    assert client.get(f"{BASE}/requests.csv").status_code == 404


def test_post_with_an_address_string_and_an_ambiguous_one(client, api_key):
    from django.db import connection

    from layers.models import AdministrativeArea

    ward = (
        AdministrativeArea.objects.filter(generation__valid_to__isnull=True, level="ward")
        .extra(
            where=[
                "NOT EXISTS (SELECT 1 FROM layers_administrativearea o "
                "WHERE o.id <> layers_administrativearea.id "
                "AND o.name_search = layers_administrativearea.name_search)"
            ]
        )
        .order_by("code")
        .first()
    )
    response = file_request(client, api_key, ward, lat=None, long=None, address_string=ward.name)
    assert response.status_code == 201, response.content
    item = FeedbackItem.objects.get(tracking_code=response.json()[0]["service_request_id"])
    assert item.ward == ward
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM layers_facility GROUP BY name "
            "HAVING count(DISTINCT ward_id) > 1 ORDER BY name LIMIT 1"
        )
        (name,) = cursor.fetchone()
    ambiguous = file_request(client, api_key, ward, lat=None, long=None, address_string=name)
    assert ambiguous.status_code == 400
    assert "more than one place" in ambiguous.json()[0]["description"]


def test_discovery_points_to_the_endpoint_in_both_formats(client):
    body = client.get("/open311/discovery.json").json()
    (endpoint,) = body["endpoints"]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    root = xml(client.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2"
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert formats == ["application/json", "text/xml"]
    # and the endpoint it names answers
    path = endpoint["url"].removeprefix("http://testserver") + "/services.json"
    assert client.get(path).status_code == 200


def test_a_rejected_request_is_closed_with_its_reason_when_asked_by_id(client, api_key, wards):
    from feedback.workflow import Actor, transition

    code = file_request(client, api_key, wards[0]).json()[0]["service_request_id"]
    transition(Actor(None, "admin"), code, "rejected", reason="Không thuộc thẩm quyền")
    (entry,) = client.get(f"{BASE}/requests/{code}.json").json()
    assert entry["status"] == "closed"
    assert entry["status_notes"] == "Không thuộc thẩm quyền"
    listed = {r["service_request_id"]: r for r in client.get(f"{BASE}/requests.json").json()}
    assert listed[code] == entry  # the list tells the same fate


def test_the_list_tells_rejected_and_merged_requests_fate_in_status_notes(client, api_key, wards):
    from feedback.workflow import Actor, transition

    admin = Actor(None, "admin")
    kept, rejected, merged = (
        file_request(client, api_key, wards[0]).json()[0]["service_request_id"] for _ in range(3)
    )
    transition(admin, rejected, "rejected", reason="Không thuộc thẩm quyền")
    transition(admin, merged, "merged", merge_into=kept)

    listed = {r["service_request_id"]: r for r in client.get(f"{BASE}/requests.json").json()}
    assert (listed[kept]["status"], listed[kept]["status_notes"]) == ("open", "")
    assert (listed[rejected]["status"], listed[rejected]["status_notes"]) == (
        "closed",
        "Không thuộc thẩm quyền",
    )
    assert (listed[merged]["status"], listed[merged]["status_notes"]) == (
        "closed",
        f"Merged into {kept}.",
    )
    closed = {
        r["service_request_id"] for r in client.get(f"{BASE}/requests.json?status=closed").json()
    }
    assert {rejected, merged} <= closed and kept not in closed
    root = xml(client.get(f"{BASE}/requests.xml?service_request_id={merged}"))
    assert root.findtext("request/status_notes") == f"Merged into {kept}."
    for code in (rejected, merged):
        by_id = client.get(f"{BASE}/requests/{code}.json").json()[0]
        assert listed[code] == by_id

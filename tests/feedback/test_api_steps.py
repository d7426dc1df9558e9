"""One item through the REST API: its detail, workflow steps, rating, public tracking,
possible duplicates, and the catalogue and schema."""

import pytest

from feedback.models import FeedbackItem, Status

from .conftest import inside
from .rest import ITEMS, PRIVATE_KEYS, post, report, step, submit_as

pytestmark = pytest.mark.django_db


def test_staff_see_the_reporter_and_exact_point_and_their_next_steps(client, wards, people):
    code = submit_as(client, people["resident"], wards[0])
    client.force_login(people["ward_staff"])
    body = client.get(f"{ITEMS}{code}/").json()
    assert body["reporter"]["name"] == "Trần Thị B"
    lon, lat = inside(wards[0])
    assert body["exact_location"] == {"lon": round(lon, 7), "lat": round(lat, 7)}
    assert set(body["allowed_next"]) == {"accepted", "rejected", "merged"}


def test_the_workflow_through_the_api_with_its_refusals(client, wards, people):
    code = submit_as(client, people["resident"], wards[0])
    client.force_login(people["other_ward_staff"])
    assert step(client, code, to="accepted").status_code == 404
    client.force_login(people["leader"])
    assert step(client, code, to="accepted").status_code == 403
    client.force_login(people["ward_staff"])
    assert step(client, code, to="closed").status_code == 409
    assert step(client, code, to="rejected").json()["parameter"] == "reason"
    assert step(client, code, to="nowhere").status_code == 400
    accepted = step(client, code, to="accepted", note="Đã giao đội điện")
    assert accepted.status_code == 200
    assert accepted.json()["timeline"][-1]["note"] == "Đã giao đội điện"
    assert step(client, code, to="resolved").json()["status"] == "resolved"
    client.force_login(people["resident"])
    closed = step(client, code, to="closed")
    assert closed.json()["status"] == "closed"
    assert [e["to"] for e in closed.json()["timeline"]] == [
        "received",
        "accepted",
        "resolved",
        "closed",
    ]
    assert FeedbackItem.objects.get(tracking_code=code).status == Status.CLOSED


def test_anonymous_callers_cannot_take_steps(client, wards, people):
    code = submit_as(client, people["resident"], wards[0])
    client.logout()
    assert step(client, code, to="accepted").status_code == 404


def test_merge_through_the_api(client, wards, people):
    first = submit_as(client, people["resident"], wards[0])
    second = submit_as(client, people["other_resident"], wards[0])
    client.force_login(people["ward_staff"])
    merged = step(client, second, to="merged", merge_into=first.lower().replace("-", " "))
    assert merged.status_code == 200, merged.content
    assert merged.json()["merged_into"] == first


def test_rating_through_the_api(client, wards, people):
    code = submit_as(client, people["resident"], wards[0])
    url = f"{ITEMS}{code}/rating/"
    rating = {"rating": 4, "comment": "Sửa nhanh"}
    assert client.post(url, rating, content_type="application/json").status_code == 409
    client.force_login(people["ward_staff"])
    step(client, code, to="accepted")
    step(client, code, to="resolved")
    assert client.post(url, rating, content_type="application/json").status_code == 403
    client.force_login(people["resident"])
    bad = client.post(url, {"rating": 6}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["parameter"] == "rating"
    assert client.post(url, {"rating": True}, content_type="application/json").status_code == 400
    body = client.post(url, rating, content_type="application/json").json()
    assert body["rating"] == 4 and body["rating_comment"] == "Sửa nhanh"


def test_tracking_by_code_is_public_and_forgiving(client, wards, people):
    code = submit_as(client, people["resident"], wards[0])
    client.logout()
    spoken = code.lower().replace("-", " ").replace("0", "o")
    response = client.get(f"/api/v1/feedback/track/{spoken}/")
    assert response.status_code == 200
    body = response.json()
    assert body["tracking_code"] == code
    assert not PRIVATE_KEYS & body.keys()
    assert all("by" not in event for event in body["timeline"])
    assert client.get("/api/v1/feedback/track/HCM-0000-0000/").status_code == 404


def test_duplicates_are_offered_before_and_after_submitting(client, wards, people):
    first = submit_as(client, people["resident"], wards[0])
    lon, lat = inside(wards[0])
    client.logout()
    before = client.get(
        f"/api/v1/feedback/duplicates/?category=den-duong&lon={lon}&lat={lat + 0.0001}"
    ).json()
    assert [d["tracking_code"] for d in before["results"]] == [first]
    assert before["results"][0]["distance_m"] <= 20
    assert not {"reporter", "reporter_name"} & before["results"][0].keys()
    other_kind = client.get(
        f"/api/v1/feedback/duplicates/?category=rac-thai&lon={lon}&lat={lat}"
    ).json()
    assert other_kind["results"] == []
    far = client.get(f"/api/v1/feedback/duplicates/?category=den-duong&lon={lon}&lat={lat + 0.01}")
    assert far.json()["results"] == []
    after = post(client, report(wards[0])).json()
    assert [d["tracking_code"] for d in after["possible_duplicates"]] == [first]
    bad = client.get("/api/v1/feedback/duplicates/?category=khong-co&lon=106.7&lat=10.77")
    assert bad.status_code == 400 and bad.json()["parameter"] == "category"


def test_closed_items_are_not_offered_as_duplicates(client, wards, people):
    first = submit_as(client, people["resident"], wards[0])
    client.force_login(people["ward_staff"])
    step(client, first, to="rejected", reason="Trùng")
    client.logout()
    assert post(client, report(wards[0])).json()["possible_duplicates"] == []


def test_categories_speak_the_asked_language(client, vi_client):
    english = {c["code"]: c for c in client.get("/api/v1/feedback/categories/").json()}
    vietnamese = {c["code"]: c for c in vi_client.get("/api/v1/feedback/categories/").json()}
    assert english["den-duong"]["name"] == english["den-duong"]["name_en"]
    assert vietnamese["den-duong"]["name"] == vietnamese["den-duong"]["name_vi"]
    assert english["tieng-on"]["public_precision_m"] == 100


def test_the_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/feedback/items/",
        "/api/v1/feedback/items/{code}/",
        "/api/v1/feedback/items/{code}/transitions/",
        "/api/v1/feedback/items/{code}/rating/",
        "/api/v1/feedback/track/{code}/",
        "/api/v1/feedback/duplicates/",
    ):
        assert path in paths, path
    parameters = {p["name"] for p in paths["/api/v1/feedback/items/"]["post"]["parameters"]}
    assert "Idempotency-Key" in parameters

"""The feedback REST API: submit, idempotency, rate limits, lists, detail, steps, rating."""

import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from apikeys.keys import create_key
from feedback.models import FeedbackItem, IdempotencyRecord, Status

from .conftest import inside

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/feedback/items/"
PRIVATE_KEYS = {"reporter", "exact_location", "address_text", "rating_comment", "api_key"}


def post(client, body: dict, key: str | None = None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(ITEMS, json.dumps(body), content_type="application/json", **headers, **extra)


def report(ward, **changes) -> dict:
    lon, lat = inside(ward)
    body = {
        "category": "den-duong",
        "description": "Đèn đường hỏng trước nhà số 12",
        "location": {"lon": lon, "lat": lat},
        "reporter_name": "Trần Thị B",
        "reporter_phone": "0912345678",
        "reporter_email": "b@example.vn",
    }
    return {**body, **changes}


def limits(**values):
    return override_settings(COMMONMAP={**settings.COMMONMAP, **values})


def test_anonymous_submission_is_created_routed_and_answered_without_private_fields(client, wards):
    response = post(client, report(wards[0]))
    assert response.status_code == 201, response.content
    body = response.json()
    item = FeedbackItem.objects.get(tracking_code=body["tracking_code"])
    assert item.ward == wards[0]
    assert item.reporter_phone == "0912345678"  # kept for staff
    assert body["ward"]["code"] == wards[0].code
    assert body["status"] == "received" and len(body["timeline"]) == 1
    assert not PRIVATE_KEYS & body.keys()
    assert "0912345678" not in response.content.decode()
    assert "Trần Thị B" not in response.content.decode()
    assert response["Location"].endswith(f"/api/v1/feedback/track/{item.tracking_code}/")


def test_a_resident_gets_the_private_view_of_their_own_item(client, wards, people):
    client.force_login(people["resident"])
    body = post(client, report(wards[0])).json()
    assert body["reporter"]["account"] == "dan"
    assert body["reporter"]["phone"] == "0912345678"
    assert (
        FeedbackItem.objects.get(tracking_code=body["tracking_code"]).reporter == people["resident"]
    )


def test_the_same_idempotency_key_creates_one_item_and_returns_it_again(client, wards):
    key = str(uuid.uuid4())
    first = post(client, report(wards[0]), key)
    again = post(client, report(wards[0]), key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert FeedbackItem.objects.count() == 1
    assert IdempotencyRecord.objects.get(key=key).scope == "anonymous"


def test_a_key_reused_for_a_different_report_is_refused_and_creates_nothing(client, wards):
    key = str(uuid.uuid4())
    post(client, report(wards[0]), key)
    response = post(client, report(wards[0], description="Một chuyện khác"), key)
    assert response.status_code == 422
    assert response.json()["parameter"] == "Idempotency-Key"
    assert FeedbackItem.objects.count() == 1


def test_keys_of_different_users_do_not_collide(client, wards, people):
    key = str(uuid.uuid4())
    client.force_login(people["resident"])
    first = post(client, report(wards[0]), key).json()
    client.force_login(people["other_resident"])
    second = post(client, report(wards[0]), key).json()
    assert first["tracking_code"] != second["tracking_code"]


def test_a_malformed_idempotency_key_is_refused(client, wards):
    response = post(client, report(wards[0]), "x" * 201)
    assert response.status_code == 400
    assert response.json()["parameter"] == "Idempotency-Key"
    assert not FeedbackItem.objects.exists()


def test_a_failed_submission_leaves_the_key_free_for_the_corrected_retry(client, wards):
    key = str(uuid.uuid4())
    bad = post(client, report(wards[0], category="khong-co"), key)
    good = post(client, report(wards[0]), key)
    assert (bad.status_code, good.status_code) == (400, 201)


def test_anonymous_submissions_are_rate_limited_per_client_with_retry_after(client, wards):
    with limits(FEEDBACK_ANON_PER_MINUTE=2, FEEDBACK_ANON_PER_HOUR=100):
        codes = [post(client, report(wards[0])).status_code for _ in range(3)]
        refused = post(client, report(wards[0]))
        other = post(client, report(wards[0]), REMOTE_ADDR="203.0.113.7")
    assert codes == [201, 201, 429]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "too_many_requests"
    assert other.status_code == 201  # another client has its own count
    assert FeedbackItem.objects.count() == 3


def test_retries_of_an_accepted_report_do_not_count_against_the_limit(client, wards):
    key = str(uuid.uuid4())
    with limits(FEEDBACK_ANON_PER_MINUTE=1, FEEDBACK_ANON_PER_HOUR=100):
        statuses = [post(client, report(wards[0]), key).status_code for _ in range(4)]
    assert statuses == [201, 200, 200, 200]


def test_signed_in_residents_are_not_rate_limited(client, wards, people):
    client.force_login(people["resident"])
    with limits(FEEDBACK_ANON_PER_MINUTE=1, FEEDBACK_ANON_PER_HOUR=1):
        statuses = {post(client, report(wards[0])).status_code for _ in range(3)}
    assert statuses == {201}


@pytest.mark.parametrize(
    ("change", "parameter", "code"),
    [
        ({"category": "khong-co"}, "category", "invalid_parameter"),
        ({"description": "  "}, "description", "invalid_parameter"),
        ({"channel": "fax"}, "channel", "invalid_parameter"),
        ({"location": {"lon": 106.7}}, "lat", "invalid_parameter"),
        ({"location": {"lon": 200, "lat": 10.7}}, "lon", "invalid_parameter"),
        ({"location": "106.7,10.7"}, "location", "invalid_parameter"),
        ({"location": {"lon": 105.85, "lat": 21.03}}, "location", "outside_city"),
        ({"location": None}, "location", "invalid_parameter"),
        ({"description": 12}, "description", "invalid_parameter"),
        ({"reporter_email": "khong-phai-email"}, "reporter_email", "invalid_parameter"),
    ],
)
def test_bad_submissions_are_refused_precisely_and_store_nothing(
    client, wards, change, parameter, code
):
    response = post(client, report(wards[0], **change))
    assert response.status_code == 400, response.content
    assert response.json()["parameter"] == parameter
    assert response.json()["code"] == code
    assert not FeedbackItem.objects.exists()


def test_leaders_are_read_only(client, wards, people):
    client.force_login(people["leader"])
    response = post(client, report(wards[0]))
    assert response.status_code == 403
    assert not FeedbackItem.objects.exists()


def test_an_operator_submission_defaults_to_the_hotline_channel(client, wards, people):
    client.force_login(people["operator"])
    body = post(client, report(wards[0])).json()
    assert body["channel"] == "hotline"
    assert FeedbackItem.objects.get(tracking_code=body["tracking_code"]).reporter is None


def _submit_as(client, user, ward, **changes) -> str:
    client.force_login(user)
    return post(client, report(ward, **changes)).json()["tracking_code"]


def test_listing_needs_an_account(client):
    response = client.get(ITEMS)
    assert response.status_code == 401
    assert "WWW-Authenticate" in response
    assert response.json()["code"] == "not_authenticated"


def test_residents_list_their_own_items_only(client, wards, people):
    mine = _submit_as(client, people["resident"], wards[0])
    _submit_as(client, people["other_resident"], wards[0])
    client.force_login(people["resident"])
    body = client.get(ITEMS).json()
    assert body["count"] == 1
    assert [r["tracking_code"] for r in body["results"]] == [mine]


def test_ward_staff_list_their_ward_only_and_get_404_for_another_wards_item(client, wards, people):
    here = _submit_as(client, people["resident"], wards[0])
    there = _submit_as(client, people["resident"], wards[1])
    client.force_login(people["ward_staff"])
    listed = [r["tracking_code"] for r in client.get(ITEMS).json()["results"]]
    assert listed == [here]
    assert client.get(f"{ITEMS}{here}/").status_code == 200
    refused = client.get(f"{ITEMS}{there}/")
    assert refused.status_code == 404
    assert (
        client.get(f"{ITEMS}HCM-0000-0000/").json()["detail"].replace("HCM-0000-0000", there)
        == refused.json()["detail"]
    )  # the same answer as for a code that does not exist


def test_list_filters(client, wards, people):
    light = _submit_as(client, people["resident"], wards[0])
    flood = _submit_as(client, people["resident"], wards[1], category="ngap-nuoc")
    client.force_login(people["city_staff"])

    def codes(query: str) -> set[str]:
        response = client.get(f"{ITEMS}?{query}")
        assert response.status_code == 200, response.content
        return {r["tracking_code"] for r in response.json()["results"]}

    assert codes("category=ngap-nuoc") == {flood}
    assert codes(f"ward={wards[0].code}") == {light}
    assert codes(f"ward={wards[0].code},{wards[1].code}") == {light, flood}
    assert codes("status=received") == {light, flood}
    assert codes("status=closed") == set()
    lon, lat = inside(wards[0])
    assert codes(f"bbox={lon - 1e-4},{lat - 1e-4},{lon + 1e-4},{lat + 1e-4}") == {light}
    today = timezone.localdate()
    assert codes(f"created_after={today}") == {light, flood}
    assert codes(f"created_before={today - timedelta(days=1)}") == set()
    assert codes("overdue=true") == set()
    FeedbackItem.objects.filter(tracking_code=flood).update(
        deadline_at=timezone.now() - timedelta(hours=1)
    )
    assert codes("overdue=true") == {flood}
    assert codes("overdue=false") == {light}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=open", "status"),
        ("created_after=yesterday", "created_after"),
        ("bbox=1,2,3", "bbox"),
        ("overdue=maybe", "overdue"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=-1", "offset"),
    ],
)
def test_bad_list_parameters_are_named(client, people, query, parameter):
    client.force_login(people["city_staff"])
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_list_pages_with_next_links(client, wards, people):
    for _ in range(3):
        _submit_as(client, people["resident"], wards[0])
    client.force_login(people["admin"])
    first = client.get(f"{ITEMS}?limit=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    seen = {r["tracking_code"] for r in first["results"] + second["results"]}
    assert len(seen) == 3


def test_staff_see_the_reporter_and_exact_point_and_their_next_steps(client, wards, people):
    code = _submit_as(client, people["resident"], wards[0])
    client.force_login(people["ward_staff"])
    body = client.get(f"{ITEMS}{code}/").json()
    assert body["reporter"]["name"] == "Trần Thị B"
    lon, lat = inside(wards[0])
    assert body["exact_location"] == {"lon": round(lon, 7), "lat": round(lat, 7)}
    assert set(body["allowed_next"]) == {"accepted", "rejected", "merged"}


def step(client, code: str, **body):
    return client.post(
        f"{ITEMS}{code}/transitions/", json.dumps(body), content_type="application/json"
    )


def test_the_workflow_through_the_api_with_its_refusals(client, wards, people):
    code = _submit_as(client, people["resident"], wards[0])
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
    code = _submit_as(client, people["resident"], wards[0])
    client.logout()
    assert step(client, code, to="accepted").status_code == 404


def test_merge_through_the_api(client, wards, people):
    first = _submit_as(client, people["resident"], wards[0])
    second = _submit_as(client, people["other_resident"], wards[0])
    client.force_login(people["ward_staff"])
    merged = step(client, second, to="merged", merge_into=first.lower().replace("-", " "))
    assert merged.status_code == 200, merged.content
    assert merged.json()["merged_into"] == first


def test_rating_through_the_api(client, wards, people):
    code = _submit_as(client, people["resident"], wards[0])
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
    code = _submit_as(client, people["resident"], wards[0])
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
    first = _submit_as(client, people["resident"], wards[0])
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
    first = _submit_as(client, people["resident"], wards[0])
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


def test_a_service_account_with_the_feedback_scope_submits(client, wards):
    _key, raw = create_key("ung-dung", ["feedback"])
    response = post(client, report(wards[0]), HTTP_X_API_KEY=raw)
    assert response.status_code == 201
    assert FeedbackItem.objects.get(tracking_code=response.json()["tracking_code"]).api_key == _key


def test_a_key_for_another_api_or_a_bad_key_is_refused(client, wards):
    _key, raw = create_key("tong-hop", ["open311"])
    assert post(client, report(wards[0]), HTTP_X_API_KEY=raw).status_code == 403
    wrong = post(client, report(wards[0]), HTTP_X_API_KEY="cm_nope_nope")
    assert wrong.status_code == 401
    assert not FeedbackItem.objects.exists()


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


def _jpeg_with_gps() -> bytes:
    from io import BytesIO

    from PIL import Image

    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (10.0, 46.0, 33.0), 3: "E", 4: (106.0, 42.0, 7.0)})
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert b"PhoneMaker" in data  # the source really carries metadata
    return data


def _multipart(client, ward, files, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lon, lat = inside(ward)
    data = {
        "category": "ngap-nuoc",
        "description": "Nước ngập tới đầu gối",
        "lon": str(lon),
        "lat": str(lat),
        "photos": [SimpleUploadedFile(name, content) for name, content in files],
    }
    return client.post(ITEMS, data, **extra)


def test_photos_are_stored_without_metadata_and_served(client, wards):
    from io import BytesIO

    from PIL import Image

    response = _multipart(
        client, wards[0], [("a.jpg", _jpeg_with_gps()), ("b.jpg", _jpeg_with_gps())]
    )
    assert response.status_code == 201, response.content
    urls = response.json()["photos"]
    assert len(urls) == 2
    served = client.get(urls[0])
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"PhoneMaker" not in served.content and b"Exif" not in served.content
    assert not Image.open(BytesIO(served.content)).getexif()
    assert client.get(urls[0].replace("/photos/1", "/photos/9")).status_code == 404


@pytest.mark.parametrize(
    ("files", "status"),
    [
        ([("x.jpg", b"not an image at all")], 400),
        ([(f"{n}.jpg", b"") for n in range(6)], 400),
    ],
)
def test_refused_photos_refuse_the_report_and_store_nothing(client, wards, files, status):
    if len(files) == 6:
        files = [(name, _jpeg_with_gps()) for name, _content in files]
    response = _multipart(client, wards[0], files)
    assert response.status_code == status
    assert response.json()["parameter"] == "photos"
    assert not FeedbackItem.objects.exists()


def test_a_photo_over_the_limit_is_413(client, wards):
    with limits(FEEDBACK_PHOTO_MAX_BYTES=1000):
        response = _multipart(client, wards[0], [("big.jpg", _jpeg_with_gps() + b"\0" * 2000)])
    assert response.status_code == 413
    assert "big.jpg" in response.json()["detail"]
    assert not FeedbackItem.objects.exists()


def test_photos_of_items_off_the_public_map_are_for_staff_and_the_reporter(client, wards, people):
    client.force_login(people["resident"])
    body = _multipart(client, wards[0], [("a.jpg", _jpeg_with_gps())]).json()
    client.force_login(people["ward_staff"])
    step(client, body["tracking_code"], to="rejected", reason="Không thuộc thẩm quyền")
    url = body["photos"][0]
    assert client.get(url).status_code == 200
    client.force_login(people["resident"])
    assert client.get(url).status_code == 200
    client.force_login(people["other_ward_staff"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def _unique_facility():
    """A facility whose name no other facility or area contains (found in SQL)."""
    from layers.models import Facility

    return (
        Facility.objects.extra(
            where=[
                "NOT EXISTS (SELECT 1 FROM layers_facility o WHERE o.id <> layers_facility.id "
                "AND o.name_search LIKE '%%' || layers_facility.name_search || '%%')",
                "NOT EXISTS (SELECT 1 FROM layers_administrativearea a "
                "WHERE a.name_search LIKE '%%' || layers_facility.name_search || '%%')",
                "ward_id IS NOT NULL",
            ]
        )
        .order_by("id")
        .first()
    )


def test_hotline_intake_by_a_place_name_without_diacritics(client, people):
    from layers.names import search_form

    facility = _unique_facility()
    client.force_login(people["operator"])
    body = {
        "category": "rac-thai",
        "description": "Rác đổ trước cổng",
        "address": search_form(facility.name).upper(),
        "reporter_phone": "0901234567",
    }
    response = post(client, body)
    assert response.status_code == 201, response.content
    item = FeedbackItem.objects.get(tracking_code=response.json()["tracking_code"])
    assert item.ward_id == facility.ward_id
    assert item.geom.distance(facility.geom) < 1e-9
    assert item.address_text == search_form(facility.name).upper()
    assert item.channel == "hotline"


def test_an_ambiguous_place_is_shown_to_the_operator_not_guessed(client, people):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM layers_facility GROUP BY name "
            "HAVING count(DISTINCT ward_id) > 1 ORDER BY name LIMIT 1"
        )
        (name,) = cursor.fetchone()
    client.force_login(people["operator"])
    body = {"category": "rac-thai", "description": "Rác", "address": name}
    response = post(client, body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "ambiguous_address" and error["parameter"] == "address"
    wards = {c["ward_code"] for c in error["candidates"]}
    assert len(wards) > 1
    assert all({"lon", "lat", "label", "ward_name"} <= c.keys() for c in error["candidates"])
    assert not FeedbackItem.objects.exists()
    # The operator picks one candidate and sends its point.
    chosen = error["candidates"][0]
    picked = post(client, {**body, "location": {"lon": chosen["lon"], "lat": chosen["lat"]}})
    assert picked.status_code == 201
    assert picked.json()["ward"]["code"] == chosen["ward_code"]


def test_an_unknown_place_is_refused_with_a_hint(client, people):
    client.force_login(people["operator"])
    body = {"category": "rac-thai", "description": "Rác", "address": "Zzyzx Quốc Tế"}
    response = post(client, body)
    assert response.status_code == 400
    assert response.json()["code"] == "address_not_found"
    assert response.json()["hint"]
    assert not FeedbackItem.objects.exists()


def test_the_place_search_endpoint(client):
    facility = _unique_facility()
    found = client.get("/api/v1/feedback/places/", {"q": facility.name}).json()
    assert found["status"] == "found"
    assert found["candidates"][0]["name"] == facility.name
    blank = client.get("/api/v1/feedback/places/?q=")
    assert blank.status_code == 400 and blank.json()["parameter"] == "q"


def test_a_list_page_costs_the_same_queries_for_3_items_as_for_1(client, wards, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["resident"])
    post(client, report(wards[0]))
    client.force_login(people["admin"])
    with CaptureQueriesContext(connection) as one:
        assert client.get(ITEMS).json()["count"] == 1
    client.force_login(people["resident"])
    post(client, report(wards[0]))
    post(client, report(wards[1]))
    client.force_login(people["admin"])
    with CaptureQueriesContext(connection) as three:
        assert client.get(ITEMS).json()["count"] == 3
    assert len(three) == len(one)
    first = FeedbackItem.objects.order_by("id").first().tracking_code
    with CaptureQueriesContext(connection) as open311_one:
        assert len(client.get(f"/open311/v2/requests.json?service_request_id={first}").json()) == 1
    with CaptureQueriesContext(connection) as open311_all:
        assert len(client.get("/open311/v2/requests.json").json()) == 3
    assert len(open311_all) == len(open311_one)


def test_behind_a_proxy_the_limit_follows_the_forwarded_address(client, wards):
    with limits(
        FEEDBACK_ANON_PER_MINUTE=1, FEEDBACK_ANON_PER_HOUR=100, CLIENT_IP_HEADER="X-Forwarded-For"
    ):
        first = post(client, report(wards[0]), HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.1")
        other = post(client, report(wards[0]), HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.2")
        again = post(client, report(wards[0]), HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1")
    # The last entry is the one the proxy added: the client as the proxy saw it.
    assert (first.status_code, other.status_code, again.status_code) == (201, 201, 429)


def test_a_refused_caller_is_told_before_their_photos_are_read(client, wards):
    with limits(FEEDBACK_ANON_PER_MINUTE=1, FEEDBACK_ANON_PER_HOUR=100):
        assert post(client, report(wards[0])).status_code == 201
        response = _multipart(client, wards[0], [("x.jpg", b"not an image at all")])
    assert response.status_code == 429  # not the photo's 400: the limit comes first


def test_a_key_reused_for_other_reports_counts_against_the_limit(client, wards):
    key = str(uuid.uuid4())
    with limits(FEEDBACK_ANON_PER_MINUTE=3, FEEDBACK_ANON_PER_HOUR=100):
        accepted = post(client, report(wards[0]), key).status_code
        reused = [
            post(client, report(wards[0], description=f"Báo cáo khác số {n}"), key)
            for n in range(4)
        ]
        retry = post(client, report(wards[0]), key)  # the true retry is never counted
    assert accepted == 201
    assert [r.status_code for r in reused] == [422, 422, 429, 429]
    assert reused[0].json()["parameter"] == "Idempotency-Key"
    assert reused[2].json()["code"] == "too_many_requests"
    assert (retry.status_code, retry["Idempotent-Replayed"]) == (200, "true")
    assert FeedbackItem.objects.count() == 1


@pytest.mark.parametrize(
    ("photo", "unread_status"),
    [(b"not an image at all", 400), (b"\xff\xd8\xff" + b"\0" * 3000, 413)],
    ids=["undecodable", "over-the-size-limit"],
)
def test_a_reused_key_is_refused_before_the_photos_are_read(client, wards, photo, unread_status):
    key = str(uuid.uuid4())
    assert post(client, report(wards[0]), key).status_code == 201
    with limits(FEEDBACK_PHOTO_MAX_BYTES=2000):
        fresh = _multipart(client, wards[0], [("x.jpg", photo)])
        reused = _multipart(client, wards[0], [("x.jpg", photo)], HTTP_IDEMPOTENCY_KEY=key)
    assert fresh.status_code == unread_status  # what reading the photo would have said
    assert reused.status_code == 422  # said first: the photo was never read
    assert reused.json()["parameter"] == "Idempotency-Key"
    assert FeedbackItem.objects.count() == 1


def test_a_retry_with_the_same_photos_is_a_replay(client, wards):
    key = str(uuid.uuid4())
    photo = [("a.jpg", _jpeg_with_gps())]
    first = _multipart(client, wards[0], photo, HTTP_IDEMPOTENCY_KEY=key)
    again = _multipart(client, wards[0], photo, HTTP_IDEMPOTENCY_KEY=key)
    other = _multipart(
        client, wards[0], [("a.jpg", _jpeg_with_gps() + b"\0")], HTTP_IDEMPOTENCY_KEY=key
    )
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 422)
    assert again.json()["tracking_code"] == first.json()["tracking_code"]

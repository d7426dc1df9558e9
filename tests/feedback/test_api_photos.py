"""Photos through the REST API: stored without metadata, served to whom may see them, and
refused (or never read) as the limits and Idempotency-Key say."""

import uuid
from io import BytesIO

import pytest
from PIL import Image

from feedback.models import FeedbackItem

from .rest import jpeg_with_gps, limits, multipart, post, report, step

pytestmark = pytest.mark.django_db


def test_photos_are_stored_without_metadata_and_served(client, wards):
    response = multipart(client, wards[0], [("a.jpg", jpeg_with_gps()), ("b.jpg", jpeg_with_gps())])
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
        files = [(name, jpeg_with_gps()) for name, _content in files]
    response = multipart(client, wards[0], files)
    assert response.status_code == status
    assert response.json()["parameter"] == "photos"
    assert not FeedbackItem.objects.exists()


def test_a_photo_over_the_limit_is_413(client, wards):
    with limits(FEEDBACK_PHOTO_MAX_BYTES=1000):
        response = multipart(client, wards[0], [("big.jpg", jpeg_with_gps() + b"\0" * 2000)])
    assert response.status_code == 413
    assert "big.jpg" in response.json()["detail"]
    assert not FeedbackItem.objects.exists()


def test_photos_of_items_off_the_public_map_are_for_staff_and_the_reporter(client, wards, people):
    client.force_login(people["resident"])
    body = multipart(client, wards[0], [("a.jpg", jpeg_with_gps())]).json()
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


def test_a_refused_caller_is_told_before_their_photos_are_read(client, wards):
    with limits(FEEDBACK_ANON_PER_MINUTE=1, FEEDBACK_ANON_PER_HOUR=100):
        assert post(client, report(wards[0])).status_code == 201
        response = multipart(client, wards[0], [("x.jpg", b"not an image at all")])
    assert response.status_code == 429  # not the photo's 400: the limit comes first


@pytest.mark.parametrize(
    ("photo", "unread_status"),
    [(b"not an image at all", 400), (b"\xff\xd8\xff" + b"\0" * 3000, 413)],
    ids=["undecodable", "over-the-size-limit"],
)
def test_a_reused_key_is_refused_before_the_photos_are_read(client, wards, photo, unread_status):
    key = str(uuid.uuid4())
    assert post(client, report(wards[0]), key).status_code == 201
    with limits(FEEDBACK_PHOTO_MAX_BYTES=2000):
        fresh = multipart(client, wards[0], [("x.jpg", photo)])
        reused = multipart(client, wards[0], [("x.jpg", photo)], HTTP_IDEMPOTENCY_KEY=key)
    assert fresh.status_code == unread_status  # what reading the photo would have said
    assert reused.status_code == 422  # said first: the photo was never read
    assert reused.json()["parameter"] == "Idempotency-Key"
    assert FeedbackItem.objects.count() == 1


def test_a_retry_with_the_same_photos_is_a_replay(client, wards):
    key = str(uuid.uuid4())
    photo = [("a.jpg", jpeg_with_gps())]
    first = multipart(client, wards[0], photo, HTTP_IDEMPOTENCY_KEY=key)
    again = multipart(client, wards[0], photo, HTTP_IDEMPOTENCY_KEY=key)
    other = multipart(
        client, wards[0], [("a.jpg", jpeg_with_gps() + b"\0")], HTTP_IDEMPOTENCY_KEY=key
    )
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 422)
    assert again.json()["tracking_code"] == first.json()["tracking_code"]

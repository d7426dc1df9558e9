"""Helpers of the feedback REST API tests: a report's body, posting it (JSON or multipart
with photos), taking a workflow step, and settings overrides."""

import json
from contextlib import contextmanager
from io import BytesIO
from types import SimpleNamespace
from unittest import mock

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from feedback import ratelimit

from .conftest import inside

ITEMS = "/api/v1/feedback/items/"
PRIVATE_KEYS = {"reporter", "exact_location", "address_text", "rating_comment", "api_key"}


def post(client, body: dict, key: str | None = None, **extra):
    """POST a report as JSON, with an ``Idempotency-Key`` when given."""
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(ITEMS, json.dumps(body), content_type="application/json", **headers, **extra)


def report(ward, **changes) -> dict:
    """A street-light report from a point inside ``ward``, with the reporter's details."""
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


@contextmanager
def limits(**values):
    """Override some COMMONMAP settings (rate limits, photo size), with the rate limiter's
    clock held in the middle of the current minute. Its windows are fixed
    (feedback/ratelimit.py): requests that straddled a minute's end were counted in two
    windows, and a test expecting the third request refused saw it accepted."""
    held = timezone.now().replace(second=30, microsecond=0)
    clock = SimpleNamespace(now=lambda: held)
    with (
        override_settings(COMMONMAP={**settings.COMMONMAP, **values}),
        mock.patch.object(ratelimit, "timezone", clock),
    ):
        yield


def submit_as(client, user, ward, **changes) -> str:
    """Sign in as ``user``, submit a report in ``ward``; its tracking code."""
    client.force_login(user)
    return post(client, report(ward, **changes)).json()["tracking_code"]


def step(client, code: str, **body):
    """POST a workflow step."""
    return client.post(
        f"{ITEMS}{code}/transitions/", json.dumps(body), content_type="application/json"
    )


def jpeg_with_gps() -> bytes:
    """A small JPEG whose EXIF names the phone maker and a GPS position."""
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


def multipart(client, ward, files, **extra):
    """POST a flood report as a multipart form with ``files`` ((name, bytes) pairs)."""
    lon, lat = inside(ward)
    data = {
        "category": "ngap-nuoc",
        "description": "Nước ngập tới đầu gối",
        "lon": str(lon),
        "lat": str(lat),
        "photos": [SimpleUploadedFile(name, content) for name, content in files],
    }
    return client.post(ITEMS, data, **extra)

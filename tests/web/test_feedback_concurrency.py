"""Idempotent submission under real concurrency: gunicorn workers, committed transactions.

Retries of one report race each other (a phone on a bad connection sends again before the
first answer arrives): the unique key makes the later ones wait for the first and return
its item. Nothing here can be tested inside one rolled-back transaction, so the server
commits into the test database and the test removes what it made.
"""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from apikeys.keys import create_key
from apikeys.models import ApiKey
from feedback.models import FeedbackItem, IdempotencyRecord
from layers.models import AdministrativeArea
from tests.committed_reports import remove_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def service_key(read_db):
    """A committed key with the feedback scope; its items are removed afterwards with all
    they wrote (sent with the key, they count in no anonymous rate-limit window)."""
    key, raw = read_db(lambda: create_key(f"race-{uuid.uuid4().hex[:6]}", ["feedback"]))
    yield raw
    read_db(lambda: remove_items(FeedbackItem.objects.filter(api_key_id=key.pk)))
    read_db(lambda: ApiKey.objects.filter(pk=key.pk).delete())


@pytest.fixture
def ward_point(read_db):
    """A current ward and a point inside it."""

    def find():
        ward = AdministrativeArea.objects.filter(
            generation__valid_to__isnull=True, level="ward"
        ).order_by("code")[7]
        point = ward.geom.point_on_surface
        return ward.code, point.x, point.y

    return read_db(find)


def _send_together(server_url, raw_key, bodies_and_keys):
    """Post every (body, key) at the same instant; the answers in order."""
    barrier = threading.Barrier(len(bodies_and_keys))

    def send(pair):
        body, key = pair
        barrier.wait()
        return requests.post(
            f"{server_url}/api/v1/feedback/items/",
            json=body,
            headers={"X-Api-Key": raw_key, "Idempotency-Key": key},
            timeout=30,
        )

    with ThreadPoolExecutor(len(bodies_and_keys)) as pool:
        return list(pool.map(send, bodies_and_keys))


def test_racing_retries_of_one_report_create_one_item(server_url, service_key, ward_point, read_db):
    code, lon, lat = ward_point
    body = {
        "category": "ngap-nuoc",
        "description": "Ngập sau mưa",
        "location": {"lon": lon, "lat": lat},
    }
    key = str(uuid.uuid4())
    answers = _send_together(server_url, service_key, [(body, key)] * 8)
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    codes = {a.json()["tracking_code"] for a in answers}
    assert len(codes) == 1
    stored = read_db(
        lambda: list(
            FeedbackItem.objects.filter(
                api_key__key_hash__isnull=False, tracking_code__in=codes
            ).values_list("ward__code", flat=True)
        )
    )
    assert stored == [code]
    assert read_db(lambda: IdempotencyRecord.objects.filter(key=key).count()) == 1


def test_many_reports_each_retried_at_once_are_each_stored_once(
    server_url, service_key, ward_point, read_db
):
    _code, lon, lat = ward_point
    pairs = []
    for n in range(10):
        body = {
            "category": "rac-thai",
            "description": f"Rác số {n}",
            "location": {"lon": lon, "lat": lat},
        }
        key = str(uuid.uuid4())
        pairs += [(body, key), (body, key)]
    answers = _send_together(server_url, service_key, pairs)
    assert all(a.status_code in (200, 201) for a in answers), [a.text for a in answers]
    by_key = {}
    for (_body, key), answer in zip(pairs, answers, strict=True):
        by_key.setdefault(key, set()).add(answer.json()["tracking_code"])
    assert all(len(codes) == 1 for codes in by_key.values())
    made = {code for codes in by_key.values() for code in codes}
    assert len(made) == 10
    assert read_db(lambda: FeedbackItem.objects.filter(tracking_code__in=made).count()) == 10

"""Privacy fixtures: the feedback ones (wards, a user per role, a resident's item), an
auditor, items at the end of their workflow, and photos."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from feedback.intake import Submission, submit
from feedback.models import FeedbackItem, FeedbackPhoto, Role, StaffMembership
from feedback.services import take_step
from tests.feedback.conftest import (  # noqa: F401 (fixtures)
    _neighbour_ids,
    actors,
    english,
    inside,
    item,
    people,
    wards,
)

REQUESTS = "/api/v1/privacy/requests/"
ACCESSES = "/api/v1/privacy/contact-accesses/"


@pytest.fixture
def auditor(db) -> User:
    """A user holding the auditor role only."""
    user = User.objects.create_user("kiem_toan")
    StaffMembership.objects.create(user=user, role=Role.AUDITOR)
    return user


def report_of(by: dict, ward, who: str = "resident", **fields) -> FeedbackItem:
    """A street-light report in ``ward`` by ``who`` (of the actors ``by``), with contact
    details."""
    lon, lat = inside(ward)
    details = {
        "reporter_name": "Nguyễn Văn A",
        "reporter_phone": "0909123456",
        "reporter_email": "a@example.vn",
        "address_text": "12 Lê Lợi",
        **fields,
    }
    return submit(
        Submission(
            category="den-duong", description="Đèn hỏng", channel="app", lon=lon, lat=lat, **details
        ),
        by[who],
    )


def rejected(by: dict, report: FeedbackItem) -> FeedbackItem:
    """``report`` rejected by the ward's staff (done: its retention starts)."""
    return take_step(by["ward_staff"], report.tracking_code, "rejected", reason="Trùng lặp")


def add_photo(report: FeedbackItem, position: int, *, personal: bool) -> FeedbackPhoto:
    """A (tiny, fake) stored photo, flagged as showing a face or plate when ``personal``."""
    return FeedbackPhoto.objects.create(
        item=report,
        position=position,
        content_type="image/jpeg",
        data=b"\xff\xd8\xff",
        width=1,
        height=1,
        size=3,
        sha256=f"{position:064d}",
        has_personal_data=personal,
    )


def later(days: int):
    """Now moved forward by ``days``."""
    return timezone.now() + timedelta(days=days)


def post_json(client, url: str, body: dict):
    """POST a JSON body."""
    return client.post(url, json.dumps(body), content_type="application/json")

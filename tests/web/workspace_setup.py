"""Data the workspace's browser tests share: two neighbouring wards of today, a ward officer
of the first, a hotline operator, a signed-in person with no staff role, and reports in
both wards (committed through ``read_db``: the served app must see them; removed after)."""

from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from feedback.intake import Submission, submit
from feedback.models import FeedbackItem, Role, StaffMembership
from feedback.workflow import Actor
from layers.models import AdministrativeArea
from tests.committed_reports import forget_contact_reads, remove_reports

PASSWORD = "ban-lam-viec-mat-khau-7"
REPORTER_NAME = "Trần Thị Gọi"
REPORTER_PHONE = "0911222333"


def _neighbours() -> tuple[AdministrativeArea, AdministrativeArea]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, b.id FROM layers_administrativearea a "
            "JOIN layers_administrativearea b ON a.generation_id = b.generation_id "
            "AND a.code < b.code AND a.geom && b.geom AND ST_Touches(a.geom, b.geom) "
            "JOIN layers_boundarygeneration g ON g.id = a.generation_id "
            "WHERE g.valid_to IS NULL AND a.level = 'ward' AND b.level = 'ward' "
            "ORDER BY a.code, b.code LIMIT 1"
        )
        first, second = cursor.fetchone()
    return AdministrativeArea.objects.get(pk=first), AdministrativeArea.objects.get(pk=second)


def _report(ward: AdministrativeArea, category: str, text: str, shift: float = 0.0) -> str:
    point = ward.geom.point_on_surface
    item = submit(
        Submission(
            category=category,
            description=text,
            channel="app",
            lon=point.x + shift,
            lat=point.y,
            reporter_name=REPORTER_NAME,
            reporter_phone=REPORTER_PHONE,
        ),
        Actor(None, Role.RESIDENT),
    )
    return item.tracking_code


def create(prefix: str) -> dict:
    """The people and items (run through ``read_db``); ``prefix`` keeps usernames apart."""
    first, second = _neighbours()
    people = {
        "officer": (Role.WARD_STAFF, first.code),
        "operator": (Role.OPERATOR, ""),
        "nobody": (None, ""),
    }
    names = {}
    for key, (role, ward_code) in people.items():
        user = User.objects.create_user(f"{prefix}_{key}", password=PASSWORD)
        if role:
            StaffMembership.objects.create(user=user, role=role, ward_code=ward_code)
        names[key] = user.username
    light = _report(first, "den-duong", "Đèn đường hỏng trước số 12")
    light_again = _report(first, "den-duong", "Đèn đường không sáng", shift=0.0001)
    light_twin = _report(first, "den-duong", "Đèn đường chập chờn", shift=0.0002)
    pavement = _report(first, "lan-chiem-via-he", "Quán lấn chiếm vỉa hè")
    elsewhere = _report(second, "den-duong", "Đèn đường ở phường bên")
    FeedbackItem.objects.filter(tracking_code=pavement).update(
        deadline_at=timezone.now() - timedelta(days=2)
    )
    return {
        "wards": (first.code, second.code),
        "ward_names": (first.name, second.name),
        "users": names,
        "items": {
            "light": light,
            "light_again": light_again,
            "light_twin": light_twin,
            "pavement": pavement,
            "elsewhere": elsewhere,
        },
    }


def remove(data: dict, extra_codes: Callable[[], list[str]] | None = None) -> None:
    """Delete what ``create`` made (and items the tests made) with all they wrote
    (tests/committed_reports.py), and the people.

    Staff reads of contact details are logged in an append-only table that refuses the
    SET NULL a deleted user would need: the people's own rows are taken out first."""
    codes = list(data["items"].values()) + (extra_codes() if extra_codes else [])
    users = User.objects.filter(username__in=data["users"].values())
    forget_contact_reads(users=list(users.values_list("pk", flat=True)))
    remove_reports(codes)
    users.delete()


def real_errors(errors: list[str]) -> list[str]:
    """``browser_errors`` without the requests a navigation cut off (a page left while its
    map still loads tiles): those are the test moving on, not the page failing."""
    return [error for error in errors if "net::ERR_ABORTED" not in error]


def errors_but(errors: list[str], status: int) -> list[str]:
    """``real_errors`` without the one answer the test expects to be ``status`` (and the
    console's line about it)."""
    return [
        error
        for error in real_errors(errors)
        if not error.startswith(f"{status}:") and f"status of {status}" not in error
    ]

"""Dashboard fixtures: a small explicit city across a boundary reform, and its feedback.

The demo generations are moved out of the way (to 1990, inside the test's transaction).
The former generation "thu-cu" (2024-01-01 to 2025-06-30) has a province 80 with two
districts, West 801 (wards 80101, 80102) and East 802 (ward 80201); today's "thu-moi"
(since 2025-07-01) has a city 81 with two wards, 81001 (x 106.600-106.615) and 81002
(x 106.615-106.640). 81002 reaches into former district West, but its centre lies in East,
so it rolls up to East (the label-point rule).

    x: 106.600   106.610   106.615 106.618 106.620            106.640
 old:  |  80101   |   80102  :       :      |        80201        |
       |------ district 801 (West) ---------|--- district 802 ----|
 new:  |      81001          |        81002                       |

Items (local time, Asia/Ho_Chi_Minh; deadlines 48 h after creation unless said):
  A 106.605  created 2026-03-02 10:00, resolved 03-03 10:00 (24 h, on time), rated 4
  B 106.608  created 2026-03-10 08:00, resolved 03-15 08:00 (120 h, late), rated 2
  C 106.615  (on the 81001/81002 border: 81001, the lower code) created 2026-03-20, open
             at the end of March (deadline 03-22: overdue), accepted 04-05, resolved 04-10
  D 106.630  created 2026-02-20 00:00 (deadline 02-22), resolved 02-25, reopened 03-01,
             resolved again 03-04 12:00 (300 h, late)
  E 106.618  before the reform: created 2025-03-10 00:00, resolved 03-11 00:00 (24 h);
             old ward 80102 (district West), today's 81002 (rolls up to East)
  F at sea   created 2026-03-05 00:00 (outside every ward), never touched
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point, Polygon
from django.utils import translation

from feedback.models import FeedbackCategory, FeedbackEvent, FeedbackItem, Role, StaffMembership
from layers import boundaries
from layers.boundaries import AreaInput
from layers.models import AdministrativeArea, BoundaryGeneration

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
Y = 10.61


def at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    """A local time in the city."""
    return datetime(year, month, day, hour, tzinfo=LOCAL)


def _area(code, name, level, west, east, parent=None, area_type="phuong") -> AreaInput:
    box = Polygon.from_bbox((west, 10.6, east, 10.62))
    return AreaInput(code, name, area_type, level, parent, box, box.centroid)


@pytest.fixture
def city(db):
    """The two generations (the demo's moved to 1990); the areas by code."""
    for slug, start, end in (("2025-01", 1, 6), ("2025-07", 7, 12)):
        BoundaryGeneration.objects.filter(slug=slug).update(
            valid_from=date(1990, start, 1), valid_to=date(1990, end, 28)
        )
    old, _ = boundaries.upsert_generation(
        "thu-cu", name="thu-cu", valid_from=date(2024, 1, 1), valid_to=date(2025, 6, 30)
    )
    boundaries.store_areas(
        old,
        [
            _area("80", "Tỉnh Thử", "province", 106.6, 106.64, None, "tinh"),
            _area("801", "Quận Tây", "district", 106.6, 106.62, "80", "quan"),
            _area("802", "Quận Đông", "district", 106.62, 106.64, "80", "quan"),
            _area("80101", "Phường Một", "ward", 106.6, 106.61, "801"),
            _area("80102", "Phường Hai", "ward", 106.61, 106.62, "801"),
            _area("80201", "Phường Ba", "ward", 106.62, 106.64, "802"),
        ],
    )
    new, _ = boundaries.upsert_generation(
        "thu-moi", name="thu-moi", valid_from=date(2025, 7, 1), valid_to=None
    )
    boundaries.store_areas(
        new,
        [
            _area("81", "Thành phố Thử", "province", 106.6, 106.64, None, "thanh_pho"),
            _area("81001", "Phường Mới Tây", "ward", 106.6, 106.615, "81"),
            _area("81002", "Phường Mới Đông", "ward", 106.615, 106.64, "81"),
        ],
    )
    areas = AdministrativeArea.objects.filter(generation__in=[old, new])
    return {a.code: a for a in areas}


def _event(item: FeedbackItem, when: datetime, source: str, to: str) -> None:
    event = FeedbackEvent.objects.create(
        item=item, actor_role="ward_staff", from_status=source, to_status=to
    )
    FeedbackEvent.objects.filter(pk=event.pk).update(at=when)


def make_item(code, x, created, *, category, ward, status="received", steps=(), **fields):
    """An item at (x, Y) created at ``created``, with its intake event and ``steps``
    (``(when, from, to)``); ``fields`` set as given (resolved_at, rating, ...)."""
    fields.setdefault("deadline_at", created + timedelta(hours=48))
    item = FeedbackItem.objects.create(
        tracking_code=code,
        category=category,
        description="thử",
        channel="app",
        geom=Point(x, Y, srid=4326) if x else Point(107.6, 9.6, srid=4326),
        ward=ward,
        status=status,
        **fields,
    )
    FeedbackItem.objects.filter(pk=item.pk).update(created_at=created)
    _event(item, created, "", "received")
    for when, source, to in steps:
        _event(item, when, source, to)
    return item


@pytest.fixture
def items(city):
    """Items A-F of the module docstring, by letter."""
    category = FeedbackCategory.objects.create(
        code="thu-bang", name_vi="Thử", name_en="Test", deadline_amount=48
    )
    ward = city["81001"]
    common = {"category": category, "ward": ward}
    return {
        "A": make_item(
            "TA",
            106.605,
            at(2026, 3, 2, 10),
            status="closed",
            resolved_at=at(2026, 3, 3, 10),
            rating=4,
            rated_at=at(2026, 3, 5),
            steps=[(at(2026, 3, 3, 10), "received", "resolved")],
            **common,
        ),
        "B": make_item(
            "TB",
            106.608,
            at(2026, 3, 10, 8),
            status="resolved",
            resolved_at=at(2026, 3, 15, 8),
            rating=2,
            rated_at=at(2026, 3, 16),
            steps=[(at(2026, 3, 15, 8), "received", "resolved")],
            **common,
        ),
        "C": make_item(
            "TC",
            106.615,
            at(2026, 3, 20),
            status="resolved",
            resolved_at=at(2026, 4, 10),
            steps=[
                (at(2026, 4, 5), "received", "accepted"),
                (at(2026, 4, 10), "accepted", "resolved"),
            ],
            **common,
        ),
        "D": make_item(
            "TD",
            106.630,
            at(2026, 2, 20),
            status="resolved",
            resolved_at=at(2026, 3, 4, 12),
            steps=[
                (at(2026, 2, 25), "received", "resolved"),
                (at(2026, 3, 1), "resolved", "in_progress"),
                (at(2026, 3, 4, 12), "in_progress", "resolved"),
            ],
            **common,
        ),
        "E": make_item(
            "TE",
            106.618,
            at(2025, 3, 10),
            status="resolved",
            resolved_at=at(2025, 3, 11),
            steps=[(at(2025, 3, 11), "received", "resolved")],
            **common,
        ),
        "F": make_item("TF", None, at(2026, 3, 5), **common),
    }


def user(name: str, role: str | None = None, ward_code: str = "") -> User:
    """A user, with a feedback role when given."""
    person = User.objects.create_user(name)
    if role:
        StaffMembership.objects.create(user=person, role=role, ward_code=ward_code)
    return person


@pytest.fixture
def people(city):
    """A holder of the permission, a feedback leader, ward staff of 81001, a resident."""
    holder = user("lanh_dao_quyen")
    holder.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    return {
        "permission": holder,
        "leader": user("lanh_dao", Role.LEADER),
        "ward_staff": user("can_bo", Role.WARD_STAFF, "81001"),
        "resident": user("dan"),
    }


@pytest.fixture(autouse=True)
def english():
    """Messages asserted in English."""
    with translation.override("en"):
        yield

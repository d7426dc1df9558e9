"""Feedback fixtures: the starting catalogue, two neighbouring wards, and one user per role."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import translation

from feedback.intake import Submission, submit
from feedback.models import Role, StaffMembership
from feedback.workflow import actor_for
from layers.models import AdministrativeArea


@pytest.fixture(scope="session")
def _neighbour_ids(django_db_setup, django_db_blocker) -> tuple[int, int]:
    """Ids of two current wards that share a border (found once: the search is slow)."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, b.id FROM layers_administrativearea a "
            "JOIN layers_administrativearea b ON a.generation_id = b.generation_id "
            "AND a.code < b.code AND a.geom && b.geom AND ST_Touches(a.geom, b.geom) "
            "JOIN layers_boundarygeneration g ON g.id = a.generation_id "
            "WHERE g.valid_to IS NULL AND a.level = 'ward' AND b.level = 'ward' "
            "ORDER BY a.code, b.code LIMIT 1"
        )
        return cursor.fetchone()


@pytest.fixture
def wards(_neighbour_ids) -> tuple[AdministrativeArea, AdministrativeArea]:
    """Two wards of the current generation that share a border."""
    first, second = _neighbour_ids
    return AdministrativeArea.objects.get(pk=first), AdministrativeArea.objects.get(pk=second)


def inside(ward: AdministrativeArea) -> tuple[float, float]:
    """A point well inside the ward."""
    point = ward.geom.point_on_surface
    return point.x, point.y


def _user(name: str, role: str | None = None, ward_code: str = "") -> User:
    user = User.objects.create_user(name)  # no password: hashing one costs 0.3 s
    if role:
        StaffMembership.objects.create(user=user, role=role, ward_code=ward_code)
    return user


@pytest.fixture
def people(wards):
    """One user per role; ward staff of each of the two wards."""
    first, second = wards
    return {
        "resident": _user("dan"),
        "other_resident": _user("hang_xom"),
        "operator": _user("tong_dai", Role.OPERATOR),
        "ward_staff": _user("can_bo_a", Role.WARD_STAFF, first.code),
        "other_ward_staff": _user("can_bo_b", Role.WARD_STAFF, second.code),
        "city_staff": _user("thanh_pho", Role.CITY_STAFF),
        "leader": _user("lanh_dao", Role.LEADER),
        "admin": User.objects.create_superuser("quan_tri", password=None),
    }


@pytest.fixture
def actors(people):
    """The workflow actor of each person."""
    return {name: actor_for(user) for name, user in people.items()}


@pytest.fixture
def item(wards, actors):
    """A street-light report by the resident, in the first ward."""
    lon, lat = inside(wards[0])
    return submit(
        Submission(
            category="den-duong",
            description="Đèn đường  không sáng từ tối qua",
            channel="app",
            lon=lon,
            lat=lat,
            reporter_name="Nguyễn Văn A",
            reporter_phone="0909123456",
        ),
        actors["resident"],
    )


@pytest.fixture(autouse=True)
def english():
    """The workflow has no request to take a language from; the tests assert English."""
    with translation.override("en"):
        yield

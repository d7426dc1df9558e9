"""Notices fixtures: two neighbouring wards of the generation in force, staff with and
without the notices permissions, and a factory of notices made through the services."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.utils import timezone

from feedback.models import Role, StaffMembership
from feedback.workflow import actor_for
from layers.models import AdministrativeArea
from layers.target_areas import target_area
from notices import services
from notices.models import Notice
from notices.params import NoticeInput


@pytest.fixture(scope="session")
def _neighbour_ids(django_db_setup, django_db_blocker) -> tuple[int, int]:
    """Ids of two current wards that share a border (found once)."""
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
    """Two wards of the generation in force that share a border."""
    first, second = _neighbour_ids
    return AdministrativeArea.objects.get(pk=first), AdministrativeArea.objects.get(pk=second)


def shared_vertex(first: AdministrativeArea, second: AdministrativeArea) -> tuple[float, float]:
    """A vertex of both wards' outlines: a point exactly on their shared border."""
    ours = {c for polygon in first.geom for ring in polygon for c in ring}
    theirs = {c for polygon in second.geom for ring in polygon for c in ring}
    return sorted(ours & theirs)[0]


def inside(ward: AdministrativeArea) -> tuple[float, float]:
    """A point well inside the ward."""
    point = ward.geom.point_on_surface
    return point.x, point.y


def _staff(name: str, role: str | None, ward_code: str = "", perms: bool = True) -> User:
    user = User.objects.create_user(name)
    if role:
        StaffMembership.objects.create(user=user, role=role, ward_code=ward_code)
    if perms:
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="notices", codename__in=["add_notice", "change_notice"]
            )
        )
    return User.objects.get(pk=user.pk)  # no stale permission cache


@pytest.fixture
def people(wards) -> dict[str, User]:
    """City staff and ward staff (of the first ward) with the permissions; a user without."""
    first, _second = wards
    return {
        "city_staff": _staff("thanh_pho", Role.CITY_STAFF),
        "ward_staff": _staff("can_bo_a", Role.WARD_STAFF, first.code),
        "no_perms": _staff("dan", None, perms=False),
    }


@pytest.fixture
def make_notice(people):
    """Make a notice through the services (published unless told): area spec → Notice."""

    def make(
        area: dict,
        *,
        starts: datetime | None = None,
        ends: datetime | None = None,
        severity: str = "info",
        publish: bool = True,
        title: str = "Cắt nước",
    ) -> Notice:
        actor = actor_for(people["city_staff"])
        data = NoticeInput(
            category="water_cut",
            severity=severity,
            title_vi=title,
            title_en=f"{title} (en)",
            body_vi="Nội dung",
            body_en="Body",
            area=target_area(area),
            starts_at=starts or timezone.now() - timedelta(hours=1),
            ends_at=ends or timezone.now() + timedelta(days=1),
        )
        notice = services.create_notice(actor, data)
        if publish:
            notice = services.publish(actor, notice.pk)
        return notice

    return make

"""Surveys fixtures: two neighbouring current wards, a point on their shared border, staff
with the surveys permissions (city-wide and ward-scoped), and a survey factory."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.utils import timezone

from feedback.models import Role, StaffMembership
from feedback.workflow import actor_for
from layers.models import AdministrativeArea
from surveys import services
from surveys.survey_input import parse_survey

SURVEYS = "/api/v1/surveys/"


@pytest.fixture(scope="session")
def _neighbours(django_db_setup, django_db_blocker) -> tuple[int, int, float, float]:
    """Ids of two current wards sharing a border, and a vertex of that border."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, b.id, ST_X(p), ST_Y(p) FROM layers_administrativearea a "
            "JOIN layers_administrativearea b ON a.generation_id = b.generation_id "
            "AND a.code < b.code AND a.geom && b.geom AND ST_Touches(a.geom, b.geom) "
            "JOIN layers_boundarygeneration g ON g.id = a.generation_id "
            "CROSS JOIN LATERAL (SELECT ST_StartPoint(ST_GeometryN(ST_LineMerge("
            "ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 2)), 1)) AS p) border "
            "WHERE g.valid_to IS NULL AND a.level = 'ward' AND b.level = 'ward' "
            "AND p IS NOT NULL AND ST_Covers(a.geom, p) AND ST_Covers(b.geom, p) "
            "ORDER BY a.code, b.code LIMIT 1"
        )
        return cursor.fetchone()


@pytest.fixture
def wards(_neighbours) -> tuple[AdministrativeArea, AdministrativeArea]:
    """Two wards of the current generation that share a border."""
    first, second, _lon, _lat = _neighbours
    return AdministrativeArea.objects.get(pk=first), AdministrativeArea.objects.get(pk=second)


@pytest.fixture
def border_point(_neighbours) -> tuple[float, float]:
    """A point on the border the two wards share (covered by both)."""
    return _neighbours[2], _neighbours[3]


def inside(ward: AdministrativeArea) -> tuple[float, float]:
    """A point well inside the ward."""
    point = ward.geom.point_on_surface
    return point.x, point.y


def _staff(name: str, role: str | None = None, ward_code: str = "") -> User:
    user = User.objects.create_user(name)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="surveys", codename__in=["add_survey", "change_survey"]
        )
    )
    if role:
        StaffMembership.objects.create(user=user, role=role, ward_code=ward_code)
    return User.objects.get(pk=user.pk)  # no stale permission cache


@pytest.fixture
def staff(wards) -> dict[str, User]:
    """City staff, ward staff of the first ward, and a user without the permissions."""
    return {
        "city": _staff("thanh_pho", Role.CITY_STAFF),
        "ward": _staff("can_bo_a", Role.WARD_STAFF, wards[0].code),
        "nobody": User.objects.create_user("khach"),
    }


@pytest.fixture
def city_actor(staff):
    """The city staff member as a workflow actor."""
    return actor_for(staff["city"])


def survey_body(ward_codes: list[str], **overrides) -> dict:
    """A create body: a survey of the given wards, open from an hour ago for a week."""
    now = timezone.now()
    body = {
        "title_vi": "Khảo sát chiếu sáng",
        "title_en": "Street lighting survey",
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat(),
        "area": {"kind": "wards", "wards": ward_codes},
        "questions": [
            {
                "kind": "single",
                "required": True,
                "text_vi": "Đèn có đủ sáng không?",
                "text_en": "Is the lighting enough?",
                "choices": [
                    {"code": "yes", "vi": "Có", "en": "Yes"},
                    {"code": "no", "vi": "Không", "en": "No"},
                ],
            },
            {"kind": "scale", "text_vi": "Mức hài lòng", "text_en": "Satisfaction"},
            {"kind": "number", "text_vi": "Số đèn hỏng", "min": 0, "max": 100},
            {"kind": "text", "text_vi": "Góp ý"},
            {
                "kind": "multiple",
                "text_vi": "Vấn đề",
                "text_en": "Problems",
                "choices": [
                    {"code": "dark", "vi": "Tối", "en": "Dark"},
                    {"code": "broken", "vi": "Hỏng", "en": "Broken"},
                    {"code": "late", "vi": "Bật muộn", "en": "Late"},
                ],
            },
        ],
    }
    return {**body, **overrides}


@pytest.fixture
def make_survey(city_actor):
    """Create (and by default publish) a survey through the services."""

    def make(ward_codes: list[str], *, publish: bool = True, **overrides):
        survey = services.create_survey(
            city_actor, parse_survey(survey_body(ward_codes, **overrides), partial=False)
        )
        if publish:
            survey = services.publish(city_actor, survey.pk)
        return survey

    return make

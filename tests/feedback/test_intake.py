"""Intake: category checked, ward from the location (borders included), code, deadline."""

import re
from datetime import time

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from core.errors import InvalidParameter
from feedback.intake import (
    ALPHABET,
    OutsideCity,
    Submission,
    new_tracking_code,
    normalise_code,
    submit,
)
from feedback.models import FeedbackEvent, Status
from tests.feedback.conftest import inside
from workdays.calendar import is_working_day

pytestmark = pytest.mark.django_db


def _submission(lon: float, lat: float, **changes) -> Submission:
    values = {"category": "ngap-nuoc", "description": "Ngập sâu 30 cm", "channel": "web"}
    return Submission(lon=lon, lat=lat, **{**values, **changes})


def test_item_goes_to_the_ward_that_holds_its_point(wards, actors):
    lon, lat = inside(wards[1])
    item = submit(_submission(lon, lat), actors["resident"])
    assert item.ward_id == wards[1].pk
    assert item.status == Status.RECEIVED
    assert item.reporter == actors["resident"].user


def test_point_on_a_shared_border_goes_to_the_lower_code(wards, actors):
    first, second = wards
    with connection.cursor() as cursor:
        # A vertex both wards share: on the border of each, exactly.
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT (ST_DumpPoints(ST_Intersection(a.geom, b.geom)))"
            ".geom AS p FROM layers_administrativearea a, layers_administrativearea b "
            "WHERE a.id = %s AND b.id = %s LIMIT 1) s",
            [first.pk, second.pk],
        )
        lon, lat = cursor.fetchone()
        cursor.execute(
            "SELECT min(a.code) FROM layers_administrativearea a JOIN layers_boundarygeneration g "
            "ON g.id = a.generation_id WHERE g.valid_to IS NULL AND a.level = 'ward' "
            "AND ST_Covers(a.geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))",
            [lon, lat],
        )
        expected = cursor.fetchone()[0]
    assert first.geom.covers(Point(lon, lat, srid=4326))
    assert second.geom.covers(Point(lon, lat, srid=4326))
    item = submit(_submission(lon, lat), actors["resident"])
    assert item.ward.code == expected == first.code


def test_point_outside_every_ward_is_refused(actors):
    with pytest.raises(OutsideCity) as refused:
        submit(_submission(105.85, 21.03), actors["resident"])  # Hà Nội
    assert "outside every ward of the city" in refused.value.message
    assert refused.value.parameter == "location"


def test_unknown_or_inactive_category_is_refused(wards, actors):
    lon, lat = inside(wards[0])
    with pytest.raises(InvalidParameter) as refused:
        submit(_submission(lon, lat, category="ufo"), actors["resident"])
    assert refused.value.parameter == "category"


def test_empty_description_and_unknown_channel_are_refused(wards, actors):
    lon, lat = inside(wards[0])
    with pytest.raises(InvalidParameter) as empty:
        submit(_submission(lon, lat, description="   "), actors["resident"])
    assert empty.value.parameter == "description"
    with pytest.raises(InvalidParameter) as channel:
        submit(_submission(lon, lat, channel="fax"), actors["resident"])
    assert channel.value.parameter == "channel"


def test_non_finite_location_is_refused(actors):
    with pytest.raises(InvalidParameter) as refused:
        submit(_submission(float("nan"), 10.7), actors["resident"])
    assert refused.value.parameter == "location"


def test_deadline_follows_the_category(item):
    # A street light: 3 working days (migration 0008), due when an office day ends, at
    # least 3 days on (tests/workdays/ count them on real dates).
    due = timezone.localtime(item.deadline_at)
    assert due.time() == time(17, 0) and is_working_day(due.date())
    assert (due.date() - timezone.localtime(item.created_at).date()).days >= 3


def test_the_timeline_starts_with_received(item):
    events = list(
        FeedbackEvent.objects.filter(item=item).values_list(
            "from_status", "to_status", "actor_role"
        )
    )
    assert events == [("", "received", "resident")]


def test_description_and_names_are_stored_nfc_and_tidy(item):
    assert item.description == "Đèn đường không sáng từ tối qua"
    assert item.reporter_name == "Nguyễn Văn A"


def test_operator_intake_has_no_account_but_keeps_the_callers_contact(wards, actors):
    lon, lat = inside(wards[0])
    item = submit(
        _submission(lon, lat, channel="hotline", reporter_name="Bà Tư", reporter_phone="0283822"),
        actors["operator"],
    )
    assert item.reporter is None and item.reporter_phone == "0283822"
    assert item.events.get().actor_role == "operator"


def test_tracking_codes_are_readable_and_unguessable():
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"HCM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)
    assert set("".join(c[4:8] + c[9:] for c in codes)) <= set(ALPHABET)
    assert not set("ILOU") & set(ALPHABET)


def test_codes_read_out_on_the_phone_are_understood():
    assert normalise_code("hcm 7k3m x9qd") == "HCM-7K3M-X9QD"
    assert normalise_code("7K3M-X9QO") == "HCM-7K3M-X9Q0"  # O heard for 0
    assert normalise_code("HCM-1L1I-0000") == "HCM-1111-0000"

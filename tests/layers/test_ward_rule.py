"""The one point-to-ward rule: next year's boundaries, loaded early, move nothing before their date.

Small explicit shapes, not the demo generator: the demo generations are ended yesterday
(inside the test's transaction), a generation in force from today holds two square
wards, West and East, and a generation valid from a day ahead replaces them with one
ward, New, that also covers the west of West. A facility at POINT, in West today, is in
New from that day. Every user of the rule must agree: ``resolve_ward``, facility ward
assignment (also through a boundary load), feedback intake, the lookup API, place search
and the city helpers.
"""

from datetime import date, timedelta

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.utils import timezone

from feedback.intake import Submission, submit
from feedback.models import Role
from feedback.workflow import Actor
from layers import boundaries, lookup
from layers.boundaries import AreaInput
from layers.city import city_centre, city_extent
from layers.facilities import assign_wards
from layers.models import AdministrativeArea, BoundaryGeneration, Facility, FacilityCategory
from layers.places import resolve
from layers.wards import resolve_ward, resolve_wards

pytestmark = pytest.mark.django_db

POINT = Point(106.605, 10.61, srid=4326)  # in West now, in New from the new generation's day
EAST_POINT = Point(106.635, 10.61, srid=4326)  # in East now, in New later
SEA = Point(107.6, 9.6, srid=4326)  # outside every ward of both generations
MARKET = "Chợ Thử Nghiệm Sao Khuê"


def _box(west: float, south: float, east: float, north: float) -> Polygon:
    return Polygon.from_bbox((west, south, east, north))


def _area(code, name, level, box, parent=None) -> AreaInput:
    area_type = "tinh" if level == "province" else "phuong"
    return AreaInput(
        code=code,
        name=name,
        area_type=area_type,
        level=level,
        parent_code=parent,
        geom=_box(*box),
        label_point=_box(*box).centroid,
    )


def _generation(slug: str, valid_from: date, valid_to: date | None) -> BoundaryGeneration:
    generation, _changed = boundaries.upsert_generation(
        slug, name=slug, valid_from=valid_from, valid_to=valid_to
    )
    return generation


@pytest.fixture
def new_day() -> date:
    """The day the next generation comes into force: 60 days from today."""
    return timezone.localdate() + timedelta(days=60)


@pytest.fixture
def world(new_day):
    """Today's generation (West, East), a facility in West, then New loaded ahead of its day."""
    today = timezone.localdate()
    BoundaryGeneration.objects.filter(valid_to__isnull=True).update(
        valid_to=today - timedelta(days=1)
    )
    now = _generation("thu-nay", today, new_day - timedelta(days=1))
    boundaries.store_areas(
        now,
        [
            _area("90", "Thành phố Thử Nay", "province", (106.6, 10.6, 106.64, 10.62), None),
            _area("90001", "Phường Thử Tây", "ward", (106.6, 10.6, 106.62, 10.62), "90"),
            _area("90002", "Phường Thử Đông", "ward", (106.62, 10.6, 106.64, 10.62), "90"),
        ],
    )
    category = FacilityCategory.objects.get(code="cho")
    market = Facility.objects.create(category=category, name=MARKET, geom=POINT)
    assign_wards([market.pk])
    later = _generation("thu-sau", new_day, None)
    boundaries.store_areas(  # a boundary load of a generation not yet in force
        later,
        [
            _area("91", "Thành phố Thử Sau", "province", (106.6, 10.6, 106.66, 10.62), None),
            _area("91001", "Phường Thử Mới", "ward", (106.6, 10.6, 106.64, 10.62), "91"),
        ],
    )
    mine = AdministrativeArea.objects.filter(level="ward", generation__in=[now, later])
    wards = {a.name: a for a in mine}
    market.refresh_from_db()
    return {
        "west": wards["Phường Thử Tây"],
        "east": wards["Phường Thử Đông"],
        "new": wards["Phường Thử Mới"],
        "market": market,
    }


def test_resolve_ward_keeps_the_ward_in_force_until_the_new_generation_starts(world, new_day):
    assert resolve_ward(POINT) == world["west"]
    assert resolve_ward(POINT, on=new_day - timedelta(days=1)) == world["west"]
    assert resolve_ward(POINT, on=new_day) == world["new"]
    assert resolve_ward(POINT, on=new_day + timedelta(days=400)) == world["new"]


def test_resolve_wards_answers_a_batch_in_input_order(world, new_day):
    points = [EAST_POINT, SEA, POINT]
    assert resolve_wards(points) == [world["east"], None, world["west"]]
    assert resolve_wards(points, on=new_day) == [world["new"], None, world["new"]]


def test_before_any_generation_no_point_has_a_ward(world):
    assert resolve_ward(POINT, on=date(1900, 1, 1)) is None


def test_loading_a_future_generation_moves_no_facility(world, new_day):
    market = world["market"]
    assert market.ward == world["west"]  # the load of New did not reassign it
    assert assign_wards([market.pk]) == 0
    market.refresh_from_db()
    assert market.ward == world["west"]
    assert assign_wards([market.pk], on=new_day) == 1
    market.refresh_from_db()
    assert market.ward == world["new"]


def test_feedback_is_routed_to_the_ward_in_force(world):
    submission = Submission(
        category="ngap-nuoc",
        description="Ngập sâu 30 cm",
        channel="web",
        lon=POINT.x,
        lat=POINT.y,
    )
    item = submit(submission, Actor(None, Role.CITY_STAFF))
    assert item.ward == world["west"]


def test_lookup_answers_the_ward_in_force_until_the_date_asked(world, new_day):
    generation, result = lookup.resolve_point(POINT.x, POINT.y, timezone.localdate())
    assert (generation.slug, result.area.code) == ("thu-nay", "90001")
    assert [p.code for p in result.parents] == ["90"]
    generation, result = lookup.resolve_point(POINT.x, POINT.y, new_day)
    assert (generation.slug, result.area.code) == ("thu-sau", "91001")


def test_lookup_api_answers_the_ward_in_force_until_the_date_asked(client, world, new_day):
    url = "/api/v1/lookup/"
    today = client.get(url, {"lon": POINT.x, "lat": POINT.y}).json()
    assert (today["generation"]["slug"], today["area"]["code"]) == ("thu-nay", "90001")
    later = client.get(url, {"lon": POINT.x, "lat": POINT.y, "date": new_day.isoformat()}).json()
    assert (later["generation"]["slug"], later["area"]["code"]) == ("thu-sau", "91001")


def test_place_search_gives_the_ward_in_force(world, new_day):
    today = resolve(MARKET)
    assert today.status == "found"
    assert (today.place.ward_code, today.place.ward_name) == ("90001", "Phường Thử Tây")
    later = resolve(MARKET, on=new_day)
    assert (later.place.ward_code, later.place.ward_name) == ("91001", "Phường Thử Mới")


def test_place_search_does_not_know_a_ward_before_its_date(world, new_day):
    assert resolve("Phường Thử Mới").status == "not_found"
    later = resolve("Phường Thử Mới", on=new_day)
    assert later.status == "found"
    place = later.place
    assert (place.kind, place.ward_code, place.old_name) == ("area", "91001", False)


def test_city_helpers_draw_the_generation_in_force(world, new_day):
    assert city_extent() == pytest.approx((106.6, 10.6, 106.64, 10.62))
    assert city_centre() == pytest.approx((106.62, 10.61))
    assert city_extent(on=new_day) == pytest.approx((106.6, 10.6, 106.66, 10.62))
    assert city_centre(on=new_day) == pytest.approx((106.63, 10.61))

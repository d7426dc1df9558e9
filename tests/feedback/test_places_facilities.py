"""Place search: facilities found by name, abbreviations, namesakes, narrowing by a ward part.

Every facility searched for is made here (``place_facility``), in wards of the boundary
data, under names no generated place bears; expected wards come from the database rows.
"""

import pytest
from django.contrib.gis.geos import Point

from feedback.places import Resolution, resolve
from tests.feedback.place_fixtures import (
    areas_by_core,
    core,
    current_wards,
    lone_current_wards,
    old_wards,
    place_facility,
)

pytestmark = pytest.mark.django_db

MARKET = "Chợ Sao Khuê"


@pytest.fixture
def market():
    """One market of a name no other place bears, at the centre of Phường Bến Thành."""
    ben_thanh = current_wards().get(name="Phường Bến Thành")
    return place_facility(MARKET, ben_thanh.label_point)


@pytest.fixture
def namesakes():
    """Three facilities of one name, each in a ward of a name no other unit bears."""
    return [
        place_facility("Nhà văn hóa Sao Khuê", ward.label_point, "cong_vien")
        for ward in lone_current_wards(3)
    ]


@pytest.fixture
def old_ward_with_one_station():
    """An old ward of a unique name holding one of three namesake rescue stations."""
    by_core = areas_by_core()
    old = next(o for o in old_wards() if len(by_core[core(o.name)]) == 1)
    inside = place_facility("Trạm cứu hộ Sao Khuê", old.geom.point_on_surface, "tram_y_te")
    for ward in lone_current_wards(12):
        if not old.geom.intersects(ward.geom):
            place_facility("Trạm cứu hộ Sao Khuê", ward.label_point, "tram_y_te")
    assert inside.ward is not None
    return old, inside


def test_facility_name_with_diacritics_is_found(market):
    resolution = resolve(MARKET)
    assert resolution.status == "found"
    place = resolution.place
    assert place.kind == "facility"
    assert place.name == market.name
    assert (place.lon, place.lat) == pytest.approx((market.geom.x, market.geom.y))
    assert (place.ward_code, place.ward_name) == (market.ward.code, market.ward.name)
    assert place.label == f"{market.name} — {market.ward.name}"
    assert place.old_name is False


@pytest.mark.parametrize("text", ["cho sao khue", "CHỢ SAO KHUÊ", "  cHo   SaO khuÊ  "])
def test_facility_name_without_diacritics_in_any_case_is_found(market, text):
    resolution = resolve(text)
    assert resolution.status == "found"
    assert resolution.place.name == market.name
    assert resolution.place.ward_code == market.ward.code


@pytest.mark.parametrize("text", ["UBND phường Sao Khuê", "ubnd p. sao khue", "UBND P.Sao Khuê"])
def test_ubnd_stands_for_the_peoples_committee(text):
    ward = current_wards().get(name="Phường Sài Gòn")
    committee = place_facility("Ủy ban nhân dân Phường Sao Khuê", ward.label_point, "ubnd")
    resolution = resolve(text)
    assert resolution.status == "found"
    assert resolution.place.name == committee.name
    assert resolution.place.ward_code == ward.code


def test_thcs_stands_for_lower_secondary_school():
    ward = current_wards().get(name="Phường Sài Gòn")
    school = place_facility("Trường Trung học cơ sở Sao Khuê", ward.label_point, "thcs")
    resolution = resolve("Trường THCS Sao Khuê")
    assert resolution.status == "found"
    assert resolution.place.name == school.name
    assert resolution.place.ward_code == ward.code


def test_facility_name_in_several_wards_is_ambiguous(namesakes):
    resolution = resolve(namesakes[0].name)
    assert resolution.status == "ambiguous"
    assert resolution.place is None
    assert sorted(c.ward_code for c in resolution.candidates) == sorted(
        f.ward.code for f in namesakes
    )
    assert {c.label for c in resolution.candidates} == {
        f"{f.name} — {f.ward.name}" for f in namesakes
    }


def test_ambiguous_candidates_are_ordered_by_name_then_label(namesakes):
    labels = [c.label for c in resolve(namesakes[0].name).candidates]
    assert labels == sorted(labels)


def test_facility_is_narrowed_by_a_current_ward_part(namesakes):
    facility = namesakes[1]
    resolution = resolve(f"nha van hoa sao khue, {core(facility.ward.name)}")
    assert resolution.status == "found"
    assert resolution.place.kind == "facility"
    assert (resolution.place.lon, resolution.place.lat) == pytest.approx(
        (facility.geom.x, facility.geom.y)
    )
    assert resolution.place.ward_code == facility.ward.code


def test_facility_is_narrowed_by_an_old_ward_part(old_ward_with_one_station):
    old, station = old_ward_with_one_station
    assert resolve("Trạm cứu hộ Sao Khuê").status == "ambiguous"
    resolution = resolve(f"Trạm cứu hộ Sao Khuê, {old.name}")
    assert resolution.status == "found"
    assert resolution.place.name == station.name
    assert resolution.place.ward_code == station.ward.code


def test_unit_type_inside_a_part_narrows_as_a_comma_does(
    old_ward_with_one_station, django_assert_num_queries
):
    old, station = old_ward_with_one_station
    with django_assert_num_queries(2):  # as typed: nothing; then cut before the unit type
        resolution = resolve(f"Trạm cứu hộ Sao Khuê {old.name}")
    assert resolution.status == "found"
    assert (resolution.place.lon, resolution.place.lat) == pytest.approx(
        (station.geom.x, station.geom.y)
    )


def test_facility_outside_the_named_ward_gives_that_ward(market):
    ward = next(w for w in lone_current_wards(2) if w.pk != market.ward_id)
    resolution = resolve(f"{MARKET}, {ward.name}")
    assert resolution.status == "found"
    assert resolution.place.kind == "area"
    assert resolution.place.ward_code == ward.code


def test_same_facility_entered_twice_is_one_place(market):
    about_5_m_east = Point(market.geom.x + 0.00005, market.geom.y, srid=4326)
    place_facility(market.name, about_5_m_east)
    resolution = resolve(market.name)
    assert resolution.status == "found"
    assert resolution.place.ward_code == market.ward.code


def test_same_name_far_apart_in_one_ward_is_ambiguous(market):
    far = market.ward.geom.point_on_surface
    assert far.distance(market.geom) > 0.002  # a few hundred metres
    place_facility(market.name, far)
    resolution = resolve(market.name)
    assert resolution.status == "ambiguous"
    assert {c.ward_code for c in resolution.candidates} == {market.ward.code}


def test_one_query_per_call(django_assert_num_queries, market):
    with django_assert_num_queries(1):
        resolution = resolve(f"{market.name}, {market.ward.name}, TP.HCM")
    assert resolution.status == "found"


def test_as_dict_is_json_ready(market):
    resolution = resolve("chợ sao khuê")
    assert resolution.as_dict() == {
        "query": "chợ sao khuê",
        "status": "found",
        "candidates": [
            {
                "kind": "facility",
                "name": market.name,
                "label": f"{market.name} — {market.ward.name}",
                "lon": pytest.approx(market.geom.x),
                "lat": pytest.approx(market.geom.y),
                "ward_code": market.ward.code,
                "ward_name": market.ward.name,
                "old_name": False,
            }
        ],
    }
    assert isinstance(resolution, Resolution)

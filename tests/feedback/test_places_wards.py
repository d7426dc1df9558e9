"""Place search: wards of today and old wards, which stand for the wards they went into.

Every expected place is derived from the boundary rows (areas and their successions),
never written down by hand; facilities a test needs are made by the test.
"""

from collections import defaultdict

import pytest

from feedback.places import resolve
from layers.models import AdministrativeArea, AreaLevel, Facility
from layers.names import search_form
from layers.wards import resolve_ward
from tests.feedback.place_fixtures import (
    areas_by_core,
    core,
    current_wards,
    old_label,
    old_wards,
    place_facility,
    point_of,
    successors,
    unique_old_ward,
)

pytestmark = pytest.mark.django_db


def test_current_ward_name_beats_facilities_that_contain_it():
    by_core = areas_by_core()
    facility_names = set(Facility.objects.values_list("name_search", flat=True))
    # A ward whose namesakes are only old wards that went wholly into it.
    ward = next(
        w
        for w in current_wards()
        if core(w.name) not in facility_names
        and all(a == w or successors(a) == [w] for a in by_core[core(w.name)])
    )
    place_facility(f"Nhà thiếu nhi {ward.name}", ward.geom.point_on_surface, "cong_vien")
    place_facility(f"Sân bóng {core(ward.name)}", ward.geom.point_on_surface, "cong_vien")
    for text in (ward.name, core(ward.name), ward.name.upper()):
        resolution = resolve(text)
        assert resolution.status == "found", text
        place = resolution.place
        assert (place.kind, place.name, place.label) == ("area", ward.name, ward.name)
        assert (place.ward_code, place.old_name) == (ward.code, False)
        assert (place.lon, place.lat) == pytest.approx((ward.label_point.x, ward.label_point.y))


def test_ward_typed_under_another_unit_type_is_still_found():
    by_core = areas_by_core()
    ward = next(
        w for w in current_wards().filter(area_type="phuong") if by_core[core(w.name)] == [w]
    )
    resolution = resolve(f"xã {core(ward.name)}")
    assert resolution.status == "found"
    assert (resolution.place.name, resolution.place.ward_code) == (ward.name, ward.code)


def test_old_ward_that_went_whole_gives_its_new_ward():
    old, (new,) = unique_old_ward(lambda n: n == 1)
    for text in (old.name, search_form(old.name), old.name.lower()):
        resolution = resolve(text)
        assert resolution.status == "found", text
        place = resolution.place
        assert (place.kind, place.name, place.old_name) == ("area", old.name, True)
        assert (place.ward_code, place.ward_name) == (new.code, new.name)
        assert place.label == old_label(old, new)
        assert resolve_ward(point_of(place)) == new


def test_old_ward_that_was_split_is_ambiguous_between_its_new_wards():
    old, new = unique_old_ward(lambda n: n >= 2)
    resolution = resolve(search_form(old.name))
    assert resolution.status == "ambiguous"
    assert sorted(c.ward_code for c in resolution.candidates) == [w.code for w in new]
    assert all(c.old_name and c.name == old.name for c in resolution.candidates)
    assert sorted(c.label for c in resolution.candidates) == sorted(old_label(old, w) for w in new)
    for place in resolution.candidates:
        assert resolve_ward(point_of(place)).code == place.ward_code


def test_split_old_ward_is_narrowed_by_a_new_ward_part():
    old, new = unique_old_ward(lambda n: n >= 2)
    named_alike = areas_by_core()[core(new[0].name)]
    inside = [
        p.ward_code
        for p in resolve(old.name).candidates
        if any(a.geom.covers(point_of(p)) for a in named_alike)
    ]
    assert new[0].code in inside
    assert len(inside) < len(new)
    resolution = resolve(f"{old.name}, {new[0].name}")
    assert sorted(p.ward_code for p in resolution.candidates) == sorted(inside)


def test_ward_name_an_old_ward_elsewhere_had_is_ambiguous_current_first():
    by_core = areas_by_core()
    current = current_wards()
    # A ward whose name an old ward that went elsewhere also had (and no other unit has).
    ward, elsewhere = next(
        (w, others)
        for w in current
        if (others := [a for a in by_core[core(w.name)] if a != w and w not in successors(a)])
        and all(a.generation.valid_to and successors(a) for a in others)
    )
    resolution = resolve(ward.name)
    assert resolution.status == "ambiguous"
    first, *rest = resolution.candidates
    assert (first.name, first.ward_code, first.old_name) == (ward.name, ward.code, False)
    expected = {w.code for a in elsewhere for w in successors(a)}
    assert {c.ward_code for c in rest} == expected - {ward.code}
    assert all(c.old_name for c in rest)


def test_district_part_picks_one_of_many_old_wards_of_one_name():
    by_core = areas_by_core()
    by_name = defaultdict(list)
    for area in AdministrativeArea.objects.select_related("generation"):
        by_name[search_form(area.name)].append(area)
    # An old ward's full name borne by old wards only, in districts whose names are
    # unique, that the district tells apart.
    old, new = next(
        (o, successors(o))
        for o in old_wards()
        if len(namesakes := by_name[search_form(o.name)]) > 1
        and all(a.generation.valid_to for a in namesakes)
        and len({w.code for a in namesakes for w in successors(a)}) > 1
        and len(by_core[core(o.parent.name)]) == 1
        and len(successors(o)) == 1
    )
    assert resolve(old.name).status == "ambiguous"
    resolution = resolve(f"{old.name}, {old.parent.name}")
    assert resolution.status == "found"
    assert resolution.place.label == old_label(old, new[0])
    assert resolution.place.ward_code == new[0].code


def test_abbreviated_ward_and_district_numbers():
    (old,) = [o for o in old_wards() if o.name == "Phường 1" and o.parent.name == "Quận 3"]
    (new,) = successors(old)
    expected = resolve("Phường 1, Quận 3")
    assert expected.status == "found"
    assert expected.place.label == old_label(old, new)
    for text in ("P.1, Q.3", "p1, q3", "phuong 1, quan 3"):
        assert resolve(text).candidates == expected.candidates, text


def test_street_address_part_is_ignored():
    old, _ = unique_old_ward(lambda n: n == 1)
    expected = resolve(old.name).candidates
    for street in ("12/3 Lê Lợi", "Số 45/2B đường Lê Lợi", "đường Lê Lợi", "Đ. Lê Lợi"):
        assert resolve(f"{street}, {old.name}").candidates == expected, street


def test_district_alone_is_not_a_place():
    district = AdministrativeArea.objects.filter(level=AreaLevel.DISTRICT, name="Quận 1").get()
    resolution = resolve(district.name)
    assert resolution.status == "not_found"
    assert resolution.candidates == ()

"""Resolving typed addresses and place names against the demo wards, old wards and facilities.

Every expected place is derived from the database rows (facilities, areas and their
successions), never written down by hand: the demo data may be rebuilt and the tests
still say what they mean.
"""

from collections import defaultdict

import pytest
from django.contrib.gis.geos import Point
from django.db.models import Count

from core.errors import InvalidParameter
from feedback.places import Resolution, resolve
from layers.facilities import ward_for_point
from layers.models import AdministrativeArea, AreaLevel, Facility, WardSuccession
from layers.names import search_form

UNIT_TYPES = ("Phường", "Xã", "Thị trấn", "Đặc khu", "Quận", "Huyện", "Thị xã", "Thành phố", "Tỉnh")


def core(name: str) -> str:
    """A unit's name without its type word, in search form: "Phường Bến Nghé" → "ben nghe"."""
    for unit_type in UNIT_TYPES:
        if name.startswith(unit_type + " "):
            return search_form(name.removeprefix(unit_type + " "))
    return search_form(name)


def areas_by_core() -> dict[str, list[AdministrativeArea]]:
    """Every unit of every generation, by the name it goes by without its type."""
    found = defaultdict(list)
    for area in AdministrativeArea.objects.select_related("generation", "parent").order_by("id"):
        found[core(area.name)].append(area)
    return found


def successors(old: AdministrativeArea) -> list[AdministrativeArea]:
    """The units an old ward went into, by code."""
    links = WardSuccession.objects.filter(old_area=old).select_related("new_area")
    return [link.new_area for link in links.order_by("new_area__code")]


def old_wards() -> list[AdministrativeArea]:
    """The wards of earlier generations, by code."""
    return list(
        AdministrativeArea.objects.filter(generation__valid_to__isnull=False, level=AreaLevel.WARD)
        .select_related("parent", "generation")
        .order_by("code")
    )


def unique_old_ward(successor_count) -> tuple[AdministrativeArea, list[AdministrativeArea]]:
    """An old ward whose name no other unit and no facility bears, and where it went."""
    by_core = areas_by_core()
    facility_names = set(Facility.objects.values_list("name_search", flat=True))
    for old in old_wards():
        new = successors(old)
        unique = len(by_core[core(old.name)]) == 1 and core(old.name) not in facility_names
        if unique and successor_count(len(new)):
            return old, new
    raise AssertionError("the demo data has no such old ward")


def point_of(place) -> Point:
    """The place's point, with its SRID."""
    return Point(place.lon, place.lat, srid=4326)


def old_label(old: AdministrativeArea, new: AdministrativeArea) -> str:
    """The label of an old ward's place in a new ward."""
    year = old.generation.valid_to.year
    return f"{old.name}, {old.parent.name} (until {year}) → {new.name}"


@pytest.fixture
def market() -> Facility:
    """The brief's own example, Chợ Bến Thành: one facility of that search name."""
    (facility,) = Facility.objects.filter(name_search="cho ben thanh").select_related("ward")
    return facility


@pytest.fixture
def namesakes() -> list[Facility]:
    """Facilities that share one name, each in its own ward (2 to 5 of them)."""
    shared = (
        Facility.objects.values("name")
        .annotate(n=Count("id"))
        .filter(n__gte=2, n__lte=5)
        .order_by("name")
    )
    areas = areas_by_core()
    for row in shared:
        facilities = list(
            Facility.objects.filter(name_search=search_form(row["name"])).select_related("ward")
        )
        distinct = len({f.ward_id for f in facilities}) == len(facilities)
        if distinct and len(facilities) == row["n"] and search_form(row["name"]) not in areas:
            return facilities
    raise AssertionError("the demo data has no shared facility name")


@pytest.fixture
def old_ward_with_one_station() -> tuple[AdministrativeArea, Facility]:
    """An old ward whose name no other unit bears, holding exactly one health station."""
    by_core = areas_by_core()
    stations = list(Facility.objects.filter(category__code="tram_y_te").select_related("ward"))
    for old in old_wards():
        inside = [s for s in stations if old.geom.covers(s.geom)]
        if len(by_core[core(old.name)]) == 1 and len(inside) == 1:
            return old, inside[0]
    raise AssertionError("no old ward holds exactly one health station")


# --- Facilities ------------------------------------------------------------------------


@pytest.mark.django_db
def test_facility_name_with_diacritics_is_found(market):
    resolution = resolve("Chợ Bến Thành")
    assert resolution.status == "found"
    place = resolution.place
    assert place.kind == "facility"
    assert place.name == market.name
    assert (place.lon, place.lat) == pytest.approx((market.geom.x, market.geom.y))
    assert (place.ward_code, place.ward_name) == (market.ward.code, market.ward.name)
    assert place.label == f"{market.name} — {market.ward.name}"
    assert place.old_name is False


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["cho ben thanh", "CHỢ BẾN THÀNH", "  cHo   BeN thÀnh  "])
def test_facility_name_without_diacritics_in_any_case_is_found(market, text):
    resolution = resolve(text)
    assert resolution.status == "found"
    assert resolution.place.name == market.name
    assert resolution.place.ward_code == market.ward.code


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["UBND phường Sài Gòn", "ubnd p. sai gon", "UBND P.Sài Gòn"])
def test_ubnd_stands_for_the_peoples_committee(text):
    ward = AdministrativeArea.objects.get(generation__valid_to__isnull=True, name="Phường Sài Gòn")
    committee = Facility.objects.get(category__code="ubnd", ward=ward)
    resolution = resolve(text)
    assert resolution.status == "found"
    assert resolution.place.name == committee.name
    assert resolution.place.ward_code == ward.code


@pytest.mark.django_db
def test_thcs_stands_for_lower_secondary_school():
    prefix = "Trường Trung học cơ sở "
    school = (
        Facility.objects.filter(name__startswith=prefix)
        .values("name_search")
        .annotate(n=Count("id"))
        .filter(n=1)
        .order_by("name_search")
        .first()
    )
    facility = Facility.objects.select_related("ward").get(name_search=school["name_search"])
    resolution = resolve("Trường THCS " + facility.name.removeprefix(prefix))
    assert resolution.status == "found"
    assert resolution.place.name == facility.name
    assert resolution.place.ward_code == facility.ward.code


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_ambiguous_candidates_are_ordered_by_name_then_label(namesakes):
    labels = [c.label for c in resolve(namesakes[0].name).candidates]
    assert labels == sorted(labels)


@pytest.mark.django_db
def test_facility_is_narrowed_by_a_current_ward_part(namesakes):
    areas = areas_by_core()
    for facility in namesakes:
        named_alike = areas[core(facility.ward.name)]
        inside = [f for f in namesakes if any(a.geom.covers(f.geom) for a in named_alike)]
        if inside == [facility]:
            break
    else:
        raise AssertionError("no namesake is alone in a ward of its own name")
    text = f"{search_form(facility.name)}, {search_form(facility.ward.name)}"
    resolution = resolve(text)
    assert resolution.status == "found"
    assert resolution.place.kind == "facility"
    assert (resolution.place.lon, resolution.place.lat) == pytest.approx(
        (facility.geom.x, facility.geom.y)
    )
    assert resolution.place.ward_code == facility.ward.code


@pytest.mark.django_db
def test_facility_is_narrowed_by_an_old_ward_part(old_ward_with_one_station):
    old, station = old_ward_with_one_station
    resolution = resolve(f"Trạm y tế, {old.name}")
    assert resolution.status == "found"
    assert resolution.place.name == station.name
    assert resolution.place.ward_code == station.ward.code


@pytest.mark.django_db
def test_unit_type_inside_a_part_narrows_as_a_comma_does(
    old_ward_with_one_station, django_assert_num_queries
):
    old, station = old_ward_with_one_station
    with django_assert_num_queries(2):  # as typed: nothing; then cut before the unit type
        resolution = resolve(f"Trạm y tế {old.name}")
    assert resolution.status == "found"
    assert resolution.place.name == station.name


@pytest.mark.django_db
def test_facility_outside_the_named_ward_gives_that_ward(market):
    elsewhere = (
        AdministrativeArea.objects.filter(generation__valid_to__isnull=True, level=AreaLevel.WARD)
        .exclude(pk=market.ward_id)
        .order_by("code")
    )
    by_core = areas_by_core()
    ward = next(w for w in elsewhere if len(by_core[core(w.name)]) == 1)
    resolution = resolve(f"Chợ Bến Thành, {ward.name}")
    assert resolution.status == "found"
    assert resolution.place.kind == "area"
    assert resolution.place.ward_code == ward.code


@pytest.mark.django_db
def test_same_facility_entered_twice_is_one_place(market):
    Facility.objects.create(
        category=market.category,
        name=market.name,
        geom=Point(market.geom.x + 0.00005, market.geom.y, srid=4326),  # about 5 m east
    )
    resolution = resolve(market.name)
    assert resolution.status == "found"
    assert resolution.place.ward_code == market.ward.code


@pytest.mark.django_db
def test_same_name_far_apart_in_one_ward_is_ambiguous(market):
    far = market.ward.geom.point_on_surface
    assert far.distance(market.geom) > 0.002  # a few hundred metres
    Facility.objects.create(category=market.category, name=market.name, geom=far)
    resolution = resolve(market.name)
    assert resolution.status == "ambiguous"
    assert {c.ward_code for c in resolution.candidates} == {market.ward.code}


# --- Wards, current and old -------------------------------------------------------------


@pytest.mark.django_db
def test_current_ward_name_beats_facilities_that_contain_it():
    by_core = areas_by_core()
    facility_names = set(Facility.objects.values_list("name_search", flat=True))
    current = AdministrativeArea.objects.filter(
        generation__valid_to__isnull=True, level=AreaLevel.WARD
    ).order_by("code")
    # A ward whose namesakes are only old wards that went wholly into it.
    ward = next(
        w
        for w in current
        if core(w.name) not in facility_names
        and all(a == w or successors(a) == [w] for a in by_core[core(w.name)])
        and any(core(w.name) in name for name in facility_names)
    )
    for text in (ward.name, core(ward.name), ward.name.upper()):
        resolution = resolve(text)
        assert resolution.status == "found", text
        place = resolution.place
        assert (place.kind, place.name, place.label) == ("area", ward.name, ward.name)
        assert (place.ward_code, place.old_name) == (ward.code, False)
        assert (place.lon, place.lat) == pytest.approx((ward.label_point.x, ward.label_point.y))


@pytest.mark.django_db
def test_ward_typed_under_another_unit_type_is_still_found():
    by_core = areas_by_core()
    ward = next(
        w
        for w in AdministrativeArea.objects.filter(
            generation__valid_to__isnull=True, area_type="phuong"
        ).order_by("code")
        if by_core[core(w.name)] == [w]
    )
    resolution = resolve(f"xã {core(ward.name)}")
    assert resolution.status == "found"
    assert (resolution.place.name, resolution.place.ward_code) == (ward.name, ward.code)


@pytest.mark.django_db
def test_old_ward_that_went_whole_gives_its_new_ward():
    old, (new,) = unique_old_ward(lambda n: n == 1)
    for text in (old.name, search_form(old.name), old.name.lower()):
        resolution = resolve(text)
        assert resolution.status == "found", text
        place = resolution.place
        assert (place.kind, place.name, place.old_name) == ("area", old.name, True)
        assert (place.ward_code, place.ward_name) == (new.code, new.name)
        assert place.label == old_label(old, new)
        assert ward_for_point(point_of(place)) == new


@pytest.mark.django_db
def test_old_ward_that_was_split_is_ambiguous_between_its_new_wards():
    old, new = unique_old_ward(lambda n: n >= 2)
    resolution = resolve(search_form(old.name))
    assert resolution.status == "ambiguous"
    assert sorted(c.ward_code for c in resolution.candidates) == [w.code for w in new]
    assert all(c.old_name and c.name == old.name for c in resolution.candidates)
    assert sorted(c.label for c in resolution.candidates) == sorted(old_label(old, w) for w in new)
    for place in resolution.candidates:
        assert ward_for_point(point_of(place)).code == place.ward_code


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_ward_name_an_old_ward_elsewhere_had_is_ambiguous_current_first():
    by_core = areas_by_core()
    current = AdministrativeArea.objects.filter(
        generation__valid_to__isnull=True, level=AreaLevel.WARD
    ).order_by("code")
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


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_abbreviated_ward_and_district_numbers():
    (old,) = [o for o in old_wards() if o.name == "Phường 1" and o.parent.name == "Quận 3"]
    (new,) = successors(old)
    expected = resolve("Phường 1, Quận 3")
    assert expected.status == "found"
    assert expected.place.label == old_label(old, new)
    for text in ("P.1, Q.3", "p1, q3", "phuong 1, quan 3"):
        assert resolve(text).candidates == expected.candidates, text


@pytest.mark.django_db
def test_street_address_part_is_ignored():
    old, _ = unique_old_ward(lambda n: n == 1)
    expected = resolve(old.name).candidates
    for street in ("12/3 Lê Lợi", "Số 45/2B đường Lê Lợi", "đường Lê Lợi", "Đ. Lê Lợi"):
        assert resolve(f"{street}, {old.name}").candidates == expected, street


@pytest.mark.django_db
def test_district_alone_is_not_a_place():
    district = AdministrativeArea.objects.filter(level=AreaLevel.DISTRICT, name="Quận 1").get()
    resolution = resolve(district.name)
    assert resolution.status == "not_found"
    assert resolution.candidates == ()


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["xyzzy qwerty", "12/3 Lê Lợi", "phường", "???"])
def test_text_naming_nothing_is_not_found(text):
    resolution = resolve(text)
    assert (resolution.status, resolution.candidates, resolution.place) == ("not_found", (), None)


@pytest.mark.django_db
def test_limit_caps_the_candidates():
    resolution = resolve("Phường 1", limit=3)
    assert resolution.status == "ambiguous"
    assert len(resolution.candidates) == 3


@pytest.mark.django_db
def test_one_query_per_call(django_assert_num_queries, market):
    with django_assert_num_queries(1):
        resolution = resolve(f"{market.name}, {market.ward.name}, TP.HCM")
    assert resolution.status == "found"


@pytest.mark.django_db
def test_as_dict_is_json_ready(market):
    resolution = resolve("chợ bến thành")
    assert resolution.as_dict() == {
        "query": "chợ bến thành",
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


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_blank_text_is_rejected(text):
    with pytest.raises(InvalidParameter) as caught:
        resolve(text)
    assert caught.value.as_dict() == {
        "detail": "Type an address or a place name.",
        "code": "invalid_parameter",
        "parameter": "address",
    }


@pytest.mark.django_db
def test_overlong_text_is_rejected():
    with pytest.raises(InvalidParameter) as caught:
        resolve("chợ " * 100)
    assert (caught.value.message, caught.value.parameter) == (
        "The address is over 300 characters.",
        "address",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [0, -1, 51])
def test_limit_out_of_range_is_rejected(limit):
    with pytest.raises(InvalidParameter) as caught:
        resolve("chợ bến thành", limit=limit)
    assert (caught.value.message, caught.value.parameter) == (
        "The limit must be between 1 and 50.",
        "limit",
    )

"""Helpers for the place-search tests: the boundary rows they derive answers from, and
facilities made for the test (never the generated demo facilities).

Expected wards are read from the database rows (areas and their successions), never
written down by hand; the facilities a test searches for are created by the test with
names no generated place bears ("Sao Khuê").
"""

from collections import defaultdict

from django.contrib.gis.geos import Point

from layers.facilities import assign_wards
from layers.models import AdministrativeArea, AreaLevel, Facility, FacilityCategory, WardSuccession
from layers.names import search_form
from layers.wards import generations_valid_on

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


def current_wards():
    """The wards of the generation valid today, by code."""
    return AdministrativeArea.objects.filter(
        generation__in=generations_valid_on(), level=AreaLevel.WARD
    ).order_by("code")


def lone_current_wards(count: int) -> list[AdministrativeArea]:
    """``count`` current wards whose name no other unit bears (a part naming one is exact)."""
    by_core = areas_by_core()
    wards = [w for w in current_wards() if by_core[core(w.name)] == [w]]
    assert len(wards) >= count, "the boundaries have too few wards of a unique name"
    return wards[:count]


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
    raise AssertionError("the boundaries have no such old ward")


def point_of(place) -> Point:
    """The place's point, with its SRID."""
    return Point(place.lon, place.lat, srid=4326)


def old_label(old: AdministrativeArea, new: AdministrativeArea) -> str:
    """The label of an old ward's place in a new ward."""
    year = old.generation.valid_to.year
    return f"{old.name}, {old.parent.name} (until {year}) → {new.name}"


def place_facility(name: str, point: Point, category: str = "cho") -> Facility:
    """A facility made for a test, put in its ward by the one rule (as the admin does)."""
    facility = Facility.objects.create(
        category=FacilityCategory.objects.get(code=category), name=name, geom=point
    )
    assign_wards([facility.pk])
    return Facility.objects.select_related("ward", "category").get(pk=facility.pk)

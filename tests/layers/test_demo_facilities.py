"""The demo facilities (synthetic places) and the facility-to-ward rule, on real PostGIS."""

import json
import unicodedata

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat

from layers.demo.catalogue import CATEGORIES, CITY_NAME
from layers.demo.facilities import demo_facilities
from layers.demo.load_facilities import load_demo_facilities
from layers.facilities import assign_wards
from layers.models import AdministrativeArea, Facility, FacilityCategory
from layers.names import search_form
from layers.wards import resolve_ward

pytestmark = pytest.mark.django_db

CENTRE_CATEGORIES = ("ubnd", "mot_cua", "cong_an", "tram_y_te")
# Open sea about 100 km south-east of Vũng Tàu, far from every ward (Côn Đảo included).
SEA = Point(107.6, 9.6, srid=4326)


def _scalar(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _ward(name):
    return AdministrativeArea.objects.get(generation__slug="2025-07", level="ward", name=name)


def _new_facility(point, ward=None, attributes=None):
    """A facility at ``point`` whose stored ward is then forced to ``ward`` (stale on
    purpose: the tests need a wrong one for ``assign_wards`` to correct)."""
    category = FacilityCategory.objects.get(code="nha_ve_sinh")
    facility = Facility.objects.create(
        category=category, name="Nhà vệ sinh thử", geom=point, attributes=attributes or {}
    )
    if ward is not None:
        Facility.objects.filter(pk=facility.pk).update(ward=ward)
    facility.refresh_from_db()
    return facility


def test_saving_a_facility_runs_no_spatial_query(django_assert_num_queries):
    ben_thanh = _ward("Phường Bến Thành")
    category = FacilityCategory.objects.get(code="cho")
    with django_assert_num_queries(1):  # the INSERT alone: no hidden ward lookup
        facility = Facility.objects.create(
            category=category, name="  Chợ   thử ", geom=ben_thanh.label_point
        )
    assert (facility.name, facility.name_search, facility.ward) == ("Chợ thử", "cho thu", None)
    assert assign_wards([facility.pk]) == 1
    assert Facility.objects.get(pk=facility.pk).ward == ben_thanh
    facility.refresh_from_db()
    facility.geom = SEA
    facility.save()
    assert Facility.objects.get(pk=facility.pk).ward == ben_thanh  # until assigned again
    assert assign_wards([facility.pk]) == 1
    assert Facility.objects.get(pk=facility.pk).ward is None


def _shared_border_point():
    """A vertex on the border of two current wards that no third ward touches."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH w AS (
                SELECT a.code, a.geom FROM layers_administrativearea AS a
                JOIN layers_boundarygeneration AS g ON g.id = a.generation_id
                WHERE g.valid_to IS NULL AND a.level = 'ward'
            ),
            pairs AS (
                SELECT a.code AS low, b.code AS high,
                       ST_PointOnSurface(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom)))
                           AS p
                FROM w AS a JOIN w AS b ON a.code < b.code AND ST_Intersects(a.geom, b.geom)
            )
            SELECT low, high, ST_X(p), ST_Y(p) FROM pairs
            WHERE NOT ST_IsEmpty(p)
              AND (SELECT count(*) FROM w WHERE ST_Covers(w.geom, pairs.p)) = 2
            ORDER BY low, high
            LIMIT 1
            """
        )
        row = cursor.fetchone()
    low, high, x, y = row
    return low, high, Point(x, y, srid=4326)


# --- The generated set ----------------------------------------------------------------------


def test_demo_has_between_3000_and_4000_facilities_with_unique_keys():
    demo = Facility.objects.filter(attributes__has_key="demo_key")
    assert 3000 <= demo.count() <= 4000
    keys = demo.values_list("attributes__demo_key", flat=True)
    assert len(set(keys)) == demo.count()


def test_generating_twice_gives_the_same_facilities():
    assert demo_facilities() == demo_facilities()


def test_every_facility_lies_in_its_ward_of_the_current_generation():
    misplaced = _scalar(
        "SELECT count(*) FROM layers_facility AS f "
        "LEFT JOIN layers_administrativearea AS a ON a.id = f.ward_id "
        "LEFT JOIN layers_boundarygeneration AS g ON g.id = a.generation_id "
        "WHERE a.id IS NULL OR a.level <> 'ward' OR g.valid_to IS NOT NULL "
        "OR NOT ST_Covers(a.geom, f.geom)"
    )
    assert Facility.objects.count() > 0
    assert misplaced == 0


def test_every_facility_is_in_the_ward_its_key_names():
    wrong = _scalar(
        "SELECT count(*) FROM layers_facility AS f "
        "JOIN layers_administrativearea AS a ON a.id = f.ward_id "
        "WHERE split_part(f.attributes->>'demo_key', '-', 2) <> a.code"
    )
    assert wrong == 0


@pytest.mark.parametrize("category", CENTRE_CATEGORIES)
def test_each_of_the_168_wards_has_exactly_one_centre_facility(category):
    per_ward = list(
        Facility.objects.filter(category__code=category)
        .values_list("ward__code", flat=True)
        .order_by("ward__code")
    )
    assert len(per_ward) == len(set(per_ward)) == 168


def test_centre_facilities_stand_near_the_ward_centre():
    farthest = _scalar(
        "SELECT max(ST_Distance(f.geom::geography, a.label_point::geography)) "
        "FROM layers_facility AS f JOIN layers_facilitycategory AS c ON c.id = f.category_id "
        "JOIN layers_administrativearea AS a ON a.id = f.ward_id "
        "WHERE c.code IN ('ubnd', 'mot_cua', 'cong_an', 'tram_y_te')"
    )
    assert farthest <= 250  # metres


def test_small_inner_wards_are_denser_than_large_communes():
    def density(where):
        return _scalar(
            "SELECT sum(n) / sum(a.official_area_km2) FROM layers_administrativearea AS a "
            "JOIN (SELECT ward_id, count(*) AS n FROM layers_facility GROUP BY ward_id) AS f "
            f"ON f.ward_id = a.id WHERE {where}"
        )

    inner = density("a.area_type = 'phuong' AND a.official_area_km2 < 3")
    rural = density("a.area_type = 'xa' AND a.official_area_km2 > 100")
    assert inner > 20 * rural


def test_names_are_nfc_and_keep_their_diacritics():
    for name, name_search in Facility.objects.values_list("name", "name_search"):
        assert unicodedata.is_normalized("NFC", name), name
        assert name_search == search_form(name)
    ben_thanh = Facility.objects.filter(ward=_ward("Phường Bến Thành"))
    names = set(ben_thanh.values_list("name", flat=True))
    assert {
        "Ủy ban nhân dân Phường Bến Thành",
        "Trung tâm Phục vụ hành chính công Phường Bến Thành",
        "Trạm Y tế Phường Bến Thành",
        "Công an Phường Bến Thành",
        "Chợ Bến Thành",
    } <= names


def test_every_committee_is_named_after_its_ward():
    wrong = Facility.objects.filter(category__code="ubnd").exclude(
        name=Concat(Value("Ủy ban nhân dân "), "ward__name")
    )
    assert not wrong.exists()


def test_names_within_a_ward_are_distinct():
    duplicates = _scalar(
        "SELECT count(*) FROM (SELECT ward_id, name FROM layers_facility "
        "GROUP BY ward_id, name HAVING count(*) > 1) AS d"
    )
    assert duplicates == 0


def test_every_category_has_both_names_and_facilities():
    categories = FacilityCategory.objects.all()
    assert {c.code for c in categories} == {c.code for c in CATEGORIES}
    assert len(categories) == 15
    for category in categories:
        assert category.name_vi and category.name_en and category.group, category.code
        assert category.name_en.isascii() and not category.name_vi.isascii(), category.code
        assert category.facilities.exists(), category.code


def test_addresses_name_street_ward_and_city():
    for address, ward in Facility.objects.values_list("address", "ward__name"):
        assert address.startswith("Số ") and " đường " in address, address
        assert address.endswith(f", {ward}, {CITY_NAME}"), address


def test_opening_hours_follow_the_category():
    hours = {
        code: set(
            Facility.objects.filter(category__code=code).values_list("opening_hours", flat=True)
        )
        for code in ("benh_vien", "nha_ve_sinh", "cong_an", "ubnd", "mot_cua")
    }
    assert hours["benh_vien"] == hours["nha_ve_sinh"] == hours["cong_an"] == {"24/7"}
    assert hours["ubnd"] == hours["mot_cua"] == {"Mo-Fr 07:30-11:30,13:00-17:00; Sa 07:30-11:30"}
    assert not Facility.objects.filter(opening_hours="").exists()


def test_phones_are_landlines_of_the_former_provinces():
    phones = Facility.objects.exclude(phone="").values_list("phone", "ward__code")
    assert phones
    for phone, code in phones:
        prefix, rest = phone.split(" ", 1)
        expected = "028" if code >= "26734" else "0254" if code >= "26506" else "0274"
        assert prefix == expected and rest.startswith("3"), phone
        assert len((prefix + rest).replace(" ", "")) in (10, 11), phone
    assert not Facility.objects.filter(category__code="nha_ve_sinh").exclude(phone="").exists()


def test_hospitals_and_schools_carry_their_public_attributes():
    for attributes in Facility.objects.filter(category__code="benh_vien").values_list(
        "attributes", flat=True
    ):
        assert isinstance(attributes["beds"], int) and attributes["beds"] > 0
        assert isinstance(attributes["emergency"], bool)
    for attributes in Facility.objects.filter(
        category__code__in=["tieu_hoc", "thcs", "thpt"]
    ).values_list("attributes", flat=True):
        assert isinstance(attributes["students"], int) and attributes["students"] >= 300


def test_staff_notes_are_filled_for_some_and_stay_out_of_attributes():
    total = Facility.objects.count()
    with_notes = Facility.objects.exclude(staff_notes="").count()
    assert 0 < with_notes < total
    assert not Facility.objects.filter(attributes__has_key="staff_notes").exists()


# --- Loading ----------------------------------------------------------------------------------


def test_loading_again_changes_nothing():
    before = dict(Facility.objects.values_list("pk", "updated_at"))
    report = load_demo_facilities()
    assert (report.facilities.created, report.facilities.updated) == (0, 0)
    assert report.facilities.removed == 0
    assert report.facilities.unchanged == len(before)
    assert (report.categories.created, report.categories.updated) == (0, 0)
    assert report.wards_changed == 0
    assert not report.changed
    assert dict(Facility.objects.values_list("pk", "updated_at")) == before


def test_loading_restores_an_edited_demo_facility():
    facility = Facility.objects.get(attributes__demo_key="ubnd-26743-1")
    Facility.objects.filter(pk=facility.pk).update(name="Đã sửa", geom=SEA, ward=None)
    report = load_demo_facilities()
    assert (report.facilities.created, report.facilities.updated) == (0, 1)
    assert report.wards_changed == 1
    edited_at = facility.updated_at
    facility.refresh_from_db()
    assert facility.name == "Ủy ban nhân dân Phường Bến Thành"
    assert (facility.geom.x, facility.geom.y) != (SEA.x, SEA.y)
    assert facility.ward.code == "26743"
    assert facility.updated_at > edited_at


def test_loading_removes_stale_demo_facilities_but_never_others():
    inside = _ward("Phường Bến Thành").label_point
    stale = _new_facility(inside, attributes={"demo_key": "nha_ve_sinh-00000-1"})
    own = _new_facility(inside, attributes={"so_buong": 4})
    report = load_demo_facilities()
    assert report.facilities.removed == 1
    assert not Facility.objects.filter(pk=stale.pk).exists()
    assert Facility.objects.filter(pk=own.pk).exists()


def test_command_prints_the_counts():
    call_command("load_demo_facilities", stdout=(out := _Buffer()))
    total = Facility.objects.count()
    assert f"facilities: 0 created, 0 updated, {total} unchanged, 0 removed" in out.text
    assert "nothing to change" in out.text


def test_command_reports_json():
    call_command("load_demo_facilities", "--json", stdout=(out := _Buffer()))
    report = json.loads(out.text)
    assert report["facilities"]["created"] == 0
    assert report["changed"] is False


class _Buffer:
    """A stdout for call_command that keeps the text."""

    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


# --- The ward rule ----------------------------------------------------------------------------


def test_assign_wards_on_loaded_data_changes_nothing():
    assert assign_wards() == 0


def test_a_facility_moved_to_another_ward_gets_that_ward():
    facility = Facility.objects.get(attributes__demo_key="ubnd-26743-1")
    sai_gon = _ward("Phường Sài Gòn")
    Facility.objects.filter(pk=facility.pk).update(geom=sai_gon.label_point)
    assert assign_wards([facility.pk]) == 1
    facility.refresh_from_db()
    assert facility.ward == sai_gon
    assert assign_wards([facility.pk]) == 0


def test_a_facility_moved_into_the_sea_gets_no_ward():
    assert not AdministrativeArea.objects.filter(geom__covers=SEA).exists()
    facility = Facility.objects.get(attributes__demo_key="cho-26743-1")
    Facility.objects.filter(pk=facility.pk).update(geom=SEA)
    assert assign_wards([facility.pk]) == 1
    facility.refresh_from_db()
    assert facility.ward is None


def test_assign_wards_touches_only_the_facilities_asked_for():
    sea_one = _new_facility(SEA, ward=_ward("Phường Bến Thành"))
    sea_two = _new_facility(SEA, ward=_ward("Phường Bến Thành"))
    assert assign_wards([sea_one.pk]) == 1
    sea_two.refresh_from_db()
    assert sea_two.ward is not None


def test_point_on_shared_border_gets_the_lower_code():
    low, high, point = _shared_border_point()
    assert low < high
    higher = AdministrativeArea.objects.get(generation__valid_to__isnull=True, code=high)
    facility = _new_facility(point, ward=higher)
    assert assign_wards([facility.pk]) == 1
    facility.refresh_from_db()
    assert facility.ward.code == low
    assert resolve_ward(point).code == low


def test_resolve_ward_uses_the_generation_valid_today():
    ward = resolve_ward(_ward("Phường Bến Thành").label_point)
    assert (ward.name, ward.generation.slug, ward.level) == ("Phường Bến Thành", "2025-07", "ward")


def test_resolve_ward_outside_every_ward_is_none():
    assert resolve_ward(SEA) is None


def test_resolve_ward_reads_a_point_without_srid_as_lon_lat():
    centre = _ward("Xã Bình Chánh").label_point
    assert resolve_ward(Point(centre.x, centre.y)).name == "Xã Bình Chánh"

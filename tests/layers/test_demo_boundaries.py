"""The demo generations: official lists, consistent synthetic geometry, old-to-new links."""

import csv
import unicodedata
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from vietnam_provinces import Ward

from layers.demo import units
from layers.demo.load import load_demo
from layers.models import AdministrativeArea, BoundaryGeneration, WardSuccession
from layers.wards import resolve_ward

DATA = Path(__file__).resolve().parents[1] / "data"
CITY_LIST = DATA / "hcmc_wards_2025_vietnam_provinces_2025.10.1.csv"

pytestmark = pytest.mark.django_db


def _count(slug, **filters):
    return AdministrativeArea.objects.filter(generation__slug=slug, **filters).count()


def _scalar(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_current_generation_has_168_units_by_type():
    assert _count("2025-07", level="ward") == 168
    assert _count("2025-07", level="ward", area_type="phuong") == 113
    assert _count("2025-07", level="ward", area_type="xa") == 54
    assert _count("2025-07", level="ward", area_type="dac_khu") == 1
    assert _count("2025-07", level="district") == 0


def test_previous_generation_has_22_districts_and_273_wards_in_the_city():
    assert _count("2025-01", level="district", parent__code="79") == 22
    assert _count("2025-01", level="ward", parent__parent__code="79") == 273


def test_previous_generation_includes_the_two_merged_provinces():
    names = set(
        AdministrativeArea.objects.filter(generation__slug="2025-01", level="province").values_list(
            "name", flat=True
        )
    )
    assert names == {"Thành phố Hồ Chí Minh", "Tỉnh Bình Dương", "Tỉnh Bà Rịa - Vũng Tàu"}


def test_generation_periods_follow_the_reform_date():
    old = BoundaryGeneration.objects.get(slug="2025-01")
    new = BoundaryGeneration.objects.get(slug="2025-07")
    assert (old.valid_from.isoformat(), old.valid_to.isoformat()) == ("2025-01-01", "2025-06-30")
    assert (new.valid_from.isoformat(), new.valid_to) == ("2025-07-01", None)


def test_current_codes_and_names_match_vietnam_provinces_package():
    official = {
        str(int(w.code)): unicodedata.normalize("NFC", " ".join(w.name.split()))
        for w in Ward.iter_all()
        if int(w.province_code) == 79
    }
    ours = dict(
        AdministrativeArea.objects.filter(generation__slug="2025-07", level="ward").values_list(
            "code", "name"
        )
    )
    assert ours == official


def test_current_codes_match_the_shared_extract_of_the_official_list():
    with CITY_LIST.open(encoding="utf-8") as f:
        official = {row["ward_code"] for row in csv.DictReader(f)}
    ours = set(
        AdministrativeArea.objects.filter(generation__slug="2025-07", level="ward").values_list(
            "code", flat=True
        )
    )
    assert ours == official


def test_names_are_nfc_with_single_spaces():
    for name in AdministrativeArea.objects.values_list("name", flat=True):
        assert unicodedata.is_normalized("NFC", name), name
        assert "  " not in name and name == name.strip(), name


def test_double_spaced_official_name_is_stored_normalised():
    assert AdministrativeArea.objects.filter(
        generation__slug="2025-07", name="Phường Rạch Dừa"
    ).exists()


def test_every_geometry_is_valid_and_marked_synthetic():
    assert _scalar("SELECT count(*) FROM layers_administrativearea WHERE NOT ST_IsValid(geom)") == 0
    assert not AdministrativeArea.objects.filter(geometry_is_synthetic=False).exists()
    assert not AdministrativeArea.objects.exclude(geometry_source__contains="SYNTHETIC").exists()


def test_every_unit_contains_its_centre_point():
    outside = _scalar(
        "SELECT count(*) FROM layers_administrativearea "
        "WHERE label_point IS NULL OR NOT ST_Contains(geom, label_point)"
    )
    assert outside == 0


def test_every_area_lies_inside_its_parent():
    outside = _scalar(
        "SELECT count(*) FROM layers_administrativearea c "
        "JOIN layers_administrativearea p ON p.id = c.parent_id "
        "WHERE NOT ST_CoveredBy(c.geom, p.geom)"
    )
    assert outside == 0
    assert _count("2025-07", level="ward", parent__isnull=True) == 0
    assert _count("2025-01", level="ward", parent__level="district") == 441


def test_areas_of_one_level_and_generation_do_not_overlap():
    overlaps = _scalar(
        "SELECT count(*) FROM layers_administrativearea a "
        "JOIN layers_administrativearea b ON a.generation_id = b.generation_id "
        " AND a.level = b.level AND a.id < b.id AND a.geom && b.geom "
        "WHERE ST_Overlaps(a.geom, b.geom) "
        "OR ST_Within(a.geom, b.geom) OR ST_Within(b.geom, a.geom)"
    )
    assert overlaps == 0


def test_wards_cover_the_whole_city_without_gaps():
    gap = _scalar(
        "SELECT ST_Area(ST_Difference(c.geom, ST_Union(w.geom))::geography) "
        "FROM layers_administrativearea c JOIN layers_administrativearea w ON w.parent_id = c.id "
        "WHERE c.code = '79' AND c.generation_id = (SELECT id FROM layers_boundarygeneration "
        "WHERE slug = '2025-07') GROUP BY c.geom"
    )
    assert gap < 1.0  # square metres


def test_synthetic_ward_areas_follow_the_official_areas():
    # Area-weighted partition: the big communes must come out much larger than inner wards.
    rows = _scalar(
        "SELECT corr(ST_Area(geom::geography) / 1e6, official_area_km2) "
        "FROM layers_administrativearea WHERE level = 'ward' AND official_area_km2 IS NOT NULL"
    )
    assert rows > 0.9


def test_loading_the_demo_again_changes_nothing():
    report = load_demo()
    assert not report.changed
    assert {slug: len(r.unchanged) for slug, r in report.generations.items()} == {
        "2025-01": 482,
        "2025-07": 169,
    }


def test_every_old_ward_has_a_successor_in_the_new_generation():
    old_units = AdministrativeArea.objects.filter(generation__slug="2025-01").exclude(
        level="province"
    )
    leaves = (
        old_units.filter(level="ward").count()
        + old_units.filter(level="district", children__isnull=True).count()
    )
    with_successor = (
        WardSuccession.objects.filter(new_area__generation__slug="2025-07")
        .values("old_area")
        .distinct()
        .count()
    )
    assert with_successor == leaves == 442


def test_every_new_unit_has_a_predecessor():
    assert (
        AdministrativeArea.objects.filter(
            generation__slug="2025-07", level="ward", predecessors=None
        ).count()
        == 0
    )


def test_sai_gon_ward_takes_all_of_ben_nghe_and_parts_of_its_neighbours():
    links = {
        (s.old_area.name, s.is_whole)
        for s in WardSuccession.objects.select_related("old_area").filter(
            new_area__name="Phường Sài Gòn"
        )
    }
    assert links == {
        ("Phường Bến Nghé", True),
        ("Phường Đa Kao", False),
        ("Phường Nguyễn Thái Bình", False),
    }


def test_a_split_ward_names_exactly_one_main_successor():
    for old_id in (
        WardSuccession.objects.filter(is_whole=False).values_list("old_area", flat=True).distinct()
    ):
        links = WardSuccession.objects.filter(old_area_id=old_id)
        assert links.count() >= 2
        assert links.filter(is_default=True).count() == 1


# Old wards to which the official list gives the very point of another ward of theirs (the
# geocoder's fallback): one point cannot be inside two units, so the lowest code holds it
# and the others sit beside it.
SHARED_CENTRES = {
    "26668": "26659",  # Xã Tam An, Xã Long Tân: the point of Thị trấn Long Điền
    "26695": "26659",
    "26707": "26704",  # Phường Tân Hòa, Phường Phước Hòa: the point of Phường Phú Mỹ
    "26713": "26704",
    "27385": "27364",  # Phường 10 (Quận 6): the point of Phường 11
}


def _holders_of_official_centres(slug: str, records) -> dict[str, list[str]]:
    """For each unit: the codes of the units of its level that contain its official centre."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.code, array_remove(array_agg(a.code ORDER BY a.code), NULL) "
            "FROM unnest(%s::text[], %s::float8[], %s::float8[]) AS c(code, lon, lat) "
            "JOIN layers_administrativearea u ON u.code = c.code "
            "JOIN layers_boundarygeneration g ON g.id = u.generation_id AND g.slug = %s "
            "LEFT JOIN layers_administrativearea a ON a.generation_id = u.generation_id "
            " AND a.level = u.level "
            " AND ST_Contains(a.geom, ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)) "
            "GROUP BY c.code",
            [[r.code for r in records], [r.lon for r in records], [r.lat for r in records], slug],
        )
        return dict(cursor.fetchall())


def test_every_current_unit_contains_its_official_centre_point():
    records = units.current_units()
    holders = _holders_of_official_centres("2025-07", records)
    assert len(holders) == 169  # the city and its 168 units
    assert {code: found for code, found in holders.items() if found != [code]} == {}


def test_every_current_units_official_centre_is_looked_up_to_it():
    # Côn Đảo, Vũng Tàu, Long Sơn, Phước Thành, Bình Chánh: once at sea or outside the city.
    for record in units.current_units()[1:]:
        ward = resolve_ward(Point(record.lon, record.lat, srid=4326))
        assert ward is not None and ward.code == record.code, record.name


def test_every_old_unit_contains_its_official_centre_point():
    records = units.legacy_units()
    holders = _holders_of_official_centres("2025-01", records)
    assert len(holders) == 482  # 3 provinces, 38 districts, 441 wards
    wrong = {code: found for code, found in holders.items() if found != [code]}
    assert wrong == {code: [holder] for code, holder in SHARED_CENTRES.items()}


def test_units_sharing_an_official_point_sit_beside_it():
    for code, holder in SHARED_CENTRES.items():
        distance = _scalar(
            "SELECT ST_Distance(a.geom::geography, h.label_point::geography) "
            "FROM layers_administrativearea a JOIN layers_administrativearea h "
            " ON h.generation_id = a.generation_id AND h.code = %s "
            "WHERE a.code = %s AND a.generation_id = "
            "(SELECT id FROM layers_boundarygeneration WHERE slug = '2025-01')",
            [holder, code],
        )
        assert distance < 50, code  # metres

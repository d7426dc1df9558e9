"""Import modes: create, replace, append, upsert (idempotent), dry run, areas into a generation."""

import json

import pytest
from django.db import connection

from importers.errors import ImportRefused
from layers.models import AdministrativeArea, Feature, Layer
from tests.importers.conftest import PLACES_CSV

pytestmark = pytest.mark.django_db


def _csv(tmp_path, rows: list[tuple], name="rows.csv"):
    path = tmp_path / name
    lines = ["ma,ten,lon,lat,so_giuong"] + [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _features(slug: str) -> dict[str, dict]:
    return {
        f.source_key: {"name": f.name, "xy": (f.geom.x, f.geom.y), **f.attributes}
        for f in Feature.objects.filter(layer__slug=slug)
    }


def test_create_refuses_an_existing_layer(importer):
    importer(PLACES_CSV, layer="places")
    with pytest.raises(ImportRefused) as refused:
        importer(PLACES_CSV, layer="places")
    assert "exists; import with mode replace, append or upsert" in refused.value.message


def test_other_modes_need_the_layer_to_exist(importer):
    with pytest.raises(ImportRefused) as refused:
        importer(PLACES_CSV, layer="nowhere", mode="append")
    assert "There is no layer nowhere to append" in refused.value.message


def test_replace_swaps_every_feature(importer, tmp_path):
    importer(_csv(tmp_path, [("A", "Trạm A", 106.70, 10.77, 5)]), layer="clinics", key="ma")
    old_ids = set(Feature.objects.filter(layer__slug="clinics").values_list("id", flat=True))
    second = _csv(
        tmp_path,
        [("B", "Trạm B", 106.71, 10.78, 7), ("C", "Trạm C", 106.72, 10.79, 9)],
        name="second.csv",
    )
    report = importer(second, layer="clinics", mode="replace", key="ma")
    assert (report.deleted, report.imported) == (1, 2)
    features = _features("clinics")
    assert set(features) == {"B", "C"}
    assert not old_ids & set(
        Feature.objects.filter(layer__slug="clinics").values_list("id", flat=True)
    )


def test_append_adds_to_what_is_there(importer, tmp_path):
    importer(_csv(tmp_path, [("A", "Trạm A", 106.70, 10.77, 5)]), layer="clinics", key="ma")
    more = _csv(tmp_path, [("B", "Trạm B", 106.71, 10.78, 7)], name="more.csv")
    report = importer(more, layer="clinics", mode="append", key="ma")
    assert report.imported == 1
    assert set(_features("clinics")) == {"A", "B"}


def test_upsert_twice_changes_nothing_the_second_time(importer):
    importer(PLACES_CSV, layer="places", key="geonameid")
    before = {
        f.pk: (f.geom.wkb.tobytes(), f.attributes, f.name)
        for f in Feature.objects.filter(layer__slug="places")
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tiles_tiledirty")
        dirty_before = cursor.fetchone()[0]
    stamp = Layer.objects.get(slug="places").updated_at
    report = importer(PLACES_CSV, layer="places", mode="upsert", key="geonameid")
    assert (report.imported, report.updated, report.unchanged) == (0, 0, 86)
    assert Layer.objects.get(slug="places").updated_at == stamp
    after = {
        f.pk: (f.geom.wkb.tobytes(), f.attributes, f.name)
        for f in Feature.objects.filter(layer__slug="places")
    }
    assert after == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tiles_tiledirty")
        assert cursor.fetchone()[0] == dirty_before  # no tile was touched


def test_upsert_updates_changed_rows_and_inserts_new_ones(importer, tmp_path):
    first = _csv(tmp_path, [("A", "Trạm A", 106.70, 10.77, 5), ("B", "Trạm B", 106.71, 10.78, 7)])
    importer(first, layer="clinics", key="ma")
    ids = dict(Feature.objects.filter(layer__slug="clinics").values_list("source_key", "id"))
    second = _csv(
        tmp_path,
        [
            ("A", "Trạm A", 106.70, 10.77, 5),
            ("B", "Trạm Y tế B", 106.715, 10.78, 8),
            ("C", "Trạm C", 106.72, 10.79, 9),
        ],
        name="second.csv",
    )
    report = importer(second, layer="clinics", mode="upsert", key="ma")
    assert (report.imported, report.updated, report.unchanged) == (1, 1, 1)
    features = _features("clinics")
    assert features["B"]["name"] == "Trạm Y tế B"
    assert features["B"]["so_giuong"] == 8
    assert features["B"]["xy"] == pytest.approx((106.715, 10.78))
    # Same feature, same id: links to it stay valid.
    assert Feature.objects.get(layer__slug="clinics", source_key="B").pk == ids["B"]


def test_repeated_keys_in_one_file_are_rejected_after_the_first(importer, tmp_path):
    path = _csv(
        tmp_path,
        [("A", "Trạm A", 106.70, 10.77, 5), ("B", "Trạm B", 106.71, 10.78, 7),
         ("A", "Trạm A2", 106.72, 10.79, 9)],
    )  # fmt: skip
    report = importer(path, layer="clinics", key="ma")
    assert not report.committed
    assert [(n.row, n.reason) for n in report.rejected] == [(3, "key A is also on row 1")]
    report = importer(path, layer="clinics", key="ma", partial=True)
    assert report.imported == 2
    assert _features("clinics")["A"]["name"] == "Trạm A"


def test_missing_key_value_rejects_the_row(importer, tmp_path):
    path = _csv(tmp_path, [("A", "Trạm A", 106.70, 10.77, 5), ("", "Trạm ?", 106.71, 10.78, 7)])
    report = importer(path, layer="clinics", key="ma", partial=True)
    assert [(n.row, n.reason) for n in report.rejected] == [(2, "no value in the key field 'ma'")]


def test_key_field_must_exist(importer):
    with pytest.raises(ImportRefused) as refused:
        importer(PLACES_CSV, layer="places", key="ma_so")
    assert "The file has no field 'ma_so'" in refused.value.message
    assert refused.value.parameter == "key"


def test_a_field_that_changes_type_is_refused(importer, tmp_path):
    importer(_csv(tmp_path, [("A", "Trạm A", 106.70, 10.77, 5)]), layer="clinics", key="ma")
    text = _csv(tmp_path, [("B", "Trạm B", 106.71, 10.78, "nhiều")], name="text.csv")
    with pytest.raises(ImportRefused) as refused:
        importer(text, layer="clinics", mode="append", key="ma")
    assert "'so_giuong' holds string values in the file but integer" in refused.value.message


def test_dry_run_reports_exactly_and_writes_nothing(importer, tmp_path):
    importer(_csv(tmp_path, [("A", "Trạm A", 106.70, 10.77, 5)]), layer="clinics", key="ma")
    second = _csv(
        tmp_path,
        [("A", "Trạm A đổi", 106.70, 10.77, 5), ("B", "Trạm B", 106.71, 10.78, 7)],
        name="second.csv",
    )
    report = importer(second, layer="clinics", mode="upsert", key="ma", dry_run=True)
    assert (report.imported, report.updated, report.committed) == (1, 1, False)
    assert set(_features("clinics")) == {"A"}
    assert _features("clinics")["A"]["name"] == "Trạm A"


def test_time_field_dates_features_in_the_city_time_zone(importer, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "id,lon,lat,ngay\n1,106.70,10.77,2025-07-01 08:30\n2,106.71,10.78,2025/07/02\n"
        "3,106.72,10.79,không rõ\n",
        encoding="utf-8",
    )
    report = importer(path, layer="events", time_field="ngay", key="id", partial=True)
    assert [(n.row, n.reason) for n in report.rejected] == [
        (3, "'ngay' 'không rõ' is not a date or date-time")
    ]
    times = dict(Feature.objects.filter(layer__slug="events").values_list("source_key", "time"))
    assert times["1"].isoformat() == "2025-07-01T01:30:00+00:00"  # 08:30 in UTC+7
    assert Layer.objects.get(slug="events").time_attribute == "ngay"


def test_areas_go_into_a_named_generation(importer, tmp_path):
    generation = AdministrativeArea.objects.filter(level="ward").values_list(
        "generation__slug", flat=True
    )[0]
    ward = AdministrativeArea.objects.filter(level="ward", generation__slug=generation).first()
    square = [[106.70, 10.77], [106.71, 10.77], [106.71, 10.78], [106.70, 10.78], [106.70, 10.77]]
    path = tmp_path / "ward.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": ward.code},
                        "geometry": {"type": "Polygon", "coordinates": [square]},
                    }
                ],
            }
        )
    )
    report = importer(path, layer="areas", generation=generation)
    assert report.committed and report.updated == 1
    ward.refresh_from_db()
    assert ward.geom.extent == pytest.approx((106.70, 10.77, 106.71, 10.78))
    assert not ward.geometry_is_synthetic


def test_areas_need_a_generation(importer, tmp_path):
    from core.errors import InvalidParameter

    with pytest.raises(InvalidParameter) as refused:
        importer(PLACES_CSV, layer="areas")
    assert refused.value.parameter == "generation"

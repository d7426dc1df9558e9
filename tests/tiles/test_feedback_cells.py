"""The feedback layer's cells (compacted pyramid rows plus pending deltas, tiles/cell_deltas.py)
stay equal to a count of the public points, level by level and group by group, whatever
the writes, before and after compaction; hidden items are never counted."""

from collections import Counter
from dataclasses import replace

import pytest
from django.contrib.gis.geos import Point
from django.core import checks
from django.db import connection
from procrastinate.contrib.django import app

from feedback.models import FeedbackCategory, FeedbackItem
from feedback.public import PUBLIC_STATUSES, feedback_spec
from layers import registry
from tests.layerapp.layers import noise_spec
from tests.tiles.feedback_cells import (
    cells,
    counted_from_public_points,
    item_at,
    public_points_in_tile,
    ward_and_point,
)
from tests.tiles.mvt_client import decode, fetch
from tests.tiles.xyz import tile_of
from tiles import cell_deltas
from tiles.pyramid import TOP_LEVEL
from tiles.tasks import compact_cell_deltas

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    """A current ward and a point well inside it."""
    return ward_and_point()


def test_inserts_status_changes_moves_and_deletes_keep_the_cells_equal_to_a_count(place):
    ward, (lon, lat) = place
    items = [item_at(f"FC{i}", lon + i * 0.002, lat, ward, "den-duong") for i in range(6)]
    items += [item_at(f"FN{i}", lon, lat + i * 0.003, ward, "ngap-nuoc") for i in range(4)]
    assert cells() == counted_from_public_points()
    FeedbackItem.objects.filter(pk=items[0].pk).update(status="in_progress")
    FeedbackItem.objects.filter(pk=items[1].pk).update(status="rejected")
    moved = items[2]
    moved.geom = Point(lon - 0.05, lat + 0.04, srid=4326)
    moved.save()
    items[3].delete()
    FeedbackItem.objects.filter(category__code="ngap-nuoc", ward=ward).update(status="resolved")
    FeedbackItem.objects.filter(pk=items[4].pk).update(
        category=FeedbackCategory.objects.get(code="ngap-nuoc")
    )
    before = cells()
    assert before == counted_from_public_points()
    assert cell_deltas.compact() > 0
    assert cell_deltas.pending() == 0
    assert cells() == before
    FeedbackItem.objects.filter(pk=items[1].pk).update(status="accepted")
    items[5].delete()
    assert cells() == counted_from_public_points()
    cell_deltas.compact()
    assert cells() == counted_from_public_points()


def test_every_level_counts_each_public_item_once(place):
    ward, (lon, lat) = place
    for i in range(3):
        item_at(f"FL{i}", lon + i * 0.01, lat, ward, "den-duong")
    cell_deltas.compact()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT z, sum(n) FROM tiles_pointcell WHERE layer = 'feedback' AND grp = '' GROUP BY z"
        )
        per_level = dict(cursor.fetchall())
    public = FeedbackItem.objects.filter(status__in=PUBLIC_STATUSES).count()
    assert set(per_level) == set(range(TOP_LEVEL + 1))
    assert set(per_level.values()) == {public}


def test_a_hidden_item_is_not_counted(place):
    ward, (lon, lat) = place
    pending = cell_deltas.pending()
    hidden = item_at("FH1", lon, lat, ward, "den-duong", status="rejected")
    item_at("FH2", lon, lat, ward, "den-duong", status="merged", merged_into=hidden)
    assert cell_deltas.pending() == pending
    FeedbackItem.objects.filter(pk=hidden.pk).update(status="received")
    assert cell_deltas.pending() == pending + 3  # the total, its category, its status
    FeedbackItem.objects.filter(pk=hidden.pk).update(status="rejected")
    cell_deltas.compact()
    assert cells() == counted_from_public_points()
    assert "status=rejected" not in {key[3] for key in cells()}


def test_a_private_change_writes_no_delta(place):
    """Description, reporter, even the exact point inside its public grid square (noise:
    100 m): the public cells do not change, so nothing is appended."""
    ward, (lon, lat) = place
    item = item_at("FP1", lon, lat, ward, "tieng-on")
    item.refresh_from_db()
    public = item.public_geom
    pending = cell_deltas.pending()
    item.description = "Vẫn ồn"
    item.reporter_name = "Trần Thị B"
    item.save()
    FeedbackItem.objects.filter(pk=item.pk).update(geom=Point(lon + 0.00001, lat, srid=4326))
    item.refresh_from_db()
    assert item.public_geom == public  # the same public point
    assert cell_deltas.pending() == pending
    assert cells() == counted_from_public_points()


def test_the_low_zoom_tile_counts_the_public_points_before_and_after_compaction(client, place):
    ward, (lon, lat) = place
    for i in range(5):
        item_at(f"FT{i}", lon + i * 0.001, lat, ward, "den-duong")
    item_at("FT5", lon, lat, ward, "ngap-nuoc", status="in_progress")
    item_at("FT6", lon, lat, ward, "ngap-nuoc", status="rejected")
    z = 9
    x, y = tile_of(lon, lat, z)
    expected = public_points_in_tile(z, x, y)
    assert expected["count"] >= 6
    for compact in (False, True):
        if compact:
            cell_deltas.compact()
            connection.cursor().execute("DELETE FROM tiles_cachedtile")
        features = decode(fetch(client, "feedback", z, x, y))["feedback"]["features"]
        totals = Counter()
        for feature in features:
            assert feature["properties"]["cluster"] is True
            for key, value in feature["properties"].items():
                if key.startswith("count"):
                    totals[key] += value
        assert dict(totals) == expected


def test_a_category_renamed_counts_the_layer_again(place):
    ward, (lon, lat) = place
    item_at("FR1", lon, lat, ward, "den-duong")
    FeedbackCategory.objects.filter(code="den-duong").update(code="den-duong-pho")
    assert cell_deltas.pending() == 0
    assert cells() == counted_from_public_points()
    assert any(key[3] == "category=den-duong-pho" for key in cells())


def test_the_trigger_installed_is_the_one_the_spec_makes():
    """The rows the triggers count come from the layer's spec: a spec changed without a
    migration that installs its new trigger fails here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'tiles_deltas_feedback'")
        installed = cursor.fetchone()[0]
    made = cell_deltas.trigger_function_sql(feedback_spec())
    assert installed.strip() in made


def test_only_a_layer_with_delta_triggers_may_cluster_from_deltas():
    """No trigger writes deltas for a layer that a migration did not give them; the feedback
    layer, which has them, passes."""
    assert feedback_spec().cluster_source == "deltas"
    assert not [e for e in checks.run_checks(tags=["layers"]) if e.id.startswith("tiles.")]
    spec = replace(noise_spec(), slug="loud", cluster_below=12, cluster_source="deltas")
    registry.register("loud", lambda: spec)
    try:
        errors = [e for e in checks.run_checks(tags=["layers"]) if e.id.startswith("tiles.")]
    finally:
        registry.unregister("loud")
    assert [(e.id, e.msg) for e in errors] == [
        ("tiles.E002", "Layer 'loud' clusters from cell deltas, which no trigger writes for it.")
    ]


def test_the_compaction_runs_every_minute_on_the_maintenance_queue(place):
    periodic = app.periodic_registry.periodic_tasks[
        ("tiles.compact_cell_deltas", "compact_cell_deltas")
    ]
    assert (periodic.cron, periodic.task.queue) == ("* * * * *", "maintenance")
    ward, (lon, lat) = place
    item_at("FJ1", lon, lat, ward, "den-duong")
    assert cell_deltas.pending() > 0
    assert compact_cell_deltas(timestamp=0) > 0
    assert cell_deltas.pending() == 0
    assert cells() == counted_from_public_points()

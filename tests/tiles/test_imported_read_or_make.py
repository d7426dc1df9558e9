"""A tile naming imported layers is looked up and, only when none is stored, made in the
same statement (tiles/sql/cache_read_or_make_imported.sql), from specs the process keeps
with the version of the row each was built from: a cold tile costs that statement and the
store, a warm one the statement alone; a layer changed, hidden or made staff-only since
its spec was built is never drawn from the old spec."""

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext
from psycopg import sql

from layers.models import Feature, Layer
from tests.tiles.mvt_client import BEN_THANH, decode, fetch
from tests.tiles.xyz import tile_of
from tiles import cache, services

pytestmark = pytest.mark.django_db

SLUG = "tiles-cau"
Z = 16
X, Y = tile_of(*BEN_THANH, Z)
SCHEMA = [{"name": "ten", "type": "string"}, {"name": "so_nhip", "type": "integer"}]


@pytest.fixture
def bridges() -> Layer:
    """A point layer with one feature at Bến Thành, its spec already known to the process
    (a tile of it was made), and no tile of it stored."""
    layer = Layer.objects.create(
        slug=SLUG, title="Cầu", geometry_type="Point", attribute_schema=SCHEMA
    )
    Feature.objects.create(
        layer=layer, geom=Point(*BEN_THANH, srid=4326), attributes={"ten": "Cầu Mống", "so_nhip": 3}
    )
    with connection.cursor() as cursor:
        # As if that write had committed long ago (this test runs in one transaction, and a
        # tile read while its layer's write is uncommitted is never stored).
        cursor.execute("UPDATE tiles_tiledirty SET xid = 3 WHERE layer = %s", [SLUG])
    services.refresh_imported_specs([SLUG])
    return layer


def _properties(response) -> dict:
    (feature,) = decode(response)[SLUG]["features"]
    return feature["properties"]


def _staff(client) -> None:
    user = User.objects.create_user("tiles-staff")
    user.user_permissions.add(Permission.objects.get(codename="view_restricted_layer"))
    client.force_login(user)


def test_a_new_tile_is_made_in_the_lookup_and_kept_in_one_more(client, bridges):
    with CaptureQueriesContext(connection) as cold:
        response = fetch(client, SLUG, Z, X, Y)
    assert _properties(response) == {"ten": "Cầu Mống", "so_nhip": 3}
    assert len(cold.captured_queries) == 2
    assert "layers_layer" in cold.captured_queries[0]["sql"]
    assert "INSERT INTO tiles_cachedtile" in cold.captured_queries[1]["sql"]
    with CaptureQueriesContext(connection) as warm:
        again = fetch(client, SLUG, Z, X, Y)
    assert len(warm.captured_queries) == 1
    assert (again.content, again["ETag"]) == (response.content, response["ETag"])


def test_a_tile_of_built_in_and_imported_layers_is_made_in_the_lookup_too(client, bridges):
    with CaptureQueriesContext(connection) as cold:
        decoded = decode(fetch(client, f"facilities,{SLUG}", Z, X, Y))
    assert len(cold.captured_queries) == 2
    assert SLUG in decoded


def test_a_layer_not_known_to_the_process_is_built_then_drawn(client, bridges):
    services._imported_specs.pop(SLUG, None)
    assert _properties(fetch(client, SLUG, Z, X, Y)) == {"ten": "Cầu Mống", "so_nhip": 3}
    assert SLUG in services._imported_specs


def test_a_schema_change_after_a_tile_was_made_shows_in_the_next_tile(client, bridges):
    assert _properties(fetch(client, SLUG, Z, X, Y)) == {"ten": "Cầu Mống", "so_nhip": 3}
    # An update that bumps no timestamp, in the same transaction as the row's insert (its
    # xmin is unchanged): the row's content is the spec's version.
    Layer.objects.filter(pk=bridges.pk).update(
        attribute_schema=[{"name": "ten", "type": "string"}, {**SCHEMA[1], "public": False}]
    )
    assert _properties(fetch(client, SLUG, Z, X, Y)) == {"ten": "Cầu Mống"}


def test_a_layer_hidden_after_its_tile_was_made_is_404_at_once(client, bridges):
    assert fetch(client, SLUG, Z, X, Y).status_code == 200
    Layer.objects.filter(pk=bridges.pk).update(is_hidden=True)
    for x in (X, X + 1):  # a tile made before, and one never made
        response = fetch(client, SLUG, Z, x, Y)
        assert response.status_code == 404
        assert response.json()["detail"] == f"No layer named '{SLUG}'."


def test_a_layer_made_staff_only_is_404_to_others_and_private_to_staff(client, bridges):
    assert fetch(client, SLUG, Z, X, Y)["Cache-Control"].startswith("public")
    Layer.objects.filter(pk=bridges.pk).update(is_public=False)
    assert fetch(client, SLUG, Z, X, Y).status_code == 404
    _staff(client)
    response = fetch(client, SLUG, Z, X, Y)
    assert _properties(response) == {"ten": "Cầu Mống", "so_nhip": 3}
    assert response["Cache-Control"].startswith("private")
    stored = fetch(client, SLUG, Z, X, Y)  # served from the cache, still private
    assert stored.content == response.content
    assert stored["Cache-Control"].startswith("private")


def test_a_public_layer_is_public_to_staff(client, bridges):
    _staff(client)
    assert fetch(client, SLUG, Z, X, Y)["Cache-Control"].startswith("public")


def test_unknown_layers_are_the_same_404_as_before(client, bridges):
    for layers, missing in (("khong-co", "khong-co"), (f"{SLUG},khong-co", "khong-co")):
        response = fetch(client, layers, Z, X, Y)
        assert response.status_code == 404
        assert response.json()["detail"] == f"No layer named '{missing}'."


def test_the_making_is_never_executed_from_a_stale_spec_or_for_a_hidden_layer(bridges):
    failing = sql.SQL("SELECT (1 / 0)::text::bytea, ''")  # fails whenever it runs

    def outcome(version: str, staff: bool = False) -> str:
        statement = cache.read_or_make_imported_sql(
            SLUG, [SLUG], [version], staff, Z, X, Y, failing
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchone()[0]

    current = services._imported_specs[SLUG][0]
    assert outcome("not-the-row") == "stale"
    with pytest.raises(DataError, match="division by zero"):
        outcome(current)  # current and nothing stored: the tile statement runs
    Layer.objects.filter(slug=SLUG).update(is_public=False)
    assert outcome(current) == "hidden"  # staff-only now: nothing runs for the public

"""The tile-cache triggers built from the layers' declarations (tiles/triggers.py): every
table a registered layer reads has them, installing them again changes nothing, and a
table that does not exist yet is left out."""

import pytest
from django.db import connection

from layers.registry import cache_sources
from layers.spec import SourceTable
from tiles.triggers import install_cache_triggers

pytestmark = pytest.mark.django_db


def _triggers() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger AS t "
            "JOIN pg_class AS c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'tiles\\_forget\\_%' AND NOT t.tgisinternal"
        )
        return set(cursor.fetchall())


def test_every_declared_table_has_its_triggers():
    installed = _triggers()
    for _slug, source in cache_sources():
        suffixes = ["iud"] if source.geom_column is None else ["i", "u", "d"]
        for suffix in suffixes:
            assert (source.table, f"tiles_forget_{source.table}_{suffix}") in installed


def test_installing_again_changes_nothing():
    before = _triggers()
    done = install_cache_triggers(connection)
    assert "feedback_feedbackitem" in done and "layerapp_noisereading" in done
    assert _triggers() == before


def test_a_table_not_migrated_yet_is_left_out():
    missing = [("later", SourceTable("not_migrated_yet"))]
    assert install_cache_triggers(connection, missing) == []

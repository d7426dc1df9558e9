"""The layer registry's system check (layers/checks.py) and what the registry derives from
what apps register: a broken declaration is a named error at start-up, a registered slug
is refused to imported layers."""

from dataclasses import replace

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.utils.translation import override

from layers import registry
from layers.checks import spec_errors
from layers.layer_specs import facilities_spec
from layers.models import Layer
from layers.spec import Field, LayerPaint, SourceTable, ValuePaint
from tests.layerapp.layers import noise_spec


def _ids(errors) -> list[str]:
    return [error.id for error in errors]


@pytest.fixture
def broken_layer():
    """A layer registered with a colour that is not one, removed again afterwards."""
    registry.register(
        "broken", lambda: replace(noise_spec(), slug="broken", paint=LayerPaint("red"))
    )
    yield "broken"
    registry.unregister("broken")


def test_every_registered_layer_passes_the_check():
    assert checks.run_checks(tags=["layers"]) == []


def test_a_registered_layer_with_a_bad_colour_fails_the_check(broken_layer):
    errors = checks.run_checks(tags=["layers"])
    assert _ids(errors) == ["layers.E004"]
    assert errors[0].msg == "Layer 'broken': colour 'red' is not #rrggbb."


@pytest.mark.parametrize(("cluster_source", "ids"), [("pyramid", ["tiles.E001"]), ("grid", [])])
def test_a_new_clustered_layer_must_count_its_cells_per_tile(cluster_source, ids):
    """The point pyramid counts the tables of its own triggers only (tiles/pyramid.py)."""
    spec = replace(noise_spec(), slug="loud", cluster_below=12, cluster_source=cluster_source)
    registry.register("loud", lambda: spec)
    try:
        assert _ids(checks.run_checks(tags=["layers"])) == ids
    finally:
        registry.unregister("loud")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"slug": "Noise Readings"}, "layers.E001"),
        ({"geometry_type": "Blob"}, "layers.E002"),
        ({"fields": (Field("x", "money", sql="t.x"),)}, "layers.E003"),
        ({"fields": (Field("x", "string"),)}, "layers.E003"),
        ({"paint": LayerPaint("#12345")}, "layers.E004"),
        ({"paint": LayerPaint("#123456", fill_opacity=1.5)}, "layers.E004"),
        ({"minzoom": 15, "maxzoom": 3}, "layers.E005"),
        ({"maxzoom": 23}, "layers.E005"),
        ({"group_by": "sensor, calibration_note"}, "layers.E006"),
        ({"paint": LayerPaint("#123456", key="calibration_note")}, "layers.E006"),
        ({"paint": LayerPaint("#123456", values=(ValuePaint("a", "#000000"),))}, "layers.E006"),
        ({"cluster_source": "heap"}, "layers.E007"),
        ({"sources": (SourceTable("noise_readings_v2"),)}, "layers.E008"),
        ({"sources": (SourceTable("layerapp_noisereading", "location"),)}, "layers.E009"),
        ({"permission": "see everything"}, "layers.E010"),
        ({"where_sql": "t.decibels > {threshold}"}, "layers.E012"),
    ],
)
def test_a_broken_declaration_is_a_named_error(change, code):
    assert _ids(spec_errors(replace(noise_spec(), **change))) == [code]


@pytest.mark.django_db
def test_the_built_in_declarations_are_whole():
    assert spec_errors(facilities_spec()) == []


def test_a_slug_is_registered_once():
    with pytest.raises(ValueError, match="registered twice"):
        registry.register("facilities", facilities_spec)


def test_reserved_slugs_are_the_registered_layers_and_reserved_words():
    reserved = registry.reserved_slugs()
    assert set(registry.registered_slugs()) <= reserved
    assert {"areas", "facilities", "feedback", "noise_readings"} <= reserved
    assert {"basemap", "all", "style"} <= reserved  # MapProxy's layers, the style's path


@pytest.mark.parametrize("slug", ["noise_readings", "basemap"])
def test_an_imported_layer_may_not_take_a_reserved_slug(slug):
    with override("en"):
        with pytest.raises(ValidationError) as error:
            Layer(slug=slug, title="x").full_clean()
        assert error.value.message_dict == {"slug": ["This slug belongs to a built-in layer."]}

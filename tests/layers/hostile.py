"""An imported layer whose attribute names and values are all hostile to SQL built by
hand: the tests of every output read it (tests/layers/test_hostile_names.py,
tests/tiles/test_hostile_names.py)."""

from django.contrib.gis.geos import Point

from layers.models import Feature, Layer
from layers.names import search_form

# A percent sign (the driver's placeholders), quotes of both kinds, braces (psycopg.sql's
# placeholders), a backslash, and whole placeholders of both syntaxes.
NAMES = ("tỷ lệ 100%", "it's", "{}", 'say "hi"', "%(layer_id)s", "{layer_id}", "%s", "a\\b")
ODD_VALUE = "50% {x} 'q' \"w\" %(z)s \\ {}"
BEN_THANH = (106.7009, 10.7769)


def make_odd_layer(**layer_fields) -> Layer:
    """A public points layer ``ten-la`` whose every attribute name is hostile: three
    features 100 m apart at Bến Thành, the first holding ODD_VALUE in every attribute, the
    others "b" and "c"."""
    layer = Layer.objects.create(
        slug="ten-la",
        title="Tên lạ",
        geometry_type="Point",
        attribute_schema=[{"name": name, "type": "string"} for name in NAMES],
        name_attribute=NAMES[0],
        **layer_fields,
    )
    for i, value in enumerate((ODD_VALUE, "b", "c")):
        Feature.objects.create(
            layer=layer,
            geom=Point(BEN_THANH[0] + i / 1000, BEN_THANH[1], srid=4326),
            name=value,
            name_search=search_form(value),
            attributes={name: value for name in NAMES},
        )
    return layer

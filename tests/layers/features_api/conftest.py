"""Fixtures of the GeoJSON API tests: a public imported points layer and a staff-only one."""

from datetime import UTC, datetime

import pytest
from django.contrib.gis.geos import Point

from layers.models import Feature, Layer
from tests.layers.features_api.support import BEN_THANH, GEOD, sample_schema


@pytest.fixture
def points_layer() -> Layer:
    """A public imported layer of 60 points on a line east of Bến Thành, 100 m apart."""
    layer = Layer.objects.create(
        slug="tram-sac",
        title="Trạm sạc xe điện",
        geometry_type="Point",
        attribute_schema=sample_schema(
            {"name": "it's 100% odd", "type": "string"}, {"name": "mo_tu", "type": "datetime"}
        ),
        name_attribute="ten",
        time_attribute="mo_tu",
    )
    for i in range(60):
        lon, lat, _back = GEOD.fwd(*BEN_THANH, 90, 100.0 * i)
        opened = datetime(2025, 1 + i % 12, 1, tzinfo=UTC)
        Feature.objects.create(
            layer=layer,
            geom=Point(lon, lat, srid=4326),
            name=f"Trạm sạc Bến Thành {i}",
            time=opened,
            attributes={
                "ten": f"Trạm sạc Bến Thành {i}",
                "so_giuong": i,
                "cong_suat": i * 1.5,
                "mo_cua": i % 2 == 0,
                "ghi_chu_noi_bo": f"khoá tủ {i}",
                "it's 100% odd": "yes" if i < 3 else "no",
                "mo_tu": opened.isoformat(),
            },
        )
    return layer


@pytest.fixture
def staff_layer() -> Layer:
    """A staff-only layer with one feature."""
    layer = Layer.objects.create(
        slug="duong-ong-nuoc", title="Đường ống nước", is_public=False, geometry_type="Point"
    )
    Feature.objects.create(layer=layer, geom=Point(*BEN_THANH, srid=4326), attributes={})
    return layer

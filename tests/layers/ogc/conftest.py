"""Fixtures of the OGC API tests: an imported points layer, a staff-only layer, a ward, a
facility, and a client with the staff permissions."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point
from django.test import Client

from layers.models import AdministrativeArea, Facility, FacilityCategory, Feature, Layer
from tests.layers.ogc.support import BEN_THANH, GEOD, POINTS, current_areas

# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def points_layer() -> Layer:
    """A public imported layer: 25 points due east of Bến Thành, 100 m apart, the first one
    exactly on it; one a month from January 2025; a staff-only attribute."""
    layer = Layer.objects.create(
        slug="tram-sac",
        title="Trạm sạc xe điện",
        description="Trạm sạc thử nghiệm",
        geometry_type="Point",
        attribute_schema=[
            {"name": "ten", "type": "string", "title": "Tên"},
            {"name": "so_cong", "type": "integer", "title": "Số cổng sạc"},
            {"name": "ghi_chu_noi_bo", "type": "string", "public": False},
        ],
        name_attribute="ten",
        time_attribute="mo_tu",
    )
    for i in range(POINTS):
        lon, lat, _back = GEOD.fwd(*BEN_THANH, 90, 100.0 * i)
        Feature.objects.create(
            layer=layer,
            geom=Point(lon, lat, srid=4326),
            name=f"Trạm sạc {i}",
            time=datetime(2025 + i // 12, 1 + i % 12, 1, tzinfo=UTC),
            attributes={"ten": f"Trạm sạc {i}", "so_cong": i % 4, "ghi_chu_noi_bo": f"khóa {i}"},
        )
    return layer


@pytest.fixture
def first_point(points_layer) -> Feature:
    """The feature exactly at lon 106.7009, lat 10.7769."""
    return points_layer.features.order_by("id").first()


@pytest.fixture
def staff_layer() -> Layer:
    """A staff-only imported layer with one feature."""
    layer = Layer.objects.create(
        slug="camera-noi-bo", title="Camera nội bộ", geometry_type="Point", is_public=False
    )
    Feature.objects.create(layer=layer, geom=Point(*BEN_THANH, srid=4326))
    return layer


@pytest.fixture
def ward() -> AdministrativeArea:
    """A ward of the current generation (the one with the lowest code)."""
    return current_areas().filter(level="ward").order_by("code").first()


@pytest.fixture
def facility() -> Facility:
    """A facility of a category of its own, with staff notes."""
    category = FacilityCategory.objects.create(
        code="thu-nghiem-ogc", name_vi="Thử nghiệm", name_en="Test", group="test"
    )
    return Facility.objects.create(
        category=category,
        name="Điểm thử nghiệm OGC",
        geom=Point(*BEN_THANH, srid=4326),
        staff_notes="Chìa khóa ở phòng bảo vệ",
    )


@pytest.fixture
def staff_client():
    """A client logged in as a user who may see staff-only layers and properties."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    user = User.objects.create_user("gis-staff", password="not-used-here")
    user.user_permissions.add(
        Permission.objects.get(codename="view_restricted_layer"),
        Permission.objects.get(codename="view_restricted_field"),
    )
    client.force_login(user)
    return client

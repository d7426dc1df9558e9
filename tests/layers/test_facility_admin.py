"""The facility admin: saving puts the facility in its ward explicitly (save() itself does not)."""

import pytest
from django.contrib.auth.models import User

from layers.models import AdministrativeArea, Facility, FacilityCategory

pytestmark = pytest.mark.django_db

# EWKT with its SRID: the map widget reads a geometry without one in web mercator.
SEA = "SRID=4326;POINT (107.6 9.6)"  # outside every ward


@pytest.fixture
def admin_client(client):
    """A client signed in as a superuser."""
    client.force_login(User.objects.create_superuser("gis-admin", password="x"))
    return client


def _form(name: str, geom: str) -> dict:
    return {
        "category": FacilityCategory.objects.get(code="cho").pk,
        "name": name,
        "address": "",
        "phone": "",
        "opening_hours": "",
        "attributes": "{}",
        "staff_notes": "",
        "geom": geom,
    }


def _ben_thanh() -> AdministrativeArea:
    return AdministrativeArea.objects.get(
        generation__slug="2025-07", level="ward", name="Phường Bến Thành"
    )


def test_a_facility_added_in_the_admin_gets_its_ward(admin_client):
    point = _ben_thanh().label_point
    geom = f"SRID=4326;POINT ({point.x} {point.y})"
    response = admin_client.post("/admin/layers/facility/add/", _form("Chợ thêm mới", geom))
    assert response.status_code == 302, response.content.decode()[:2000]
    facility = Facility.objects.get(name="Chợ thêm mới")
    assert facility.ward == _ben_thanh()


def test_a_facility_moved_in_the_admin_follows_its_new_place(admin_client):
    point = _ben_thanh().label_point
    geom = f"SRID=4326;POINT ({point.x} {point.y})"
    admin_client.post("/admin/layers/facility/add/", _form("Chợ dời đi", geom))
    facility = Facility.objects.get(name="Chợ dời đi")
    assert facility.ward == _ben_thanh()
    url = f"/admin/layers/facility/{facility.pk}/change/"
    response = admin_client.post(url, _form("Chợ dời đi", SEA))
    assert response.status_code == 302, response.content.decode()[:2000]
    facility.refresh_from_db()
    assert facility.ward is None

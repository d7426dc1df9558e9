"""The feature admin on big layers: newest first, no count of every feature once the list is
narrowed, and a search on the diacritic-free name (with or without diacritics) or the exact key."""

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point

from layers.models import Feature, Layer

pytestmark = pytest.mark.django_db

URL = "/admin/layers/feature/"


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("gis-admin", password="x"))
    return client


@pytest.fixture
def features() -> list[Feature]:
    layer = Layer.objects.create(slug="cho-dem", title="Chợ đêm", geometry_type="Point")
    names = [("Chợ Bến Thành", "BT-01"), ("Chợ Đêm Hồ Thị Kỷ", "HTK-02"), ("Chợ Bình Tây", "BT-03")]
    return [
        Feature.objects.create(
            layer=layer, geom=Point(106.70, 10.77, srid=4326), name=name, source_key=key
        )
        for name, key in names
    ]


def _listed(response) -> list[int]:
    assert response.status_code == 200, response.content.decode()[:2000]
    return [feature.pk for feature in response.context["cl"].result_list]


@pytest.mark.parametrize("term", ["Bến Thành", "ben thanh", "BẾN", "  ben   THANH  "])
def test_a_name_is_found_with_or_without_its_diacritics(admin_client, features, term):
    assert _listed(admin_client.get(URL, {"q": term})) == [features[0].pk]


def test_d_with_stroke_is_found_as_d(admin_client, features):
    assert _listed(admin_client.get(URL, {"q": "dem ho"})) == [features[1].pk]
    assert _listed(admin_client.get(URL, {"q": "Đêm Hồ"})) == [features[1].pk]


def test_a_key_is_found_whole_only(admin_client, features):
    assert _listed(admin_client.get(URL, {"q": "BT-03"})) == [features[2].pk]
    assert _listed(admin_client.get(URL, {"q": "BT-0"})) == []


def test_the_newest_features_come_first(admin_client, features):
    layer = features[0].layer_id
    listed = _listed(admin_client.get(URL, {"layer__id__exact": layer}))
    assert listed == sorted((f.pk for f in features), reverse=True)


def test_a_narrowed_list_does_not_count_every_feature(admin_client, features):
    response = admin_client.get(URL, {"q": "cho"})
    assert len(_listed(response)) == 3
    assert response.context["cl"].full_result_count is None
    assert response.context["cl"].result_count == 3

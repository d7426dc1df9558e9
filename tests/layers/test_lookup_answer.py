"""POST /api/v1/lookup/ writes its answer itself: the bytes DRF's JSONRenderer would write."""

from dataclasses import asdict
from datetime import date

import pytest
from rest_framework.renderers import JSONRenderer

from layers.lookup import resolve_points
from layers.lookup_answer import result_json

pytestmark = pytest.mark.django_db

URL = "/api/v1/lookup/"


def test_batch_answer_is_the_bytes_drf_would_render(client):
    points = [(106.7009, 10.7769), (106.6297, 10.8231), (105.8542, 21.0285), (106.7009, 10.7769)]
    day = date(2025, 7, 1)
    response = client.post(f"{URL}?date={day}", points, content_type="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    generation, results = resolve_points(points, day)
    expected = JSONRenderer().render(
        {
            "date": day.isoformat(),
            "generation": asdict(generation),
            "count": 4,
            "matched": 3,
            "results": [
                {"lon": lon, "lat": lat, **result_json(r)}
                for (lon, lat), r in zip(points, results, strict=True)
            ],
        }
    )
    assert response.content == expected
    assert "Phường".encode() in response.content  # UTF-8, not \\u escapes
    assert response.json()["results"][2] == {
        "lon": 105.8542,
        "lat": 21.0285,
        "area": None,
        "parents": [],
    }


def test_integer_coordinates_are_answered_as_numbers(client):
    response = client.post(URL, [[106, 11]], content_type="application/json")
    assert response.json()["results"][0]["lon"] == 106.0

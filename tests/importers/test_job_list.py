"""GET /api/v1/imports/: the job list pages like every REST list (core.pagination)."""

import pytest

from tests.importers.conftest import PLACES_CSV, URL, queued, upload

pytestmark = pytest.mark.django_db


def test_job_list_is_paged_newest_first_with_next_and_previous(client, staff):
    first = queued(upload(client, PLACES_CSV, layer="diem-mot"))
    second = queued(upload(client, PLACES_CSV, layer="diem-hai"))
    body = client.get(URL, {"page_size": 1}).json()
    assert body["count"] == 2
    assert [job["id"] for job in body["results"]] == [second["id"]]
    assert body["previous"] is None
    assert "page=2" in body["next"]
    older = client.get(body["next"]).json()
    assert [job["id"] for job in older["results"]] == [first["id"]]
    assert older["next"] is None
    assert older["previous"] is not None


def test_job_list_refuses_a_page_size_over_the_maximum(client, staff):
    response = client.get(URL, {"page_size": "1001"})
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "page_size"
    assert body["detail"] == "'page_size' must be a whole number from 1 to 1000, got '1001'."


def test_job_list_page_past_the_last_is_404_naming_page(client, staff):
    response = client.get(URL, {"page": "2"})
    assert response.status_code == 404
    assert response.json()["parameter"] == "page"

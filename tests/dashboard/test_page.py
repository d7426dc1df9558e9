"""The dashboard page's access rules (no browser): leaders and ward staff get the page,
anonymous visitors the sign-in form, everyone else a 403 pointing to the open data."""

import pytest

from dashboard.measures import MEASURES
from dashboard.pages import MEASURE_CHOICES
from tests.dashboard.conftest import user

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


def test_anonymous_visitors_are_sent_to_the_sign_in_form_and_back(client, city):
    response = client.get(URL, {"x": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/signin/?next=/dashboard/%3Fx%3D1"


def test_a_signed_in_resident_gets_403_pointing_to_the_open_data(client, people):
    client.force_login(people["resident"])
    response = client.get(URL)
    assert response.status_code == 403
    assert b'href="/api/v1/dashboard/public/"' in response.content


@pytest.mark.parametrize("who", ["permission", "leader"])
def test_leaders_get_the_page_with_both_generations(client, people, who):
    client.force_login(people[who])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="generation" value="thu-moi" checked' in html
    assert 'name="generation" value="thu-cu"' in html
    assert 'data-api-url="/api/v1/dashboard/"' in html


def test_ward_staff_get_the_page_without_the_former_wards(client, people):
    client.force_login(people["ward_staff"])
    html = client.get(URL).content.decode()
    assert '<input type="hidden" name="generation" value="thu-moi">' in html
    assert "thu-cu" not in html


def test_staff_of_a_city_role_see_the_page(client, city):
    client.force_login(user("can_bo_tp", "city_staff"))
    assert client.get(URL).status_code == 200


def test_the_page_offers_every_measure_of_the_api():
    assert {choice.name for choice in MEASURE_CHOICES} == set(MEASURES)


def test_the_page_is_vietnamese_by_default_and_english_on_request(client, vi_client, people):
    client.force_login(people["leader"])
    vi_client.force_login(people["leader"])
    vi = vi_client.get(URL).content.decode()
    en = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="vi">' in vi
    assert '<html lang="en">' in en and "<h1>Leaders' dashboard</h1>" in en


def test_the_page_runs_no_inline_script(client, people):
    client.force_login(people["leader"])
    html = client.get(URL).content.decode()
    assert "<script>" not in html and "<script src=" in html

"""The admin of the city's calendar: what belongs there is said on the page, and a day
entered there counts at once."""

from datetime import date

import pytest
from django.contrib.auth.models import User

from workdays.calendar import is_working_day
from workdays.models import CalendarDay

pytestmark = pytest.mark.django_db

ADMIN = "/admin/workdays/calendarday/"


@pytest.fixture
def admin_client(client):
    """A client signed in as a superuser."""
    client.force_login(User.objects.create_superuser("quan_tri_lich", password=None))
    return client


def test_the_list_says_what_to_enter(admin_client):
    page = admin_client.get(ADMIN, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "compensatory days off" in page.content.decode()


def test_a_swapped_working_saturday_entered_in_the_admin_counts(admin_client):
    saturday = date(2026, 10, 10)
    assert not is_working_day(saturday)
    added = admin_client.post(
        f"{ADMIN}add/",
        {"date": "2026-10-10", "kind": "working_day", "name_vi": "Làm bù", "note": ""},
    )
    assert added.status_code == 302, added.content
    assert CalendarDay.objects.get(date=saturday).kind == "working_day"
    assert is_working_day(saturday)

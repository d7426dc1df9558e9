"""Fixtures of the geoportal tests: a staff member, signed-in clients, a feedback item and an
Open311 key."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apikeys.keys import create_key
from feedback.intake import Submission, submit
from feedback.models import Role, StaffMembership
from feedback.workflow import actor_for
from tests.geoportal.bad_input import BEN_THANH


@pytest.fixture
def staff() -> User:
    """City staff: may list every feedback item (the list's filters are theirs)."""
    user = User.objects.create_user("thanh_pho")
    StaffMembership.objects.create(user=user, role=Role.CITY_STAFF)
    return user


@pytest.fixture
def staff_client(client, staff) -> Client:
    """A client signed in as ``staff``."""
    client.force_login(staff)
    return client


@pytest.fixture
def resident_client(client) -> Client:
    """A signed-in resident: submissions are not rate-limited as anonymous ones are."""
    client.force_login(User.objects.create_user("dan"))
    return client


@pytest.fixture
def item(staff):
    """A street-light report at Bến Thành."""
    return submit(
        Submission(
            category="den-duong",
            description="Đèn đường tắt",
            channel="app",
            lon=BEN_THANH[0],
            lat=BEN_THANH[1],
        ),
        actor_for(User.objects.create_user("nguoi_bao")),
    )


@pytest.fixture
def api_key() -> str:
    """The raw key of an aggregator allowed to post Open311 requests."""
    return create_key("aggregator", ["open311"])[1]

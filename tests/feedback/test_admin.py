"""The admin manages the catalogue and the roles; items there are read-only."""

import pytest

from feedback.models import FeedbackCategory

pytestmark = pytest.mark.django_db


def test_the_catalogue_and_roles_are_managed_in_the_admin(client, people, item):
    client.force_login(people["admin"])
    categories = client.get("/admin/feedback/feedbackcategory/")
    assert categories.status_code == 200
    assert "den-duong" in categories.content.decode()
    memberships = client.get("/admin/feedback/staffmembership/")
    assert "can_bo_a" in memberships.content.decode()
    light = FeedbackCategory.objects.get(code="den-duong")
    edit = client.get(f"/admin/feedback/feedbackcategory/{light.pk}/change/")
    assert edit.status_code == 200


def test_items_are_read_only_in_the_admin(client, people, item):
    client.force_login(people["admin"])
    listed = client.get("/admin/feedback/feedbackitem/")
    assert item.tracking_code in listed.content.decode()
    page = client.get(f"/admin/feedback/feedbackitem/{item.pk}/change/")
    assert page.status_code == 200  # viewable
    posted = client.post(f"/admin/feedback/feedbackitem/{item.pk}/change/", {"status": "closed"})
    assert posted.status_code == 403
    item.refresh_from_db()
    assert item.status == "received"
    assert client.get("/admin/feedback/feedbackitem/add/").status_code == 403

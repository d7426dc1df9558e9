"""Comments are public only once a moderator approves them, and never say who wrote them."""

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from ratings.models import CommentStatus, WardRating
from tests.ratings.conftest import MIDDLE, WEST, file_ratings
from tests.residents.helpers import service_headers

pytestmark = pytest.mark.django_db


def _comments_url(code: str) -> str:
    return f"/api/v1/ratings/wards/{code}/comments/"


def _moderator(name: str = "kiem-duyet", permitted: bool = True) -> User:
    user = User.objects.create_user(name)
    if permitted:
        user.user_permissions.add(Permission.objects.get(codename="moderate_wardrating"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def commented(world, periods) -> WardRating:
    (rating,) = file_ratings(world[WEST], periods["current"], [4], comment="Cán bộ tận tình")
    return rating


def test_a_pending_comment_is_not_public(client, commented):
    body = client.get(_comments_url(WEST)).json()
    assert body["count"] == 0 and body["results"] == []


def test_a_comment_sent_through_the_api_waits_for_moderation(client, world):
    client.post(
        "/api/v1/ratings/",
        {"ward": WEST, "overall": 5, "comment": "Tốt"},
        content_type="application/json",
        **service_headers("resident-9"),
    )
    assert WardRating.objects.get().comment_status == CommentStatus.PENDING
    assert client.get(_comments_url(WEST)).json()["count"] == 0


def test_an_approved_comment_is_public_without_identity(client, commented):
    client.force_login(_moderator())
    response = client.post(f"/api/v1/ratings/comments/{commented.pk}/approve")
    assert response.status_code == 200
    assert response.json() == {"id": commented.pk, "comment_status": "approved"}
    client.logout()
    body = client.get(_comments_url(WEST)).json()
    commented.refresh_from_db()
    day = timezone.localdate(commented.updated_at).isoformat()
    assert body["results"] == [{"comment": "Cán bộ tận tình", "date": day}]
    assert commented.resident_key not in str(body)


def test_a_hidden_comment_leaves_the_public_list(client, commented):
    WardRating.objects.update(comment_status=CommentStatus.APPROVED)
    client.force_login(_moderator())
    assert client.post(f"/api/v1/ratings/comments/{commented.pk}/hide").status_code == 200
    assert client.get(_comments_url(WEST)).json()["count"] == 0


def test_comments_of_another_ward_or_period_are_not_listed(client, world, periods, commented):
    WardRating.objects.update(comment_status=CommentStatus.APPROVED)
    assert client.get(_comments_url(MIDDLE)).json()["count"] == 0
    past = client.get(_comments_url(WEST), {"period": periods["past"].label}).json()
    assert past["count"] == 0


def test_comments_of_an_unknown_ward_are_a_404(client, world, periods):
    response = client.get(_comments_url("99999"))
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"There is no ward '99999' in the boundaries of period "
        f"{periods['current'].label}.",
        "code": "not_found",
    }


def test_moderating_without_signing_in_is_a_401(client, commented):
    response = client.post(f"/api/v1/ratings/comments/{commented.pk}/approve")
    assert response.status_code == 401
    commented.refresh_from_db()
    assert commented.comment_status == CommentStatus.PENDING


def test_moderating_without_the_permission_is_a_403(client, commented):
    client.force_login(_moderator("nhan-vien", permitted=False))
    response = client.post(f"/api/v1/ratings/comments/{commented.pk}/approve")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only moderators of ward ratings may approve or hide comments.",
        "code": "forbidden",
    }


def test_moderating_an_unknown_rating_is_a_404(client, world):
    client.force_login(_moderator())
    response = client.post("/api/v1/ratings/comments/999999/hide")
    assert response.status_code == 404
    assert response.json() == {"detail": "No ward rating 999999.", "code": "not_found"}


def test_a_rating_without_a_comment_has_nothing_to_moderate(client, world, periods):
    (rating,) = file_ratings(world[WEST], periods["current"], [3])
    client.force_login(_moderator())
    response = client.post(f"/api/v1/ratings/comments/{rating.pk}/approve")
    assert response.status_code == 409
    assert response.json()["detail"] == f"Rating {rating.pk} has no comment to moderate."


def test_the_admin_actions_approve_and_hide(client, commented):
    admin = User.objects.create_superuser("quan-tri", password=None)
    client.force_login(admin)
    url = "/admin/ratings/wardrating/"
    response = client.post(url, {"action": "approve_comments", "_selected_action": [commented.pk]})
    assert response.status_code == 302
    commented.refresh_from_db()
    assert commented.comment_status == CommentStatus.APPROVED
    client.post(url, {"action": "hide_comments", "_selected_action": [commented.pk]})
    commented.refresh_from_db()
    assert commented.comment_status == CommentStatus.HIDDEN


def test_the_admin_never_shows_the_residents_key(client, commented):
    client.force_login(User.objects.create_superuser("quan-tri", password=None))
    list_page = client.get("/admin/ratings/wardrating/").content.decode()
    detail = client.get(f"/admin/ratings/wardrating/{commented.pk}/change/").content.decode()
    assert "Cán bộ tận tình" in list_page
    assert commented.resident_key not in list_page + detail

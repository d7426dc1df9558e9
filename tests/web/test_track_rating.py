"""The tracking page in Chromium: a resolved report's status, ward, deadline and timeline of
public steps; its reporter, signed in, rates the resolution (keyboard only, on a phone too)
and a dispute without its reason shows the API's 400 next to the reason; someone else is
told who may rate and is offered no form."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from feedback.intake import Submission, submit
from feedback.models import FeedbackItem, Role, StaffMembership
from feedback.workflow import Actor, transition
from layers.models import AdministrativeArea
from tests.committed_reports import remove_items
from tests.web.helpers import assert_accessible, save_screenshots, sign_in

pytestmark = pytest.mark.browser

RESIDENT = "cu_dan_theo_doi"
PASSWORD = "mat-khau-cu-dan-2026"
STAFF = "thanh_pho_theo_doi"


@pytest.fixture(scope="module")
def resolved(read_db) -> dict:
    """A report by a resident with an account, accepted, in progress and resolved by city
    staff (committed; deleted with its people afterwards)."""

    def create() -> dict:
        resident = User.objects.create_user(RESIDENT, password=PASSWORD)
        staff = User.objects.create_user(STAFF)
        StaffMembership.objects.create(user=staff, role=Role.CITY_STAFF)
        ward = AdministrativeArea.objects.get(
            generation__valid_to__isnull=True, level="ward", name="Phường Bến Thành"
        )
        item = submit(
            Submission(
                category="den-duong",
                description="Đèn đường tắt cả tuần (thử trang theo dõi)",
                channel="web",
                lon=ward.label_point.x,
                lat=ward.label_point.y,
            ),
            Actor(resident, Role.RESIDENT),
        )
        city = Actor(staff, Role.CITY_STAFF)
        transition(city, item.tracking_code, "accepted", "Đã giao đội chiếu sáng")
        transition(city, item.tracking_code, "in_progress", "Đang thay bóng")
        transition(city, item.tracking_code, "resolved", "Đã thay bóng đèn mới")
        return {"code": item.tracking_code, "pk": item.pk, "ward": ward.name}

    made = read_db(create)
    yield made

    def remove() -> None:
        remove_items(FeedbackItem.objects.filter(pk=made["pk"]))
        User.objects.filter(username__in=[RESIDENT, STAFF]).delete()

    read_db(remove)


def rating_of(read_db, pk: int) -> tuple:
    """(rating, comment, status) of the item as stored."""
    return read_db(
        lambda: FeedbackItem.objects.values_list("rating", "rating_comment", "status").get(pk=pk)
    )


def test_anyone_sees_the_timeline_and_who_may_rate(page, server_url, resolved, browser_errors):
    page.goto(f"{server_url}/track/{resolved['code']}/")
    expect(page.locator("h1")).to_contain_text(resolved["code"])
    expect(page.locator(".item-status")).to_have_text("Đã giải quyết")
    expect(page.locator(".report dl")).to_contain_text(resolved["ward"])
    expect(page.locator(".timeline li")).to_have_count(4)  # received → … → resolved
    expect(page.locator(".timeline")).to_contain_text("Đã thay bóng đèn mới")
    expect(page.locator("#rate-form")).to_have_count(0)
    expect(page.locator(".reporter a[href^='/signin/']")).to_be_visible()
    expect(page.locator("nav a[aria-current=page]")).to_have_attribute("href", "/track/")
    assert_accessible(page, "track: anonymous")
    assert browser_errors == []


def test_the_reporter_rates_the_resolution_by_keyboard_on_a_phone(
    page, server_url, resolved, read_db, browser_errors
):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, server_url, RESIDENT, PASSWORD, f"/track/{resolved['code']}/")
    expect(page.locator("#rate-form")).to_be_visible()
    assert_accessible(page, "track: the reporter's forms")
    save_screenshots(page, "track", full_page=True)

    # A dispute without its reason: the API's 400, next to the reason; nothing is lost.
    page.locator("#verdict-disputed").focus()
    page.keyboard.press("Space")
    page.locator("#verify-form button[type=submit]").focus()
    with page.expect_response(lambda r: r.url.endswith("/verification/")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 400
    detail = answer.value.json()["detail"]
    expect(page.locator("#verify-reason-error")).to_have_text(detail)
    expect(page.locator("#verify-reason")).to_be_focused()
    expect(page.locator("#verdict-disputed")).to_be_checked()
    assert_accessible(page, "track: a dispute without its reason")

    # The rating, with the keyboard only: arrow keys within the radio group, Tab onwards.
    page.locator("#rating-1").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#rating-4")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#rate-comment")).to_be_focused()
    page.keyboard.type("Sáng rồi, cảm ơn")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".report .ok[role=status]")).to_be_visible()
    expect(page.locator("#track-rating")).to_have_text("4")
    expect(page.locator("#rate-form")).to_have_count(0)  # rated once
    assert rating_of(read_db, resolved["pk"]) == (4, "Sáng rồi, cảm ơn", "resolved")
    assert_accessible(page, "track: rated")
    expected = ("/verification/", "status of 400")  # the dispute's 400 (and its console line)
    errors = [e for e in browser_errors if not any(part in e for part in expected)]
    assert errors == []

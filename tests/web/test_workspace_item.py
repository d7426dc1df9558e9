"""An item's page in the workspace (/workspace/items/<code>/) in Chromium: a ward officer
moves a report through the workflow (accept, work on it, resolve with a note) and the API
then holds each status and step; another ward's item does not exist for them; a refused
step shows the API's message; duplicates nearby offer a merge; one step by keyboard only."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from feedback.models import FeedbackEvent, FeedbackItem
from feedback.workflow import actor_for, transition
from tests.web import workspace_setup
from tests.web.helpers import assert_accessible, save_screenshots, sign_in
from tests.web.workspace_setup import errors_but, real_errors

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def data(read_db):
    """Wards, people and items (tests/web/workspace_setup.py), removed afterwards."""
    made = read_db(lambda: workspace_setup.create("muc_viec"))
    yield made
    read_db(lambda: workspace_setup.remove(made))


def _open(page, server_url, data, key: str) -> None:
    code = data["items"][key]
    sign_in(
        page,
        server_url,
        data["users"]["officer"],
        workspace_setup.PASSWORD,
        f"/workspace/items/{code}/",
    )


def _step(page, to: str, note: str = "") -> None:
    page.locator(f"#action-buttons button[data-to={to}]").click()
    if note:
        page.locator("#a-note").fill(note)
    page.locator("#action-submit").click()


def _state(read_db, code: str) -> tuple[str, list[tuple[str, str]]]:
    def read():
        item = FeedbackItem.objects.get(tracking_code=code)
        steps = FeedbackEvent.objects.filter(item=item).order_by("at", "id")
        return item.status, [(e.to_status, e.note) for e in steps]

    return read_db(read)


def test_a_ward_officer_moves_an_item_through_the_workflow(
    en_page, server_url, data, read_db, browser_errors
):
    page = en_page
    code = data["items"]["light"]
    _open(page, server_url, data, "light")
    expect(page.locator("#item-status")).to_contain_text(code)
    expect(page.locator("#c-phone")).to_have_text(workspace_setup.REPORTER_PHONE)
    expect(page.locator("#f-status")).to_have_text("Received")
    assert_accessible(page, "workspace item")
    save_screenshots(page, "workspace-item")

    _step(page, "accepted")
    expect(page.locator("#f-status")).to_have_text("Accepted")
    assert _state(read_db, code)[0] == "accepted"

    _step(page, "in_progress")
    expect(page.locator("#f-status")).to_have_text("In progress")
    _step(page, "resolved", note="Đã thay bóng đèn mới")
    expect(page.locator("#f-status")).to_have_text("Resolved")
    expect(page.locator("#timeline")).to_contain_text("Đã thay bóng đèn mới")
    expect(page.locator("#item-status")).to_contain_text("Resolved")
    status, steps = _state(read_db, code)
    assert status == "resolved"
    assert [to for to, _ in steps] == ["received", "accepted", "in_progress", "resolved"]
    assert steps[-1][1] == "Đã thay bóng đèn mới"
    # Ward staff may not close or reopen a resolved item: no step is offered.
    expect(page.locator("#action-buttons button")).to_have_count(0)
    expect(page.locator("#no-actions")).to_be_visible()
    assert real_errors(browser_errors) == []


def test_another_wards_item_does_not_exist_for_the_officer(
    en_page, server_url, data, browser_errors
):
    page = en_page
    code = data["items"]["elsewhere"]
    _open(page, server_url, data, "elsewhere")
    alert = page.locator("#item-error")
    expect(alert).to_contain_text(f"No feedback item {code}.")
    expect(page.locator("#item")).to_be_hidden()
    assert_accessible(page, "workspace item of another ward")
    assert errors_but(browser_errors, 404) == []


def test_a_refused_step_shows_the_apis_message(en_page, server_url, data, read_db):
    page = en_page
    code = data["items"]["pavement"]
    _open(page, server_url, data, "pavement")
    _step(page, "accepted")
    expect(page.locator("#f-status")).to_have_text("Accepted")
    # Asking the resident for more without saying what: the workflow refuses it.
    _step(page, "awaiting_info")
    expect(page.locator("#action-error")).to_contain_text(
        "Asking the resident for more needs a note saying what is needed."
    )
    assert _state(read_db, code)[0] == "accepted"
    # Meanwhile someone else takes it in hand: the stale step is refused with the reason.
    page.locator("#action-cancel").click()

    def elsewhere():
        officer = User.objects.get(username=data["users"]["officer"])
        transition(actor_for(officer), code, "in_progress")

    read_db(elsewhere)
    _step(page, "in_progress")
    expect(page.locator("#action-error")).to_contain_text(
        "An item that is In progress cannot become In progress."
    )


def test_a_duplicate_nearby_is_offered_and_merged(en_page, server_url, data, read_db):
    page = en_page
    code, target = data["items"]["light_again"], data["items"]["light_twin"]
    _open(page, server_url, data, "light_again")
    dupe = page.locator("#dupes li", has=page.get_by_role("link", name=target))
    expect(dupe).to_be_visible()
    dupe.get_by_role("button", name=f"Merge {code} into {target}").click()
    expect(page.locator("#a-merge")).to_have_value(target)
    page.locator("#action-submit").click()
    expect(page.locator("#f-status")).to_have_text("Merged")
    merged = read_db(
        lambda: FeedbackItem.objects.select_related("merged_into").get(tracking_code=code)
    )
    assert (merged.status, merged.merged_into.tracking_code) == ("merged", target)


def _tab_to(page, test: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(test):
            return
    raise AssertionError(f"the keyboard never reached {test}")


def test_a_step_is_taken_with_the_keyboard_only(page, server_url, data, read_db, browser_errors):
    code = data["items"]["pavement"]
    _open(page, server_url, data, "pavement")
    expect(page.locator("#action-buttons button[data-to=awaiting_info]")).to_be_visible()
    _tab_to(page, "document.activeElement.dataset.to === 'awaiting_info'")
    page.keyboard.press("Enter")
    expect(page.locator("#action-form")).to_be_visible()
    _tab_to(page, "document.activeElement.id === 'a-note'")
    page.keyboard.type("Xin gửi ảnh chụp vị trí")
    _tab_to(page, "document.activeElement.id === 'action-submit'")
    page.keyboard.press("Enter")
    expect(page.locator("#action-form")).to_be_hidden()
    expect(page.locator("#timeline")).to_contain_text("Xin gửi ảnh chụp vị trí")
    status, steps = _state(read_db, code)
    assert status == "awaiting_info"
    assert steps[-1] == ("awaiting_info", "Xin gửi ảnh chụp vị trí")
    assert_accessible(page, "workspace item after a keyboard step")
    assert real_errors(browser_errors) == []

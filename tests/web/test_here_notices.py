"""Notices in the Here tab, in Chromium: a notice in force in a ward is shown at a point of it
(category, severity in words, window, text in the page's language), with the ward's Atom
feed linked; no token is needed; a point elsewhere shows none."""

import pytest
import requests
from playwright.sync_api import expect

from feedback.workflow import actor_for
from layers.target_areas import target_area
from notices import services
from notices.models import Notice
from notices.params import NoticeInput
from tests.web.helpers import assert_accessible
from tests.web.here_places import (
    choose_place,
    make_city_staff,
    message_pattern,
    open_map,
    remove_city_staff,
    save_section_screenshots,
    two_wards,
    window,
)

pytestmark = pytest.mark.browser
TITLE = "Cắt nước để sửa đường ống"


@pytest.fixture(scope="module")
def places(read_db):
    """Two neighbouring current wards with a point inside each."""
    return read_db(two_wards)


@pytest.fixture
def notice(read_db, places):
    """A danger notice in force in the first ward (deleted afterwards)."""

    def make() -> Notice:
        actor = actor_for(make_city_staff())
        starts, ends = window(hours_before=2, days_after=1)
        data = NoticeInput(
            category="water_cut",
            severity="danger",
            title_vi=TITLE,
            title_en="Water cut to mend a main",
            body_vi="Nước bị cắt từ 8 giờ đến 17 giờ.",
            body_en="No water from 8:00 to 17:00.",
            area=target_area({"kind": "wards", "wards": [places[0].code]}),
            starts_at=starts,
            ends_at=ends,
        )
        return services.publish(actor, services.create_notice(actor, data).pk)

    made = read_db(make)
    yield made
    read_db(lambda: (Notice.objects.filter(pk=made.pk).delete(), remove_city_staff()))


def test_a_notice_in_force_is_shown_with_its_severity_in_words_and_the_ward_feed(
    webgl_page, server_url, places, notice, browser_errors
):
    page = webgl_page
    open_map(page, server_url)  # no resident token: notices are for everyone
    choose_place(page, places[0])
    item = page.locator(f"li[data-notice='{notice.pk}']")
    expect(item.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(item).to_contain_text("Cắt nước")  # the category
    expect(item).to_contain_text("Nguy hiểm")  # the severity, in words
    expect(item).to_contain_text("Nước bị cắt từ 8 giờ đến 17 giờ.")
    expect(item.locator(".here-hint")).to_have_text(message_pattern(page, "notice-window"))
    feed = page.locator("#here-feed")
    href = feed.get_attribute("href")
    assert href == f"/api/v1/notices/wards/{places[0].code}/feed.atom"
    atom = requests.get(f"{server_url}{href}", timeout=10)
    assert atom.status_code == 200 and TITLE in atom.text
    assert_accessible(page, "here: notices")
    save_section_screenshots(page, "here-notices", "#here-notices")

    choose_place(page, places[1])
    expect(page.locator("#here-notices-status")).to_have_text(message_pattern(page, "no-notices"))
    expect(page.locator("li[data-notice]")).to_have_count(0)
    assert browser_errors == []


def test_notices_are_in_english_on_an_english_page(
    webgl_page, server_url, places, notice, browser_errors
):
    page = webgl_page
    # As the language switch leaves it (Vietnamese stays the default for a new visitor).
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": server_url}])
    open_map(page, server_url)
    assert page.locator("html").get_attribute("lang") == "en"
    choose_place(page, places[0])
    item = page.locator(f"li[data-notice='{notice.pk}']")
    expect(item.get_by_role("heading", name="Water cut to mend a main")).to_be_visible()
    expect(item).to_contain_text("Danger")
    expect(item).to_contain_text("No water from 8:00 to 17:00.")
    assert browser_errors == []

"""Residents' reports on the public map, in a real Chromium: drawn where the public may see
them (the coarsened point), with public fields only, and updated as the map moves."""

import pytest
from playwright.sync_api import expect

from feedback.intake import Submission, submit
from feedback.models import FeedbackItem
from feedback.workflow import Actor
from layers.models import AdministrativeArea

pytestmark = pytest.mark.browser

SECRET_NAME = "Đỗ Thị Kín Đáo"
SECRET_PHONE = "0977000111"


@pytest.fixture(scope="module")
def report(read_db):
    """A committed blocked-pavement report (public precision 50 m) in Phường Bến Thành."""

    def create():
        ward = AdministrativeArea.objects.get(
            generation__valid_to__isnull=True, level="ward", name="Phường Bến Thành"
        )
        item = submit(
            Submission(
                category="lan-chiem-via-he",
                description="Quán lấn chiếm <b>vỉa hè</b>",
                channel="web",
                lon=ward.label_point.x + 0.0002,
                lat=ward.label_point.y + 0.0001,
                reporter_name=SECRET_NAME,
                reporter_phone=SECRET_PHONE,
            ),
            Actor(None, "resident"),
        )
        return item.pk, item.tracking_code, item.public_geom.x, item.public_geom.y

    pk, code, lon, lat = read_db(create)
    yield {"code": code, "lon": lon, "lat": lat}
    read_db(lambda: FeedbackItem.objects.filter(pk=pk).delete())


def test_reports_are_drawn_and_their_popup_shows_public_fields(en_page, server_url, report):
    page = en_page
    page.goto(f"{server_url}/")
    page.wait_for_selector("#map[data-state=ready][data-feedback-state=ready]")
    assert int(page.locator("#map").get_attribute("data-feedback-count")) >= 1
    with page.expect_response(lambda r: "/layers/feedback/features/" in r.url):
        page.evaluate(
            "([lat, lon]) => map.setView([lat, lon], 18, { animate: false })",
            [report["lat"], report["lon"]],
        )
    page.wait_for_selector("#map[data-feedback-state=ready]")
    x, y = page.evaluate(
        "([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [report["lat"], report["lon"]],
    )
    page.locator("#map").click(position={"x": x, "y": y})
    popup = page.locator(".leaflet-popup-content .report")
    expect(popup).to_contain_text(report["code"])
    expect(popup).to_contain_text("±50 m")
    expect(popup.locator(".report-description")).to_have_text("Quán lấn chiếm <b>vỉa hè</b>")
    assert popup.locator("b").count() == 0  # residents' words are text, never markup
    html = page.content()
    assert SECRET_NAME not in html and SECRET_PHONE not in html


def test_the_reports_can_be_hidden(page, server_url, report):
    page.goto(f"{server_url}/")
    page.wait_for_selector("#map[data-state=ready][data-feedback-state=ready]")
    assert page.locator("#map path.feedback-point").count() >= 1
    page.locator("#feedback-toggle").uncheck()
    expect(page.locator("#map path.feedback-point")).to_have_count(0)
    page.locator("#feedback-toggle").check()
    expect(page.locator("#map path.feedback-point").first).to_be_visible()

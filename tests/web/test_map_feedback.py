"""Residents' reports on the public map (MapLibre, WebGL): drawn from the tiles at the
public, coarsened point; a click shows their public fields only, residents' words as text."""

import pytest
from playwright.sync_api import expect

from feedback.intake import Submission, submit
from feedback.models import FeedbackItem
from feedback.workflow import Actor
from layers.models import AdministrativeArea
from tests.committed_reports import remove_items
from tests.web.helpers import assert_accessible
from tests.web.map_helpers import open_map

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
    read_db(lambda: remove_items(FeedbackItem.objects.filter(pk=pk)))


def test_a_click_on_a_report_shows_its_public_fields_only(
    webgl_page, server_url, report, browser_errors
):
    page = webgl_page
    open_map(page, server_url, "layers=feedback", f"18/{report['lat']}/{report['lon']}")
    page.locator("#map canvas").click()  # the centre: the report's public point
    details = page.get_by_role("dialog")
    expect(details).to_contain_text(report["code"])
    expect(details).to_contain_text("Quán lấn chiếm <b>vỉa hè</b>")
    assert details.locator("b").count() == 0  # residents' words are text, never markup
    expect(page.locator("#feature-details-track")).to_have_attribute(
        "href", f"/track/{report['code']}/"
    )
    html = page.content()
    assert SECRET_NAME not in html and SECRET_PHONE not in html
    assert_accessible(page, "report details")
    assert browser_errors == []


def test_hiding_the_reports_takes_them_off_the_map(webgl_page, server_url, report):
    page = webgl_page
    open_map(page, server_url, "layers=feedback,areas", f"18/{report['lat']}/{report['lon']}")
    page.locator("#layer-feedback").uncheck()
    assert "feedback" not in page.url.split("layers=")[1].split("#")[0].split("&")[0]
    assert (
        page.evaluate("window.commonMap.map.getLayoutProperty('feedback-points', 'visibility')")
        == "none"
    )
    page.locator("#map canvas").click()
    expect(page.get_by_role("dialog")).not_to_contain_text(report["code"])


def test_refresh_layer_fetches_the_tiles_again(webgl_page, server_url, report, browser_errors):
    page = webgl_page
    open_map(page, server_url, "layers=feedback", f"16/{report['lat']}/{report['lon']}")
    with page.expect_response(lambda r: ".mvt?v=1" in r.url) as again:
        page.evaluate("() => { window.commonMap.refreshLayer('feedback'); }")
    assert again.value.status in (200, 204)
    assert browser_errors == []

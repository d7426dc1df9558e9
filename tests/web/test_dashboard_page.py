"""The leaders' dashboard page in a real Chromium: the choropleth, the ranked table with the
"not enough data" wards apart, the measure switch, the 12-month trend; ward staff see their
own wards; anonymous visitors are sent to the sign-in form. Every request stays on the test
server and succeeds; nothing goes to the console. A screenshot is kept in run/artefacts/.

The data: four of today's wards (the demo's first codes) with feedback created here, in
May 2024 (local time), a month no other test writes to; each item resolved 24 h (on time)
or 120 h (late, deadline 48 h) after creation. Run it with a django_db test (e.g.
``tests/dashboard/test_page.py``), so that pytest-django creates the test database:

    ward  received  on time  late  on-time %                       March 2024
    W1        12        9      3     75.0                          10 items, 5 on time
    W2        10       10      0    100.0
    W3        11        4      7     36.4
    W4         3        3      0    not enough (3 < the minimum sample, 10)
"""

import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import connection
from PIL import Image
from playwright.sync_api import Page, expect

from feedback.models import FeedbackCategory, FeedbackItem, Role, StaffMembership
from layers.models import AdministrativeArea
from tests.committed_reports import remove_items
from tests.web.helpers import assert_accessible, save_screenshots

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "run" / "artefacts" / "dashboard.png"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "mat-khau-thu-9"
PLAN = {  # ward index: (month, on time, late)
    0: [(5, 9, 3), (3, 5, 5)],
    1: [(5, 10, 0)],
    2: [(5, 4, 7)],
    3: [(5, 3, 0)],
}
LOAD_TIMEOUT_MS = 30_000


def _items(category, ward, month: int, on_time: int, late: int, prefix: str) -> list:
    created = datetime(2024, month, 10, 9, tzinfo=LOCAL)
    made = []
    for n in range(on_time + late):
        hours = 24 if n < on_time else 120
        made.append(
            FeedbackItem(
                tracking_code=f"{prefix}-{ward.code}-{month}-{n}",
                category=category,
                description="thử bảng điều hành",
                channel="app",
                geom=ward.label_point,
                ward=ward,
                status="resolved",
                deadline_at=created + timedelta(hours=48),
                resolved_at=created + timedelta(hours=hours),
            )
        )
    return made


@pytest.fixture(scope="module")
def wards(read_db):
    """The four wards (codes, names), their feedback, a leader and staff of W1; removed after."""

    # pytest-django creates the test database only when a collected test is marked
    # django_db (run this module with tests/dashboard/test_page.py); never the development one.
    name = read_db(lambda: connection.settings_dict["NAME"])
    assert name.startswith("test_"), f"not a test database: {name} (run with a db test)"

    def create():
        found = list(
            AdministrativeArea.objects.filter(
                generation__valid_to__isnull=True, level="ward"
            ).order_by("code")[:4]
        )
        category = FeedbackCategory.objects.create(
            code="thu-bang-dieu-hanh", name_vi="Thử", name_en="Test", deadline_amount=48
        )
        made = []
        for index, plans in PLAN.items():
            for month, on_time, late in plans:
                made += _items(category, found[index], month, on_time, late, "BD")
        FeedbackItem.objects.bulk_create(made)
        for month in (3, 5):
            FeedbackItem.objects.filter(
                tracking_code__startswith="BD-", tracking_code__contains=f"-{month}-"
            ).update(created_at=datetime(2024, month, 10, 9, tzinfo=LOCAL))
        leader = User.objects.create_user("lanh_dao_web", password=PASSWORD, is_staff=True)
        StaffMembership.objects.create(user=leader, role=Role.LEADER)
        staff = User.objects.create_user("can_bo_web", password=PASSWORD, is_staff=True)
        StaffMembership.objects.create(user=staff, role=Role.WARD_STAFF, ward_code=found[0].code)
        return [(w.code, w.name) for w in found]

    def remove():
        remove_items(FeedbackItem.objects.filter(tracking_code__startswith="BD-"))
        FeedbackCategory.objects.filter(code="thu-bang-dieu-hanh").delete()
        User.objects.filter(username__in=["lanh_dao_web", "can_bo_web"]).delete()

    codes = read_db(create)
    yield codes
    read_db(remove)


def sign_in(page: Page, server_url: str, username: str) -> None:
    """Through the staff sign-in page, as the anonymous redirect leads."""
    page.goto(f"{server_url}/dashboard/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]", has_text="Đăng nhập").click()
    page.wait_for_url("**/dashboard/")


def open_month(page: Page, month: str = "2024-05") -> None:
    """Choose the month and wait for the map, the table and the trend."""
    page.wait_for_selector("body[data-state=ready]", timeout=LOAD_TIMEOUT_MS)
    page.locator("#period-month").fill(month)  # fires input and change
    page.wait_for_selector(f"#ranking-caption:has-text('{month}')", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector("body[data-state=ready]", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector("#map[data-state=ready]", timeout=LOAD_TIMEOUT_MS)


def codes_of(page: Page, body: str) -> list[str]:
    """The ward codes of the rows of one part of the table, in order."""
    return page.locator(f"#{body} tr[data-code]").evaluate_all(
        "rows => rows.map(r => r.dataset.code)"
    )


def watch_requests(page: Page) -> list[str]:
    """Every URL the page asks for."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def test_a_leader_sees_the_choropleth_ranking_and_trend(page, server_url, wards, browser_errors):
    urls = watch_requests(page)
    w1, w2, w3, w4 = (code for code, _name in wards)
    sign_in(page, server_url, "lanh_dao_web")
    open_month(page)

    # The ranking by on-time share, the not-enough ward apart and unranked.
    assert page.locator("#ranking").get_attribute("data-measure") == "on_time_pct"
    assert codes_of(page, "ranked") == [w2, w1, w3]
    assert w4 in codes_of(page, "not-enough")
    expect(page.locator(f"#ranked tr[data-code='{w1}'] td.num")).to_have_text("75")
    expect(page.locator("#not-enough th[scope=rowgroup]")).to_be_visible()

    # The choropleth is drawn: the map's pixels are not all one colour.
    drawn = Image.open(io.BytesIO(page.locator("#map canvas").screenshot())).convert("RGB")
    assert len(drawn.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 3
    expect(page.locator("#legend li")).not_to_have_count(0)

    # Another measure: every ward is ranked by its count, none apart.
    page.locator("#measure").select_option("received")
    expect(page.locator("#ranking")).to_have_attribute("data-measure", "received")
    assert codes_of(page, "ranked")[:4] == [w1, w3, w2, w4]
    assert codes_of(page, "not-enough") == []

    # The trend of W1: one point per month of the 12 (counts, zeros included).
    page.locator("#trend-ward").select_option(w1)
    page.wait_for_selector("#trend[data-state=ready]", timeout=LOAD_TIMEOUT_MS)
    expect(page.locator("#trend circle.point")).to_have_count(12)
    assert page.locator("#trend circle[data-month='2024-03']").count() == 1
    page.locator("#measure").select_option("on_time_pct")
    expect(page.locator("#trend circle")).to_have_count(2)  # March and May only

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    nav = page.get_by_role("navigation", name="Chính")
    expect(nav.get_by_role("link", name="Bảng điều hành")).to_have_attribute("aria-current", "page")
    assert_accessible(page, "dashboard")
    save_screenshots(page, "dashboard")
    assert browser_errors == []
    assert urls and all(url.startswith(f"{server_url}/") for url in urls), urls


def test_ward_staff_see_only_their_ward(page, server_url, wards, browser_errors):
    w1 = wards[0][0]
    sign_in(page, server_url, "can_bo_web")
    open_month(page)
    assert codes_of(page, "ranked") == [w1]
    assert page.locator("input[type=radio][name=generation]").count() == 0
    assert browser_errors == []


def test_the_page_works_at_360_px_with_the_keyboard(page, server_url, wards, browser_errors):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, server_url, "lanh_dao_web")
    open_month(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("#measure").focus()
    page.keyboard.press("ArrowDown")  # the second measure: received
    expect(page.locator("#ranking")).to_have_attribute("data-measure", "received")
    for control in ("#measure", "#period-kind", "#period-month", "#trend-ward"):
        assert page.locator(control).evaluate("e => e.labels.length") == 1
    assert_accessible(page, "dashboard at 360 px")
    assert browser_errors == []


def test_anonymous_visitors_are_sent_to_sign_in(page, server_url):
    page.goto(f"{server_url}/dashboard/")
    assert page.url == f"{server_url}/signin/?next=/dashboard/"
    expect(page.locator("#id_username")).to_be_visible()


def test_staff_without_a_dashboard_role_get_the_403_page_in_the_frame(
    page, server_url, wards, read_db, browser_errors
):
    read_db(lambda: User.objects.create_user("khong_vai_tro_web", password=PASSWORD))
    try:
        sign_in(page, server_url, "khong_vai_tro_web")
    finally:
        read_db(lambda: User.objects.filter(username="khong_vai_tro_web").delete())
    expect(page.locator("h1")).to_have_text("Bảng điều hành của lãnh đạo")
    expect(page.get_by_role("link", name="Dữ liệu mở", exact=False)).to_be_visible()
    assert_accessible(page, "dashboard 403")
    # The 403 itself (as a response, and as Chromium's console line about it), nothing else.
    assert f"403: {server_url}/dashboard/" in browser_errors
    assert [error for error in browser_errors if "403" not in error] == []

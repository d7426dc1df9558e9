"""The site's frame in Chromium: staff sign in and out on the site's own page, the language
switch, the navigation, and no serious accessibility violation on the sign-in page."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.web.helpers import assert_accessible, save_screenshots, sign_in

pytestmark = pytest.mark.browser
PASSWORD = "khung-trang-mat-khau-1"
USERNAME = "can_bo_khung"
RESIDENT = "cu_dan_khung"


@pytest.fixture(scope="module")
def staff(read_db):
    """A staff account (the admin's flag, no workflow role) and a resident's account (a
    reporter who signs in to rate a resolution), removed afterwards."""
    User = get_user_model()
    read_db(lambda: User.objects.create_user(USERNAME, password=PASSWORD, is_staff=True))
    read_db(lambda: User.objects.create_user(RESIDENT, password=PASSWORD))
    yield USERNAME
    read_db(lambda: User.objects.filter(username__in=[USERNAME, RESIDENT]).delete())


def test_the_sign_in_page_is_accessible_and_in_vietnamese(page, server_url, browser_errors):
    page.goto(f"{server_url}/signin/")
    expect(page.locator("h1")).to_have_text("Cán bộ đăng nhập")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert_accessible(page, "sign-in")
    save_screenshots(page, "signin")
    assert browser_errors == []


def test_a_wrong_password_is_refused_with_a_message(page, server_url, staff):
    page.goto(f"{server_url}/signin/")
    page.locator("#id_username").fill(staff)
    page.locator("#id_password").fill("not-the-password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("không đúng")
    expect(page).to_have_url(f"{server_url}/signin/")


def test_staff_sign_in_land_in_the_workspace_and_sign_out(page, server_url, staff):
    page.goto(f"{server_url}/workspace/")
    expect(page).to_have_url(f"{server_url}/signin/?next=/workspace/")
    sign_in(page, server_url, staff, PASSWORD, next_path="/workspace/")
    expect(page).to_have_url(f"{server_url}/workspace/")
    nav = page.get_by_role("navigation", name="Chính")
    expect(nav.get_by_role("link", name="Hàng việc")).to_have_attribute("aria-current", "page")
    expect(page.locator(".site-tools .who")).to_have_text(staff)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{server_url}/")
    page.goto(f"{server_url}/workspace/")
    expect(page).to_have_url(f"{server_url}/signin/?next=/workspace/")


def test_a_signed_in_resident_is_not_offered_the_staff_pages(page, server_url, staff):
    sign_in(page, server_url, RESIDENT, PASSWORD, next_path="/track/")
    nav = page.get_by_role("navigation", name="Chính")
    expect(nav.get_by_role("link", name="Theo dõi phản ánh")).to_be_visible()
    expect(nav.get_by_role("link", name="Hàng việc")).to_have_count(0)
    expect(nav.get_by_role("link", name="Bảng điều hành")).to_have_count(0)


def test_the_language_switch_turns_the_page_to_english_and_back(page, server_url):
    page.goto(f"{server_url}/signin/")
    page.get_by_label("Ngôn ngữ").select_option("en")
    expect(page.locator("h1")).to_have_text("Staff sign-in")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Language").select_option("vi")
    expect(page.locator("h1")).to_have_text("Cán bộ đăng nhập")

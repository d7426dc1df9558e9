"""An accessibility sweep over every main page of the site, in Chromium, at phone (360 px)
and desktop size: no serious or critical axe-core violation, no horizontal scroll on a
phone, an accessible name on every control (as Chromium's own accessibility tree computes
it), and the page's language declared. A screenshot of each page at both sizes is kept as
``run/artefacts/screenshots/sweep-<page>-{phone,desktop}.png``.

Each page's findings are gathered first and asserted together, so that one run lists every
problem of a page. The map is swept twice: drawn by MapLibre (WebGL) and as the raster
fallback (a browser without WebGL).
"""

import importlib
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Permission, User
from playwright.sync_api import Page

from feedback.intake import Submission, submit
from feedback.models import FeedbackItem, Role, StaffMembership
from feedback.workflow import Actor
from layers.models import AdministrativeArea
from tests.committed_reports import remove_items
from tests.web.helpers import SIZES, axe_violations, save_screenshots
from tests.web.map_helpers import NO_WEBGL

pytestmark = pytest.mark.browser

SETTLE_TIMEOUT_MS = 30_000
# Roles of Chromium's accessibility tree that a person operates, so must have a name.
CONTROL_ROLES = {
    "button", "link", "textbox", "searchbox", "combobox", "listbox", "checkbox", "radio",
    "switch", "slider", "spinbutton", "menuitem", "tab", "option",
}  # fmt: skip
# The outermost elements that reach past the phone's width (what makes the page scroll).
WIDE = """() => [...document.body.querySelectorAll("*")]
  .filter((e) => e.getBoundingClientRect().right > 361
    && e.parentElement.getBoundingClientRect().right <= 361)
  .slice(0, 5)
  .map((e) => [e.tagName.toLowerCase(), e.id && "#" + e.id, ...[...e.classList].map((c) => "." + c)]
    .join("") + " " + Math.round(e.getBoundingClientRect().width) + "px")"""
STAFF = {  # username: (role, may import)
    "quet_can_bo": (Role.CITY_STAFF, True),
    "quet_lanh_dao": (Role.LEADER, False),
    "quet_khong_vai_tro": (None, False),
}


@dataclass(frozen=True)
class Sweep:
    """A page of the sweep: its screenshot name, its path (``{code}``: a report's tracking
    code), who is signed in, whether it draws with WebGL, the status it answers with."""

    name: str
    path: str
    who: str | None = None
    webgl: bool = False
    no_webgl: bool = False  # the page sees no WebGL at all (Debian's Chromium draws it in software)
    status: int = 200


PAGES = [
    Sweep("map", "/", webgl=True),
    Sweep("map-fallback", "/", no_webgl=True),
    Sweep("track", "/track/"),
    Sweep("track-report", "/track/{code}/"),
    Sweep("signin", "/signin/"),
    Sweep("workspace-queue", "/workspace/", who="quet_can_bo"),
    Sweep("workspace-item", "/workspace/items/{code}/", who="quet_can_bo"),
    Sweep("workspace-intake", "/workspace/intake/", who="quet_can_bo"),
    Sweep("workspace-imports", "/workspace/imports/", who="quet_can_bo"),
    Sweep("dashboard", "/dashboard/", who="quet_lanh_dao"),
    Sweep("dashboard-403", "/dashboard/", who="quet_khong_vai_tro", status=403),
]


@pytest.fixture(scope="module")
def report_code(read_db):
    """A committed report in Phường Bến Thành (its tracking code), removed afterwards."""

    def create():
        ward = AdministrativeArea.objects.get(
            generation__valid_to__isnull=True, level="ward", name="Phường Bến Thành"
        )
        item = submit(
            Submission(
                category="lan-chiem-via-he",
                description="Quét trợ năng: vỉa hè bị lấn chiếm",
                channel="web",
                lon=ward.label_point.x + 0.0003,
                lat=ward.label_point.y + 0.0002,
            ),
            Actor(None, "resident"),
        )
        return item.pk, item.tracking_code

    pk, code = read_db(create)
    yield code
    read_db(lambda: remove_items(FeedbackItem.objects.filter(pk=pk)))


@pytest.fixture(scope="module")
def sessions(read_db) -> dict[str, str]:
    """A signed-in session (its key) for each sweep user; users and sessions removed after."""
    store_class = importlib.import_module(settings.SESSION_ENGINE).SessionStore

    def create() -> dict[str, str]:
        keys = {}
        for username, (role, may_import) in STAFF.items():
            user = User.objects.create_user(username, is_staff=role is not None)
            if role:
                StaffMembership.objects.create(user=user, role=role)
            if may_import:
                user.user_permissions.add(Permission.objects.get(codename="add_importjob"))
            store = store_class()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            keys[username] = store.session_key
        return keys

    keys = read_db(create)
    yield keys

    def remove() -> None:
        for key in keys.values():
            store_class(key).delete()
        User.objects.filter(username__in=list(STAFF)).delete()

    read_db(remove)


def unnamed_controls(page: Page) -> list[str]:
    """The operable nodes of Chromium's accessibility tree that have no accessible name,
    each with the start of its element's HTML."""
    session = page.context.new_cdp_session(page)
    try:
        unnamed = []
        for node in session.send("Accessibility.getFullAXTree")["nodes"]:
            role = (node.get("role") or {}).get("value")
            name = str((node.get("name") or {}).get("value") or "").strip()
            if role in CONTROL_ROLES and not node.get("ignored") and not name:
                unnamed.append(f"{role}: {_html_of(session, node.get('backendDOMNodeId'))}")
        return unnamed
    finally:
        session.detach()


def _html_of(session, backend_id: int | None) -> str:
    if backend_id is None:
        return "?"
    remote = session.send("DOM.resolveNode", {"backendNodeId": backend_id})["object"]
    answer = session.send(
        "Runtime.callFunctionOn",
        {
            "objectId": remote["objectId"],
            "functionDeclaration": "function () { return (this.outerHTML || '').slice(0, 160); }",
            "returnByValue": True,
        },
    )
    return answer["result"].get("value", "?")


def findings(page: Page, size: str) -> list[str]:
    """What is wrong with the page as it is now, at this size."""
    found = [
        f"axe {v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for v in axe_violations(page)
    ]
    if size == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > SIZES["phone"]["width"]:
            found.append(f"horizontal scroll: the page is {width} px wide: {page.evaluate(WIDE)}")
    unnamed = unnamed_controls(page)
    if unnamed:
        found.append(f"controls without an accessible name: {unnamed}")
    return [f"{size}: {finding}" for finding in found]


def settle(page: Page) -> None:
    """Let the page load what it loads (its API calls, its map's tiles)."""
    page.wait_for_load_state("networkidle", timeout=SETTLE_TIMEOUT_MS)


@pytest.mark.parametrize("sweep", PAGES, ids=[p.name for p in PAGES])
def test_the_page_is_accessible_at_phone_and_desktop_size(
    request, sweep, server_url, sessions, report_code, browser_errors
):
    page: Page = request.getfixturevalue("webgl_page" if sweep.webgl else "page")
    if sweep.who:
        cookie = {"name": settings.SESSION_COOKIE_NAME, "value": sessions[sweep.who]}
        page.context.add_cookies([{**cookie, "url": server_url}])
    if sweep.no_webgl:
        page.add_init_script(NO_WEBGL)
    page.set_viewport_size(SIZES["phone"])
    answer = page.goto(server_url + sweep.path.format(code=report_code))
    assert answer is not None and answer.status == sweep.status, (sweep.path, answer)
    settle(page)
    problems = []
    if not page.evaluate("document.documentElement.lang"):
        problems.append("html[lang] is not set")
    if sweep.no_webgl:
        engine = page.locator("#map").get_attribute("data-engine")
        problems += [] if engine == "leaflet" else [f"the map is drawn by {engine}, not Leaflet"]
    problems += findings(page, "phone")
    loaded = list(browser_errors)
    page.set_viewport_size(SIZES["desktop"])
    settle(page)
    problems += findings(page, "desktop")
    save_screenshots(page, f"sweep-{sweep.name}")

    # A refusal page's own status (as a response and as Chromium's console line about it).
    expected = str(sweep.status) if sweep.status >= 400 else None
    unexpected = [e for e in loaded if not (expected and expected in e)]
    if unexpected:
        problems.append(f"browser errors while loading: {unexpected}")
    # A map cancels the tiles it no longer needs when the window is resized: not an error.
    resized = [e for e in browser_errors[len(loaded) :] if not e.endswith("net::ERR_ABORTED")]
    if resized:
        problems.append(f"browser errors after resizing: {resized}")
    assert problems == [], f"{sweep.name} ({sweep.path}):\n  " + "\n  ".join(problems)

"""What the Here tab's browser tests share: places in two current wards, the map page opened
with (or without) a resident's token, a place chosen as map core announces one, and staff
who publish surveys and notices (made through the services, deleted afterwards)."""

import json
import re
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Permission, User
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from feedback.models import Role, StaffMembership
from tests.web.helpers import SCREENSHOTS, SIZES

STAFF_USERNAME = "here_thanh_pho"


@dataclass(frozen=True)
class Place:
    """A point well inside a ward of the generation in force, and that ward."""

    lon: float
    lat: float
    code: str
    name: str
    generation: str

    def detail(self, source: str = "click") -> dict:
        """The ``commonmap:place`` event's detail for this place."""
        ward = {"code": self.code, "name": self.name, "generation": self.generation}
        return {"lon": self.lon, "lat": self.lat, "source": source, "ward": ward}


def two_wards() -> tuple[Place, Place]:
    """Two neighbouring current wards, each with a point well inside it (run in read_db)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p), a.code, a.name, g.slug FROM layers_administrativearea a "
            "JOIN layers_boundarygeneration g ON g.id = a.generation_id "
            "CROSS JOIN LATERAL (SELECT ST_PointOnSurface(a.geom) AS p) inner_point "
            "WHERE g.valid_to IS NULL AND a.level = 'ward' ORDER BY a.code LIMIT 2"
        )
        first, second = cursor.fetchall()
    return Place(*first), Place(*second)


def make_city_staff() -> User:
    """A city staff member who may publish surveys and notices (run in read_db)."""
    user = User.objects.create_user(STAFF_USERNAME)
    StaffMembership.objects.create(user=user, role=Role.CITY_STAFF)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["surveys", "notices"],
            codename__in=["add_survey", "change_survey", "add_notice", "change_notice"],
        )
    )
    return User.objects.get(pk=user.pk)  # no stale permission cache


def city_staff() -> User:
    """The staff member of ``make_city_staff`` (run in read_db)."""
    return User.objects.get(username=STAFF_USERNAME)


def remove_city_staff() -> None:
    """Delete the staff member of ``make_city_staff`` (run in read_db)."""
    User.objects.filter(username=STAFF_USERNAME).delete()


def window(hours_before: int = 1, days_after: int = 7) -> tuple:
    """An opening and closing time around now."""
    now = timezone.now()
    return now - timedelta(hours=hours_before), now + timedelta(days=days_after)


def open_map(
    page: Page,
    server_url: str,
    token: str | None = None,
    width: int = 1280,
    view: str = "13/10.78/106.7",
) -> None:
    """The map page at ``view`` (zoom/lat/lon) with the resident's token in the fragment (as
    the city's app opens it), at ``width`` pixels, with the Here tab shown."""
    if width != 1280:
        page.set_viewport_size({"width": width, "height": 740})
    token_part = f"&resident_token={token}" if token else ""
    page.goto(f"{server_url}/#map={view}{token_part}")
    expect(page.locator("#here")).to_be_attached()
    page.locator("#tab-here").click()
    expect(page.locator("#panel-here")).to_be_visible()


def choose_place(page: Page, place: Place) -> None:
    """Announce ``place`` as map core does when a point is clicked in the Here tab."""
    page.evaluate(
        "detail => document.dispatchEvent(new CustomEvent('commonmap:place', {detail}))",
        json.loads(json.dumps(place.detail())),
    )
    expect(page.locator("#here-ward-name")).to_contain_text(place.code)


def requests_of(page: Page) -> list[tuple[str, str, dict]]:
    """Every request the page makes from now on: (method, url, headers)."""
    seen: list[tuple[str, str, dict]] = []
    page.on("request", lambda r: seen.append((r.method, r.url, r.headers)))
    return seen


def message_pattern(page: Page, key: str) -> re.Pattern:
    """The page's own text ``key`` (a data-* attribute of #here-text, in the page's language)
    as a pattern, each ``{placeholder}`` matching anything."""
    template = page.locator("#here-text").get_attribute(f"data-{key}")
    assert template, f"#here-text has no data-{key}"
    parts = re.split(r"\{\w+\}", template)
    return re.compile(".+".join(re.escape(part) for part in parts))


# The nearest scrolling box (the side panel on a desktop, the document on a phone) brought
# to the element, without scrolling the boxes around it.
SCROLL_TO_TOP = """el => {
  let box = el.parentElement;
  while (box && box !== document.body) {
    const overflow = getComputedStyle(box).overflowY;
    const scrolls = overflow === "auto" || overflow === "scroll";
    if (scrolls && box.scrollHeight > box.clientHeight) break;
    box = box.parentElement;
  }
  if (box && box !== document.body) {
    window.scrollTo(0, 0);  // the document may still be scrolled from the phone's layout
    box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top;
  } else {
    el.scrollIntoView({block: "start"});
  }
}"""


def save_section_screenshots(page: Page, name: str, selector: str) -> None:
    """``save_screenshots`` with the Here tab's section ``selector`` scrolled into view at
    each size (it sits below map core's "Where am I?" in the panel)."""
    before = page.viewport_size
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.wait_for_timeout(400)  # a map redraws after a resize
        page.locator(selector).evaluate(SCROLL_TO_TOP)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"))
    if before:
        page.set_viewport_size(before)

"""What the map page's browser tests share: Phường Bến Thành's point, opening the map and
waiting for its first render, and the requests the page made."""

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from layers.models import AdministrativeArea

READY = "#map[data-state=ready]"
LOAD_TIMEOUT_MS = 60_000  # SwiftShader draws WebGL on the CPU, with 6 other agents' tests


@dataclass(frozen=True)
class Ward:
    """A ward of the current generation: its code, name and label point."""

    code: str
    name: str
    lon: float
    lat: float


@pytest.fixture(scope="module")
def ben_thanh(read_db) -> Ward:
    """Phường Bến Thành of the current generation."""

    def query() -> Ward:
        area = AdministrativeArea.objects.get(
            generation__valid_to__isnull=True, level="ward", name="Phường Bến Thành"
        )
        return Ward(area.code, area.name, area.label_point.x, area.label_point.y)

    return read_db(query)


def open_map(page: Page, server_url: str, query: str = "", view: str = "") -> None:
    """Load the map page (``?query``, ``#map=view``) and wait for its first render."""
    url = f"{server_url}/{'?' + query if query else ''}{'#map=' + view if view else ''}"
    page.goto(url)
    try:
        page.wait_for_selector(READY, state="attached", timeout=LOAD_TIMEOUT_MS)
    except Exception as error:
        state = page.locator("#map").get_attribute("data-state")
        message = page.locator("#layers-error").inner_text()
        raise AssertionError(f"the map is {state}: {message!r}") from error


# Makes the page believe the device has no WebGL, as on the phones the fallback is for
# (Debian's Chromium draws WebGL2 in software even with --disable-gpu).
NO_WEBGL = """(() => {
  const real = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
    return /webgl/.test(kind) ? null : real.call(this, kind, ...rest);
  };
})();"""


def requests_of(page: Page) -> list[str]:
    """Start recording the URLs the page requests; returns the (growing) list."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls

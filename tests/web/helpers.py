"""What the browser tests share: the accessibility check (axe-core from npm, run inside the
page), screenshots at phone and desktop size kept as test artefacts, and staff sign-in."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Written by the tests, linked from the README (git-ignored, like everything under run/).
SCREENSHOTS = ROOT / "run" / "artefacts" / "screenshots"
SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
BLOCKING_IMPACTS = ("serious", "critical")

# Runs axe on the whole document; a violation keeps its rule, impact, help and first nodes.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}"""


def axe_violations(page: Page) -> list[dict]:
    """The page's serious and critical accessibility violations, as axe-core finds them.

    axe's source is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not apply to: the page itself stays as served."""
    if not AXE.is_file():
        raise AssertionError("node_modules/axe-core is missing: `make venv` (npm ci) installs it")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in BLOCKING_IMPACTS]


def assert_accessible(page: Page, what: str) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    violations = axe_violations(page)
    assert violations == [], f"{what}: accessibility violations: {violations}"


def save_screenshots(page: Page, name: str, *, full_page: bool = False) -> list[Path]:
    """Screenshots of the page at phone and at desktop size, under run/artefacts/screenshots/
    as ``<name>-phone.png`` and ``<name>-desktop.png``; the viewport is put back afterwards."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    paths = []
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.wait_for_timeout(400)  # a map redraws after a resize
        path = SCREENSHOTS / f"{name}-{size}.png"
        page.screenshot(path=str(path), full_page=full_page)
        paths.append(path)
    if before:
        page.set_viewport_size(before)
    return paths


def sign_in(
    page: Page, server_url: str, username: str, password: str, next_path: str = "/"
) -> None:
    """Sign a staff member in through the site's own sign-in page, then land on next_path."""
    page.goto(f"{server_url}/signin/?next={next_path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name=re.compile("Đăng nhập|Sign in")).click()
    expect(page).not_to_have_url(re.compile(r"/signin/"))


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")

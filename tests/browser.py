"""A real browser for the sandbox page: Debian's Chromium, driven by Playwright for Python.

Playwright cannot download its own browser here, so it drives /usr/bin/chromium
(`apt-get install -y chromium`; `.ci/run` installs it). Without it a test that needs it skips
with one line saying so, except under CI=true, where a skip fails the run.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parents[1] / "test-artifacts"
CONTROL_ROLES = "button|link|combobox|listbox|textbox|searchbox|spinbutton|checkbox|radio|slider"
_CONTROL = re.compile(rf'^\s*- ({CONTROL_ROLES})(?: "(?P<name>[^"]*)")?', re.MULTILINE)


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium (CI installs it)")


@asynccontextmanager
async def chromium_page(profile: Path) -> AsyncIterator[Page]:
    """A page in headless Chromium with a fresh profile; skips (one line) without Chromium."""
    require_chromium()
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1100, "height": 900},
        )
        try:
            page = context.pages[0] if context.pages else await context.new_page()
            page.set_default_timeout(10_000)
            yield page
        finally:
            await context.close()


def unnamed_controls(aria_snapshot: str) -> list[str]:
    """Controls without an accessible name, from the browser's own accessibility tree."""
    return [
        line.strip()
        for line in aria_snapshot.splitlines()
        if (found := _CONTROL.match(line)) and not (found.group("name") or "").strip()
    ]


async def tab_to(page: Page, target: Locator, *, presses: int = 80) -> int:
    """Press Tab until `target` has the keyboard focus; how many presses it took."""
    for count in range(1, presses + 1):
        await page.keyboard.press("Tab")
        if await target.evaluate("element => element === document.activeElement"):
            return count
    raise AssertionError(f"{presses} presses of Tab never reached {target}")


class Screenshots:
    """One PNG per step, kept as test artefacts under test-artifacts/<folder>/."""

    def __init__(self, page: Page, folder: str) -> None:
        self.page = page
        self.folder = ARTIFACTS / folder
        self.taken: list[Path] = []

    async def take(self, step: str) -> Path:
        path = self.folder / f"{len(self.taken) + 1:02d}-{step}.png"
        await self.page.screenshot(path=path, full_page=True)
        self.taken.append(path)
        return path

"""Without Chromium, a browser test skips with one line saying how to get it (under CI=true
the skip fails the run: tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import browser


def test_without_chromium_a_browser_test_skips_saying_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", Path("/nowhere/chromium"))

    with pytest.raises(pytest.skip.Exception) as skipped:
        browser.require_chromium()

    assert str(skipped.value) == (
        "/nowhere/chromium is missing: apt-get install -y chromium (CI installs it)"
    )


def test_controls_without_a_name_are_found_in_the_accessibility_tree() -> None:
    snapshot = '- button "Hint"\n- button\n- combobox "You are":\n  - option "alice"\n- textbox ""'

    assert browser.unnamed_controls(snapshot) == ["- button", '- textbox ""']

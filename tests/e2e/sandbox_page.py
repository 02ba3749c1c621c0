"""Acting on the sandbox page as a member would: choose who you are, fill a command form."""

from __future__ import annotations

from playwright.async_api import Page, expect


async def choose_person(page: Page, label: str, member_id: int) -> None:
    await page.get_by_label("You are").select_option(label=label)
    await expect(page.locator("body")).to_have_attribute("data-you", str(member_id))


async def run(page: Page, command: str, **options: str) -> None:
    """Fill the command form the page built from the registered commands, and run it."""
    await page.get_by_label("Command", exact=True).select_option(command)
    for name, value in options.items():
        field = page.locator(f"[data-option='{name}']")
        if await field.evaluate("element => element.tagName") == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(value)
    await page.get_by_role("button", name="Run", exact=True).click()
    await expect(page.locator("#notice")).to_have_text(f"/{command} sent")

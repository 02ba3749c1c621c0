"""The sandbox page shows what Discord's client would, in a real browser (headless Chromium)
with the real bot: it starts on /practice and keeps the chosen command across member
switches; the bot's autocomplete opens a list that is picked by mouse or keyboard; mentions
show by name (#practice, @Moderators, @alice); the "used" line names the whole command;
text of ours that is not markdown stays as written; emoji are drawn with a colour emoji
font; long code lines stay inside their embed; at a phone's width the messages get the room.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Locator, Page, expect

from bot.sandbox import LoopbackDiscord
from bot.sandbox.page import install_page
from tests.browser import Screenshots, chromium_page
from tests.clock import ManualClock
from tests.e2e.bots import running_bot
from tests.e2e.sandbox_page import choose_person, run
from tests.loopback_fixtures import Scene

PHONE = {"width": 390, "height": 844}
LONG_LINE = "    return JsonResponse({" + ", ".join(f"'key{n}': {n}" for n in range(30)) + "})"


@pytest.fixture
def before_loopback_starts() -> list[Callable[[LoopbackDiscord], None]]:
    return [install_page]


async def fonts_drawing(page: Page, element: Locator) -> set[str]:
    """The fonts Chromium really drew the element's text with (DevTools' own answer)."""
    selector = f"#m-{await element.get_attribute('data-id')} .content"
    devtools = await page.context.new_cdp_session(page)
    await devtools.send("DOM.enable")
    await devtools.send("CSS.enable")
    document = await devtools.send("DOM.getDocument", {"depth": -1})
    node = await devtools.send(
        "DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": selector}
    )
    used = await devtools.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    return {font["familyName"] for font in used["fonts"]}


async def suggestions_for(page: Page, option: str, typed: str) -> Locator:
    """Type into an option the bot autocompletes; its list of suggestions, once open for all
    that was typed (a list for fewer letters may show while the last answer is on its way,
    and is replaced when it comes: a key pressed before would highlight a stale item)."""
    field = page.locator(f"[data-option='{option}']")
    await field.press_sequentially(typed)
    listbox = page.get_by_role("listbox", name=f"suggestions for {option}")
    await expect(listbox).to_have_attribute("aria-busy", "false")
    await expect(listbox).to_be_visible()
    await expect(field).to_have_attribute("aria-expanded", "true")
    return listbox


async def test_the_page_shows_what_discord_would(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    async with (
        chromium_page(tmp_path / "chromium-profile") as page,
        running_bot(loopback, scene, manual_clock, tmp_path / "s.sqlite3", preview=True),
    ):
        shots = Screenshots(page, "sandbox-page-as-discord")
        await page.goto(f"{loopback.server.base_url}/?as=alice")
        command = page.get_by_label("Command", exact=True)

        # the form starts on the command a newcomer should try first
        await expect(command).to_have_value("practice")
        await run(page, "practice", pack="demo", difficulty="medium")
        post = page.locator("article.message:not(.ephemeral)", has_text="Declaring an async view")
        await post.get_by_role("button", name="A", exact=True).click()
        wrong = page.locator("article.ephemeral", has_text="Not quite")
        await expect(wrong).to_contain_text("❌")
        drawn_with = await fonts_drawing(page, wrong)
        assert "Noto Color Emoji" in drawn_with, (  # not an empty box
            f"❌ drawn with {drawn_with}: apt-get install -y fonts-noto-color-emoji (CI does)"
        )
        await shots.take("practice-with-private-panel")

        # /test's "(1:_ 2:_ 3:_)" is shown as written, not as italics
        await run(page, "test start", pack="demo")
        first = page.locator("article.ephemeral", has_text="question 1/")
        question = page.locator(f"#m-{await first.get_attribute('data-id')}")  # edited in place
        for number in range(2, 11):
            if "Choose blank" in await question.inner_text():
                break
            await question.get_by_role("button", name="A", exact=True).click()
            await expect(question).to_contain_text(f"question {number}/")
        await expect(question.locator(".content")).to_contain_text("(1:_ 2:_ 3:_)")
        await expect(question.locator(".content em")).to_have_count(0)

        # the chosen command stays chosen when another member takes the page
        await choose_person(page, "mod (moderator)", scene.moderator.id)
        await expect(command).to_have_value("test start")

        # /tutor config: a time zone picked from the suggestions by mouse; mentions by name
        await command.select_option("tutor config")
        listbox = await suggestions_for(page, "time_zone", "Europe/P")
        await shots.take("autocomplete-open")
        await listbox.get_by_role("option", name="Europe/Paris").click()
        await expect(page.locator("[data-option='time_zone']")).to_have_value("Europe/Paris")
        await expect(listbox).to_be_hidden()
        await page.locator("[data-option='moderator_role']").select_option(label="@Moderators")
        await page.locator("[data-option='log_channel']").select_option(label="#practice")
        await page.get_by_role("button", name="Run", exact=True).click()
        saved = page.locator("article.ephemeral", has_text="Saved:")
        await expect(saved.locator(".mention")).to_have_text(
            ["@Moderators", "#practice", "@Moderators", "#practice"]
        )
        assert "<#" not in await saved.inner_text()

        # /quiz schedule: a time zone picked by keyboard; the "used" line names the subcommand
        await command.select_option("quiz schedule")
        await page.locator("[data-option='channel']").select_option(label="#practice")
        await page.locator("[data-option='time']").fill("09:30")
        listbox = await suggestions_for(page, "timezone", "Asia/Tok")
        await page.keyboard.press("ArrowDown")
        await expect(listbox.get_by_role("option", name="Asia/Tokyo")).to_have_attribute(
            "aria-selected", "true"
        )
        await page.keyboard.press("Enter")  # picks; it does not run the command yet
        await expect(page.locator("[data-option='timezone']")).to_have_value("Asia/Tokyo")
        await expect(listbox).to_be_hidden()
        await page.keyboard.press("Enter")
        scheduled = page.locator("article.ephemeral", has_text="Scheduled daily quiz")
        await expect(scheduled.locator(".used")).to_have_text("mod used /quiz schedule")
        await expect(scheduled).to_contain_text("#1 in #practice at 09:30 Asia/Tokyo")
        await run(page, "quiz list")
        listed = page.locator("article.ephemeral", has_text="quiz list")
        await expect(listed.locator(".mention")).to_have_text(["#practice"])
        await shots.take("quiz-list-with-a-channel-mention")

        # a member mention: /tutor reset on alice's post
        post_id = await post.get_attribute("data-id")
        assert post_id is not None
        await run(page, "tutor reset", member=str(scene.alice.id), post=post_id)
        reset = page.locator("article.ephemeral", has_text="Reset:")
        await expect(reset.locator(".mention")).to_have_text(["@alice"])

        # /preview: an exercise id from the suggestions
        await command.select_option("preview")
        listbox = await suggestions_for(page, "exercise", "json")
        await listbox.get_by_role("option", name="demo/return-json").click()
        await expect(page.locator("[data-option='exercise']")).to_have_value("demo/return-json")

        # a long code line in an embed wraps inside it, as in Discord's client
        async with httpx.AsyncClient() as http:
            sent = await http.post(
                f"{loopback.api_base}/channels/{scene.channel.id}/messages",
                headers={"Authorization": f"Bot {loopback.token}"},
                json={"embeds": [{"description": f"```py\n{LONG_LINE}\n```"}]},
            )
        assert sent.status_code == 200, sent.text
        code = page.locator("article.message .embed pre", has_text="key29")
        await expect(code).to_be_visible()
        assert await code.evaluate("pre => pre.scrollWidth <= pre.clientWidth")
        embed = await code.locator("xpath=ancestor::section[@aria-label='embed']").bounding_box()
        shown = await code.bounding_box()
        assert embed is not None
        assert shown is not None
        assert shown["x"] + shown["width"] <= embed["x"] + embed["width"]

        # at a phone's width the channel list folds away and the messages get the room
        await page.set_viewport_size(PHONE)
        messages = await page.locator("#messages").bounding_box()
        assert messages is not None
        assert messages["width"] >= PHONE["width"] - 40
        await shots.take("phone-width")

    assert all(shot.stat().st_size > 0 for shot in shots.taken)

"""The sandbox page in a real browser: headless Chromium shows what the loopback Discord
holds, and a member acts on it as in Discord's client; everything goes through the real bot.

One session: /practice, a wrong answer (feedback, attempts left), Hint, the right answer,
Run it by keyboard only, then another member who sees the post but none of the first
one's private replies, and a counter edit arriving without a reload. The page must render
what Discord can carry, not only what our bot sends, so a message the bot never sends
(an embed with fields, a code block, a disabled button) is posted through the loopback's
own API too. A moderator schedules a daily quiz and posts it now.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect

from bot.practice.run_it import ExampleRunner
from bot.practice.tutor_client import TutorClient
from bot.sandbox import LoopbackDiscord
from bot.sandbox.page import install_page
from tests.browser import Screenshots, chromium_page, tab_to, unnamed_controls
from tests.clock import ManualClock
from tests.e2e.bots import running_bot
from tests.e2e.sandbox_page import choose_person, run
from tests.loopback_fixtures import Scene

COUNTER_EDIT_SECONDS = 5.0  # the bot's default: at most one counters edit per 5 s


@pytest.fixture
def before_loopback_starts() -> list[Callable[[LoopbackDiscord], None]]:
    return [install_page]  # the page is served by the loopback's own server


async def test_a_session_in_the_browser(
    loopback: LoopbackDiscord,
    scene: Scene,
    manual_clock: ManualClock,
    tmp_path: Path,
    tutor_url: str,
) -> None:
    async with (
        chromium_page(tmp_path / "chromium-profile") as page,
        httpx.AsyncClient() as http,
        running_bot(
            loopback,
            scene,
            manual_clock,
            tmp_path / "sandbox.sqlite3",
            runner=ExampleRunner(TutorClient(http, tutor_url), cooldown_seconds=0),
        ),
    ):
        shots = Screenshots(page, "sandbox-page")
        await page.goto(f"{loopback.server.base_url}/?as=alice")
        await expect(page.locator("body")).to_have_attribute("data-you", str(scene.alice.id))

        # 1. /practice, from a form built from the registered commands
        await run(page, "practice", pack="demo", difficulty="medium")
        post = page.locator("article.message:not(.ephemeral)", has_text="Declaring an async view")
        await expect(post.locator(".used")).to_have_text("alice used /practice")
        await expect(post.locator(".embed-footer")).to_contain_text("0 members have answered")
        # this post (the first) shows the file's options C, B, A as A, B, C
        await expect(post.locator("figure.code").first).to_contain_text("await HttpResponse")
        await shots.take("practice")

        # 2. a wrong answer: private feedback, attempts left
        await post.get_by_role("button", name="A", exact=True).click()
        wrong = page.locator("article.ephemeral", has_text="Not quite")
        await expect(wrong).to_contain_text("An HttpResponse is not awaitable.")
        await expect(wrong).to_contain_text("2 attempts left.")
        await expect(wrong.locator(".only-you")).to_have_text("Only you can see this")
        await shots.take("wrong-answer")

        # 3. Hint, then the right answer
        await post.get_by_role("button", name="Hint").click()
        await expect(page.locator("article.ephemeral", has_text="Hint 1 of 1")).to_contain_text(
            "The keyword goes before def."
        )
        await post.get_by_role("button", name="B", exact=True).click()
        right = page.locator("article.ephemeral", has_text="Correct!")
        await expect(right).to_contain_text("Worked solution")
        await shots.take("hint-then-correct")

        # 4. Run it, by keyboard only: Tab to the button, Enter
        run_it = right.get_by_role("button", name="Run it")
        await page.locator("body").focus()
        await tab_to(page, run_it)
        await page.keyboard.press("Enter")
        ran = page.locator("article.ephemeral", has_text="Your answer")
        await expect(ran).to_contain_text("option B · ")
        await expect(ran.locator("figure.code")).to_contain_text("200 OK")
        await shots.take("run-it-by-keyboard")

        # 5. as a moderator: schedule a quiz and post it now
        await choose_person(page, "mod (moderator)", scene.moderator.id)
        await run(page, "quiz schedule", channel=str(scene.channel.id), time="09:30")
        await run(page, "quiz now", number="1")
        quiz = page.locator("article.message:not(.ephemeral)", has_text="quiz")
        await expect(quiz.first).to_be_visible()
        await shots.take("moderator-quiz-now")

        # 6. another member: the post, but none of alice's private replies
        await choose_person(page, "bob", scene.bob.id)
        await expect(post).to_be_visible()
        await expect(page.locator("article.ephemeral")).to_have_count(0)
        assert "Not quite" not in await page.locator("#messages").inner_text()
        assert loopback.ephemeral_replies(scene.bob) == []
        await shots.take("another-member")

        # the counters edit arrives live, without a reload
        await page.evaluate("window.sameDocument = true")
        await manual_clock.advance(COUNTER_EDIT_SECONDS)
        await expect(post.locator(".embed-footer")).to_contain_text(
            "1 member has answered · 1 solved"
        )
        await expect(post.locator(".edited")).to_have_text("(edited)")
        assert await page.evaluate("window.sameDocument === true")
        await shots.take("counter-edit-live")

        # what Discord can carry, posted through the loopback's own REST API
        answer = await http.post(
            f"{loopback.api_base}/channels/{scene.channel.id}/messages",
            headers={"Authorization": f"Bot {loopback.token}"},
            json=CARRIED,
        )
        assert answer.status_code == 200, answer.text
        carried = page.locator("article.message", has_text="Posted through the API")
        await expect(carried.locator(".embed-title")).to_have_text("Carried by Discord")
        await expect(carried.locator(".embed-field dt")).to_have_text(["Left", "Right"])
        await expect(carried.locator(".embed-field dd")).to_have_text(["one", "two"])
        await expect(carried.locator(".embed-footer")).to_have_text("a footer")
        highlighted = carried.locator("figure.code .hl")
        await expect(highlighted).to_contain_text("async def hello(request):")
        await expect(highlighted.locator("span.k", has_text="async")).to_have_count(1)
        never = carried.get_by_role("button", name="Never clickable")
        await expect(never).to_be_disabled()
        await shots.take("carried-by-discord")

        # every control on the page has an accessible name (the browser's own tree)
        assert unnamed_controls(await page.locator("body").aria_snapshot()) == []

    assert all(shot.stat().st_size > 0 for shot in shots.taken)


CARRIED = {
    "content": "Posted through the API:\n```py\nasync def hello(request):\n    return 1\n```",
    "embeds": [
        {
            "title": "Carried by Discord",
            "description": "An embed our bot never sends",
            "color": 0x5865F2,
            "fields": [
                {"name": "Left", "value": "one", "inline": True},
                {"name": "Right", "value": "two", "inline": True},
            ],
            "footer": {"text": "a footer"},
        }
    ],
    "components": [
        {
            "type": 1,
            "components": [
                {
                    "type": 2,
                    "style": 4,
                    "label": "Never clickable",
                    "custom_id": "sandbox:never",
                    "disabled": True,
                }
            ],
        }
    ],
}

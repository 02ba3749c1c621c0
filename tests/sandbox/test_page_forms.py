"""The sandbox page with a bot other than ours: command forms built from whatever options a
bot registers (choices, numbers, members, channels, booleans, text), a form (modal) the bot
shows and the member fills in by keyboard, and actions the loopback's rules refuse."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import discord
import httpx
import pytest
from discord import app_commands
from playwright.async_api import expect

from bot.sandbox import DEFAULT_TOKEN, LoopbackDiscord
from bot.sandbox.page import install_page
from tests.browser import Screenshots, chromium_page, unnamed_controls
from tests.loopback_fixtures import Scene


class Problem(discord.ui.Modal, title="Report a problem"):
    what = discord.ui.TextInput(
        label="What went wrong", style=discord.TextStyle.paragraph, min_length=5, max_length=200
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"Thanks {interaction.user.name}: {self.what.value}", ephemeral=True
        )


class FormBot(discord.Client):
    """Registers commands with every kind of option the page must offer, and a modal."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none(), guild_ready_timeout=0.01)
        self.tree = app_commands.CommandTree(self)
        self.tree.command(name="survey", description="Every kind of option")(self.survey)
        self.tree.command(name="report", description="Opens a form")(self.report)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No pause before identifying: tests stay fast."""

    @app_commands.describe(topic="Which topic", count="How many", who="A member")
    @app_commands.choices(
        topic=[
            app_commands.Choice(name="Style", value="style"),
            app_commands.Choice(name="Speed", value="speed"),
        ]
    )
    async def survey(
        self,
        interaction: discord.Interaction,
        topic: str,
        count: app_commands.Range[int, 1, 5],
        who: discord.Member,
        where: discord.TextChannel,
        loud: bool,
        note: str | None = None,
    ) -> None:
        await interaction.response.send_message(
            f"topic={topic} count={count} who={who.name} where=#{where.name} "
            f"loud={loud} note={note}",
            ephemeral=True,
        )

    async def report(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Problem())


@pytest.fixture
def before_loopback_starts() -> list[Callable[[LoopbackDiscord], None]]:
    return [install_page]


@pytest.fixture
async def form_bot(loopback: LoopbackDiscord, scene: Scene) -> AsyncIterator[FormBot]:
    bot = FormBot()
    runner = asyncio.create_task(bot.start(DEFAULT_TOKEN))
    await asyncio.wait_for(bot.wait_until_ready(), 5)
    await bot.tree.sync()
    try:
        yield bot
    finally:
        await bot.close()
        await runner


async def test_forms_are_built_from_the_registered_options_and_modals_are_filled_in(
    loopback: LoopbackDiscord, scene: Scene, form_bot: FormBot, tmp_path
) -> None:
    async with chromium_page(tmp_path / "chromium-profile") as page:
        shots = Screenshots(page, "sandbox-page-forms")
        await page.goto(f"{loopback.server.base_url}/?as=bob")
        await expect(page.locator("body")).to_have_attribute("data-you", str(scene.bob.id))

        await page.get_by_label("Command", exact=True).select_option("survey")
        await page.get_by_label("topic (required)").select_option(label="Speed")
        await page.get_by_label("count (required)").fill("3")
        await page.get_by_label("who (required)").select_option(label="alice")
        await page.get_by_label("where (required)").select_option(label="#practice")
        await page.get_by_label("loud (required)").select_option("true")
        await page.get_by_label("note").fill("**not bold** <b>nor html</b>")
        assert unnamed_controls(await page.locator("body").aria_snapshot()) == []
        await page.get_by_role("button", name="Run", exact=True).click()
        answer = page.locator("article.ephemeral", has_text="topic=speed")
        await expect(answer).to_contain_text(
            "count=3 who=alice where=#practice loud=True note=not bold <b>nor html</b>"
        )
        await expect(answer.locator(".content strong")).to_have_text("not bold")  # no HTML
        await shots.take("every-kind-of-option")

        # the form the bot shows, filled in and sent by keyboard only
        await page.get_by_label("Command", exact=True).select_option("report")
        await page.get_by_role("button", name="Run", exact=True).click()
        dialog = page.get_by_role("dialog", name="Report a problem")
        await expect(dialog).to_be_visible()
        assert unnamed_controls(await dialog.aria_snapshot()) == []
        await expect(dialog.get_by_label("What went wrong")).to_be_focused()
        await page.keyboard.type("The hint gives it away")
        await page.keyboard.press("Tab")
        await page.keyboard.press("Tab")
        await expect(dialog.get_by_role("button", name="Submit")).to_be_focused()
        await page.keyboard.press("Enter")
        thanks = page.locator("article.ephemeral", has_text="Thanks bob")
        await expect(thanks).to_contain_text("The hint gives it away")
        await expect(dialog).to_be_hidden()
        await shots.take("modal-submitted")

    assert [m.content for m in loopback.ephemeral_replies(scene.alice)] == []


async def test_the_page_refuses_what_a_client_could_not_do(
    loopback: LoopbackDiscord, scene: Scene, form_bot: FormBot
) -> None:
    message = loopback.world.post(
        scene.channel,
        {
            "content": "greyed",
            "components": [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "style": 1, "label": "No", "custom_id": "x", "disabled": True}
                    ],
                }
            ],
        },
    )
    click = {"as": str(scene.alice.id), "message": str(message.id), "custom_id": "x"}
    async with httpx.AsyncClient(base_url=loopback.server.base_url) as http:
        disabled = await http.post("/sandbox/click", json=click)
        elsewhere = await http.post(
            "/sandbox/click", json=click, headers={"Origin": "https://example.invalid"}
        )
        form_post = await http.post("/sandbox/click", data=click)
        unknown = await http.post(
            "/sandbox/command",
            json={"as": str(scene.alice.id), "channel": str(scene.channel.id), "command": "nope"},
        )
        hidden = await http.get("/sandbox/state", params={"as": str(loopback.world.bot.id)})

    assert disabled.status_code == 400
    assert disabled.json()["error"] == "button 'x' is disabled"
    assert elsewhere.status_code == 403  # another site cannot act through the page
    assert form_post.status_code == 415  # nor post a plain form to it
    assert unknown.status_code == 400
    assert "/nope is not registered here" in unknown.json()["error"]
    assert hidden.status_code == 400  # the bot is no one to be on the page

"""A small bot built from discord.py, to test the loopback Discord before the real bot exists.

`/post` answers with a public message and buttons; a button answers ephemerally; `/slow`
defers and follows up. Its `misbehave` switches break Discord's rules on purpose.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

import discord
from discord import app_commands


@dataclass
class Misbehave:
    hold_answers: asyncio.Event | None = None  # answers wait for it; set it to let them go
    entered: asyncio.Event = field(default_factory=asyncio.Event)  # a handler has started
    long_custom_id: bool = False


class PickButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"echo:pick:(?P<letter>[A-D])"
):
    def __init__(self, letter: str) -> None:
        super().__init__(discord.ui.Button(label=letter, custom_id=f"echo:pick:{letter}"))
        self.letter = letter

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PickButton:
        return cls(match["letter"])

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = interaction.client
        assert isinstance(bot, EchoBot)
        await bot.hold()
        await interaction.response.send_message(f"You picked {self.letter}.", ephemeral=True)


class EchoBot(discord.Client):
    def __init__(self, *, misbehave: Misbehave | None = None) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.01,
        )
        self.misbehave = misbehave or Misbehave()
        self.tree = app_commands.CommandTree(self)
        self.tree.command(name="post", description="Post a question with buttons")(self.post)
        self.tree.command(name="slow", description="Think first, answer later")(self.slow)
        self.tree.command(name="announce", description="Say it in the channel")(self.announce)
        self.tree.command(name="rename", description="Edit a message by id")(self.rename)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(PickButton)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5-second pause before identifying again (discord.py's default): tests stay fast."""

    async def hold(self) -> None:
        self.misbehave.entered.set()
        if self.misbehave.hold_answers is not None:
            await self.misbehave.hold_answers.wait()

    @app_commands.describe(title="What to ask", level="How hard", where="Also mention a channel")
    @app_commands.choices(
        level=[
            app_commands.Choice(name="easy", value="easy"),
            app_commands.Choice(name="hard", value="hard"),
        ]
    )
    async def post(
        self,
        interaction: discord.Interaction,
        title: str,
        level: str = "easy",
        where: discord.TextChannel | None = None,
        who: discord.Member | None = None,
    ) -> None:
        await self.hold()
        view = discord.ui.View(timeout=None)
        for letter in "ABCD":
            view.add_item(PickButton(letter))
        if self.misbehave.long_custom_id:
            view.add_item(discord.ui.Button(label="Too long", custom_id="x" * 101))
        extra = "".join(
            f" {label} {thing.name}." for label, thing in (("in", where), ("for", who)) if thing
        )
        await interaction.response.send_message(f"**{title}** ({level}).{extra}", view=view)

    async def announce(self, interaction: discord.Interaction, text: str) -> None:
        assert isinstance(interaction.channel, discord.TextChannel)
        await interaction.channel.send(text)
        await interaction.response.send_message("Announced.", ephemeral=True)

    async def rename(self, interaction: discord.Interaction, message_id: str, text: str) -> None:
        await interaction.response.defer(ephemeral=True)
        assert isinstance(interaction.channel, discord.TextChannel)
        await interaction.channel.get_partial_message(int(message_id)).edit(content=text)
        await interaction.followup.send("Renamed.", ephemeral=True)

    async def slow(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.hold()
        await interaction.followup.send("Thought about it.", ephemeral=True)
        await interaction.followup.send("One more thing.", ephemeral=True)

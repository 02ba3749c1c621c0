"""A server set up for moderators' tests: extra channels and roles, then the real bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.app import TutorBot
from bot.sandbox import Channel, Interaction, LoopbackDiscord, Member, Message, Role
from bot.sandbox.model import EVERYONE_PERMISSIONS
from tests.clock import ManualClock
from tests.e2e.bots import answer_id, running_bot
from tests.loopback_fixtures import Scene


@dataclass
class Server:
    scene: Scene
    general: Channel
    mod_log: Channel
    helpers: Role  # may moderate once configured, without Manage Server
    quizzers: Role
    helper: Member


@asynccontextmanager
async def server_with_bot(
    loopback: LoopbackDiscord, scene: Scene, clock: ManualClock, database: Path
) -> AsyncIterator[tuple[Server, TutorBot]]:
    world = loopback.world
    helpers = world.add_role(scene.guild, "Helpers", EVERYONE_PERMISSIONS)
    server = Server(
        scene=scene,
        general=loopback.add_channel(scene.guild, "general"),
        mod_log=loopback.add_channel(scene.guild, "mod-log"),
        helpers=helpers,
        quizzers=world.add_role(scene.guild, "Quizzers", EVERYONE_PERMISSIONS),
        helper=world.add_member(scene.guild, "helper", roles=(helpers,)),
    )
    async with running_bot(loopback, scene, clock, database) as bot:
        yield server, bot


async def ask(
    loopback: LoopbackDiscord, who: Member, channel: Channel, command: str, /, **options: object
) -> Message:
    """Run a command and return what the member sees as its answer."""
    return await loopback.reply_to(await loopback.run_command(who, channel, command, **options))


async def multiple_choice(loopback: LoopbackDiscord, scene: Scene) -> Message:
    return await ask(
        loopback, scene.alice, scene.channel, "practice", pack="demo", difficulty="medium"
    )


async def known_to_the_bot(bot: TutorBot, post: Message) -> Message:
    """The post, once the bot has stored its message id (just after Discord answered the
    bot's follow-up, which may be after the member already sees it): moderators name posts
    by message. Polls the store's own reads, a bounded number of times: first at once, then
    a hundredth of a second apart (at most ~30 s), since the write is the writer thread's and
    a loaded machine can keep that thread waiting well past any fixed count of loop turns."""
    for attempt in range(3_100):
        if await bot.practice.store.servers.post_by_message(post.id) is not None:
            return post
        await asyncio.sleep(0 if attempt < 100 else 0.01)
    raise AssertionError(f"the bot never stored message {post.id} as a post")


def post_id_of(post: Message) -> int:
    return int(next(iter(post.buttons())).split(":")[2])


def link_to(post: Message) -> str:
    return f"https://discord.com/channels/{post.guild_id}/{post.channel_id}/{post.id}"


async def click_letter(
    loopback: LoopbackDiscord, member: Member, post: Message, letter: str
) -> Message:
    clicked: Interaction = await loopback.click(member, post, answer_id(post, letter))
    return await loopback.reply_to(clicked)


def let_everyone_see(loopback: LoopbackDiscord, scene: Scene, command: str) -> None:
    """What a server admin can do in Server Settings > Integrations: show a command to all."""
    for registered in [*loopback.commands(scene.guild), *loopback.commands()]:
        if registered["name"] == command:
            registered["default_member_permissions"] = None

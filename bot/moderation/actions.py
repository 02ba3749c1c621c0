"""Moderators: who they are, and their tools (settings, reset, close, disable, reports, items,
audit).

Discord-free: the adapter (bot.moderation.commands) says who acts and with what permissions, as
Discord reported them; every tool checks again here that the actor is a moderator, since
server admins can change who sees the commands. Every change is recorded with its audit.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.errors import Refused
from bot.interactions import custom_ids
from bot.members.reports import quoted
from bot.moderation import items as analytics
from bot.moderation import server_settings
from bot.moderation.server_settings import SettingsChange
from bot.practice.counters import CounterRefresher
from bot.render import AttachedFile, Rendered
from bot.store import Audit, Post, ServerSettings, TutorStore
from exercises import Catalog

AUDIT_SHOWN = 20
_MESSAGE_LINK = re.compile(r"https://(?:\w+\.)?discord(?:app)?\.com/channels/\d+/(\d+)/(\d+)")
_MESSAGE_ID = re.compile(r"\d+")
LARGEST_ID = 2**63 - 1  # Discord's ids (snowflakes) fit in a signed 64-bit integer, as stored
NOT_A_POST = "`post`: that message is not an exercise posted on this server."

ButtonsOf = Callable[[int, int], Awaitable[list[str]]]
"""(channel id, message id) -> the custom ids of the bot's buttons on that message, [] when
there is no such message of the bot's: what the adapter reads from Discord."""


@dataclass(frozen=True)
class Actor:
    """Who runs a command, as Discord reported it (never as an option claims)."""

    guild_id: int
    member_id: int
    role_ids: frozenset[int]
    manages_server: bool


def is_moderator(actor: Actor, settings: ServerSettings) -> bool:
    role = settings.moderator_role_id
    return actor.manages_server or (role is not None and role in actor.role_ids)


def not_a_moderator(settings: ServerSettings) -> Refused:
    role = settings.moderator_role_id
    needed = "the Manage Server permission" + (f" or the <@&{role}> role" if role else "")
    return Refused(f"Only moderators can do this: it needs {needed}, and you have neither.")


@dataclass(frozen=True)
class PastedPost:
    """A post as a moderator pasted it: a message link (with its channel) or a message id."""

    message_id: int
    channel_id: int | None = None


def pasted_post(reference: str) -> PastedPost:
    """A post named by its message link ("Copy Message Link") or its message id; an id that
    no Discord message can have is named, in one line."""
    text = reference.strip()
    link = _MESSAGE_LINK.fullmatch(text)
    if link:
        return PastedPost(_snowflake(link[2]), channel_id=_snowflake(link[1]))
    if _MESSAGE_ID.fullmatch(text):
        return PastedPost(_snowflake(text))
    raise Refused("`post`: paste the exercise's message link (Copy Message Link) or its id.")


def _snowflake(digits: str) -> int:
    value = int(digits)
    if not 0 < value <= LARGEST_ID:
        shown = digits if len(digits) <= 30 else digits[:30] + "…"
        raise Refused(
            f"`post`: {shown} cannot be a Discord id (they are 1 to 19 digits, at most "
            f"{LARGEST_ID}); paste the exercise's message link (Copy Message Link)."
        )
    return value


class Moderation:
    def __init__(
        self,
        *,
        store: TutorStore,
        catalog: Catalog,
        clock: Clock,
        counters: CounterRefresher | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.counters = counters  # a reset changes a post's public counters

    async def require_moderator(self, actor: Actor) -> ServerSettings:
        settings = await self.store.servers.settings(actor.guild_id)
        if not is_moderator(actor, settings):
            raise not_a_moderator(settings)
        return settings

    def _audit(self, actor: Actor, action: str, detail: str) -> Audit:
        return Audit(actor.guild_id, actor.member_id, action, detail, self.clock.now())

    async def configure(self, actor: Actor, change: SettingsChange) -> str:
        settings = await self.require_moderator(actor)
        if change.empty:
            return server_settings.describe(settings)
        new, said = server_settings.apply(settings, change)
        await self.store.servers.save_settings(new, self._audit(actor, "config", "; ".join(said)))
        return "Saved: " + "; ".join(said) + ".\n\n" + server_settings.describe(new)

    async def post_in_server(
        self, actor: Actor, reference: str, *, channel_id: int, buttons_of: ButtonsOf | None = None
    ) -> Post:
        """The pasted post; `channel_id`: where the command is used (a bare id is looked
        for there). A post whose message id was never stored (the bot stopped between
        sending it and recording it) is found by the post id its buttons carry."""
        pasted = pasted_post(reference)
        post = await self.store.servers.post_by_message(pasted.message_id)
        if post is None and buttons_of is not None:
            post = await self._post_by_buttons(actor, pasted, channel_id, buttons_of)
        if post is None or post.guild_id != actor.guild_id:
            raise Refused(NOT_A_POST)
        return post

    async def _post_by_buttons(
        self, actor: Actor, pasted: PastedPost, channel_id: int, buttons_of: ButtonsOf
    ) -> Post | None:
        """The post the message's buttons name, if it is this server's, in that channel, and
        still without a message; that message is then recorded as the post's."""
        channel_id = pasted.channel_id or channel_id
        carried = {
            getattr(custom_ids.parse(custom_id), "post_id", None)
            for custom_id in await buttons_of(channel_id, pasted.message_id)
        } - {None}
        if len(carried) != 1:
            return None
        post = await self.store.get_post(int(carried.pop() or 0))
        if (
            post is None
            or post.guild_id != actor.guild_id
            or post.channel_id != channel_id
            or post.message_id is not None
        ):
            return None
        return await self.store.set_post_message(post.post_id, pasted.message_id)

    async def reset(
        self,
        actor: Actor,
        reference: str,
        member_id: int,
        *,
        channel_id: int = 0,
        buttons_of: ButtonsOf | None = None,
    ) -> str:
        await self.require_moderator(actor)
        post = await self.post_in_server(
            actor, reference, channel_id=channel_id, buttons_of=buttons_of
        )
        detail = f"attempts of <@{member_id}> on post {post.post_id} ({post.exercise_id})"
        audit = self._audit(actor, "reset", detail)
        removed = await self.store.servers.reset_attempts(
            post_id=post.post_id, member_id=member_id, audit=audit
        )
        if removed and self.counters is not None:
            self.counters.post_changed(post.post_id)
        return f"Reset: <@{member_id}> has every attempt back on that post ({removed} removed)."

    async def close(
        self,
        actor: Actor,
        reference: str,
        *,
        channel_id: int = 0,
        buttons_of: ButtonsOf | None = None,
    ) -> tuple[Post, str]:
        """The post to show as closed, and what to tell the moderator."""
        await self.require_moderator(actor)
        post = await self.post_in_server(
            actor, reference, channel_id=channel_id, buttons_of=buttons_of
        )
        audit = self._audit(actor, "close", f"post {post.post_id} ({post.exercise_id})")
        if await self.store.servers.close_post(post.post_id, audit):
            return post, "Closed: that post takes no more answers, and its buttons say so."
        return post, "That post was closed already."

    async def set_disabled(self, actor: Actor, exercise_id: str, *, disabled: bool) -> str:
        await self.require_moderator(actor)
        if exercise_id not in self.catalog.exercises:
            raise Refused(f"`exercise`: there is no exercise `{exercise_id[:80]}`.")
        action = "disable" if disabled else "enable"
        changed = await self.store.servers.set_exercise_disabled(
            guild_id=actor.guild_id,
            exercise_id=exercise_id,
            disabled=disabled,
            audit=self._audit(actor, action, exercise_id),
        )
        state = "disabled" if disabled else "enabled"
        if not changed:
            return f"`{exercise_id}` was {state} already."
        after = "is no longer posted here" if disabled else "can be posted here again"
        return f"`{exercise_id}` is {state}: it {after}."

    def exercise_suggestions(self, typed: str) -> list[str]:
        needle = typed.strip().lower()
        found = [key for key in sorted(self.catalog.exercises) if needle in key.lower()]
        return found[: server_settings.MAX_SUGGESTIONS]

    async def reports(self, actor: Actor) -> str:
        await self.require_moderator(actor)
        summaries = await self.store.servers.reports(actor.guild_id)
        if not summaries:
            return "No exercise has been reported on this server."
        lines = ["**Reported exercises** (most reported first)"]
        for summary in summaries:
            exercise = self.catalog.exercises.get(summary.exercise_id)
            version = (
                "current version"
                if exercise and exercise.content_hash == summary.content_hash
                else "an older version"
            )
            reasons = "; ".join(quoted(reason[:100]) for reason in summary.reasons[:5])
            plural = "s" if summary.count != 1 else ""
            lines.append(
                f"`{summary.exercise_id}` ({version}): {summary.count} report{plural}: {reasons}"
            )
        return _fit(lines)

    def pack_suggestions(self, typed: str) -> list[str]:
        needle = typed.strip().lower()
        found = [pack for pack in self.catalog.packs if needle in pack.lower()]
        return found[: server_settings.MAX_SUGGESTIONS]

    async def items(self, actor: Actor, pack: str | None) -> Rendered:
        """How each exercise of `pack` (or of every pack) fares on this server, with its
        flags, as text and a chart: one query per pack."""
        await self.require_moderator(actor)
        if pack is not None and pack not in self.catalog.packs:
            raise Refused(f"`pack`: there is no pack `{pack[:100]}` here.")
        found: list[analytics.Item] = []
        for name in [pack] if pack else list(self.catalog.packs):
            found += await analytics.pack_items(
                self.store, self.catalog, name, guild_id=actor.guild_id
            )
        which = pack or "every pack"
        if not found:
            return Rendered(content=f"No exercise of {which} has been posted on this server yet.")
        chart = await asyncio.to_thread(analytics.chart, which, found)
        return Rendered(
            content=_fit(analytics.as_lines(which, found)),
            files=(AttachedFile("items.png", chart),),
        )

    async def audit(self, actor: Actor) -> str:
        await self.require_moderator(actor)
        entries = await self.store.servers.audit_log(actor.guild_id, limit=AUDIT_SHOWN)
        if not entries:
            return "No moderator action has been recorded on this server yet."
        lines = [f"**Recent moderator actions** (last {AUDIT_SHOWN}, newest first)"]
        for entry in entries:
            when = f"<t:{int(entry.acted_at.timestamp())}:f>"
            lines.append(f"{when} <@{entry.moderator_id}> **{entry.action}** {entry.detail}")
        return _fit(lines)


def _fit(lines: list[str], limit: int = 2000) -> str:
    kept: list[str] = []
    for line in lines:
        if sum(len(k) + 1 for k in kept) + len(line) > limit - 2:
            kept.append("…")
            break
        kept.append(line)
    return "\n".join(kept)

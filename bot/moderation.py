"""Moderators: who they are, and their tools (settings, reset, close, disable, reports, audit).

Discord-free: the adapter (bot.mod_commands) says who acts and with what permissions, as
Discord reported them; every tool checks again here that the actor is a moderator, since
server admins can change who sees the commands. Every change is recorded with its audit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import server_settings
from bot.clock import Clock
from bot.counters import CounterRefresher
from bot.errors import Refused
from bot.reports import quoted
from bot.server_settings import SettingsChange
from bot.store import Audit, Post, ServerSettings, Store
from exercises import Catalog

AUDIT_SHOWN = 20
_MESSAGE_LINK = re.compile(r"https://(?:\w+\.)?discord(?:app)?\.com/channels/\d+/\d+/(\d{1,20})")
_MESSAGE_ID = re.compile(r"\d{1,20}")


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


def message_id_of(reference: str) -> int:
    """A post named by its message link ("Copy Message Link") or its message id."""
    text = reference.strip()
    link = _MESSAGE_LINK.fullmatch(text)
    if link:
        return int(link[1])
    if _MESSAGE_ID.fullmatch(text):
        return int(text)
    raise Refused("`post`: paste the exercise's message link (Copy Message Link) or its id.")


class Moderation:
    def __init__(
        self,
        *,
        store: Store,
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

    async def post_in_server(self, actor: Actor, reference: str) -> Post:
        post = await self.store.servers.post_by_message(message_id_of(reference))
        if post is None or post.guild_id != actor.guild_id:
            raise Refused("`post`: that message is not an exercise posted on this server.")
        return post

    async def reset(self, actor: Actor, reference: str, member_id: int) -> str:
        await self.require_moderator(actor)
        post = await self.post_in_server(actor, reference)
        detail = f"attempts of <@{member_id}> on post {post.post_id} ({post.exercise_id})"
        audit = self._audit(actor, "reset", detail)
        removed = await self.store.servers.reset_attempts(
            post_id=post.post_id, member_id=member_id, audit=audit
        )
        if removed and self.counters is not None:
            self.counters.post_changed(post.post_id)
        return f"Reset: <@{member_id}> has every attempt back on that post ({removed} removed)."

    async def close(self, actor: Actor, reference: str) -> tuple[Post, str]:
        """The post to show as closed, and what to tell the moderator."""
        await self.require_moderator(actor)
        post = await self.post_in_server(actor, reference)
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

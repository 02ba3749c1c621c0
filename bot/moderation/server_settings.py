"""A server's settings as moderators change them: what may be set, checked, and described.

Discord-free: takes ids and names, returns the new settings and the words that say what
changed. Bad values are refused naming the setting and what it accepts.
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from dataclasses import dataclass
from functools import cache

from bot.errors import Refused
from bot.store import ServerSettings

MAX_FORGET_AFTER_DAYS = 365
MAX_SUGGESTIONS = 25  # Discord shows at most 25 autocomplete choices


@dataclass(frozen=True)
class SettingsChange:
    """What one `/tutor config` asks for; None leaves a setting as it is."""

    time_zone: str | None = None
    moderator_role_id: int | None = None
    add_practice_channel_id: int | None = None
    remove_practice_channel_id: int | None = None
    log_channel_id: int | None = None
    quiz_role_id: int | None = None
    forget_after_days: int | None = None

    @property
    def empty(self) -> bool:
        return all(value is None for value in dataclasses.astuple(self))


@cache
def _time_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def check_time_zone(name: str) -> str:
    """The IANA name as the database spells it, or a refusal naming the setting."""
    wanted = name.strip()
    for known in _time_zones():
        if known.lower() == wanted.lower():
            return known
    raise Refused(
        f"`time_zone`: {wanted[:60]!r} is not an IANA time zone. "
        "Start typing a city, e.g. `Europe/Paris` or `America/New_York`, and pick one."
    )


def time_zone_suggestions(typed: str) -> list[str]:
    """Time zones for what has been typed so far: names starting with it, then names with a
    part starting with it ("new" finds America/New_York), then names containing it."""
    needle = typed.strip().lower().replace(" ", "_")

    def rank(zone: str) -> int:
        name = zone.lower()
        if name.startswith(needle):
            return 0
        if any(part.startswith(needle) for part in name.split("/")):
            return 1
        return 2 if needle in name else 3

    ranked = sorted((rank(zone), zone) for zone in _time_zones())
    return [zone for order, zone in ranked if order < 3][:MAX_SUGGESTIONS]


def apply(settings: ServerSettings, change: SettingsChange) -> tuple[ServerSettings, list[str]]:
    """The settings after `change`, and one line per setting it changed."""
    said: list[str] = []
    new = settings
    if change.time_zone is not None:
        zone = check_time_zone(change.time_zone)
        new = dataclasses.replace(new, time_zone=zone)
        said.append(f"time zone: {zone}")
    if change.moderator_role_id is not None:
        new = dataclasses.replace(new, moderator_role_id=change.moderator_role_id)
        said.append(f"moderator role: <@&{change.moderator_role_id}>")
    channels = set(new.practice_channel_ids)
    if change.add_practice_channel_id is not None:
        channels.add(change.add_practice_channel_id)
        said.append(f"/practice allowed in <#{change.add_practice_channel_id}>")
    if change.remove_practice_channel_id is not None:
        channels.discard(change.remove_practice_channel_id)
        said.append(f"/practice no longer limited to <#{change.remove_practice_channel_id}>")
    new = dataclasses.replace(new, practice_channel_ids=frozenset(channels))
    if change.log_channel_id is not None:
        new = dataclasses.replace(new, log_channel_id=change.log_channel_id)
        said.append(f"moderators' log: <#{change.log_channel_id}>")
    if change.quiz_role_id is not None:
        new = dataclasses.replace(new, quiz_role_id=change.quiz_role_id)
        said.append(f"daily quiz ping: <@&{change.quiz_role_id}>")
    if change.forget_after_days is not None:
        days = change.forget_after_days
        if not 1 <= days <= MAX_FORGET_AFTER_DAYS:
            raise Refused(
                f"`forget_after_days`: {days} is not between 1 and {MAX_FORGET_AFTER_DAYS}."
            )
        new = dataclasses.replace(new, forget_after_days=days)
        said.append(f"server data deleted {days} days after the bot is removed")
    return new, said


def describe(settings: ServerSettings) -> str:
    """The settings as `/tutor config` shows them (mentions render, and never ping)."""

    def role(role_id: int | None) -> str:
        return f"<@&{role_id}>" if role_id else "none"

    channels = " ".join(f"<#{channel}>" for channel in sorted(settings.practice_channel_ids))
    lines = [
        "**This server's tutor settings**",
        f"Time zone: {settings.time_zone}",
        f"Moderator role: {role(settings.moderator_role_id)} (and anyone with Manage Server)",
        f"/practice channels: {channels or 'any channel the bot can post in'}",
        "Moderators' log: "
        + (f"<#{settings.log_channel_id}>" if settings.log_channel_id else "none"),
        f"Daily quiz ping: {role(settings.quiz_role_id)}",
        f"Data deleted {settings.forget_after_days} days after the bot is removed.",
    ]
    return "\n".join(lines)


def practice_refusal(settings: ServerSettings, channel_id: int) -> Refused | None:
    """Why /practice may not be used in this channel, or None when it may."""
    allowed = settings.practice_channel_ids
    if not allowed or channel_id in allowed:
        return None
    where = ", ".join(f"<#{channel}>" for channel in sorted(allowed))
    return Refused(f"`/practice` is not used in this channel on this server. Use it in {where}.")

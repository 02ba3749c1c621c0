"""Who is a moderator, what settings accept, and how posts are named: pure, no Discord."""

from __future__ import annotations

import pytest

from bot.errors import Refused
from bot.moderation import server_settings
from bot.moderation.actions import Actor, is_moderator, not_a_moderator, pasted_post
from bot.moderation.server_settings import SettingsChange
from bot.quiz.mentions import quiz_ping
from bot.store import ServerSettings

GUILD = 10


def actor(*, roles: frozenset[int] = frozenset(), manages: bool = False) -> Actor:
    return Actor(guild_id=GUILD, member_id=1, role_ids=roles, manages_server=manages)


def test_manage_server_or_the_configured_role_makes_a_moderator() -> None:
    with_role = ServerSettings(GUILD, moderator_role_id=5)
    assert is_moderator(actor(manages=True), ServerSettings(GUILD))
    assert is_moderator(actor(roles=frozenset({5})), with_role)
    assert not is_moderator(actor(roles=frozenset({5})), ServerSettings(GUILD))
    assert not is_moderator(actor(roles=frozenset({6})), with_role)


def test_the_refusal_names_what_is_missing() -> None:
    assert not_a_moderator(ServerSettings(GUILD)).message == (
        "Only moderators can do this: it needs the Manage Server permission, and you have neither."
    )
    assert (
        "or the <@&5> role" in not_a_moderator(ServerSettings(GUILD, moderator_role_id=5)).message
    )


@pytest.mark.parametrize(
    ("reference", "message_id"),
    [
        ("https://discord.com/channels/1/2/345", 345),
        ("https://ptb.discord.com/channels/1/2/345", 345),
        (" 345 ", 345),
    ],
)
def test_a_post_is_named_by_its_link_or_id(reference: str, message_id: int) -> None:
    assert pasted_post(reference).message_id == message_id


@pytest.mark.parametrize("reference", ["", "https://example.com/channels/1/2/3", "post 3"])
def test_anything_else_is_refused_naming_the_option(reference: str) -> None:
    with pytest.raises(Refused, match=r"^`post`:"):
        pasted_post(reference)


@pytest.mark.parametrize(
    "reference",
    [
        "99999999999999999999",  # 20 digits: once an OverflowError and a generic apology
        "https://discord.com/channels/1/99999999999999999999/345",
        "0",
        "9" * 400,
    ],
)
def test_an_id_no_discord_message_can_have_is_named_in_one_line(reference: str) -> None:
    with pytest.raises(Refused, match=r"^`post`: \d+…? cannot be a Discord id") as refused:
        pasted_post(reference)

    assert "\n" not in refused.value.message
    assert len(refused.value.message) < 200


def test_the_largest_id_is_taken() -> None:
    assert pasted_post(str(2**63 - 1)).message_id == 2**63 - 1


def test_time_zones_are_iana_names_found_case_insensitively() -> None:
    assert server_settings.check_time_zone("europe/paris") == "Europe/Paris"
    with pytest.raises(Refused, match=r"^`time_zone`: 'Paris' is not an IANA time zone"):
        server_settings.check_time_zone("Paris")


def test_suggestions_start_with_what_was_typed_then_contain_it() -> None:
    assert server_settings.time_zone_suggestions("europe/pa")[0] == "Europe/Paris"
    suggestions = server_settings.time_zone_suggestions("new")
    assert suggestions[0] == "America/New_York"
    assert "America/North_Dakota/New_Salem" in suggestions
    assert len(server_settings.time_zone_suggestions("")) == 25


def test_a_change_says_what_it_changed_and_keeps_the_rest() -> None:
    before = ServerSettings(GUILD, practice_channel_ids=frozenset({1, 2}), log_channel_id=9)
    change = SettingsChange(
        time_zone="asia/tokyo", add_practice_channel_id=3, remove_practice_channel_id=1
    )

    after, said = server_settings.apply(before, change)

    assert after == ServerSettings(
        GUILD, time_zone="Asia/Tokyo", practice_channel_ids=frozenset({2, 3}), log_channel_id=9
    )
    assert said == [
        "time zone: Asia/Tokyo",
        "/practice allowed in <#3>",
        "/practice no longer limited to <#1>",
    ]


def test_forget_after_days_is_bounded() -> None:
    with pytest.raises(Refused, match=r"^`forget_after_days`: 0 is not between 1 and 365\."):
        server_settings.apply(ServerSettings(GUILD), SettingsChange(forget_after_days=0))


def test_practice_is_allowed_anywhere_until_channels_are_set() -> None:
    assert server_settings.practice_refusal(ServerSettings(GUILD), 7) is None
    limited = ServerSettings(GUILD, practice_channel_ids=frozenset({8}))
    assert server_settings.practice_refusal(limited, 8) is None
    refusal = server_settings.practice_refusal(limited, 7)
    assert refusal is not None
    assert refusal.message.endswith("Use it in <#8>.")


def test_the_quiz_ping_lets_through_that_role_only() -> None:
    text, allowed = quiz_ping(77)
    assert text == "<@&77>"
    assert allowed.to_dict() == {"parse": [], "roles": [77]}
    assert quiz_ping(None)[1].to_dict() == {"parse": []}

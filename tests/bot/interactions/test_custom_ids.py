"""Every custom_id kind round-trips, and anything that is not exactly one of ours is refused."""

from __future__ import annotations

import pytest

from bot.interactions import custom_ids
from bot.interactions.custom_ids import (
    AnswerChoice,
    ForgetMe,
    Hint,
    OpenPanel,
    PanelChoice,
    PatternTestChoice,
    Report,
    RunIt,
    Submit,
)

EXAMPLES = [
    AnswerChoice(post_id=1, letter="D"),
    OpenPanel(post_id=42),
    PanelChoice(post_id=7, chosen="A_C", blank=2, letter="B"),
    Submit(post_id=123456789012345678, chosen="ABC"),
    Hint(post_id=9),
    RunIt(post_id=5, answer="CAB"),
    PatternTestChoice(run_id=3, position=9, chosen="A_"),
    Report(post_id=11),
    ForgetMe(member_id=18_446_744_073_709_551_615),
]


@pytest.mark.parametrize("button", EXAMPLES, ids=lambda button: type(button).__name__)
def test_round_trip(button: custom_ids.ButtonId) -> None:
    custom_id = button.to_id()

    assert len(custom_id) <= custom_ids.MAX_LENGTH
    assert custom_ids.parse(custom_id) == button


def test_every_kind_is_in_the_registry_and_covered() -> None:
    assert {type(button) for button in EXAMPLES} == set(custom_ids.KINDS)


def test_the_longest_ids_fit_discords_limit() -> None:
    longest_post = 10**18 - 1
    ids = [
        PanelChoice(longest_post, "ABC", 3, "D").to_id(),
        Submit(longest_post, "ABC").to_id(),
        RunIt(longest_post, "ABC").to_id(),
        PatternTestChoice(longest_post, 99, "ABC").to_id(),
    ]
    assert max(len(custom_id) for custom_id in ids) <= 100


def test_a_panel_choice_updates_only_its_blank() -> None:
    assert PanelChoice(1, "A_C", 2, "B").chosen_after() == "ABC"
    assert PanelChoice(1, "___", 1, "D").chosen_after() == "D__"


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "t1",
        "t1:a:1:E",  # no option E
        "t1:a:1:a",  # letters are upper case
        "t1:a:0:A",  # post ids start at 1
        "t1:a:01:A",
        "t1:a:-1:A",
        "t1:a:1:A:extra",
        "t1:a:1:A\n",
        " t1:a:1:A",
        "t2:a:1:A",  # another version
        "t1:z:1",  # unknown kind
        "t1:o:1234567890123456789",  # 19 digits: longer than a snowflake-sized id
        "t1:p:1:ABCD:1A",  # four blanks
        "t1:p:1:A_C:4A",  # blank 4
        "t1:p:1:A_C:0A",
        "t1:s:1:",
        "t1:r:1:",
        "t1:h:1:A",
        "t1:a:" + "1" * 200 + ":A",
        "t1:a:\uff11:A",  # a full-width digit is not a digit here
        "t1:q:3:0:A",  # a /test choice by file letter, from before ids named shown letters
    ],
)
def test_malformed_ids_are_refused(forged: str) -> None:
    assert custom_ids.parse(forged) is None


def test_the_report_form_id_round_trips_and_nothing_else_is_a_form() -> None:
    form = custom_ids.ReportForm(post_id=31)
    assert custom_ids.parse_form(form.to_id()) == form
    assert custom_ids.parse_form("t1:m:0") is None
    assert custom_ids.parse_form("t1:x:31") is None
    assert custom_ids.parse(form.to_id()) is None  # a form is not a button

"""Buttons that survive restarts: one DynamicItem per kind of custom_id, routed by its template.

A button carries its whole state in its custom_id (see bot.custom_ids); discord.py matches
the template on every click, even on messages sent before a restart. The item only parses;
the client's `handle_button` decides, so nothing here holds state or talks to the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol, cast

import discord

from bot import custom_ids
from bot.custom_ids import ButtonId
from bot.render import ButtonSpec


class ButtonHandler(Protocol):
    async def handle_button(self, interaction: discord.Interaction, button: ButtonId) -> None: ...


class _TutorButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"(?!)",  # matches nothing: only the kinds below are registered, with their own
):
    kind: type[ButtonId]

    def __init__(self, button_id: ButtonId, spec: ButtonSpec | None = None) -> None:
        label = spec.label if spec else "?"
        super().__init__(
            discord.ui.Button(
                label=label,
                custom_id=button_id.to_id(),
                style=discord.ButtonStyle(spec.style if spec else 2),
                row=spec.row if spec else None,
                disabled=spec.disabled if spec else False,
            )
        )
        self.button_id = button_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> _TutorButton:
        return cls(custom_ids.from_match(cls.kind, match))

    async def callback(self, interaction: discord.Interaction) -> None:
        await cast(ButtonHandler, interaction.client).handle_button(interaction, self.button_id)


class AnswerButton(_TutorButton, template=custom_ids.AnswerChoice.TEMPLATE):
    kind = custom_ids.AnswerChoice


class OpenPanelButton(_TutorButton, template=custom_ids.OpenPanel.TEMPLATE):
    kind = custom_ids.OpenPanel


class PanelChoiceButton(_TutorButton, template=custom_ids.PanelChoice.TEMPLATE):
    kind = custom_ids.PanelChoice


class SubmitButton(_TutorButton, template=custom_ids.Submit.TEMPLATE):
    kind = custom_ids.Submit


class HintButton(_TutorButton, template=custom_ids.Hint.TEMPLATE):
    kind = custom_ids.Hint


class RunItButton(_TutorButton, template=custom_ids.RunIt.TEMPLATE):
    kind = custom_ids.RunIt


class PatternTestButton(_TutorButton, template=custom_ids.PatternTestChoice.TEMPLATE):
    kind = custom_ids.PatternTestChoice


class ReportButton(_TutorButton, template=custom_ids.Report.TEMPLATE):
    kind = custom_ids.Report


class ForgetMeButton(_TutorButton, template=custom_ids.ForgetMe.TEMPLATE):
    kind = custom_ids.ForgetMe


BUTTONS: tuple[type[_TutorButton], ...] = (
    AnswerButton,
    OpenPanelButton,
    PanelChoiceButton,
    SubmitButton,
    HintButton,
    RunItButton,
    PatternTestButton,
    ReportButton,
    ForgetMeButton,
)
_BY_KIND = {button.kind: button for button in BUTTONS}


def view_for(specs: Sequence[ButtonSpec]) -> discord.ui.View | None:
    """A view of our buttons; None when there are none. Every custom_id must be ours."""
    if not specs:
        return None
    view = discord.ui.View(timeout=None)
    for spec in specs:
        button_id = custom_ids.parse(spec.custom_id)
        if button_id is None:
            raise ValueError(f"not one of our custom_ids: {spec.custom_id!r}")
        view.add_item(_BY_KIND[type(button_id)](button_id, spec))
    return view

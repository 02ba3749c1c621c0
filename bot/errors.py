"""Errors the bot turns into a short private message for the member; everything else is logged.

exercises.TutorError
 └── Refused        a click or command that cannot be honoured (stale, forged, too soon)
"""

from __future__ import annotations

from exercises import TutorError


class Refused(TutorError):
    """Tell the member `message` privately and change nothing."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


STALE_BUTTON = "This button no longer matches an exercise here. Use `/practice` for a new one."

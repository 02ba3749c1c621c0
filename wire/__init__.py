"""What crosses the process boundary between the bot and the tutor service, written once.

Neither process's package: both import it, and it imports nothing of ours.
"""

from wire.runs import (
    MEMBER_HEADER,
    SECRET_HEADER,
    ErrorReport,
    Piece,
    ResponseReport,
    RunReport,
    RunResult,
    WireError,
    content_tag,
)

__all__ = [
    "MEMBER_HEADER",
    "SECRET_HEADER",
    "ErrorReport",
    "Piece",
    "ResponseReport",
    "RunReport",
    "RunResult",
    "WireError",
    "content_tag",
]

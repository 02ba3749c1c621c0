"""The loopback Discord: REST v10 and gateway v10 on 127.0.0.1 for the real discord.py client.

Tests, benchmarks and the no-token sandbox run it; it must never talk to the real Discord.
Request bodies are checked against Discord's OpenAPI description by `bot.sandbox.spec`.
"""

from bot.clock import Clock
from bot.sandbox.loopback import DEFAULT_TOKEN, LoopbackDiscord
from bot.sandbox.members import DriverError
from bot.sandbox.model import Channel, Guild, Member, Message, Role, User
from bot.sandbox.recording import RecordedRequest
from bot.sandbox.world import Interaction

__all__ = [
    "DEFAULT_TOKEN",
    "Channel",
    "Clock",
    "DriverError",
    "Guild",
    "Interaction",
    "LoopbackDiscord",
    "Member",
    "Message",
    "RecordedRequest",
    "Role",
    "User",
]

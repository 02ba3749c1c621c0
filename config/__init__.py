"""Settings shared by the bot, the tutor service and the pack check: one registry, one reader.

No Discord, Django or database imports: every process may import this.
"""

from config.registry import (
    BY_NAME,
    SETTINGS,
    Reader,
    Setting,
    SettingsError,
    default_of,
    exercises_path,
    log_format,
    read_environment,
)
from config.secret import Secret, redact_url, redacted_repr

__all__ = [
    "BY_NAME",
    "SETTINGS",
    "Reader",
    "Secret",
    "Setting",
    "SettingsError",
    "default_of",
    "exercises_path",
    "log_format",
    "read_environment",
    "redact_url",
    "redacted_repr",
]

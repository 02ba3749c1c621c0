"""End-to-end tests drive the real bot through the loopback Discord.

The fixtures come from `tests/loopback_fixtures.py` (registered in `tests/conftest.py`):
`loopback`, `scene`, `manual_clock`, `discord_spec`, `logged_errors`, `rejected_bodies`.
See tests/README.md for how to write such a test.
"""

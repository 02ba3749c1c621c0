"""The quiz tests that need a store run against every store backend, as the store's own do."""

from tests.bot.store.conftest import backend, store

__all__ = ["backend", "store"]

"""Review cards run against every store backend, as the store's own tests do."""

from tests.bot.store.conftest import backend, store

__all__ = ["backend", "store"]

"""Alembic's entry point: runs the revisions on the connection bot/store/upgrade.py hands it,
inside the one transaction that connection already holds (all of them or none)."""

from alembic import context

from bot.store.tables import metadata

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,
    render_as_batch=True,  # SQLite changes a table by rebuilding it; name every constraint
)
with context.begin_transaction():
    context.run_migrations()

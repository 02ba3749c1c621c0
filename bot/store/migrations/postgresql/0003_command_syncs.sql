-- PostgreSQL's version of ../0003_command_syncs.sql.

CREATE TABLE command_syncs (
    scope      bigint  PRIMARY KEY,  -- a server id, or 0 for the global commands
    tree_hash  text    NOT NULL,     -- bot.command_sync.tree_hash of what was synced
    synced_at  timestamptz NOT NULL
);

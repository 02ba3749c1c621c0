-- The slash commands last registered with Discord, as a hash of their definitions: at start
-- the bot syncs only when its commands differ from these (Discord allows 200 command
-- creations a day). Times are UTC ISO 8601 text as in 0001.

CREATE TABLE command_syncs (
    scope      INTEGER PRIMARY KEY,  -- a server id, or 0 for the global commands
    tree_hash  TEXT    NOT NULL,     -- bot.command_sync.tree_hash of what was synced
    synced_at  TEXT    NOT NULL
) STRICT;

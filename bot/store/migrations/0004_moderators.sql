-- What moderators set and do, what members report, and what is kept after /forget-me.
-- Times are UTC ISO 8601 text as in 0001.

-- One practice channel column becomes a table (several channels); the rest are new settings.
ALTER TABLE guild_settings ADD COLUMN log_channel_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN quiz_role_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN forget_after_days INTEGER NOT NULL DEFAULT 30
    CHECK (forget_after_days BETWEEN 1 AND 365);
ALTER TABLE guild_settings DROP COLUMN practice_channel_id;

-- Where /practice may be used; no row for a guild means anywhere the bot can post.
CREATE TABLE practice_channels (
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
) STRICT;

-- Exercises a guild's moderators turned off; they are never posted there while listed.
CREATE TABLE disabled_exercises (
    guild_id     INTEGER NOT NULL,
    exercise_id  TEXT    NOT NULL,
    disabled_by  INTEGER NOT NULL,
    disabled_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, exercise_id)
) STRICT;

-- A closed post accepts no more answers; its buttons say so.
CREATE TABLE closed_posts (
    post_id    INTEGER PRIMARY KEY REFERENCES posts (post_id),
    closed_by  INTEGER NOT NULL,
    closed_at  TEXT    NOT NULL
) STRICT;

-- "Report a problem": kept with the version shown, so a fixed exercise starts clean.
CREATE TABLE reports (
    report_id     INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    post_id       INTEGER NOT NULL REFERENCES posts (post_id),
    exercise_id   TEXT    NOT NULL,
    content_hash  TEXT    NOT NULL,
    member_id     INTEGER NOT NULL,
    reason        TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    reported_at   TEXT    NOT NULL
) STRICT;

CREATE INDEX reports_by_exercise ON reports (guild_id, exercise_id, content_hash);

-- Every moderator action: who, what, when. Targets are ids and names, never member text.
CREATE TABLE moderator_actions (
    action_id     INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    moderator_id  INTEGER NOT NULL,
    action        TEXT    NOT NULL,
    detail        TEXT    NOT NULL,
    acted_at      TEXT    NOT NULL
) STRICT;

CREATE INDEX moderator_actions_by_guild ON moderator_actions (guild_id, acted_at);

-- The least /forget-me keeps: who and when, so posts from before earn that member nothing.
CREATE TABLE forgotten_members (
    guild_id      INTEGER NOT NULL,
    member_id     INTEGER NOT NULL,
    forgotten_at  TEXT    NOT NULL,  -- the latest time; posts from before earn no points
    PRIMARY KEY (guild_id, member_id)
) STRICT;

-- When the bot was removed from a guild; its data is deleted after the grace period,
-- unless the bot comes back first (the row is then removed).
CREATE TABLE departed_guilds (
    guild_id  INTEGER PRIMARY KEY,
    left_at   TEXT    NOT NULL
) STRICT;

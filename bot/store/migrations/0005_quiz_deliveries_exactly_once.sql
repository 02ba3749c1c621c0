-- Daily quizzes posted exactly once per schedule and local day, by any number of bot processes.
-- No code wrote quiz_deliveries or quiz_delivery_posts before this migration, so they are
-- rebuilt rather than altered (SQLite cannot change a CHECK in place).

-- Occurrences due before a schedule became active (created, or resumed) are never owed.
ALTER TABLE quiz_schedules ADD COLUMN active_since TEXT;
ALTER TABLE quiz_schedules ADD COLUMN last_error TEXT;     -- shown by /quiz list
ALTER TABLE quiz_schedules ADD COLUMN last_error_at TEXT;

DROP TABLE quiz_delivery_posts;
DROP TABLE quiz_deliveries;

CREATE TABLE quiz_deliveries (
    delivery_id         INTEGER PRIMARY KEY,
    schedule_id         INTEGER NOT NULL REFERENCES quiz_schedules (schedule_id),
    local_date          TEXT    NOT NULL,     -- 'YYYY-MM-DD' in the schedule's zone
    due_at              TEXT    NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'claimed'
                        CHECK (status IN ('claimed', 'posted', 'skipped', 'failed', 'closed')),
    claimed_at          TEXT    NOT NULL,
    claimed_by          TEXT    NOT NULL,     -- the bot process that holds the claim
    lease_until         TEXT    NOT NULL,     -- after this, a crashed claim may be taken over
    failures            INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),  -- for the backoff
    posted_at           TEXT,
    note                TEXT,                 -- why it was skipped or failed
    summary_message_id  INTEGER,
    closed_at           TEXT,
    UNIQUE (schedule_id, local_date)          -- the claim: one delivery per schedule and day
) STRICT;

CREATE INDEX quiz_deliveries_unfinished ON quiz_deliveries (lease_until) WHERE status = 'claimed';

CREATE TABLE quiz_delivery_posts (
    delivery_id  INTEGER NOT NULL REFERENCES quiz_deliveries (delivery_id),
    position     INTEGER NOT NULL CHECK (position >= 0),
    post_id      INTEGER NOT NULL UNIQUE REFERENCES posts (post_id),
    PRIMARY KEY (delivery_id, position)
) STRICT;

CREATE INDEX posts_by_channel ON posts (channel_id, exercise_id, posted_at);

-- Display names as members last showed them to the bot (any interaction), so that leaderboards
-- and quiz summaries name people in one query, without a Discord call or a mention per row.
CREATE TABLE member_names (
    guild_id      INTEGER NOT NULL,
    member_id     INTEGER NOT NULL,
    display_name  TEXT    NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    seen_at       TEXT    NOT NULL,
    PRIMARY KEY (guild_id, member_id)
) STRICT;

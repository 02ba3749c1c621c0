-- The learner log: exercises posted in channels, every answer given, every hint taken.
-- Times are UTC, ISO 8601 text with microseconds and a Z ("2025-01-31T09:15:00.000000Z"),
-- so that comparing the text compares the times.
-- Leaderboards, pick rates and streaks are computed from these rows, never kept as counters.

CREATE TABLE posts (
    post_id        INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    channel_id     INTEGER NOT NULL,
    message_id     INTEGER UNIQUE,            -- NULL until the Discord message is sent
    exercise_id    TEXT    NOT NULL,          -- "pack/exercise"
    content_hash   TEXT    NOT NULL,          -- which version of the exercise was shown
    difficulty     TEXT    NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
    context        TEXT    NOT NULL CHECK (context IN ('practice', 'daily-quiz', 'test')),
    attempt_limit  INTEGER NOT NULL CHECK (attempt_limit >= 1),
    posted_at      TEXT    NOT NULL
) STRICT;

-- No farming: "has this member solved this exercise in this guild before?"
CREATE INDEX posts_by_exercise ON posts (guild_id, exercise_id);

-- Append-only: a row is never changed (a moderator's reset or /forget-me may delete rows).
CREATE TABLE attempts (
    attempt_id      INTEGER PRIMARY KEY,
    post_id         INTEGER NOT NULL REFERENCES posts (post_id),
    member_id       INTEGER NOT NULL,
    interaction_id  INTEGER NOT NULL UNIQUE,  -- a retried click is recorded once
    attempt_number  INTEGER NOT NULL CHECK (attempt_number >= 1),
    answer          TEXT    NOT NULL CHECK (length(answer) >= 1),  -- one letter per blank
    correct         INTEGER NOT NULL CHECK (correct IN (0, 1)),
    points          INTEGER NOT NULL CHECK (points >= 0),
    answered_at     TEXT    NOT NULL,
    -- With the limit check at insert, two answers can never share a number.
    UNIQUE (post_id, member_id, attempt_number)
) STRICT;

CREATE INDEX attempts_by_time ON attempts (answered_at);
CREATE INDEX solves_by_member ON attempts (member_id, post_id) WHERE correct = 1;

CREATE TRIGGER attempts_are_append_only BEFORE UPDATE ON attempts
BEGIN
    SELECT RAISE(ABORT, 'attempts are append-only; record a new attempt instead');
END;

CREATE TABLE hints (
    post_id      INTEGER NOT NULL REFERENCES posts (post_id),
    member_id    INTEGER NOT NULL,
    hint_number  INTEGER NOT NULL CHECK (hint_number >= 1),  -- 1 is the first hint
    used_at      TEXT    NOT NULL,
    PRIMARY KEY (post_id, member_id, hint_number)
) STRICT;

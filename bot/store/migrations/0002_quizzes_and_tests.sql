-- What the daily quizzes and "/test" need to remember; later issues drive these tables.
-- Times are UTC ISO 8601 text as in 0001; local dates are 'YYYY-MM-DD' in the schedule's zone.

CREATE TABLE guild_settings (
    guild_id             INTEGER PRIMARY KEY,
    time_zone            TEXT    NOT NULL DEFAULT 'UTC',  -- IANA name, e.g. 'Europe/Paris'
    moderator_role_id    INTEGER,
    practice_channel_id  INTEGER,
    quiz_channel_id      INTEGER,
    updated_at           TEXT    NOT NULL
) STRICT;

CREATE TABLE quiz_schedules (
    schedule_id     INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    local_time      TEXT    NOT NULL CHECK (local_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    time_zone       TEXT    NOT NULL,
    pack            TEXT,                     -- NULL: any pack
    difficulty      TEXT    CHECK (difficulty IN ('easy', 'medium', 'hard')),  -- NULL: any
    question_count  INTEGER NOT NULL DEFAULT 1 CHECK (question_count >= 1),
    created_by      INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    paused_at       TEXT,
    pause_reason    TEXT,                     -- why: a moderator, a missing channel...
    removed_at      TEXT,
    CHECK ((paused_at IS NULL) = (pause_reason IS NULL))
) STRICT;

CREATE INDEX quiz_schedules_by_guild ON quiz_schedules (guild_id);

-- Exactly one delivery per schedule and local day, claimed here before anything is posted.
CREATE TABLE quiz_deliveries (
    delivery_id         INTEGER PRIMARY KEY,
    schedule_id         INTEGER NOT NULL REFERENCES quiz_schedules (schedule_id),
    local_date          TEXT    NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'claimed'
                        CHECK (status IN ('claimed', 'posted', 'closed', 'failed')),
    claimed_at          TEXT    NOT NULL,
    posted_at           TEXT,
    summary_message_id  INTEGER,             -- the closing summary with pick rates
    closed_at           TEXT,
    UNIQUE (schedule_id, local_date)
) STRICT;

-- The posts of a delivery, in order; their message ids are on the posts.
CREATE TABLE quiz_delivery_posts (
    delivery_id  INTEGER NOT NULL REFERENCES quiz_deliveries (delivery_id),
    position     INTEGER NOT NULL CHECK (position >= 0),
    post_id      INTEGER NOT NULL UNIQUE REFERENCES posts (post_id),
    PRIMARY KEY (delivery_id, position)
) STRICT;

-- "/test": the questions are fixed when the run starts, so a restart resumes the same test.
CREATE TABLE test_runs (
    run_id       INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    member_id    INTEGER NOT NULL,
    pack         TEXT,                        -- NULL: any pack
    position     INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),  -- next question
    started_at   TEXT    NOT NULL,
    finished_at  TEXT
) STRICT;

CREATE INDEX test_runs_by_member ON test_runs (guild_id, member_id);

CREATE TABLE test_run_questions (
    run_id        INTEGER NOT NULL REFERENCES test_runs (run_id),
    position      INTEGER NOT NULL CHECK (position >= 0),
    exercise_id   TEXT    NOT NULL,
    content_hash  TEXT    NOT NULL,
    difficulty    TEXT    NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
    answer        TEXT,                       -- NULL until answered (one attempt, no hints)
    correct       INTEGER CHECK (correct IN (0, 1)),
    answered_at   TEXT,
    PRIMARY KEY (run_id, position),
    CHECK ((answer IS NULL) = (correct IS NULL) AND (answer IS NULL) = (answered_at IS NULL))
) STRICT;

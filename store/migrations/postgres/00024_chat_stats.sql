-- The roll-up of the chat figures (issue 19), on PostgreSQL. Why and what:
-- see SQLite's 00023. In short, the triggers only append to
-- chat_stats_changes, so concurrent chats never wait on a shared row of
-- the roll-up; Store.FoldChatStats adds the log to chat_stats in batches.

-- +goose Up

-- The roll-up; its columns as on SQLite.
CREATE TABLE chat_stats (
    dim         TEXT COLLATE "C" NOT NULL CHECK (dim IN ('line', 'unit', 'hour')),
    level       TEXT COLLATE "C" NOT NULL CHECK (level IN ('day', 'month')),
    period      TEXT COLLATE "C" NOT NULL,
    line        TEXT COLLATE "C" NOT NULL,
    group_id    TEXT COLLATE "C" NOT NULL,
    started     BIGINT NOT NULL DEFAULT 0,
    answered    BIGINT NOT NULL DEFAULT 0,
    abandoned   BIGINT NOT NULL DEFAULT 0,
    handed_over BIGINT NOT NULL DEFAULT 0,
    waits       BYTEA NOT NULL,
    durations   BYTEA NOT NULL,
    PRIMARY KEY (dim, level, period, line, group_id)
);

-- The changes not yet in the roll-up; as on SQLite.
CREATE TABLE chat_stats_changes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sign       SMALLINT NOT NULL CHECK (sign IN (-1, 1)),
    line       TEXT NOT NULL,
    unit_id    TEXT,
    status     TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    taken_at   BIGINT,
    ended_at   BIGINT
);

-- The chats stored before this migration, as changes to fold.
INSERT INTO chat_stats_changes (sign, line, unit_id, status, started_at, taken_at, ended_at)
SELECT 1, line, unit_id, status, started_at, taken_at, ended_at FROM chats ORDER BY id;

-- A new chat adds its share; a change takes the old share away and adds
-- the new one; a deleted chat takes its share away.
-- +goose StatementBegin
CREATE FUNCTION chat_stats_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO chat_stats_changes (sign, line, unit_id, status, started_at, taken_at, ended_at)
        VALUES (-1, OLD.line, OLD.unit_id, OLD.status, OLD.started_at, OLD.taken_at, OLD.ended_at);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO chat_stats_changes (sign, line, unit_id, status, started_at, taken_at, ended_at)
        VALUES (1, NEW.line, NEW.unit_id, NEW.status, NEW.started_at, NEW.taken_at, NEW.ended_at);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER chat_stats_insert_delete AFTER INSERT OR DELETE ON chats
    FOR EACH ROW EXECUTE FUNCTION chat_stats_track();
-- Only when something the roll-up holds changes: not for a message (which
-- raises last_seq) nor a waiting chat becoming active without a new unit.
CREATE TRIGGER chat_stats_update AFTER UPDATE OF line, unit_id, status, started_at, taken_at, ended_at
    ON chats FOR EACH ROW
    WHEN (OLD.line IS DISTINCT FROM NEW.line OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
        OR OLD.started_at IS DISTINCT FROM NEW.started_at OR OLD.taken_at IS DISTINCT FROM NEW.taken_at
        OR OLD.ended_at IS DISTINCT FROM NEW.ended_at
        OR (OLD.status = 'abandoned') IS DISTINCT FROM (NEW.status = 'abandoned')
        OR (OLD.status = 'handed_over') IS DISTINCT FROM (NEW.status = 'handed_over'))
    EXECUTE FUNCTION chat_stats_track();

-- +goose Down
DROP TRIGGER chat_stats_update ON chats;
DROP TRIGGER chat_stats_insert_delete ON chats;
DROP FUNCTION chat_stats_track();
DROP TABLE chat_stats_changes;
DROP TABLE chat_stats;

-- The roll-up of the chat figures (issue 19), on SQLite: the figures of a
-- period read a few rows a day or month (store/chat_stats.go) instead of
-- every chat started in it. Representations as in 00001.
--
-- The pattern is contact_stats' (00003): triggers on chats append each
-- change of a chat (its old share taken away, its new share added) to
-- chat_stats_changes, a log nobody updates; Store.FoldChatStats adds the
-- log to chat_stats and deletes what it added; the figures read the
-- roll-up and what the log still holds in one snapshot, so every change
-- counts exactly once whether or not it has been folded. The day, month
-- and hour of a chat in Europe/Helsinki are computed in Go, where the time
-- zone database is.

-- +goose Up

-- The roll-up, one row per grouping (dim: line, unit or hour), level (day
-- or month), period (YYYY-MM-DD or YYYY-MM in Europe/Helsinki, of the
-- chat's start), line, and key of the grouping (group_id: '' by line, the
-- unit of the professional who took the chat or '' by unit, the hour of
-- the start "00"–"23" by hour): the chats started, answered (taken),
-- abandoned and handed over, and the whole seconds of their waits (start
-- to taken, each answered chat) and durations (taken to end, each answered
-- chat that ended) as histograms (a percentile needs the values; a month
-- of a line holds some thousands of distinct values, however many chats):
-- 8 bytes a distinct value, ascending, the value and the count of values
-- up to it, uint32 little-endian (store/chat_stats.go finds a rank by
-- binary search without decoding them). Every grouping keeps its own rows,
-- so the figures by line read one row per line and month, not one per unit
-- and hour. A row whose chats all moved away is deleted. The key makes the
-- periods of a grouping and level one range; WITHOUT ROWID keeps them in
-- that order on disk.
CREATE TABLE chat_stats (
    dim         TEXT NOT NULL CHECK (dim IN ('line', 'unit', 'hour')),
    level       TEXT NOT NULL CHECK (level IN ('day', 'month')),
    period      TEXT NOT NULL,
    line        TEXT NOT NULL,
    group_id    TEXT NOT NULL,
    started     INTEGER NOT NULL DEFAULT 0,
    answered    INTEGER NOT NULL DEFAULT 0,
    abandoned   INTEGER NOT NULL DEFAULT 0,
    handed_over INTEGER NOT NULL DEFAULT 0,
    waits       BLOB NOT NULL,
    durations   BLOB NOT NULL,
    PRIMARY KEY (dim, level, period, line, group_id)
) STRICT, WITHOUT ROWID;

-- The changes not yet in the roll-up: a chat's share added (sign 1) or
-- taken away (sign -1), as the chat stood.
CREATE TABLE chat_stats_changes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    sign       INTEGER NOT NULL CHECK (sign IN (-1, 1)),
    line       TEXT NOT NULL,
    unit_id    TEXT,
    status     TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    taken_at   INTEGER,
    ended_at   INTEGER
) STRICT;

-- The chats stored before this migration, as changes to fold.
INSERT INTO chat_stats_changes (sign, line, unit_id, status, started_at, taken_at, ended_at)
SELECT 1, line, unit_id, status, started_at, taken_at, ended_at FROM chats ORDER BY id;

-- A new chat adds its share; a change to anything the roll-up holds takes
-- the old share away and adds the new (a message, which raises last_seq,
-- or a waiting chat becoming active without a new unit, changes nothing
-- it holds and logs nothing); a deleted chat takes its share away.
-- +goose StatementBegin
CREATE TRIGGER chat_stats_insert AFTER INSERT ON chats
BEGIN
    INSERT INTO chat_stats_changes (sign, line, unit_id, status, started_at, taken_at, ended_at)
    VALUES (1, NEW.line, NEW.unit_id, NEW.status, NEW.started_at, NEW.taken_at, NEW.ended_at);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER chat_stats_update AFTER UPDATE OF line, unit_id, status, started_at, taken_at, ended_at ON chats
WHEN OLD.line IS NOT NEW.line OR OLD.unit_id IS NOT NEW.unit_id OR OLD.started_at IS NOT NEW.started_at
    OR OLD.taken_at IS NOT NEW.taken_at OR OLD.ended_at IS NOT NEW.ended_at
    OR (OLD.status = 'abandoned') IS NOT (NEW.status = 'abandoned')
    OR (OLD.status = 'handed_over') IS NOT (NEW.status = 'handed_over')
BEGIN
    INSERT INTO chat_stats_changes (sign, line, unit_id, status, started_at, taken_at, ended_at)
    VALUES (-1, OLD.line, OLD.unit_id, OLD.status, OLD.started_at, OLD.taken_at, OLD.ended_at),
        (1, NEW.line, NEW.unit_id, NEW.status, NEW.started_at, NEW.taken_at, NEW.ended_at);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER chat_stats_delete AFTER DELETE ON chats
BEGIN
    INSERT INTO chat_stats_changes (sign, line, unit_id, status, started_at, taken_at, ended_at)
    VALUES (-1, OLD.line, OLD.unit_id, OLD.status, OLD.started_at, OLD.taken_at, OLD.ended_at);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER chat_stats_delete;
DROP TRIGGER chat_stats_update;
DROP TRIGGER chat_stats_insert;
DROP TABLE chat_stats_changes;
DROP TABLE chat_stats;

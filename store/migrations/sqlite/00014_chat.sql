-- Chat with a professional (issue 15), on SQLite. Representations as in
-- 00001: instants INTEGER unix microseconds in UTC, booleans INTEGER 0/1.
--
-- chat_lines: a service's chat; names, units and hours are JSON text, read
-- and written whole.
-- chats: one chat. Its log is chat_events, numbered per chat from 1 by
-- last_seq: every append raises last_seq in the transaction that inserts the
-- event, and that update of the chat's row orders the writers of one chat.
-- chat_presence: when a professional last had their chat queue open.

-- +goose Up
CREATE TABLE chat_lines (
    id             TEXT PRIMARY KEY,
    service_id     TEXT NOT NULL REFERENCES services (id),
    names          TEXT NOT NULL,
    units          TEXT NOT NULL,
    hours          TEXT NOT NULL,
    retention_days INTEGER NOT NULL CHECK (retention_days BETWEEN 1 AND 3650)
) STRICT;

CREATE TABLE chats (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    line               TEXT NOT NULL REFERENCES chat_lines (id),
    status             TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'closed', 'handed_over', 'abandoned')),
    lang               TEXT NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    resident_id        INTEGER NOT NULL REFERENCES residents (id),
    opened_by          INTEGER REFERENCES users (id),
    unit_id            TEXT REFERENCES units (id),
    professional_id    INTEGER REFERENCES users (id),
    started_at         INTEGER NOT NULL,
    taken_at           INTEGER,
    ended_at           INTEGER,
    contact_request_id INTEGER REFERENCES contact_requests (id),
    last_seq           INTEGER NOT NULL DEFAULT 0,
    resident_seen_at   INTEGER NOT NULL,
    transcript_deleted INTEGER NOT NULL DEFAULT 0,
    CHECK ((status IN ('waiting', 'active')) = (ended_at IS NULL))
) STRICT;
-- One open chat per resident and line: a second start finds the first.
CREATE UNIQUE INDEX chats_open ON chats (resident_id, line) WHERE status IN ('waiting', 'active');
-- A line's queue, and the position of a waiting chat in it.
CREATE INDEX chats_queue ON chats (line, status, started_at, id);
-- A resident's chats.
CREATE INDEX chats_resident ON chats (resident_id, started_at, id);
-- The figures: chats started in a period.
CREATE INDEX chats_started ON chats (started_at, id);
-- The abandon sweep: waiting chats by when their resident was last seen.
CREATE INDEX chats_unseen ON chats (resident_seen_at) WHERE status = 'waiting';
-- The retention sweep: a line's ended chats by when they ended.
CREATE INDEX chats_ended ON chats (line, ended_at) WHERE ended_at IS NOT NULL;

CREATE TABLE chat_events (
    chat_id       INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('message', 'system')),
    from_staff    INTEGER NOT NULL DEFAULT 0,
    author_id     INTEGER REFERENCES users (id),
    body          TEXT NOT NULL DEFAULT '',
    body_screened TEXT NOT NULL DEFAULT '',
    sys_key       TEXT NOT NULL DEFAULT '',
    sys_arg       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'closed', 'handed_over', 'abandoned')),
    at            INTEGER NOT NULL,
    PRIMARY KEY (chat_id, seq)
) STRICT;

CREATE TABLE chat_presence (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    seen_at INTEGER NOT NULL
) STRICT;
CREATE INDEX chat_presence_seen ON chat_presence (seen_at);

-- +goose Down
DROP TABLE chat_presence;
DROP TABLE chat_events;
DROP TABLE chats;
DROP TABLE chat_lines;

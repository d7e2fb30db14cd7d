-- Contact requests, their messages, the notification outbox, closure days and
-- the central unit of a service, on SQLite. Representations as in 00001:
-- instants INTEGER unix microseconds in UTC, booleans INTEGER 0/1, STRICT
-- tables.

-- +goose Up

-- The unit whose queue takes a service's requests that no local unit takes.
-- No foreign key: the network is saved services first, units after, so a
-- service names its central unit before the unit exists.
ALTER TABLE services ADD COLUMN central_unit TEXT;

CREATE TABLE contact_requests (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    resident_id       INTEGER REFERENCES residents (id),
    -- How to reach the writer of the website form, who has no resident row.
    contact_name      TEXT,
    contact_phone     TEXT,
    contact_email     TEXT,
    service_id        TEXT NOT NULL REFERENCES services (id),
    unit_id           TEXT NOT NULL REFERENCES units (id),
    -- Open-ended: later capabilities add channels without a migration.
    channel           TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'waiting', 'answered', 'closed')),
    lang              TEXT NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    received_at       INTEGER NOT NULL,
    due_at            INTEGER NOT NULL,
    first_answered_at INTEGER,
    breached          INTEGER NOT NULL DEFAULT 0,
    assigned_to       INTEGER REFERENCES users (id),
    recorded_by       INTEGER REFERENCES users (id),
    closed_at         INTEGER,
    resolution        TEXT,
    idempotency_key   TEXT,
    created_at        INTEGER NOT NULL,
    CHECK (resident_id IS NOT NULL OR contact_name IS NOT NULL),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
) STRICT;
-- Idempotency keys are unique per resident, and per key alone for the website
-- form (owner 0). The lookup repeats the expression exactly, so it uses the index.
CREATE UNIQUE INDEX contact_requests_idempotency ON contact_requests (COALESCE(resident_id, 0), idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- A unit's queue: one ordered range per (unit, status), which the list merges.
CREATE INDEX contact_requests_queue ON contact_requests (unit_id, status, due_at, id);
-- A resident's own requests.
CREATE INDEX contact_requests_resident ON contact_requests (resident_id, due_at, id);
-- A professional's assigned requests.
CREATE INDEX contact_requests_assigned ON contact_requests (assigned_to, status, due_at, id)
    WHERE assigned_to IS NOT NULL;
-- Lists over every unit.
CREATE INDEX contact_requests_status ON contact_requests (status, due_at, id);
-- The breach sweep: only open, unanswered, unflagged requests are in it, so
-- it stays as small as the backlog. The sweep's WHERE repeats this one;
-- status leads, as in contact_requests_status, so that SQLite's planner
-- prefers the smaller index without statistics.
CREATE INDEX contact_requests_pending ON contact_requests (status, due_at)
    WHERE status IN ('new', 'in_progress', 'waiting') AND first_answered_at IS NULL AND NOT breached;

CREATE TABLE contact_messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES contact_requests (id) ON DELETE CASCADE,
    author_id  INTEGER REFERENCES users (id),
    from_staff INTEGER NOT NULL DEFAULT 0,
    internal   INTEGER NOT NULL DEFAULT 0,
    body       TEXT NOT NULL,
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX contact_messages_request ON contact_messages (request_id, at, id);

-- The outbox: written in the transaction of the change it tells of, sent
-- afterwards. It holds no message text, only whom to tell of what.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    lang            TEXT NOT NULL,
    request_id      INTEGER REFERENCES contact_requests (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_at         INTEGER
) STRICT;
CREATE INDEX notifications_pending ON notifications (created_at, id) WHERE sent_at IS NULL;

CREATE TABLE closure_days (
    date    TEXT PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL
) STRICT;

-- +goose Down
DROP TABLE closure_days;
DROP TABLE notifications;
DROP TABLE contact_messages;
DROP TABLE contact_requests;
ALTER TABLE services DROP COLUMN central_unit;

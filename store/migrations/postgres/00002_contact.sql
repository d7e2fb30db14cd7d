-- Contact requests, their messages, the notification outbox, closure days and
-- the central unit of a service, on PostgreSQL. Representations as in 00001:
-- instants BIGINT unix microseconds in UTC, text ids in the "C" collation.

-- +goose Up

-- The unit whose queue takes a service's requests that no local unit takes.
-- No foreign key: the network is saved services first, units after, so a
-- service names its central unit before the unit exists.
ALTER TABLE services ADD COLUMN central_unit TEXT COLLATE "C";

CREATE TABLE contact_requests (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resident_id       BIGINT REFERENCES residents (id),
    -- How to reach the writer of the website form, who has no resident row.
    contact_name      TEXT,
    contact_phone     TEXT,
    contact_email     TEXT,
    service_id        TEXT COLLATE "C" NOT NULL REFERENCES services (id),
    unit_id           TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    -- Open-ended: later capabilities add channels without a migration.
    channel           TEXT COLLATE "C" NOT NULL,
    status            TEXT COLLATE "C" NOT NULL CHECK (status IN ('new', 'in_progress', 'waiting', 'answered', 'closed')),
    lang              TEXT NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    received_at       BIGINT NOT NULL,
    due_at            BIGINT NOT NULL,
    first_answered_at BIGINT,
    breached          BOOLEAN NOT NULL DEFAULT FALSE,
    assigned_to       BIGINT REFERENCES users (id),
    recorded_by       BIGINT REFERENCES users (id),
    closed_at         BIGINT,
    resolution        TEXT COLLATE "C",
    idempotency_key   TEXT COLLATE "C",
    created_at        BIGINT NOT NULL,
    CHECK (resident_id IS NOT NULL OR contact_name IS NOT NULL),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
-- Idempotency keys are unique per resident, and per key alone for the website
-- form (owner 0). The lookup repeats the expression exactly, so it uses the index.
CREATE UNIQUE INDEX contact_requests_idempotency ON contact_requests ((COALESCE(resident_id, 0)), idempotency_key)
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
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES contact_requests (id) ON DELETE CASCADE,
    author_id  BIGINT REFERENCES users (id),
    from_staff BOOLEAN NOT NULL DEFAULT FALSE,
    internal   BOOLEAN NOT NULL DEFAULT FALSE,
    body       TEXT NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX contact_messages_request ON contact_messages (request_id, at, id);

-- The outbox: written in the transaction of the change it tells of, sent
-- afterwards. It holds no message text, only whom to tell of what.
CREATE TABLE notifications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            TEXT COLLATE "C" NOT NULL,
    lang            TEXT NOT NULL,
    request_id      BIGINT REFERENCES contact_requests (id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_at         BIGINT
);
CREATE INDEX notifications_pending ON notifications (created_at, id) WHERE sent_at IS NULL;

CREATE TABLE closure_days (
    date    TEXT COLLATE "C" PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL
);

-- +goose Down
DROP TABLE closure_days;
DROP TABLE notifications;
DROP TABLE contact_messages;
DROP TABLE contact_requests;
ALTER TABLE services DROP COLUMN central_unit;

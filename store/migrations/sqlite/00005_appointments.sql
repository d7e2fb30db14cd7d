-- Appointments on SQLite: the per-service booking rules, the schedules
-- (resources) of professionals, rooms and remote-visit lines, their slots,
-- appointment tickets, appointments, the waiting list and the service events
-- of completed visits. Representations as in 00001: instants INTEGER unix
-- microseconds in UTC, booleans INTEGER 0/1, STRICT tables.

-- +goose Up

-- How a service is booked; a service without a row uses the defaults of
-- sotepe.DefaultApptConfig.
CREATE TABLE appt_services (
    service_id           TEXT PRIMARY KEY REFERENCES services (id),
    direct_booking       INTEGER NOT NULL,
    cancel_limit_minutes INTEGER NOT NULL CHECK (cancel_limit_minutes >= 0),
    offer_hold_minutes   INTEGER NOT NULL CHECK (offer_hold_minutes > 0),
    guarantee_days       INTEGER NOT NULL CHECK (guarantee_days > 0),
    guarantee_days_young INTEGER NOT NULL CHECK (guarantee_days_young > 0)
) STRICT;

-- Whose schedule a slot is on: a professional (user_id), a room or a
-- remote-visit line of a unit.
CREATE TABLE appt_resources (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id    TEXT NOT NULL REFERENCES units (id),
    kind       TEXT NOT NULL CHECK (kind IN ('professional', 'room', 'remote_line')),
    name       TEXT NOT NULL,
    user_id    INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    CHECK ((kind = 'professional') = (user_id IS NOT NULL))
) STRICT;
-- A professional has one schedule per unit.
CREATE UNIQUE INDEX appt_resources_user ON appt_resources (unit_id, user_id) WHERE user_id IS NOT NULL;

-- A slot is open, booked, offered to the first of the waiting list, or
-- closed by staff. Evening is derived from the start in Europe/Helsinki.
CREATE TABLE slots (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id       TEXT NOT NULL REFERENCES services (id),
    unit_id          TEXT NOT NULL REFERENCES units (id),
    resource_id      INTEGER NOT NULL REFERENCES appt_resources (id),
    start_at         INTEGER NOT NULL,
    end_at           INTEGER NOT NULL,
    mode             TEXT NOT NULL CHECK (mode IN ('in_person', 'phone', 'video')),
    evening          INTEGER NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('open', 'booked', 'offered', 'closed')),
    -- The waiting-list entry the slot is offered to, until offer_expires_at;
    -- a slot booked by accepting an offer keeps the entry that took it.
    offer_entry      INTEGER,
    offer_expires_at INTEGER,
    created_at       INTEGER NOT NULL,
    CHECK (end_at > start_at),
    CHECK ((state = 'offered') = (offer_expires_at IS NOT NULL)),
    CHECK (state <> 'offered' OR offer_entry IS NOT NULL)
) STRICT;
-- One schedule never holds two slots starting at once.
CREATE UNIQUE INDEX slots_resource_start ON slots (resource_id, start_at);
-- Free-time search: one ordered range per service and state, carrying the
-- columns the search filters on, so that skipping slots of other units,
-- modes or times of day needs no look-up of the row.
CREATE INDEX slots_search ON slots (service_id, state, start_at, id, unit_id, mode, evening);
-- Free-time search at chosen units.
CREATE INDEX slots_search_unit ON slots (service_id, unit_id, state, start_at);
-- A unit's calendar.
CREATE INDEX slots_unit ON slots (unit_id, start_at, id);
-- The offer sweep.
CREATE INDEX slots_offers ON slots (offer_expires_at) WHERE state = 'offered';

-- An appointment ticket: a professional's leave to book a service that is not
-- booked directly, usually given after a contact request.
CREATE TABLE appt_tickets (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    resident_id        INTEGER NOT NULL REFERENCES residents (id),
    service_id         TEXT NOT NULL REFERENCES services (id),
    contact_request_id INTEGER REFERENCES contact_requests (id),
    issued_by          INTEGER REFERENCES users (id),
    issued_at          INTEGER NOT NULL,
    -- When the wait counted by the care guarantee began: the contact
    -- request's receipt, or the ticket itself.
    waiting_from       INTEGER NOT NULL,
    used_at            INTEGER
) STRICT;
CREATE INDEX appt_tickets_resident ON appt_tickets (resident_id, service_id, issued_at, id);

CREATE TABLE appointments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    slot_id      INTEGER NOT NULL REFERENCES slots (id),
    resident_id  INTEGER NOT NULL REFERENCES residents (id),
    service_id   TEXT NOT NULL REFERENCES services (id),
    unit_id      TEXT NOT NULL REFERENCES units (id),
    resource_id  INTEGER NOT NULL REFERENCES appt_resources (id),
    start_at     INTEGER NOT NULL,
    end_at       INTEGER NOT NULL,
    mode         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'arrived', 'completed', 'no_show')),
    lang         TEXT NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    booked_at    INTEGER NOT NULL,
    booked_by    INTEGER REFERENCES users (id),
    ticket_id    INTEGER REFERENCES appt_tickets (id),
    waiting_from INTEGER NOT NULL,
    -- Under 23 when the wait began: the shorter care guarantee applies.
    young        INTEGER NOT NULL DEFAULT 0,
    video_room   TEXT,
    reminded_at  INTEGER,
    joined_at    INTEGER,
    marked_at    INTEGER,
    cancelled_at INTEGER,
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
) STRICT;
-- The guarantee that no slot is booked twice, whatever the code above does.
CREATE UNIQUE INDEX appointments_slot ON appointments (slot_id) WHERE status <> 'cancelled';
CREATE INDEX appointments_resident ON appointments (resident_id, start_at, id);
CREATE INDEX appointments_unit ON appointments (unit_id, start_at, id);
CREATE INDEX appointments_reminders ON appointments (start_at) WHERE status = 'booked' AND reminded_at IS NULL;
CREATE UNIQUE INDEX appointments_video ON appointments (video_room) WHERE video_room IS NOT NULL;

-- The waiting list: residents who want an earlier time than before_at.
CREATE TABLE appt_waitlist (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    resident_id    INTEGER NOT NULL REFERENCES residents (id),
    service_id     TEXT NOT NULL REFERENCES services (id),
    unit_id        TEXT REFERENCES units (id),
    appointment_id INTEGER REFERENCES appointments (id),
    before_at      INTEGER NOT NULL,
    lang           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'done', 'left')),
    created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX appt_waitlist_queue ON appt_waitlist (service_id, status, created_at, id);
CREATE INDEX appt_waitlist_resident ON appt_waitlist (resident_id, created_at, id);

-- Service events (suoritteet) for the statistics: one per completed visit.
CREATE TABLE service_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    source     TEXT NOT NULL,
    source_id  INTEGER NOT NULL,
    service_id TEXT NOT NULL REFERENCES services (id),
    unit_id    TEXT NOT NULL REFERENCES units (id),
    mode       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    day        TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX service_events_source ON service_events (source, source_id);
CREATE INDEX service_events_day ON service_events (day, unit_id);

-- +goose Down
DROP TABLE service_events;
DROP TABLE appt_waitlist;
DROP TABLE appointments;
DROP TABLE appt_tickets;
DROP TABLE slots;
DROP TABLE appt_resources;
DROP TABLE appt_services;

-- Appointments on PostgreSQL: the per-service booking rules, the schedules
-- (resources) of professionals, rooms and remote-visit lines, their slots,
-- appointment tickets, appointments, the waiting list and the service events
-- of completed visits. Representations as in 00001: instants BIGINT unix
-- microseconds in UTC, text ids in the "C" collation.

-- +goose Up

-- How a service is booked; a service without a row uses the defaults of
-- sotepe.DefaultApptConfig.
CREATE TABLE appt_services (
    service_id           TEXT COLLATE "C" PRIMARY KEY REFERENCES services (id),
    direct_booking       BOOLEAN NOT NULL,
    cancel_limit_minutes INTEGER NOT NULL CHECK (cancel_limit_minutes >= 0),
    offer_hold_minutes   INTEGER NOT NULL CHECK (offer_hold_minutes > 0),
    guarantee_days       INTEGER NOT NULL CHECK (guarantee_days > 0),
    guarantee_days_young INTEGER NOT NULL CHECK (guarantee_days_young > 0)
);

-- Whose schedule a slot is on: a professional (user_id), a room or a
-- remote-visit line of a unit.
CREATE TABLE appt_resources (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id    TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    kind       TEXT COLLATE "C" NOT NULL CHECK (kind IN ('professional', 'room', 'remote_line')),
    name       TEXT NOT NULL,
    user_id    BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    CHECK ((kind = 'professional') = (user_id IS NOT NULL))
);
-- A professional has one schedule per unit.
CREATE UNIQUE INDEX appt_resources_user ON appt_resources (unit_id, user_id) WHERE user_id IS NOT NULL;

-- A slot is open, booked, offered to the first of the waiting list, or
-- closed by staff. Evening is derived from the start in Europe/Helsinki.
CREATE TABLE slots (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id       TEXT COLLATE "C" NOT NULL REFERENCES services (id),
    unit_id          TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    resource_id      BIGINT NOT NULL REFERENCES appt_resources (id),
    start_at         BIGINT NOT NULL,
    end_at           BIGINT NOT NULL,
    mode             TEXT COLLATE "C" NOT NULL CHECK (mode IN ('in_person', 'phone', 'video')),
    evening          BOOLEAN NOT NULL,
    state            TEXT COLLATE "C" NOT NULL CHECK (state IN ('open', 'booked', 'offered', 'closed')),
    -- The waiting-list entry the slot is offered to, until offer_expires_at;
    -- a slot booked by accepting an offer keeps the entry that took it.
    offer_entry      BIGINT,
    offer_expires_at BIGINT,
    created_at       BIGINT NOT NULL,
    CHECK (end_at > start_at),
    CHECK ((state = 'offered') = (offer_expires_at IS NOT NULL)),
    CHECK (state <> 'offered' OR offer_entry IS NOT NULL)
);
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
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resident_id        BIGINT NOT NULL REFERENCES residents (id),
    service_id         TEXT COLLATE "C" NOT NULL REFERENCES services (id),
    contact_request_id BIGINT REFERENCES contact_requests (id),
    issued_by          BIGINT REFERENCES users (id),
    issued_at          BIGINT NOT NULL,
    -- When the wait counted by the care guarantee began: the contact
    -- request's receipt, or the ticket itself.
    waiting_from       BIGINT NOT NULL,
    used_at            BIGINT
);
CREATE INDEX appt_tickets_resident ON appt_tickets (resident_id, service_id, issued_at, id);

CREATE TABLE appointments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slot_id      BIGINT NOT NULL REFERENCES slots (id),
    resident_id  BIGINT NOT NULL REFERENCES residents (id),
    service_id   TEXT COLLATE "C" NOT NULL REFERENCES services (id),
    unit_id      TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    resource_id  BIGINT NOT NULL REFERENCES appt_resources (id),
    start_at     BIGINT NOT NULL,
    end_at       BIGINT NOT NULL,
    mode         TEXT COLLATE "C" NOT NULL,
    status       TEXT COLLATE "C" NOT NULL CHECK (status IN ('booked', 'cancelled', 'arrived', 'completed', 'no_show')),
    lang         TEXT NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    booked_at    BIGINT NOT NULL,
    booked_by    BIGINT REFERENCES users (id),
    ticket_id    BIGINT REFERENCES appt_tickets (id),
    waiting_from BIGINT NOT NULL,
    -- Under 23 when the wait began: the shorter care guarantee applies.
    young        BOOLEAN NOT NULL DEFAULT FALSE,
    video_room   TEXT,
    reminded_at  BIGINT,
    joined_at    BIGINT,
    marked_at    BIGINT,
    cancelled_at BIGINT,
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
-- The guarantee that no slot is booked twice, whatever the code above does.
CREATE UNIQUE INDEX appointments_slot ON appointments (slot_id) WHERE status <> 'cancelled';
CREATE INDEX appointments_resident ON appointments (resident_id, start_at, id);
CREATE INDEX appointments_unit ON appointments (unit_id, start_at, id);
CREATE INDEX appointments_reminders ON appointments (start_at) WHERE status = 'booked' AND reminded_at IS NULL;
CREATE UNIQUE INDEX appointments_video ON appointments (video_room) WHERE video_room IS NOT NULL;

-- The waiting list: residents who want an earlier time than before_at.
CREATE TABLE appt_waitlist (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resident_id    BIGINT NOT NULL REFERENCES residents (id),
    service_id     TEXT COLLATE "C" NOT NULL REFERENCES services (id),
    unit_id        TEXT COLLATE "C" REFERENCES units (id),
    appointment_id BIGINT REFERENCES appointments (id),
    before_at      BIGINT NOT NULL,
    lang           TEXT NOT NULL,
    status         TEXT COLLATE "C" NOT NULL CHECK (status IN ('waiting', 'offered', 'done', 'left')),
    created_at     BIGINT NOT NULL
);
CREATE INDEX appt_waitlist_queue ON appt_waitlist (service_id, status, created_at, id);
CREATE INDEX appt_waitlist_resident ON appt_waitlist (resident_id, created_at, id);

-- Service events (suoritteet) for the statistics: one per completed visit.
CREATE TABLE service_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source     TEXT COLLATE "C" NOT NULL,
    source_id  BIGINT NOT NULL,
    service_id TEXT COLLATE "C" NOT NULL REFERENCES services (id),
    unit_id    TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    mode       TEXT COLLATE "C" NOT NULL,
    at         BIGINT NOT NULL,
    day        TEXT COLLATE "C" NOT NULL
);
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

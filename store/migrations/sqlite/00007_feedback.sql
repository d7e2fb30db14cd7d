-- Feedback on SQLite: answers of the recommendation question (0–10) about
-- units, and the kiosk tokens of units' waiting-room tablets. The comment is
-- stored screened; the unscreened original only until original_until.
-- Representations as in 00001: instants INTEGER unix microseconds in UTC,
-- STRICT tables.

-- +goose Up
CREATE TABLE feedback_kiosks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id    TEXT NOT NULL REFERENCES units (id),
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

CREATE TABLE feedback (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id        TEXT NOT NULL REFERENCES units (id),
    score          INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment        TEXT,
    original       TEXT,
    original_until INTEGER,
    channel        TEXT NOT NULL CHECK (channel IN ('visit', 'qr', 'kiosk', 'portal', 'website')),
    lang           TEXT NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    service_id     TEXT REFERENCES services (id),
    appointment_id INTEGER REFERENCES appointments (id),
    resident_id    INTEGER REFERENCES residents (id),
    kiosk_id       INTEGER REFERENCES feedback_kiosks (id),
    created_at     INTEGER NOT NULL,
    -- The day in Europe/Helsinki, for the figures.
    day            TEXT NOT NULL,
    CHECK ((original IS NULL) = (original_until IS NULL)),
    CHECK (channel <> 'visit' OR appointment_id IS NOT NULL)
) STRICT;
-- One answer per visit.
CREATE UNIQUE INDEX feedback_appointment ON feedback (appointment_id) WHERE appointment_id IS NOT NULL;
-- The figures of days (cut months, days and weeks) are read from the
-- index alone, whatever the grouping.
CREATE INDEX feedback_figures ON feedback (day, unit_id, score, channel, lang, service_id);
-- A unit's comments, newest first.
CREATE INDEX feedback_unit ON feedback (unit_id, created_at);
-- A resident's own answers.
CREATE INDEX feedback_resident ON feedback (resident_id, created_at) WHERE resident_id IS NOT NULL;
-- The retention sweep.
CREATE INDEX feedback_original ON feedback (original_until) WHERE original_until IS NOT NULL;

-- The answers by calendar month (Europe/Helsinki) and unit in the three
-- NPS classes, once in total (dim 'unit', key '') and once by each of the
-- other dimensions (service, '' when the answer names none; channel;
-- language), kept in the transaction of each answer. The figures of whole
-- months read this (a few rows per unit and month) and only the days of a
-- cut month from feedback.
CREATE TABLE feedback_monthly (
    dim        TEXT NOT NULL CHECK (dim IN ('unit', 'service', 'channel', 'language')),
    month      TEXT NOT NULL,
    unit_id    TEXT NOT NULL REFERENCES units (id),
    key        TEXT NOT NULL,
    promoters  INTEGER NOT NULL,
    passives   INTEGER NOT NULL,
    detractors INTEGER NOT NULL,
    PRIMARY KEY (dim, month, unit_id, key)
) STRICT;

-- +goose Down
DROP TABLE feedback_monthly;
DROP TABLE feedback;
DROP TABLE feedback_kiosks;

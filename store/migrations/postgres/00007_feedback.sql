-- Feedback on PostgreSQL: answers of the recommendation question (0–10) about
-- units, and the kiosk tokens of units' waiting-room tablets. The comment is
-- stored screened; the unscreened original only until original_until.
-- Representations as in 00001: instants BIGINT unix microseconds in UTC,
-- text ids in the "C" collation.

-- +goose Up
CREATE TABLE feedback_kiosks (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id    TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    token_hash BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE feedback (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id        TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    score          SMALLINT NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment        TEXT,
    original       TEXT,
    original_until BIGINT,
    channel        TEXT COLLATE "C" NOT NULL CHECK (channel IN ('visit', 'qr', 'kiosk', 'portal', 'website')),
    lang           TEXT COLLATE "C" NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    service_id     TEXT COLLATE "C" REFERENCES services (id),
    appointment_id BIGINT REFERENCES appointments (id),
    resident_id    BIGINT REFERENCES residents (id),
    kiosk_id       BIGINT REFERENCES feedback_kiosks (id),
    created_at     BIGINT NOT NULL,
    -- The day in Europe/Helsinki, for the figures.
    day            TEXT COLLATE "C" NOT NULL,
    CHECK ((original IS NULL) = (original_until IS NULL)),
    CHECK (channel <> 'visit' OR appointment_id IS NOT NULL)
);
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
    dim        TEXT COLLATE "C" NOT NULL CHECK (dim IN ('unit', 'service', 'channel', 'language')),
    month      TEXT COLLATE "C" NOT NULL,
    unit_id    TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    key        TEXT COLLATE "C" NOT NULL,
    promoters  BIGINT NOT NULL,
    passives   BIGINT NOT NULL,
    detractors BIGINT NOT NULL,
    PRIMARY KEY (dim, month, unit_id, key)
);

-- +goose Down
DROP TABLE feedback_monthly;
DROP TABLE feedback;
DROP TABLE feedback_kiosks;

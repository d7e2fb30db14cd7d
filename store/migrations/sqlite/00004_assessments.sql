-- Symptom and service-need assessments (assessment.go, store/assessments.go)
-- on SQLite. Representations as in 00001: instants INTEGER unix microseconds
-- in UTC, STRICT tables.

-- +goose Up

-- One run of an assessment. The secret id the person holds is never stored:
-- id_hash is the hex SHA-256 of it. Anonymous sessions have no resident; a
-- hand-over makes the resident the owner and links the contact request.
CREATE TABLE assessment_sessions (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    id_hash            TEXT NOT NULL UNIQUE,
    definition         TEXT NOT NULL,
    version            INTEGER NOT NULL,
    resident_id        INTEGER REFERENCES residents (id),
    lang               TEXT NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    -- The answers so far as a JSON list of {"question", "value"}.
    answers            TEXT NOT NULL,
    revision           INTEGER NOT NULL DEFAULT 0,
    outcome            TEXT,
    urgency            TEXT CHECK (urgency IN ('emergency', 'urgent', 'non_urgent', 'self_care')),
    -- No foreign key: a definition may recommend a service later removed.
    service_id         TEXT,
    started_at         INTEGER NOT NULL,
    -- The day the session started in Europe/Helsinki, YYYY-MM-DD, which the
    -- figures count by.
    started_day        TEXT NOT NULL,
    updated_at         INTEGER NOT NULL,
    completed_at       INTEGER,
    contact_request_id INTEGER UNIQUE REFERENCES contact_requests (id),
    handed_over_at     INTEGER,
    staff_urgency      TEXT CHECK (staff_urgency IN ('emergency', 'urgent', 'non_urgent', 'self_care')),
    graded_by          INTEGER REFERENCES users (id),
    graded_at          INTEGER,
    CHECK ((outcome IS NULL) = (completed_at IS NULL)),
    CHECK (contact_request_id IS NULL OR (resident_id IS NOT NULL AND outcome IS NOT NULL))
) STRICT;
-- The figures: sessions by day and definition.
CREATE INDEX assessment_sessions_day ON assessment_sessions (started_day, definition);

-- +goose Down
DROP TABLE assessment_sessions;

-- Symptom and service-need assessments (assessment.go, store/assessments.go)
-- on PostgreSQL. Representations as in 00001: instants BIGINT unix
-- microseconds in UTC, text ids in the "C" collation.

-- +goose Up

-- One run of an assessment. The secret id the person holds is never stored:
-- id_hash is the hex SHA-256 of it. Anonymous sessions have no resident; a
-- hand-over makes the resident the owner and links the contact request.
CREATE TABLE assessment_sessions (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id_hash            TEXT COLLATE "C" NOT NULL UNIQUE,
    definition         TEXT COLLATE "C" NOT NULL,
    version            INTEGER NOT NULL,
    resident_id        BIGINT REFERENCES residents (id),
    lang               TEXT NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    -- The answers so far as a JSON list of {"question", "value"}.
    answers            TEXT NOT NULL,
    revision           INTEGER NOT NULL DEFAULT 0,
    outcome            TEXT COLLATE "C",
    urgency            TEXT COLLATE "C" CHECK (urgency IN ('emergency', 'urgent', 'non_urgent', 'self_care')),
    -- No foreign key: a definition may recommend a service later removed.
    service_id         TEXT COLLATE "C",
    started_at         BIGINT NOT NULL,
    -- The day the session started in Europe/Helsinki, YYYY-MM-DD, which the
    -- figures count by.
    started_day        TEXT COLLATE "C" NOT NULL,
    updated_at         BIGINT NOT NULL,
    completed_at       BIGINT,
    contact_request_id BIGINT UNIQUE REFERENCES contact_requests (id),
    handed_over_at     BIGINT,
    staff_urgency      TEXT COLLATE "C" CHECK (staff_urgency IN ('emergency', 'urgent', 'non_urgent', 'self_care')),
    graded_by          BIGINT REFERENCES users (id),
    graded_at          BIGINT,
    CHECK ((outcome IS NULL) = (completed_at IS NULL)),
    CHECK (contact_request_id IS NULL OR (resident_id IS NOT NULL AND outcome IS NOT NULL))
);
-- The figures: sessions by day and definition.
CREATE INDEX assessment_sessions_day ON assessment_sessions (started_day, definition);

-- +goose Down
DROP TABLE assessment_sessions;

-- The resident survey, the extra questions a unit adds to its feedback
-- form, the daily roll-up of the feedback figures and the single-use
-- tokens of the feedback links sent after visits, on PostgreSQL.
-- Representations as in 00001: instants BIGINT unix microseconds in UTC,
-- days YYYY-MM-DD text in Europe/Helsinki, text ids in the "C" collation.

-- +goose Up
-- An invitation to a survey: only the SHA-256 of its token is kept. While
-- the resident answers, draft holds the answers so far (JSON); once the
-- response is sent, used_on is set and the draft emptied.
CREATE TABLE survey_invitations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id  TEXT COLLATE "C" NOT NULL,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    draft      TEXT NOT NULL DEFAULT '[]',
    revision   BIGINT NOT NULL DEFAULT 0,
    used_on    TEXT COLLATE "C"
);

-- A response names neither its invitation nor a person, and only its day.
CREATE TABLE survey_responses (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id TEXT COLLATE "C" NOT NULL,
    version   BIGINT NOT NULL,
    lang      TEXT COLLATE "C" NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    day       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id);

-- The values of a response: a chosen option, a number or a screened text
-- (all empty: a multiple-choice question answered with no option).
CREATE TABLE survey_answers (
    response_id BIGINT NOT NULL REFERENCES survey_responses (id),
    question_id TEXT COLLATE "C" NOT NULL,
    option_id   TEXT COLLATE "C",
    number      DOUBLE PRECISION,
    text        TEXT
);
CREATE INDEX survey_answers_response ON survey_answers (response_id, question_id, option_id, number);

-- A unit's extra feedback questions: the questionnaire core's question as
-- JSON (a scale or a single choice, texts in fi, sv and en). A retired
-- question keeps its answers for the figures but is no longer asked.
CREATE TABLE feedback_questions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id    TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
CREATE INDEX feedback_questions_unit ON feedback_questions (unit_id, id);

-- The answers to extra questions, one per answer and question.
CREATE TABLE feedback_extra_answers (
    feedback_id BIGINT NOT NULL REFERENCES feedback (id),
    question_id BIGINT NOT NULL REFERENCES feedback_questions (id),
    option_id   TEXT COLLATE "C",
    number      DOUBLE PRECISION,
    PRIMARY KEY (feedback_id, question_id)
);
CREATE INDEX feedback_extra_question ON feedback_extra_answers (question_id, option_id, number);

-- The answers by day, dimension value and unit in the three NPS classes
-- (dim 'unit' has the unit as its key), kept in the transaction of each
-- answer like feedback_monthly. Its key order (dim, day, key) is the order
-- the figures by day and week group in, so they are read without sorting.
CREATE TABLE feedback_daily (
    dim        TEXT COLLATE "C" NOT NULL CHECK (dim IN ('unit', 'service', 'channel', 'language')),
    day        TEXT COLLATE "C" NOT NULL,
    key        TEXT COLLATE "C" NOT NULL,
    unit_id    TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    promoters  BIGINT NOT NULL,
    passives   BIGINT NOT NULL,
    detractors BIGINT NOT NULL,
    PRIMARY KEY (dim, day, key, unit_id)
);
-- The days of groups of units (area, producer, …) are read unit by unit
-- from this covering index, each unit's days in one range.
CREATE INDEX feedback_daily_unit ON feedback_daily (dim, unit_id, day) INCLUDE (promoters, passives, detractors);
-- The same days over every unit together (dim 'unit' with key ''), which
-- the city's figures by day and week read: a few rows a day. A trigger
-- keeps it from feedback_daily, whoever writes that (an answer, a bulk
-- load, a rebuild). Its rows are shared by every answer of a day, like the
-- monthly rows of a busy unit.
CREATE TABLE feedback_city_daily (
    dim        TEXT COLLATE "C" NOT NULL,
    day        TEXT COLLATE "C" NOT NULL,
    key        TEXT COLLATE "C" NOT NULL,
    promoters  BIGINT NOT NULL,
    passives   BIGINT NOT NULL,
    detractors BIGINT NOT NULL,
    PRIMARY KEY (dim, day, key)
);

-- +goose StatementBegin
CREATE FUNCTION feedback_city_add(d feedback_daily, sign INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO feedback_city_daily (dim, day, key, promoters, passives, detractors)
    VALUES (d.dim, d.day, CASE WHEN d.dim = 'unit' THEN '' ELSE d.key END, sign * d.promoters, sign * d.passives, sign * d.detractors)
    ON CONFLICT (dim, day, key) DO UPDATE SET promoters = feedback_city_daily.promoters + excluded.promoters,
        passives = feedback_city_daily.passives + excluded.passives, detractors = feedback_city_daily.detractors + excluded.detractors
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION feedback_city_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM feedback_city_add(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM feedback_city_add(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER feedback_city AFTER INSERT OR UPDATE OR DELETE ON feedback_daily
    FOR EACH ROW EXECUTE FUNCTION feedback_city_track();

INSERT INTO feedback_daily (dim, day, key, unit_id, promoters, passives, detractors)
    SELECT dim, day, key, unit_id, SUM(CASE WHEN score >= 9 THEN 1 ELSE 0 END),
        SUM(CASE WHEN score BETWEEN 7 AND 8 THEN 1 ELSE 0 END), SUM(CASE WHEN score <= 6 THEN 1 ELSE 0 END)
    FROM (SELECT 'unit' AS dim, day, unit_id AS key, unit_id, score FROM feedback
        UNION ALL SELECT 'service', day, COALESCE(service_id, ''), unit_id, score FROM feedback
        UNION ALL SELECT 'channel', day, channel, unit_id, score FROM feedback
        UNION ALL SELECT 'language', day, lang, unit_id, score FROM feedback) AS f
    GROUP BY dim, day, key, unit_id;

-- The appointment a notification is about (the visit a feedback request
-- asks of), so that its link can be made when it is sent.
ALTER TABLE notifications ADD COLUMN appointment_id BIGINT REFERENCES appointments (id) ON DELETE CASCADE;

-- The token of the feedback link sent after a completed visit: only its
-- SHA-256, one per appointment. The answer itself is once per visit by
-- feedback_appointment.
CREATE TABLE feedback_visit_tokens (
    appointment_id BIGINT PRIMARY KEY REFERENCES appointments (id),
    token_hash     BYTEA NOT NULL UNIQUE,
    created_at     BIGINT NOT NULL
);

-- +goose Down
DROP TABLE feedback_visit_tokens;
ALTER TABLE notifications DROP COLUMN appointment_id;
DROP TRIGGER feedback_city ON feedback_daily;
DROP FUNCTION feedback_city_track();
DROP FUNCTION feedback_city_add(feedback_daily, INTEGER);
DROP TABLE feedback_daily;
DROP TABLE feedback_city_daily;
DROP TABLE feedback_extra_answers;
DROP TABLE feedback_questions;
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE survey_invitations;

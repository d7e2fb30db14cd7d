-- The figures of the answer promise (stats.go, store/contact_stats.go), on
-- PostgreSQL: a roll-up of contact requests by day, week and month; the log
-- of changes not yet added to it; and the working time to the first answer.
-- Representations as in 00001. Why a roll-up and why a log: see SQLite's
-- 00003. In short, the triggers only append to contact_stats_changes, so
-- concurrent submissions never wait on a shared row of the roll-up;
-- Store.FoldContactStats adds the log to the roll-up in batches.

-- +goose Up

-- The working time (service hours on working days, workday.Calendar.
-- WorkingHoursBetween) from receipt to the first answer, in whole seconds.
-- The calendar lives in Go, so Go fills it after the answer
-- (Store.FillAnswerWorkingSeconds); NULL until then.
ALTER TABLE contact_requests ADD COLUMN answer_seconds BIGINT;

-- The roll-up; its columns as on SQLite.
CREATE TABLE contact_stats (
    dim           TEXT COLLATE "C" NOT NULL,
    level         TEXT COLLATE "C" NOT NULL CHECK (level IN ('day', 'week', 'month')),
    unit_id       TEXT COLLATE "C" NOT NULL,
    period        TEXT COLLATE "C" NOT NULL,
    group_id      TEXT COLLATE "C" NOT NULL,
    received      BIGINT NOT NULL DEFAULT 0,
    answered      BIGINT NOT NULL DEFAULT 0,
    in_time       BIGINT NOT NULL DEFAULT 0,
    missed_closed BIGINT NOT NULL DEFAULT 0,
    seconds       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (dim, level, unit_id, period, group_id)
);

-- The changes not yet in the roll-up; as on SQLite.
CREATE TABLE contact_stats_changes (
    id             BIGSERIAL PRIMARY KEY,
    sign           SMALLINT NOT NULL CHECK (sign IN (-1, 1)),
    received_at    BIGINT NOT NULL,
    unit_id        TEXT NOT NULL,
    service_id     TEXT NOT NULL,
    channel        TEXT NOT NULL,
    answered       SMALLINT NOT NULL,
    in_time        SMALLINT NOT NULL,
    missed_closed  SMALLINT NOT NULL,
    answer_seconds BIGINT
);

-- The open requests (the backlog and those past due without an answer) and
-- the answers whose working time is not filled yet: both small sets.
CREATE INDEX contact_requests_stats_open ON contact_requests (status, received_at, unit_id, service_id, channel, due_at, first_answered_at)
    WHERE status IN ('new', 'in_progress', 'waiting');
CREATE INDEX contact_requests_stats_unfilled ON contact_requests (received_at, unit_id, service_id, channel, first_answered_at, answer_seconds)
    WHERE first_answered_at IS NOT NULL AND answer_seconds IS NULL;

-- The requests stored before this migration, as changes to fold.
INSERT INTO contact_stats_changes (sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds)
SELECT 1, received_at, unit_id, service_id, channel,
    (first_answered_at IS NOT NULL)::int,
    COALESCE((first_answered_at <= due_at)::int, 0),
    COALESCE((first_answered_at IS NULL AND status = 'closed' AND closed_at > due_at)::int, 0),
    answer_seconds
FROM contact_requests ORDER BY id;

-- A request's share of the roll-up as a change: sign 1 adds it, -1 takes it
-- away.
-- +goose StatementBegin
CREATE FUNCTION contact_stats_change(r contact_requests, sign INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO contact_stats_changes (sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds)
    VALUES (sign, r.received_at, r.unit_id, r.service_id, r.channel,
        (r.first_answered_at IS NOT NULL)::int,
        COALESCE((r.first_answered_at <= r.due_at)::int, 0),
        COALESCE((r.first_answered_at IS NULL AND r.status = 'closed' AND r.closed_at > r.due_at)::int, 0),
        r.answer_seconds)
$$;
-- +goose StatementEnd

-- A new request adds its share; a change takes the old share away and adds
-- the new one; a deleted request takes its share away.
-- +goose StatementBegin
CREATE FUNCTION contact_stats_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM contact_stats_change(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM contact_stats_change(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER contact_stats_insert_delete AFTER INSERT OR DELETE ON contact_requests
    FOR EACH ROW EXECUTE FUNCTION contact_stats_track();
-- Only when something the roll-up holds changes.
CREATE TRIGGER contact_stats_update AFTER UPDATE OF unit_id, service_id, channel, status, received_at, due_at, first_answered_at, closed_at, answer_seconds
    ON contact_requests FOR EACH ROW
    WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.service_id IS DISTINCT FROM NEW.service_id
        OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.received_at IS DISTINCT FROM NEW.received_at
        OR OLD.due_at IS DISTINCT FROM NEW.due_at OR (OLD.status = 'closed') IS DISTINCT FROM (NEW.status = 'closed')
        OR OLD.first_answered_at IS DISTINCT FROM NEW.first_answered_at OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
        OR OLD.answer_seconds IS DISTINCT FROM NEW.answer_seconds)
    EXECUTE FUNCTION contact_stats_track();

-- +goose Down
DROP TRIGGER contact_stats_update ON contact_requests;
DROP TRIGGER contact_stats_insert_delete ON contact_requests;
DROP FUNCTION contact_stats_track();
DROP FUNCTION contact_stats_change(contact_requests, INTEGER);
DROP INDEX contact_requests_stats_unfilled;
DROP INDEX contact_requests_stats_open;
DROP TABLE contact_stats_changes;
DROP TABLE contact_stats;
ALTER TABLE contact_requests DROP COLUMN answer_seconds;

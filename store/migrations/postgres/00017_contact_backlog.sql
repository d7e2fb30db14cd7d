-- The backlog in the roll-up of the answer promise's figures (issue 19), on
-- PostgreSQL. Why and what: see SQLite's 00017. The function that logs a
-- request's share gains the backlog, and the update trigger also fires when
-- a request moves into or out of the open statuses.

-- +goose Up
ALTER TABLE contact_stats ADD COLUMN backlog BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contact_stats_changes ADD COLUMN backlog SMALLINT NOT NULL DEFAULT 0;

DROP INDEX contact_requests_stats_open;
-- Its condition is store/contact_stats.go's statsOverdueWhere word for word;
-- first_answered_at, NULL in every row of it, is in the key so that the
-- index covers the figures' query (SQLite reads a column of the condition
-- from the index).
CREATE INDEX contact_requests_stats_overdue ON contact_requests (status, due_at, received_at, unit_id, service_id, channel, first_answered_at)
    WHERE status IN ('new', 'in_progress', 'waiting') AND first_answered_at IS NULL;

-- The requests open now: their share without the backlog taken away and
-- with it added back, so that only the backlog changes.
INSERT INTO contact_stats_changes (sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds, backlog)
SELECT s.sign, r.received_at, r.unit_id, r.service_id, r.channel,
    (r.first_answered_at IS NOT NULL)::int,
    COALESCE((r.first_answered_at <= r.due_at)::int, 0),
    0,
    r.answer_seconds,
    (s.sign = 1)::int
FROM contact_requests r CROSS JOIN (VALUES (-1), (1)) AS s (sign)
WHERE r.status IN ('new', 'in_progress', 'waiting')
ORDER BY r.id, s.sign;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION contact_stats_change(r contact_requests, sign INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO contact_stats_changes (sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds, backlog)
    VALUES (sign, r.received_at, r.unit_id, r.service_id, r.channel,
        (r.first_answered_at IS NOT NULL)::int,
        COALESCE((r.first_answered_at <= r.due_at)::int, 0),
        COALESCE((r.first_answered_at IS NULL AND r.status = 'closed' AND r.closed_at > r.due_at)::int, 0),
        r.answer_seconds,
        (r.status IN ('new', 'in_progress', 'waiting'))::int)
$$;
-- +goose StatementEnd

DROP TRIGGER contact_stats_update ON contact_requests;
CREATE TRIGGER contact_stats_update AFTER UPDATE OF unit_id, service_id, channel, status, received_at, due_at, first_answered_at, closed_at, answer_seconds
    ON contact_requests FOR EACH ROW
    WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.service_id IS DISTINCT FROM NEW.service_id
        OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.received_at IS DISTINCT FROM NEW.received_at
        OR OLD.due_at IS DISTINCT FROM NEW.due_at OR (OLD.status = 'closed') IS DISTINCT FROM (NEW.status = 'closed')
        OR (OLD.status IN ('new', 'in_progress', 'waiting')) IS DISTINCT FROM (NEW.status IN ('new', 'in_progress', 'waiting'))
        OR OLD.first_answered_at IS DISTINCT FROM NEW.first_answered_at OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
        OR OLD.answer_seconds IS DISTINCT FROM NEW.answer_seconds)
    EXECUTE FUNCTION contact_stats_track();

-- +goose Down
DROP TRIGGER contact_stats_update ON contact_requests;
CREATE TRIGGER contact_stats_update AFTER UPDATE OF unit_id, service_id, channel, status, received_at, due_at, first_answered_at, closed_at, answer_seconds
    ON contact_requests FOR EACH ROW
    WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.service_id IS DISTINCT FROM NEW.service_id
        OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.received_at IS DISTINCT FROM NEW.received_at
        OR OLD.due_at IS DISTINCT FROM NEW.due_at OR (OLD.status = 'closed') IS DISTINCT FROM (NEW.status = 'closed')
        OR OLD.first_answered_at IS DISTINCT FROM NEW.first_answered_at OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
        OR OLD.answer_seconds IS DISTINCT FROM NEW.answer_seconds)
    EXECUTE FUNCTION contact_stats_track();

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION contact_stats_change(r contact_requests, sign INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO contact_stats_changes (sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds)
    VALUES (sign, r.received_at, r.unit_id, r.service_id, r.channel,
        (r.first_answered_at IS NOT NULL)::int,
        COALESCE((r.first_answered_at <= r.due_at)::int, 0),
        COALESCE((r.first_answered_at IS NULL AND r.status = 'closed' AND r.closed_at > r.due_at)::int, 0),
        r.answer_seconds)
$$;
-- +goose StatementEnd

DROP INDEX contact_requests_stats_overdue;
CREATE INDEX contact_requests_stats_open ON contact_requests (status, received_at, unit_id, service_id, channel, due_at, first_answered_at)
    WHERE status IN ('new', 'in_progress', 'waiting');
ALTER TABLE contact_stats_changes DROP COLUMN backlog;
ALTER TABLE contact_stats DROP COLUMN backlog;

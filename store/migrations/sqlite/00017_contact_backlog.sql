-- The backlog in the roll-up of the answer promise's figures (issue 19), on
-- SQLite.
--
-- The figures used to read every open request from contact_requests, so at
-- 100,000 open requests they read 100,000 rows. Now the roll-up counts the
-- open requests as it counts the received ones: contact_stats.backlog and
-- contact_stats_changes.backlog hold 1 for a request whose status is new,
-- in_progress or waiting, and the triggers log it with the rest of the
-- request's share. What depends on the present moment, an open request past
-- its due time without an answer, is read from contact_requests through
-- contact_requests_stats_overdue: only the overdue ones, which the answer
-- promise keeps few, however long the backlog.
--
-- The triggers of 00003 are made anew with the backlog; the update trigger
-- now also fires when a request moves into or out of the open statuses (an
-- answered request the resident writes to again opens anew).

-- +goose Up
ALTER TABLE contact_stats ADD COLUMN backlog INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contact_stats_changes ADD COLUMN backlog INTEGER NOT NULL DEFAULT 0;

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
    r.first_answered_at IS NOT NULL,
    COALESCE(r.first_answered_at <= r.due_at, 0),
    0,
    r.answer_seconds,
    s.sign = 1
FROM contact_requests r CROSS JOIN (SELECT -1 AS sign UNION ALL SELECT 1) s
WHERE r.status IN ('new', 'in_progress', 'waiting')
ORDER BY r.id, s.sign;

DROP TRIGGER contact_stats_insert;
DROP TRIGGER contact_stats_update;
DROP TRIGGER contact_stats_delete;

-- +goose StatementBegin
CREATE TRIGGER contact_stats_insert AFTER INSERT ON contact_requests
BEGIN
    INSERT INTO contact_stats_changes (sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds, backlog)
    VALUES (1, NEW.received_at, NEW.unit_id, NEW.service_id, NEW.channel,
        NEW.first_answered_at IS NOT NULL,
        COALESCE(NEW.first_answered_at <= NEW.due_at, 0),
        COALESCE(NEW.first_answered_at IS NULL AND NEW.status = 'closed' AND NEW.closed_at > NEW.due_at, 0),
        NEW.answer_seconds,
        NEW.status IN ('new', 'in_progress', 'waiting'));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contact_stats_update AFTER UPDATE OF unit_id, service_id, channel, status, received_at, due_at, first_answered_at, closed_at, answer_seconds ON contact_requests
WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.service_id IS NOT NEW.service_id OR OLD.channel IS NOT NEW.channel
    OR OLD.received_at IS NOT NEW.received_at OR OLD.due_at IS NOT NEW.due_at
    OR (OLD.status = 'closed') IS NOT (NEW.status = 'closed')
    OR (OLD.status IN ('new', 'in_progress', 'waiting')) IS NOT (NEW.status IN ('new', 'in_progress', 'waiting'))
    OR OLD.first_answered_at IS NOT NEW.first_answered_at
    OR OLD.closed_at IS NOT NEW.closed_at OR OLD.answer_seconds IS NOT NEW.answer_seconds
BEGIN
    INSERT INTO contact_stats_changes (sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds, backlog)
    VALUES (-1, OLD.received_at, OLD.unit_id, OLD.service_id, OLD.channel,
        OLD.first_answered_at IS NOT NULL,
        COALESCE(OLD.first_answered_at <= OLD.due_at, 0),
        COALESCE(OLD.first_answered_at IS NULL AND OLD.status = 'closed' AND OLD.closed_at > OLD.due_at, 0),
        OLD.answer_seconds,
        OLD.status IN ('new', 'in_progress', 'waiting')),
    (1, NEW.received_at, NEW.unit_id, NEW.service_id, NEW.channel,
        NEW.first_answered_at IS NOT NULL,
        COALESCE(NEW.first_answered_at <= NEW.due_at, 0),
        COALESCE(NEW.first_answered_at IS NULL AND NEW.status = 'closed' AND NEW.closed_at > NEW.due_at, 0),
        NEW.answer_seconds,
        NEW.status IN ('new', 'in_progress', 'waiting'));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contact_stats_delete AFTER DELETE ON contact_requests
BEGIN
    INSERT INTO contact_stats_changes (sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds, backlog)
    VALUES (-1, OLD.received_at, OLD.unit_id, OLD.service_id, OLD.channel,
        OLD.first_answered_at IS NOT NULL,
        COALESCE(OLD.first_answered_at <= OLD.due_at, 0),
        COALESCE(OLD.first_answered_at IS NULL AND OLD.status = 'closed' AND OLD.closed_at > OLD.due_at, 0),
        OLD.answer_seconds,
        OLD.status IN ('new', 'in_progress', 'waiting'));
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER contact_stats_delete;
DROP TRIGGER contact_stats_update;
DROP TRIGGER contact_stats_insert;

-- +goose StatementBegin
CREATE TRIGGER contact_stats_insert AFTER INSERT ON contact_requests
BEGIN
    INSERT INTO contact_stats_changes (sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds)
    VALUES (1, NEW.received_at, NEW.unit_id, NEW.service_id, NEW.channel,
        NEW.first_answered_at IS NOT NULL,
        COALESCE(NEW.first_answered_at <= NEW.due_at, 0),
        COALESCE(NEW.first_answered_at IS NULL AND NEW.status = 'closed' AND NEW.closed_at > NEW.due_at, 0),
        NEW.answer_seconds);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contact_stats_update AFTER UPDATE OF unit_id, service_id, channel, status, received_at, due_at, first_answered_at, closed_at, answer_seconds ON contact_requests
WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.service_id IS NOT NEW.service_id OR OLD.channel IS NOT NEW.channel
    OR OLD.received_at IS NOT NEW.received_at OR OLD.due_at IS NOT NEW.due_at
    OR (OLD.status = 'closed') IS NOT (NEW.status = 'closed') OR OLD.first_answered_at IS NOT NEW.first_answered_at
    OR OLD.closed_at IS NOT NEW.closed_at OR OLD.answer_seconds IS NOT NEW.answer_seconds
BEGIN
    INSERT INTO contact_stats_changes (sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds)
    VALUES (-1, OLD.received_at, OLD.unit_id, OLD.service_id, OLD.channel,
        OLD.first_answered_at IS NOT NULL,
        COALESCE(OLD.first_answered_at <= OLD.due_at, 0),
        COALESCE(OLD.first_answered_at IS NULL AND OLD.status = 'closed' AND OLD.closed_at > OLD.due_at, 0),
        OLD.answer_seconds),
    (1, NEW.received_at, NEW.unit_id, NEW.service_id, NEW.channel,
        NEW.first_answered_at IS NOT NULL,
        COALESCE(NEW.first_answered_at <= NEW.due_at, 0),
        COALESCE(NEW.first_answered_at IS NULL AND NEW.status = 'closed' AND NEW.closed_at > NEW.due_at, 0),
        NEW.answer_seconds);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contact_stats_delete AFTER DELETE ON contact_requests
BEGIN
    INSERT INTO contact_stats_changes (sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds)
    VALUES (-1, OLD.received_at, OLD.unit_id, OLD.service_id, OLD.channel,
        OLD.first_answered_at IS NOT NULL,
        COALESCE(OLD.first_answered_at <= OLD.due_at, 0),
        COALESCE(OLD.first_answered_at IS NULL AND OLD.status = 'closed' AND OLD.closed_at > OLD.due_at, 0),
        OLD.answer_seconds);
END;
-- +goose StatementEnd

DROP INDEX contact_requests_stats_overdue;
CREATE INDEX contact_requests_stats_open ON contact_requests (status, received_at, unit_id, service_id, channel, due_at, first_answered_at)
    WHERE status IN ('new', 'in_progress', 'waiting');
-- The backlog leaves the roll-up with its columns; the log's rows keep
-- their other shares.
ALTER TABLE contact_stats_changes DROP COLUMN backlog;
ALTER TABLE contact_stats DROP COLUMN backlog;

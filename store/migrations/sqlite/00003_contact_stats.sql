-- The figures of the answer promise (stats.go, store/contact_stats.go), on
-- SQLite: a roll-up of contact requests by day, week and month; the log of
-- changes not yet added to it; and the working time to the first answer.
-- Representations as in 00001.
--
-- Why a roll-up: a year holds some 2 million requests, and reading that many
-- rows takes seconds on either engine, far over the 300 ms the figures may
-- take. Why a log: a roll-up row such as "portal requests received today" is
-- touched by every submission, and on PostgreSQL concurrent transactions
-- that update one row wait for each other's commit, one at a time. So the
-- triggers only append each change of a request to contact_stats_changes,
-- which nobody else writes; Store.FoldContactStats adds the log to the
-- roll-up in batches and empties it, and the figures read the roll-up plus
-- what the log still holds, in one snapshot, so they are exact whenever they
-- are read. The local day, week and month of a request are computed in Go,
-- where the time zone database is.

-- +goose Up

-- The working time (service hours on working days, workday.Calendar.
-- WorkingHoursBetween) from receipt to the first answer, in whole seconds.
-- The calendar lives in Go, so Go fills it after the answer
-- (Store.FillAnswerWorkingSeconds); NULL until then.
ALTER TABLE contact_requests ADD COLUMN answer_seconds INTEGER;

-- The roll-up, one row per dimension (dim), level (day, week or month),
-- unit (unit_id), period and key (group_id): the requests received in the
-- period, those answered (a first answer from staff), those answered by their
-- due time, those closed without an answer after their due time, and the
-- working seconds to the first answer of each answered request whose working
-- time is filled, as a list "s1,s2,…," (a percentile needs the values, not a
-- sum). The dimensions unit, service and channel hold the whole city (unit_id
-- is ''); unit_service and unit_channel hold each unit's services and
-- channels (unit_id is the unit), for figures limited to some units. Periods
-- are days (YYYY-MM-DD) in Europe/Helsinki and, for the dimensions by unit,
-- also ISO weeks (YYYY-Www) and months (YYYY-MM): a request counts once at
-- each of its levels, so the figures of 349 units' whole months read one row
-- per unit and month, not one per day. Service and channel have few keys, so
-- their days are few rows; at the coarser levels their lists would grow to
-- hundreds of kilobytes, so they keep days only. The key orders the rows so
-- that one dimension's periods, or one unit's, are one range; WITHOUT ROWID
-- keeps them in that order on disk.
CREATE TABLE contact_stats (
    dim           TEXT NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('day', 'week', 'month')),
    unit_id       TEXT NOT NULL,
    period        TEXT NOT NULL,
    group_id      TEXT NOT NULL,
    received      INTEGER NOT NULL DEFAULT 0,
    answered      INTEGER NOT NULL DEFAULT 0,
    in_time       INTEGER NOT NULL DEFAULT 0,
    missed_closed INTEGER NOT NULL DEFAULT 0,
    seconds       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (dim, level, unit_id, period, group_id)
) STRICT, WITHOUT ROWID;

-- The changes not yet in the roll-up: a request's share added (sign 1) or
-- taken away (sign -1), as the request stood: when it was received, where it
-- went, whether it was answered, answered in time, or closed unanswered after
-- its due time, and its working time when filled.
CREATE TABLE contact_stats_changes (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    sign           INTEGER NOT NULL CHECK (sign IN (-1, 1)),
    received_at    INTEGER NOT NULL,
    unit_id        TEXT NOT NULL,
    service_id     TEXT NOT NULL,
    channel        TEXT NOT NULL,
    answered       INTEGER NOT NULL,
    in_time        INTEGER NOT NULL,
    missed_closed  INTEGER NOT NULL,
    answer_seconds INTEGER
) STRICT;

-- The open requests (the backlog and those past due without an answer) and
-- the answers whose working time is not filled yet: both small sets. Their
-- queries repeat these predicates word for word, as SQLite uses a partial
-- index only then.
CREATE INDEX contact_requests_stats_open ON contact_requests (status, received_at, unit_id, service_id, channel, due_at, first_answered_at)
    WHERE status IN ('new', 'in_progress', 'waiting');
CREATE INDEX contact_requests_stats_unfilled ON contact_requests (received_at, unit_id, service_id, channel, first_answered_at, answer_seconds)
    WHERE first_answered_at IS NOT NULL AND answer_seconds IS NULL;

-- The requests stored before this migration, as changes to fold.
INSERT INTO contact_stats_changes (sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds)
SELECT 1, received_at, unit_id, service_id, channel,
    first_answered_at IS NOT NULL,
    COALESCE(first_answered_at <= due_at, 0),
    COALESCE(first_answered_at IS NULL AND status = 'closed' AND closed_at > due_at, 0),
    answer_seconds
FROM contact_requests ORDER BY id;

-- A new request adds its share; a change to anything the roll-up holds takes
-- the old share away and adds the new; a deleted request takes its share
-- away.
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

-- +goose Down
DROP TRIGGER contact_stats_delete;
DROP TRIGGER contact_stats_update;
DROP TRIGGER contact_stats_insert;
DROP INDEX contact_requests_stats_unfilled;
DROP INDEX contact_requests_stats_open;
DROP TABLE contact_stats_changes;
DROP TABLE contact_stats;
ALTER TABLE contact_requests DROP COLUMN answer_seconds;

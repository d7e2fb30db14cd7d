-- Reads of the audit trail that stay flat in its size (issue 19), on SQLite.
--
-- audit_log_staff_reads: the staff reads of a resident's data, the first
-- half of the resident's access log (store.AccessLog), in the log's order.
-- Its condition is store/audit.go's staffReads word for word, so that the
-- query planner sees the query's condition imply it.
--
-- audit_counts: the entries per day, action and actor's unit that the
-- audit summary shows (store.AuditCounts), and audit_count_changes the
-- entries not yet added to it. As with contact_stats (00003), the trigger
-- only appends to the log of changes, so that concurrent writers never wait
-- on a shared row of the roll-up; store.FoldAuditCounts adds the log to the
-- roll-up in batches, and a read adds up both.

-- +goose Up
CREATE INDEX audit_log_staff_reads ON audit_log (resident_id, at, id)
    WHERE (action LIKE '%.read' OR action LIKE '%.search') AND actor_role IN ('professional', 'manager', 'analyst', 'admin');

CREATE TABLE audit_counts (
    day        TEXT NOT NULL,
    action     TEXT NOT NULL,
    actor_unit TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (day, action, actor_unit)
) STRICT;

CREATE TABLE audit_count_changes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    day        TEXT NOT NULL,
    action     TEXT NOT NULL,
    actor_unit TEXT NOT NULL,
    count      INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_count_changes_day ON audit_count_changes (day);

-- The trail so far, counted once.
INSERT INTO audit_counts (day, action, actor_unit, count)
    SELECT day, action, actor_unit, COUNT(*) FROM audit_log GROUP BY day, action, actor_unit;

-- +goose StatementBegin
CREATE TRIGGER audit_log_count AFTER INSERT ON audit_log
BEGIN
    INSERT INTO audit_count_changes (day, action, actor_unit, count) VALUES (NEW.day, NEW.action, NEW.actor_unit, 1);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_count;
DROP TABLE audit_count_changes;
DROP TABLE audit_counts;
DROP INDEX audit_log_staff_reads;

-- Reads of the audit trail that stay flat in its size (issue 19), on
-- PostgreSQL. What each part is for: see SQLite's 00016. Here the trigger
-- runs once per statement and logs the statement's new entries already
-- counted by day, action and unit, so a multi-row insert adds a few rows.

-- +goose Up
CREATE INDEX audit_log_staff_reads ON audit_log (resident_id, at, id)
    WHERE (action LIKE '%.read' OR action LIKE '%.search') AND actor_role IN ('professional', 'manager', 'analyst', 'admin');

CREATE TABLE audit_counts (
    day        TEXT COLLATE "C" NOT NULL,
    action     TEXT COLLATE "C" NOT NULL,
    actor_unit TEXT COLLATE "C" NOT NULL,
    count      BIGINT NOT NULL,
    PRIMARY KEY (day, action, actor_unit)
);

CREATE TABLE audit_count_changes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day        TEXT COLLATE "C" NOT NULL,
    action     TEXT COLLATE "C" NOT NULL,
    actor_unit TEXT COLLATE "C" NOT NULL,
    count      BIGINT NOT NULL
);
CREATE INDEX audit_count_changes_day ON audit_count_changes (day);

-- The trail so far, counted once.
INSERT INTO audit_counts (day, action, actor_unit, count)
    SELECT day, action, actor_unit, COUNT(*) FROM audit_log GROUP BY day, action, actor_unit;

-- +goose StatementBegin
CREATE FUNCTION audit_log_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_count_changes (day, action, actor_unit, count)
        SELECT day, action, actor_unit, COUNT(*) FROM new_entries GROUP BY day, action, actor_unit;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_count AFTER INSERT ON audit_log
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_count();

-- +goose Down
DROP TRIGGER audit_log_count ON audit_log;
DROP FUNCTION audit_log_count();
DROP TABLE audit_count_changes;
DROP TABLE audit_counts;
DROP INDEX audit_log_staff_reads;

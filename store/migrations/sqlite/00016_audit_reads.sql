-- Reads of the audit trail that stay flat in its size (issue 19).
--
-- audit_log_staff_reads: the staff reads of a resident's data, the first
-- half of the resident's access log (store.AccessLog), in the log's order.
-- Its condition is store/audit.go's staffReads word for word, so that the
-- query planner sees the query's condition imply it.

-- +goose Up
CREATE INDEX audit_log_staff_reads ON audit_log (resident_id, at, id)
    WHERE (action LIKE '%.read' OR action LIKE '%.search') AND actor_role IN ('professional', 'manager', 'analyst', 'admin');

-- +goose Down
DROP INDEX audit_log_staff_reads;

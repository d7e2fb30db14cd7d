-- Two indexes of audit_log that no query reads (issue 19: every audit row
-- wrote an entry into each). The trail is read by store.AccessLog and
-- store.ActingLog only, through the partial indexes audit_log_staff_reads,
-- audit_log_on_behalf and audit_log_actor_behalf (TestAccessLogPlan); the
-- counts by day come from audit_counts and audit_count_changes since 00016.
-- audit_log_resident (resident_id, at, id) is audit_log_staff_reads without
-- its condition; audit_log_day (day) served the counts before 00016.

-- +goose Up
DROP INDEX audit_log_resident;
DROP INDEX audit_log_day;

-- +goose Down
CREATE INDEX audit_log_day ON audit_log (day);
CREATE INDEX audit_log_resident ON audit_log (resident_id, at, id);

package store

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"sotepe"
)

// Two units of the test network (see package storetest); the plans only
// need their ids.
const (
	kallio   = "kallio-health-station"
	vuosaari = "vuosaari-dental"
)

// explain returns SQLite's query plan of query, one line per step.
func explain(t testing.TB, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, args...)
	must(t, err)
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		must(t, rows.Scan(&id, &parent, &unused, &detail))
		lines = append(lines, detail)
	}
	must(t, rows.Err())
	return strings.Join(lines, "\n")
}

// TestContactQueuePlan checks on SQLite that the lists read their indexes
// in order: every arm is a SEARCH of an index and no arm sorts, so a page
// costs the same however long the queue.
func TestContactQueuePlan(t *testing.T) {
	s := newStore(t, openSQLite(t))
	open := []sotepe.ContactStatus{sotepe.StatusNew, sotepe.StatusInProgress, sotepe.StatusWaiting}
	cursor := encodeContactCursor(1, 1)
	for _, c := range []struct {
		name  string
		f     sotepe.ContactFilter
		index string
	}{
		{"unit queue", sotepe.ContactFilter{Units: []string{kallio}, Statuses: open}, "contact_requests_queue"},
		{"unit queue, next page", sotepe.ContactFilter{Units: []string{kallio}, Statuses: open, Page: sotepe.PageRequest{Cursor: cursor}}, "contact_requests_queue"},
		{"two units, every status", sotepe.ContactFilter{Units: []string{kallio, vuosaari}, Breached: new(true)}, "contact_requests_queue"},
		{"assigned", sotepe.ContactFilter{AssignedTo: 7, Units: []string{kallio}, Statuses: open}, "contact_requests_assigned"},
		{"resident", sotepe.ContactFilter{ResidentID: 7, Page: sotepe.PageRequest{Cursor: cursor}}, "contact_requests_resident"},
		{"everything open", sotepe.ContactFilter{Statuses: open}, "contact_requests_status"},
	} {
		lq, err := contactListQuery(c.f)
		must(t, err)
		plan := explain(t, s.readers, lq.sql, lq.args...)
		t.Logf("%s:\n%s", c.name, plan)
		lines := strings.Split(plan, "\n")
		for i, line := range lines {
			// A sort right after reading the table would sort the whole
			// queue; the merge's sort of an arm's output (SCAN aN) sorts
			// at most a page.
			if strings.HasPrefix(line, "SCAN contact_requests") ||
				strings.Contains(line, "TEMP B-TREE") && (i == 0 || !strings.HasPrefix(lines[i-1], "SCAN a")) {
				t.Errorf("%s: %q in plan\n%s", c.name, line, plan)
			}
			if strings.HasPrefix(line, "SEARCH contact_requests") && !strings.Contains(line, c.index) {
				t.Errorf("%s: %q does not use %s", c.name, line, c.index)
			}
		}
		if !strings.Contains(plan, c.index) {
			t.Errorf("%s: plan does not use %s:\n%s", c.name, c.index, plan)
		}
	}
	for name, q := range map[string]string{
		"breach sweep":    `UPDATE contact_requests SET breached = TRUE WHERE ` + pendingWhere + ` AND due_at < $1`,
		"idempotency key": idempotencyLookup,
		"outbox":          `SELECT id FROM notifications WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY created_at, id LIMIT $2`,
		"thread":          `SELECT id FROM contact_messages WHERE request_id = $1 ORDER BY at, id`,
	} {
		args := []any{1, "k"}[:min(strings.Count(q, "$"), 2)]
		if name == "idempotency key" {
			args = []any{0, 1, "k"}
		}
		plan := explain(t, s.writer, q, args...)
		t.Logf("%s:\n%s", name, plan)
		// The outbox reads its partial index, which holds only unsent
		// rows, in order.
		if strings.Contains(plan, "SCAN") && !strings.Contains(plan, "USING INDEX notifications_pending") ||
			strings.Contains(plan, "TEMP B-TREE") || name == "breach sweep" && !strings.Contains(plan, "contact_requests_pending") {
			t.Errorf("%s: plan\n%s", name, plan)
		}
	}
}

// TestAccessLogPlan: each half of a resident's access log, and the acting
// log, reads its own index in the log's order, first page and later, so a
// page costs the same whatever the size of the audit trail (SQLite's plan;
// BenchmarkAuditReads measures both engines).
func TestAccessLogPlan(t *testing.T) {
	s := newStore(t, openSQLite(t))
	for _, c := range []struct {
		name, where, index string
		principal          bool
	}{
		{"staff reads", `a.resident_id = $1 AND ` + staffReads, "audit_log_staff_reads", false},
		{"on behalf", `a.on_behalf_of = $1`, "audit_log_on_behalf", false},
		{"acting log", `a.actor_id = $1 AND a.on_behalf_of IS NOT NULL`, "audit_log_actor_behalf", true},
	} {
		for _, cursor := range []bool{false, true} {
			where, args := c.where, []any{int64(7)}
			if cursor {
				where += ` AND (a.at, a.id) < ($2, $3)`
				args = append(args, int64(1), int64(1))
			}
			args = append(args, 51)
			plan := explain(t, s.readers, accessQuery(c.principal, where, len(args)), args...)
			if !strings.Contains(plan, "SEARCH a USING INDEX "+c.index) || strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("%s (cursor %t): want a search of %s in order:\n%s", c.name, cursor, c.index, plan)
			}
		}
	}
}

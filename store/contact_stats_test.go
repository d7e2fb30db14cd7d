package store

import (
	"strings"
	"testing"
)

// TestContactStatsPlan checks on SQLite that the figures read only their
// indexes' ranges: the roll-up by its key, the overdue and unfilled
// requests by their partial indexes (the overdue by due time, so that a long
// backlog not yet due is never read); and that the triggers find a request's roll-up
// rows by the key.
func TestContactStatsPlan(t *testing.T) {
	s := newStore(t, openSQLite(t))
	for _, tc := range []struct{ query, want string }{
		{`SELECT period, unit_id, group_id, received, answered, in_time, missed_closed, seconds FROM contact_stats
			WHERE dim = 'unit' AND level = 'month' AND period BETWEEN '2024-01' AND '2024-12' AND unit_id = ''`, "USING PRIMARY KEY (dim=? AND level=? AND unit_id=? AND period>? AND period<?)"},
		{`SELECT period, unit_id, group_id, received, answered, in_time, missed_closed, seconds FROM contact_stats
			WHERE dim = 'unit_service' AND level = 'day' AND period BETWEEN '2024-01-01' AND '2024-12-31' AND unit_id IN ('a', 'b')`, "USING PRIMARY KEY (dim=? AND level=? AND unit_id=? AND period>? AND period<?)"},
		// The fold's read of a row that loses a working time.
		{`SELECT seconds FROM contact_stats WHERE dim = 'unit' AND level = 'day' AND unit_id = '' AND period = '2024-01-01' AND group_id = 'a'`,
			"USING PRIMARY KEY (dim=? AND level=? AND unit_id=? AND period=? AND group_id=?)"},
		{`SELECT received_at, unit_id, channel FROM contact_requests
			WHERE ` + statsOverdueWhere + ` AND due_at < 3 AND received_at >= 1 AND received_at < 2`, "USING COVERING INDEX contact_requests_stats_overdue (status=? AND due_at<?)"},
		{`SELECT received_at, channel, first_answered_at FROM contact_requests
			WHERE ` + statsUnfilledWhere + ` AND received_at >= 1 AND received_at < 2`, "USING COVERING INDEX contact_requests_stats_unfilled (received_at>? AND received_at<?)"},
	} {
		if plan := explain(t, s.writer, tc.query); !strings.Contains(plan, tc.want) {
			t.Errorf("plan of %.80s…:\n%s\nwant %s", tc.query, plan, tc.want)
		}
	}
}

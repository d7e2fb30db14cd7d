package store

import (
	"strings"
	"testing"
)

// TestChatStatsPlan checks on SQLite that the chat figures read the roll-up
// by its key's range, the fold reads a period's rows by its key, and the
// chats of the days a period cuts short by chats_started.
func TestChatStatsPlan(t *testing.T) {
	s := newStore(t, openSQLite(t))
	for _, tc := range []struct{ query, want string }{
		{`SELECT line, group_id, started, answered, abandoned, handed_over, waits, durations FROM chat_stats
			WHERE dim = 'line' AND level = 'month' AND period BETWEEN '2024-01' AND '2024-12' AND line IN ('a', 'b')`,
			"USING PRIMARY KEY (dim=? AND level=? AND period>? AND period<?)"},
		{`SELECT period, line, group_id, started, answered, abandoned, handed_over, waits, durations FROM chat_stats
			WHERE dim = 'hour' AND level = 'day' AND period IN ('2024-01-01', '2024-01-02')`,
			"USING PRIMARY KEY (dim=? AND level=? AND period=?)"},
		{`SELECT 1, line, unit_id, status, started_at, taken_at, ended_at FROM chats WHERE started_at >= 1 AND started_at < 2`,
			"USING INDEX chats_started (started_at>? AND started_at<?)"},
	} {
		if plan := explain(t, s.writer, tc.query); !strings.Contains(plan, tc.want) {
			t.Errorf("plan of %.80s…:\n%s\nwant %s", tc.query, plan, tc.want)
		}
	}
}

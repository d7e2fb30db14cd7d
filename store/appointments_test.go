package store

import (
	"strings"
	"testing"
)

// TestSlotClashPlan checks on SQLite that the overlap check of OpenSlots
// searches the range of one schedule's starts in slots_resource_start, so
// that opening a time costs the same however many times the schedule
// holds.
func TestSlotClashPlan(t *testing.T) {
	s := newStore(t, openSQLite(t))
	plan := explain(t, s.writer, slotClashes, int64(1), int64(0), int64(1))
	t.Logf("plan:\n%s", plan)
	if !strings.Contains(plan, "SEARCH slots USING INDEX slots_resource_start (resource_id=? AND start_at>? AND start_at<?)") ||
		strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("want a search of slots_resource_start in order:\n%s", plan)
	}
}

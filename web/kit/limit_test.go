package kit_test

import (
	"testing"
	"time"

	"sotepe/web/kit"
)

// TestWindowLimit takes a key's allowance to its end, hands one use back,
// and sees the window pass; another key is counted apart.
func TestWindowLimit(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	l := kit.NewWindowLimit(3, time.Hour, func() time.Time { return now })
	for i := range 3 {
		if wait := l.Take("a"); wait != 0 {
			t.Fatalf("use %d of 3 waits %v", i+1, wait)
		}
	}
	now = now.Add(10 * time.Minute)
	if wait := l.Take("a"); wait != 50*time.Minute {
		t.Fatalf("the fourth use waits %v, want the 50 minutes left of the window", wait)
	}
	if wait := l.Take("b"); wait != 0 {
		t.Fatalf("another key waits %v", wait)
	}
	l.Give("a")
	if wait := l.Take("a"); wait != 0 {
		t.Fatalf("after a use handed back the key waits %v", wait)
	}
	if wait := l.Take("a"); wait == 0 {
		t.Fatal("the use handed back was given twice")
	}
	now = now.Add(50 * time.Minute)
	if wait := l.Take("a"); wait != 0 {
		t.Fatalf("a new window waits %v", wait)
	}
}

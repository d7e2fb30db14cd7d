package contact_test

import (
	"context"
	"testing"
	"time"

	"sotepe"
	"sotepe/internal/testenv"
)

// TestFillWorkingTimes checks that the sweep stores the working time to the
// first answer, by the calendar, and that the figures then read it from the
// roll-up: a request received Monday 10:00 and answered Tuesday 09:00 took
// the rest of Monday's service hours and Tuesday's first hour.
func TestFillWorkingTimes(t *testing.T) { testenv.Engines(t, testFillWorkingTimes) }

func testFillWorkingTimes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	anna, nurse := f.users["anna"], f.users["nurse"]
	c, _, err := f.svc.Submit(ctx, &anna, sotepe.NewContactRequest{ServiceID: "health-station-nurse", Body: "Kurkku on kipeä."})
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's clock stands still, so the answer comes a day later
	// through a service whose clock says so.
	loc := c.ReceivedAt.Location()
	answeredAt := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
	later := f.withNow(answeredAt)
	if _, err := later.Reply(ctx, nurse, c.ID, sotepe.Reply{Body: "Soita meille."}); err != nil {
		t.Fatal(err)
	}
	n, err := later.FillWorkingTimes(ctx)
	if err != nil || n != 1 {
		t.Fatalf("filled %d (%v), want 1", n, err)
	}
	if n, err := later.FillWorkingTimes(ctx); err != nil || n != 0 {
		t.Fatalf("second fill filled %d (%v), want 0", n, err)
	}
	// The submission, the answer and the fill are logged; folding empties
	// the log into the roll-up.
	if n, err := later.FoldStats(ctx); err != nil || n < 3 {
		t.Fatalf("folded %d changes (%v), want at least 3", n, err)
	}
	if n, err := later.FoldStats(ctx); err != nil || n != 0 {
		t.Fatalf("a second fold folded %d (%v), want 0", n, err)
	}
	rows, err := f.store.ContactStatsRows(ctx, sotepe.ContactStatsQuery{
		From: "2026-11-23", To: "2026-11-23", Dim: sotepe.DimUnit, Interval: sotepe.IntervalDay, Now: answeredAt,
		// Any working time read from the requests themselves would be a
		// second: the filled value must come from the roll-up.
		WorkingTime: func(from, to time.Time) time.Duration { return time.Second },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := f.calendar.Get().WorkingHoursBetween(c.ReceivedAt, answeredAt)
	if len(rows) != 1 || len(rows[0].AnswerSeconds) != 1 || time.Duration(rows[0].AnswerSeconds[0])*time.Second != want {
		t.Fatalf("rows %+v, want one answer of %s", rows, want)
	}
}

package demo_test

import (
	"testing"

	"sotepe"
	"sotepe/demo"
	"sotepe/internal/testenv"
)

// TestLoadAppointmentsKeepsClosedTimes loads the demo's times twice, as two
// demo starts do, with one of the nurse's times closed by staff between
// them: the second load opens nothing, neither over the closed time nor
// elsewhere, and no schedule holds two times that overlap.
func TestLoadAppointmentsKeepsClosedTimes(t *testing.T) {
	env := testenv.New(t, testenv.SQLite)
	ctx, nurse := env.As("nurse")
	now := env.Clock.Now()
	if n, err := demo.LoadAppointments(ctx, env.Store, now, env.Location); err != nil || n == 0 {
		t.Fatalf("first load: %d, %v", n, err)
	}
	const unit = "kallio-health-station"
	to := now.AddDate(0, 0, demo.DemoApptDays+1)
	slots, err := env.Store.UnitSlots(ctx, []string{unit}, now, to)
	if err != nil || len(slots) == 0 {
		t.Fatalf("no demo times at %s: %v", unit, err)
	}
	closed := slots[0]
	if err := env.Store.CloseSlot(ctx, closed.ID, nurse.Units); err != nil {
		t.Fatal(err)
	}
	if n, err := demo.LoadAppointments(ctx, env.Store, now, env.Location); err != nil || n != 0 {
		t.Fatalf("second load opened %d, %v", n, err)
	}
	after, err := env.Store.UnitSlots(ctx, []string{unit}, now, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(slots) {
		t.Errorf("%d times after the second load, %d before", len(after), len(slots))
	}
	for i, a := range after {
		if a.ID == closed.ID && a.State != sotepe.SlotClosed {
			t.Errorf("the closed time is %s", a.State)
		}
		for _, b := range after[i+1:] {
			if a.ResourceID == b.ResourceID && a.State != sotepe.SlotClosed && b.State != sotepe.SlotClosed &&
				b.Start.Before(a.End) && a.Start.Before(b.End) {
				t.Errorf("times %d and %d of one schedule overlap", a.ID, b.ID)
			}
		}
	}
}

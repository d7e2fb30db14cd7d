package yeargen

import (
	"testing"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/workday"
)

func TestHistoryIsDeterministicAndPlausible(t *testing.T) {
	n, err := demo.BaseNetwork()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := workday.New()
	if err != nil {
		t.Fatal(err)
	}
	h := History{Year: 2024, Count: 20000, Seed: 7, Network: n, Residents: []int64{1, 2, 3}, Staff: []int64{9}, Calendar: cal,
		Backlog: map[string]int{"kallio-health-station": 300}}
	collect := func() []sotepe.ContactRequest {
		var all []sotepe.ContactRequest
		got, err := h.Generate(1000, func(rs []sotepe.ContactRequest) error {
			all = append(all, rs...)
			return nil
		})
		if err != nil || got != len(all) {
			t.Fatalf("Generate = %d, %v (collected %d)", got, err, len(all))
		}
		return all
	}
	a, b := collect(), collect()
	if len(a) != len(b) {
		t.Fatalf("two runs gave %d and %d requests", len(a), len(b))
	}
	for i := range a {
		if a[i].ReceivedAt != b[i].ReceivedAt || a[i].UnitID != b[i].UnitID || a[i].Status != b[i].Status {
			t.Fatalf("run differs at %d", i)
		}
	}
	inTime, answered, weekend, backlog := 0, 0, 0, 0
	for _, r := range a {
		if r.ReceivedAt.Year() != 2024 {
			t.Fatalf("received %v, outside 2024", r.ReceivedAt)
		}
		due, _ := cal.Deadline(r.ReceivedAt, 2)
		if !r.DueAt.Equal(due) {
			t.Fatalf("due %v, want %v", r.DueAt, due)
		}
		if !r.FirstAnsweredAt.IsZero() {
			answered++
			if !r.FirstAnsweredAt.After(r.DueAt) {
				inTime++
			} else if !r.Breached {
				t.Fatal("a late answer is not marked breached")
			}
		}
		if wd := r.ReceivedAt.In(cal.Location()).Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend++
		}
		if r.UnitID == "kallio-health-station" && r.Status.Open() {
			backlog++
		}
		if err := (sotepe.NewContactRequest{ServiceID: r.ServiceID, Body: r.Messages[0].Body, Channel: r.Channel, ResidentID: r.ResidentID,
			Contact: r.Contact, Lang: r.Lang, ReceivedAt: r.ReceivedAt}).Validate(r.ReceivedAt); err != nil {
			t.Fatalf("a generated request does not validate: %v", err)
		}
	}
	if len(a) != 20300 {
		t.Errorf("%d requests, want 20,000 plus a backlog of 300", len(a))
	}
	if share := float64(inTime) / float64(answered); share < 0.89 || share > 0.95 {
		t.Errorf("%.3f answered in time, want about 0.92", share)
	}
	if share := float64(weekend) / float64(len(a)); share > 0.15 {
		t.Errorf("%.3f received on weekends: too many", share)
	}
	if backlog < 300 {
		t.Errorf("kallio has %d open requests, want at least the backlog of 300", backlog)
	}
}

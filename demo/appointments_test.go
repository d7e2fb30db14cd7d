package demo

import (
	"slices"
	"testing"
	"time"

	"sotepe"
)

// TestApptSchedulesFitTheNetwork checks that every demo schedule lies at a
// unit of the base network that offers its service, that its week opens
// times, evening ones included, and none that overlap (the store would
// skip them): each schedule is a resource of its own, its periods apart.
func TestApptSchedulesFitTheNetwork(t *testing.T) {
	n := baseNetwork(t)
	units := map[string]sotepe.Unit{}
	for _, u := range n.Units {
		units[u.ID] = u
	}
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	evening := false
	resources := map[[3]string]bool{}
	for _, sc := range apptSchedules() {
		if key := [3]string{sc.unit, sc.username, sc.name}; resources[key] {
			t.Errorf("two schedules at %s are one resource (%q %q)", sc.unit, sc.username, sc.name)
		} else {
			resources[key] = true
		}
		u, ok := units[sc.unit]
		if !ok || !slices.Contains(u.Services, sc.service) {
			t.Errorf("schedule at %s of %s: no such unit offering the service", sc.unit, sc.service)
		}
		if (sc.kind == sotepe.ResourceProfessional) != (sc.username != "") || (sc.username == "" && sc.name == "") {
			t.Errorf("schedule at %s: a professional's needs a user, others a name", sc.unit)
		}
		starts, err := sotepe.WeeklyTemplate{From: "2026-11-23", To: "2026-11-29", Length: time.Duration(sc.minutes) * time.Minute, Periods: sc.periods}.Starts(loc)
		if err != nil || len(starts) == 0 {
			t.Errorf("schedule at %s: %d starts, %v", sc.unit, len(starts), err)
		}
		for i, s := range starts {
			evening = evening || sotepe.IsEvening(s, loc)
			if i > 0 && s.Before(starts[i-1].Add(time.Duration(sc.minutes)*time.Minute)) {
				t.Errorf("schedule at %s: the times at %s and %s overlap", sc.unit, starts[i-1], s)
			}
		}
	}
	if !evening {
		t.Error("the demo has no evening times")
	}
	for _, c := range BookingRules() {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.ServiceID, err)
		}
	}
}

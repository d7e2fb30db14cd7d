package sotepe_test

import (
	"errors"
	"testing"
	"time"

	"sotepe"
)

func TestAgeOn(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		birth, on string
		age       int
	}{
		{"2008-06-15", "2026-06-14", 17},
		{"2008-06-15", "2026-06-15", 18}, // 18 on the birthday itself
		{"2008-06-15", "2026-12-31", 18},
		{"2008-12-31", "2026-01-01", 17},
		{"2008-02-29", "2026-02-27", 17},
		{"2008-02-29", "2026-02-28", 18}, // no 29 February in 2026: the last day of the month
		{"2008-02-29", "2028-02-28", 19},
		{"2008-02-29", "2028-02-29", 20}, // a leap year has its own 29 February
		{"2026-03-01", "2026-03-01", 0},
	} {
		if got := sotepe.AgeOn(day(tc.birth), day(tc.on)); got != tc.age {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", tc.birth, tc.on, got, tc.age)
		}
	}
	// The day is the calendar day in on's own location: 23:30 UTC on the
	// eve of the birthday is already the birthday in Helsinki (UTC+3 in June).
	helsinki := time.FixedZone("EEST", 3*3600)
	eve := time.Date(2026, 6, 14, 23, 30, 0, 0, time.UTC)
	if got := sotepe.AgeOn(day("2008-06-15"), eve); got != 17 {
		t.Errorf("in UTC: %d, want 17", got)
	}
	if got := sotepe.AgeOn(day("2008-06-15"), eve.In(helsinki)); got != 18 {
		t.Errorf("in Helsinki: %d, want 18", got)
	}
}

func TestMandateInForceAndCovers(t *testing.T) {
	end := time.Date(2026, 5, 31, 23, 59, 59, 0, time.UTC)
	m := sotepe.Mandate{Issues: []string{sotepe.IssueHealthCare}, ValidUntil: end}
	if !m.InForce(end.Add(-time.Hour)) || !m.InForce(end) {
		t.Error("a mandate is not in force up to and at its end")
	}
	if m.InForce(end.Add(time.Second)) {
		t.Error("a mandate is in force after its end")
	}
	if !(sotepe.Mandate{}).InForce(end.AddDate(50, 0, 0)) {
		t.Error("a mandate without an end date is not in force")
	}
	if !m.Covers(sotepe.IssueHealthCare) || m.Covers("ajoneuvon-rekisterointi") {
		t.Error("Covers does not follow Issues")
	}
}

func TestRegisterUnavailable(t *testing.T) {
	cause := errors.New("connection refused")
	err := error(sotepe.RegisterUnavailable("population register", cause))
	if sotepe.ErrorCode(err) != sotepe.EUnavailable || sotepe.ErrorKey(err) != "error.register_unavailable" {
		t.Errorf("code %q key %q", sotepe.ErrorCode(err), sotepe.ErrorKey(err))
	}
	if !errors.Is(err, cause) {
		t.Error("the cause is lost")
	}
}

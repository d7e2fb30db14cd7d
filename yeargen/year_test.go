package yeargen

import (
	"bytes"
	"os"
	"testing"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/workday"
)

func testYear(t *testing.T, scale float64, seed int64) Year {
	t.Helper()
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	base, err := demo.BaseNetwork()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := workday.New()
	if err != nil {
		t.Fatal(err)
	}
	return Year{Year: 2024, Scale: scale, Seed: seed, Network: demo.WidenNetwork(base, 349, 2024), IsWorkingDay: cal.IsWorkingDay, Reference: ref}
}

// TestReferenceCopy checks that the embedded reference is the shared one; it
// skips where the shared file is not at hand.
func TestReferenceCopy(t *testing.T) {
	shared, err := os.ReadFile("../../shared/reference/helsinki-2024.json")
	if err != nil {
		t.Skipf("no shared reference: %v", err)
	}
	if !bytes.Equal(shared, referenceJSON) {
		t.Error("data/reference-2024.json differs from ../shared/reference/helsinki-2024.json: copy it again")
	}
}

// TestYearTotals generates years at several scales and checks that every
// reference line totals round(value × scale), that the events are valid and
// spread as promised (units of the statistic's area, weekdays above weekends
// for clinic visits, a July dip, care days every day), and that the feedback
// has the reference's counts and NPS.
func TestYearTotals(t *testing.T) {
	for _, scale := range []float64{0.001, 0.013, 0.05} {
		y := testYear(t, scale, 7)
		units := map[string]sotepe.Unit{}
		for _, u := range y.Network.Units {
			units[u.ID] = u
		}
		got := map[string]int{}
		weekday, weekend := map[string]int{}, map[string]int{}
		byMonth := map[string][13]int{}
		careDays := map[string]bool{}
		seen := map[string]bool{}
		err := y.Events(func(e sotepe.ServiceEvent) error {
			if err := e.Validate(); err != nil {
				t.Fatalf("invalid event %+v: %v", e, err)
			}
			if seen[e.ExternalID] {
				t.Fatalf("external id %s twice", e.ExternalID)
			}
			seen[e.ExternalID] = true
			st, _ := sotepe.StatisticByKey(e.Statistic)
			u, ok := units[e.UnitID]
			if !ok || (st.AreaID != "" && u.AreaID != st.AreaID) || u.ProducerID != e.ProducerID {
				t.Fatalf("event %+v at unit %+v", e, u)
			}
			got[e.Statistic] += e.Count
			d, _ := time.Parse(time.DateOnly, e.Day)
			if d.Year() != 2024 {
				t.Fatalf("event on %s", e.Day)
			}
			if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
				weekend[e.Statistic] += e.Count
			} else {
				weekday[e.Statistic] += e.Count
			}
			m := byMonth[e.Statistic]
			m[d.Month()] += e.Count
			byMonth[e.Statistic] = m
			if e.Statistic == "elderly_long_term_care_days" {
				careDays[e.Day] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// The rescue statistics are rows of their own, not events.
		ry, err := y.Rescue()
		if err != nil {
			t.Fatal(err)
		}
		got[StatRescueMissions] += len(ry.Missions)
		got[StatEmergencyRuns] += len(ry.Runs)
		got[StatRescueInspections] += len(ry.Inspections)
		for _, v := range y.Reference.ServiceVolumes {
			if want := Scaled(v.Value, scale); got[v.Key] != want {
				t.Errorf("scale %g: %s = %d, want %d", scale, v.Key, got[v.Key], want)
			}
		}
		for k, want := range y.Totals() {
			if got[k] != want {
				t.Errorf("scale %g: %s = %d, want %d", scale, k, got[k], want)
			}
		}
		if scale == 0.05 {
			nurse := "health_station_nurse_visits"
			if weekend[nurse]*10 > weekday[nurse] {
				t.Errorf("nurse visits: %d at weekends, %d on weekdays", weekend[nurse], weekday[nurse])
			}
			if m := byMonth[nurse]; m[7]*3 > m[9]*2 {
				t.Errorf("nurse visits: July %d, September %d: no summer dip", m[7], m[9])
			}
			if len(careDays) != 366 {
				t.Errorf("care days on %d days of 366", len(careDays))
			}
			share := float64(got[sotepe.StatHomeCareClientsRemote]) / float64(got[sotepe.StatHomeCareClients])
			if share < 0.175 || share > 0.185 {
				t.Errorf("remote home-care share %.3f", share)
			}
		}
		for _, c := range y.FeedbackYears() {
			fb := y.Feedback(c)
			if len(fb) != c.Total() {
				t.Errorf("%d: %d answers, want %d", c.Year, len(fb), c.Total())
			}
			ch := map[sotepe.FeedbackChannel]int{}
			p, d := 0, 0
			for _, f := range fb {
				ch[f.Channel]++
				switch sotepe.ScoreClass(f.Score) {
				case "promoter":
					p++
				case "detractor":
					d++
				}
				if f.CreatedAt.Year() != c.Year || f.Channel == sotepe.FeedbackVisit {
					t.Fatalf("answer %+v", f)
				}
			}
			if ch[sotepe.FeedbackQR]+ch[sotepe.FeedbackKioskChannel] != c.AfterVisit || ch[sotepe.FeedbackWebsite] != c.Website || ch[sotepe.FeedbackPortal] != c.Portal {
				t.Errorf("%d: channels %v, want %+v", c.Year, ch, c)
			}
			if nps := int(float64(p-d)*100/float64(len(fb)) + 0.5); len(fb) > 0 && nps != c.NPS {
				t.Errorf("%d: NPS %d, want %d", c.Year, nps, c.NPS)
			}
		}
	}
	c := testYear(t, 1, 1).FeedbackYears()[1]
	if c.AfterVisit != 111388 || c.Website != 3865 || c.Portal != 4982 || c.NPS != 64 {
		t.Errorf("2024 feedback %+v", c)
	}
}

// TestYearDeterministic checks that the same seed gives the same events and
// another seed other ones.
func TestYearDeterministic(t *testing.T) {
	collect := func(seed int64) []sotepe.ServiceEvent {
		var out []sotepe.ServiceEvent
		if err := testYear(t, 0.01, seed).Events(func(e sotepe.ServiceEvent) error {
			out = append(out, e)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b, c := collect(3), collect(3), collect(4)
	if len(a) != len(b) {
		t.Fatalf("%d and %d events", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("event %d differs: %+v, %+v", i, a[i], b[i])
		}
	}
	same := len(a) == len(c)
	for i := 0; same && i < len(a); i++ {
		same = a[i] == c[i]
	}
	if same {
		t.Error("another seed gave the same events")
	}
	f1 := testYear(t, 0.01, 3).Feedback(testYear(t, 0.01, 3).FeedbackYears()[1])
	f2 := testYear(t, 0.01, 3).Feedback(testYear(t, 0.01, 3).FeedbackYears()[1])
	for i := range f1 {
		// Each call loads the time zone anew: compare instants.
		f1[i].CreatedAt, f2[i].CreatedAt = f1[i].CreatedAt.UTC(), f2[i].CreatedAt.UTC()
		if f1[i] != f2[i] {
			t.Fatalf("answer %d differs", i)
		}
	}
}

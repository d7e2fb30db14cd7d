package yeargen

import (
	"math"
	"slices"
	"testing"
	"time"

	"sotepe"
)

// TestYearChats generates the year's chats at several scales and checks them
// against the year's chat_contacts events: as many answered chats as the
// events count, day by day and unit by unit, round(6 %) abandoned ones on
// top; every chat within the year and the line's hours (09–15 on a weekend
// day), in order of start, with waits and durations within their bounds;
// and, at full scale, the medians and 90th percentiles, the hand-over share
// and the languages near what the generator promises.
func TestYearChats(t *testing.T) {
	zone, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	line, err := chatLine()
	if err != nil {
		t.Fatal(err)
	}
	for _, scale := range []float64{0.001, 0.05, 1} {
		y := testYear(t, scale, 7)
		type key struct{ day, unit string }
		events := map[key]int{}
		if err := y.Events(func(e sotepe.ServiceEvent) error {
			if e.Statistic == sotepe.StatChatContacts {
				events[key{e.Day, e.UnitID}] += e.Count
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		chats := map[key]int{}
		var waits, durations []time.Duration
		var last time.Time
		abandoned, handedOver := 0, 0
		langs := map[sotepe.Lang]int{}
		yearStart, yearEnd := time.Date(2024, 1, 1, 0, 0, 0, 0, zone), time.Date(2025, 1, 1, 0, 0, 0, 0, zone)
		if err := y.Chats(func(c sotepe.Chat) error {
			if c.Line != ChatLineID || c.ResidentID != 0 || c.ProfessionalID != 0 || c.ContactRequestID != 0 || c.ID != 0 {
				t.Fatalf("chat %+v", c)
			}
			if c.StartedAt.Before(yearStart) || !c.StartedAt.Before(yearEnd) || c.StartedAt.Before(last) {
				t.Fatalf("chat started at %s after one at %s", c.StartedAt, last)
			}
			last = c.StartedAt
			local := c.StartedAt.In(zone)
			minute := local.Hour()*60 + local.Minute()
			if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
				if minute < 9*60 || minute >= 15*60 {
					t.Fatalf("weekend chat at %s", local)
				}
			} else if !line.Hours.OpenAt(local) {
				t.Fatalf("chat at %s, when the line is closed", local)
			}
			langs[c.Lang]++
			switch c.Status {
			case sotepe.ChatAbandoned:
				abandoned++
				wait := c.EndedAt.Sub(c.StartedAt)
				if c.UnitID != "" || !c.TakenAt.IsZero() || wait < 20*time.Second || wait > time.Hour {
					t.Fatalf("abandoned chat %+v", c)
				}
				return nil
			case sotepe.ChatHandedOver:
				handedOver++
			case sotepe.ChatClosed:
			default:
				t.Fatalf("chat of status %s", c.Status)
			}
			wait, dur := c.TakenAt.Sub(c.StartedAt), c.EndedAt.Sub(c.TakenAt)
			if wait < 5*time.Second || wait > time.Hour || dur < time.Minute || dur > 90*time.Minute || !c.ResidentSeenAt.Equal(c.EndedAt) {
				t.Fatalf("chat %+v: wait %s, duration %s", c, wait, dur)
			}
			waits, durations = append(waits, wait), append(durations, dur)
			chats[key{local.Format(time.DateOnly), c.UnitID}]++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		answered := len(waits)
		if want := y.Totals()[sotepe.StatChatContacts]; answered != want || want != Scaled(72200, scale) {
			t.Errorf("scale %g: %d answered chats, want the chat contacts' %d", scale, answered, want)
		}
		for k, n := range events {
			if chats[k] != n {
				t.Errorf("scale %g: %d chats on %s at %s, the events %d", scale, chats[k], k.day, k.unit, n)
			}
		}
		if len(chats) != len(events) {
			t.Errorf("scale %g: chats on %d unit days, events on %d", scale, len(chats), len(events))
		}
		if want := int(math.Round(float64(answered) * 0.06)); abandoned != want {
			t.Errorf("scale %g: %d abandoned, want %d", scale, abandoned, want)
		}
		if scale < 1 {
			continue
		}
		slices.Sort(waits)
		slices.Sort(durations)
		q := func(d []time.Duration, p float64) float64 { return d[int(p*float64(len(d)-1))].Minutes() }
		if w50, w90 := q(waits, 0.5), q(waits, 0.9); w50 < 2.7 || w50 > 3.3 || w90 < 11 || w90 > 13 {
			t.Errorf("waits: median %.1f min, 90th percentile %.1f min", w50, w90)
		}
		if d50 := q(durations, 0.5); d50 < 7.5 || d50 > 8.5 {
			t.Errorf("durations: median %.1f min", d50)
		}
		if share := float64(handedOver) / float64(answered); share < 0.075 || share > 0.085 {
			t.Errorf("%.3f handed over", share)
		}
		total := float64(answered + abandoned)
		if fi, sv := float64(langs[sotepe.Finnish])/total, float64(langs[sotepe.Swedish])/total; fi < 0.83 || fi > 0.87 || sv < 0.05 || sv > 0.07 {
			t.Errorf("languages %v", langs)
		}
	}
}

// TestYearChatsDeterministic checks that the same seed gives the same chats
// and another seed other ones.
func TestYearChatsDeterministic(t *testing.T) {
	collect := func(seed int64) []sotepe.Chat {
		var out []sotepe.Chat
		if err := testYear(t, 0.01, seed).Chats(func(c sotepe.Chat) error {
			out = append(out, c)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b, c := collect(3), collect(3), collect(4)
	if !slices.Equal(a, b) {
		t.Error("the same seed gave other chats")
	}
	if slices.Equal(a, c) {
		t.Error("another seed gave the same chats")
	}
}

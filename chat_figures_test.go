package sotepe_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"sotepe"
)

func helsinki(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestChatFiguresGrouping checks the definition of the chat figures: the
// counts, the percentiles and the keys of each grouping.
func TestChatFiguresGrouping(t *testing.T) {
	loc := helsinki(t)
	at := time.Date(2026, 11, 23, 9, 30, 0, 0, loc)
	times := []sotepe.ChatTime{
		{Line: "nurse", UnitID: "a", Status: sotepe.ChatClosed, StartedAt: at, TakenAt: at.Add(60 * time.Second), EndedAt: at.Add(360 * time.Second)},
		{Line: "nurse", UnitID: "b", Status: sotepe.ChatHandedOver, HandedOver: true, StartedAt: at, TakenAt: at.Add(120 * time.Second), EndedAt: at.Add(720 * time.Second)},
		{Line: "nurse", Status: sotepe.ChatAbandoned, StartedAt: at.Add(time.Hour), EndedAt: at.Add(time.Hour + 10*time.Minute)},
		{Line: "nurse", UnitID: "a", Status: sotepe.ChatActive, StartedAt: at.Add(time.Hour), TakenAt: at.Add(time.Hour + 300*time.Second)},
		{Line: "social", Status: sotepe.ChatWaiting, StartedAt: at.Add(-9 * time.Hour)},
	}
	byLine := sotepe.ChatFiguresOf(times, sotepe.ChatByLine, loc)
	if len(byLine) != 2 || byLine[0].Key != "nurse" || byLine[1].Key != "social" {
		t.Fatalf("by line: %+v", byLine)
	}
	n := byLine[0]
	if n.Started != 4 || n.Answered != 3 || n.Abandoned != 1 || n.HandedOver != 1 {
		t.Errorf("nurse counts: %+v", n)
	}
	// Waits 60, 120, 300: median 120, 90th 300-(0.2·180)=264; durations
	// 300 and 600 (the active chat has none yet): 450 and 570.
	for name, c := range map[string]struct {
		got  *float64
		want float64
	}{"wait p50": {n.WaitP50, 120}, "wait p90": {n.WaitP90, 264}, "duration p50": {n.DurationP50, 450}, "duration p90": {n.DurationP90, 570}} {
		if c.got == nil || *c.got != c.want {
			t.Errorf("%s = %v, want %v", name, c.got, c.want)
		}
	}
	if s := byLine[1]; s.Started != 1 || s.Answered != 0 || s.WaitP50 != nil || s.DurationP90 != nil {
		t.Errorf("social: %+v", s)
	}
	byHour := sotepe.ChatFiguresOf(times, sotepe.ChatByHour, loc)
	var keys []string
	for _, f := range byHour {
		keys = append(keys, fmt.Sprintf("%s:%d", f.Key, f.Started))
	}
	if got := strings.Join(keys, " "); got != "00:1 09:2 10:2" {
		t.Errorf("by hour: %s", got)
	}
	byUnit := sotepe.ChatFiguresOf(times, sotepe.ChatByUnit, loc)
	keys = nil
	for _, f := range byUnit {
		keys = append(keys, fmt.Sprintf("%q:%d", f.Key, f.Started))
	}
	if got := strings.Join(keys, " "); got != `"":2 "a":2 "b":1` {
		t.Errorf("by unit: %s", got)
	}
}

// TestChatFigureSums checks that the figures of sums equal the figures of
// the chats they add up, percentiles to the last bit, over random chats
// and for every grouping; and that SecondsPercentiles equals Percentiles.
func TestChatFigureSums(t *testing.T) {
	loc := helsinki(t)
	rnd := rand.New(rand.NewPCG(19, 23))
	for round := range 200 {
		// Few distinct values, many, and long chats beyond int32's
		// seconds.
		spread := []int64{5, 400, 5000}[round%3]
		var times []sotepe.ChatTime
		for range 1 + rnd.IntN(60) {
			c := sotepe.ChatTime{Line: []string{"a", "b"}[rnd.IntN(2)],
				StartedAt: time.Date(2024, 10, 27, 0, 0, 0, 0, loc).Add(time.Duration(rnd.Int64N(int64(48 * time.Hour))))}
			c.Status = []sotepe.ChatStatus{sotepe.ChatWaiting, sotepe.ChatActive, sotepe.ChatClosed, sotepe.ChatHandedOver, sotepe.ChatAbandoned}[rnd.IntN(5)]
			if c.Status != sotepe.ChatWaiting && c.Status != sotepe.ChatAbandoned || rnd.IntN(4) == 0 {
				c.UnitID = []string{"u1", "u2"}[rnd.IntN(2)]
				c.TakenAt = c.StartedAt.Add(time.Duration(rnd.Int64N(spread*int64(time.Second)) + rnd.Int64N(int64(time.Second))))
			}
			if !c.Status.Open() {
				from := c.StartedAt
				if !c.TakenAt.IsZero() {
					from = c.TakenAt
				}
				c.EndedAt = from.Add(time.Duration(rnd.Int64N(spread * int64(time.Second))))
				if round%17 == 0 {
					c.EndedAt = from.Add(80 * 365 * 24 * time.Hour)
				}
			}
			c.HandedOver = c.Status == sotepe.ChatHandedOver
			times = append(times, c)
		}
		for _, by := range []string{sotepe.ChatByLine, sotepe.ChatByUnit, sotepe.ChatByHour} {
			want := sotepe.ChatFiguresOf(times, by, loc)
			var got []sotepe.ChatFigure
			for _, g := range sums(times, by, loc) {
				got = append(got, g.Figure())
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d by %s:\n got %s\nwant %s", round, by, show(got), show(want))
			}
		}
	}
	for range 500 {
		v := make([]int32, 1+rnd.IntN(3000))
		for i := range v {
			v[i] = int32(rnd.IntN(1 + rnd.IntN(2000)))
		}
		h := histogram(v)
		ps := []float64{0, 0.1, 0.5, 0.9, 0.99, 1, rnd.Float64()}
		if got, want := sotepe.SecondsPercentiles(h, ps...), sotepe.Percentiles(slices.Clone(v), ps...); !reflect.DeepEqual(got, want) {
			t.Fatalf("%d values: counted %v, listed %v", len(v), got, want)
		}
	}
}

// sums adds times up by group as a roll-up would.
func sums(times []sotepe.ChatTime, by string, loc *time.Location) []sotepe.ChatFigureSums {
	groups := map[string]*sotepe.ChatFigureSums{}
	waits, durations := map[string][]int32{}, map[string][]int32{}
	for _, c := range times {
		k := c.Key(by, loc)
		g := groups[k]
		if g == nil {
			g = &sotepe.ChatFigureSums{Key: k}
			groups[k] = g
		}
		g.Started++
		switch c.Status {
		case sotepe.ChatAbandoned:
			g.Abandoned++
		case sotepe.ChatHandedOver:
			g.HandedOver++
		}
		if !c.TakenAt.IsZero() {
			g.Answered++
			waits[k] = append(waits[k], sotepe.ChatSeconds(c.TakenAt.Sub(c.StartedAt)))
			if !c.EndedAt.IsZero() {
				durations[k] = append(durations[k], sotepe.ChatSeconds(c.EndedAt.Sub(c.TakenAt)))
			}
		}
	}
	var out []sotepe.ChatFigureSums
	for k, g := range groups {
		if len(waits[k]) > 0 {
			g.Waits = histogram(waits[k])
		}
		if len(durations[k]) > 0 {
			g.Durations = histogram(durations[k])
		}
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b sotepe.ChatFigureSums) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// histogram counts v by value, ascending.
func histogram(v []int32) sotepe.SecondsHistogram {
	v = slices.Sorted(slices.Values(v))
	var h sotepe.SecondsHistogram
	for _, x := range v {
		if len(h) > 0 && h[len(h)-1].Seconds == x {
			h[len(h)-1].Count++
		} else {
			h = append(h, sotepe.SecondsCount{Seconds: x, Count: 1})
		}
	}
	return h
}

// show writes figures with their percentiles' values, not pointers.
func show(fs []sotepe.ChatFigure) string {
	var b strings.Builder
	v := func(p *float64) string {
		if p == nil {
			return "nil"
		}
		return fmt.Sprint(*p)
	}
	for _, f := range fs {
		fmt.Fprintf(&b, "{%s %d %d %d %d %s %s %s %s} ", f.Key, f.Started, f.Answered, f.Abandoned, f.HandedOver,
			v(f.WaitP50), v(f.WaitP90), v(f.DurationP50), v(f.DurationP90))
	}
	return b.String()
}

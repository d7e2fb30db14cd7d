package sotepe

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// The chat figures: how many chats started, were answered, abandoned and
// handed over, and how long they waited and lasted, by line, unit or hour.
// ChatFiguresOf defines them over the chats themselves; the store keeps
// them added up (ChatFigureSums), and ChatFigureSums.Figure gives the same
// figures from the sums.

// The groupings of the chat figures (ChatFigureQuery.By).
const (
	ChatByLine = "line" // by chat service
	ChatByUnit = "unit" // by the unit of the professional who took the chat; "" for chats nobody took
	ChatByHour = "hour" // by the hour of the start in the city's time, "00"–"23"
)

// Seconds is a multiset of whole seconds, such as the waits or the
// durations of a group of chats: how many values it holds, and the value
// of each rank.
type Seconds interface {
	// Len returns how many values it holds.
	Len() int64
	// Nth returns the value of rank k (0 ≤ k < Len()), ascending.
	Nth(k int64) int32
}

// SecondsCount is an entry of a histogram of whole seconds: Count values
// of Seconds.
type SecondsCount struct {
	Seconds int32
	Count   int64
}

// SecondsHistogram is a multiset of whole seconds as a histogram,
// ascending by value with every count positive.
type SecondsHistogram []SecondsCount

// Len returns how many values h holds.
func (h SecondsHistogram) Len() int64 {
	var n int64
	for _, e := range h {
		n += e.Count
	}
	return n
}

// Nth returns the value of rank k (0 ≤ k < Len()); past the end, the
// largest value.
func (h SecondsHistogram) Nth(k int64) int32 {
	var below int64
	for _, e := range h {
		if below += e.Count; k < below {
			return e.Seconds
		}
	}
	return h[len(h)-1].Seconds
}

// ChatFigureSums is one group of the chat figures as sums: the counts, and
// the waits and durations as multisets of whole seconds (nil or empty
// without values), from which the percentiles follow exactly. The store
// keeps them in a form whose ranks it finds without listing every value.
type ChatFigureSums struct {
	Key                                      string
	Started, Answered, Abandoned, HandedOver int
	Waits, Durations                         Seconds
}

// Figure returns the group's figure: its counts, and the median and 90th
// percentile of its waits and durations, exactly as ChatFiguresOf computes
// them from the chats.
func (g ChatFigureSums) Figure() ChatFigure {
	f := ChatFigure{Key: g.Key, Started: g.Started, Answered: g.Answered, Abandoned: g.Abandoned, HandedOver: g.HandedOver}
	if g.Waits != nil && g.Waits.Len() > 0 {
		q := SecondsPercentiles(g.Waits, 0.5, 0.9)
		f.WaitP50, f.WaitP90 = &q[0], &q[1]
	}
	if g.Durations != nil && g.Durations.Len() > 0 {
		q := SecondsPercentiles(g.Durations, 0.5, 0.9)
		f.DurationP50, f.DurationP90 = &q[0], &q[1]
	}
	return f
}

// ChatSeconds returns d in whole seconds (the fraction cut off), within
// int32 and never negative: a wait or a duration as the chat figures count
// it.
func ChatSeconds(d time.Duration) int32 {
	return int32(min(max(d/time.Second, 0), 1<<31-1))
}

// Key returns the group of the chat in grouping by (ChatByLine, ChatByUnit
// or ChatByHour, the last in loc); any other grouping counts as by hour.
func (t ChatTime) Key(by string, loc *time.Location) string {
	switch by {
	case ChatByLine:
		return t.Line
	case ChatByUnit:
		return t.UnitID
	}
	return fmt.Sprintf("%02d", t.StartedAt.In(loc).Hour())
}

// ChatFiguresOf returns the chat figures of times grouped by by (see Key),
// ordered by key: every chat counts as started, an abandoned one as
// abandoned, one that ended as a contact request as handed over, a taken
// one as answered with its wait (start to taken), and a taken one that
// ended with its duration (taken to end), in whole seconds (ChatSeconds).
// The median and 90th percentile are interpolated between the nearest
// ranks (Percentiles), nil without values. It is the definition the
// store's sums are checked against.
func ChatFiguresOf(times []ChatTime, by string, loc *time.Location) []ChatFigure {
	type group struct {
		f                ChatFigure
		waits, durations []int32
	}
	groups := map[string]*group{}
	for _, t := range times {
		key := t.Key(by, loc)
		g := groups[key]
		if g == nil {
			g = &group{f: ChatFigure{Key: key}}
			groups[key] = g
		}
		g.f.Started++
		switch {
		case t.Status == ChatAbandoned:
			g.f.Abandoned++
		case t.HandedOver || t.Status == ChatHandedOver:
			g.f.HandedOver++
		}
		if t.TakenAt.IsZero() {
			continue
		}
		g.f.Answered++
		g.waits = append(g.waits, ChatSeconds(t.TakenAt.Sub(t.StartedAt)))
		if !t.EndedAt.IsZero() {
			g.durations = append(g.durations, ChatSeconds(t.EndedAt.Sub(t.TakenAt)))
		}
	}
	out := make([]ChatFigure, 0, len(groups))
	for _, g := range groups {
		if len(g.waits) > 0 {
			q := Percentiles(g.waits, 0.5, 0.9)
			g.f.WaitP50, g.f.WaitP90 = &q[0], &q[1]
		}
		if len(g.durations) > 0 {
			q := Percentiles(g.durations, 0.5, 0.9)
			g.f.DurationP50, g.f.DurationP90 = &q[0], &q[1]
		}
		out = append(out, g.f)
	}
	slices.SortFunc(out, func(a, b ChatFigure) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// SecondsPercentiles returns the quantiles ps (0 ≤ p ≤ 1) of v, not
// empty, exactly as Percentiles computes them from the values one by one.
func SecondsPercentiles(v Seconds, ps ...float64) []float64 {
	n := v.Len()
	at := func(k int64) float64 { return float64(v.Nth(k)) }
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = interpolate(n, p, at)
	}
	return out
}

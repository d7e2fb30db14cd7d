package chat

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"sotepe"
)

// The groupings of the chat figures.
const (
	ByLine = "line"
	ByUnit = "unit"
	ByHour = "hour"
)

// Figures returns the chat figures of chats started in [q.From, q.To),
// grouped by q.By: "line", "unit" (of the professional who took the chat;
// "" for chats nobody took) or "hour" (of the start in the city's time,
// "00"–"23"), ordered by key. Managers see the lines of their units,
// analysts and administrators every line; q.Lines narrows that. Waits and
// durations are in seconds, their median and 90th percentile interpolated
// between the nearest ranks as the contact figures are (sotepe.Percentiles).
//
// Errors: EForbidden for anyone else, or for a manager naming a line
// outside theirs; EInvalid "chat.error.group" for another grouping and
// "chat.error.period" unless From lies before To.
func (s *Service) Figures(ctx context.Context, u sotepe.User, q sotepe.ChatFigureQuery) ([]sotepe.ChatFigure, error) {
	var allowed []string
	switch {
	case u.Has(sotepe.RoleAnalyst) || u.Has(sotepe.RoleAdmin):
	case u.Has(sotepe.RoleManager):
		var err error
		if allowed, err = s.staffLines(ctx, u); err != nil {
			return nil, err
		}
		if allowed == nil {
			allowed = []string{}
		}
	default:
		return nil, forbidden()
	}
	if q.By != ByLine && q.By != ByUnit && q.By != ByHour {
		return nil, sotepe.Invalid("chat.error.group", "group the chat figures by line, unit or hour")
	}
	if q.From.IsZero() || !q.From.Before(q.To) {
		return nil, sotepe.Invalid("chat.error.period", "the period's start must lie before its end")
	}
	lines := q.Lines
	switch {
	case allowed == nil:
	case len(lines) == 0:
		lines = allowed
	default:
		for _, l := range lines {
			if !slices.Contains(allowed, l) {
				return nil, forbidden()
			}
		}
	}
	if lines != nil && len(lines) == 0 {
		// A manager whose units answer no chats: nothing, not everything.
		return []sotepe.ChatFigure{}, nil
	}
	times, err := s.store.ChatTimes(ctx, q.From, q.To, lines)
	if err != nil {
		return nil, err
	}
	return figures(times, q.By, s.loc), nil
}

// figures groups chats by by and counts them.
func figures(times []sotepe.ChatTime, by string, loc *time.Location) []sotepe.ChatFigure {
	type group struct {
		f                sotepe.ChatFigure
		waits, durations []int32
	}
	groups := map[string]*group{}
	for _, t := range times {
		var key string
		switch by {
		case ByLine:
			key = t.Line
		case ByUnit:
			key = t.UnitID
		default:
			key = fmt.Sprintf("%02d", t.StartedAt.In(loc).Hour())
		}
		g := groups[key]
		if g == nil {
			g = &group{f: sotepe.ChatFigure{Key: key}}
			groups[key] = g
		}
		g.f.Started++
		switch {
		case t.Status == sotepe.ChatAbandoned:
			g.f.Abandoned++
		case t.HandedOver || t.Status == sotepe.ChatHandedOver:
			g.f.HandedOver++
		}
		if t.TakenAt.IsZero() {
			continue
		}
		g.f.Answered++
		g.waits = append(g.waits, seconds(t.TakenAt.Sub(t.StartedAt)))
		if !t.EndedAt.IsZero() {
			g.durations = append(g.durations, seconds(t.EndedAt.Sub(t.TakenAt)))
		}
	}
	out := make([]sotepe.ChatFigure, 0, len(groups))
	for _, g := range groups {
		g.f.WaitP50, g.f.WaitP90 = quantiles(g.waits)
		g.f.DurationP50, g.f.DurationP90 = quantiles(g.durations)
		out = append(out, g.f)
	}
	slices.SortFunc(out, func(a, b sotepe.ChatFigure) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// seconds returns d in whole seconds, within int32 and never negative.
func seconds(d time.Duration) int32 {
	return int32(min(max(d/time.Second, 0), 1<<31-1))
}

// quantiles returns the median and 90th percentile of v, nil when v is
// empty.
func quantiles(v []int32) (p50, p90 *float64) {
	if len(v) == 0 {
		return nil, nil
	}
	q := sotepe.Percentiles(v, 0.5, 0.9)
	return &q[0], &q[1]
}

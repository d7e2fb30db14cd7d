package chat

import (
	"context"
	"slices"

	"sotepe"
)

// The groupings of the chat figures.
const (
	ByLine = sotepe.ChatByLine
	ByUnit = sotepe.ChatByUnit
	ByHour = sotepe.ChatByHour
)

// Figures returns the chat figures of chats started in [q.From, q.To),
// grouped by q.By: "line", "unit" (of the professional who took the chat;
// "" for chats nobody took) or "hour" (of the start in the city's time,
// "00"–"23"), ordered by key. Managers see the lines of their units,
// analysts and administrators every line; q.Lines narrows that. Waits and
// durations are in seconds, their median and 90th percentile interpolated
// between the nearest ranks as the contact figures are (sotepe.Percentiles):
// sotepe.ChatFiguresOf defines them. The store reads them from its roll-up
// (ChatFigureSums), a few rows a day or month, not every chat of the
// period; the hours are the city's (Europe/Helsinki), as the store counts
// them.
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
	sums, err := s.store.ChatFigureSums(ctx, q.From, q.To, q.By, lines)
	if err != nil {
		return nil, err
	}
	out := make([]sotepe.ChatFigure, len(sums))
	for i, g := range sums {
		out[i] = g.Figure()
	}
	return out, nil
}

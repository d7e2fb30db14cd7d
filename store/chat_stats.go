package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"sotepe"
)

// How the chat figures stay fast.
//
// The dashboard shows the chat figures of any period on every request. A
// year holds some 77,000 chats in the generated year and grows with the
// city; reading every chat of the period (ChatTimes) cost about 2 µs a
// chat, the dashboard's largest part. So chat_stats (migration 00023) adds
// the chats up by the day and month of their start in Europe/Helsinki, for
// each grouping of the figures on its own (by line, by unit, by hour), each
// row per line and key of the grouping: the chats started, answered,
// abandoned and handed over, and histograms of their waits and durations
// in whole seconds, "seconds:count," ascending. The percentiles need the
// values, and a histogram keeps them exactly in the room of the distinct
// values: a month of a line holds some thousands however many chats it
// has, so the figures of a period cost about the same at any volume.
//
// The roll-up follows contact_stats (contact_stats.go): the triggers of
// chats append each change of a chat that the figures see (started, taken,
// moved to another line or unit, ended, abandoned, handed over, deleted)
// to chat_stats_changes as its old share taken away and its new share
// added; FoldChatStats adds the log to the roll-up, rewriting each row it
// touches whole, and deletes what it added, in one transaction. The
// figures read the roll-up and what the log still holds in one snapshot,
// so every change counts exactly once whether or not it has been folded.
//
// A period [from, to) of instants reads its whole months at the month
// level, the other whole days at the day level (rollupParts), and the
// chats of the days that from and to cut short from chats itself (the
// index chats_started): at most two days of chats, however long the
// period. The day, month and hour of a chat are computed in Go, where the
// time zone database is, by the fold and the reads alike, through
// sotepe.ChatTime.Key and sotepe.ChatSeconds, so the sums are those of
// sotepe.ChatFiguresOf.

// chatDims are the groupings the roll-up keeps, each in rows of its own.
var chatDims = [...]string{sotepe.ChatByLine, sotepe.ChatByUnit, sotepe.ChatByHour}

// chatSums adds up the chats of one group, or of one row of the roll-up.
// Counts may pass below zero while changes are added in any order; the
// sums of a whole log and roll-up are not.
type chatSums struct {
	started, answered, abandoned, handedOver int64
	waits, durations                         map[int32]int64
}

// add adds chat t (sign 1) or takes it away (sign -1).
func (g *chatSums) add(sign int64, t sotepe.ChatTime) {
	g.started += sign
	switch t.Status {
	case sotepe.ChatAbandoned:
		g.abandoned += sign
	case sotepe.ChatHandedOver:
		g.handedOver += sign
	}
	if t.TakenAt.IsZero() {
		return
	}
	g.answered += sign
	if g.waits == nil {
		g.waits = map[int32]int64{}
	}
	g.waits[sotepe.ChatSeconds(t.TakenAt.Sub(t.StartedAt))] += sign
	if t.EndedAt.IsZero() {
		return
	}
	if g.durations == nil {
		g.durations = map[int32]int64{}
	}
	g.durations[sotepe.ChatSeconds(t.EndedAt.Sub(t.TakenAt))] += sign
}

// addRow adds a row of the roll-up.
func (g *chatSums) addRow(started, answered, abandoned, handedOver int64, waits, durations []byte) error {
	g.started += started
	g.answered += answered
	g.abandoned += abandoned
	g.handedOver += handedOver
	var err error
	if g.waits, err = addHistogram(g.waits, waits); err != nil {
		return err
	}
	g.durations, err = addHistogram(g.durations, durations)
	return err
}

// empty reports whether the sums hold nothing: no chat, and no value left
// in a histogram.
func (g *chatSums) empty() bool {
	if g.started != 0 || g.answered != 0 || g.abandoned != 0 || g.handedOver != 0 {
		return false
	}
	for _, h := range []map[int32]int64{g.waits, g.durations} {
		for _, n := range h {
			if n != 0 {
				return false
			}
		}
	}
	return true
}

// addHistogram adds the histogram text ("seconds:count," with the count
// possibly negative) to h, made when nil and text is not empty, and
// returns h.
func addHistogram(h map[int32]int64, text []byte) (map[int32]int64, error) {
	if len(text) > 0 && h == nil {
		h = map[int32]int64{}
	}
	for len(text) > 0 {
		var v, n int64
		var ok bool
		if v, text, ok = parseHistogramNumber(text, ':'); !ok || v < 0 || v > 1<<31-1 {
			return h, fmt.Errorf("store: malformed chat histogram near %.40q", text)
		}
		if n, text, ok = parseHistogramNumber(text, ','); !ok {
			return h, fmt.Errorf("store: malformed chat histogram near %.40q", text)
		}
		h[int32(v)] += n
	}
	return h, nil
}

// parseHistogramNumber reads an integer (perhaps negative, at most 18
// digits) up to end from text and returns it and what follows end.
func parseHistogramNumber(text []byte, end byte) (int64, []byte, bool) {
	neg := len(text) > 0 && text[0] == '-'
	if neg {
		text = text[1:]
	}
	var v int64
	for i, c := range text {
		switch {
		case c >= '0' && c <= '9' && i < 18:
			v = v*10 + int64(c-'0')
		case c == end && i > 0:
			if neg {
				v = -v
			}
			return v, text[i+1:], true
		default:
			return 0, text, false
		}
	}
	return 0, text, false
}

// appendHistogram appends h as histogram text to dst, ascending by value,
// leaving out values whose count is 0.
func appendHistogram(dst []byte, h map[int32]int64) []byte {
	for _, v := range slices.Sorted(maps.Keys(h)) {
		if n := h[v]; n != 0 {
			dst = strconv.AppendInt(dst, int64(v), 10)
			dst = append(dst, ':')
			dst = strconv.AppendInt(dst, n, 10)
			dst = append(dst, ',')
		}
	}
	return dst
}

// histogram returns h as the figures give it: ascending, positive counts.
func histogram(h map[int32]int64) []sotepe.SecondsCount {
	var out []sotepe.SecondsCount
	for _, v := range slices.Sorted(maps.Keys(h)) {
		if n := h[v]; n > 0 {
			out = append(out, sotepe.SecondsCount{Seconds: v, Count: n})
		}
	}
	return out
}

// chatTime makes the chat a row of chats or of chat_stats_changes holds a
// sotepe.ChatTime, as ChatTimes reads it.
func chatTime(line string, unit sql.NullString, status string, started int64, taken, ended sql.NullInt64) sotepe.ChatTime {
	t := sotepe.ChatTime{Line: line, UnitID: unit.String, Status: sotepe.ChatStatus(status), StartedAt: fromMicros(started)}
	if taken.Valid {
		t.TakenAt = fromMicros(taken.Int64)
	}
	if ended.Valid {
		t.EndedAt = fromMicros(ended.Int64)
	}
	t.HandedOver = t.Status == sotepe.ChatHandedOver
	return t
}

// ChatFigureSums returns the chat figures of the chats started in [from,
// to) on lines (all when nil; none when empty but not nil), grouped by by
// (sotepe.ChatByLine, ChatByUnit or ChatByHour, hours in Europe/Helsinki),
// as sums ordered by key: the same figures sotepe.ChatFiguresOf computes
// from ChatTimes. See the comment at the top of this file for how. Another
// grouping is EInvalid ("chat.error.group"); from not before to returns
// nothing. The reads are not audited: they return no personal data.
func (s *Store) ChatFigureSums(ctx context.Context, from, to time.Time, by string, lines []string) ([]sotepe.ChatFigureSums, error) {
	if !slices.Contains(chatDims[:], by) {
		return nil, sotepe.Invalid("chat.error.group", "group the chat figures by line, unit or hour")
	}
	if lines != nil && len(lines) == 0 || !from.Before(to) {
		return []sotepe.ChatFigureSums{}, nil
	}
	var lineArgs []any
	if lines != nil {
		lines = dedupe(lines)
		lineArgs = stringArgs(lines)
	}
	// inLinesFrom is the condition on the line with its placeholders
	// numbered from n.
	inLinesFrom := func(n int) string {
		if lines == nil {
			return ""
		}
		return ` AND line IN (` + placeholders(n, len(lines)) + `)`
	}

	// The whole days of the period, [first, end), in the city's time.
	first, end := s.dayStart(from), s.dayStart(to)
	if first.Before(from) {
		first = time.Date(first.Year(), first.Month(), first.Day()+1, 0, 0, 0, 0, s.zone)
	}

	groups := map[string]*chatSums{}
	group := func(key string) *chatSums {
		g := groups[key]
		if g == nil {
			g = &chatSums{}
			groups[key] = g
		}
		return g
	}
	tx, err := s.figures().BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, s.fail("chat figures: begin", err)
	}
	defer tx.Rollback() // read-only: after Commit a no-op

	// readChats adds the chats themselves started in [a, b), or the
	// unfolded changes of such chats.
	readChats := func(a, b time.Time, changes bool) error {
		query := `SELECT 1, line, unit_id, status, started_at, taken_at, ended_at FROM chats`
		if changes {
			query = `SELECT sign, line, unit_id, status, started_at, taken_at, ended_at FROM chat_stats_changes`
		}
		rows, err := tx.QueryContext(ctx, query+` WHERE started_at >= $1 AND started_at < $2`+inLinesFrom(3),
			append([]any{micros(a), micros(b)}, lineArgs...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var sign, started int64
			var line, status string
			var unit sql.NullString
			var taken, ended sql.NullInt64
			if err := rows.Scan(&sign, &line, &unit, &status, &started, &taken, &ended); err != nil {
				return err
			}
			t := chatTime(line, unit, status, started, taken, ended)
			group(t.Key(by, s.zone)).add(sign, t)
		}
		return rows.Err()
	}
	if !first.Before(end) {
		// No whole day: at most two days' chats.
		if err := readChats(from, to, false); err != nil {
			return nil, s.fail("chat figures: chats", err)
		}
	} else {
		for _, edge := range [][2]time.Time{{from, first}, {end, to}} {
			if edge[0].Before(edge[1]) {
				if err := readChats(edge[0], edge[1], false); err != nil {
					return nil, s.fail("chat figures: chats", err)
				}
			}
		}
		if err := readChats(first, end, true); err != nil {
			return nil, s.fail("chat figures: changes", err)
		}
		lastDay := s.localDate(micros(end)).AddDate(0, 0, -1)
		for _, part := range rollupParts(sotepe.IntervalMonth, s.localDate(micros(first)), lastDay) {
			rows, err := tx.QueryContext(ctx, `
				SELECT line, group_id, started, answered, abandoned, handed_over, waits, durations FROM chat_stats
				WHERE dim = $1 AND level = $2 AND period BETWEEN $3 AND $4`+inLinesFrom(5),
				append([]any{by, part.level, part.first, part.last}, lineArgs...)...)
			if err != nil {
				return nil, s.fail("chat figures: roll-up", err)
			}
			var line, key, waits, durations sql.RawBytes
			var started, answered, abandoned, handedOver int64
			for rows.Next() {
				if err = rows.Scan(&line, &key, &started, &answered, &abandoned, &handedOver, &waits, &durations); err != nil {
					break
				}
				if by == sotepe.ChatByLine {
					key = line
				}
				g := groups[string(key)]
				if g == nil {
					g = group(string(key))
				}
				if err = g.addRow(started, answered, abandoned, handedOver, waits, durations); err != nil {
					break
				}
			}
			if err == nil {
				err = rows.Err()
			}
			rows.Close()
			if err != nil {
				return nil, s.fail("chat figures: roll-up", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, s.fail("chat figures: commit", err)
	}

	out := make([]sotepe.ChatFigureSums, 0, len(groups))
	for key, g := range groups {
		// A group whose chats all moved away is no group.
		if g.started <= 0 {
			continue
		}
		out = append(out, sotepe.ChatFigureSums{Key: key, Started: int(g.started), Answered: int(g.answered),
			Abandoned: int(g.abandoned), HandedOver: int(g.handedOver), Waits: histogram(g.waits), Durations: histogram(g.durations)})
	}
	slices.SortFunc(out, func(a, b sotepe.ChatFigureSums) int { return cmp.Compare(a.Key, b.Key) })
	return out, nil
}

// dayStart returns the start of the day of t in the city's time.
func (s *Store) dayStart(t time.Time) time.Time {
	l := t.In(s.zone)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, s.zone)
}

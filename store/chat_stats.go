package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"sotepe"
)

// How the chat figures stay fast.
//
// The dashboard shows the chat figures of any period on every request. A
// year holds some 77,000 chats in the generated year and grows with the
// city; reading every chat of the period (ChatTimes) cost about 2 µs a
// chat, the dashboard's largest part. So chat_stats (migration 00024) adds
// the chats up by the day and month of their start in Europe/Helsinki, for
// each grouping of the figures on its own (by line, by unit, by hour), each
// row per line and key of the grouping: the chats started, answered,
// abandoned and handed over, and histograms of their waits and durations
// in whole seconds. The percentiles need the values, and a histogram keeps
// them exactly in the room of the distinct values: a month of a line holds
// some thousands however many chats it has. A histogram is stored with the
// cumulative count at each value, so a read finds the values at the ranks
// of the percentiles by binary searches in the rows as read
// (secondsParts), never decoding or merging them: what grows with the
// chats is the bytes read, a copy.
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

// chatShare is what one chat adds to the figures of its group.
type chatShare struct {
	answered, abandoned, handedOver int64
	wait, duration                  int32
	ended                           bool // answered and ended: it has a duration
}

// shareOf returns what chat t adds to the figures, as sotepe.ChatFiguresOf
// counts it.
func shareOf(t sotepe.ChatTime) chatShare {
	var c chatShare
	switch t.Status {
	case sotepe.ChatAbandoned:
		c.abandoned = 1
	case sotepe.ChatHandedOver:
		c.handedOver = 1
	}
	if !t.TakenAt.IsZero() {
		c.answered = 1
		c.wait = sotepe.ChatSeconds(t.TakenAt.Sub(t.StartedAt))
		if !t.EndedAt.IsZero() {
			c.ended = true
			c.duration = sotepe.ChatSeconds(t.EndedAt.Sub(t.TakenAt))
		}
	}
	return c
}

// The histograms of the roll-up are binary: an entry of histogramEntry
// bytes per distinct value, ascending, each the value and the count of the
// row's values up to and including it (uint32 each, little-endian). The
// cumulative counts let a read find the value of a rank by binary searches
// in the rows as stored (secondsParts), without decoding them: reading a
// row costs about its bytes, a copy.
const histogramEntry = 8

// entryAt returns the value and the cumulative count of entry i of the
// encoded histogram b.
func entryAt(b []byte, i int) (int32, int64) {
	e := b[i*histogramEntry:]
	return int32(binary.LittleEndian.Uint32(e)), int64(binary.LittleEndian.Uint32(e[4:]))
}

// encodeHistogram appends h to dst as an encoded histogram, leaving out
// values whose count is 0. A negative count, or more values than a uint32
// counts, is an error: the roll-up would be out of balance.
func encodeHistogram(dst []byte, h map[int32]int64) ([]byte, error) {
	var cum int64
	for _, v := range slices.Sorted(maps.Keys(h)) {
		n := h[v]
		if n == 0 {
			continue
		}
		if cum += n; n < 0 || v < 0 || cum > math.MaxUint32 {
			return dst, fmt.Errorf("store: chat figures' roll-up out of balance: %d values of %d seconds", n, v)
		}
		dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
		dst = binary.LittleEndian.AppendUint32(dst, uint32(cum))
	}
	return dst, nil
}

// decodeHistogram adds the encoded histogram b to h (made when nil and b
// is not empty) and returns h.
func decodeHistogram(h map[int32]int64, b []byte) (map[int32]int64, error) {
	if len(b)%histogramEntry != 0 {
		return h, fmt.Errorf("store: a chat histogram of %d bytes", len(b))
	}
	if len(b) > 0 && h == nil {
		h = make(map[int32]int64, len(b)/histogramEntry)
	}
	var before int64
	for i := range len(b) / histogramEntry {
		v, cum := entryAt(b, i)
		h[v] += cum - before
		before = cum
	}
	return h, nil
}

// secondsParts is a multiset of whole seconds made of encoded histograms
// (rows of the roll-up, read as stored) and a histogram in memory of what
// is read one by one (unfolded changes, whose counts may be negative, and
// chats), as a read adds them up; it finds the value of a rank by a binary
// search on the values, counting in each part by a binary search. Call
// finish before Len and Nth.
type secondsParts struct {
	rows  [][]byte
	extra map[int32]int64
	// Set by finish: extra as ascending values and cumulative counts, how
	// many values there are, and the smallest and largest.
	values []int32
	cum    []int64
	n      int64
	lo, hi int32
	// The last value Nth found and its ranks [first, end): the next
	// percentile's rank often falls on it too.
	last               int32
	lastFirst, lastEnd int64
}

// addRow adds encoded histogram b, kept as it is.
func (p *secondsParts) addRow(b []byte) error {
	if len(b)%histogramEntry != 0 {
		return fmt.Errorf("store: a chat histogram of %d bytes", len(b))
	}
	if len(b) > 0 {
		p.rows = append(p.rows, b)
	}
	return nil
}

// add adds value v (sign 1) or takes it away (sign -1).
func (p *secondsParts) add(v int32, sign int64) {
	if p.extra == nil {
		p.extra = map[int32]int64{}
	}
	p.extra[v] += sign
}

// finish sums the parts up for Len and Nth.
func (p *secondsParts) finish() {
	p.values, p.cum, p.n, p.lastFirst, p.lastEnd = p.values[:0], p.cum[:0], 0, 0, 0
	first := true
	widen := func(v int32) {
		if first {
			p.lo, p.hi, first = v, v, false
		}
		p.lo, p.hi = min(p.lo, v), max(p.hi, v)
	}
	for _, b := range p.rows {
		v, _ := entryAt(b, 0)
		widen(v)
		v, n := entryAt(b, len(b)/histogramEntry-1)
		widen(v)
		p.n += n
	}
	var cum int64
	for _, v := range slices.Sorted(maps.Keys(p.extra)) {
		if n := p.extra[v]; n != 0 {
			cum += n
			p.values, p.cum = append(p.values, v), append(p.cum, cum)
			widen(v)
		}
	}
	p.n += cum
}

// Len returns how many values the parts hold.
func (p *secondsParts) Len() int64 { return p.n }

// Nth returns the value of rank k (0 ≤ k < Len()): the smallest value
// with more than k values up to and including it.
func (p *secondsParts) Nth(k int64) int32 {
	if p.lastFirst <= k && k < p.lastEnd {
		return p.last
	}
	lo, hi := int64(p.lo), int64(p.hi)
	end := p.n
	for lo < hi {
		mid := lo + (hi-lo)/2
		if n := p.countUpTo(int32(mid)); n > k {
			hi, end = mid, n
		} else {
			lo = mid + 1
		}
	}
	p.last, p.lastEnd = int32(lo), end
	p.lastFirst = 0
	if lo > int64(p.lo) {
		p.lastFirst = p.countUpTo(int32(lo - 1))
	}
	return int32(lo)
}

// countUpTo returns how many values are v or less.
func (p *secondsParts) countUpTo(v int32) int64 {
	var n int64
	for _, b := range p.rows {
		// The first entry above v: the one before it counts.
		lo, hi := 0, len(b)/histogramEntry
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if int32(binary.LittleEndian.Uint32(b[mid*histogramEntry:])) > v {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		if lo > 0 {
			_, c := entryAt(b, lo-1)
			n += c
		}
	}
	lo, hi := 0, len(p.values)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if p.values[mid] > v {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo > 0 {
		n += p.cum[lo-1]
	}
	return n
}

// chatCounts are the counts of a group of chats: of a read (chatGroup)
// or of a row of the roll-up (chatSums).
type chatCounts struct {
	started, answered, abandoned, handedOver int64
}

// count adds a chat's share c (sign 1) or takes it away (sign -1).
func (n *chatCounts) count(sign int64, c chatShare) {
	n.started += sign
	n.answered += sign * c.answered
	n.abandoned += sign * c.abandoned
	n.handedOver += sign * c.handedOver
}

// chatGroup adds up the chats of one group of a read.
type chatGroup struct {
	chatCounts
	waits, durations secondsParts
}

// add adds chat t (sign 1) or takes it away (sign -1).
func (g *chatGroup) add(sign int64, t sotepe.ChatTime) {
	c := shareOf(t)
	g.count(sign, c)
	if c.answered != 0 {
		g.waits.add(c.wait, sign)
	}
	if c.ended {
		g.durations.add(c.duration, sign)
	}
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

	var slab slab
	groups := map[string]*chatGroup{}
	group := func(key string) *chatGroup {
		g := groups[key]
		if g == nil {
			g = &chatGroup{}
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
				g.started += started
				g.answered += answered
				g.abandoned += abandoned
				g.handedOver += handedOver
				// The histograms are kept as read, copied out of the
				// driver's buffers, never decoded.
				if err = g.waits.addRow(slab.copy(waits)); err == nil {
					err = g.durations.addRow(slab.copy(durations))
				}
				if err != nil {
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
		g.waits.finish()
		g.durations.finish()
		out = append(out, sotepe.ChatFigureSums{Key: key, Started: int(g.started), Answered: int(g.answered),
			Abandoned: int(g.abandoned), HandedOver: int(g.handedOver), Waits: &g.waits, Durations: &g.durations})
	}
	slices.SortFunc(out, func(a, b sotepe.ChatFigureSums) int { return cmp.Compare(a.Key, b.Key) })
	return out, nil
}

// dayStart returns the start of the day of t in the city's time.
func (s *Store) dayStart(t time.Time) time.Time {
	l := t.In(s.zone)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, s.zone)
}

// slab copies byte slices into large shared chunks: one allocation for
// many rows' histograms instead of one each.
type slab struct{ free []byte }

// slabChunk is the size of a chunk; a longer slice gets one of its own.
const slabChunk = 256 << 10

// copy returns a copy of b.
func (s *slab) copy(b []byte) []byte {
	if len(b) > cap(s.free)-len(s.free) {
		if len(b) > slabChunk/4 {
			return append([]byte(nil), b...)
		}
		s.free = make([]byte, 0, slabChunk)
	}
	n := len(s.free)
	s.free = append(s.free, b...)
	return s.free[n:len(s.free):len(s.free)]
}

package store

import (
	"cmp"
	"context"
	"database/sql"
	"math"
	"slices"

	"sotepe"
)

// The writes behind the chat figures: folding the log of changes of chats
// into the roll-up. See chat_stats.go for how the roll-up is read.

// FoldChatStats adds the oldest logged changes of chats to the roll-up of
// the chat figures and deletes them from the log, in one transaction, and
// returns how many it folded: 0 when the log is empty, or, on PostgreSQL,
// when another process is folding at the moment. It stops at 5,000
// changes, or at the change that brings the rows of the roll-up it writes
// to limit (at most 20,000); on SQLite the fold holds the one writer, so a
// server folds a few hundred rows at a time. A limit below 1 is EInvalid
// ("error.invalid"). Each row of the roll-up the changes touch is read and
// written once, whole.
func (s *Store) FoldChatStats(ctx context.Context, limit int) (int, error) {
	if limit < 1 {
		return 0, sotepe.Invalid("error.invalid", "limit must be at least 1")
	}
	return s.foldChatStats(ctx, maxFoldChanges, min(limit, maxFoldRows))
}

// FoldAllChatStats folds the whole log of changes of chats into the
// roll-up in one transaction and returns how many changes it folded. It
// holds the writer for the whole fold, so it is for bulk loads (`sotepe
// generate`, and a database just migrated to the roll-up), not for a
// serving process; on PostgreSQL it folds nothing when another process is
// folding.
func (s *Store) FoldAllChatStats(ctx context.Context) (int, error) {
	return s.foldChatStats(ctx, math.MaxInt, math.MaxInt)
}

// chatSums is what a fold does to one row of the roll-up, and then the
// row itself. Counts may pass below zero while changes are added; a row
// whose sums stay below zero is out of balance (encodeHistogram).
type chatSums struct {
	chatCounts
	waits, durations map[int32]int64
}

// add adds chat t (sign 1) or takes it away (sign -1).
func (g *chatSums) add(sign int64, t sotepe.ChatTime) {
	c := shareOf(t)
	g.count(sign, c)
	if c.answered != 0 {
		if g.waits == nil {
			g.waits = map[int32]int64{}
		}
		g.waits[c.wait] += sign
	}
	if c.ended {
		if g.durations == nil {
			g.durations = map[int32]int64{}
		}
		g.durations[c.duration] += sign
	}
}

// addRow adds a row of the roll-up as stored.
func (g *chatSums) addRow(started, answered, abandoned, handedOver int64, waits, durations []byte) error {
	g.started += started
	g.answered += answered
	g.abandoned += abandoned
	g.handedOver += handedOver
	var err error
	if g.waits, err = decodeHistogram(g.waits, waits); err != nil {
		return err
	}
	g.durations, err = decodeHistogram(g.durations, durations)
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

// chatStatsKey is the key of a row of chat_stats.
type chatStatsKey struct{ dim, level, period, line, group string }

// chatStatsKeys returns the rows of the roll-up chat t counts in: by line,
// unit and hour, each at the day and the month of its start in the city's
// time.
func (s *Store) chatStatsKeys(t sotepe.ChatTime) [6]chatStatsKey {
	day := s.localDate(micros(t.StartedAt))
	d, m := sotepe.IntervalDay.Period(day), sotepe.IntervalMonth.Period(day)
	var keys [6]chatStatsKey
	for i, dim := range chatDims {
		group := t.Key(dim, s.zone)
		if dim == sotepe.ChatByLine {
			group = ""
		}
		keys[2*i] = chatStatsKey{dim, string(sotepe.IntervalDay), d, t.Line, group}
		keys[2*i+1] = chatStatsKey{dim, string(sotepe.IntervalMonth), m, t.Line, group}
	}
	return keys
}

// foldChatStats folds up to maxChanges of the oldest changes, stopping at
// the change that brings the rows of the roll-up it writes to maxRows, in
// one transaction.
func (s *Store) foldChatStats(ctx context.Context, maxChanges, maxRows int) (int, error) {
	folded := 0
	err := s.inTx(ctx, "fold chat stats", func(tx *sql.Tx) error {
		folded = 0
		if mine, err := s.foldLock(ctx, tx, "sotepe.chat_fold"); err != nil || !mine {
			return err
		}
		query := `SELECT id, sign, line, unit_id, status, started_at, taken_at, ended_at FROM chat_stats_changes ORDER BY id`
		var args []any
		if maxChanges != math.MaxInt {
			query += ` LIMIT CAST($1 AS INTEGER)`
			args = append(args, maxChanges)
		}
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		var ids []int64
		deltas := map[chatStatsKey]*chatSums{}
		var order []chatStatsKey // the keys touched, each once
		for len(order) < maxRows && rows.Next() {
			var id, sign, started int64
			var line, status string
			var unit sql.NullString
			var taken, ended sql.NullInt64
			if err := rows.Scan(&id, &sign, &line, &unit, &status, &started, &taken, &ended); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
			t := chatTime(line, unit, status, started, taken, ended)
			for _, k := range s.chatStatsKeys(t) {
				d := deltas[k]
				if d == nil {
					d = &chatSums{}
					deltas[k] = d
					order = append(order, k)
				}
				d.add(sign, t)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := s.writeChatStats(ctx, tx, order, deltas); err != nil {
			return err
		}
		folded = len(ids)
		return s.deleteFolded(ctx, tx, "chat_stats_changes", ids)
	})
	if err != nil {
		return 0, err
	}
	return folded, nil
}

// deleteFolded deletes the changes ids, the oldest of table up to the
// last, after a fold.
func (s *Store) deleteFolded(ctx context.Context, tx *sql.Tx, table string, ids []int64) error {
	if s.dialect.name == SQLite {
		// The changes read are the oldest up to the last id read: this
		// transaction holds SQLite's one writer, so none came between.
		_, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id <= ?`, ids[len(ids)-1])
		return err
	}
	// By id, not by a range: on PostgreSQL a change with a lower id may
	// commit after the read, and must wait for the next fold.
	for from := 0; from < len(ids); from += 500 {
		chunk := ids[from:min(from+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id IN (`+placeholders(1, len(chunk))+`)`, args...); err != nil {
			return err
		}
	}
	return nil
}

// chatUpsertRows is how many rows of the roll-up one upsert writes, eleven
// parameters a row.
const chatUpsertRows = 100

// writeChatStats adds deltas to the roll-up: it reads the rows of the
// periods they touch, adds each delta to its row, and writes the rows back
// whole by multi-row upserts, in the order of the key (it sorts order, the
// keys of deltas); a row left with nothing is deleted.
func (s *Store) writeChatStats(ctx context.Context, tx *sql.Tx, order []chatStatsKey, deltas map[chatStatsKey]*chatSums) error {
	slices.SortFunc(order, func(a, b chatStatsKey) int {
		return cmp.Or(cmp.Compare(a.dim, b.dim), cmp.Compare(a.level, b.level), cmp.Compare(a.period, b.period),
			cmp.Compare(a.line, b.line), cmp.Compare(a.group, b.group))
	})
	// The rows as they stand, read by grouping, level and period: a
	// period's rows of other lines and keys come along and are passed by.
	existing := map[chatStatsKey]bool{}
	for i := 0; i < len(order); {
		dim, level := order[i].dim, order[i].level
		var periods []any
		for ; i < len(order) && order[i].dim == dim && order[i].level == level; i++ {
			if p := order[i].period; len(periods) == 0 || periods[len(periods)-1] != p {
				periods = append(periods, p)
			}
		}
		for from := 0; from < len(periods); from += 500 {
			chunk := periods[from:min(from+500, len(periods))]
			rows, err := tx.QueryContext(ctx, `
				SELECT period, line, group_id, started, answered, abandoned, handed_over, waits, durations FROM chat_stats
				WHERE dim = $1 AND level = $2 AND period IN (`+placeholders(3, len(chunk))+`)`,
				append([]any{dim, level}, chunk...)...)
			if err != nil {
				return err
			}
			var waits, durations sql.RawBytes // decoded before the next row
			for rows.Next() {
				k := chatStatsKey{dim: dim, level: level}
				var started, answered, abandoned, handedOver int64
				if err = rows.Scan(&k.period, &k.line, &k.group, &started, &answered, &abandoned, &handedOver, &waits, &durations); err != nil {
					break
				}
				d := deltas[k]
				if d == nil {
					continue
				}
				existing[k] = true
				if err = d.addRow(started, answered, abandoned, handedOver, waits, durations); err != nil {
					break
				}
			}
			if err == nil {
				err = rows.Err()
			}
			rows.Close()
			if err != nil {
				return err
			}
		}
	}

	upsert := func(n int) string {
		b := []byte(`INSERT INTO chat_stats (dim, level, period, line, group_id, started, answered, abandoned, handed_over, waits, durations) VALUES `)
		for i := range n {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, "("+s.dialect.rowParams(i*11+1, 11)+")"...)
		}
		return string(append(b, ` ON CONFLICT (dim, level, period, line, group_id) DO UPDATE SET
			started = excluded.started, answered = excluded.answered, abandoned = excluded.abandoned,
			handed_over = excluded.handed_over, waits = excluded.waits, durations = excluded.durations`...))
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, 11*chatUpsertRows)
	flush := func() error {
		n := len(args) / 11
		if n == 0 {
			return nil
		}
		var err error
		if n == chatUpsertRows {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, upsert(n)); err != nil {
					return err
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, upsert(n), args...)
		}
		args = args[:0]
		return err
	}
	for _, k := range order {
		d := deltas[k]
		if d.empty() {
			if existing[k] {
				if _, err := tx.ExecContext(ctx, `DELETE FROM chat_stats WHERE dim = $1 AND level = $2 AND period = $3 AND line = $4 AND group_id = $5`,
					k.dim, k.level, k.period, k.line, k.group); err != nil {
					return err
				}
			}
			continue
		}
		// Not nil, which would be NULL.
		waits, err := encodeHistogram([]byte{}, d.waits)
		if err != nil {
			return err
		}
		durations, err := encodeHistogram([]byte{}, d.durations)
		if err != nil {
			return err
		}
		args = append(args, k.dim, k.level, k.period, k.line, k.group, d.started, d.answered, d.abandoned, d.handedOver, waits, durations)
		if len(args) == 11*chatUpsertRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

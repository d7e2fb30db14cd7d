package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// The writes behind the figures of the answer promise: filling the working
// time to each first answer, and folding the log of changes into the
// roll-up. See contact_stats.go for how the roll-up is read.

// maxFill bounds one call of FillAnswerWorkingSeconds, so that its write
// transaction stays short.
const maxFill = 10000

// FillAnswerWorkingSeconds stores the working time from receipt to the first
// answer, workingTime(received, first answered) in whole seconds, of up to
// limit (at most 10,000) answered requests that lack it, oldest receipt
// first, in one transaction, and returns how many it filled. A limit below
// 1 is EInvalid ("error.invalid"). The triggers of migration 00003 log each
// value for the roll-up. A value once stored is kept: the calendar in force
// when it was filled decides it. Like the breach flag, the value is the
// system's bookkeeping, not a person's change, and writes no audit row.
func (s *Store) FillAnswerWorkingSeconds(ctx context.Context, limit int, workingTime func(from, to time.Time) time.Duration) (int, error) {
	if limit < 1 {
		return 0, sotepe.Invalid("error.invalid", "limit must be at least 1")
	}
	if workingTime == nil {
		return 0, &sotepe.Error{Code: sotepe.EInternal, Message: "store: filling working times needs a working-time function"}
	}
	limit = min(limit, maxFill)
	filled := 0
	err := s.inTx(ctx, "fill answer working seconds", func(tx *sql.Tx) error {
		filled = 0
		type answer struct{ id, received, answered int64 }
		var todo []answer
		rows, err := tx.QueryContext(ctx, `
			SELECT id, received_at, first_answered_at FROM contact_requests
			WHERE `+statsUnfilledWhere+`
			ORDER BY received_at LIMIT CAST($1 AS INTEGER)`, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var a answer
			if err := rows.Scan(&a.id, &a.received, &a.answered); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, a)
		}
		err = rows.Err()
		rows.Close()
		if err != nil || len(todo) == 0 {
			return err
		}
		// Many rows per statement: one round trip per 500 answers, not one
		// per answer. A request whose first answer changed since it was read
		// is left for the next round.
		for from := 0; from < len(todo); from += 500 {
			chunk := todo[from:min(from+500, len(todo))]
			var b strings.Builder
			args := make([]any, 0, 3*len(chunk))
			for i, a := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				n := len(args)
				fmt.Fprintf(&b, "(CAST($%d AS BIGINT), CAST($%d AS BIGINT), CAST($%d AS BIGINT))", n+1, n+2, n+3)
				secs := workingSeconds(workingTime(fromMicros(a.received), fromMicros(a.answered)))
				args = append(args, a.id, int64(secs), a.answered)
			}
			res, err := tx.ExecContext(ctx, `
				UPDATE contact_requests SET answer_seconds = v.column2
				FROM (VALUES `+b.String()+`) AS v
				WHERE contact_requests.id = v.column1 AND contact_requests.answer_seconds IS NULL
					AND contact_requests.first_answered_at = v.column3`, args...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err == nil {
				filled += int(n)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return filled, nil
}

// maxFoldChanges and maxFoldRows bound one call of FoldContactStats: the
// changes it reads, and the rows of the roll-up it may be asked to write.
const (
	maxFoldChanges = 5000
	maxFoldRows    = 20000
)

// foldLock takes, on PostgreSQL, the lock of the fold named name for the
// rest of tx and reports whether it got it: one folder at a time per
// database and schema, the others find it taken and try at their next
// tick. On SQLite the one writer already serializes folds: it reports true.
func (s *Store) foldLock(ctx context.Context, tx *sql.Tx, name string) (bool, error) {
	if s.dialect.name != Postgres {
		return true, nil
	}
	var mine bool
	err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock(hashtext($1 || ':' || current_database() || '.' || COALESCE(current_schema(), '')))`, name).Scan(&mine)
	return mine, err
}

// FoldContactStats adds the oldest logged changes to the roll-up and deletes
// them from the log, in one transaction, and returns how many it folded: 0
// when the log is empty, or, on PostgreSQL, when another process is folding
// at the moment. It stops at 5,000 changes, or at the change that brings the
// rows of the roll-up it writes to limit (at most 20,000): on SQLite the
// fold holds the one writer, which submissions wait for, so a server folds
// a few hundred rows at a time, tens of milliseconds, while a bulk load may
// fold thousands. A limit below 1 is EInvalid ("error.invalid"). Each row of
// the roll-up the changes touch is written once: counts and new working
// times by one upsert for many rows, and a row that loses a working time (a
// request moved or deleted) is read and rewritten whole.
func (s *Store) FoldContactStats(ctx context.Context, limit int) (int, error) {
	if limit < 1 {
		return 0, sotepe.Invalid("error.invalid", "limit must be at least 1")
	}
	return s.foldContactStats(ctx, maxFoldChanges, min(limit, maxFoldRows))
}

// FoldAllContactStats folds the whole log of changes into the roll-up in
// one transaction and returns how many changes it folded: each row of the
// roll-up is written once however many changes touch it, where rounds of
// FoldContactStats rewrite a busy row's growing list of working times once
// a round. It holds the writer for the whole fold, so it is for bulk loads
// (`sotepe generate`), not for a serving process; on PostgreSQL it folds
// nothing when another process is folding.
func (s *Store) FoldAllContactStats(ctx context.Context) (int, error) {
	return s.foldContactStats(ctx, math.MaxInt, math.MaxInt)
}

// foldContactStats folds up to maxChanges of the oldest changes, stopping at
// the change that brings the rows of the roll-up it writes to maxRows, in
// one transaction.
func (s *Store) foldContactStats(ctx context.Context, maxChanges, maxRows int) (int, error) {
	folded := 0
	err := s.inTx(ctx, "fold contact stats", func(tx *sql.Tx) error {
		folded = 0
		if mine, err := s.foldLock(ctx, tx, "sotepe.fold"); err != nil || !mine {
			return err
		}
		query := `SELECT id, sign, received_at, unit_id, service_id, channel, answered, in_time, missed_closed, answer_seconds, backlog
			FROM contact_stats_changes ORDER BY id`
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
		deltas := map[rollupKey]*rollupDelta{}
		var order []rollupKey // the keys touched, each once (writeRollup sorts them)
		// The round ends at the change that brings the rows it writes to
		// maxRows.
		for len(order) < maxRows && rows.Next() {
			var id int64
			var c statsChange
			var unit, service, channel string
			if err := rows.Scan(&id, &c.sign, &c.received, &unit, &service, &channel, &c.answered, &c.inTime, &c.missedClosed, &c.seconds, &c.backlog); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
			for _, k := range s.rollupKeys(c.received, unit, service, channel) {
				d := deltas[k]
				if d == nil {
					d = &rollupDelta{}
					deltas[k] = d
					order = append(order, k)
				}
				d.apply(c)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := s.writeRollup(ctx, tx, order, deltas); err != nil {
			return err
		}
		folded = len(ids)
		return s.deleteFolded(ctx, tx, "contact_stats_changes", ids)
	})
	if err != nil {
		return 0, err
	}
	return folded, nil
}

// rollupDelta is what a batch of changes does to one row of the roll-up.
type rollupDelta struct {
	received, answered, inTime, missedClosed, backlog int64
	added                                             []byte  // working times added, "s1,s2,…,"
	remove                                            []int32 // working times taken away
}

// apply adds change c to d.
func (d *rollupDelta) apply(c statsChange) {
	d.received += c.sign
	d.answered += c.sign * c.answered
	d.inTime += c.sign * c.inTime
	d.missedClosed += c.sign * c.missedClosed
	d.backlog += c.sign * c.backlog
	if !c.seconds.Valid {
		return
	}
	if c.sign > 0 {
		d.added = append(strconv.AppendInt(d.added, c.seconds.Int64, 10), ',')
	} else {
		d.remove = append(d.remove, int32(c.seconds.Int64))
	}
}

// foldUpsertRows is how many rows of the roll-up one upsert writes, eleven
// parameters a row (anonymous on SQLite, which looks numbered ones up by
// name).
const foldUpsertRows = 100

// writeRollup applies deltas to the roll-up, in the order of its key (it
// sorts order, the keys of deltas): rows that only gain by a
// multi-row upsert that adds the counts and appends the working times, rows
// that lose a working time by reading the list, taking the values out and
// writing it back.
func (s *Store) writeRollup(ctx context.Context, tx *sql.Tx, order []rollupKey, deltas map[rollupKey]*rollupDelta) error {
	const cols = `INSERT INTO contact_stats (dim, level, unit_id, period, group_id, received, answered, in_time, missed_closed, backlog, seconds) VALUES `
	const counts = ` ON CONFLICT (dim, level, unit_id, period, group_id) DO UPDATE SET
		received = contact_stats.received + excluded.received, answered = contact_stats.answered + excluded.answered,
		in_time = contact_stats.in_time + excluded.in_time, missed_closed = contact_stats.missed_closed + excluded.missed_closed,
		backlog = contact_stats.backlog + excluded.backlog, `
	// In key order the upserts walk the roll-up's B-tree from one end to
	// the other, each page read and written once, where the order the
	// changes came in (by receipt) jumps between units and levels.
	slices.SortFunc(order, func(a, b rollupKey) int {
		return cmp.Or(cmp.Compare(a.dim, b.dim), cmp.Compare(a.level, b.level), cmp.Compare(a.unit, b.unit),
			cmp.Compare(a.period, b.period), cmp.Compare(a.group, b.group))
	})
	var appendKeys, rewriteKeys []rollupKey
	for _, k := range order {
		if len(deltas[k].remove) > 0 {
			rewriteKeys = append(rewriteKeys, k)
		} else {
			appendKeys = append(appendKeys, k)
		}
	}
	upsert := func(n int) string {
		var b strings.Builder
		b.WriteString(cols)
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + s.dialect.rowParams(i*11+1, 11) + ")")
		}
		b.WriteString(counts + `seconds = contact_stats.seconds || excluded.seconds`)
		return b.String()
	}
	// A fold of many rows prepares the whole statement once
	// instead of parsing its text again for every foldUpsertRows rows.
	var full *sql.Stmt
	if len(appendKeys) >= foldUpsertRows {
		var err error
		if full, err = tx.PrepareContext(ctx, upsert(foldUpsertRows)); err != nil {
			return err
		}
		defer full.Close()
	}
	args := make([]any, 0, 11*foldUpsertRows)
	for from := 0; from < len(appendKeys); from += foldUpsertRows {
		chunk := appendKeys[from:min(from+foldUpsertRows, len(appendKeys))]
		args = args[:0]
		for _, k := range chunk {
			d := deltas[k]
			args = append(args, k.dim, k.level, k.unit, k.period, k.group, d.received, d.answered, d.inTime, d.missedClosed, d.backlog, string(d.added))
		}
		var err error
		if full != nil && len(chunk) == foldUpsertRows {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, upsert(len(chunk)), args...)
		}
		if err != nil {
			return err
		}
	}
	for _, k := range rewriteKeys {
		d := deltas[k]
		var list []byte
		err := tx.QueryRowContext(ctx, `SELECT seconds FROM contact_stats WHERE dim = $1 AND level = $2 AND unit_id = $3 AND period = $4 AND group_id = $5`,
			k.dim, k.level, k.unit, k.period, k.group).Scan(&list)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		values, err := parseSeconds(nil, append(list, d.added...))
		if err != nil {
			return err
		}
		for _, v := range d.remove {
			if i := slices.Index(values, v); i >= 0 {
				values = slices.Delete(values, i, i+1)
			}
		}
		var kept []byte
		for _, v := range values {
			kept = append(strconv.AppendInt(kept, int64(v), 10), ',')
		}
		if _, err := tx.ExecContext(ctx, cols+`(`+placeholders(1, 11)+`)`+counts+`seconds = excluded.seconds`,
			k.dim, k.level, k.unit, k.period, k.group, d.received, d.answered, d.inTime, d.missedClosed, d.backlog, string(kept)); err != nil {
			return err
		}
	}
	return nil
}

// rollupKey is the key of a row of the roll-up.
type rollupKey struct{ dim, level, unit, period, group string }

// rollupKeys returns the rows of the roll-up a request counts in, as the
// triggers of migration 00003 find them: by unit, service and channel over
// the city and by each unit's services and channels, at the day level, and
// at the week and month levels for the dimensions by unit.
func (s *Store) rollupKeys(received int64, unit, service, channel string) []rollupKey {
	day := s.localDate(received)
	levels := [...][2]string{
		{"day", sotepe.IntervalDay.Period(day)},
		{"week", sotepe.IntervalWeek.Period(day)},
		{"month", sotepe.IntervalMonth.Period(day)},
	}
	dims := [...]struct {
		dim, unit, group string
		byUnit           bool
	}{
		{"unit", "", unit, true},
		{"service", "", service, false},
		{"channel", "", channel, false},
		{"unit_service", unit, service, true},
		{"unit_channel", unit, channel, true},
	}
	keys := make([]rollupKey, 0, 11)
	for _, d := range dims {
		for i, l := range levels {
			if i == 0 || d.byUnit {
				keys = append(keys, rollupKey{d.dim, l[0], d.unit, l[1], d.group})
			}
		}
	}
	return keys
}

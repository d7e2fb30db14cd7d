package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"

	"sotepe"
)

// BulkFeedback stores already-valid feedback answers of a generated year in
// one transaction, many rows a statement (`sotepe generate --year`): no
// comments, no audit rows, no visit links (an answer after a visit comes
// through the unit's QR code or kiosk), since no person acts. The roll-ups
// the figures read (feedback_monthly and feedback_daily) are summed from the
// new rows in the same transaction, so they stay equal to the answers. The
// store numbers the answers and sets their ids in fs; only UnitID, Score,
// Channel, Lang, ServiceID and CreatedAt are read. A channel of a visit (it
// needs an appointment) is EInvalid; on any failure nothing is stored.
func (s *Store) BulkFeedback(ctx context.Context, fs []sotepe.Feedback) error {
	for i := range fs {
		if fs[i].Channel == sotepe.FeedbackVisit || !fs[i].Channel.Valid() {
			return sotepe.Invalid("error.feedback_channel", "bulk feedback cannot be of a visit")
		}
	}
	if len(fs) == 0 {
		return nil
	}
	if s.dialect.name == SQLite && !s.bulk {
		// The answers' indexes by unit take rows all over them: a larger
		// page cache for this transaction keeps their pages in memory
		// instead of writing them out again and again. The writer is one
		// connection; it gets SQLite's default back afterwards. (A bulk
		// store's writer has the larger cache already.)
		if _, err := s.writer.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
			return s.fail("bulk feedback: cache", err)
		}
		defer func() { _, _ = s.writer.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000`) }()
	}
	return s.inTx(ctx, "bulk feedback", func(tx *sql.Tx) error {
		if s.dialect.name == Postgres {
			if _, err := tx.ExecContext(ctx, `LOCK TABLE feedback IN EXCLUSIVE MODE`); err != nil {
				return err
			}
		}
		var first int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM feedback`).Scan(&first); err != nil {
			return err
		}
		answers := rowWriter{tx: tx, d: s.dialect, head: `INSERT INTO feedback (id, unit_id, score, channel, lang, service_id, created_at, day)`,
			ids: true, cols: 8, per: 1000}
		id := first
		for i := range fs {
			f := &fs[i]
			f.ID = id
			id++
			at := f.CreatedAt.UTC().Truncate(time.Microsecond)
			if err := answers.add(ctx, f.ID, f.UnitID, f.Score, string(f.Channel), string(f.Lang), nullString(f.ServiceID),
				micros(at), at.In(s.zone).Format(time.DateOnly)); err != nil {
				return err
			}
		}
		if err := answers.flush(ctx); err != nil {
			return err
		}
		if s.dialect.name == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('feedback', 'id'), (SELECT MAX(id) FROM feedback))`); err != nil {
				return err
			}
		}
		// The roll-ups of the new answers, as AddFeedback keeps them one
		// answer at a time, summed here and written in key order.
		monthly, daily := map[feedbackKey]*[3]int{}, map[feedbackKey]*[3]int{}
		bump := func(m map[feedbackKey]*[3]int, k feedbackKey, class int) {
			c, ok := m[k]
			if !ok {
				c = &[3]int{}
				m[k] = c
			}
			c[class]++
		}
		for i := range fs {
			f := &fs[i]
			class := 2
			switch sotepe.ScoreClass(f.Score) {
			case "promoter":
				class = 0
			case "passive":
				class = 1
			}
			day := f.CreatedAt.In(s.zone).Format(time.DateOnly)
			month := day[:7]
			for _, dk := range [][2]string{{"unit", ""}, {"service", f.ServiceID}, {"channel", string(f.Channel)}, {"language", string(f.Lang)}} {
				bump(monthly, feedbackKey{dk[0], month, f.UnitID, dk[1]}, class)
				key := dk[1]
				if dk[0] == "unit" {
					key = f.UnitID // feedback_daily keys the unit row by the unit
				}
				bump(daily, feedbackKey{dk[0], day, f.UnitID, key}, class)
			}
		}
		if err := s.upsertFeedbackSums(ctx, tx, `INSERT INTO feedback_monthly (dim, month, unit_id, key, promoters, passives, detractors)`,
			` ON CONFLICT (dim, month, unit_id, key) DO UPDATE SET promoters = feedback_monthly.promoters + excluded.promoters,
				passives = feedback_monthly.passives + excluded.passives, detractors = feedback_monthly.detractors + excluded.detractors`,
			monthly, func(k feedbackKey) []any { return []any{k.dim, k.period, k.unit, k.key} }); err != nil {
			return err
		}
		return s.upsertFeedbackSums(ctx, tx, `INSERT INTO feedback_daily (dim, day, key, unit_id, promoters, passives, detractors)`,
			` ON CONFLICT (dim, day, key, unit_id) DO UPDATE SET promoters = feedback_daily.promoters + excluded.promoters,
				passives = feedback_daily.passives + excluded.passives, detractors = feedback_daily.detractors + excluded.detractors`,
			daily, func(k feedbackKey) []any { return []any{k.dim, k.period, k.key, k.unit} })
	})
}

// feedbackKey is one row of feedback_monthly (period a month) or
// feedback_daily (a day).
type feedbackKey struct{ dim, period, unit, key string }

// upsertFeedbackSums adds sums to a feedback roll-up: head and tail are the
// INSERT around the VALUES, cols gives a key's first four values in the
// table's column order; the three classes follow.
func (s *Store) upsertFeedbackSums(ctx context.Context, tx *sql.Tx, head, tail string, sums map[feedbackKey]*[3]int, cols func(feedbackKey) []any) error {
	keys := make([]feedbackKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b feedbackKey) int {
		return cmp.Or(cmp.Compare(a.dim, b.dim), cmp.Compare(a.period, b.period), cmp.Compare(a.key, b.key), cmp.Compare(a.unit, b.unit))
	})
	w := rowWriter{tx: tx, d: s.dialect, head: head, tail: tail, cols: 7, per: 500}
	for _, k := range keys {
		c := sums[k]
		if err := w.add(ctx, append(cols(k), c[0], c[1], c[2])...); err != nil {
			return err
		}
	}
	return w.flush(ctx)
}

package store

import (
	"context"
	"database/sql"
	"time"

	"sotepe"
)

// AuditCounts returns how many entries of each action fell on each day
// between from and to (YYYY-MM-DD in Europe/Helsinki, both included),
// ordered by day and action. units narrows to entries whose actor acted at
// one of those units; nil means all entries, an empty non-nil slice none.
// Dates that are not YYYY-MM-DD are EInvalid ("error.date").
//
// It reads the roll-up audit_counts and adds the entries logged since the
// last fold (audit_count_changes, see FoldAuditCounts), so its cost follows
// the days, actions and units of the period, not the size of the trail.
func (s *Store) AuditCounts(ctx context.Context, from, to string, units []string) ([]sotepe.AuditCount, error) {
	out := []sotepe.AuditCount{}
	for _, d := range []string{from, to} {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return nil, sotepe.Invalid("error.date", "date "+d+" is not YYYY-MM-DD")
		}
	}
	if units != nil && len(units) == 0 || from > to {
		return out, nil
	}
	args := []any{from, to}
	unitCond := ""
	if units != nil {
		units = dedupe(units)
		unitCond = ` AND actor_unit IN (` + placeholders(3, len(units)) + `)`
		args = append(args, stringArgs(units)...)
	}
	rows, err := s.reads.QueryContext(ctx, `
		SELECT day, action, CAST(SUM(count) AS BIGINT) FROM (
			SELECT day, action, count FROM audit_counts WHERE day BETWEEN $1 AND $2`+unitCond+`
			UNION ALL
			SELECT day, action, count FROM audit_count_changes WHERE day BETWEEN $1 AND $2`+unitCond+`
		) AS c
		GROUP BY day, action
		ORDER BY day, action`, args...)
	if err != nil {
		return nil, s.fail("audit counts", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c sotepe.AuditCount
		if err := rows.Scan(&c.Day, &c.Action, &c.Count); err != nil {
			return nil, s.fail("audit counts", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("audit counts", err)
	}
	return out, nil
}

// maxAuditFold bounds the logged changes one call of FoldAuditCounts adds.
const maxAuditFold = 20000

// FoldAuditCounts adds up to limit (at most 20,000) of the oldest logged
// changes of the audit trail to its roll-up and deletes them from the log,
// in one transaction, and returns how many it folded: 0 when the log is
// empty or, on PostgreSQL, when another process is folding at the moment.
// A limit below 1 is EInvalid ("error.invalid"). Every new audit entry is
// logged by a trigger (migration 00016), so nothing the trail holds is
// missed or counted twice, whichever way it was written.
func (s *Store) FoldAuditCounts(ctx context.Context, limit int) (int, error) {
	if limit < 1 {
		return 0, sotepe.Invalid("error.invalid", "limit must be at least 1")
	}
	limit = min(limit, maxAuditFold)
	folded := 0
	err := s.inTx(ctx, "fold audit counts", func(tx *sql.Tx) error {
		folded = 0
		// One folder at a time, so that two never upsert the same rows in
		// different orders.
		if mine, err := s.foldLock(ctx, tx, "sotepe.audit_fold"); err != nil || !mine {
			return err
		}
		if s.dialect.name == Postgres {
			// The one statement counts exactly the changes it deletes,
			// also those committed while it ran.
			return tx.QueryRowContext(ctx, `
				WITH moved AS (
					DELETE FROM audit_count_changes
					WHERE id IN (SELECT id FROM audit_count_changes ORDER BY id LIMIT CAST($1 AS INTEGER))
					RETURNING day, action, actor_unit, count
				), added AS (
					INSERT INTO audit_counts (day, action, actor_unit, count)
					SELECT day, action, actor_unit, SUM(count) FROM moved GROUP BY day, action, actor_unit
					ON CONFLICT (day, action, actor_unit) DO UPDATE SET count = audit_counts.count + excluded.count
				)
				SELECT COUNT(*) FROM moved`, limit).Scan(&folded)
		}
		// SQLite: this transaction is the only writer, so the changes up to
		// upto are all there is below it until the commit.
		var upto sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM (SELECT id FROM audit_count_changes ORDER BY id LIMIT CAST($1 AS INTEGER))`, limit).Scan(&upto); err != nil || !upto.Valid {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO audit_counts (day, action, actor_unit, count)
			SELECT day, action, actor_unit, SUM(count) FROM audit_count_changes WHERE id <= $1 GROUP BY day, action, actor_unit
			ON CONFLICT (day, action, actor_unit) DO UPDATE SET count = audit_counts.count + excluded.count`, upto.Int64); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM audit_count_changes WHERE id <= $1`, upto.Int64)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		folded = int(n)
		return err
	})
	if err != nil {
		return 0, err
	}
	return folded, nil
}

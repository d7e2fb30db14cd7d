package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// The read side of service events (sotepe.EventStats). The volumes never
// read events: a period's whole months come from event_monthly (a year is
// some tens of thousands of rows at most: 12 months × units × statistics ×
// modes) and the days that from and to cut off from a month from
// event_daily. Both tables are kept by every write path in the transaction
// of the write, so the sums are exact at any moment. A unit's area and a
// producer's kind are looked up in the network as it stands now.

// EventVolumes returns the volumes q asks for; see sotepe.EventStats.
//
// The database sums the aggregates (a year is some 20,000 monthly rows) by
// the columns of their own that the dimensions need, and Go derives a unit's
// area and a producer's kind from two small look-ups: joining in SQL took
// several times longer on SQLite. An area filter becomes a filter on its
// units. All reads run in one read-only transaction, so they see one state
// of the database.
func (s *Store) EventVolumes(ctx context.Context, q sotepe.VolumeQuery) ([]sotepe.VolumeRow, error) {
	from, to, err := sotepe.ParseStatsPeriod(q.From, q.To)
	if err != nil {
		return nil, err
	}
	dims := dedupe(q.GroupBy)
	has := map[sotepe.VolumeDim]bool{}
	for _, d := range dims {
		if !d.Valid() {
			return nil, sotepe.Invalid("error.volume_group_by", "unknown volume dimension "+string(d))
		}
		has[d] = true
	}
	for _, f := range [][]string{q.Units, q.Areas, q.Producers, q.Statistics} {
		if f != nil && len(f) == 0 {
			return []sotepe.VolumeRow{}, nil
		}
	}

	tx, err := s.figures().BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, s.fail("read volumes", err)
	}
	defer tx.Rollback()
	area, kind := map[string]string{}, map[string]string{}
	if has[sotepe.VolumeArea] || q.Areas != nil {
		if err := readPairs(ctx, tx, `SELECT id, area_id FROM units`, area); err != nil {
			return nil, s.fail("read volumes", err)
		}
	}
	if has[sotepe.VolumeProducerKind] {
		if err := readPairs(ctx, tx, `SELECT id, kind FROM producers`, kind); err != nil {
			return nil, s.fail("read volumes", err)
		}
	}
	units := q.Units
	if q.Areas != nil {
		// The areas' units, within the units asked for.
		in := map[string]bool{}
		for _, a := range q.Areas {
			in[a] = true
		}
		var keep []string
		for id, a := range area {
			if in[a] && (q.Units == nil || slices.Contains(q.Units, id)) {
				keep = append(keep, id)
			}
		}
		if len(keep) == 0 {
			return []sotepe.VolumeRow{}, nil
		}
		slices.Sort(keep)
		units = keep
	}

	// SQL sums by the columns of the aggregates that the dimensions need
	// (a unit for its area, a producer for its kind); Go derives the rest.
	// Only those rows cross from the database.
	period := 0 // 0: no time column, 4: the year, 7: the month
	switch {
	case has[sotepe.VolumeMonth]:
		period = 7
	case has[sotepe.VolumeYear]:
		period = 4
	}
	cols := []struct {
		on  bool
		col string
	}{
		{period > 0, ""}, // the period, written per table below
		{has[sotepe.VolumeUnit] || has[sotepe.VolumeArea], "unit_id"},
		{has[sotepe.VolumeService], "statistic"},
		{has[sotepe.VolumeProducer] || has[sotepe.VolumeProducerKind], "producer_id"},
		{has[sotepe.VolumeMode], "mode"},
	}
	// selectFrom is the SELECT of one part over table, whose time column
	// is timeCol, with the part's own conditions where and its arguments.
	selectFrom := func(table, timeCol, where string, args []any) (string, []any) {
		var sel []string
		all := true
		for i, c := range cols {
			switch {
			case !c.on:
				all = false
			case i == 0:
				sel = append(sel, `substr(`+timeCol+`, 1, `+strconv.Itoa(period)+`)`)
				all = all && period == 7 && timeCol == "month"
			default:
				sel = append(sel, c.col)
			}
		}
		for _, f := range []struct {
			col string
			ids []string
		}{{"unit_id", units}, {"producer_id", q.Producers}, {"statistic", q.Statistics}} {
			if f.ids == nil {
				continue
			}
			ids := dedupe(f.ids)
			where += ` AND ` + f.col + ` IN (` + placeholders(len(args)+1, len(ids)) + `)`
			args = append(args, stringArgs(ids)...)
		}
		if all {
			// The monthly table's key: its rows are the sums already.
			return `SELECT ` + strings.Join(sel, ", ") + `, count FROM ` + table + ` WHERE ` + where, args
		}
		query := `SELECT ` + strings.Join(append(sel, `SUM(count)`), ", ") + ` FROM ` + table + ` WHERE ` + where
		if len(sel) > 0 {
			query += ` GROUP BY ` + strings.Join(sel, ", ")
		}
		return query, args
	}
	type part struct {
		query string
		args  []any
	}
	var parts []part
	days := func(a, b time.Time) {
		qs, args := selectFrom("event_daily", "day", `day >= $1 AND day <= $2`, []any{a.Format(time.DateOnly), b.Format(time.DateOnly)})
		parts = append(parts, part{qs, args})
	}
	// The whole months inside from–to, and the days outside them.
	first := from
	if first.Day() != 1 {
		first = time.Date(from.Year(), from.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	}
	last := time.Date(to.Year(), to.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	if !last.Equal(to) {
		last = time.Date(to.Year(), to.Month(), 0, 0, 0, 0, 0, time.UTC)
	}
	if first.After(last) {
		days(from, to)
	} else {
		if first.After(from) {
			days(from, first.AddDate(0, 0, -1))
		}
		qs, args := selectFrom("event_monthly", "month", `month >= $1 AND month <= $2`, []any{first.Format("2006-01"), last.Format("2006-01")})
		parts = append(parts, part{qs, args})
		if last.Before(to) {
			days(last.AddDate(0, 0, 1), to)
		}
	}

	sums := make(map[sotepe.VolumeRow]int64, 1024)
	// The ids repeat on every row: one copy each keeps the answer small
	// for callers that hold it (the dashboard keeps a period's figures).
	seen := map[string]string{}
	intern := func(v string) string {
		if c, ok := seen[v]; ok {
			return c
		}
		seen[v] = v
		return v
	}
	var when, unit, stat, producer, mode string
	var n sql.NullInt64 // NULL: a grand total over no rows
	var dest []any
	for i, p := range []*string{&when, &unit, &stat, &producer, &mode} {
		if cols[i].on {
			dest = append(dest, p)
		}
	}
	dest = append(dest, &n)
	for _, p := range parts {
		rows, err := tx.QueryContext(ctx, p.query, p.args...)
		if err != nil {
			return nil, s.fail("read volumes", err)
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, s.fail("read volumes", err)
			}
			if !n.Valid {
				continue
			}
			var k sotepe.VolumeRow
			if has[sotepe.VolumeYear] {
				k.Year = intern(when[:4])
			}
			if has[sotepe.VolumeMonth] {
				k.Month = intern(when)
			}
			if has[sotepe.VolumeArea] {
				k.Area = intern(area[unit])
			}
			if has[sotepe.VolumeService] {
				k.Statistic = intern(stat)
			}
			if has[sotepe.VolumeUnit] {
				k.Unit = intern(unit)
			}
			if has[sotepe.VolumeProducer] {
				k.Producer = intern(producer)
			}
			if has[sotepe.VolumeProducerKind] {
				k.ProducerKind = intern(kind[producer])
			}
			if has[sotepe.VolumeMode] {
				k.Mode = sotepe.EventMode(intern(mode))
			}
			sums[k] += n.Int64
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, s.fail("read volumes", err)
		}
	}
	out := make([]sotepe.VolumeRow, 0, len(sums))
	for k, n := range sums {
		k.Count = n
		out = append(out, k)
	}
	return out, nil
}

// readPairs reads two text columns into m.
func readPairs(ctx context.Context, tx *sql.Tx, query string, m map[string]string) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		m[k] = v
	}
	return rows.Err()
}

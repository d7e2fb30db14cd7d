package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"sotepe"
)

// EventDayVolumes returns the rows of event_daily of the days from to to;
// see sotepe.EventStats. A unit's area and a producer's kind are looked up
// in the network as it stands, as EventVolumes does.
func (s *Store) EventDayVolumes(ctx context.Context, from, to string) ([]sotepe.VolumeRow, error) {
	if _, _, err := sotepe.ParseStatsPeriod(from, to); err != nil {
		return nil, err
	}
	tx, err := s.figures().BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, s.fail("read day volumes", err)
	}
	defer tx.Rollback()
	area, kind := map[string]string{}, map[string]string{}
	if err := readPairs(ctx, tx, `SELECT id, area_id FROM units`, area); err != nil {
		return nil, s.fail("read day volumes", err)
	}
	if err := readPairs(ctx, tx, `SELECT id, kind FROM producers`, kind); err != nil {
		return nil, s.fail("read day volumes", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT day, unit_id, statistic, producer_id, mode, count FROM event_daily
		WHERE day >= $1 AND day <= $2`, from, to)
	if err != nil {
		return nil, s.fail("read day volumes", err)
	}
	defer rows.Close()
	// The ids repeat on every row: one copy each.
	seen := map[string]string{}
	intern := func(b sql.RawBytes) string {
		if c, ok := seen[string(b)]; ok {
			return c
		}
		v := string(b)
		seen[v] = v
		return v
	}
	out := []sotepe.VolumeRow{}
	var day, unit, stat, producer, mode sql.RawBytes
	var n int64
	for rows.Next() {
		if err := rows.Scan(&day, &unit, &stat, &producer, &mode, &n); err != nil {
			return nil, s.fail("read day volumes", err)
		}
		r := sotepe.VolumeRow{Day: intern(day), Unit: intern(unit), Statistic: intern(stat), Producer: intern(producer),
			Mode: sotepe.EventMode(intern(mode)), Count: n}
		r.Month = intern([]byte(r.Day[:min(7, len(r.Day))]))
		r.Area, r.ProducerKind = intern([]byte(area[r.Unit])), intern([]byte(kind[r.Producer]))
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("read day volumes", err)
	}
	return out, nil
}

// FigureStamps returns a stamp per month of from–to; see
// sotepe.FigureStamps.
//
// Service events, feedback answers and rescue rows are only ever added
// (feedback_monthly is rebuilt to the same sums). On SQLite, whose one
// writer gives ids in the order of commits, every row added after a mark
// has a greater id than the mark's, so the months added to are those of
// the rows above it, read through the ids' B-trees (addedMonths): a few
// rows instead of a scan of the year's roll-ups (21,000 rows of
// event_monthly and 53,000 emergency runs on the full year, some 20 ms of
// the 24 ms the stamps of a year took). On PostgreSQL a transaction may
// commit after one that took greater ids, so the count and sum of a
// month's rows of event_monthly and feedback_monthly, and its count of
// missions and runs, stand for them in the stamp.
//
// A contact request's change appends to contact_stats_changes under a new
// id until the fold adds it to the roll-up, whose month rows change with
// it; the open requests past their due time at now are counted per month,
// so a request passing its due time changes its month's stamp too. What
// the stamp can miss is a change that leaves every sum of the month as it
// was and is folded between two reads: a request moved to another unit of
// the same month. All reads run in one read-only transaction.
func (s *Store) FigureStamps(ctx context.Context, from, to string, now time.Time, since sotepe.FigureMark) (sotepe.FigureStampSet, error) {
	var set sotepe.FigureStampSet
	first, last, err := sotepe.ParseStatsPeriod(from, to)
	if err != nil {
		return set, err
	}
	tx, err := s.figures().BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return set, s.fail("figure stamps", err)
	}
	defer tx.Rollback()
	parts := map[string][]string{}
	months := [2]string{first.Format("2006-01"), last.Format("2006-01")}
	days := [2]string{first.Format("2006-01") + "-01", last.Format("2006-01") + "-31"}
	marked := s.dialect.name == SQLite
	if marked {
		if set.Mark, set.Added, err = addedMonths(ctx, tx, since); err != nil {
			return set, s.fail("figure stamps", err)
		}
	}
	// Each query gives a month and its figures; a month it does not name
	// stamps "-" for it.
	for i, q := range []struct {
		query  string
		args   []any
		marked bool // what the mark covers where there is one
	}{
		{`SELECT month, COUNT(*), SUM(count) FROM event_monthly WHERE month >= $1 AND month <= $2 GROUP BY month ORDER BY month`,
			[]any{months[0], months[1]}, true},
		{`SELECT month, COUNT(*), SUM(promoters), SUM(passives), SUM(detractors) FROM feedback_monthly
			WHERE dim = 'unit' AND month >= $1 AND month <= $2 GROUP BY month ORDER BY month`, []any{months[0], months[1]}, true},
		{`SELECT period, COUNT(*), SUM(received), SUM(answered), SUM(in_time), SUM(missed_closed) FROM contact_stats
			WHERE dim = 'unit' AND level = 'month' AND unit_id = '' AND period >= $1 AND period <= $2 GROUP BY period ORDER BY period`,
			[]any{months[0], months[1]}, false},
		// By day, which the index (day, station_id) gives in order, and
		// by month in stampRows: grouping by month sorts. Every query's
		// rows come in order of the month.
		{`SELECT day, COUNT(*) FROM rescue_missions WHERE day >= $1 AND day <= $2 GROUP BY day ORDER BY day`, []any{days[0], days[1]}, true},
		{`SELECT day, COUNT(*) FROM emergency_runs WHERE day >= $1 AND day <= $2 GROUP BY day ORDER BY day`, []any{days[0], days[1]}, true},
	} {
		if q.marked && marked {
			continue
		}
		if err := stampRows(ctx, tx, parts, i, q.query, q.args...); err != nil {
			return set, s.fail("figure stamps", err)
		}
	}
	// The contact requests' unfolded changes and the open ones past due,
	// by the month of receipt in the city's time: both small sets.
	start := micros(time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, s.zone))
	end := micros(time.Date(last.Year(), last.Month()+1, 1, 0, 0, 0, 0, s.zone))
	// The months' starts in the city's time, to find a row's month among
	// (thousands of overdue requests, each to a time zone and back, took
	// as long as their query).
	var starts []int64
	var names []string
	for m := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, s.zone); micros(m) < end; m = m.AddDate(0, 1, 0) {
		starts, names = append(starts, micros(m)), append(names, m.Format("2006-01"))
	}
	monthOf := func(received int64) string {
		i, found := slices.BinarySearch(starts, received)
		if !found {
			i--
		}
		return names[max(i, 0)]
	}
	type logStamp struct{ n, maxID int64 }
	logs, overdue := map[string]*logStamp{}, map[string]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT id, received_at FROM contact_stats_changes WHERE received_at >= $1 AND received_at < $2`, start, end)
	if err != nil {
		return set, s.fail("figure stamps", err)
	}
	for rows.Next() {
		var id, received int64
		if err := rows.Scan(&id, &received); err != nil {
			rows.Close()
			return set, s.fail("figure stamps", err)
		}
		m := monthOf(received)
		l := logs[m]
		if l == nil {
			l = &logStamp{}
			logs[m] = l
		}
		l.n++
		l.maxID = max(l.maxID, id)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return set, s.fail("figure stamps", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT received_at FROM contact_requests
		WHERE `+statsOverdueWhere+` AND due_at < $1 AND received_at >= $2 AND received_at < $3`, micros(now), start, end)
	if err != nil {
		return set, s.fail("figure stamps", err)
	}
	for rows.Next() {
		var received int64
		if err := rows.Scan(&received); err != nil {
			rows.Close()
			return set, s.fail("figure stamps", err)
		}
		overdue[monthOf(received)]++
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return set, s.fail("figure stamps", err)
	}
	for m, l := range logs {
		stampPart(parts, m, 5, fmt.Sprintf("%d.%d", l.n, l.maxID))
	}
	for m, n := range overdue {
		stampPart(parts, m, 6, fmt.Sprint(n))
	}
	set.Stamps = make(map[string]string, len(parts))
	for m, p := range parts {
		set.Stamps[m] = strings.Join(p, "/")
	}
	return set, nil
}

// addedMonths returns the mark of now (the greatest ids of the sources
// only added to) and, when since is not zero, the months of the rows
// added after it with the greatest id of each source's: each source's
// rows above since.
func addedMonths(ctx context.Context, tx *sql.Tx, since sotepe.FigureMark) (sotepe.FigureMark, map[string]sotepe.FigureMark, error) {
	var mark sotepe.FigureMark
	added := map[string]sotepe.FigureMark{}
	for _, src := range []struct {
		table string
		since int64
		set   func(m *sotepe.FigureMark, id int64)
	}{
		{"events", since.Events, func(m *sotepe.FigureMark, id int64) { m.Events = id }},
		{"feedback", since.Feedback, func(m *sotepe.FigureMark, id int64) { m.Feedback = id }},
		{"rescue_missions", since.Missions, func(m *sotepe.FigureMark, id int64) { m.Missions = id }},
		{"emergency_runs", since.Runs, func(m *sotepe.FigureMark, id int64) { m.Runs = id }},
	} {
		var top int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+src.table).Scan(&top); err != nil {
			return mark, nil, err
		}
		src.set(&mark, top)
		if since.IsZero() || top <= src.since {
			continue
		}
		rows, err := tx.QueryContext(ctx, `SELECT substr(day, 1, 7), MAX(id) FROM `+src.table+` WHERE id > $1 GROUP BY 1`, src.since)
		if err != nil {
			return mark, nil, err
		}
		for rows.Next() {
			var month string
			var id int64
			if err := rows.Scan(&month, &id); err != nil {
				rows.Close()
				return mark, nil, err
			}
			m := added[month]
			src.set(&m, id)
			added[month] = m
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return mark, nil, err
		}
	}
	return mark, added, nil
}

// stampParts is how many parts a month's stamp has.
const stampParts = 7

// stampPart sets part i of month m's stamp.
func stampPart(parts map[string][]string, m string, i int, v string) {
	p := parts[m]
	if p == nil {
		p = make([]string, stampParts)
		for j := range p {
			p[j] = "-"
		}
		parts[m] = p
	}
	p[i] = v
}

// stampRows reads rows of a month and its figures into part i of the
// months' stamps.
func stampRows(ctx context.Context, tx *sql.Tx, parts map[string][]string, i int, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	// The rows of a month (or of its days, added up) in order.
	month, cur := "", ""
	vals := make([]sql.NullInt64, len(cols)-1)
	sums := make([]int64, len(vals))
	dest := []any{&month}
	for j := range vals {
		dest = append(dest, &vals[j])
	}
	flush := func() {
		if cur == "" {
			return
		}
		var b strings.Builder
		for j, v := range sums {
			if j > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, v)
		}
		stampPart(parts, cur, i, b.String())
		clear(sums)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if len(month) > 7 {
			month = month[:7]
		}
		if month != cur {
			flush()
			cur = month
		}
		for j, v := range vals {
			sums[j] += v.Int64
		}
	}
	flush()
	return rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"

	"sotepe"
)

// How the figures of the answer promise stay fast.
//
// A year holds some 2 million contact requests; reading that many rows takes
// seconds on either engine, far over the 300 ms the figures may take. So
// contact_stats (migration 00003) adds the requests up by period of receipt
// in Europe/Helsinki and by key of each dimension: unit, service and channel
// over the whole city, and, for figures limited to some units, each unit's
// services and channels (unit_service, unit_channel; a unit's figures by
// unit add up its services). Periods are days, and for the dimensions by
// unit also ISO weeks and months (a request counts once at each level);
// service and channel have few keys, so their days are few rows, while
// their lists at the coarser levels would grow to hundreds of kilobytes.
// Its rows hold the requests received, answered, answered in time and closed
// unanswered after their due time, and the working seconds to the first
// answer of each answered request as a list "s1,s2,…," (percentiles need the
// values themselves). Its key (dim, level, unit_id, period, group_id) makes
// the periods of a dimension, or of a unit, one range.
//
// The roll-up is not written in the transaction of a submission: a row such
// as "portal requests received today" would be touched by every one, and on
// PostgreSQL concurrent transactions that update one row wait for each
// other's commit, one at a time. Instead the triggers of contact_requests
// append each change of a request (its old share taken away, its new share
// added) to contact_stats_changes, a log nobody updates, and
// FoldContactStats adds the log to the roll-up in batches, one write per row
// of the roll-up, and deletes what it added, in one transaction. The figures
// read the roll-up and what the log still holds in one snapshot, so every
// change counts exactly once whether or not it has been folded.
//
// A selection by unit reads its whole weeks or months at their level and
// only the days of the periods that from and to cut short at the day level:
// a year by unit and month is some 4,200 rows (349 units × 12), not 127,000.
// A year by service and day is some 9,500 rows, by channel 1,800.
//
// The roll-up also counts the requests that are open (the backlog, migration
// 00017). What depends on the present moment is read from contact_requests:
// the open requests past their due time without an answer, through the
// partial index contact_requests_stats_overdue by due time, so the figures
// read only the overdue requests, however long the backlog. So are the
// answers whose working time is not stored yet
// (contact_requests_stats_unfilled): their working time is computed with the
// calendar the caller passes. All reads of one call run in
// one read-only transaction, so they see one state of the database: an answer
// is counted either in the list or among the unfilled, never twice.
//
// The local day, ISO week and month of a request are computed in Go
// (localDate, sotepe.StatsInterval.Period), where the time zone database is,
// by the fold and the reads alike.

// statsOverdueWhere and statsUnfilledWhere are the predicates of the
// partial indexes contact_requests_stats_overdue and
// contact_requests_stats_unfilled word for word, as SQLite uses a partial
// index only for a query that repeats its predicate.
const (
	statsOverdueWhere  = `status IN ('new', 'in_progress', 'waiting') AND first_answered_at IS NULL`
	statsUnfilledWhere = `first_answered_at IS NOT NULL AND answer_seconds IS NULL`
)

// statsKeyColumn is the column of contact_requests that holds the key of a
// dimension.
func statsKeyColumn(dim sotepe.StatsDim) (string, bool) {
	switch dim {
	case sotepe.DimUnit:
		return "unit_id", true
	case sotepe.DimService:
		return "service_id", true
	case sotepe.DimChannel:
		return "channel", true
	}
	return "", false
}

// workingSeconds is the stored form of a working time: whole seconds.
func workingSeconds(d time.Duration) int32 { return int32(d / time.Second) }

// parseSeconds appends the values of a roll-up's list of working seconds
// ("3600,7200,") to dst.
func parseSeconds(dst []int32, list []byte) ([]int32, error) {
	v, digits := int64(0), 0
	for _, c := range list {
		switch {
		case c >= '0' && c <= '9' && digits < 10:
			v = v*10 + int64(c-'0')
			digits++
		case c == ',' && digits > 0 && v <= math.MaxInt32:
			dst = append(dst, int32(v))
			v, digits = 0, 0
		default:
			return dst, fmt.Errorf("store: malformed list of working seconds %.40q", list)
		}
	}
	if digits > 0 {
		return dst, fmt.Errorf("store: list of working seconds %.40q does not end in a comma", list)
	}
	return dst, nil
}

// ContactStatsRows returns the figures of the contact requests received
// from q.From to q.To (YYYY-MM-DD in Europe/Helsinki, both included) by key
// of q.Dim and period of q.Interval, limited to q.Units unless that is nil,
// one row per key and period with at least one request, in no particular
// order. See the comment at the top of this file for how, and
// sotepe.ContactStats for the definitions.
//
// An unknown dimension is EInvalid ("error.stats_group_by"), an unknown
// interval EInvalid ("error.stats_interval"), a date that is not YYYY-MM-DD
// EInvalid ("error.date"); from after to returns nothing; a nil
// q.WorkingTime is EInternal. The reads are not audited: they return no
// personal data.
func (s *Store) ContactStatsRows(ctx context.Context, q sotepe.ContactStatsQuery) ([]sotepe.ContactStatsRow, error) {
	keyCol, ok := statsKeyColumn(q.Dim)
	if !ok {
		return nil, sotepe.Invalid("error.stats_group_by", "unknown dimension "+string(q.Dim))
	}
	if !q.Interval.Valid() {
		return nil, sotepe.Invalid("error.stats_interval", "unknown interval "+string(q.Interval))
	}
	from, err := time.Parse(time.DateOnly, q.From)
	if err != nil {
		return nil, sotepe.Invalid("error.date", "date "+q.From+" is not YYYY-MM-DD")
	}
	to, err := time.Parse(time.DateOnly, q.To)
	if err != nil {
		return nil, sotepe.Invalid("error.date", "date "+q.To+" is not YYYY-MM-DD")
	}
	if q.WorkingTime == nil {
		return nil, &sotepe.Error{Code: sotepe.EInternal, Message: "store: contact stats need a working-time function"}
	}
	if q.Units != nil && len(q.Units) == 0 || from.After(to) {
		return []sotepe.ContactStatsRow{}, nil
	}
	var units []string // nil: every unit
	if q.Units != nil {
		units = dedupe(q.Units)
	}
	// The instants of the selection: from the start of its first day to the
	// start of the day after its last, in the city's time.
	start := micros(time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, s.zone))
	end := micros(time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, s.zone))
	now := micros(q.Now)

	rows := map[[2]string]*sotepe.ContactStatsRow{}
	row := func(key, period string) *sotepe.ContactStatsRow {
		r := rows[[2]string{key, period}]
		if r == nil {
			r = &sotepe.ContactStatsRow{Key: key, Period: period}
			rows[[2]string{key, period}] = r
		}
		return r
	}
	// Days, keys and periods repeat from row to row: each is made a string
	// once, and each day's period computed once.
	names := map[string]string{}
	intern := func(b []byte) string {
		if v, ok := names[string(b)]; ok {
			return v
		}
		v := string(b)
		names[v] = v
		return v
	}
	periods := map[string]string{}
	// The period of a stored instant, computed once per day.
	byDate := map[time.Time]string{}
	periodAt := func(v int64) string {
		d := s.localDate(v)
		p, ok := byDate[d]
		if !ok {
			p = q.Interval.Period(d)
			byDate[d] = p
		}
		return p
	}
	periodOf := func(day string) (string, error) {
		if p, ok := periods[day]; ok {
			return p, nil
		}
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return "", err
		}
		p := q.Interval.Period(d)
		periods[day] = p
		return p, nil
	}

	tx, err := s.figures().BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, s.fail("contact stats: begin", err)
	}
	defer tx.Rollback() // read-only: after Commit a no-op

	// The roll-up: the whole weeks or months of the selection at their
	// level, the days before and after them at the day level.
	dim, byUnit := string(q.Dim), false
	if units != nil {
		// Each unit's rows by service hold all its requests.
		dim, byUnit = "unit_"+string(q.Dim), q.Dim == sotepe.DimUnit
		if byUnit {
			dim = "unit_service"
		}
	}
	readRollup := func(level, first, last string) error {
		query := `SELECT period, unit_id, group_id, received, answered, in_time, missed_closed, backlog, seconds FROM contact_stats
			WHERE dim = $1 AND level = $2 AND period BETWEEN $3 AND $4 AND unit_id `
		args := []any{dim, level, first, last}
		if units == nil {
			query += `= ''`
		} else {
			query += `IN (` + placeholders(5, len(units)) + `)`
			args = append(args, stringArgs(units)...)
		}
		rs, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		var period, unit, group, seconds sql.RawBytes
		var received, answered, inTime, missedClosed, backlog int64
		for rs.Next() {
			if err := rs.Scan(&period, &unit, &group, &received, &answered, &inTime, &missedClosed, &backlog, &seconds); err != nil {
				return err
			}
			if received == 0 {
				continue // every request of the row moved away or was deleted
			}
			key := group
			if byUnit {
				key = unit
			}
			p := intern(period)
			if level == "day" {
				if p, err = periodOf(p); err != nil {
					return err
				}
			}
			r := row(intern(key), p)
			r.Received += received
			r.Answered += answered
			r.AnsweredInTime += inTime
			r.Missed += answered - inTime + missedClosed
			r.MissedUnanswered += missedClosed
			r.OpenBacklog += backlog
			// A list holds at most one value per answered request.
			r.AnswerSeconds = slices.Grow(r.AnswerSeconds, int(answered))
			if r.AnswerSeconds, err = parseSeconds(r.AnswerSeconds, seconds); err != nil {
				return err
			}
		}
		return rs.Err()
	}
	// Service and channel over the whole city are kept by day only.
	interval := q.Interval
	if units == nil && q.Dim != sotepe.DimUnit {
		interval = sotepe.IntervalDay
	}
	for _, part := range rollupParts(interval, from, to) {
		if err := readRollup(part.level, part.first, part.last); err != nil {
			return nil, s.fail("contact stats: roll-up", err)
		}
	}

	// The changes not folded into the roll-up yet, in the order they were
	// made, so that a working time taken away was added before.
	var inUnits map[string]bool
	if units != nil {
		inUnits = make(map[string]bool, len(units))
		for _, u := range units {
			inUnits[u] = true
		}
	}
	rs, err := tx.QueryContext(ctx, `
		SELECT sign, received_at, unit_id, `+keyCol+`, answered, in_time, missed_closed, answer_seconds, backlog FROM contact_stats_changes
		WHERE received_at >= $1 AND received_at < $2 ORDER BY id`, start, end)
	if err != nil {
		return nil, s.fail("contact stats: changes", err)
	}
	for rs.Next() {
		var c statsChange
		var unit, key sql.RawBytes
		if err := rs.Scan(&c.sign, &c.received, &unit, &key, &c.answered, &c.inTime, &c.missedClosed, &c.seconds, &c.backlog); err != nil {
			rs.Close()
			return nil, s.fail("contact stats: changes", err)
		}
		if inUnits != nil && !inUnits[string(unit)] {
			continue
		}
		r := row(intern(key), periodAt(c.received))
		r.Received += c.sign
		r.Answered += c.sign * c.answered
		r.AnsweredInTime += c.sign * c.inTime
		r.Missed += c.sign * (c.answered - c.inTime + c.missedClosed)
		r.MissedUnanswered += c.sign * c.missedClosed
		r.OpenBacklog += c.sign * c.backlog
		if c.seconds.Valid {
			v := int32(c.seconds.Int64)
			if c.sign > 0 {
				r.AnswerSeconds = append(r.AnswerSeconds, v)
			} else if i := slices.Index(r.AnswerSeconds, v); i >= 0 {
				r.AnswerSeconds[i] = r.AnswerSeconds[len(r.AnswerSeconds)-1]
				r.AnswerSeconds = r.AnswerSeconds[:len(r.AnswerSeconds)-1]
			}
		}
	}
	err = rs.Err()
	rs.Close()
	if err != nil {
		return nil, s.fail("contact stats: changes", err)
	}

	// The open requests past their due time without an answer, read
	// through their partial index by due time; the units are picked here,
	// since a condition on unit_id would lead the planner to the unit's
	// whole queue instead.
	rs, err = tx.QueryContext(ctx, `
		SELECT received_at, unit_id, `+keyCol+` FROM contact_requests
		WHERE `+statsOverdueWhere+` AND due_at < $1 AND received_at >= $2 AND received_at < $3`, now, start, end)
	if err != nil {
		return nil, s.fail("contact stats: overdue requests", err)
	}
	for rs.Next() {
		var received int64
		var unit, key sql.RawBytes
		if err := rs.Scan(&received, &unit, &key); err != nil {
			rs.Close()
			return nil, s.fail("contact stats: overdue requests", err)
		}
		if inUnits != nil && !inUnits[string(unit)] {
			continue
		}
		r := row(intern(key), periodAt(received))
		r.Missed++
		r.MissedUnanswered++
	}
	err = rs.Err()
	rs.Close()
	if err != nil {
		return nil, s.fail("contact stats: overdue requests", err)
	}

	// The answers whose working time is not stored yet.
	rs, err = tx.QueryContext(ctx, `
		SELECT received_at, unit_id, `+keyCol+`, first_answered_at FROM contact_requests
		WHERE `+statsUnfilledWhere+` AND received_at >= $1 AND received_at < $2`, start, end)
	if err != nil {
		return nil, s.fail("contact stats: unfilled answers", err)
	}
	for rs.Next() {
		var received, answered int64
		var unit, key sql.RawBytes
		if err := rs.Scan(&received, &unit, &key, &answered); err != nil {
			rs.Close()
			return nil, s.fail("contact stats: unfilled answers", err)
		}
		if inUnits != nil && !inUnits[string(unit)] {
			continue
		}
		r := row(intern(key), periodAt(received))
		r.AnswerSeconds = append(r.AnswerSeconds, workingSeconds(q.WorkingTime(fromMicros(received), fromMicros(answered))))
	}
	err = rs.Err()
	rs.Close()
	if err != nil {
		return nil, s.fail("contact stats: unfilled answers", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, s.fail("contact stats: commit", err)
	}

	out := make([]sotepe.ContactStatsRow, 0, len(rows))
	for _, r := range rows {
		// A row whose requests all moved away since is no row.
		if r.Received != 0 || r.OpenBacklog != 0 || len(r.AnswerSeconds) != 0 {
			out = append(out, *r)
		}
	}
	return out, nil
}

// statsChange is a row of contact_stats_changes: a request's share of the
// roll-up added (sign 1) or taken away (sign -1).
type statsChange struct {
	sign, received                          int64
	answered, inTime, missedClosed, backlog int64
	seconds                                 sql.NullInt64
}

// rollupPart is a range of periods of the roll-up at one level.
type rollupPart struct{ level, first, last string }

// rollupParts returns the ranges of the roll-up that make up the days
// from–to for interval: the whole periods inside at the interval's level,
// and the days of the periods cut short by from or to at the day level.
func rollupParts(interval sotepe.StatsInterval, from, to time.Time) []rollupPart {
	days := func(a, b time.Time) rollupPart {
		return rollupPart{"day", a.Format(time.DateOnly), b.Format(time.DateOnly)}
	}
	if interval == sotepe.IntervalDay {
		return []rollupPart{days(from, to)}
	}
	// The first whole period starts on or after from; the last whole one
	// ends on or before to.
	first, _ := interval.Bounds(from)
	if first.Before(from) {
		_, last := interval.Bounds(from)
		first = last.AddDate(0, 0, 1)
	}
	_, last := interval.Bounds(to)
	if last.After(to) {
		start, _ := interval.Bounds(to)
		last = start.AddDate(0, 0, -1)
	}
	if first.After(last) {
		return []rollupPart{days(from, to)}
	}
	var parts []rollupPart
	if from.Before(first) {
		parts = append(parts, days(from, first.AddDate(0, 0, -1)))
	}
	parts = append(parts, rollupPart{string(interval), interval.Period(first), interval.Period(last)})
	if to.After(last) {
		parts = append(parts, days(last.AddDate(0, 0, 1), to))
	}
	return parts
}

// localDate is the date, at midnight UTC, of a stored instant in the city's
// time zone.
func (s *Store) localDate(v int64) time.Time {
	t := fromMicros(v).In(s.zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

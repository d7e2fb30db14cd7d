package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// Feedback answers and kiosk tokens (sotepe.FeedbackStore). An answer is one
// row; each also adds itself, in its transaction, to two roll-ups: by month
// (feedback_monthly) and by day (feedback_daily), per unit and dimension
// value. The figures read whole months from the first and days (cut
// months, days, weeks) from the second, never the answers themselves
// (docs/benchmarks.md).

const feedbackColumns = `id, unit_id, score, COALESCE(comment, ''), channel, lang, COALESCE(service_id, ''),
	COALESCE(appointment_id, 0), COALESCE(resident_id, 0), COALESCE(original, ''), COALESCE(original_until, 0), created_at`

func scanFeedback(sc interface{ Scan(...any) error }) (sotepe.Feedback, error) {
	var f sotepe.Feedback
	var channel, lang string
	var until, created int64
	err := sc.Scan(&f.ID, &f.UnitID, &f.Score, &f.Comment, &channel, &lang, &f.ServiceID,
		&f.AppointmentID, &f.ResidentID, &f.Original, &until, &created)
	f.Channel, f.Lang, f.CreatedAt = sotepe.FeedbackChannel(channel), sotepe.Lang(lang), fromMicros(created)
	if until != 0 {
		f.OriginalUntil = fromMicros(until)
	}
	return f, err
}

// AddFeedback stores an answer. A visit's answer takes its unit and service
// from the completed appointment of the resident; a kiosk's answer must come
// with a live token of its unit. See sotepe.FeedbackStore for the errors.
func (s *Store) AddFeedback(ctx context.Context, n sotepe.NewFeedback) (sotepe.Feedback, error) {
	if err := n.Validate(); err != nil {
		return sotepe.Feedback{}, err
	}
	at := instant(n.CreatedAt)
	var out sotepe.Feedback
	err := s.inTx(ctx, "add feedback", func(tx *sql.Tx) error {
		var service sql.NullString
		var kiosk sql.NullInt64
		switch n.Channel {
		case sotepe.FeedbackVisit:
			var err error
			if n.VisitTokenHash != nil {
				// The link's token stands for the resident.
				n.AppointmentID, n.ResidentID, n.UnitID, service, err = visitAppointment(ctx, tx, n.VisitTokenHash)
			} else {
				err = tx.QueryRowContext(ctx, `SELECT unit_id, service_id FROM appointments
				WHERE id = $1 AND resident_id = $2 AND status = 'completed'`, n.AppointmentID, n.ResidentID).Scan(&n.UnitID, &service)
				if errors.Is(err, sql.ErrNoRows) {
					return sotepe.NotFound("appointment")
				}
			}
			if err != nil {
				return err
			}
			var one int
			err = tx.QueryRowContext(ctx, `SELECT 1 FROM feedback WHERE appointment_id = $1`, n.AppointmentID).Scan(&one)
			if err == nil {
				return conflict("error.feedback_used", "the visit has an answer already")
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		case sotepe.FeedbackKioskChannel:
			var unit string
			err := tx.QueryRowContext(ctx, `SELECT id, unit_id FROM feedback_kiosks WHERE token_hash = $1 AND revoked_at IS NULL`,
				n.KioskTokenHash).Scan(&kiosk, &unit)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && unit != n.UnitID) {
				return &sotepe.Error{Code: sotepe.ENotFound, Key: "error.feedback_kiosk", Message: "unknown kiosk token"}
			}
			if err != nil {
				return err
			}
		default:
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM units WHERE id = $1`, n.UnitID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return &sotepe.Error{Code: sotepe.ENotFound, Key: "error.feedback_unit_unknown", Message: "unknown unit"}
			}
			if err != nil {
				return err
			}
		}
		var original sql.NullString
		var until sql.NullInt64
		if n.Original != "" && n.Original != n.Comment {
			original, until = sql.NullString{String: n.Original, Valid: true}, sql.NullInt64{Int64: micros(n.OriginalUntil), Valid: true}
		}
		f, err := scanFeedback(tx.QueryRowContext(ctx, `
			INSERT INTO feedback (unit_id, score, comment, original, original_until, channel, lang, service_id,
				appointment_id, resident_id, kiosk_id, created_at, day)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			RETURNING `+feedbackColumns,
			n.UnitID, n.Score, nullString(n.Comment), original, until, string(n.Channel), string(n.Lang), service,
			nullInt(n.AppointmentID), nullInt(n.ResidentID), kiosk, micros(at), at.In(s.zone).Format(time.DateOnly)))
		if classify(err) == failUnique {
			return conflict("error.feedback_used", "the visit has an answer already")
		}
		if err != nil {
			return err
		}
		out = f
		if err := s.recordEvent(ctx, tx, sotepe.ServiceEvent{Source: sotepe.SourceFeedback, ExternalID: strconv.FormatInt(f.ID, 10),
			Day: at.In(s.zone).Format(time.DateOnly), UnitID: f.UnitID, Statistic: sotepe.StatFeedbackAnswers, Mode: sotepe.EventRemote}); err != nil {
			return err
		}
		if err := insertFeedbackExtras(ctx, tx, f.ID, f.UnitID, n.Extra); err != nil {
			return err
		}
		var p, pa, d int
		switch sotepe.ScoreClass(f.Score) {
		case "promoter":
			p = 1
		case "passive":
			pa = 1
		default:
			d = 1
		}
		month := at.In(s.zone).Format("2006-01")
		_, err = tx.ExecContext(ctx, `INSERT INTO feedback_monthly (dim, month, unit_id, key, promoters, passives, detractors)
			VALUES ('unit', $1, $2, '', $3, $4, $5), ('service', $1, $2, $6, $3, $4, $5),
				('channel', $1, $2, $7, $3, $4, $5), ('language', $1, $2, $8, $3, $4, $5)
			ON CONFLICT (dim, month, unit_id, key) DO UPDATE SET
				promoters = feedback_monthly.promoters + excluded.promoters,
				passives = feedback_monthly.passives + excluded.passives,
				detractors = feedback_monthly.detractors + excluded.detractors`,
			month, f.UnitID, p, pa, d, f.ServiceID, string(f.Channel), string(f.Lang))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO feedback_daily (dim, day, key, unit_id, promoters, passives, detractors)
			VALUES ('unit', $1, $2, $2, $3, $4, $5), ('service', $1, $6, $2, $3, $4, $5),
				('channel', $1, $7, $2, $3, $4, $5), ('language', $1, $8, $2, $3, $4, $5)
			ON CONFLICT (dim, day, key, unit_id) DO UPDATE SET
				promoters = feedback_daily.promoters + excluded.promoters,
				passives = feedback_daily.passives + excluded.passives,
				detractors = feedback_daily.detractors + excluded.detractors`,
			at.In(s.zone).Format(time.DateOnly), f.UnitID, p, pa, d, f.ServiceID, string(f.Channel), string(f.Lang))
		return err
	})
	return out, err
}

// ListFeedback returns one page of the answers in scope, newest first. The
// cursor is the last answer's "created_at micros.id".
func (s *Store) ListFeedback(ctx context.Context, scope sotepe.FeedbackScope, page sotepe.PageRequest) (sotepe.Page[sotepe.Feedback], error) {
	var out sotepe.Page[sotepe.Feedback]
	page, err := page.Normalize()
	if err != nil {
		return out, err
	}
	var where []string
	var args []any
	switch {
	case scope.ResidentID != 0:
		args = append(args, scope.ResidentID)
		where = append(where, `resident_id = $1`)
	case len(scope.Units) > 0:
		units := dedupe(scope.Units)
		where = append(where, `unit_id IN (`+placeholders(1, len(units))+`)`)
		args = append(args, stringArgs(units)...)
	default:
		out.Items = []sotepe.Feedback{}
		return out, nil
	}
	if scope.WithComment {
		where = append(where, `comment IS NOT NULL`)
	}
	if page.Cursor != "" {
		at, id, ok := parseFeedbackCursor(page.Cursor)
		if !ok {
			return out, sotepe.Invalid("error.cursor", "malformed cursor")
		}
		args = append(args, at, id)
		where = append(where, fmt.Sprintf(`(created_at, id) < ($%d, $%d)`, len(args)-1, len(args)))
	}
	args = append(args, page.Limit+1)
	items, err := queryAll(ctx, s.readers, func(rows *sql.Rows) (sotepe.Feedback, error) { return scanFeedback(rows) },
		`SELECT `+feedbackColumns+` FROM feedback WHERE `+strings.Join(where, " AND ")+
			` ORDER BY created_at DESC, id DESC LIMIT `+limitParam(len(args)), args...)
	if err != nil {
		return out, s.fail("list feedback", err)
	}
	return pageOf(items, page.Limit, func(last sotepe.Feedback) string {
		return fmt.Sprintf("%d.%d", micros(last.CreatedAt), last.ID)
	}), nil
}

func parseFeedbackCursor(c string) (int64, int64, bool) {
	a, b, ok := strings.Cut(c, ".")
	at, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	return at, id, ok && err1 == nil && err2 == nil
}

// feedbackKeys are the stored columns of the dimensions in feedback and in
// feedback_monthly (whose rows of the dimension carry it in key).
var feedbackKeys = map[sotepe.FeedbackDim][2]string{
	sotepe.FeedbackDimUnit:    {`unit_id`, `unit_id`},
	sotepe.FeedbackDimService: {`COALESCE(service_id, '')`, `key`},
	sotepe.FeedbackDimLang:    {`lang`, `key`},
	sotepe.FeedbackDimChannel: {`channel`, `key`},
}

// FeedbackCounts counts the answers of q.From–q.To by the key of q.Dim, and
// by day or month. Counts over the whole period or by month read the whole
// months from feedback_monthly and only the days of the cut months at
// either end from feedback. An unknown dimension or a date that is not
// YYYY-MM-DD is EInvalid.
func (s *Store) FeedbackCounts(ctx context.Context, q sotepe.FeedbackCountsQuery) ([]sotepe.FeedbackCount, error) {
	if _, ok := feedbackKeys[q.Dim]; !ok {
		return nil, sotepe.Invalid("error.stats_group_by", "unknown feedback dimension")
	}
	from, to, err := sotepe.ParseStatsPeriod(q.From, q.To)
	if err != nil {
		return nil, err
	}
	var units []string
	if q.Units != nil {
		if units = dedupe(q.Units); len(units) == 0 {
			return []sotepe.FeedbackCount{}, nil
		}
	}
	acc := &feedbackAcc{at: map[[2]string]int{}, out: []sotepe.FeedbackCount{}, month: q.ByMonth && !q.ByDay}
	if q.ByDay {
		// One query whose rows are one per key and day already: no need
		// to add them up.
		acc.direct = true
		var err error
		if q.UnitGroups != nil || q.AllUnits {
			err = s.countFeedbackGroupDays(ctx, acc, q, units)
		} else {
			err = s.countFeedbackDays(ctx, acc, q.Dim, true, q.From, q.To, units)
		}
		return acc.out, err
	}
	// The whole months inside from–to, and the days outside them.
	first := from
	if first.Day() != 1 {
		first = time.Date(from.Year(), from.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	}
	last := time.Date(to.Year(), to.Month()+1, 0, 0, 0, 0, 0, time.UTC) // the month's last day
	if !last.Equal(to) {
		last = time.Date(to.Year(), to.Month(), 0, 0, 0, 0, 0, time.UTC)
	}
	if first.After(last) {
		return acc.out, s.countFeedbackDays(ctx, acc, q.Dim, acc.month, q.From, q.To, units)
	}
	if first.After(from) {
		if err := s.countFeedbackDays(ctx, acc, q.Dim, acc.month, q.From, first.AddDate(0, 0, -1).Format(time.DateOnly), units); err != nil {
			return nil, err
		}
	}
	if last.Before(to) {
		if err := s.countFeedbackDays(ctx, acc, q.Dim, acc.month, last.AddDate(0, 0, 1).Format(time.DateOnly), q.To, units); err != nil {
			return nil, err
		}
	}
	args := []any{string(q.Dim), first.Format("2006-01"), last.Format("2006-01")}
	where := `dim = $1 AND month >= $2 AND month <= $3`
	if units != nil {
		where += ` AND unit_id IN (` + placeholders(4, len(units)) + `)`
		args = append(args, stringArgs(units)...)
	}
	month := `CAST('' AS TEXT)`
	if acc.month {
		month = `month`
	}
	key := feedbackKeys[q.Dim][1]
	return acc.out, s.scanFeedbackCounts(ctx, acc, `SELECT `+key+`, `+month+`, SUM(promoters), SUM(passives), SUM(detractors)
		FROM feedback_monthly WHERE `+where+` GROUP BY `+key+`, `+month, args...)
}

// feedbackAcc adds counts of the same key and day together; with month
// set, a day counts in its month.
type feedbackAcc struct {
	at     map[[2]string]int
	out    []sotepe.FeedbackCount
	month  bool
	direct bool // the counts come one per key and day: append them
}

func (a *feedbackAcc) add(c sotepe.FeedbackCount) {
	if a.direct {
		a.out = append(a.out, c)
		return
	}
	if a.month && len(c.Day) > 7 {
		c.Day = c.Day[:7]
	}
	k := [2]string{c.Key, c.Day}
	if i, ok := a.at[k]; ok {
		a.out[i].Promoters += c.Promoters
		a.out[i].Passives += c.Passives
		a.out[i].Detractors += c.Detractors
		return
	}
	a.at[k] = len(a.out)
	a.out = append(a.out, c)
}

// countFeedbackDays counts the answers of the days from–to by the key of
// dim (and by day) from the daily roll-up feedback_daily, whose key order
// (dim, day, key, unit_id) lets the grouping by day and key stream without
// a sort; over every unit, from feedback_city_daily, the same days summed
// over the units by triggers.
func (s *Store) countFeedbackDays(ctx context.Context, acc *feedbackAcc, dim sotepe.FeedbackDim, byDay bool, from, to string, units []string) error {
	day, group := `CAST('' AS TEXT)`, `key`
	if byDay {
		day, group = `day`, `day, key`
	}
	args := []any{string(dim), from, to}
	where := `dim = $1 AND day >= $2 AND day <= $3`
	table := `feedback_daily`
	switch {
	case units != nil:
		where += ` AND unit_id IN (` + placeholders(4, len(units)) + `)`
		args = append(args, stringArgs(units)...)
	case dim != sotepe.FeedbackDimUnit:
		// Every unit: the city's days, a few rows a day.
		table = `feedback_city_daily`
	}
	return s.scanFeedbackCounts(ctx, acc, `SELECT key, `+day+`, SUM(promoters), SUM(passives), SUM(detractors)
		FROM `+table+` WHERE `+where+` GROUP BY `+group, args...)
}

// countFeedbackGroupDays counts the answers of the days of q by day and by
// group of units (q.UnitGroups), or of every unit together (q.AllUnits),
// summing the units' rows of feedback_daily in the database: the groups
// are joined in as a list of (unit, group) pairs, and each unit's days are
// read from the covering index feedback_daily_unit.
func (s *Store) countFeedbackGroupDays(ctx context.Context, acc *feedbackAcc, q sotepe.FeedbackCountsQuery, units []string) error {
	if q.Dim != sotepe.FeedbackDimUnit && q.UnitGroups != nil {
		return sotepe.Invalid("error.stats_group_by", "groups of units group the unit dimension")
	}
	args := []any{string(q.Dim), q.From, q.To}
	where := `d.dim = $1 AND d.day >= $2 AND d.day <= $3`
	if units != nil {
		where += ` AND d.unit_id IN (` + placeholders(4, len(units)) + `)`
		args = append(args, stringArgs(units)...)
	}
	if q.AllUnits && units == nil {
		return s.scanFeedbackCounts(ctx, acc, `SELECT key, day, promoters, passives, detractors FROM feedback_city_daily
			WHERE dim = 'unit' AND key = '' AND day >= $1 AND day <= $2`, q.From, q.To)
	}
	if q.AllUnits {
		return s.scanFeedbackCounts(ctx, acc, `SELECT CAST('' AS TEXT), d.day, SUM(d.promoters), SUM(d.passives), SUM(d.detractors)
			FROM feedback_daily d WHERE `+where+` GROUP BY d.day`, args...)
	}
	var pairs []string
	for _, u := range slices.Sorted(maps.Keys(q.UnitGroups)) {
		for _, g := range q.UnitGroups[u] {
			pairs = append(pairs, fmt.Sprintf("($%d, $%d)", len(args)+1, len(args)+2))
			args = append(args, u, g)
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	// CROSS JOIN keeps the pairs the outer loop on SQLite, which then reads
	// each unit's days from the covering index feedback_daily_unit instead
	// of scanning the pairs for every day row; PostgreSQL plans it as any
	// join.
	query := `WITH g (unit_id, grp) AS (VALUES ` + strings.Join(pairs, ", ") + `)
		SELECT g.grp, d.day, SUM(d.promoters), SUM(d.passives), SUM(d.detractors)
		FROM g CROSS JOIN feedback_daily d WHERE g.unit_id = d.unit_id AND ` + where + ` GROUP BY d.day, g.grp`
	if s.dialect.name != Postgres {
		return s.scanFeedbackCounts(ctx, acc, query, args...)
	}
	// PostgreSQL's default work_mem (4 MB) makes it sort a year of unit
	// days on disk; with room it sums them in a hash instead.
	tx, err := s.readers.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.fail("count feedback", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `SET LOCAL work_mem = '32MB'`); err != nil {
		return s.fail("count feedback", err)
	}
	return s.scanFeedbackCountsOn(ctx, tx, acc, query, args...)
}

func (s *Store) scanFeedbackCounts(ctx context.Context, acc *feedbackAcc, query string, args ...any) error {
	return s.scanFeedbackCountsOn(ctx, s.readers, acc, query, args...)
}

func (s *Store) scanFeedbackCountsOn(ctx context.Context, q querier, acc *feedbackAcc, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return s.fail("count feedback", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c sotepe.FeedbackCount
		if err := rows.Scan(&c.Key, &c.Day, &c.Promoters, &c.Passives, &c.Detractors); err != nil {
			return s.fail("count feedback", err)
		}
		acc.add(c)
	}
	return s.fail("count feedback", rows.Err())
}

// feedbackMonthlyRebuild and feedbackDailyRebuild fill the roll-ups from
// feedback.
const (
	feedbackMonthlyRebuild = `INSERT INTO feedback_monthly (dim, month, unit_id, key, promoters, passives, detractors)
	SELECT dim, substr(day, 1, 7), unit_id, key, SUM(CASE WHEN score >= 9 THEN 1 ELSE 0 END),
		SUM(CASE WHEN score BETWEEN 7 AND 8 THEN 1 ELSE 0 END), SUM(CASE WHEN score <= 6 THEN 1 ELSE 0 END)
	FROM (SELECT 'unit' AS dim, day, unit_id, '' AS key, score FROM feedback
		UNION ALL SELECT 'service', day, unit_id, COALESCE(service_id, ''), score FROM feedback
		UNION ALL SELECT 'channel', day, unit_id, channel, score FROM feedback
		UNION ALL SELECT 'language', day, unit_id, lang, score FROM feedback) AS f
	GROUP BY dim, substr(day, 1, 7), unit_id, key`
	feedbackDailyRebuild = `INSERT INTO feedback_daily (dim, day, key, unit_id, promoters, passives, detractors)
	SELECT dim, day, key, unit_id, SUM(CASE WHEN score >= 9 THEN 1 ELSE 0 END),
		SUM(CASE WHEN score BETWEEN 7 AND 8 THEN 1 ELSE 0 END), SUM(CASE WHEN score <= 6 THEN 1 ELSE 0 END)
	FROM (SELECT 'unit' AS dim, day, unit_id AS key, unit_id, score FROM feedback
		UNION ALL SELECT 'service', day, COALESCE(service_id, ''), unit_id, score FROM feedback
		UNION ALL SELECT 'channel', day, channel, unit_id, score FROM feedback
		UNION ALL SELECT 'language', day, lang, unit_id, score FROM feedback) AS f
	GROUP BY dim, day, key, unit_id`
)

// RebuildFeedbackFigures fills both roll-ups of the feedback figures
// (feedback_monthly, feedback_daily) anew from feedback, in one
// transaction, for answers loaded in bulk past AddFeedback.
func (s *Store) RebuildFeedbackFigures(ctx context.Context) error {
	return s.inTx(ctx, "rebuild feedback figures", func(tx *sql.Tx) error {
		// The triggers on feedback_daily refill feedback_city_daily.
		for _, q := range []string{`DELETE FROM feedback_monthly`, `DELETE FROM feedback_daily`, `DELETE FROM feedback_city_daily`,
			feedbackMonthlyRebuild, feedbackDailyRebuild} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// CreateFeedbackKiosk stores the hash of a new kiosk token of unit; an
// unknown unit is EInvalid ("error.reference").
func (s *Store) CreateFeedbackKiosk(ctx context.Context, unit string, tokenHash []byte, at time.Time) (sotepe.FeedbackKiosk, error) {
	k := sotepe.FeedbackKiosk{UnitID: unit, CreatedAt: instant(at)}
	err := s.inTx(ctx, "create feedback kiosk", func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO feedback_kiosks (unit_id, token_hash, created_at) VALUES ($1, $2, $3) RETURNING id`,
			unit, tokenHash, micros(k.CreatedAt)).Scan(&k.ID); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionFeedbackKiosk, kioskObject(k.ID), 0)
	})
	if err != nil {
		return sotepe.FeedbackKiosk{}, err
	}
	return k, nil
}

// kioskObject names a kiosk token in the audit trail.
func kioskObject(id int64) string { return "feedback_kiosk:" + strconv.FormatInt(id, 10) }

// FeedbackKiosks lists the live kiosk tokens of unit, oldest first.
func (s *Store) FeedbackKiosks(ctx context.Context, unit string) ([]sotepe.FeedbackKiosk, error) {
	out, err := queryAll(ctx, s.readers, func(rows *sql.Rows) (sotepe.FeedbackKiosk, error) {
		k := sotepe.FeedbackKiosk{UnitID: unit}
		var created int64
		err := rows.Scan(&k.ID, &created)
		k.CreatedAt = fromMicros(created)
		return k, err
	}, `SELECT id, created_at FROM feedback_kiosks WHERE unit_id = $1 AND revoked_at IS NULL ORDER BY id`, unit)
	return out, s.fail("list feedback kiosks", err)
}

// RevokeFeedbackKiosk ends kiosk id of unit, with its audit row in the same
// transaction; one not live at that unit is ENotFound ("error.feedback_kiosk").
func (s *Store) RevokeFeedbackKiosk(ctx context.Context, unit string, id int64, at time.Time) error {
	return s.inTx(ctx, "revoke feedback kiosk", func(tx *sql.Tx) error {
		if err := execAffecting(ctx, tx, &sotepe.Error{Code: sotepe.ENotFound, Key: "error.feedback_kiosk", Message: "no such kiosk"},
			`UPDATE feedback_kiosks SET revoked_at = $1 WHERE id = $2 AND unit_id = $3 AND revoked_at IS NULL`,
			micros(at), id, unit); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionFeedbackKioskRevoke, kioskObject(id), 0)
	})
}

// FeedbackKioskUnit returns the unit of a live kiosk token's hash, or
// ENotFound ("error.feedback_kiosk").
func (s *Store) FeedbackKioskUnit(ctx context.Context, tokenHash []byte) (string, error) {
	var unit string
	err := s.readers.QueryRowContext(ctx, `SELECT unit_id FROM feedback_kiosks WHERE token_hash = $1 AND revoked_at IS NULL`, tokenHash).Scan(&unit)
	if errors.Is(err, sql.ErrNoRows) {
		return "", &sotepe.Error{Code: sotepe.ENotFound, Key: "error.feedback_kiosk", Message: "unknown kiosk token"}
	}
	if err != nil {
		return "", s.fail("read feedback kiosk", err)
	}
	return unit, nil
}

// PurgeFeedbackOriginals forgets the unscreened comments whose keeping time
// ended before now and returns how many.
func (s *Store) PurgeFeedbackOriginals(ctx context.Context, now time.Time) (int, error) {
	res, err := s.writer.ExecContext(ctx, `UPDATE feedback SET original = NULL, original_until = NULL
		WHERE original_until IS NOT NULL AND original_until < $1`, micros(now))
	if err != nil {
		return 0, s.fail("purge feedback originals", err)
	}
	n, err := res.RowsAffected()
	return int(n), s.fail("purge feedback originals", err)
}

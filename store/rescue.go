package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// rescueRefs knows the rescue stations and districts rescue rows may name.
type rescueRefs struct {
	stations, districts map[string]bool
}

func (s *Store) loadRescueRefs(ctx context.Context) (rescueRefs, error) {
	r := rescueRefs{stations: map[string]bool{}, districts: map[string]bool{}}
	for _, q := range []struct {
		sql string
		set map[string]bool
	}{{`SELECT id FROM units WHERE kind = 'rescue_station'`, r.stations}, {`SELECT id FROM districts`, r.districts}} {
		rows, err := s.reads.QueryContext(ctx, q.sql)
		if err != nil {
			return r, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return r, err
			}
			q.set[id] = true
		}
		if err := rows.Close(); err != nil {
			return r, err
		}
	}
	return r, nil
}

// rescueAt returns err, the error of the row at index i, with "Index" in
// its Args and its field kept.
func rescueAt(i int, err error) error {
	args := map[string]any{"Index": i}
	for k, v := range sotepe.ErrorArgs(err) {
		args[k] = v
	}
	return &sotepe.Error{Code: sotepe.EInvalid, Key: sotepe.ErrorKey(err), Args: args, Field: sotepe.ErrorField(err),
		Message: "row " + strconv.Itoa(i) + ": " + err.Error()}
}

func (r rescueRefs) station(id string) error {
	if !r.stations[id] {
		return sotepe.InvalidField("station", "error.rescue_station", "not a rescue station")
	}
	return nil
}

// localDay is the day of t in the city's time zone.
func (s *Store) localDay(t time.Time) string { return t.In(s.zone).Format(time.DateOnly) }

func timeArgs(t sotepe.RescueTimes) []any {
	return []any{micros(t.CallAt), micros(t.AlarmAt), micros(t.DepartedAt), micros(t.OnSceneAt), micros(t.ClearedAt)}
}

func responseSeconds(t sotepe.RescueTimes) int64 { return int64(t.ResponseTime() / time.Second) }

const (
	missionCols    = `external_id, station_id, accident_type, urgency, risk_class, district, call_at, alarm_at, departed_at, on_scene_at, cleared_at, day, response_s`
	runCols        = `external_id, station_id, urgency, call_at, alarm_at, departed_at, on_scene_at, cleared_at, day, response_s`
	inspectionCols = `external_id, station_id, address, inspected_on, findings, notes, reinspect_on`
)

// AddRescueMissions stores missions whole or nothing; see
// sotepe.RescueStore. An empty batch adds nothing.
func (s *Store) AddRescueMissions(ctx context.Context, ms []sotepe.RescueMission) (sotepe.EventResult, error) {
	return addRescueRows(ctx, s, "add missions", "rescue_missions", missionCols, ms, func(refs rescueRefs, m sotepe.RescueMission) ([]any, error) {
		if err := refs.station(m.StationID); err != nil {
			return nil, err
		}
		if m.District != "" && !refs.districts[m.District] {
			return nil, sotepe.InvalidField("district", "error.rescue_district", "unknown district")
		}
		return append(append([]any{m.ExternalID, m.StationID, string(m.Type), string(m.Urgency), string(m.RiskClass), m.District},
			timeArgs(m.RescueTimes)...), s.localDay(m.CallAt), responseSeconds(m.RescueTimes)), nil
	})
}

// AddEmergencyRuns stores runs whole or nothing; see sotepe.RescueStore.
func (s *Store) AddEmergencyRuns(ctx context.Context, rs []sotepe.EmergencyRun) (sotepe.EventResult, error) {
	return addRescueRows(ctx, s, "add runs", "emergency_runs", runCols, rs, func(refs rescueRefs, r sotepe.EmergencyRun) ([]any, error) {
		if err := refs.station(r.StationID); err != nil {
			return nil, err
		}
		return append(append([]any{r.ExternalID, r.StationID, string(r.Urgency)}, timeArgs(r.RescueTimes)...),
			s.localDay(r.CallAt), responseSeconds(r.RescueTimes)), nil
	})
}

// AddFireInspections stores inspections whole or nothing; see
// sotepe.RescueStore.
func (s *Store) AddFireInspections(ctx context.Context, fs []sotepe.FireInspection) (sotepe.EventResult, error) {
	return addRescueRows(ctx, s, "add inspections", "fire_inspections", inspectionCols, fs, func(refs rescueRefs, f sotepe.FireInspection) ([]any, error) {
		if err := refs.station(f.StationID); err != nil {
			return nil, err
		}
		return []any{f.ExternalID, f.StationID, f.Address, f.InspectedOn, f.Findings, f.Notes, nullString(f.ReinspectOn)}, nil
	})
}

// addRescueRows validates each of items and makes its row with row, which
// checks it against the references first; the first bad item fails the
// batch, named by its index (rescueAt). The rows are inserted as
// insertRescueRows does.
func addRescueRows[T interface{ Validate() error }](ctx context.Context, s *Store, op, table, cols string, items []T,
	row func(refs rescueRefs, item T) ([]any, error)) (sotepe.EventResult, error) {
	refs, err := s.loadRescueRefs(ctx)
	if err != nil {
		return sotepe.EventResult{}, s.fail(op+": refs", err)
	}
	rows := make([][]any, len(items))
	for i, item := range items {
		if err := item.Validate(); err != nil {
			return sotepe.EventResult{}, rescueAt(i, err)
		}
		if rows[i], err = row(refs, item); err != nil {
			return sotepe.EventResult{}, rescueAt(i, err)
		}
	}
	return s.insertRescueRows(ctx, op, table, cols, rows)
}

func (s *Store) insertRescueRows(ctx context.Context, op, table, cols string, rows [][]any) (sotepe.EventResult, error) {
	var res sotepe.EventResult
	if len(rows) == 0 {
		return res, nil
	}
	n := len(rows[0])
	per := 30000 / n / 100 * 100
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		for start := 0; start < len(rows); start += per {
			end := min(start+per, len(rows))
			var b strings.Builder
			b.WriteString(`INSERT INTO ` + table + ` (` + cols + `) VALUES `)
			args := make([]any, 0, (end-start)*n)
			for i := start; i < end; i++ {
				if i > start {
					b.WriteString(", ")
				}
				b.WriteString("(" + s.dialect.rowParams(len(args)+1, n) + ")")
				args = append(args, rows[i]...)
			}
			b.WriteString(` ON CONFLICT (external_id) DO NOTHING`)
			r, err := tx.ExecContext(ctx, b.String(), args...)
			if err != nil {
				return err
			}
			added, err := r.RowsAffected()
			if err != nil {
				return err
			}
			res.Added += int(added)
		}
		return nil
	})
	if err != nil {
		return sotepe.EventResult{}, err
	}
	res.Duplicates = len(rows) - res.Added
	return res, nil
}

// RescueMissions returns a page of the missions f keeps, the latest call
// first; see sotepe.RescueStore.
func (s *Store) RescueMissions(ctx context.Context, f sotepe.RescueMissionFilter, p sotepe.PageRequest) (sotepe.Page[sotepe.RescueMission], error) {
	out := sotepe.Page[sotepe.RescueMission]{Items: []sotepe.RescueMission{}}
	p, err := p.Normalize()
	if err != nil {
		return out, err
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.From != "" {
		add("day >= ?", f.From)
	}
	if f.To != "" {
		add("day <= ?", f.To)
	}
	if f.Station != "" {
		add("station_id = ?", f.Station)
	}
	if f.RiskClass != "" {
		add("risk_class = ?", string(f.RiskClass))
	}
	if f.Urgency != "" {
		add("urgency = ?", string(f.Urgency))
	}
	if f.Type != "" {
		add("accident_type = ?", string(f.Type))
	}
	if p.Cursor != "" {
		at, id, err := decodeAccessCursor(p.Cursor)
		if err != nil {
			return out, err
		}
		args = append(args, at, id)
		n := len(args)
		where = append(where, "(call_at < $"+strconv.Itoa(n-1)+" OR (call_at = $"+strconv.Itoa(n-1)+" AND id < $"+strconv.Itoa(n)+"))")
	}
	q := `SELECT id, ` + missionCols + ` FROM rescue_missions`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	args = append(args, p.Limit+1)
	q += ` ORDER BY call_at DESC, id DESC LIMIT ` + limitParam(len(args))
	rows, err := s.reads.QueryContext(ctx, q, args...)
	if err != nil {
		return out, s.fail("rescue missions", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m sotepe.RescueMission
		var t [5]int64
		var day string
		var resp int64
		if err := rows.Scan(&m.ID, &m.ExternalID, &m.StationID, &m.Type, &m.Urgency, &m.RiskClass, &m.District,
			&t[0], &t[1], &t[2], &t[3], &t[4], &day, &resp); err != nil {
			return out, s.fail("rescue missions: scan", err)
		}
		m.RescueTimes = sotepe.RescueTimes{CallAt: fromMicros(t[0]), AlarmAt: fromMicros(t[1]), DepartedAt: fromMicros(t[2]),
			OnSceneAt: fromMicros(t[3]), ClearedAt: fromMicros(t[4])}
		out.Items = append(out.Items, m)
	}
	if err := rows.Err(); err != nil {
		return out, s.fail("rescue missions", err)
	}
	if len(out.Items) > p.Limit {
		out.Items = out.Items[:p.Limit]
		last := out.Items[p.Limit-1]
		out.NextCursor = encodeAccessCursor(micros(last.CallAt), last.ID)
	}
	return out, nil
}

// FireInspections returns a page of the inspections f keeps: with DueBy
// those due for re-inspection by then, soonest first, else the latest
// inspections first; see sotepe.RescueStore.
func (s *Store) FireInspections(ctx context.Context, f sotepe.InspectionFilter, p sotepe.PageRequest) (sotepe.Page[sotepe.FireInspection], error) {
	out := sotepe.Page[sotepe.FireInspection]{Items: []sotepe.FireInspection{}}
	p, err := p.Normalize()
	if err != nil {
		return out, err
	}
	offset := 0
	if p.Cursor != "" {
		if offset, err = strconv.Atoi(p.Cursor); err != nil || offset < 0 {
			return out, sotepe.Invalid("error.cursor", "malformed cursor")
		}
	}
	var where []string
	var args []any
	if f.Station != "" {
		args = append(args, f.Station)
		where = append(where, "station_id = $"+strconv.Itoa(len(args)))
	}
	order := ` ORDER BY inspected_on DESC, id DESC`
	if f.DueBy != "" {
		args = append(args, f.DueBy)
		where = append(where, "reinspect_on IS NOT NULL AND reinspect_on <= $"+strconv.Itoa(len(args)))
		order = ` ORDER BY reinspect_on, id`
	}
	q := `SELECT id, ` + inspectionCols + ` FROM fire_inspections`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	args = append(args, p.Limit+1, offset)
	q += order + ` LIMIT ` + limitParam(len(args)-1) + ` OFFSET CAST($` + strconv.Itoa(len(args)) + ` AS INTEGER)`
	rows, err := s.reads.QueryContext(ctx, q, args...)
	if err != nil {
		return out, s.fail("fire inspections", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f sotepe.FireInspection
		var re sql.NullString
		if err := rows.Scan(&f.ID, &f.ExternalID, &f.StationID, &f.Address, &f.InspectedOn, &f.Findings, &f.Notes, &re); err != nil {
			return out, s.fail("fire inspections: scan", err)
		}
		f.ReinspectOn = re.String
		out.Items = append(out.Items, f)
	}
	if err := rows.Err(); err != nil {
		return out, s.fail("fire inspections", err)
	}
	if len(out.Items) > p.Limit {
		out.Items = out.Items[:p.Limit]
		out.NextCursor = strconv.Itoa(offset + p.Limit)
	}
	return out, nil
}

// rescueWhere returns the table of the missions (runs when runs is set)
// and the conditions and arguments that keep what q keeps.
func rescueWhere(q sotepe.RescueQuery, runs bool) (table, where string, args []any) {
	args = []any{q.From, q.To}
	conds := []string{"day >= $1", "day <= $2"}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		var ps []string
		for _, v := range vals {
			args = append(args, v)
			ps = append(ps, "$"+strconv.Itoa(len(args)))
		}
		conds = append(conds, col+" IN ("+strings.Join(ps, ", ")+")")
	}
	in("station_id", q.Stations)
	in("urgency", strs(q.Urgencies))
	table = "emergency_runs"
	if !runs {
		in("risk_class", strs(q.RiskClasses))
		in("accident_type", strs(q.Types))
		table = "rescue_missions"
	}
	return table, strings.Join(conds, " AND "), args
}

// RescueMonthCounts counts the missions (or runs) q keeps by station and
// month; see sotepe.RescueStore.
func (s *Store) RescueMonthCounts(ctx context.Context, q sotepe.RescueQuery, runs bool) ([]sotepe.RescueMonthCount, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	table, where, args := rescueWhere(q, runs)
	rows, err := s.reads.QueryContext(ctx, `SELECT station_id, substr(day, 1, 7), COUNT(*) FROM `+table+
		` WHERE `+where+` GROUP BY station_id, substr(day, 1, 7)`, args...)
	if err != nil {
		return nil, s.fail("rescue month counts", err)
	}
	defer rows.Close()
	out := []sotepe.RescueMonthCount{}
	for rows.Next() {
		var c sotepe.RescueMonthCount
		if err := rows.Scan(&c.Station, &c.Month, &c.Count); err != nil {
			return nil, s.fail("rescue month counts: scan", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("rescue month counts", err)
	}
	return out, nil
}

// RescueResponses returns what the figures need of the missions (or runs)
// q keeps; see sotepe.RescueStore.
func (s *Store) RescueResponses(ctx context.Context, q sotepe.RescueQuery, runs bool) ([]sotepe.RescueResponse, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	table, where, args := rescueWhere(q, runs)
	cols := `station_id, '', '', urgency, '', day, response_s`
	if !runs {
		cols = `station_id, district, accident_type, urgency, risk_class, day, response_s`
	}
	rows, err := s.reads.QueryContext(ctx, `SELECT `+cols+` FROM `+table+` WHERE `+where, args...)
	if err != nil {
		return nil, s.fail("rescue responses", err)
	}
	defer rows.Close()
	out := []sotepe.RescueResponse{}
	for rows.Next() {
		var r sotepe.RescueResponse
		if err := rows.Scan(&r.Station, &r.District, &r.Type, &r.Urgency, &r.RiskClass, &r.Day, &r.Seconds); err != nil {
			return nil, s.fail("rescue responses: scan", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("rescue responses", err)
	}
	return out, nil
}

func strs[T ~string](v []T) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = string(x)
	}
	return out
}

// RescueCounts returns the missions, spills, runs and inspections of the
// days from to to; see sotepe.RescueStore.
func (s *Store) RescueCounts(ctx context.Context, from, to string) (sotepe.RescueCounts, error) {
	var c sotepe.RescueCounts
	err := s.reads.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM rescue_missions WHERE day >= $1 AND day <= $2),
		(SELECT COUNT(*) FROM rescue_missions WHERE day >= $1 AND day <= $2 AND accident_type = 'chemical_or_oil_spill'),
		(SELECT COUNT(*) FROM emergency_runs WHERE day >= $1 AND day <= $2),
		(SELECT COUNT(*) FROM fire_inspections WHERE inspected_on >= $1 AND inspected_on <= $2)`, from, to).
		Scan(&c.Missions, &c.Spills, &c.Runs, &c.Inspections)
	if err != nil {
		return c, s.fail("rescue counts", err)
	}
	return c, nil
}

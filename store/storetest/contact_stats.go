package storetest

import (
	"cmp"
	"context"
	"database/sql"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"sotepe"
)

// wallTime stands in for the working-day calendar in the store's tests: the
// elapsed time, which makes the expected seconds plain.
func wallTime(from, to time.Time) time.Duration { return max(to.Sub(from), 0) }

// sortedRows orders rows by period and key and each row's working seconds,
// so that two results compare with reflect.DeepEqual.
func sortedRows(rows []sotepe.ContactStatsRow) []sotepe.ContactStatsRow {
	out := slices.Clone(rows)
	for i := range out {
		out[i].AnswerSeconds = slices.Clone(out[i].AnswerSeconds)
		slices.Sort(out[i].AnswerSeconds)
		if len(out[i].AnswerSeconds) == 0 {
			out[i].AnswerSeconds = nil
		}
	}
	slices.SortFunc(out, func(a, b sotepe.ContactStatsRow) int {
		return cmp.Or(cmp.Compare(a.Period, b.Period), cmp.Compare(a.Key, b.Key))
	})
	return out
}

func statsRows(t testing.TB, s Store, q sotepe.ContactStatsQuery) []sotepe.ContactStatsRow {
	t.Helper()
	if q.WorkingTime == nil {
		q.WorkingTime = wallTime
	}
	if q.Interval == "" {
		q.Interval = sotepe.IntervalDay
	}
	rows, err := s.ContactStatsRows(context.Background(), q)
	must(t, err)
	return sortedRows(rows)
}

// testContactStatsRows builds requests of every outcome and checks the
// figures by key and day, week and month, as the roll-up holds them and,
// before the working times are filled, as they are computed from the
// requests.
func testContactStatsRows(t *testing.T, s Store) {
	f := seedContacts(t, s)
	t0 := f.t0 // Monday 3 June 2024, 12:30 in Helsinki
	staff := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	create := func(unit, service string, channel sotepe.Channel, received, due time.Time) int64 {
		r := portal(f.withAccount.ID, service, unit, received, due)
		r.Channel = channel
		stored, _, err := s.CreateContactRequest(residentCtx(f.account), r, "")
		must(t, err)
		return stored.ID
	}
	answer := func(id int64, at time.Time, status sotepe.ContactStatus) {
		_, err := s.AddMessage(staff, id, sotepe.Message{AuthorID: f.nurse.ID, FromStaff: true, Body: "vastaus", At: at}, status)
		must(t, err)
	}
	h := time.Hour
	a := create(kallio, "nurse", sotepe.ChannelPortal, t0, t0.Add(48*h))
	answer(a, t0.Add(h), sotepe.StatusAnswered) // in time, 1 h
	b := create(kallio, "nurse", sotepe.ChannelPhone, t0.Add(10*time.Minute), t0.Add(48*h))
	answer(b, t0.Add(10*time.Minute+2*h), sotepe.StatusAnswered) // in time, 2 h
	c := create(kallio, "dental", sotepe.ChannelPortal, t0.Add(20*time.Minute), t0.Add(5*h))
	answer(c, t0.Add(20*time.Minute+10*h), sotepe.StatusAnswered)                       // late, 10 h
	create(vuosaari, "dental", sotepe.ChannelPortal, t0.Add(30*time.Minute), t0.Add(h)) // open past due: missed
	e := create(kallio, "nurse", sotepe.ChannelPortal, t0.Add(40*time.Minute), t0.Add(48*h))
	_, err := s.AddMessage(staff, e, sotepe.Message{FromStaff: true, Internal: true, Body: "muistio", At: t0.Add(50 * time.Minute)}, sotepe.StatusInProgress)
	must(t, err) // open, not due: no outcome yet
	fID := create(kallio, "nurse", sotepe.ChannelPortal, t0.Add(50*time.Minute), t0.Add(h))
	must(t, s.CloseContactRequest(staff, fID, sotepe.ResolutionNoContact, t0.Add(2*h))) // closed unanswered after due: missed
	g := create(kallio, "dental", sotepe.ChannelPortal, t0.Add(55*time.Minute), t0.Add(48*h))
	must(t, s.CloseContactRequest(staff, g, sotepe.ResolutionAppointment, t0.Add(h))) // closed unanswered before due: no outcome
	hID := create(kallio, "nurse", sotepe.ChannelPortal, t0.Add(24*h), t0.Add(72*h))
	answer(hID, t0.Add(24*h+30*time.Minute), sotepe.StatusWaiting)          // answered in time, 30 min, open
	create(kallio, "nurse", sotepe.ChannelPortal, t0.Add(-72*h), t0.Add(h)) // Friday 31 May: before every selection

	q := sotepe.ContactStatsQuery{From: "2024-06-03", To: "2024-06-04", Dim: sotepe.DimUnit, Now: t0.Add(3 * h)}
	day := func(d, key string, received, answered, inTime, missed, missedUnanswered, backlog int64, secs ...int32) sotepe.ContactStatsRow {
		if len(secs) == 0 {
			secs = nil
		}
		return sotepe.ContactStatsRow{Period: d, Key: key, Received: received, Answered: answered, AnsweredInTime: inTime,
			Missed: missed, MissedUnanswered: missedUnanswered, OpenBacklog: backlog, AnswerSeconds: secs}
	}
	byUnit := []sotepe.ContactStatsRow{
		day("2024-06-03", kallio, 6, 3, 2, 2, 1, 1, 3600, 7200, 36000),
		day("2024-06-03", vuosaari, 1, 0, 0, 1, 1, 1),
		day("2024-06-04", kallio, 1, 1, 1, 0, 0, 1, 1800),
	}
	byService := []sotepe.ContactStatsRow{
		day("2024-06-03", "dental", 3, 1, 0, 2, 1, 1, 36000),
		day("2024-06-03", "nurse", 4, 2, 2, 1, 1, 1, 3600, 7200),
		day("2024-06-04", "nurse", 1, 1, 1, 0, 0, 1, 1800),
	}
	kallioByService := []sotepe.ContactStatsRow{
		day("2024-06-03", "dental", 2, 1, 0, 1, 0, 0, 36000),
		day("2024-06-03", "nurse", 4, 2, 2, 1, 1, 1, 3600, 7200),
		day("2024-06-04", "nurse", 1, 1, 1, 0, 0, 1, 1800),
	}
	kallioByChannel := []sotepe.ContactStatsRow{
		day("2024-06-03", "phone", 1, 1, 1, 0, 0, 0, 7200),
		day("2024-06-03", "portal", 5, 2, 1, 2, 1, 1, 3600, 36000),
		day("2024-06-04", "portal", 1, 1, 1, 0, 0, 1, 1800),
	}
	// The same by week and by month: one period, which the roll-up
	// reads at the day level (the selection cuts both short) and,
	// for whole periods, at theirs.
	merged := func(period string, rows ...sotepe.ContactStatsRow) []sotepe.ContactStatsRow {
		byKey := map[string]*sotepe.ContactStatsRow{}
		var keys []string
		for _, r := range rows {
			m := byKey[r.Key]
			if m == nil {
				m = &sotepe.ContactStatsRow{Key: r.Key, Period: period}
				byKey[r.Key] = m
				keys = append(keys, r.Key)
			}
			m.Received += r.Received
			m.Answered += r.Answered
			m.AnsweredInTime += r.AnsweredInTime
			m.Missed += r.Missed
			m.MissedUnanswered += r.MissedUnanswered
			m.OpenBacklog += r.OpenBacklog
			m.AnswerSeconds = append(m.AnswerSeconds, r.AnswerSeconds...)
		}
		var out []sotepe.ContactStatsRow
		for _, k := range keys {
			out = append(out, *byKey[k])
		}
		return sortedRows(out)
	}
	check := func(stage string) {
		t.Helper()
		for _, tc := range []struct {
			name     string
			interval sotepe.StatsInterval
			from, to string
			want     []sotepe.ContactStatsRow
		}{
			{"week cut short", sotepe.IntervalWeek, "2024-06-03", "2024-06-04", merged("2024-W23", byUnit...)},
			{"whole weeks", sotepe.IntervalWeek, "2024-06-03", "2024-06-16", merged("2024-W23", byUnit...)},
			{"month cut short", sotepe.IntervalMonth, "2024-06-02", "2024-06-29", merged("2024-06", byUnit...)},
			{"whole months", sotepe.IntervalMonth, "2024-06-01", "2024-07-31", merged("2024-06", byUnit...)},
		} {
			q := q
			q.Interval, q.From, q.To = tc.interval, tc.from, tc.to
			if got := statsRows(t, s, q); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s, %s:\n got %+v\nwant %+v", stage, tc.name, got, tc.want)
			}
		}
		for _, tc := range []struct {
			name  string
			dim   sotepe.StatsDim
			units []string
			want  []sotepe.ContactStatsRow
		}{
			{"unit", sotepe.DimUnit, nil, byUnit},
			{"unit, kallio only", sotepe.DimUnit, []string{kallio, kallio}, []sotepe.ContactStatsRow{byUnit[0], byUnit[2]}},
			{"service", sotepe.DimService, nil, byService},
			{"service, kallio only", sotepe.DimService, []string{kallio}, kallioByService},
			{"channel, kallio only", sotepe.DimChannel, []string{kallio}, kallioByChannel},
			{"no units", sotepe.DimUnit, []string{}, []sotepe.ContactStatsRow{}},
		} {
			q := q
			q.Dim, q.Units = tc.dim, tc.units
			if got := statsRows(t, s, q); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s, %s:\n got %+v\nwant %+v", stage, tc.name, got, tc.want)
			}
		}
	}
	check("before filling")
	n, err := s.FillAnswerWorkingSeconds(context.Background(), 100, wallTime)
	must(t, err)
	if n != 4 {
		t.Fatalf("filled %d working times, want 4", n)
	}
	if n, _ := s.FillAnswerWorkingSeconds(context.Background(), 100, wallTime); n != 0 {
		t.Fatalf("a second fill filled %d", n)
	}
	if got := count(t, s, `SELECT answer_seconds FROM contact_requests WHERE id = $1`, c); got != 36000 {
		t.Fatalf("stored working time %d, want 36000", got)
	}
	check("from the roll-up")
	// The roll-up holds the lists now: a working time that the query
	// would compute differently is not used.
	q.WorkingTime = func(from, to time.Time) time.Duration { return time.Hour * 1000 }
	if got := statsRows(t, s, q); !reflect.DeepEqual(got, byUnit) {
		t.Errorf("the filled working times were recomputed: %+v", got)
	}
	// The same day, another point of view: the channel, every unit.
	q.Dim = sotepe.DimChannel
	got := statsRows(t, s, q)
	if len(got) != 3 || got[1].Key != "portal" || got[1].Received != 6 || got[1].Missed != 3 || got[1].OpenBacklog != 2 {
		t.Errorf("by channel: %+v", got)
	}

	// The summary of kallio's first day: the hand-computed example.
	sum := sotepe.SummarizeContactStats(byUnit[:1], []string{"2024-06-03"}, func(k string) string { return k })
	tot := sum.Totals
	if *tot.ShareInTime != 0.5 || *tot.MedianHours != 2 || *tot.P90Hours != 8.4 || tot.Missed != 2 || tot.OpenBacklog != 1 {
		t.Errorf("kallio's day: share %v, median %v, p90 %v, %+v", *tot.ShareInTime, *tot.MedianHours, *tot.P90Hours, tot)
	}

	_, err = s.ContactStatsRows(context.Background(), sotepe.ContactStatsQuery{From: "2024-06-03", To: "2024-6-4", Dim: sotepe.DimUnit, Interval: sotepe.IntervalDay, WorkingTime: wallTime})
	wantKey(t, err, sotepe.EInvalid, "error.date")
	_, err = s.ContactStatsRows(context.Background(), sotepe.ContactStatsQuery{From: "2024-06-03", To: "2024-06-04", Dim: "area", Interval: sotepe.IntervalDay, WorkingTime: wallTime})
	wantKey(t, err, sotepe.EInvalid, "error.stats_group_by")
	_, err = s.FillAnswerWorkingSeconds(context.Background(), 0, wallTime)
	wantKey(t, err, sotepe.EInvalid, "error.invalid")
}

// testContactStatsLocalDay checks that requests received around midnight
// and around the changes to and from summer time count on their day in
// Helsinki.
func testContactStatsLocalDay(t *testing.T, s Store) {
	f := seedContacts(t, s)
	instants := []time.Time{
		time.Date(2026, 3, 28, 21, 59, 59, 999999000, time.UTC), // Saturday 23:59:59.999999 EET
		time.Date(2026, 3, 28, 22, 0, 0, 0, time.UTC),           // Sunday 00:00 EET
		time.Date(2026, 3, 29, 0, 59, 59, 0, time.UTC),          // 02:59:59 EET, a second before the change
		time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC),            // 04:00 EEST
		time.Date(2026, 6, 30, 20, 59, 59, 999999000, time.UTC), // 23:59:59.999999 EEST
		time.Date(2026, 6, 30, 21, 0, 0, 0, time.UTC),           // 1 July 00:00 EEST
		time.Date(2026, 10, 24, 20, 59, 59, 0, time.UTC),        // Saturday 23:59:59 EEST
		time.Date(2026, 10, 24, 21, 0, 0, 0, time.UTC),          // Sunday 00:00 EEST
		time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC),          // 03:30 EEST, the first time
		time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC),          // 03:30 EET, the second
		time.Date(2026, 10, 25, 21, 59, 59, 0, time.UTC),        // Sunday 23:59:59 EET
		time.Date(2026, 10, 25, 22, 0, 0, 0, time.UTC),          // Monday 00:00 EET
	}
	want := map[string]int64{}
	for _, at := range instants {
		_, _, err := s.CreateContactRequest(residentCtx(f.account), portal(f.withAccount.ID, "nurse", kallio, at, at.Add(time.Hour)), "")
		must(t, err)
		want[at.In(helsinki).Format(time.DateOnly)]++
	}
	got := map[string]int64{}
	for _, d := range statsRows(t, s, sotepe.ContactStatsQuery{From: "2026-03-01", To: "2026-10-31", Dim: sotepe.DimUnit, Now: instants[0]}) {
		got[d.Period] += d.Received
		if d.OpenBacklog != d.Received {
			t.Errorf("%s: backlog %d of %d open requests", d.Period, d.OpenBacklog, d.Received)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("days %v, want %v", got, want)
	}
	// The first and last day of a period hold exactly their requests.
	days := statsRows(t, s, sotepe.ContactStatsQuery{From: "2026-03-29", To: "2026-03-29", Dim: sotepe.DimUnit, Now: instants[0]})
	if len(days) != 1 || days[0].Received != 3 || days[0].OpenBacklog != 3 {
		t.Fatalf("29 March: %+v", days)
	}
}

// foldAll folds the whole log of changes into the roll-up.
func foldAll(t testing.TB, s Store) {
	t.Helper()
	for {
		n, err := s.FoldContactStats(context.Background(), 20000)
		must(t, err)
		if n == 0 {
			return
		}
	}
}

// statsOracle computes the figures of q straight from every stored request,
// as the definitions in sotepe.ContactStats read.
func statsOracle(t testing.TB, s Store, q sotepe.ContactStatsQuery) []sotepe.ContactStatsRow {
	t.Helper()
	col := statsKeyColumn(q.Dim)
	rows, err := s.ReaderDB().QueryContext(context.Background(), `SELECT received_at, unit_id, `+col+`, status, due_at, first_answered_at, closed_at, answer_seconds FROM contact_requests`)
	must(t, err)
	defer rows.Close()
	m := map[[2]string]*sotepe.ContactStatsRow{}
	for rows.Next() {
		var received, due int64
		var unit, key, status string
		var answered, closed, secs sql.NullInt64
		must(t, rows.Scan(&received, &unit, &key, &status, &due, &answered, &closed, &secs))
		day := fromMicros(received).In(helsinki).Format(time.DateOnly)
		if day < q.From || day > q.To || q.Units != nil && !slices.Contains(q.Units, unit) {
			continue
		}
		d, _ := time.Parse(time.DateOnly, day)
		period := q.Interval.Period(d)
		e := m[[2]string{period, key}]
		if e == nil {
			e = &sotepe.ContactStatsRow{Period: period, Key: key}
			m[[2]string{period, key}] = e
		}
		e.Received++
		open := sotepe.ContactStatus(status).Open()
		if open {
			e.OpenBacklog++
		}
		switch {
		case answered.Valid:
			e.Answered++
			if answered.Int64 <= due {
				e.AnsweredInTime++
			} else {
				e.Missed++
			}
			v := int64(workingSeconds(wallTime(fromMicros(received), fromMicros(answered.Int64))))
			if secs.Valid {
				v = secs.Int64
			}
			e.AnswerSeconds = append(e.AnswerSeconds, int32(v))
		case open && due < micros(q.Now), status == "closed" && closed.Int64 > due:
			e.Missed++
			e.MissedUnanswered++
		}
	}
	must(t, rows.Err())
	out := []sotepe.ContactStatsRow{}
	for _, e := range m {
		out = append(out, *e)
	}
	return sortedRows(out)
}

// testContactStatsRollupMatchesRequests changes requests at random, through
// the store and behind its back (a move to another unit, a changed working
// time, a deletion), and checks after each round that the roll-up gives
// what the requests themselves give.
func testContactStatsRollupMatchesRequests(t *testing.T, s Store) {
	f := seedContacts(t, s)
	ctx := context.Background()
	staff := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	rnd := rand.New(rand.NewPCG(1, 2))
	// Around the end of summer time in 2024 (27 October) and the turn
	// of the month, over weeks cut short and whole.
	base := time.Date(2024, 10, 19, 20, 0, 0, 0, time.UTC)
	s.Clock.Set(base.Add(480 * time.Hour))
	units := []string{kallio, vuosaari}
	services := map[string][]string{kallio: {"nurse", "dental"}, vuosaari: {"dental"}}
	var ids []int64
	for round := range 6 {
		for range 15 {
			unit := units[rnd.IntN(2)]
			received := base.Add(time.Duration(rnd.Int64N(int64(460 * time.Hour))))
			r := portal(f.withAccount.ID, services[unit][rnd.IntN(len(services[unit]))], unit, received, received.Add(time.Duration(rnd.IntN(10)+1)*time.Hour))
			r.Channel = []sotepe.Channel{sotepe.ChannelPortal, sotepe.ChannelPhone, sotepe.ChannelChat}[rnd.IntN(3)]
			stored, _, err := s.CreateContactRequest(residentCtx(f.account), r, "")
			must(t, err)
			ids = append(ids, stored.ID)
		}
		for _, id := range ids {
			var received int64
			var status string
			must(t, s.DB().QueryRowContext(ctx, `SELECT received_at, status FROM contact_requests WHERE id = $1`, id).Scan(&received, &status))
			if status == "closed" {
				continue
			}
			at := fromMicros(received).Add(time.Duration(rnd.Int64N(int64(12 * time.Hour))))
			switch rnd.IntN(6) {
			case 0:
				_, err := s.AddMessage(staff, id, sotepe.Message{FromStaff: true, Body: "vastaus", At: at}, sotepe.StatusAnswered)
				must(t, err)
			case 1:
				_, err := s.AddMessage(staff, id, sotepe.Message{FromStaff: true, Body: "kysymys", At: at}, sotepe.StatusWaiting)
				must(t, err)
			case 2:
				_, err := s.AddMessage(residentCtx(f.account), id, sotepe.Message{Body: "lisäys", At: at}, sotepe.StatusInProgress)
				must(t, err)
			case 3:
				must(t, s.CloseContactRequest(staff, id, sotepe.ResolutionAnswered, at))
			}
		}
		_, err := s.FillAnswerWorkingSeconds(ctx, 7, wallTime)
		must(t, err)
		// Behind the store's back: a request moves to the other unit,
		// a stored working time changes, a request goes.
		id := ids[rnd.IntN(len(ids))]
		_, err = s.DB().ExecContext(ctx, `UPDATE contact_requests SET unit_id = CASE unit_id WHEN $2 THEN $3 ELSE $2 END, service_id = 'dental' WHERE id = $1`, id, kallio, vuosaari)
		must(t, err)
		_, err = s.DB().ExecContext(ctx, `UPDATE contact_requests SET answer_seconds = answer_seconds + 1
			WHERE id = (SELECT MIN(id) FROM contact_requests WHERE answer_seconds IS NOT NULL AND id > $1)`, ids[rnd.IntN(len(ids))])
		must(t, err)
		if round%2 == 1 {
			gone := ids[rnd.IntN(len(ids))]
			_, err = s.DB().ExecContext(ctx, `DELETE FROM contact_requests WHERE id = $1`, gone)
			must(t, err)
			ids = slices.DeleteFunc(ids, func(id int64) bool { return id == gone })
		}
		// Part of the log folded, or none, or all: the figures are the
		// same whatever is folded.
		switch round % 3 {
		case 1:
			_, err := s.FoldContactStats(ctx, 1+rnd.IntN(40))
			must(t, err)
		case 2:
			if round%2 == 0 {
				foldAll(t, s)
			} else {
				// One transaction folds the whole log.
				_, err := s.FoldAllContactStats(ctx)
				must(t, err)
				if n := count(t, s, `SELECT COUNT(*) FROM contact_stats_changes`); n != 0 {
					t.Fatalf("round %d: %d changes left after folding all", round, n)
				}
			}
		}
		for _, dim := range []sotepe.StatsDim{sotepe.DimUnit, sotepe.DimService, sotepe.DimChannel} {
			for _, scope := range [][]string{nil, {kallio}, {vuosaari, kallio}} {
				for _, sel := range []struct {
					interval sotepe.StatsInterval
					from, to string
				}{
					{sotepe.IntervalDay, "2024-10-26", "2024-10-28"},
					{sotepe.IntervalWeek, "2024-10-22", "2024-11-05"}, // cut short at both ends
					{sotepe.IntervalWeek, "2024-10-21", "2024-11-03"}, // whole weeks
					{sotepe.IntervalMonth, "2024-10-25", "2024-11-06"},
					{sotepe.IntervalMonth, "2024-10-01", "2024-11-30"},
				} {
					q := sotepe.ContactStatsQuery{From: sel.from, To: sel.to, Dim: dim, Interval: sel.interval, Units: scope, Now: s.Clock.Now().Add(-200 * time.Hour)}
					got, want := statsRows(t, s, q), statsOracle(t, s, q)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("round %d, %s, units %v, %v:\n got %+v\nwant %+v", round, dim, scope, sel, got, want)
					}
				}
			}
		}
	}
	// Folded whole, the log is empty and no roll-up row is left with
	// negative counts or a stray value.
	foldAll(t, s)
	if n := count(t, s, `SELECT COUNT(*) FROM contact_stats_changes`); n != 0 {
		t.Fatalf("%d changes left after folding everything", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM contact_stats WHERE received < 0 OR answered < 0 OR in_time < 0 OR missed_closed < 0 OR backlog < 0 OR backlog > received OR (received = 0 AND seconds <> '')`); n != 0 {
		t.Fatalf("%d roll-up rows out of balance", n)
	}
}

// testContactStatsBacklogMigration checks migration 00017, which moves the
// backlog into the roll-up, over requests stored before it: taken back to
// the schema before it and brought up again, with requests stored and
// changed on both sides and part of the log folded, the roll-up gives what
// the requests themselves give.
func testContactStatsBacklogMigration(t *testing.T, s Store) {
	f := seedContacts(t, s)
	ctx := context.Background()
	staff := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	base := time.Date(2024, 10, 1, 8, 0, 0, 0, time.UTC)
	s.Clock.Set(base.Add(200 * time.Hour))
	// Requests of both units, every third answered, every fifth closed;
	// the rest open, some of them past due.
	store := func(n int) []int64 {
		var ids []int64
		for i := range n {
			unit := []string{kallio, vuosaari}[i%2]
			received := base.Add(time.Duration(i) * 7 * time.Hour)
			r, _, err := s.CreateContactRequest(residentCtx(f.account), portal(f.withAccount.ID, "dental", unit, received, received.Add(48*time.Hour)), "")
			must(t, err)
			ids = append(ids, r.ID)
			switch {
			case i%5 == 0:
				must(t, s.CloseContactRequest(staff, r.ID, sotepe.ResolutionAnswered, received.Add(72*time.Hour)))
			case i%3 == 0:
				_, err := s.AddMessage(staff, r.ID, sotepe.Message{FromStaff: true, Body: "vastaus", At: received.Add(time.Hour)}, sotepe.StatusAnswered)
				must(t, err)
			}
		}
		return ids
	}
	check := func(when string) {
		t.Helper()
		for _, dim := range []sotepe.StatsDim{sotepe.DimUnit, sotepe.DimChannel} {
			for _, scope := range [][]string{nil, {vuosaari}} {
				for _, interval := range []sotepe.StatsInterval{sotepe.IntervalDay, sotepe.IntervalMonth} {
					q := sotepe.ContactStatsQuery{From: "2024-09-20", To: "2024-11-10", Dim: dim, Interval: interval, Units: scope, Now: s.Clock.Now()}
					if got, want := statsRows(t, s, q), statsOracle(t, s, q); !reflect.DeepEqual(got, want) {
						t.Fatalf("%s, %s, units %v, %s:\n got %+v\nwant %+v", when, dim, scope, interval, got, want)
					}
				}
			}
		}
	}
	before := store(12)
	check("before")
	_, err := s.FoldContactStats(ctx, 7)
	must(t, err)
	must(t, s.MigrateTo(ctx, 16))
	// Under the old triggers: more requests, and an answered request that
	// the resident writes to opens anew.
	store(9)
	_, err = s.AddMessage(residentCtx(f.account), before[3], sotepe.Message{Body: "lisäys", At: base.Add(30 * time.Hour)}, sotepe.StatusInProgress)
	must(t, err)
	// (This release's fold reads the backlog, so the old schema's log
	// waits for the migration, as it would on a server being upgraded.)
	must(t, s.Migrate(ctx))
	check("after the migration, the log in part folded")
	foldAll(t, s)
	check("after the migration, folded")
	// And on the new triggers.
	_, err = s.AddMessage(staff, before[1], sotepe.Message{FromStaff: true, Body: "vastaus", At: base.Add(80 * time.Hour)}, sotepe.StatusAnswered)
	must(t, err)
	check("a change after the migration")
	if n := count(t, s, `SELECT COUNT(*) FROM contact_stats WHERE backlog < 0 OR backlog > received`); n != 0 {
		t.Fatalf("%d roll-up rows with a backlog out of balance", n)
	}
}

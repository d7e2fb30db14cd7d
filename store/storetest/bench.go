package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/store"
)

// BenchmarkContactQueue reads one page (50) of a unit's open queue with
// 10,000 open requests in that unit, 10,000 answered or closed ones in it,
// and 10,000 open ones in another unit: the first page, a page from the
// middle, and the unit's whole list (every status). On PostgreSQL when
// SOTEPE_TEST_POSTGRES is set.
func BenchmarkContactQueue(b *testing.B, open Opener) {
	pending := []sotepe.ContactStatus{sotepe.StatusNew, sotepe.StatusInProgress, sotepe.StatusWaiting}
	s := New(b, open(b))
	engine := s.Dialect()
	f := seedContacts(b, s)
	seedQueue(b, s, f.withAccount.ID, kallio, "nurse", pending, 10000, f.t0)
	seedQueue(b, s, f.withAccount.ID, kallio, "nurse", []sotepe.ContactStatus{sotepe.StatusAnswered, sotepe.StatusClosed}, 10000, f.t0)
	seedQueue(b, s, f.withoutAccount.ID, vuosaari, "dental", pending, 10000, f.t0)
	if engine == store.Postgres {
		_, err := s.DB().ExecContext(context.Background(), `ANALYZE contact_requests`)
		must(b, err)
	}
	ctx := context.Background()
	queue := sotepe.ContactFilter{Units: []string{kallio}, Statuses: pending, Page: sotepe.PageRequest{Limit: 50}}
	mid := queue
	for range 100 { // page 101 of 200
		p, err := s.ContactRequests(ctx, mid)
		must(b, err)
		mid.Page.Cursor = p.NextCursor
	}
	whole := sotepe.ContactFilter{Units: []string{kallio}, Page: sotepe.PageRequest{Limit: 50}}
	for name, f := range map[string]sotepe.ContactFilter{"first": queue, "middle": mid, "every status": whole} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				p, err := s.ContactRequests(ctx, f)
				if err != nil || len(p.Items) != 50 {
					b.Fatalf("page of %d: %v", len(p.Items), err)
				}
			}
		})
	}
}

// BenchmarkContactStats measures the store's part of the figures over a
// whole year: n requests (SOTEPE_BENCH_STATS_N, default 200,000) over 349
// units, 26 services and 5 channels, received through 2025, nearly all
// answered, inserted through the triggers that keep the roll-up. One answer
// in 200 is left without its working time, as between two fills, so the
// queries compute those. On PostgreSQL when SOTEPE_TEST_POSTGRES is set.
//
//	go test -run '^$' -bench ContactStats -benchtime 20x ./store/
func BenchmarkContactStats(b *testing.B, open Opener) {
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("SOTEPE_BENCH_STATS_N")); err == nil && v > 0 {
		n = v
	}
	s := New(b, open(b))
	engine := s.Dialect()
	f := seedContacts(b, s)
	units, services := seedStatsNetwork(b, s)
	ctx := context.Background()
	start := time.Now()
	seedStatsRequests(b, s, f.withAccount.ID, units, services, n)
	b.Logf("%s: %d requests inserted in %v (%v each, triggers included)",
		engine, n, time.Since(start).Round(time.Millisecond), (time.Since(start) / time.Duration(n)).Round(time.Microsecond))
	start = time.Now()
	foldAll(b, s)
	b.Logf("%s: folded into the roll-up in %v", engine, time.Since(start).Round(time.Millisecond))
	if engine == store.Postgres {
		_, err := s.DB().ExecContext(ctx, `ANALYZE`)
		must(b, err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		dim      sotepe.StatsDim
		interval sotepe.StatsInterval
		units    []string
	}{
		// By unit and month: 4,188 cells. By unit and week: the
		// store's part of the figures by area or producer and week.
		{"year by unit and month", sotepe.DimUnit, sotepe.IntervalMonth, nil},
		{"year by unit and week", sotepe.DimUnit, sotepe.IntervalWeek, nil},
		{"year by unit and day", sotepe.DimUnit, sotepe.IntervalDay, nil},
		{"year by service and week", sotepe.DimService, sotepe.IntervalWeek, nil},
		{"year by channel and day", sotepe.DimChannel, sotepe.IntervalDay, nil},
		{"year by service and week, one unit", sotepe.DimService, sotepe.IntervalWeek, units[:1]},
		{"year by channel and month, 20 units", sotepe.DimChannel, sotepe.IntervalMonth, units[:20]},
	} {
		b.Run(tc.name, func(b *testing.B) {
			q := sotepe.ContactStatsQuery{From: "2025-01-01", To: "2025-12-31", Dim: tc.dim, Interval: tc.interval, Units: tc.units, Now: now, WorkingTime: wallTime}
			var received int64
			for b.Loop() {
				rows, err := s.ContactStatsRows(ctx, q)
				must(b, err)
				received = 0
				for _, d := range rows {
					received += d.Received
				}
			}
			if tc.units == nil && received != int64(n) {
				b.Fatalf("the figures count %d requests of %d", received, n)
			}
		})
	}
}

// seedStatsNetwork adds 346 units to the test network's three, each offering
// three of 26 services, and returns the units and services.
func seedStatsNetwork(b testing.TB, s Store) ([]string, []string) {
	ctx := adminCtx()
	services := []string{"nurse", "dental", "child-clinic"}
	for i := len(services); i < 26; i++ {
		svc := testServices[0]
		svc.ID = fmt.Sprintf("service-%02d", i)
		must(b, s.SaveService(ctx, svc))
		services = append(services, svc.ID)
	}
	var units []string
	for _, u := range testUnits() {
		units = append(units, u.ID)
	}
	proto := testUnits()[2]
	for i := len(units); i < 349; i++ {
		u := proto
		u.ID = fmt.Sprintf("unit-%03d", i)
		u.Services = []string{services[i%26], services[(i+7)%26], services[(i+13)%26]}
		must(b, s.SaveUnit(ctx, u))
		units = append(units, u.ID)
	}
	return units, services
}

// requestInserter begins a transaction that inserts contact requests with
// a prepared statement: insert takes a request's resident, service, unit,
// channel, status, received and due instants (stored), first answer,
// closing instant and working seconds, in that order; commit commits them.
// A failure ends the test, and the end of the test rolls back what was not
// committed.
func requestInserter(b testing.TB, s Store) (insert func(args ...any), commit func()) {
	ctx := context.Background()
	tx, err := s.DB().BeginTx(ctx, nil)
	must(b, err)
	b.Cleanup(func() { _ = tx.Rollback() })
	stmt, err := tx.PrepareContext(ctx, `
		INSERT INTO contact_requests (resident_id, service_id, unit_id, channel, status, lang, received_at, due_at,
			first_answered_at, closed_at, created_at, answer_seconds)
		VALUES ($1, $2, $3, $4, $5, 'fi', $6, $7, $8, $9, $6, $10)`)
	must(b, err)
	b.Cleanup(func() { _ = stmt.Close() })
	insert = func(args ...any) {
		_, err := stmt.ExecContext(ctx, args...)
		must(b, err)
	}
	return insert, func() { must(b, tx.Commit()) }
}

// seedStatsRequests inserts n requests received through 2025, in order of
// receipt, in one transaction with a prepared statement: 98 % answered,
// within 0–20 hours, a fifth of those after their due time, their working
// time (here the elapsed time) stored but for one in 200; the rest open.
func seedStatsRequests(b testing.TB, s Store, resident int64, units, services []string, n int) {
	insert, commit := requestInserter(b, s)
	rnd := rand.New(rand.NewPCG(3, 4))
	year := time.Date(2025, 1, 1, 0, 0, 0, 0, helsinki)
	channels := []string{"portal", "portal", "portal", "phone", "phone", "website", "assessment", "chat"}
	// In order of receipt, as requests arrive.
	step := 364 * 24 * time.Hour / time.Duration(n)
	for i := 0; i < n; i++ {
		received := year.Add(time.Duration(i)*step + time.Duration(rnd.Int64N(int64(step))))
		due := received.Add(48 * time.Hour)
		status, answered, closed, secs := "new", sql.NullInt64{}, sql.NullInt64{}, sql.NullInt64{}
		if rnd.IntN(50) != 0 {
			at := received.Add(time.Duration(rnd.Int64N(int64(20 * time.Hour))))
			if rnd.IntN(5) == 0 {
				due = received.Add(time.Hour)
			}
			status, answered, closed = "closed", sql.NullInt64{Int64: micros(at), Valid: true}, sql.NullInt64{Int64: micros(at), Valid: true}
			if i%200 != 0 {
				secs = sql.NullInt64{Int64: int64(workingSeconds(wallTime(received, at))), Valid: true}
			}
		}
		u := rnd.IntN(len(units))
		insert(resident, services[(u+7*rnd.IntN(3))%len(services)], units[u], channels[rnd.IntN(len(channels))],
			status, micros(received), micros(due), answered, closed, secs)
	}
	commit()
}

func BenchmarkUnits(b *testing.B, open Opener) {
	s := New(b, open(b))
	seedSectorUnits(b, s)
	ctx := context.Background()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Units(ctx, sotepe.UnitFilter{Query: "terveysasema"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkFeedbackNPSByUnit measures the counts behind "NPS by unit for the
// year" with a year of answers (120,000 by default, SOTEPE_BENCH_FEEDBACK_N
// to change) at 349 units, on both engines, and the store's part of
// submitting one answer. Results are in docs/benchmarks.md.
func BenchmarkFeedbackNPSByUnit(b *testing.B, open Opener) {
	n := 120000
	if v, err := strconv.Atoi(os.Getenv("SOTEPE_BENCH_FEEDBACK_N")); err == nil && v > 0 {
		n = v
	}
	s := New(b, open(b))
	engine := s.Dialect()
	ctx := context.Background()
	seedNetwork(b, s)
	units := make([]string, 349)
	for i := range units {
		u := testUnits()[i%3]
		u.ID = fmt.Sprintf("unit-%03d", i)
		must(b, s.SaveUnit(ctx, u))
		units[i] = u.ID
	}
	start := time.Now()
	seedFeedback(b, s, units, n)
	must(b, s.RebuildFeedbackFigures(ctx))
	b.Logf("%s: %d answers inserted in %v", engine, n, time.Since(start).Round(time.Millisecond))
	if engine == store.Postgres {
		_, err := s.DB().ExecContext(ctx, `ANALYZE feedback, feedback_monthly, feedback_daily`)
		must(b, err)
	}
	q := sotepe.FeedbackCountsQuery{From: "2025-01-01", To: "2025-12-31", Dim: sotepe.FeedbackDimUnit}
	b.Run("year-by-unit", func(b *testing.B) {
		for b.Loop() {
			c, err := s.FeedbackCounts(ctx, q)
			must(b, err)
			if len(c) != len(units) {
				b.Fatalf("%d groups", len(c))
			}
		}
	})
	b.Run("year-by-unit-and-month", func(b *testing.B) {
		q := q
		q.ByMonth = true
		for b.Loop() {
			if _, err := s.FeedbackCounts(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The days behind figures by day and week: by a stored
	// dimension, and by groups of units (eight, as areas) with the
	// totals of every unit apart, as the figures of an area ask.
	b.Run("year-by-service-and-day", func(b *testing.B) {
		q := q
		q.Dim, q.ByDay = sotepe.FeedbackDimService, true
		for b.Loop() {
			if _, err := s.FeedbackCounts(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("year-by-8-groups-of-units-and-day", func(b *testing.B) {
		groups := map[string][]string{}
		for i, u := range units {
			groups[u] = []string{fmt.Sprintf("g%d", i%8)}
		}
		gq, all := q, q
		gq.ByDay, gq.UnitGroups = true, groups
		all.ByDay, all.AllUnits = true, true
		for b.Loop() {
			c, err := s.FeedbackCounts(ctx, gq)
			must(b, err)
			if len(c) != 8*365 {
				b.Fatalf("%d group days", len(c))
			}
			if _, err := s.FeedbackCounts(ctx, all); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("submit", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			_, err := s.AddFeedback(ctx, sotepe.NewFeedback{UnitID: units[i%len(units)], Score: i % 11, Channel: sotepe.FeedbackQR,
				Lang: sotepe.Finnish, Comment: "ok", CreatedAt: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)})
			must(b, err)
		}
	})
}

// seedFeedback inserts n answers spread over 2025 at units, 500 rows a
// statement in one transaction.
func seedFeedback(b *testing.B, s Store, units []string, n int) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	tx, err := s.DB().BeginTx(ctx, nil)
	must(b, err)
	year := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for done := 0; done < n; {
		rows := min(500, n-done)
		var sb strings.Builder
		args := make([]any, 0, rows*7)
		sb.WriteString(`INSERT INTO feedback (unit_id, score, channel, lang, service_id, created_at, day) VALUES `)
		for i := range rows {
			at := year.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
			if i > 0 {
				sb.WriteString(", ")
			}
			k := len(args)
			fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7)
			// Scores lean high, as Helsinki's (NPS 64); most answers come
			// after a visit and name its service; most are in Finnish.
			score := 10 - min(rng.IntN(12), 10)
			var service any
			if rng.IntN(10) < 9 {
				service = []string{"nurse", "dental"}[rng.IntN(2)]
			}
			args = append(args, units[rng.IntN(len(units))], score, benchChannels[rng.IntN(len(benchChannels))],
				benchLangs[rng.IntN(len(benchLangs))], service, micros(at), at.In(helsinki).Format(time.DateOnly))
		}
		_, err := tx.ExecContext(ctx, sb.String(), args...)
		must(b, err)
		done += rows
	}
	must(b, tx.Commit())
}

// The channels (visits need appointments, so kiosks stand in for them) and
// languages of the seeded answers, weighted as drawn.
var (
	benchChannels = []string{"kiosk", "kiosk", "kiosk", "kiosk", "kiosk", "kiosk", "qr", "portal", "website"}
	benchLangs    = []string{"fi", "fi", "fi", "fi", "fi", "fi", "fi", "fi", "sv", "en"}
)

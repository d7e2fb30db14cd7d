package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"sotepe"
	"sotepe/store"
)

// BenchmarkContactBacklog measures the figures of the answer promise at two
// lengths of the backlog, 10,000 and 100,000 open requests over 349 units,
// one in 100 of them past its due time without an answer, beside 20,000
// answered and closed requests of the same month: the month by unit over the
// city, the month by service of one unit, and a day by channel. A read that is
// flat in the backlog costs about the same at both sizes. On PostgreSQL when
// SOTEPE_TEST_POSTGRES is set.
//
//	go test -run '^$' -bench ContactBacklog -benchtime 20x ./store/
func BenchmarkContactBacklog(b *testing.B, open Opener) {
	for _, backlog := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("open=%d", backlog), func(b *testing.B) {
			s := New(b, open(b))
			f := seedContacts(b, s)
			units, services := seedStatsNetwork(b, s)
			ctx := context.Background()
			now := time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
			start := time.Now()
			seedBacklog(b, s, f.withAccount.ID, units, services, backlog, 20_000, now)
			foldAll(b, s)
			b.Logf("%s: %d open and 20,000 closed requests stored and folded in %v", s.Dialect(), backlog, time.Since(start).Round(time.Millisecond))
			if s.Dialect() == store.Postgres {
				_, err := s.DB().ExecContext(ctx, `ANALYZE`)
				must(b, err)
			}
			for _, tc := range []struct {
				name     string
				dim      sotepe.StatsDim
				interval sotepe.StatsInterval
				from, to string
				units    []string
			}{
				{"month by unit", sotepe.DimUnit, sotepe.IntervalMonth, "2025-06-01", "2025-06-30", nil},
				{"month by service, one unit", sotepe.DimService, sotepe.IntervalMonth, "2025-06-01", "2025-06-30", units[3:4]},
				{"day by channel", sotepe.DimChannel, sotepe.IntervalDay, "2025-06-16", "2025-06-16", nil},
			} {
				b.Run(tc.name, func(b *testing.B) {
					q := sotepe.ContactStatsQuery{From: tc.from, To: tc.to, Dim: tc.dim, Interval: tc.interval, Units: tc.units, Now: now, WorkingTime: wallTime}
					var open int64
					var took []time.Duration
					for b.Loop() {
						t0 := time.Now()
						rows, err := s.ContactStatsRows(ctx, q)
						took = append(took, time.Since(t0))
						must(b, err)
						open = 0
						for _, r := range rows {
							open += r.OpenBacklog
						}
					}
					slices.Sort(took)
					b.ReportMetric(float64(took[(len(took)*95+99)/100-1].Microseconds())/1e3, "p95-ms")
					if tc.units == nil && tc.interval == sotepe.IntervalMonth && open != int64(backlog) {
						b.Fatalf("the figures count a backlog of %d, want %d", open, backlog)
					}
				})
			}
		})
	}
}

// seedBacklog inserts, in one transaction with a prepared statement, open
// requests (new, in progress or waiting for the resident) and closed ones,
// all received in June 2025 before now; the open ones are due after now but
// for one in 100, which is past due without an answer. The answered ones
// have their working time stored, as the server's sweeps fill it within a
// minute.
func seedBacklog(b testing.TB, s Store, resident int64, units, services []string, open, closed int, now time.Time) {
	insert, commit := requestInserter(b, s)
	rnd := rand.New(rand.NewPCG(5, 6))
	month := time.Date(2025, 6, 1, 0, 0, 0, 0, helsinki)
	span := now.Sub(month)
	channels := []string{"portal", "portal", "phone", "website", "chat"}
	statuses := []string{"new", "in_progress", "waiting"}
	for i := range open + closed {
		received := month.Add(time.Duration(rnd.Int64N(int64(span))))
		due := now.Add(time.Duration(1+rnd.IntN(96)) * time.Hour)
		status := statuses[rnd.IntN(3)]
		var answered, closedAt, seconds any
		switch {
		case i >= open:
			at := micros(received.Add(time.Hour))
			status, answered, closedAt, seconds, due = "closed", at, at, 3600, received.Add(48*time.Hour)
		case i%100 == 0:
			due = received.Add(time.Hour) // past due, unanswered
		case status == "waiting":
			answered, seconds = micros(received.Add(time.Hour)), 3600
		}
		u := rnd.IntN(len(units))
		insert(resident, services[(u+7*rnd.IntN(3))%len(services)], units[u], channels[rnd.IntN(len(channels))],
			status, micros(received), micros(due), answered, closedAt, seconds)
	}
	commit()
}

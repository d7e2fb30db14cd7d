package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotepe"
)

// BenchmarkFeedbackNPSByUnit measures the counts behind "NPS by unit for the
// year" with a year of answers (120,000 by default, SOTEPE_BENCH_FEEDBACK_N
// to change) at 349 units, on both engines, and the store's part of
// submitting one answer. Results are in docs/benchmarks.md.
func BenchmarkFeedbackNPSByUnit(b *testing.B) {
	n := 120000
	if v, err := strconv.Atoi(os.Getenv("SOTEPE_BENCH_FEEDBACK_N")); err == nil && v > 0 {
		n = v
	}
	for _, engine := range []string{SQLite, Postgres} {
		b.Run(engine, func(b *testing.B) {
			var s testStore
			if engine == SQLite {
				s = newStore(b, openSQLite(b))
			} else {
				s = newStore(b, openPostgres(b))
			}
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
			must(b, s.rebuildFeedbackMonthly(ctx))
			b.Logf("%s: %d answers inserted in %v", engine, n, time.Since(start).Round(time.Millisecond))
			if engine == Postgres {
				_, err := s.w.ExecContext(ctx, `ANALYZE feedback, feedback_monthly, feedback_daily`)
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
		})
	}
}

// seedFeedback inserts n answers spread over 2025 at units, 500 rows a
// statement in one transaction.
func seedFeedback(b *testing.B, s testStore, units []string, n int) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	tx, err := s.w.BeginTx(ctx, nil)
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
				benchLangs[rng.IntN(len(benchLangs))], service, micros(at), at.In(s.zone).Format(time.DateOnly))
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

package storetest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"sotepe"
)

// BenchmarkChatFigures measures the chat figures at two sizes of a year,
// 7,653 and 76,532 chats of 2024 (the generated year at scale 0.1 and 1),
// in the same run: fifty periods one after another, as the dashboard's
// fifty-period benchmark asks for them (each from a Monday, 20 to 265 days
// long, grouped by line), each read from the roll-up (ChatFigureSums, what
// the service reads) and, for the ratio, from the chats themselves
// (ChatTimes and sotepe.ChatFiguresOf, what it read before), and the
// year by hour from the roll-up. The chats are the generated year's shape:
// two lines answered by two units, starts 08–16 on every day, log-normal
// waits (median 3 minutes) and durations (median 8), 6 % abandoned, 8 %
// handed over; loaded in bulk and folded whole. On PostgreSQL when
// SOTEPE_TEST_POSTGRES is set.
//
//	go test -run '^$' -bench ChatFigures -benchtime 50x ./store/
func BenchmarkChatFigures(b *testing.B, open Opener) {
	for _, n := range []int{7653, 76532} {
		b.Run(fmt.Sprintf("chats=%d", n), func(b *testing.B) {
			s := New(b, open(b))
			seedChats(b, s, 0)
			ctx := context.Background()
			rnd := rand.New(rand.NewPCG(uint64(n), 2024))
			chats := make([]sotepe.Chat, n)
			day0 := time.Date(2024, 1, 1, 8, 0, 0, 0, helsinki)
			lognormal := func(median time.Duration, sigma float64) time.Duration {
				return time.Duration(float64(median) * math.Exp(sigma*rnd.NormFloat64()))
			}
			for i := range chats {
				c := sotepe.Chat{Line: []string{nurseLine, dentalLine}[i%2], Lang: sotepe.Finnish,
					StartedAt: day0.AddDate(0, 0, rnd.IntN(366)).Add(time.Duration(rnd.Int64N(int64(8 * time.Hour))))}
				if rnd.Float64() < 0.06 {
					c.Status, c.EndedAt = sotepe.ChatAbandoned, c.StartedAt.Add(lognormal(4*time.Minute, 0.9))
				} else {
					c.Status, c.UnitID = sotepe.ChatClosed, []string{kallio, vuosaari}[i%2]
					if rnd.Float64() < 0.08 {
						c.Status = sotepe.ChatHandedOver
					}
					c.TakenAt = c.StartedAt.Add(min(lognormal(3*time.Minute, 1.0817), time.Hour))
					c.EndedAt = c.TakenAt.Add(min(lognormal(8*time.Minute, 0.65), 90*time.Minute))
				}
				chats[i] = c
			}
			start := time.Now()
			for from := 0; from < n; from += 20000 {
				must(b, s.LoadChats(ctx, chats[from:min(from+20000, n)]))
			}
			loaded := time.Since(start)
			start = time.Now()
			_, err := s.FoldAllChatStats(ctx)
			must(b, err)
			var rows int
			must(b, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM chat_stats`).Scan(&rows))
			b.Logf("%s: %d chats loaded in %v, folded in %v into %d rows", s.Dialect(), n, loaded.Round(time.Millisecond),
				time.Since(start).Round(time.Millisecond), rows)
			if s.Dialect() == "postgres" {
				_, err := s.DB().ExecContext(ctx, `ANALYZE`)
				must(b, err)
			}
			// The dashboard's fifty periods (web/report_bench_test.go).
			var periods [][2]time.Time
			for i := range 50 {
				from := time.Date(2024, 1, 1+7*i, 0, 0, 0, 0, helsinki)
				to := from.AddDate(0, 0, 20+5*i+1)
				if to.Year() > 2024 {
					to = time.Date(2025, 1, 1, 0, 0, 0, 0, helsinki)
				}
				periods = append(periods, [2]time.Time{from, to})
			}
			year := [2]time.Time{time.Date(2024, 1, 1, 0, 0, 0, 0, helsinki), time.Date(2025, 1, 1, 0, 0, 0, 0, helsinki)}
			// Each reader returns how many chats the figures count.
			rollup := func(p [2]time.Time, by string) int {
				sums, err := s.ChatFigureSums(ctx, p[0], p[1], by, nil)
				must(b, err)
				started := 0
				for _, g := range sums {
					started += g.Figure().Started
				}
				return started
			}
			fromChats := func(p [2]time.Time, by string) int {
				times, err := s.ChatTimes(ctx, p[0], p[1], nil)
				must(b, err)
				started := 0
				for _, f := range sotepe.ChatFiguresOf(times, by, helsinki) {
					started += f.Started
				}
				return started
			}
			fifty := func(i int) [2]time.Time { return periods[i%50] }
			wholeYear := func(int) [2]time.Time { return year }
			for _, c := range []struct {
				name   string
				by     string
				period func(i int) [2]time.Time
				read   func(p [2]time.Time, by string) int
			}{
				{"rollup-50-periods", sotepe.ChatByLine, fifty, rollup},
				{"chats-50-periods", sotepe.ChatByLine, fifty, fromChats},
				{"rollup-year-by-hour", sotepe.ChatByHour, wholeYear, rollup},
				{"chats-year-by-hour", sotepe.ChatByHour, wholeYear, fromChats},
			} {
				b.Run(c.name, func(b *testing.B) {
					var took []time.Duration
					i := 0
					for b.Loop() {
						p := c.period(i)
						i++
						t0 := time.Now()
						got := c.read(p, c.by)
						took = append(took, time.Since(t0))
						if p == year && got != n {
							b.Fatalf("the year's figures count %d chats of %d", got, n)
						}
					}
					slices.Sort(took)
					at := func(q float64) float64 { return float64(took[int(float64(len(took)-1)*q)].Microseconds()) / 1000 }
					b.ReportMetric(at(0.5), "p50-ms")
					b.ReportMetric(at(0.95), "p95-ms")
				})
			}
		})
	}
}

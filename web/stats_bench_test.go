package web_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"sotepe"
	"sotepe/store"
	"sotepe/web"
)

// BenchmarkStatsEndpoint measures GET /api/v1/stats/contact-requests through
// the whole handler chain over a year of n requests (SOTEPE_BENCH_STATS_N,
// default 200,000) at the demo network's 102 units, inserted through the
// store's triggers and folded into the roll-up, one answer in 200 without its
// stored working time:
//
//	go test -run '^$' -bench StatsEndpoint -benchtime 10x ./web/
func BenchmarkStatsEndpoint(b *testing.B) {
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("SOTEPE_BENCH_STATS_N")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	st := openStore(b, store.SQLite)
	people := loadDemo(b, st)
	page, err := st.Units(ctx, sotepe.UnitFilter{Page: sotepe.PageRequest{Limit: sotepe.MaxPageLimit}})
	if err != nil {
		b.Fatal(err)
	}
	units := page.Items
	loc, _ := time.LoadLocation("Europe/Helsinki")
	start := time.Now()
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := tx.PrepareContext(ctx, `
		INSERT INTO contact_requests (resident_id, service_id, unit_id, channel, status, lang, received_at, due_at,
			first_answered_at, closed_at, created_at, answer_seconds)
		VALUES ($1, $2, $3, $4, $5, 'fi', $6, $7, $8, $9, $6, $10)`)
	if err != nil {
		b.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	year := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
	step := 364 * 24 * time.Hour / time.Duration(n)
	channels := []string{"portal", "portal", "portal", "phone", "phone", "website", "assessment", "chat"}
	for i := 0; i < n; i++ {
		received := year.Add(time.Duration(i)*step + time.Duration(rnd.Int64N(int64(step))))
		due := received.Add(48 * time.Hour)
		status := "new"
		var answered, closed, secs any
		if rnd.IntN(50) != 0 {
			at := received.Add(time.Duration(rnd.Int64N(int64(20 * time.Hour))))
			status, answered, closed = "closed", at.UnixMicro(), at.UnixMicro()
			if i%200 != 0 {
				secs = int64(at.Sub(received) / time.Second)
			}
		}
		u := units[rnd.IntN(len(units))]
		if _, err := stmt.ExecContext(ctx, people.Residents["anna"], u.Services[rnd.IntN(len(u.Services))], u.ID,
			channels[rnd.IntN(len(channels))], status, received.UnixMicro(), due.UnixMicro(), answered, closed, secs); err != nil {
			b.Fatal(err)
		}
	}
	stmt.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d requests inserted in %v", n, time.Since(start).Round(time.Millisecond))
	// The roll-up as a server keeps it: the log folded.
	for {
		n, err := st.FoldContactStats(ctx, 20000)
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	s := benchServer(b, st, web.Config{})
	cookies := benchLogin(b, s, "analyst")
	for _, q := range []string{
		"group_by=unit&interval=month",
		"group_by=area&interval=week",
		"group_by=producer&interval=day",
		"group_by=service&interval=week",
		"group_by=channel&interval=day",
	} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				rec := benchGet(s, "/api/v1/stats/contact-requests?from=2025-01-01&to=2025-12-31&"+q, cookies)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", q, rec.Code, rec.Body.String())
				}
			}
		})
	}
}

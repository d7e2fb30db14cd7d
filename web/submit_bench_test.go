package web_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sotepe/internal/bare"
	"sotepe/internal/testenv"
	"sotepe/store"
)

// submitRound is how many submissions one round of BenchmarkSubmissions
// makes, from submitClients at once.
const (
	submitRound   = 400
	submitClients = 16
)

// BenchmarkSubmissions measures durable contact submissions over loopback
// HTTP (POST /api/v1/contact-requests as a signed-in resident; the 201
// comes after the commit) beside the bare baseline of durable single-row
// commits with the same driver and durability (bare.Commits), both from 16
// clients at once as fast as they are taken. Each iteration of `ratio` runs
// a round of 400 of each in turn and reports sotepe ÷ bare in writes per
// second, and both sides' 99th percentile of latency (docs/benchmarks.md):
//
//	go test -run '^$' -bench 'Submissions/.*/ratio' -benchtime 5x -count 3 ./web/
func BenchmarkSubmissions(b *testing.B) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		b.Run(engine, func(b *testing.B) {
			d, _ := testenv.Bare(b, testenv.Engine(engine))
			// The in-memory directory routes submissions, as in sotepe serve.
			srv, anna := loopbackAs(b, engine, "anna")
			client := &http.Client{Jar: anna.Jar, Transport: &http.Transport{MaxIdleConnsPerHost: submitClients * 2}}
			var sent atomic.Int64
			sotepeRound := func() ([]time.Duration, error) {
				return bare.Round(submitRound, submitClients, func() error {
					body := fmt.Sprintf(`{"service":"health-station-nurse","message":"Kuumetta kolme päivää (%d)."}`, sent.Add(1))
					r, err := client.Post(srv.URL+"/api/v1/contact-requests", "application/json", strings.NewReader(body))
					if err != nil {
						return err
					}
					r.Body.Close()
					if r.StatusCode != http.StatusCreated {
						return fmt.Errorf("submission: %d", r.StatusCode)
					}
					return nil
				})
			}
			first := 0 // the next bare row's id, across -count runs
			b.Run("ratio", func(b *testing.B) {
				var bareTime, own time.Duration
				var bareLat, ownLat []time.Duration
				for b.Loop() {
					start := time.Now()
					lat, err := d.Commits(b.Context(), first, submitRound, submitClients)
					if err != nil {
						b.Fatal(err)
					}
					bareTime += time.Since(start)
					bareLat = append(bareLat, lat...)
					first += submitRound
					start = time.Now()
					if lat, err = sotepeRound(); err != nil {
						b.Fatal(err)
					}
					own += time.Since(start)
					ownLat = append(ownLat, lat...)
				}
				n := float64(submitRound * b.N)
				b.ReportMetric(n/bareTime.Seconds(), "bare_writes/s")
				b.ReportMetric(n/own.Seconds(), "sotepe_writes/s")
				b.ReportMetric(bareTime.Seconds()/own.Seconds(), "ratio")
				b.ReportMetric(p99ms(bareLat), "bare_p99_ms")
				b.ReportMetric(p99ms(ownLat), "sotepe_p99_ms")
			})
		})
	}
}

// p99ms returns the 99th percentile of took in milliseconds.
func p99ms(took []time.Duration) float64 {
	if len(took) == 0 {
		return 0
	}
	s := slices.Clone(took)
	slices.Sort(s)
	return float64(s[len(s)*99/100]) / float64(time.Millisecond)
}

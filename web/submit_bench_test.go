package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
// commits with the same driver and durability (bare.DB.Commit), both from 16
// clients at once as fast as they are taken. Each iteration of `ratio` runs
// a round of 400 of each in turn and reports sotepe ÷ bare in writes per
// second, and both sides' 99th percentile of latency. A third round goes to
// a bare server over HTTP (submitCeiling); its ratio to the bare commits is
// http_ratio. Each side's CPU time a write, over the whole machine
// (bare.MachineCPU), is its _cpu_ms (docs/benchmarks.md):
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
			// The ceiling over HTTP: a bare server that makes one bare
			// commit a request, driven like sotepe (see submitCeiling).
			var next atomic.Int64 // the next bare row's id, across -count runs
			ceiling := submitCeiling(b, d, &next)
			ceilingRound := func() ([]time.Duration, error) {
				return bare.Round(submitRound, submitClients, func() error {
					r, err := client.Post(ceiling.URL, "application/json", strings.NewReader(`{"message":"Kuumetta kolme päivää."}`))
					if err != nil {
						return err
					}
					io.Copy(io.Discard, r.Body)
					r.Body.Close()
					if r.StatusCode != http.StatusCreated {
						return fmt.Errorf("bare submission: %d", r.StatusCode)
					}
					return nil
				})
			}
			b.Run("ratio", func(b *testing.B) {
				var bareTime, own, overHTTP time.Duration
				var bareLat, ownLat []time.Duration
				var cpu [3]time.Duration // the machine's CPU in each side's rounds
				timed := func(side int, round func() ([]time.Duration, error)) (time.Duration, []time.Duration) {
					c0, _ := bare.MachineCPU()
					start := time.Now()
					lat, err := round()
					took := time.Since(start)
					if err != nil {
						b.Fatal(err)
					}
					c1, _ := bare.MachineCPU()
					cpu[side] += c1 - c0
					return took, lat
				}
				for b.Loop() {
					took, lat := timed(0, func() ([]time.Duration, error) {
						return bare.Round(submitRound, submitClients, func() error { return d.Commit(b.Context(), next.Add(1)-1) })
					})
					bareTime += took
					bareLat = append(bareLat, lat...)
					took, lat = timed(1, sotepeRound)
					own += took
					ownLat = append(ownLat, lat...)
					took, _ = timed(2, ceilingRound)
					overHTTP += took
				}
				n := float64(submitRound * b.N)
				b.ReportMetric(n/bareTime.Seconds(), "bare_writes/s")
				b.ReportMetric(n/own.Seconds(), "sotepe_writes/s")
				b.ReportMetric(bareTime.Seconds()/own.Seconds(), "ratio")
				b.ReportMetric(bareTime.Seconds()/overHTTP.Seconds(), "http_ratio")
				if _, ok := bare.MachineCPU(); ok {
					// The machine's CPU a write, in ms: the database's
					// and the kernel's share as well as this process's.
					for i, name := range []string{"bare", "sotepe", "http"} {
						b.ReportMetric(float64(cpu[i].Microseconds())/1000/n, name+"_cpu_ms")
					}
				}
				b.ReportMetric(p99ms(bareLat), "bare_p99_ms")
				b.ReportMetric(p99ms(ownLat), "sotepe_p99_ms")
			})
		})
	}
}

// submitCeiling starts a bare net/http server on loopback that reads a
// request's body and answers 201 after one bare commit into d (ids from
// next): the ceiling of any server that takes submissions over HTTP and
// commits each on its own, beside the bare commits with no HTTP around
// them. Its ratio to those shows what loopback HTTP alone costs.
func submitCeiling(b *testing.B, d *bare.DB, next *atomic.Int64) *httptest.Server {
	b.Helper()
	if err := d.PrepareCommits(b.Context()); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if err := d.Commit(r.Context(), next.Add(1)-1); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":1}`))
	}))
	b.Cleanup(srv.Close)
	return srv
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

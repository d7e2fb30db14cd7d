package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sotepe/store"
)

// The model of 200 residents who think, on fresh data of its own (so that
// the closed loops' bookings and its own do not meet):
//
//	go test -run '^$' -bench 'ApptUsersSQLite' -benchtime 1x ./web/
//	SOTEPE_TEST_POSTGRES=postgres://… go test -run '^$' -bench 'ApptUsersPostgres' -benchtime 1x ./web/
//
// "think-1-5s" is the floor's model: 60 seconds of 200 users thinking 1–5
// seconds between actions. "think-0.1-0.5s" is the same crowd ten times as
// impatient, for 20 seconds (long enough for its percentiles, short enough
// not to book the network empty), to show the headroom.

// BenchmarkApptUsersSQLite is the model of 200 users on SQLite.
func BenchmarkApptUsersSQLite(b *testing.B) { benchmarkApptUsers(b, store.SQLite) }

// BenchmarkApptUsersPostgres is the model of 200 users on PostgreSQL.
func BenchmarkApptUsersPostgres(b *testing.B) { benchmarkApptUsers(b, store.Postgres) }

func benchmarkApptUsers(b *testing.B, engine string) {
	b.Run("think-1-5s", func(b *testing.B) {
		newApptBench(b, engine).runUsers(b, 60*time.Second, time.Second, 5*time.Second)
	})
	b.Run("think-0.1-0.5s", func(b *testing.B) {
		newApptBench(b, engine).runUsers(b, 20*time.Second, 100*time.Millisecond, 500*time.Millisecond)
	})
}

// userSearch is the search of a resident: a service, and in turn nothing
// more, a unit that offers it, evening times only, or a unit that serves
// in Swedish from a week on; the resident's own draw picks which.
func (ab *apptBench) userSearch(rnd *mrand.Rand) *http.Request {
	svc := ab.services[rnd.IntN(len(ab.services))]
	q := "service=" + svc
	switch rnd.IntN(4) {
	case 1:
		units := ab.offering[svc]
		q += "&unit=" + units[rnd.IntN(len(units))]
	case 2:
		q += "&evening=true"
	case 3:
		q += "&language=sv&from=2026-11-30"
	}
	r, _ := http.NewRequest("GET", ab.srv.URL+"/api/v1/slots?"+q, nil)
	return r
}

// userLatencies are the latencies of one kind of request of the users.
type userLatencies struct {
	mu  sync.Mutex
	lat []time.Duration
}

func (l *userLatencies) add(d time.Duration) {
	l.mu.Lock()
	l.lat = append(l.lat, d)
	l.mu.Unlock()
}

// report reports the percentiles of the latencies under name, and how many
// there were.
func (l *userLatencies) report(b *testing.B, name string) {
	if len(l.lat) == 0 {
		b.Fatalf("no %s requests", name)
	}
	slices.Sort(l.lat)
	pct := func(p float64) float64 {
		return float64(l.lat[int(float64(len(l.lat)-1)*p)]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.5), name+"-p50-ms")
	b.ReportMetric(pct(0.9), name+"-p90-ms")
	b.ReportMetric(pct(0.99), name+"-p99-ms")
	b.ReportMetric(float64(len(l.lat)), name+"s")
}

// runUsers models 200 signed-in residents for run: each searches for
// free times, looks at the answer, books one of the times it lists, looks
// at their appointments, and again, thinking between every two actions for
// a time drawn uniformly from [minThink, maxThink]. The users start at
// random moments within the first maxThink, so that they do not act in
// step. A booking that finds its time taken meanwhile (409: another user
// chose it, or the two-second search cache still showed it) is a real
// outcome and is counted; any other failure fails the run. b.N is not used:
// run it with -benchtime 1x.
func (ab *apptBench) runUsers(b *testing.B, run, minThink, maxThink time.Duration) {
	var searches, books, lists userLatencies
	var mu sync.Mutex
	var conflicts, empty int
	var failed error
	fail := func(err error) {
		mu.Lock()
		if failed == nil {
			failed = err
		}
		mu.Unlock()
	}
	// The disk's own sync times meanwhile, for context: every booking
	// waits for at least one (synchronous commits on both engines).
	var syncs userLatencies
	probeDone := make(chan struct{})
	go func() {
		defer close(probeDone)
		syncs.lat = probeSyncs(b.TempDir(), maxThink+run)
	}()
	b.ResetTimer()
	start, cpu := time.Now(), processCPU()
	end := start.Add(maxThink + run)
	var wg sync.WaitGroup
	for u := range benchUsers {
		wg.Go(func() {
			rnd := mrand.New(mrand.NewPCG(uint64(u), 7))
			think := func() bool {
				d := minThink + time.Duration(rnd.Int64N(int64(maxThink-minThink)+1))
				if time.Now().Add(d).After(end) {
					return false
				}
				time.Sleep(d)
				return true
			}
			time.Sleep(time.Duration(rnd.Int64N(int64(maxThink))))
			for {
				r := ab.userSearch(rnd)
				var found struct {
					Items []struct {
						ID int64 `json:"id"`
					} `json:"items"`
				}
				d, status, err := ab.do(r, u, &found)
				if err != nil || status != http.StatusOK {
					fail(fmt.Errorf("search: status %d, %v", status, err))
					return
				}
				searches.add(d)
				if !think() {
					return
				}
				if len(found.Items) == 0 {
					mu.Lock()
					empty++
					mu.Unlock()
					continue
				}
				slot := found.Items[rnd.IntN(len(found.Items))].ID
				r, _ = http.NewRequest("POST", ab.srv.URL+"/api/v1/appointments", strings.NewReader(fmt.Sprintf(`{"slot":%d}`, slot)))
				r.Header.Set("Content-Type", "application/json")
				d, status, err = ab.do(r, u, nil)
				switch {
				case err != nil || status != http.StatusCreated && status != http.StatusConflict:
					fail(fmt.Errorf("book: status %d, %v", status, err))
					return
				case status == http.StatusConflict:
					mu.Lock()
					conflicts++
					mu.Unlock()
				}
				books.add(d)
				if !think() {
					return
				}
				r, _ = http.NewRequest("GET", ab.srv.URL+"/api/v1/appointments?limit=20", nil)
				d, status, err = ab.do(r, u, nil)
				if err != nil || status != http.StatusOK {
					fail(fmt.Errorf("list: status %d, %v", status, err))
					return
				}
				lists.add(d)
				if !think() {
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	<-probeDone
	if failed != nil {
		b.Fatal(failed)
	}
	syncs.report(b, "fsync")
	searches.report(b, "search")
	books.report(b, "book")
	lists.report(b, "list")
	elapsed, used := time.Since(start).Seconds(), processCPU()-cpu
	n := len(searches.lat) + len(books.lat) + len(lists.lat)
	b.ReportMetric(float64(n)/elapsed, "req/s")
	b.ReportMetric(float64(used)/float64(n)/1e3, "cpu-us/req")
	b.ReportMetric(100*float64(conflicts)/float64(len(books.lat)), "taken-%")
	b.ReportMetric(float64(empty), "empty-searches")
	b.ReportMetric(0, "ns/op")
}

// do sends r as user u, decodes a JSON answer into into when it is not
// nil, and returns the latency (until the whole body is read) and status.
func (ab *apptBench) do(r *http.Request, u int, into any) (time.Duration, int, error) {
	r.Header.Set("Cookie", ab.sessions[u])
	start := time.Now()
	res, err := ab.client.Do(r)
	if err != nil {
		return 0, 0, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	d := time.Since(start)
	if err != nil {
		return d, res.StatusCode, err
	}
	if into != nil && res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, into); err != nil {
			return d, res.StatusCode, err
		}
	}
	return d, res.StatusCode, nil
}

// processCPU returns the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// probeSyncs writes 4 KiB and syncs a file in dir every 50 ms for d, and
// returns how long each sync took.
func probeSyncs(dir string, d time.Duration) []time.Duration {
	f, err := os.Create(filepath.Join(dir, "probe"))
	if err != nil {
		return nil
	}
	defer f.Close()
	buf := make([]byte, 4096)
	var out []time.Duration
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if _, err := f.Write(buf); err != nil {
			return out
		}
		t := time.Now()
		if err := f.Sync(); err != nil {
			return out
		}
		out = append(out, time.Since(t))
	}
	return out
}

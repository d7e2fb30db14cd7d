package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"

	"sotepe/directory"
	"sotepe/internal/testenv"
	"sotepe/web"
)

// BenchmarkDashboardAndReport measures the management dashboard and the
// annual report through the whole handler chain over a loaded year: the
// database SOTEPE_BENCH_YEAR_DB names (`sotepe generate --year 2024 --scale
// 1` writes one, with the demo accounts), read through the in-memory
// directory as `sotepe serve` does. The dashboard keeps a period's facts
// and the report a year's figures for a minute; the "cold" cases let that
// minute pass before every request, the others are served from them (the
// dashboard's filters applied to the kept facts); a period new to them is
// put together from the kept months' facts (report.MonthFacts). Run it on
// years of two sizes (--scale 0.1 and 1) to see what grows with the data:
//
//	SOTEPE_BENCH_YEAR_DB=/tmp/year2024.db go test -run '^$' -bench DashboardAndReport -benchtime 20x ./web/
func BenchmarkDashboardAndReport(b *testing.B) {
	dsn := os.Getenv("SOTEPE_BENCH_YEAR_DB")
	if dsn == "" {
		b.Skip("set SOTEPE_BENCH_YEAR_DB to a database with a generated year")
	}
	st := openDSN(b, dsn, true)
	// A year generated before the chat figures' roll-up (migration 00024)
	// holds its chats as changes to fold; a server folds them within
	// seconds of starting (chat.Service.Run), a benchmark at once.
	if _, err := st.FoldAllChatStats(context.Background()); err != nil {
		b.Fatal(err)
	}
	dir, err := directory.New(st, directory.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer dir.Close()
	clock := testenv.NewClock(time.Now())
	s := benchServer(b, st, web.Config{Directory: dir, Now: clock.Now})
	cookies := benchLogin(b, s, "analyst")
	srv := httptest.NewServer(s) // loopback HTTP, as a browser reaches it
	defer srv.Close()
	get := getter(srv, cookies)
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		b.Fatal(err)
	}
	benchDashboardAndReport(b, get, clock, func(b *testing.B, at time.Time) (getFunc, *testenv.Clock, func(), func()) {
		// A server just started at at, its dashboard's months warmed as
		// `sotepe serve` warms them (app.Start), with the warm-up's time.
		clock := testenv.NewClock(time.Date(at.Year(), at.Month(), at.Day(), at.Hour(), 0, 0, 0, loc))
		fresh := benchServer(b, st, web.Config{Directory: dir, Now: clock.Now})
		started := time.Now()
		if err := fresh.WarmDashboard(context.Background()); err != nil {
			b.Fatal(err)
		}
		<-fresh.Warmed()
		warm := time.Since(started)
		srv := httptest.NewServer(fresh)
		// Reported after the loop, which clears what is reported before.
		return getter(srv, benchLogin(b, fresh, "analyst")), clock, fresh.WaitDashboard, func() {
			srv.Close()
			b.ReportMetric(warm.Seconds(), "warm-s")
		}
	})
}

// getFunc requests path and returns how long the answer took.
type getFunc func(b *testing.B, path string) time.Duration

// getter returns a getFunc of srv with the cookies of a sign-in.
func getter(srv *httptest.Server, cookies []*http.Cookie) getFunc {
	client := srv.Client()
	return func(b *testing.B, path string) time.Duration {
		req, err := http.NewRequest("GET", srv.URL+path, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d", path, res.StatusCode)
		}
		return time.Since(start)
	}
}

// benchDashboardAndReport runs the cases of BenchmarkDashboardAndReport
// through get, moving clock; started gives a getter of a server just
// started at a time and warmed, its clock, a wait for its reads in the
// background, and its close.
func benchDashboardAndReport(b *testing.B, get getFunc, clock *testenv.Clock, started func(b *testing.B, at time.Time) (getFunc, *testenv.Clock, func(), func())) {
	// cpu is the CPU time the process has used, the server's and the
	// client's: on a machine shared with other work the time a request
	// waits for a CPU is not its own.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	// report reports the median and the 95th percentile of the requests'
	// times besides the mean, and the CPU time a request, since start.
	report := func(b *testing.B, took []time.Duration, start time.Duration) {
		b.ReportMetric(float64((cpu()-start).Microseconds())/1000/float64(len(took)), "cpu-ms/op")
		slices.Sort(took)
		at := func(p float64) float64 { return float64(took[int(float64(len(took)-1)*p)].Microseconds()) / 1000 }
		b.ReportMetric(at(0.5), "p50-ms")
		b.ReportMetric(at(0.95), "p95-ms")
	}
	// run times each request.
	run := func(b *testing.B, each func(), path string) {
		var took []time.Duration
		start := cpu()
		for b.Loop() {
			each()
			took = append(took, get(b, path))
		}
		report(b, took, start)
	}
	nothing := func() {}
	pastMinute := func() { clock.Add(2 * time.Minute) } // past what is kept for a minute
	for _, c := range []struct{ name, path string }{
		{"dashboard-year", "/dashboard?from=2024-01-01&to=2024-12-31&lang=sv"},
		{"dashboard-area", "/dashboard?from=2024-01-01&to=2024-12-31&area=hospital-rehabilitation-and-care-services"},
		{"dashboard-producer", "/dashboard?from=2024-01-01&to=2024-12-31&producer=helsinki"},
		{"volumes-by-unit", "/api/v1/stats/volumes?year=2024&group_by=unit"},
	} {
		b.Run(c.name, func(b *testing.B) { run(b, nothing, c.path) })
	}
	b.Run("dashboard-cold", func(b *testing.B) { run(b, pastMinute, "/dashboard?from=2024-01-01&to=2024-12-31&lang=sv") })
	b.Run("dashboard-halfyear-cold", func(b *testing.B) { run(b, pastMinute, "/dashboard?from=2024-01-15&to=2024-07-14") })
	// As dashboard-cold, on a server started (and warmed) on 20 December
	// of the generated year, the year so far: its November and December
	// are not settled, so they are read again after the kept minute,
	// behind the answer, as in the present year's dashboard. Back to
	// back, each request shares the CPU with the read the one before it
	// started; with visits, each waits for its reads in the background to
	// end before the next (outside the visit's time, inside the CPU): a
	// dashboard looked at every few minutes.
	recent := func(b *testing.B, visits bool) {
		get, clock, idle, stop := started(b, time.Date(2024, 12, 20, 10, 0, 0, 0, time.UTC))
		defer stop()
		var took []time.Duration
		start := cpu()
		for b.Loop() {
			clock.Add(2 * time.Minute)
			took = append(took, get(b, "/dashboard?from=2024-01-01&to=2024-12-20&lang=sv"))
			if visits {
				idle()
			}
		}
		report(b, took, start)
	}
	b.Run("dashboard-cold-recent", func(b *testing.B) { recent(b, false) })
	b.Run("dashboard-recent-visits", func(b *testing.B) { recent(b, true) })
	// Fifty periods of the year one after another, each new to the kept
	// facts: an analyst moving from period to period, one every three
	// seconds.
	var periods []string
	for i := range 50 {
		from := time.Date(2024, 1, 1+7*i, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 0, 20+5*i)
		if to.Year() > 2024 {
			to = time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
		}
		periods = append(periods, "/dashboard?from="+from.Format(time.DateOnly)+"&to="+to.Format(time.DateOnly))
	}
	fifty := func(b *testing.B, get getFunc, clock *testenv.Clock) {
		var took []time.Duration
		i := 0
		start := cpu()
		for b.Loop() {
			clock.Add(3 * time.Second) // an analyst's pace
			took = append(took, get(b, periods[i%len(periods)]))
			i++
		}
		report(b, took, start)
	}
	// The first time through, the months the periods need are read as
	// they come (run alone, from none kept); again, every period is still
	// new to the kept periods, but its months are kept. Warmed, on a
	// server just started whose warm-up has read them (warm-s: how long
	// it took), before the first request.
	b.Run("dashboard-50-periods-warmed", func(b *testing.B) {
		// In March after the generated year, so that the year is the one
		// the dashboard opens on (a database with a few events of the
		// present year, as the demo's, opens on that year instead).
		get, clock, _, stop := started(b, time.Date(2025, 3, 2, 9, 0, 0, 0, time.UTC))
		defer stop()
		fifty(b, get, clock)
	})
	b.Run("dashboard-50-periods", func(b *testing.B) { fifty(b, get, clock) })
	b.Run("dashboard-50-periods-again", func(b *testing.B) { fifty(b, get, clock) })
	b.Run("report-cold", func(b *testing.B) { run(b, pastMinute, "/report/2024?lang=fi") })
	b.Run("report-warm", func(b *testing.B) { run(b, nothing, "/report/2024?lang=fi") })
	b.Run("report-json-warm", func(b *testing.B) { run(b, nothing, "/api/v1/reports/2024") })
}

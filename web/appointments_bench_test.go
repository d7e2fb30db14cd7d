package web_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sotepe"
	"sotepe/booking"
	"sotepe/contact"
	"sotepe/demo"
	"sotepe/directory"
	"sotepe/docs"
	"sotepe/i18n"
	"sotepe/internal/testenv"
	"sotepe/store"
	"sotepe/web"
	"sotepe/workday"
)

// The performance floors of appointments (docs/benchmarks.md): with 14 days
// of slots at every health station and dental clinic of the 349-unit
// network, free-time search and booking each keep p99 under 50 ms with 200
// users at once. These benchmarks run the whole server on loopback HTTP and
// report the percentiles of b.N requests sent by 200 goroutines back to
// back (a closed loop), or at a fixed rate (an open model):
//
//	go test -run '^$' -bench 'Appt(SQLite|Postgres)' -benchtime 4000x ./web/
//	SOTEPE_TEST_POSTGRES=postgres://… go test -run '^$' -bench 'Appt(SQLite|Postgres)' -benchtime 4000x ./web/
//
// The model of 200 residents who think between their actions is in
// appointments_users_bench_test.go (BenchmarkApptUsers…, -benchtime 1x).

const benchUsers = 200

// apptBench is a server with the appointment load's data and the sessions
// of 200 residents.
type apptBench struct {
	srv      *httptest.Server
	client   *http.Client
	sessions []string // session cookies, one per resident
	services []string
	units    []string            // the units with slots
	offering map[string][]string // service → the units with its slots
	slots    []int64             // every open slot, in no particular order
}

func newApptBench(b *testing.B, engine string) *apptBench {
	b.Helper()
	ctx := context.Background()
	st := openStore(b, engine)
	network := testenv.SaveCity(b, st)
	loc, _ := time.LoadLocation("Europe/Helsinki")
	now := time.Date(2026, 11, 23, 7, 0, 0, 0, loc) // a Monday morning
	st.Now = func() time.Time { return now }
	for _, c := range demo.BookingRules() {
		c.DirectBooking = true
		if err := st.SaveBookingRules(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	ab := &apptBench{services: []string{"health-station-nurse", "doctor-appointment", "dental-care"}, offering: map[string][]string{}}
	tmpl := sotepe.WeeklyTemplate{From: "2026-11-23", To: "2026-12-06", Length: 30 * time.Minute,
		Periods: []sotepe.WeeklyPeriod{{Weekday: 1, Start: "08:00", End: "16:00"}, {Weekday: 2, Start: "08:00", End: "19:00"},
			{Weekday: 3, Start: "08:00", End: "16:00"}, {Weekday: 4, Start: "08:00", End: "19:00"}, {Weekday: 5, Start: "08:00", End: "16:00"}}}
	starts, err := tmpl.Starts(loc)
	if err != nil {
		b.Fatal(err)
	}
	for _, u := range network.Units {
		if u.Kind != "health_station" && u.Kind != "dental_clinic" {
			continue
		}
		ab.units = append(ab.units, u.ID)
		for _, svc := range ab.services {
			if !slices.Contains(u.Services, svc) {
				continue
			}
			ab.offering[svc] = append(ab.offering[svc], u.ID)
			r, err := st.SaveResource(ctx, sotepe.Resource{UnitID: u.ID, Kind: sotepe.ResourceRoom, Name: svc})
			if err != nil {
				b.Fatal(err)
			}
			var slots []sotepe.Slot
			for _, s := range starts {
				slots = append(slots, sotepe.Slot{ServiceID: svc, UnitID: u.ID, ResourceID: r.ID, Start: s, End: s.Add(30 * time.Minute), Mode: sotepe.ModeInPerson})
			}
			if _, err := st.OpenSlots(ctx, slots); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, svc := range ab.services {
		f := sotepe.SlotFilter{Service: svc, From: now, Page: sotepe.PageRequest{Limit: sotepe.MaxPageLimit}}
		for {
			page, err := st.FreeSlots(ctx, f)
			if err != nil {
				b.Fatal(err)
			}
			for _, s := range page.Items {
				ab.slots = append(ab.slots, s.ID)
			}
			if page.NextCursor == "" {
				break
			}
			f.Page.Cursor = page.NextCursor
		}
	}
	for i := range benchUsers {
		r, err := st.CreateResident(ctx, sotepe.Resident{FirstName: "Bench", LastName: fmt.Sprint(i), Lang: sotepe.Finnish,
			PersonalID: sotepe.SyntheticPersonalID(time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i), 900+i%100)})
		if err != nil {
			b.Fatal(err)
		}
		u, err := st.CreateUser(ctx, sotepe.NewUser{Username: fmt.Sprintf("bench%d", i), Name: "Bench", Lang: sotepe.Finnish,
			Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: r.ID})
		if err != nil {
			b.Fatal(err)
		}
		token := rand.Text()
		sum := sha256.Sum256([]byte(token))
		if err := st.CreateSession(ctx, sotepe.Session{TokenHash: sum[:], UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(12 * time.Hour)}); err != nil {
			b.Fatal(err)
		}
		ab.sessions = append(ab.sessions, "sotepe_session="+token)
	}
	dir, err := directory.New(st, directory.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { dir.Close() })
	cat, _ := i18n.New()
	cal, err := workday.NewLive(ctx, st)
	if err != nil {
		b.Fatal(err)
	}
	appts, err := booking.New(booking.Config{Store: st, Directory: dir, Location: loc, Now: st.Now})
	if err != nil {
		b.Fatal(err)
	}
	s, err := web.New(withServices(b, web.Config{Store: st, Directory: dir, Catalog: cat, Location: loc, OpenAPI: docs.OpenAPI, Now: st.Now,
		Calendar: cal, Contacts: contact.New(contact.Config{Store: st, Directory: dir, Calendar: cal}), Appointments: appts}))
	if err != nil {
		b.Fatal(err)
	}
	ab.srv = httptest.NewServer(s)
	b.Cleanup(ab.srv.Close)
	ab.client = &http.Client{Transport: &http.Transport{MaxIdleConns: benchUsers, MaxIdleConnsPerHost: benchUsers}}
	b.Logf("%s: %d units with slots, %d open slots", engine, len(ab.units), len(ab.slots))
	return ab
}

// request makes request i of user u and says which statuses are right.
type request func(i, u int) (*http.Request, func(int) bool)

// send sends request i of user u and returns its latency.
func (ab *apptBench) send(req request, i, u int) (time.Duration, error) {
	r, ok := req(i, u)
	r.Header.Set("Cookie", ab.sessions[u])
	start := time.Now()
	res, err := ab.client.Do(r)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	d := time.Since(start)
	if !ok(res.StatusCode) {
		return d, fmt.Errorf("status %d", res.StatusCode)
	}
	return d, nil
}

// run sends b.N requests from 200 goroutines back to back (a closed loop)
// and reports the latency percentiles.
func (ab *apptBench) run(b *testing.B, req request) {
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	b.ResetTimer()
	cpu := processCPU()
	for u := range benchUsers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				d, err := ab.send(req, i, u)
				if err != nil {
					failed.Store(err.Error())
					return
				}
				lat[i] = d
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	cpu = processCPU() - cpu
	if f := failed.Load(); f != nil {
		b.Fatal(f)
	}
	report(b, lat)
	// The CPU time of the whole process (server and client) per request:
	// what a request costs, whatever else the machine is doing.
	b.ReportMetric(float64(cpu)/float64(b.N)/1e3, "cpu-us/req")
}

// runRate sends b.N requests at a constant rate per second (an open model:
// each starts on schedule whether or not earlier ones finished), from the
// 200 users in turn, and reports the latency percentiles.
func (ab *apptBench) runRate(b *testing.B, rate int, req request) {
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	var failed atomic.Value
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))))
		wg.Go(func() {
			d, err := ab.send(req, i, i%benchUsers)
			if err != nil {
				failed.Store(err.Error())
			}
			lat[i] = d
		})
	}
	wg.Wait()
	b.StopTimer()
	if f := failed.Load(); f != nil {
		b.Fatal(f)
	}
	report(b, lat)
}

func report(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)]) / float64(time.Millisecond) }
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.9), "p90-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

func benchmarkAppt(b *testing.B, engine string) {
	ab := newApptBench(b, engine)
	search := func(i, u int) (*http.Request, func(int) bool) {
		svc := ab.services[i%len(ab.services)]
		q := "service=" + svc
		switch i % 4 {
		case 1:
			q += "&unit=" + ab.units[i%len(ab.units)]
		case 2:
			q += "&evening=true"
		case 3:
			q += "&language=sv&from=2026-11-30"
		}
		r, _ := http.NewRequest("GET", ab.srv.URL+"/api/v1/slots?"+q, nil)
		return r, func(s int) bool { return s == http.StatusOK }
	}
	// Every booking takes a slot of its own, spread over the network; the
	// runs take turns through one shuffled order, so a slot is booked
	// once (a repeat would be 409).
	order := slices.Clone(ab.slots)
	rnd := mrand.New(mrand.NewPCG(1, 2))
	rnd.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	var taken atomic.Int64
	book := func(i, u int) (*http.Request, func(int) bool) {
		k := int(taken.Add(1)-1) % len(order)
		r, _ := http.NewRequest("POST", ab.srv.URL+"/api/v1/appointments", strings.NewReader(fmt.Sprintf(`{"slot":%d}`, order[k])))
		r.Header.Set("Content-Type", "application/json")
		return r, func(s int) bool { return s == http.StatusCreated }
	}
	// Each search its own: from moves by a second per request, so that
	// none is answered from the cache of two seconds.
	from := time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC)
	uncached := func(i, u int) (*http.Request, func(int) bool) {
		r, ok := search(i, u)
		q := r.URL.Query()
		q.Set("from", from.Add(time.Duration(i)*time.Second).Format(time.RFC3339))
		r.URL.RawQuery = q.Encode()
		return r, ok
	}
	b.Run("search-200users", func(b *testing.B) { ab.run(b, search) })
	b.Run("search-uncached-200users", func(b *testing.B) { ab.run(b, uncached) })
	b.Run("book-200users", func(b *testing.B) { ab.run(b, book) })
	b.Run("search-500rps", func(b *testing.B) { ab.runRate(b, 500, search) })
	b.Run("search-uncached-500rps", func(b *testing.B) { ab.runRate(b, 500, uncached) })
	b.Run("book-200rps", func(b *testing.B) { ab.runRate(b, 200, book) })
}

// BenchmarkApptSQLite is the appointment load on SQLite.
func BenchmarkApptSQLite(b *testing.B) { benchmarkAppt(b, store.SQLite) }

// BenchmarkApptPostgres is the appointment load on PostgreSQL.
func BenchmarkApptPostgres(b *testing.B) { benchmarkAppt(b, store.Postgres) }

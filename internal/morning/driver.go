package morning

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// The actions of the mix.
const (
	actRead = iota
	actSignIn
	actSubmit
	actBook
	actQueue
	numActions
)

// Config is one run of the morning.
type Config struct {
	// BaseURL is where sotepe (or the proxy in front of it) answers.
	BaseURL string
	Mix     Mix
	// Rate is the actions started per second (an open model: residents
	// arrive on schedule whether or not earlier ones were answered). With
	// Rate 0, Workers users act back to back (a closed loop), which
	// measures the most the server sustains.
	Rate    float64
	Workers int
	// Duration is how long actions are started.
	Duration time.Duration
	// Residents and Staff are the usernames that sign in (password
	// Password): the demo's anna and erik, and nurse, by default.
	Residents, Staff []string
	Password         string
	// MaxInFlight bounds the open model's actions in flight (1,000 by
	// default); arrivals beyond it are counted as dropped.
	MaxInFlight int
}

// Route is what one route saw.
type Route struct {
	Name string
	// Count is the requests answered or failed; Errors those that failed
	// (no answer, 5xx, 401, 429, or any other status the route does not
	// expect); Conflicts the 409s of bookings (a time someone else took)
	// and the slot searches that found no free time at all;
	// Unauthorized the 401s among the errors (a session not known).
	Count, Errors, Conflicts, Unauthorized int
	// Failed counts the errors by status, 0 for no answer at all.
	Failed        map[int]int
	P50, P99, Max time.Duration
}

// Report is the outcome of a run.
type Report struct {
	Routes []Route
	// Elapsed is from the first action's start to the last answer.
	Elapsed time.Duration
	// Requests is the count of all routes' requests; Rate is Requests per
	// second of Elapsed, and Actions the actions of the mix played.
	Requests, Actions, Dropped int
	Rate                       float64
	// Contacts and Appointments are the ids of the contact requests and
	// bookings the server acknowledged (201, or 200 to a retry under the
	// same Idempotency-Key).
	Contacts, Appointments []int64
}

// Errors is the sum of every route's errors.
func (r Report) Errors() int {
	n := 0
	for _, rt := range r.Routes {
		n += rt.Errors
	}
	return n
}

// Route returns the route named name; a route not used is the zero Route.
func (r Report) Route(name string) Route {
	for _, rt := range r.Routes {
		if rt.Name == name {
			return rt
		}
	}
	return Route{Name: name}
}

// String is the report as a table.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d requests (%d actions, %d dropped) in %s: %.1f requests/s, %d errors; acknowledged %d contact requests, %d bookings\n",
		r.Requests, r.Actions, r.Dropped, r.Elapsed.Round(time.Millisecond), r.Rate, r.Errors(), len(r.Contacts), len(r.Appointments))
	fmt.Fprintf(&b, "%-30s %7s %6s %6s %10s %10s %10s\n", "route", "count", "errors", "taken", "p50", "p99", "max")
	for _, rt := range r.Routes {
		fmt.Fprintf(&b, "%-30s %7d %6d %6d %10s %10s %10s\n", rt.Name, rt.Count, rt.Errors, rt.Conflicts, ms(rt.P50), ms(rt.P99), ms(rt.Max))
	}
	for _, rt := range r.Routes {
		if len(rt.Failed) > 0 {
			fmt.Fprintf(&b, "errors of %s by status (0: no answer): %v\n", rt.Name, rt.Failed)
		}
	}
	return b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// run is one run's state.
type run struct {
	cfg       Config
	transport *http.Transport
	weights   [numActions]float64

	mu        sync.Mutex
	latencies map[string][]time.Duration
	errs      map[string]int
	conflicts map[string]int
	unauth    map[string]int
	failed    map[string]map[int]int
	contacts  []int64
	appts     []int64
	residents []*http.Client // signed-in residents, the newest last
	staff     []*http.Client
}

// Run plays the morning until cfg.Duration has passed or ctx ends, waits
// for the answers in flight, and reports. Failed requests are counted, not
// returned: an error comes back only for a Config that cannot run.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.BaseURL == "" || cfg.Duration <= 0 || (cfg.Rate <= 0 && cfg.Workers <= 0) {
		return Report{}, errors.New("morning: a base URL, a duration and a rate or workers are needed")
	}
	if cfg.Mix.total() == 0 {
		return Report{}, errors.New("morning: the mix is empty")
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if len(cfg.Residents) == 0 {
		cfg.Residents = []string{"anna", "erik"}
	}
	if len(cfg.Staff) == 0 {
		cfg.Staff = []string{"nurse"}
	}
	if cfg.Password == "" {
		cfg.Password = "demo"
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 1000
	}
	r := &run{
		cfg:       cfg,
		transport: &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true, IdleConnTimeout: 30 * time.Second},
		weights:   cfg.Mix.weights(),
		latencies: map[string][]time.Duration{}, errs: map[string]int{}, conflicts: map[string]int{}, unauth: map[string]int{}, failed: map[string]map[int]int{},
	}
	defer r.transport.CloseIdleConnections()
	actions, dropped := 0, 0
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(cfg.Duration)
	if cfg.Rate > 0 {
		sem := make(chan struct{}, cfg.MaxInFlight)
		interval := time.Duration(float64(time.Second) / cfg.Rate)
		for i := 0; ; i++ {
			at := start.Add(time.Duration(i) * interval)
			if !at.Before(end) || ctx.Err() != nil {
				break
			}
			time.Sleep(time.Until(at))
			select {
			case sem <- struct{}{}:
			default:
				dropped++
				continue
			}
			actions++
			wg.Go(func() {
				defer func() { <-sem }()
				r.act(ctx, r.pick())
			})
		}
	} else {
		var mu sync.Mutex
		for range cfg.Workers {
			wg.Go(func() {
				for time.Now().Before(end) && ctx.Err() == nil {
					r.act(ctx, r.pick())
					mu.Lock()
					actions++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	return r.report(time.Since(start), actions, dropped), nil
}

// pick draws an action by the mix's weights.
func (r *run) pick() int {
	x := mrand.Float64()
	for a, w := range r.weights {
		if x < w {
			return a
		}
		x -= w
	}
	return actRead
}

// searches are what residents type into the directory's search.
var searches = []string{"kallio", "terveysasema", "hammashoito", "neuvola", "perhekeskus", "hälsostation", "töölö", "senior"}

// units are unit pages residents open.
var units = []string{"kallio-health-station", "toolo-health-station"}

// act plays one action of the mix.
func (r *run) act(ctx context.Context, a int) {
	switch a {
	case actRead:
		q := url.QueryEscape(searches[mrand.IntN(len(searches))])
		switch mrand.IntN(4) {
		case 0:
			r.get(ctx, nil, "GET /", "/")
		case 1:
			r.get(ctx, nil, "GET /units?q=", "/units?q="+q)
		case 2:
			r.get(ctx, nil, "GET /api/v1/units?q=", "/api/v1/units?q="+q)
		default:
			r.get(ctx, nil, "GET /units/{id}", "/units/"+units[mrand.IntN(len(units))])
		}
	case actSignIn:
		if c := r.signIn(ctx, r.cfg.Residents[mrand.IntN(len(r.cfg.Residents))]); c != nil {
			r.mu.Lock()
			r.residents = append(r.residents, c)
			if len(r.residents) > 64 {
				r.residents = slices.Delete(r.residents, 0, len(r.residents)-64)
			}
			r.mu.Unlock()
		}
	case actSubmit:
		if c := r.session(ctx, false); c != nil {
			r.submit(ctx, c)
		}
	case actBook:
		if c := r.session(ctx, false); c != nil {
			r.book(ctx, c)
		}
	case actQueue:
		if c := r.session(ctx, true); c != nil {
			r.get(ctx, c, "GET /queue", "/queue")
		}
	}
}

// session returns a signed-in client: one of the residents signed in
// lately (in whichever process), or the staff's; with none yet it signs
// one in.
func (r *run) session(ctx context.Context, staff bool) *http.Client {
	r.mu.Lock()
	pool := r.residents
	if staff {
		pool = r.staff
	}
	var c *http.Client
	if len(pool) > 0 {
		c = pool[mrand.IntN(len(pool))]
	}
	r.mu.Unlock()
	if c != nil {
		return c
	}
	names := r.cfg.Residents
	if staff {
		names = r.cfg.Staff
	}
	c = r.signIn(ctx, names[mrand.IntN(len(names))])
	if c != nil {
		r.mu.Lock()
		if staff {
			r.staff = append(r.staff, c)
		} else {
			r.residents = append(r.residents, c)
		}
		r.mu.Unlock()
	}
	return c
}

// signIn signs username in with a cookie jar of its own and returns the
// client, or nil when the sign-in failed.
func (r *run) signIn(ctx context.Context, username string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: r.transport, Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	body, _ := json.Marshal(map[string]string{"username": username, "password": r.cfg.Password})
	status, _ := r.do(ctx, c, "POST /api/v1/session", "POST", "/api/v1/session", body, "", http.StatusCreated)
	if status != http.StatusCreated {
		return nil
	}
	return c
}

// submit sends a contact request and records its id once acknowledged.
func (r *run) submit(ctx context.Context, c *http.Client) {
	body := []byte(`{"service":"health-station-nurse","unit":"kallio-health-station","message":"Kuormitustesti: pyydän soittoa."}`)
	if id, ok := r.write(ctx, c, "POST /api/v1/contact-requests", "/api/v1/contact-requests", body); ok {
		r.mu.Lock()
		r.contacts = append(r.contacts, id)
		r.mu.Unlock()
	}
}

// bookable are the demo's services residents book directly.
var bookable = []string{"health-station-nurse", "dental-care"}

// book finds free times and books one, recording the booking once
// acknowledged; a time taken meanwhile is a conflict, not an error.
func (r *run) book(ctx context.Context, c *http.Client) {
	service := bookable[mrand.IntN(len(bookable))]
	status, b := r.do(ctx, c, "GET /api/v1/slots", "GET", "/api/v1/slots?service="+service, nil, "", http.StatusOK)
	if status != http.StatusOK {
		return
	}
	var page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if json.Unmarshal(b, &page) != nil {
		return
	}
	if len(page.Items) == 0 {
		r.mu.Lock()
		r.conflicts["GET /api/v1/slots"]++ // every free time is taken
		r.mu.Unlock()
		return
	}
	slot := page.Items[mrand.IntN(len(page.Items))].ID
	body := fmt.Appendf(nil, `{"slot":%d}`, slot)
	if id, ok := r.write(ctx, c, "POST /api/v1/appointments", "/api/v1/appointments", body); ok {
		r.mu.Lock()
		r.appts = append(r.appts, id)
		r.mu.Unlock()
	}
}

// write POSTs body under a fresh Idempotency-Key, retrying with the same
// key while no answer comes or the answer is 502/503/504 (a process gone
// under the proxy), and returns the id of what was acknowledged.
func (r *run) write(ctx context.Context, c *http.Client, route, path string, body []byte) (int64, bool) {
	key := rand.Text()
	for attempt := 0; attempt < 4; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
		}
		status, b := r.do(ctx, c, route, "POST", path, body, key, http.StatusCreated, http.StatusOK)
		switch status {
		case http.StatusCreated, http.StatusOK:
			var v struct {
				ID int64 `json:"id"`
			}
			if json.Unmarshal(b, &v) != nil || v.ID == 0 {
				return 0, false
			}
			return v.ID, true
		case 0, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			continue
		}
		return 0, false
	}
	return 0, false
}

// get reads path as route (anonymously with a nil client).
func (r *run) get(ctx context.Context, c *http.Client, route, path string) {
	if c == nil {
		c = &http.Client{Transport: r.transport, Timeout: 30 * time.Second}
	}
	r.do(ctx, c, route, "GET", path, nil, "", http.StatusOK)
}

// do sends one request, records its latency under route and whether it
// failed, and returns the status (0 when no answer came) and the body.
func (r *run) do(ctx context.Context, c *http.Client, route, method, path string, body []byte, key string, want ...int) (int, []byte) {
	req, err := http.NewRequestWithContext(ctx, method, r.cfg.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	req.Header.Set("Accept-Language", "fi")
	started := time.Now()
	resp, err := c.Do(req)
	var b []byte
	status := 0
	if err == nil {
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
		if err != nil {
			status = 0
		}
	}
	took := time.Since(started)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.latencies[route] = append(r.latencies[route], took)
	switch {
	case slices.Contains(want, status):
	case status == http.StatusConflict && route == "POST /api/v1/appointments":
		r.conflicts[route]++
	default:
		r.errs[route]++
		if r.failed[route] == nil {
			r.failed[route] = map[int]int{}
		}
		r.failed[route][status]++
		if status == http.StatusUnauthorized {
			r.unauth[route]++
		}
	}
	return status, b
}

// report sums the run up.
func (r *run) report(elapsed time.Duration, actions, dropped int) Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := Report{Elapsed: elapsed, Actions: actions, Dropped: dropped, Contacts: r.contacts, Appointments: r.appts}
	for name, ls := range r.latencies {
		sort.Slice(ls, func(i, j int) bool { return ls[i] < ls[j] })
		out.Routes = append(out.Routes, Route{Name: name, Count: len(ls), Errors: r.errs[name], Conflicts: r.conflicts[name], Unauthorized: r.unauth[name], Failed: r.failed[name],
			P50: quantile(ls, 0.50), P99: quantile(ls, 0.99), Max: ls[len(ls)-1]})
		out.Requests += len(ls)
	}
	sort.Slice(out.Routes, func(i, j int) bool { return out.Routes[i].Name < out.Routes[j].Name })
	if elapsed > 0 {
		out.Rate = float64(out.Requests) / elapsed.Seconds()
	}
	return out
}

// quantile is the q-quantile of sorted ls by the nearest rank.
func quantile(ls []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(ls))+0.5) - 1
	return ls[max(0, min(i, len(ls)-1))]
}

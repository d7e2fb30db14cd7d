package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"sotepe/app"
	"sotepe/assess"
	"sotepe/booking"
	"sotepe/contact"
	"sotepe/demo"
	"sotepe/docs"
	"sotepe/feedback"
	"sotepe/i18n"
	"sotepe/internal/testenv"
	"sotepe/password"
	"sotepe/store"
	"sotepe/survey"
	"sotepe/web"
	"sotepe/workday"
)

// env is a real sotepe server on loopback over a real database (SQLite, or
// a schema of its own in the PostgreSQL database SOTEPE_TEST_POSTGRES
// names) filled with the demo network and people.
type env struct {
	t     *testing.T
	srv   *httptest.Server
	store *store.Store
	cat   *i18n.Catalog
	clock *testenv.Clock
	ids   demo.People
	// engine is store.SQLite or store.Postgres.
	engine string
	// contacts is the contact service behind the server, for sweeps.
	contacts *contact.Service
	// appts is the appointment service behind the server, for sweeps.
	appts *booking.Service
	// web is the server under test.
	web *web.Server
}

var demoHash = sync.OnceValues(func() (string, error) { return password.Hash("demo", password.Default()) })

// newEnv returns an environment on SQLite, for tests that run on one
// engine only.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, store.SQLite)
}

// onEngines runs fn as the subtests "sqlite" and "postgres", each with an
// environment of its own; the PostgreSQL one skips when
// SOTEPE_TEST_POSTGRES is unset. The test and its subtests run in parallel
// with other such tests (each has its own server and database), so that
// PostgreSQL's slower set-up overlaps with other work.
func onEngines(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	t.Parallel()
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnvOn(t, engine))
		})
	}
}

// openStore opens an empty, migrated store on engine: SQLite in a
// temporary folder, or PostgreSQL in a new schema (through search_path)
// that is dropped when the test ends. The PostgreSQL store skips the test
// when SOTEPE_TEST_POSTGRES is unset.
func openStore(t testing.TB, engine string) *store.Store {
	t.Helper()
	return openDSN(t, testenv.DSN(t, testenv.Engine(engine)), true)
}

// openDSN opens the store at dsn, closed when the test ends, and migrates
// it when migrate is set.
func openDSN(t testing.TB, dsn string, migrate bool) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Registered after the schema's cleanup, so it runs before it.
	t.Cleanup(func() { st.Close() })
	if migrate {
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// loadDemo loads the demo network and the demo people (password "demo")
// into st and returns the people.
func loadDemo(t testing.TB, st *store.Store) demo.People {
	t.Helper()
	ctx := context.Background()
	if err := demo.LoadNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	hash, err := demoHash()
	if err != nil {
		t.Fatal(err)
	}
	people, err := demo.LoadPeople(ctx, st, st, hash)
	if err != nil {
		t.Fatal(err)
	}
	return people
}

// newEnvOn returns an environment on engine (store.SQLite or
// store.Postgres).
func newEnvOn(t *testing.T, engine string, opts ...func(*web.Config)) *env {
	t.Helper()
	ctx := context.Background()
	st := openStore(t, engine)
	people := loadDemo(t, st)
	saveChatLines(t, st)
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	clk := testenv.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, loc)) // a Monday morning
	st.Now = clk.Now
	cal, err := workday.NewLive(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	contacts := contact.New(contact.Config{Store: st, Calendar: cal, Now: clk.Now})
	defs, err := assess.Load()
	if err != nil {
		t.Fatal(err)
	}
	assessments := assess.New(assess.Config{Definitions: defs, Store: st, Contacts: contacts, Now: clk.Now})
	surveys, err := survey.Load()
	if err != nil {
		t.Fatal(err)
	}
	appts, err := booking.New(booking.Config{Store: st, Location: loc, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}

	// ---- The server under test: built here and only here. ----
	cfg := withServices(t, web.Config{Store: st, Catalog: cat, Location: loc, Now: clk.Now, OpenAPI: docs.OpenAPI, MaxBody: 64 << 10,
		Calendar: cal, Contacts: contacts, Assessments: assessments, Appointments: appts,
		Feedback: feedback.New(feedback.Config{Store: st, Now: clk.Now}), Surveys: survey.New(survey.Config{Surveys: surveys, Store: st, Now: clk.Now})})
	// The demo's test identity providers, as `sotepe demo` serves them, at
	// the address the server will listen on.
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	var err2 error
	if cfg.TestIdP, cfg.IdentityProviders, err2 = app.TestProviders(cfg.BaseURL, clk.Now, nil); err2 != nil {
		t.Fatal(err2)
	}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Every /api/v1 exchange is checked against docs/openapi.json and every
	// HTML page scanned for machine dates, raw ids and keys (pagescan_test.go).
	srv.Config.Handler = scanPages(t, validateAPI(t, s))
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		// The testing package keeps a test's cleanups reachable until its
		// parent ends, which for parallel tests is the end of the package
		// (Go 1.26's runCleanup shortens the slice without clearing it).
		// Dropping the handler lets the server's templates, catalog and
		// caches, some 10 MB a server, be collected when the test ends.
		srv.Config.Handler = nil
	})
	// ---- End of the server under test. ----

	return &env{t: t, srv: srv, store: st, cat: cat, clock: clk, ids: people, engine: engine, contacts: contacts, appts: appts, web: s}
}

// client is one browser or API client with its own cookies.
type client struct {
	e  *env
	hc *http.Client
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

// errorCode returns the code of a JSON error body.
func (r response) errorCode(t *testing.T) (string, string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	r.json(t, &e)
	return e.Error.Code, e.Error.Message
}

func (c *client) do(method, path, body string, header ...string) response {
	c.e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, rd)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if body != "" && strings.HasPrefix(path, "/api/") {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (c *client) get(path string, header ...string) response { return c.do("GET", path, "", header...) }

// login signs in through the API and fails the test if it does not work.
func (c *client) login(username string) {
	c.e.t.Helper()
	r := c.do("POST", "/api/v1/session", `{"username":"`+username+`","password":"demo"}`)
	if r.status != http.StatusCreated {
		c.e.t.Fatalf("login %s: %d %s", username, r.status, r.body)
	}
}

// as returns a new client signed in as username.
func (e *env) as(username string) *client {
	e.t.Helper()
	c := e.client()
	c.login(username)
	return c
}

// me returns who the signed-in client is, from GET /api/v1/me.
func (c *client) me() me {
	c.e.t.Helper()
	var m me
	c.get("/api/v1/me").json(c.e.t, &m)
	return m
}

// wantStatus reports an error unless r has the status want; what names
// the exchange.
func wantStatus(t testing.TB, r response, want int, what string) {
	t.Helper()
	if r.status != want {
		t.Errorf("%s: %d, want %d: %.300s", what, r.status, want, r.body)
	}
}

// needStatus is wantStatus that ends the test.
func needStatus(t testing.TB, r response, want int, what string) {
	t.Helper()
	if r.status != want {
		t.Fatalf("%s: %d, want %d: %.300s", what, r.status, want, r.body)
	}
}

// contactList is a page of contact requests.
type contactList struct{ Items []contactJSON }

// contactRequests returns the contact requests the client sees, GET
// /api/v1/contact-requests with query ("" or "?status=open" …).
func (c *client) contactRequests(query string) contactList {
	c.e.t.Helper()
	var l contactList
	c.get("/api/v1/contact-requests"+query).json(c.e.t, &l)
	return l
}

// residentJSON is what the API tells staff of a resident.
type residentJSON struct {
	ID         int64  `json:"id"`
	PersonalID string `json:"personal_id"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Email      string `json:"email"`
	BirthDate  string `json:"birth_date"`
}

// resident reads resident id through the API on basis.
func (c *client) resident(id int64, basis string) residentJSON {
	c.e.t.Helper()
	var r residentJSON
	c.get(fmt.Sprintf("/api/v1/residents/%d?basis=%s", id, basis)).json(c.e.t, &r)
	return r
}

package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sotepe/contact"
	"sotepe/feedback"
	"sotepe/i18n"
	"sotepe/internal/testenv"
	"sotepe/store"
	"sotepe/web"
	"sotepe/workday"
)

// secEnv is a sotepe server over SQLite or PostgreSQL with the demo people,
// served in-process so each request can come from its own address.
type secEnv struct {
	t     *testing.T
	dsn   string
	st    *store.Store
	clock *testenv.Clock
	srv   *web.Server
}

// secEngines runs fn on SQLite and, when SOTEPE_TEST_POSTGRES is set, on
// PostgreSQL, with the DSN of a new, empty database.
func secEngines(t *testing.T, fn func(t *testing.T, dsn string)) {
	for _, engine := range []testenv.Engine{testenv.SQLite, testenv.Postgres} {
		t.Run(string(engine), func(t *testing.T) { fn(t, testenv.DSN(t, engine)) })
	}
}

// newSecEnv opens dsn, loads the demo network and people when load is set
// (a second process on the same database leaves it unset), and builds a
// server with cfg's TrustedProxies and SecureCookies.
func newSecEnv(t *testing.T, dsn string, load bool, cfg web.Config) *secEnv {
	t.Helper()
	ctx := context.Background()
	st := openDSN(t, dsn, load)
	if load {
		loadDemo(t, st)
	}
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/Helsinki")
	clk := testenv.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, loc))
	st.Now = clk.Now
	cal, err := workday.NewLive(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Catalog, cfg.Location, cfg.Now, cfg.Calendar = st, cat, loc, clk.Now, cal
	cfg.Contacts = contact.New(contact.Config{Store: st, Calendar: cal, Now: clk.Now})
	cfg.Feedback = feedback.New(feedback.Config{Store: st, Now: clk.Now})
	srv, err := web.New(withServices(t, cfg))
	if err != nil {
		t.Fatal(err)
	}
	return &secEnv{t: t, dsn: dsn, st: st, clock: clk, srv: srv}
}

// do serves one request from remote ("ip:port") with header pairs; a body
// to /api/ is JSON, any other body a form.
func (e *secEnv) do(method, path, body, remote string, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = remote
	if body != "" {
		if strings.HasPrefix(path, "/api/") {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	return w
}

// login tries username's password from remote and returns the status.
func (e *secEnv) login(username, pw, remote string, header ...string) int {
	e.t.Helper()
	return e.do("POST", "/api/v1/session", `{"username":"`+username+`","password":"`+pw+`"}`, remote, header...).Code
}

// session signs username in and returns the session cookie.
func (e *secEnv) session(username string) *http.Cookie {
	e.t.Helper()
	w := e.do("POST", "/api/v1/session", `{"username":"`+username+`","password":"demo"}`, "192.0.2.200:1")
	if w.Code != http.StatusCreated {
		e.t.Fatalf("login %s: %d %s", username, w.Code, w.Body)
	}
	for _, c := range w.Result().Cookies() {
		if strings.Contains(c.Name, "session") {
			return c
		}
	}
	e.t.Fatalf("login %s set no session cookie", username)
	return nil
}

package app_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/app"
	"sotepe/internal/testenv"
	"sotepe/store"
)

func TestNewNeedsADatabase(t *testing.T) {
	if _, err := app.New(context.Background(), app.Config{}); err == nil || !strings.Contains(err.Error(), "--db") {
		t.Fatalf("New without a database: %v", err)
	}
}

// TestDemoWiring builds the demo twice on one database: the first build
// loads the demo data and tells Seed it is fresh, the second finds it; the
// web server answers with every service wired (a demo sign-in, the
// directory, the free-time search), the background work starts and stops,
// and Close may be called twice.
func TestDemoWiring(t *testing.T) { testenv.Engines(t, testDemoWiring) }

func testDemoWiring(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.DSN(t, testenv.EngineOf(t))
	var seeds []bool
	var progress strings.Builder
	cfg := app.Config{DB: dsn, Demo: true, Progress: &progress,
		Seed: func(ctx context.Context, st *store.Store, fresh bool) error { seeds = append(seeds, fresh); return nil }}
	a, err := app.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "creating the demo database") {
		t.Errorf("the first demo start did not load the demo: %q", progress.String())
	}
	a.Start(ctx)
	for _, c := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/readyz", "", 200},
		{"POST", "/api/v1/session", `{"username":"anna","password":"demo"}`, 201},
		{"GET", "/api/v1/units?q=kallio", "", 200},
		{"GET", "/api/v1/slots?service=health-station-nurse", "", 200},
		{"GET", "/api/v1/assessments", "", 200},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		a.Web.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s %s: %d, want %d: %.200s", c.method, c.path, rec.Code, c.want, rec.Body.String())
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}

	progress.Reset()
	b, err := app.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if strings.Contains(progress.String(), "creating") {
		t.Error("the second demo start loaded the demo again")
	}
	if len(seeds) != 2 || !seeds[0] || seeds[1] {
		t.Errorf("Seed saw fresh = %v, want [true false]", seeds)
	}
}

// TestServeShutsDownWhenAsked: Serve answers on its listener until its
// context ends, then returns nil; a failing Seed fails New.
func TestServeShutsDownWhenAsked(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.DSN(t, testenv.SQLite)
	a, err := app.New(ctx, app.Config{DB: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Serve(sctx, ln) }()
	res, err := http.Get("http://" + ln.Addr().String() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("readyz: %d", res.StatusCode)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Serve after its context ended: %v", err)
	}

	boom := errors.New("seed failed")
	_, err = app.New(ctx, app.Config{DB: testenv.DSN(t, testenv.SQLite), Demo: true,
		Seed: func(context.Context, *store.Store, bool) error { return boom }})
	if !errors.Is(err, boom) {
		t.Fatalf("New with a failing Seed: %v", err)
	}
}

// TestReadDBServesTheFigures starts the program with the figures read
// through a second PostgreSQL pool, here the primary itself with
// target_session_attrs=any; on SQLite a read DSN is refused at start.
func TestReadDBServesTheFigures(t *testing.T) { testenv.Engines(t, testReadDBServesTheFigures) }

func testReadDBServesTheFigures(t *testing.T) {
	ctx := context.Background()
	engine := testenv.EngineOf(t)
	dsn := testenv.DSN(t, engine)
	a, err := app.New(ctx, app.Config{DB: dsn, Demo: true, ReadDB: dsn + "&target_session_attrs=any"})
	if engine == testenv.SQLite {
		if sotepe.ErrorCode(err) != sotepe.EInvalid {
			t.Fatalf("a read DSN beside SQLite: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Store.StaffHeadcount(ctx, "2024-12-31"); err != nil {
		t.Fatalf("the figures through the read DSN: %v", err)
	}
	rec := httptest.NewRecorder()
	a.Web.ServeHTTP(rec, httptest.NewRequest("GET", "/report/2024", nil))
	if rec.Code != 200 {
		t.Fatalf("the annual report through the read DSN: %d", rec.Code)
	}
}

// TestDashboardWarmsAtStart: with WarmDashboard, Start reads the
// dashboard's months in the background and Warmed tells when it is done;
// a start whose context has ended stops it at once; without it, nothing
// is warmed.
func TestDashboardWarmsAtStart(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.DSN(t, testenv.SQLite)
	for _, c := range []struct {
		name        string
		warm, ended bool
	}{{"warmed", true, false}, {"cancelled", true, true}, {"off", false, false}} {
		t.Run(c.name, func(t *testing.T) {
			a, err := app.New(ctx, app.Config{DB: dsn, Demo: true, WarmDashboard: c.warm})
			if err != nil {
				t.Fatal(err)
			}
			sctx, cancel := context.WithCancel(ctx)
			if c.ended {
				cancel()
			}
			a.Start(sctx)
			if c.warm {
				select {
				case <-a.Web.Warmed():
				case <-time.After(time.Minute):
					t.Error("the dashboard was not warmed within a minute")
				}
			}
			cancel()
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			select {
			case <-a.Web.Warmed():
				if !c.warm {
					t.Error("warmed without WarmDashboard")
				}
			default:
				if c.warm {
					t.Error("Warmed still open after Close")
				}
			}
		})
	}
}

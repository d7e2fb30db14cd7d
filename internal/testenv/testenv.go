// Package testenv is the test environment of sotepe's service packages
// (contact, booking, assess, notify, feedback, directory, cmd/sotepe …): a
// settable clock, a migrated store on SQLite or PostgreSQL, and the demo
// network and people in it. Only tests import it.
//
// Tests run on both engines with Engines:
//
//	func TestX(t *testing.T) { testenv.Engines(t, testX) }
//
//	func testX(t *testing.T) {
//		env := testenv.New(t, testenv.EngineOf(t))
//		…
//	}
//
// The PostgreSQL half skips unless SOTEPE_TEST_POSTGRES holds a URL, e.g.
//
//	SOTEPE_TEST_POSTGRES='postgres://sotepe:sotepe@127.0.0.1:5432/sotepe_test?sslmode=disable'
//
// and each PostgreSQL store lives in a schema of its own (search_path in
// the DSN), dropped when the test ends, so tests never see each other's
// rows.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/internal/bare"
	"sotepe/store"
	"sotepe/store/storetest/testdb"
	"sotepe/workday"
)

// PostgresEnv names the environment variable that holds the PostgreSQL
// test database's URL.
const PostgresEnv = "SOTEPE_TEST_POSTGRES"

// PasswordHash is a cheap, valid argon2id hash for demo people in tests;
// no password verifies against it.
const PasswordHash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"

// Engine is a database engine the store runs on.
type Engine string

// The engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Engines runs fn as two subtests named after the engines, "sqlite" and
// "postgres"; EngineOf tells fn's test which one it is in. The PostgreSQL
// subtest skips when SOTEPE_TEST_POSTGRES is not set.
func Engines(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	for _, e := range []Engine{SQLite, Postgres} {
		t.Run(string(e), func(t *testing.T) {
			if e == Postgres && os.Getenv(PostgresEnv) == "" {
				t.Skip(PostgresEnv + " is not set: skipping the PostgreSQL half")
			}
			fn(t)
		})
	}
}

// Envs runs fn as Engines does, each time with a new Env on the subtest's
// engine: the shape of a service test that needs nothing else first.
func Envs(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	Engines(t, func(t *testing.T) { fn(t, New(t, EngineOf(t))) })
}

// EngineOf returns the engine of the Engines subtest t runs in (or is
// nested in), and SQLite for a test outside Engines.
func EngineOf(t testing.TB) Engine {
	parts := strings.Split(t.Name(), "/")
	for i := len(parts) - 1; i >= 1; i-- {
		if e := Engine(parts[i]); e == SQLite || e == Postgres {
			return e
		}
	}
	return SQLite
}

// Clock is a settable clock, safe for concurrent use (testdb's). Its Now
// is what the store and the services get as their clock.
type Clock = testdb.Clock

// NewClock returns a clock standing at now.
func NewClock(now time.Time) *Clock {
	c := testdb.NewClock()
	c.Set(now)
	return c
}

// Buffer collects output (a log, a server's stdout) written from several
// goroutines while the test reads it. The zero Buffer is empty.
type Buffer struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// DSN returns where a new, empty database on engine is, as sotepe's --db
// takes it: a SQLite file in the test's temporary directory, or a
// PostgreSQL URL whose search_path is a new schema, dropped when the test
// ends (the test skips unless SOTEPE_TEST_POSTGRES is set). Stores opened
// on it must be closed before the test ends.
func DSN(t testing.TB, engine Engine) string {
	t.Helper()
	if engine == Postgres {
		return PostgresDSN(t)
	}
	return filepath.Join(t.TempDir(), "sotepe.db")
}

// Open returns a new, empty, migrated store on engine, closed (and on
// PostgreSQL its schema dropped) when the test ends. On PostgreSQL it
// skips the test unless SOTEPE_TEST_POSTGRES is set.
func Open(t testing.TB, engine Engine) *store.Store {
	t.Helper()
	return open(t, DSN(t, engine))
}

// SaveCity saves the city's network into st: the demo network widened to
// the 349 units of the 2024 sector (demo.WidenNetwork), as the benchmarks
// measure against. It returns the network saved.
func SaveCity(t testing.TB, st *store.Store) demo.Network {
	t.Helper()
	base, err := demo.BaseNetwork()
	if err != nil {
		t.Fatal(err)
	}
	n := demo.WidenNetwork(base, 349, 2024)
	if err := n.Save(context.Background(), st); err != nil {
		t.Fatalf("save the city's network: %v", err)
	}
	return n
}

// Bare returns a baseline database (package bare) on engine holding
// sotepe's schema and the demo network, and its units, for a benchmark
// that measures sotepe against a bare loop over the same tables; it is
// closed when the test ends (before a PostgreSQL schema is dropped).
func Bare(t testing.TB, engine Engine) (*bare.DB, []bare.Unit) {
	t.Helper()
	ctx := context.Background()
	dsn := DSN(t, engine)
	st := open(t, dsn)
	if err := demo.LoadNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	d, err := bare.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	units, err := d.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return d, units
}

// open returns a migrated store on dsn, closed when the test ends.
func open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	// Registered after the PostgreSQL schema's cleanup, so it runs before it.
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return st
}

// PostgresDSN returns a URL of the PostgreSQL test database whose
// search_path is a new schema, dropped when the test ends (the approach of
// the store suite); it skips the test unless SOTEPE_TEST_POSTGRES is set.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	if os.Getenv(PostgresEnv) == "" {
		t.Skip(PostgresEnv + " is not set: skipping the PostgreSQL half")
	}
	dsn, drop, err := NewPostgresSchema()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	return dsn
}

// NewPostgresSchema creates a new schema in the database that
// SOTEPE_TEST_POSTGRES names and returns a URL whose search_path is that
// schema, and drop, which drops it. It is for fixtures that outlive one
// test (a TestMain's); a test uses PostgresDSN. Without
// SOTEPE_TEST_POSTGRES it fails.
func NewPostgresSchema() (dsn string, drop func() error, err error) {
	base := os.Getenv(PostgresEnv)
	if base == "" {
		return "", nil, errors.New("testenv: " + PostgresEnv + " is not set")
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("testenv: parse %s: %w", PostgresEnv, err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, fmt.Errorf("testenv: open postgres: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(context.Background(), `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("testenv: create schema: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	drop = func() error {
		defer admin.Close()
		_, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
		return err
	}
	return u.String(), drop, nil
}

// Env is a store on one engine with the demo network and people, the
// working-day calendar read from it, and a clock that the store stamps its
// rows with.
type Env struct {
	Engine Engine
	// DSN is where the store is, as sotepe's --db takes it.
	DSN      string
	Store    *store.Store
	Clock    *Clock
	Calendar *workday.Live
	// Location is Europe/Helsinki, the city's time zone.
	Location *time.Location
	People   demo.People
	// Users are the demo people's accounts by username (anna, erik, nurse,
	// manager, analyst, admin …).
	Users map[string]sotepe.User
}

// Start is where an Env's clock stands at first: Monday 23 November 2026,
// 10:00 in Helsinki, a working day.
func Start(loc *time.Location) time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, loc) }

// New returns an Env on engine: a migrated store holding the hand-written
// demo network and the demo people (password hash PasswordHash), the store's
// clock at Start. It fails or skips the test as Open does.
func New(t testing.TB, engine Engine) *Env {
	t.Helper()
	ctx := context.Background()
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	dsn := DSN(t, engine)
	env := &Env{Engine: engine, DSN: dsn, Store: open(t, dsn), Clock: NewClock(Start(loc)), Location: loc, Users: map[string]sotepe.User{}}
	env.Store.Now = env.Clock.Now
	if err := demo.LoadNetwork(ctx, env.Store); err != nil {
		t.Fatal(err)
	}
	if env.People, err = demo.LoadPeople(ctx, env.Store, env.Store, PasswordHash); err != nil {
		t.Fatal(err)
	}
	for name, id := range env.People.Users {
		u, err := env.Store.User(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		env.Users[name] = u
	}
	if env.Calendar, err = workday.NewLive(ctx, env.Store); err != nil {
		t.Fatal(err)
	}
	return env
}

// OpenAnother returns another store on the Env's database, as another
// process sharing it would open, stamping its rows with the Env's clock;
// it is closed when the test ends.
func (e *Env) OpenAnother(t testing.TB) *store.Store {
	t.Helper()
	st := open(t, e.DSN)
	st.Now = e.Clock.Now
	return st
}

// User returns the demo person's account; an unknown name fails the test.
func (e *Env) User(t testing.TB, name string) sotepe.User {
	t.Helper()
	u, ok := e.Users[name]
	if !ok {
		t.Fatalf("testenv: no demo user %q", name)
	}
	return u
}

// LoadAppointments opens the demo's free times for the weeks from the
// clock's time.
func (e *Env) LoadAppointments(t testing.TB) {
	t.Helper()
	if _, err := demo.LoadAppointments(context.Background(), e.Store, e.Clock.Now(), e.Location); err != nil {
		t.Fatal(err)
	}
}

// Code fails the test unless err carries code ("" for no error).
func Code(t testing.TB, err error, code string) {
	t.Helper()
	testdb.WantCode(t, err, code)
}

// As returns the demo person's account and a context carrying them as the
// actor, as web's authentication does for a signed-in request. An unknown
// name gives the zero user.
func (e *Env) As(name string) (context.Context, sotepe.User) {
	u := e.Users[name]
	a := sotepe.Actor{UserID: u.ID, RequestID: "test"}
	for _, role := range []sotepe.Role{sotepe.RoleAdmin, sotepe.RoleManager, sotepe.RoleProfessional, sotepe.RoleAnalyst, sotepe.RoleResident} {
		if u.Has(role) {
			a.Role = role
			break
		}
	}
	if len(u.Units) > 0 {
		a.Unit = u.Units[0]
	}
	return sotepe.WithActor(context.Background(), a), u
}

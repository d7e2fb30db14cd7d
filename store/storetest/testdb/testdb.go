// Package testdb makes empty databases for tests, and the settable clock
// they run on. It knows nothing of sotepe's store, so that the store's own
// in-package tests and the exported suite (package storetest) share it:
// the in-package tests cannot import storetest, which imports the store.
//
// A SQLite database is a file in the test's temporary directory. A
// PostgreSQL database is a schema of its own, created in the database that
// SOTEPE_TEST_POSTGRES names and dropped when the test ends, so tests run
// side by side without seeing each other's rows.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sotepe"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// PostgresEnv is the environment variable that holds the URL of the
// PostgreSQL database tests may create schemas in, e.g.
// postgres://sotepe:sotepe@127.0.0.1:5432/sotepe_test?sslmode=disable.
// Without it the PostgreSQL halves of the tests skip.
const PostgresEnv = "SOTEPE_TEST_POSTGRES"

// Start is the instant a new Clock shows: Monday 3 June 2024, 12:30 in
// Helsinki.
var Start = time.Date(2024, 6, 3, 9, 30, 0, 0, time.UTC)

// Clock is a settable test clock, safe for concurrent use. The zero Clock
// shows the zero time; NewClock's shows Start.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock showing Start.
func NewClock() *Clock { return &Clock{t: Start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// SQLite returns the path of a new SQLite database file in the test's
// temporary directory, removed with it.
func SQLite(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "sotepe.db")
}

// Postgres returns the URL of a new, empty schema in the database that
// PostgresEnv names (search_path set in the URL), and drops the schema with
// everything in it when the test ends; connections opened on the URL must
// be closed by cleanups registered after this call. It skips the test when
// PostgresEnv is unset and fails it when the database cannot be reached.
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip(PostgresEnv + " is not set: skipping the PostgreSQL part")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// WantCode fails the test unless err carries code ("" for no error).
func WantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := sotepe.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// WantKey fails the test unless err carries code and catalog key.
func WantKey(t testing.TB, err error, code, key string) {
	t.Helper()
	WantCode(t, err, code)
	if got := sotepe.ErrorKey(err); got != key {
		t.Fatalf("error key = %q (%v), want %q", got, err, key)
	}
}

// Must fails the test on a non-nil err.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

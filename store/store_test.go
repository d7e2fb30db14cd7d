package store

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
)

// The conformance suite: every test runs against SQLite, and against
// PostgreSQL when SOTEPE_TEST_POSTGRES holds a URL, e.g.
//
//	SOTEPE_TEST_POSTGRES='postgres://sotepe:sotepe@127.0.0.1:5432/sotepe_test?sslmode=disable' go test ./store/
//
// Each PostgreSQL test gets a schema of its own (search_path in the DSN),
// dropped afterwards, so runs never see each other's rows.

const postgresEnv = "SOTEPE_TEST_POSTGRES"

// clock is a settable test clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// testStore is a migrated store and its clock.
type testStore struct {
	*Store
	clock *clock
}

// engines runs fn once per engine as a subtest.
func engines(t *testing.T, fn func(t *testing.T, s testStore)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, newStore(t, openSQLite(t)))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, newStore(t, openPostgres(t)))
	})
}

func newStore(t testing.TB, s *Store) testStore {
	t.Helper()
	c := &clock{t: time.Date(2024, 6, 3, 9, 30, 0, 0, time.UTC)}
	s.Now = c.Now
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return testStore{Store: s, clock: c}
}

func openSQLite(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "sotepe.db"), nil)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openPostgres opens a store in a new schema of the database that
// SOTEPE_TEST_POSTGRES names, and drops the schema when the test ends.
func openPostgres(t testing.TB) *Store {
	t.Helper()
	base := os.Getenv(postgresEnv)
	if base == "" {
		t.Skip(postgresEnv + " is not set: skipping the PostgreSQL part of the store suite")
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
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", postgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := Open(ctx, u.String(), nil)
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	// Registered after the schema's cleanup, so it runs before it.
	t.Cleanup(func() { s.Close() })
	return s
}

// wantCode fails the test unless err carries code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := sotepe.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// wantKey fails the test unless err carries code and catalog key.
func wantKey(t testing.TB, err error, code, key string) {
	t.Helper()
	wantCode(t, err, code)
	if got := sotepe.ErrorKey(err); got != key {
		t.Fatalf("error key = %q (%v), want %q", got, err, key)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenRejectsMemory(t *testing.T) {
	_, err := Open(context.Background(), ":memory:", nil)
	wantCode(t, err, sotepe.EInvalid)
}

func TestMigrateTwice(t *testing.T) {
	engines(t, func(t *testing.T, s testStore) {
		ctx := context.Background()
		must(t, s.Migrate(ctx))
		must(t, s.Migrate(ctx))
		must(t, s.Ping(ctx))
		var n int
		must(t, s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM goose_db_version`).Scan(&n))
		if n < 2 { // goose's own row 0 and migration 1
			t.Fatalf("goose_db_version has %d rows", n)
		}
		if s.Dialect() == Postgres {
			// The version table lives in the test's schema, not in public.
			var schema string
			must(t, s.r.QueryRowContext(ctx,
				`SELECT schemaname FROM pg_tables WHERE tablename = 'goose_db_version' AND schemaname = current_schema()`).Scan(&schema))
			var inPublic int
			must(t, s.r.QueryRowContext(ctx,
				`SELECT COUNT(*) FROM pg_tables WHERE tablename = 'audit_log' AND schemaname = 'public'`).Scan(&inPublic))
			if inPublic != 0 {
				t.Fatal("audit_log created in public")
			}
		}
	})
}

func TestSQLiteDurability(t *testing.T) {
	s := newStore(t, openSQLite(t))
	ctx := context.Background()
	if s.Dialect() != SQLite {
		t.Fatalf("dialect %q", s.Dialect())
	}
	for name, db := range map[string]*sql.DB{"writer": s.w, "reader": s.r} {
		var journal string
		var fk, busy int
		must(t, db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journal))
		must(t, db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk))
		must(t, db.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy))
		if journal != "wal" || fk != 1 || busy < 5000 {
			t.Errorf("%s: journal_mode=%s foreign_keys=%d busy_timeout=%d", name, journal, fk, busy)
		}
	}
	var sync int
	must(t, s.w.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync))
	if sync != 2 {
		t.Errorf("writer synchronous = %d, want 2 (FULL)", sync)
	}
	// The readers are query-only.
	if _, err := s.r.ExecContext(ctx, `INSERT INTO concepts (id, name_fi, name_sv, name_en) VALUES ('x', 'x', 'x', 'x')`); err == nil {
		t.Error("reader pool accepted a write")
	}
}

func TestPingClosed(t *testing.T) {
	s := newStore(t, openSQLite(t))
	s.Close()
	wantCode(t, s.Ping(context.Background()), sotepe.EUnavailable)
}

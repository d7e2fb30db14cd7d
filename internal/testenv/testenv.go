// Package testenv is the test environment of the service packages: a
// migrated store with the demo network and the demo people, on SQLite always
// and on PostgreSQL when SOTEPE_TEST_POSTGRES holds a URL (each test in a
// schema of its own, dropped afterwards). Only tests import it.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/store"
)

// PostgresEnv names the variable holding the PostgreSQL URL of the tests.
const PostgresEnv = "SOTEPE_TEST_POSTGRES"

// Now is the clock of every Env: Monday 23 November 2026, 10:00 UTC.
var Now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// Env is a store with the demo network and people.
type Env struct {
	Store *store.Store
	// Users are the demo accounts by username: anna and erik (residents),
	// nurse and manager (Kallio), analyst and admin.
	Users map[string]sotepe.User
	// People are the ids the demo load returned.
	People demo.People
}

// Engines runs fn as a subtest on SQLite and, when PostgresEnv is set, on
// PostgreSQL.
func Engines(t *testing.T, fn func(t *testing.T, e Env)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, open(t, filepath.Join(t.TempDir(), "t.db")))
	})
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv(PostgresEnv)
		if base == "" {
			t.Skip(PostgresEnv + " is not set")
		}
		fn(t, open(t, schemaURL(t, base)))
	})
}

// schemaURL creates a fresh schema and returns base with its search_path.
func schemaURL(t *testing.T, base string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "svc_" + strings.ToLower(rand.Text()[:10])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA "`+schema+`"`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA "`+schema+`" CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t *testing.T, dsn string) Env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Registered after the schema's cleanup, so it runs before it.
	t.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return Now }
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	people, err := demo.LoadPeople(ctx, st, st, "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g")
	if err != nil {
		t.Fatal(err)
	}
	e := Env{Store: st, Users: map[string]sotepe.User{}, People: people}
	for name, id := range people.Users {
		u, err := st.User(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		e.Users[name] = u
	}
	return e
}

// Code fails the test unless err carries code ("" for no error).
func Code(t testing.TB, err error, code string) {
	t.Helper()
	if got := sotepe.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// As returns a context carrying u as the actor, as web's authentication
// does for a signed-in request.
func (e Env) As(name string) (context.Context, sotepe.User) {
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

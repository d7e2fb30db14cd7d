package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"

	"sotepe/demo"
	"sotepe/internal/testenv"
	"sotepe/report"
	"sotepe/store"
)

// engineDB returns a new database on the engine of the test (see
// testenv.Engines) that fill has filled through a store, closed again.
func engineDB(t *testing.T, fill func(ctx context.Context, st *store.Store) error) string {
	t.Helper()
	db := testenv.DSN(t, testenv.EngineOf(t))
	withStore(t, db, fill)
	return db
}

// networkDB returns a database on the engine of the test with the demo
// network and nothing else.
func networkDB(t *testing.T) string {
	t.Helper()
	return engineDB(t, func(ctx context.Context, st *store.Store) error { return demo.LoadNetwork(ctx, st) })
}

// queryDB opens the store of db and scans the one row query returns into
// dest, as a test looks at what a command stored.
func queryDB(t *testing.T, db, query string, dest ...any) {
	t.Helper()
	withStore(t, db, func(ctx context.Context, st *store.Store) error {
		return st.DB().QueryRowContext(ctx, query).Scan(dest...)
	})
}

// withStore opens the store of db, runs fn with it and closes it; an
// error of either fails the test.
func withStore(t *testing.T, db string, fn func(ctx context.Context, st *store.Store) error) {
	t.Helper()
	st := mustOpenStore(t, db)
	defer st.Close()
	if err := fn(context.Background(), st); err != nil {
		t.Fatal(err)
	}
}

// mustOpenStore opens the store of db, as the commands do, for the caller
// to close; a failure ends the test.
func mustOpenStore(t *testing.T, db string) *store.Store {
	t.Helper()
	st, err := openStore(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// annualJSON runs `sotepe report --format json` for 2024 on db and returns
// the report it wrote, decoded and as written.
func annualJSON(t *testing.T, db string) (rep report.AnnualJSON, raw []byte) {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"report", "--db", db, "--year", "2024", "--format", "json"}, env(nil), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	return rep, out.Bytes()
}

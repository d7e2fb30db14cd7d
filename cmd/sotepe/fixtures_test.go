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
)

// networkDB returns a database on the engine of the test (see
// testenv.Engines) with the demo network and nothing else.
func networkDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db := testenv.DSN(t, testenv.EngineOf(t))
	st, err := openStore(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := demo.LoadNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	return db
}

// queryDB opens the store of db and scans the one row query returns into
// dest, as a test looks at what a command stored.
func queryDB(t *testing.T, db, query string, dest ...any) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.DB().QueryRowContext(ctx, query).Scan(dest...); err != nil {
		t.Fatal(err)
	}
}

// annualJSON runs `sotepe report --format json` for 2024 on db and returns
// the report it wrote.
func annualJSON(t *testing.T, db string) report.AnnualJSON {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"report", "--db", db, "--year", "2024", "--format", "json"}, env(nil), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var rep report.AnnualJSON
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

package main

import (
	"bytes"
	"context"
	"io"
	"testing"

	"sotepe"
	"sotepe/demo"
	"sotepe/internal/testenv"
)

// TestGenerateYearOnDemoDatabase generates a year into a database that
// `sotepe demo` made with the base network only: the year's widened units
// are added first (it used to fail with "unknown unit"), and the year's
// contact requests are answered, so the report's answer promise is not 0.
func TestGenerateYearOnDemoDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a year")
	}
	ctx := context.Background()
	db := testenv.DSN(t, testenv.SQLite)
	c := config{db: db}
	st, err := c.openDemoStore(ctx, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	base, err := demo.BaseNetwork()
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		n, cursor := 0, ""
		for {
			p, err := st.Units(ctx, sotepe.UnitFilter{Page: sotepe.PageRequest{Limit: 500, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			n += len(p.Items)
			if p.NextCursor == "" {
				return n
			}
			cursor = p.NextCursor
		}
	}
	if n := count(); n != len(base.Units) {
		t.Fatalf("the demo database has %d units, the base network %d", n, len(base.Units))
	}
	st.Close()

	var stdout bytes.Buffer
	if err := run(ctx, []string{"generate", "--db", db, "--year", "2024", "--scale", "0.002"}, env(nil), nil, &stdout, io.Discard); err != nil {
		t.Fatalf("generate on the demo database: %v\n%s", err, stdout.String())
	}
	rep, _ := annualJSON(t, db)
	found := false
	for _, ind := range rep.Indicators {
		if ind.ID == "answered_in_time_share" {
			found = true
			if ind.Value == nil || *ind.Value <= 0 {
				t.Errorf("answered in time: %v, want a share above 0", ind.Value)
			}
		}
	}
	if !found {
		t.Error("the report has no answered_in_time_share indicator")
	}

	c = config{db: db}
	st, err = c.openStore(ctx, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n := count(); n != 349 {
		t.Errorf("after generating, %d units, want the widened 349", n)
	}
}

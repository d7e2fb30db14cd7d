package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sotepe/internal/testenv"
)

// TestImportEvents imports a CSV of events: one bad row stores nothing and
// is reported by its line; with --skip-bad-rows the good rows land; the same
// file again adds nothing.
func TestImportEvents(t *testing.T) { testenv.Engines(t, testImportEvents) }

func testImportEvents(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := networkDB(t)

	var b strings.Builder
	b.WriteString("external_id,day,unit,statistic,mode,count\n")
	for i := range 500 {
		fmt.Fprintf(&b, "r%d,2024-05-%02d,kallio-health-station,health_station_nurse_visits,in_person,%d\n", i, 1+i%28, 1+i%3)
	}
	b.WriteString("bad1,2024-05-40,kallio-health-station,health_station_nurse_visits,in_person,1\n") // line 502
	b.WriteString("bad2,2024-05-01,nowhere,health_station_nurse_visits,in_person,1\n")               // line 503
	file := filepath.Join(dir, "events.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	total := func() (rows, sum int) {
		queryDB(t, db, `SELECT COUNT(*), COALESCE(SUM(count), 0) FROM events WHERE source = 'import'`, &rows, &sum)
		return rows, sum
	}
	var out, errs bytes.Buffer
	err := run(ctx, []string{"import", "events", "--db", db, file}, env(nil), nil, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "2 bad rows") {
		t.Fatalf("all or none: %v", err)
	}
	if !strings.Contains(errs.String(), "line 502:") || !strings.Contains(errs.String(), "line 503:") {
		t.Errorf("bad rows not reported by line: %s", errs.String())
	}
	if rows, _ := total(); rows != 0 {
		t.Fatalf("a file with bad rows stored %d events", rows)
	}
	out.Reset()
	if err := run(ctx, []string{"import", "events", "--db", db, "--skip-bad-rows", file}, env(nil), nil, &out, &errs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "500 events added") || !strings.Contains(out.String(), "2 bad rows skipped") {
		t.Errorf("skip: %s", out.String())
	}
	want := 0
	for i := range 500 {
		want += 1 + i%3
	}
	if rows, sum := total(); rows != 500 || sum != want {
		t.Errorf("stored %d rows of %d, want 500 of %d", rows, sum, want)
	}
	out.Reset()
	if err := run(ctx, []string{"import", "events", "--db", db, "--skip-bad-rows", file}, env(nil), nil, &out, &errs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0 events added, 500 there already") {
		t.Errorf("again: %s", out.String())
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sotepe/internal/testenv"
)

// TestImportEmploymentsAndBudget imports HR's employments and finance's
// budget lines: a file with a bad row stores nothing and names the line and
// field in the chosen language; a good file lands whole.
func TestImportEmploymentsAndBudget(t *testing.T) { testenv.Engines(t, testImportSector) }

func testImportSector(t *testing.T) {
	db := reportDB(t)
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	count := func(q string) (n int) {
		queryDB(t, db, q, &n)
		return n
	}
	before := count(`SELECT COUNT(*) FROM employments`)
	bad := write("bad.csv", "key,area,profession,start,end,end_reason\nx1,common-services,nurse,2024-01-01,,\nx2,common-services,nurse,2024-02-31,,\nx3,nowhere,nurse,2024-01-01,,\n")
	var out, errs bytes.Buffer
	err := run(ctx, []string{"import", "employments", "--db", db, "--lang", "sv", bad}, env(nil), nil, &out, &errs)
	if err == nil || !strings.Contains(errs.String(), "line 3, start:") || count(`SELECT COUNT(*) FROM employments`) != before {
		t.Fatalf("a bad file: %v\n%s", err, errs.String())
	}
	// The unknown area is found by the store: its line is still named.
	unknown := write("unknown.csv", "key,area,profession,start\nx1,common-services,nurse,2024-01-01\nx3,nowhere,nurse,2024-01-01\n")
	errs.Reset()
	err = run(ctx, []string{"import", "employments", "--db", db, "--lang", "fi", unknown}, env(nil), nil, &out, &errs)
	if err == nil || !strings.Contains(errs.String(), "line 3, area: Tuntematon palvelukokonaisuus.") || count(`SELECT COUNT(*) FROM employments`) != before {
		t.Fatalf("an unknown area: %v\n%s", err, errs.String())
	}
	good := write("good.csv", "start,key,area,profession,end,end_reason\n2024-01-01,x1,common-services,nurse,,\n2020-01-01,x2,common-services,nurse,2024-05-31,retirement\n")
	if err := run(ctx, []string{"import", "employments", "--db", db, good}, env(nil), nil, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	if n := count(`SELECT COUNT(*) FROM employments`); n != before+2 {
		t.Errorf("%d employments after importing 2 to %d", n, before)
	}

	badBudget := write("budget-bad.csv", "area,month,budget_eur,actual_eur\ncommon-services,2024-01,100,90\ncommon-services,2024-02,lots,90\n")
	errs.Reset()
	err = run(ctx, []string{"import", "budget", "--db", db, badBudget}, env(nil), nil, &out, &errs)
	if err == nil || !strings.Contains(errs.String(), "line 3, budget_eur: The number must be a whole number.") || count(`SELECT COUNT(*) FROM budget_months`) != 0 {
		t.Fatalf("a bad budget: %v\n%s", err, errs.String())
	}
	goodBudget := write("budget.csv", "area,month,budget_eur,actual_eur\ncommon-services,2024-01,100,90\ncommon-services,2024-02,100,120\n")
	if err := run(ctx, []string{"import", "budget", "--db", db, goodBudget}, env(nil), nil, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	if n := count(`SELECT COUNT(*) FROM budget_months`); n != 2 {
		t.Errorf("%d budget lines", n)
	}
}

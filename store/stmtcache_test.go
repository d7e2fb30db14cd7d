package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The statement cache answers as the pool does, stops growing at its bound
// (queries past it still run, unprepared), and the writer's statements
// become prepared after a transaction first uses them.
func TestStmtCache(t *testing.T) {
	s := newStore(t, openSQLite(t))
	ctx := context.Background()
	c := s.readStmts
	var one int
	if err := c.QueryRowContext(ctx, `SELECT $1 + 1`, 41).Scan(&one); err != nil || one != 42 {
		t.Fatalf("prepared read: %d, %v", one, err)
	}
	if err := c.QueryRowContext(ctx, `SELECT nonsense FROM nowhere`).Scan(&one); err == nil {
		t.Fatal("a bad query ran")
	}
	before := c.n.Load()
	for i := range maxCachedStmts + 10 {
		var got int
		if err := c.QueryRowContext(ctx, fmt.Sprintf(`SELECT %d`, i)).Scan(&got); err != nil || got != i {
			t.Fatalf("query %d: %d, %v", i, got, err)
		}
	}
	if n := c.n.Load(); n != maxCachedStmts || before >= n {
		t.Errorf("%d statements cached (bound %d)", n, maxCachedStmts)
	}
	rows, err := c.QueryContext(ctx, `SELECT 7 UNION ALL SELECT 8`)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		sum += v
	}
	if err := rows.Close(); err != nil || sum != 15 {
		t.Errorf("rows past the bound: %d, %v", sum, err)
	}

	// In a transaction on the writer: unprepared at first, prepared in the
	// background, then used through the transaction's connection.
	const q = `SELECT count(*) FROM units WHERE id <> $1`
	for round := range 2 {
		err := s.inTx(ctx, "test", func(tx *sql.Tx) error {
			var n int
			return s.txq(tx).QueryRowContext(ctx, q, "x").Scan(&n)
		})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			if _, ok := s.writeStmts.m.Load(q); ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the writer's statement was never prepared")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// TestNoBareLimitParameter: no query of the store writes its LIMIT as a
// bare parameter. SQLite reads such a parameter's value while planning and
// then plans the statement again every time it is bound, which made a
// prepared paged read parse its SQL on every run; limitParam casts it.
func TestNoBareLimitParameter(t *testing.T) {
	files, err := filepath.Glob("*.go")
	must(t, err)
	bare := regexp.MustCompile(`(?i)LIMIT\s+\$`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		must(t, err)
		for i, line := range strings.Split(string(b), "\n") {
			if bare.MatchString(line) {
				t.Errorf("%s:%d: LIMIT with a bare parameter (use limitParam): %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}

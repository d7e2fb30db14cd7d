package storetest

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"sotepe"
)

// testAuditCountsFold: the audit summary's counts, read from the roll-up
// and the log of changes not yet folded, equal a count straight from the
// trail at every step while entries are written one at a time and many in
// a statement, over several days, actions and units, and folded in small
// batches, also by two folders at once; after the folds the log is empty.
func testAuditCountsFold(t *testing.T, s Store) {
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(19, 6))
	units := []string{"kallio-health-station", "vuosaari-dental", "malmi-hospital", ""}
	actions := []string{sotepe.ActionLogin, sotepe.ActionLoginFailed, "resident.read", "chat.read"}
	entry := func() sotepe.AuditEntry {
		return sotepe.AuditEntry{ActorID: 1 + rnd.Int64N(20), ActorRole: sotepe.RoleProfessional, ActorUnit: units[rnd.IntN(len(units))],
			Action: actions[rnd.IntN(len(actions))], At: time.Date(2025, 3, 1+rnd.IntN(5), rnd.IntN(24), 0, 0, 0, time.UTC)}
	}
	check := func(step string) {
		t.Helper()
		for _, q := range []struct {
			from, to string
			units    []string
		}{{"2025-03-01", "2025-03-31", nil}, {"2025-03-02", "2025-03-03", units[:2]}, {"2025-03-05", "2025-03-05", units[3:]}} {
			got, err := s.AuditCounts(ctx, q.from, q.to, q.units)
			must(t, err)
			if want := auditCountsOracle(t, s, q.from, q.to, q.units); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: counts %s–%s %v = %v, want %v", step, q.from, q.to, q.units, got, want)
			}
		}
	}
	for round := range 6 {
		for range 1 + rnd.IntN(30) {
			must(t, s.RecordAudit(ctx, entry()))
		}
		// Many rows in one statement, as a staff list writes them.
		many := make([]sotepe.AuditEntry, 1+rnd.IntN(700))
		for i := range many {
			many[i] = entry()
		}
		insertAuditRows(t, s, many)
		check(fmt.Sprintf("round %d, before folding", round))
		n, err := s.FoldAuditCounts(ctx, 1+rnd.IntN(200))
		must(t, err)
		if n == 0 {
			t.Fatalf("round %d: a fold with changes logged folded none", round)
		}
		check(fmt.Sprintf("round %d, after a fold of %d", round, n))
	}
	// Two folders at once while a writer writes: nothing counted twice or
	// lost.
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for range 20 {
				if _, err := s.FoldAuditCounts(ctx, 50); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Go(func() {
		for range 100 {
			if err := s.RecordAudit(ctx, sotepe.AuditEntry{ActorID: 3, Action: sotepe.ActionLogin, At: time.Date(2025, 3, 2, 8, 0, 0, 0, time.UTC)}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	check("after concurrent folds")
	for {
		n, err := s.FoldAuditCounts(ctx, 20000)
		must(t, err)
		if n == 0 {
			break
		}
	}
	check("after folding everything")
	var left int
	must(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_count_changes`).Scan(&left))
	if left != 0 {
		t.Errorf("%d changes left after folding everything", left)
	}
	_, err := s.FoldAuditCounts(ctx, 0)
	wantKey(t, err, sotepe.EInvalid, "error.invalid")
}

// auditCountsOracle counts the trail's entries per day and action between
// from and to straight from audit_log, as AuditCounts is defined.
func auditCountsOracle(t *testing.T, s Store, from, to string, units []string) []sotepe.AuditCount {
	t.Helper()
	rows, err := s.DB().Query(`SELECT day, action, actor_unit FROM audit_log WHERE day BETWEEN $1 AND $2`, from, to)
	must(t, err)
	defer rows.Close()
	counts := map[[2]string]int64{}
	for rows.Next() {
		var day, action, unit string
		must(t, rows.Scan(&day, &action, &unit))
		if units == nil || slices.Contains(units, unit) {
			counts[[2]string{day, action}]++
		}
	}
	must(t, rows.Err())
	out := []sotepe.AuditCount{}
	for k, n := range counts {
		out = append(out, sotepe.AuditCount{Day: k[0], Action: k[1], Count: n})
	}
	slices.SortFunc(out, func(a, b sotepe.AuditCount) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Action, b.Action))
	})
	return out
}

// insertAuditRows writes es to audit_log in one multi-row INSERT, as the
// store's staff lists do, with each entry's UTC date as its day.
func insertAuditRows(t *testing.T, s Store, es []sotepe.AuditEntry) {
	t.Helper()
	q := `INSERT INTO audit_log (at, day, actor_id, actor_role, actor_unit, action) VALUES `
	var args []any
	for i, e := range es {
		if i > 0 {
			q += ", "
		}
		n := len(args)
		q += fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6)
		args = append(args, e.At.UnixMicro(), e.At.UTC().Format(time.DateOnly), e.ActorID, string(e.ActorRole), e.ActorUnit, e.Action)
	}
	_, err := s.DB().Exec(q, args...)
	must(t, err)
}

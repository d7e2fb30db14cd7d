package audit_test

import (
	"context"
	"testing"

	"sotepe"
	"sotepe/audit"
	"sotepe/internal/testenv"
)

func TestSummaryAccess(t *testing.T) {
	testenv.Envs(t, func(t *testing.T, e *testenv.Env) {
		svc := audit.New(e.Store)
		// One audited read by the Kallio nurse and one by the administrator,
		// who works at no unit: Kallio's manager sees only the first.
		for _, name := range []string{"nurse", "admin"} {
			ctx, _ := e.As(name)
			if _, err := e.Store.ReadResident(ctx, e.People.Residents["anna"], sotepe.BasisCareRelationship); err != nil {
				t.Fatal(err)
			}
		}
		day := e.Clock.Now().Format("2006-01-02")
		total := func(name string) int64 {
			ctx, u := e.As(name)
			counts, err := svc.Summary(ctx, u, "2026-01-01", day)
			testenv.Code(t, err, "")
			var n int64
			for _, c := range counts {
				if c.Action == sotepe.ActionResidentRead {
					n += c.Count
				}
			}
			return n
		}
		// The same before and after the log of new entries is folded into
		// the roll-up, and a fold with nothing left folds nothing.
		for _, when := range []string{"before folding", "after folding"} {
			if n := total("analyst"); n != 2 {
				t.Errorf("%s: analyst counts %d reads, want 2", when, n)
			}
			if n := total("manager"); n != 1 {
				t.Errorf("%s: Kallio's manager counts %d reads, want 1", when, n)
			}
			if n, err := svc.Fold(context.Background()); err != nil || (when == "before folding") != (n > 0) {
				t.Errorf("%s: Fold = %d, %v", when, n, err)
			}
		}
		for _, name := range []string{"anna", "nurse"} {
			ctx, u := e.As(name)
			_, err := svc.Summary(ctx, u, "2026-01-01", day)
			testenv.Code(t, err, sotepe.EForbidden)
		}
		ctx, admin := e.As("admin")
		_, err := svc.Summary(ctx, admin, "2026-13-01", day)
		testenv.Code(t, err, sotepe.EInvalid)
	})
}

package demo_test

import (
	"context"
	"testing"
	"time"

	"sotepe/demo"
	"sotepe/internal/testenv"
)

// TestLoadProcurement loads the demo's purchased services on the demo
// network: registrations, contracts, a voucher kind with two value periods
// and a supervision visit whose follow-up is overdue.
func TestLoadProcurement(t *testing.T) {
	testenv.Engines(t, func(t *testing.T) {
		env := testenv.New(t, testenv.EngineOf(t))
		ctx := context.Background()
		today := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
		if err := demo.LoadProcurement(ctx, env.Store, today); err != nil {
			t.Fatal(err)
		}
		cs, err := env.Store.Contracts(ctx)
		if err != nil || len(cs) != 3 {
			t.Fatalf("contracts %v, %v", len(cs), err)
		}
		kinds, err := env.Store.VoucherKinds(ctx)
		if err != nil || len(kinds) != 1 || len(kinds[0].Values) != 2 {
			t.Fatalf("kinds %+v, %v", kinds, err)
		}
		visits, err := env.Store.SupervisionVisits(ctx)
		if err != nil || len(visits) != 1 || !visits[0].Overdue(today.Format(time.DateOnly)) {
			t.Fatalf("visits %+v, %v", visits, err)
		}
		regs, err := env.Store.Registrations(ctx)
		if err != nil || len(regs) != 5 {
			t.Fatalf("registrations %+v, %v", regs, err)
		}
	})
}

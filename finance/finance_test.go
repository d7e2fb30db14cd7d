package finance_test

import (
	"context"
	"testing"

	"sotepe"
	"sotepe/finance"
	"sotepe/internal/testenv"
)

// TestWhoReadsAndWrites checks the roles: finance stores and reads,
// analysts only read, everyone else is refused; the figures read back what
// was stored.
func TestWhoReadsAndWrites(t *testing.T) {
	testenv.Envs(t, func(t *testing.T, env *testenv.Env) {
		ctx := context.Background()
		svc := finance.New(env.Store)
		fin := sotepe.User{ID: 1, Roles: []sotepe.Role{sotepe.RoleFinance}}
		analyst := sotepe.User{ID: 2, Roles: []sotepe.Role{sotepe.RoleAnalyst}}
		r := sotepe.EconomyRecords{
			HiredLabour: []sotepe.HiredLabourMonth{{AreaID: "common-services", Month: "2023-05", EUR: 500}, {AreaID: "common-services", Month: "2024-05", EUR: 300}},
			Cars:        []sotepe.Car{{ID: "c1", Electric: true, InService: "2024-02-01"}, {ID: "c2", InService: "2020-02-01"}},
		}
		if err := svc.Save(ctx, analyst, r); sotepe.ErrorCode(err) != sotepe.EForbidden {
			t.Errorf("an analyst saved: %v", err)
		}
		if err := svc.Save(ctx, fin, r); err != nil {
			t.Fatal(err)
		}
		for _, u := range []sotepe.User{fin, analyst} {
			e, err := svc.Economy(ctx, u, 2024)
			if err != nil || e.HiredLabourTotal != 300 || e.HiredLabourPrevious != 500 {
				t.Errorf("%v: economy %+v, %v", u.Roles, e, err)
			}
			s, err := svc.Sustainability(ctx, u, 2024)
			if err != nil || s.Fleet != (sotepe.Fleet{Cars: 2, Electric: 1}) || s.FleetPrevious != (sotepe.Fleet{Cars: 1}) {
				t.Errorf("%v: sustainability %+v, %v", u.Roles, s, err)
			}
		}
		for _, role := range []sotepe.Role{sotepe.RoleHR, sotepe.RoleAdmin, sotepe.RoleManager, sotepe.RoleResident} {
			u := sotepe.User{ID: 3, Roles: []sotepe.Role{role}}
			if _, err := svc.Economy(ctx, u, 2024); sotepe.ErrorCode(err) != sotepe.EForbidden {
				t.Errorf("%s read the economy: %v", role, err)
			}
			if _, err := svc.Sustainability(ctx, u, 2024); sotepe.ErrorCode(err) != sotepe.EForbidden {
				t.Errorf("%s read the sustainability: %v", role, err)
			}
		}
		if _, err := svc.Economy(ctx, fin, 1999); sotepe.ErrorCode(err) != sotepe.EInvalid {
			t.Errorf("year 1999: %v", err)
		}
	})
}

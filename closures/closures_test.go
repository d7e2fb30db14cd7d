package closures_test

import (
	"testing"
	"time"

	"sotepe"
	"sotepe/closures"
	"sotepe/internal/testenv"
)

func TestClosuresAdminOnly(t *testing.T) {
	testenv.Envs(t, func(t *testing.T, e *testenv.Env) {
		cal := e.Calendar
		svc := closures.New(e.Store, cal)
		day := sotepe.ClosureDay{Date: "2026-12-28", Names: sotepe.Names{Fi: "Suljettu", Sv: "Stängt", En: "Closed"}}
		monday := time.Date(2026, 12, 28, 12, 0, 0, 0, time.UTC)
		for _, name := range []string{"anna", "nurse", "manager", "analyst"} {
			ctx, u := e.As(name)
			testenv.Code(t, svc.Save(ctx, u, day), sotepe.EForbidden)
			_, err := svc.List(ctx, u)
			testenv.Code(t, err, sotepe.EForbidden)
			testenv.Code(t, svc.Delete(ctx, u, day.Date), sotepe.EForbidden)
		}
		if !cal.Get().IsWorkingDay(monday) {
			t.Fatal("a refused save closed the day")
		}
		ctx, admin := e.As("admin")
		testenv.Code(t, svc.Save(ctx, admin, day), "")
		days, err := svc.List(ctx, admin)
		testenv.Code(t, err, "")
		if len(days) != 1 || days[0].Date != day.Date {
			t.Fatalf("closure days %+v", days)
		}
		if cal.Get().IsWorkingDay(monday) {
			t.Error("the saved closure day is not in force")
		}
		testenv.Code(t, svc.Save(ctx, admin, sotepe.ClosureDay{Date: "2026-12-29"}), sotepe.EInvalid)
		testenv.Code(t, svc.Delete(ctx, admin, day.Date), "")
		if !cal.Get().IsWorkingDay(monday) {
			t.Error("the deleted closure day is still in force")
		}
		testenv.Code(t, svc.Delete(ctx, admin, day.Date), sotepe.ENotFound)
	})
}

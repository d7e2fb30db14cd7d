package statistics_test

import (
	"context"
	"testing"

	"sotepe"
	"sotepe/contact"
	"sotepe/internal/testenv"
	"sotepe/statistics"
)

func TestContactFiguresScope(t *testing.T) {
	testenv.Envs(t, func(t *testing.T, e *testenv.Env) {
		ctx := context.Background()
		cal, now := e.Calendar, e.Clock.Now
		contacts := contact.New(contact.Config{Store: e.Store, Calendar: cal, Now: now})
		// anna's request goes to her Kallio health station, erik's to Töölö.
		for _, name := range []string{"anna", "erik"} {
			actx, u := e.As(name)
			if _, _, err := contacts.Submit(actx, &u, sotepe.NewContactRequest{ServiceID: "health-station-nurse", Body: "Kurkku on kipeä."}); err != nil {
				t.Fatal(err)
			}
		}
		svc := statistics.New(e.Store, cal, now)
		received := func(name string) int64 {
			actx, u := e.As(name)
			rows, err := svc.ContactFigures(actx, u, sotepe.ContactStatsQuery{From: "2026-11-01", To: "2026-11-30", Dim: sotepe.DimUnit, Interval: sotepe.IntervalMonth})
			testenv.Code(t, err, "")
			var n int64
			for _, r := range rows {
				n += r.Received
			}
			return n
		}
		if n := received("analyst"); n != 2 {
			t.Errorf("analyst sees %d requests, want 2", n)
		}
		if n := received("admin"); n != 2 {
			t.Errorf("admin sees %d requests, want 2", n)
		}
		if n := received("manager"); n != 1 {
			t.Errorf("Kallio's manager sees %d requests, want 1 (their own unit's)", n)
		}
		for _, name := range []string{"anna", "nurse"} {
			actx, u := e.As(name)
			_, err := svc.ContactFigures(actx, u, sotepe.ContactStatsQuery{From: "2026-11-01", To: "2026-11-30", Dim: sotepe.DimUnit, Interval: sotepe.IntervalMonth})
			testenv.Code(t, err, sotepe.EForbidden)
			_, err = svc.ContactUnits(u)
			testenv.Code(t, err, sotepe.EForbidden)
		}
		// Volumes are open data: anyone may read them, and a bad query is
		// still refused.
		_, err := svc.Volumes(ctx, sotepe.VolumeQuery{From: "2026-01-01", To: "2026-12-31", GroupBy: []sotepe.VolumeDim{sotepe.VolumeService}})
		testenv.Code(t, err, "")
		_, err = svc.Volumes(ctx, sotepe.VolumeQuery{From: "2026-12-31", To: "2026-01-01", GroupBy: []sotepe.VolumeDim{sotepe.VolumeService}})
		testenv.Code(t, err, sotepe.EInvalid)
	})
}

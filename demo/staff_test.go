package demo_test

import (
	"context"
	"testing"

	"sotepe"
	"sotepe/demo"
	"sotepe/internal/testenv"
)

// TestLoadSectorTwice loads the demo's staff, economy and sustainability
// twice, as two demo starts do: the rows are the same, the personnel
// survey answered once.
func TestLoadSectorTwice(t *testing.T) {
	ctx := context.Background()
	testenv.Envs(t, func(t *testing.T, env *testenv.Env) {
		for range 2 {
			if err := demo.LoadSector(ctx, env.Store, 2025); err != nil {
				t.Fatal(err)
			}
		}
		tally, err := env.Store.SurveyTally(ctx, sotepe.PersonnelSurvey(2025))
		if err != nil {
			t.Fatal(err)
		}
		if tally.Responses != 60 {
			t.Errorf("%d personnel survey responses, want 60", tally.Responses)
		}
		cells, err := env.Store.StaffHeadcount(ctx, "2025-12-31")
		if err != nil || len(cells) == 0 {
			t.Errorf("no headcount: %v", err)
		}
	})
}

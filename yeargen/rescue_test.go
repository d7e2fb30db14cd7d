package yeargen

import (
	"testing"
	"time"

	"sotepe"
)

func TestRescueYear(t *testing.T) {
	y := testYear(t, 1, 1)
	ry, err := y.Rescue()
	if err != nil {
		t.Fatal(err)
	}
	if len(ry.Missions) != 7943 || len(ry.Runs) != 52961 || len(ry.Inspections) != 7995 {
		t.Fatalf("missions %d, runs %d, inspections %d", len(ry.Missions), len(ry.Runs), len(ry.Inspections))
	}
	spills, classIA, metIA := 0, 0, 0
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ry.Missions {
		if err := m.Validate(); err != nil {
			t.Fatalf("%s: %v", m.ExternalID, err)
		}
		if m.CallAt.In(helsinki).Year() != 2024 {
			t.Fatalf("%s: called %v, not in 2024 in Helsinki", m.ExternalID, m.CallAt)
		}
		if m.Type == sotepe.AccidentSpill {
			spills++
		}
		if m.RiskClass == "I" && m.Urgency == "A" {
			classIA++
			if met, _ := m.TargetMet(); met {
				metIA++
			}
		}
	}
	if spills != 298 {
		t.Errorf("spills = %d, want 298", spills)
	}
	share := float64(metIA) / float64(classIA)
	if share < 0.6 || share > 0.75 {
		t.Errorf("class I A-missions within 6 minutes: %.3f, want 0.60–0.75", share)
	}
	for _, f := range ry.Inspections {
		if err := f.Validate(); err != nil {
			t.Fatalf("%s: %v", f.ExternalID, err)
		}
	}
	again, _ := y.Rescue()
	if again.Missions[100] != ry.Missions[100] || again.Runs[5000] != ry.Runs[5000] {
		t.Error("the same year gave different rows")
	}
	small, _ := testYear(t, 0.01, 1).Rescue()
	if len(small.Missions) != 79 || len(small.Runs) != 530 || len(small.Inspections) != 80 {
		t.Errorf("scale 0.01: %d %d %d", len(small.Missions), len(small.Runs), len(small.Inspections))
	}
	t.Logf("class I A-missions within 6 minutes: %.1f %% of %d", share*100, classIA)
}

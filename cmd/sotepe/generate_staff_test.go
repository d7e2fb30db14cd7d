package main

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"testing"

	"sotepe/demo"
	"sotepe/internal/testenv"
	"sotepe/report"
	"sotepe/yeargen"
)

// TestSectorScales writes the generated staff, economy and sustainability
// of 2024 at several scales into a store with the demo network and reads
// the report's three sections back: at scale 1 every figure is the
// reference's; at the others counts and euros are round(value × scale)
// and the shares, percentages and per-employee ratios the reference's
// (the fleet's shares only where there are cars enough to show them).
func TestSectorScales(t *testing.T) {
	for _, c := range []struct {
		name  string
		scale float64
	}{{"0.01", 0.01}, {"0.1", 0.1}, {"0.5", 0.5}, {"1", 1}, {"2", 2}} {
		t.Run(c.name, func(t *testing.T) { testSectorScale(t, c.scale) })
	}
}

func testSectorScale(t *testing.T, scale float64) {
	ctx := context.Background()
	env := testenv.New(t, testenv.SQLite)
	base, err := demo.BaseNetwork()
	if err != nil {
		t.Fatal(err)
	}
	y := yeargen.Year{Year: 2024, Scale: scale, Seed: 1, Network: base}
	if err := generateSector(ctx, env.Store, y, io.Discard); err != nil {
		t.Fatal(err)
	}
	inds, err := report.Load()
	if err != nil {
		t.Fatal(err)
	}
	org, err := report.LoadOrg(ctx, env.Store)
	if err != nil {
		t.Fatal(err)
	}
	a, err := report.BuildAnnual(ctx, report.Gatherer{Store: env.Store, Org: org, Now: env.Clock.Now}, inds, 2024)
	if err != nil {
		t.Fatal(err)
	}
	rep := a.JSON()
	s := func(v float64) int64 { return int64(yeargen.Scaled(v, scale)) }
	is := func(name string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}

	staff := rep.Staff
	want := map[string]int64{"hospital_rehabilitation_and_care_services": s(5846), "family_and_social_services": s(4095),
		"health_and_substance_abuse_services": s(3714), "common_services": s(981), "rescue_department": s(798)}
	wantPercent := map[string]int64{"hospital_rehabilitation_and_care_services": 38, "family_and_social_services": 27,
		"health_and_substance_abuse_services": 24, "common_services": 6, "rescue_department": 5}
	var total int64
	for _, l := range staff.HeadcountAtYearEnd {
		total += l.Value
		if l.Value != want[l.Area] || l.Percent != wantPercent[l.Area] {
			t.Errorf("staff of %s: %d (%d %%), want %d (%d %%)", l.Area, l.Value, l.Percent, want[l.Area], wantPercent[l.Area])
		}
	}
	if len(staff.HeadcountAtYearEnd) != 5 || staff.HeadcountTotal != total {
		t.Errorf("staff %+v", staff)
	}
	if staff.Courses != s(78000) || staff.MoreApplicants != s(13500) {
		t.Errorf("courses %d, more applicants %d; want %d and %d", staff.Courses, staff.MoreApplicants, s(78000), s(13500))
	}
	is("turnover_percent", staff.TurnoverPercent, 10)
	is("training_days_per_employee", staff.TrainingDaysPerEmployee, 2.9)
	is("recommend_as_employer_percent", staff.RecommendAsEmployer, 79)

	e := rep.Economy
	if e.ChangeTargetEUR != s(100e6) || e.ChangeTargetYear != 2026 || e.ChangeAchievedEUR != s(68e6) || e.HiredLabourReduction != s(10e6) {
		t.Errorf("economy %+v", e)
	}

	su := rep.Sustainability
	if su.Cars != s(332) || su.ElectricCars != s(79) || su.SolarStations != 4 || su.ChemicalAndOilSpills != rep.Rescue.SpillsHandled {
		t.Errorf("sustainability %+v", su)
	}
	if want := math.Round(float64(s(163300))/100) / 10; su.SolarMWh != want {
		t.Errorf("solar %v MWh, want %v", su.SolarMWh, want)
	}
	if want := math.Round(float64(s(118000))/100) / 10; su.PlasticTonnes != want {
		t.Errorf("plastic %v t, want %v", su.PlasticTonnes, want)
	}
	is("plastic_sorted_growth_percent", su.PlasticGrowth, 20)
	if scale >= 0.1 {
		is("electric_share_percent", su.ElectricShare, 24)
		is("electric_share_previous_year_percent", su.ElectricSharePrevious, 19)
	}
	if scale == 1 {
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		checkSectorFigures(t, b, false)
	}
	if scale == 1 && (su.Cars != 332 || su.ElectricCars != 79 || su.SolarMWh != 163.3 || su.PlasticTonnes != 118 ||
		staff.HeadcountTotal != 15434 || staff.Courses != 78000 || staff.MoreApplicants != 13500 || e.ChangeAchievedEUR != 68_000_000) {
		t.Errorf("scale 1: %+v %+v %+v", staff, e, su)
	}
}

package storetest

import (
	"context"
	"reflect"
	"testing"

	"sotepe"
)

// testStaffRecords checks that staff records are stored whole or not at
// all: a bad record or an unknown area fails the batch naming the field,
// the kind and the index, and a second save replaces rows by their keys.
func testStaffRecords(t *testing.T, s Store) {
	ctx := context.Background()
	seedNetwork(t, s)
	good := sotepe.StaffRecords{
		Employments: []sotepe.Employment{{Key: "a1", AreaID: "health", Profession: "nurse", Start: "2020-03-01"}},
		Vacancies:   []sotepe.Vacancy{{ID: "v1", AreaID: "health", Profession: "nurse", Published: "2024-02-01", Applicants: 12}},
		Months:      []sotepe.StaffMonth{{AreaID: "health", Profession: "nurse", Month: "2024-02", Courses: 3, TrainingDays: 4, SickDays: 9}},
	}
	for _, bad := range []struct {
		r            sotepe.StaffRecords
		field, kind  string
		index        int
		wantKey      string
		wantNotSaved string
	}{
		{sotepe.StaffRecords{Employments: append(good.Employments, sotepe.Employment{Key: "a2", AreaID: "nowhere", Profession: "nurse", Start: "2020-01-01"})},
			"area", "employment", 1, "staff.error.area", "employments"},
		{sotepe.StaffRecords{Employments: good.Employments, Vacancies: []sotepe.Vacancy{{ID: "v1", AreaID: "health", Profession: "astronaut", Published: "2024-01-01"}}},
			"profession", "vacancy", 0, "staff.error.profession", "employments"},
		{sotepe.StaffRecords{Employments: []sotepe.Employment{{Key: "a3", AreaID: "health", Profession: "nurse", Start: "2020-01-01", End: "2019-01-01", EndReason: "other"}}},
			"end", "employment", 0, "staff.error.end_before_start", "employments"},
		{sotepe.StaffRecords{Employments: good.Employments, Months: []sotepe.StaffMonth{{AreaID: "health", Profession: "nurse", Month: "2024-13"}}},
			"month", "month", 0, "staff.error.month", "staff_months"},
	} {
		err := s.SaveStaffRecords(ctx, bad.r)
		wantKey(t, err, sotepe.EInvalid, bad.wantKey)
		args := sotepe.ErrorArgs(err)
		if sotepe.ErrorField(err) != bad.field || args["Kind"] != bad.kind || args["Index"] != bad.index {
			t.Errorf("error %v: field %q args %v, want %s %s[%d]", err, sotepe.ErrorField(err), args, bad.field, bad.kind, bad.index)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM `+bad.wantNotSaved); n != 0 {
			t.Errorf("a bad batch stored %d rows of %s", n, bad.wantNotSaved)
		}
	}
	must(t, s.SaveStaffRecords(ctx, good))
	good.Employments[0].End, good.Employments[0].EndReason = "2024-06-30", sotepe.LeaveRetirement
	good.Vacancies[0].Applicants = 20
	must(t, s.SaveStaffRecords(ctx, good))
	if n := count(t, s, `SELECT COUNT(*) FROM employments WHERE end_date = '2024-06-30'`); n != 1 {
		t.Errorf("the employment's end was not saved over: %d", n)
	}
	v, err := s.StaffVacancies(ctx, "2024-01-01", "2024-12-31")
	must(t, err)
	if want := []sotepe.VacancySum{{AreaID: "health", Profession: "nurse", Vacancies: 1, Applicants: 20}}; !reflect.DeepEqual(v, want) {
		t.Errorf("vacancies %+v, want %+v", v, want)
	}
	m, err := s.StaffMonths(ctx, "2024-01", "2024-12")
	must(t, err)
	if want := []sotepe.StaffMonthSum{{AreaID: "health", Profession: "nurse", Courses: 3, TrainingDays: 4, SickDays: 9}}; !reflect.DeepEqual(m, want) {
		t.Errorf("months %+v, want %+v", m, want)
	}
}

// testStaffCounts checks the headcount of a day (the first and the last day
// of an employment count) and the starts and leavers of a period.
func testStaffCounts(t *testing.T, s Store) {
	ctx := context.Background()
	seedNetwork(t, s)
	emp := []sotepe.Employment{
		{Key: "a", AreaID: "health", Profession: "nurse", Start: "2010-01-01"},
		{Key: "b", AreaID: "health", Profession: "nurse", Start: "2015-05-01", End: "2024-03-31", EndReason: sotepe.LeaveResignation},
		{Key: "c", AreaID: "health", Profession: "physician", Start: "2024-04-01"},
		{Key: "d", AreaID: "family", Profession: "social-worker", Start: "2024-12-31"},
		{Key: "b", AreaID: "family", Profession: "social-worker", Start: "2024-06-01", End: "2024-12-31", EndReason: sotepe.LeaveFixedTerm},
	}
	must(t, s.SaveStaffRecords(ctx, sotepe.StaffRecords{Employments: emp}))
	for _, c := range []struct {
		day  string
		want []sotepe.StaffCell
	}{
		{"2023-12-31", []sotepe.StaffCell{cell("health", "nurse", 2)}},
		{"2024-03-31", []sotepe.StaffCell{cell("health", "nurse", 2)}},
		{"2024-04-01", []sotepe.StaffCell{cell("health", "nurse", 1), cell("health", "physician", 1)}},
		{"2024-12-31", []sotepe.StaffCell{cell("family", "social-worker", 2), cell("health", "nurse", 1), cell("health", "physician", 1)}},
		{"2025-01-01", []sotepe.StaffCell{cell("family", "social-worker", 1), cell("health", "nurse", 1), cell("health", "physician", 1)}},
	} {
		got, err := s.StaffHeadcount(ctx, c.day)
		must(t, err)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("headcount on %s: %+v, want %+v", c.day, got, c.want)
		}
	}
	starts, err := s.StaffStarts(ctx, "2024-01-01", "2024-12-31")
	must(t, err)
	if want := []sotepe.StaffCell{cell("family", "social-worker", 2), cell("health", "physician", 1)}; !reflect.DeepEqual(starts, want) {
		t.Errorf("starts %+v, want %+v", starts, want)
	}
	leavers, err := s.StaffLeavers(ctx, "2024-01-01", "2024-12-31")
	must(t, err)
	if want := []sotepe.StaffCell{cell("family", "social-worker", 1), cell("health", "nurse", 1)}; !reflect.DeepEqual(leavers, want) {
		t.Errorf("leavers %+v, want %+v", leavers, want)
	}
	none, err := s.StaffLeavers(ctx, "2022-01-01", "2022-12-31")
	must(t, err)
	if none == nil || len(none) != 0 {
		t.Errorf("leavers of 2022 %+v, want an empty list", none)
	}
}

// testEconomyRecords checks finance's records: whole or nothing, measures
// with their savings replaced, the fleet of a day, solar energy by unit
// and plastic by month.
func testEconomyRecords(t *testing.T, s Store) {
	ctx := context.Background()
	seedUnits(t, s)
	names := sotepe.Names{Fi: "Toimenpide", Sv: "Åtgärd", En: "Measure"}
	r := sotepe.EconomyRecords{
		Budget:      []sotepe.BudgetMonth{{AreaID: "health", Month: "2024-01", BudgetEUR: 1000, ActualEUR: 990}},
		Measures:    []sotepe.ChangeMeasure{{ID: "m1", Names: names, TargetEUR: 500, TargetYear: 2026, Achieved: []sotepe.MeasureSaving{{Year: 2023, EUR: 100}, {Year: 2024, EUR: 200}}}},
		HiredLabour: []sotepe.HiredLabourMonth{{AreaID: "family", Month: "2024-02", EUR: 70}},
		Cars: []sotepe.Car{{ID: "c1", Electric: true, InService: "2023-01-01"}, {ID: "c2", InService: "2020-01-01", OutOfService: "2024-06-30"},
			{ID: "c3", InService: "2024-07-01"}},
		Solar:   []sotepe.SolarMonth{{UnitID: "kallio-health-station", Month: "2024-06", KWh: 1500}},
		Plastic: []sotepe.PlasticMonth{{Month: "2024-06", Kg: 900}},
	}
	bad := r
	bad.Solar = []sotepe.SolarMonth{{UnitID: "nowhere", Month: "2024-06", KWh: 1}}
	err := s.SaveEconomyRecords(ctx, bad)
	wantKey(t, err, sotepe.EInvalid, "economy.error.unit")
	if n := count(t, s, `SELECT COUNT(*) FROM budget_months`); n != 0 {
		t.Errorf("a bad batch stored %d budget lines", n)
	}
	bad = r
	bad.Budget = []sotepe.BudgetMonth{{AreaID: "health", Month: "2024-01", BudgetEUR: -1}}
	err = s.SaveEconomyRecords(ctx, bad)
	if sotepe.ErrorField(err) != "budget_eur" || sotepe.ErrorArgs(err)["Kind"] != "budget" {
		t.Errorf("a negative budget: %v", err)
	}
	must(t, s.SaveEconomyRecords(ctx, r))
	r.Measures[0].Achieved = []sotepe.MeasureSaving{{Year: 2024, EUR: 300}}
	must(t, s.SaveEconomyRecords(ctx, sotepe.EconomyRecords{Measures: r.Measures}))
	ms, err := s.ChangeMeasures(ctx)
	must(t, err)
	if len(ms) != 1 || !reflect.DeepEqual(ms[0].Achieved, []sotepe.MeasureSaving{{Year: 2024, EUR: 300}}) || ms[0].Names != names {
		t.Errorf("measures %+v", ms)
	}
	for day, want := range map[string]sotepe.Fleet{"2024-06-30": {Cars: 2, Electric: 1}, "2024-07-01": {Cars: 2, Electric: 1}, "2022-01-01": {Cars: 1}} {
		got, err := s.FleetOn(ctx, day)
		must(t, err)
		if got != want {
			t.Errorf("fleet on %s: %+v, want %+v", day, got, want)
		}
	}
	b, err := s.BudgetMonths(ctx, "2024-01", "2024-12")
	must(t, err)
	h, err := s.HiredLabourMonths(ctx, "2024-01", "2024-12")
	must(t, err)
	sol, err := s.SolarMonths(ctx, "2024-01", "2024-12")
	must(t, err)
	pl, err := s.PlasticMonths(ctx, "2024-01", "2024-12")
	must(t, err)
	if !reflect.DeepEqual(b, r.Budget) || !reflect.DeepEqual(h, r.HiredLabour) || !reflect.DeepEqual(sol, r.Solar) || !reflect.DeepEqual(pl, r.Plastic) {
		t.Errorf("read back %+v %+v %+v %+v", b, h, sol, pl)
	}
}

func cell(area, profession string, n int64) sotepe.StaffCell {
	return sotepe.StaffCell{AreaID: area, Profession: profession, Count: n}
}

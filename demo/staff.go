package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"sotepe"
)

// SectorStore is what LoadSector writes.
type SectorStore interface {
	SaveStaffRecords(ctx context.Context, r sotepe.StaffRecords) error
	SaveEconomyRecords(ctx context.Context, r sotepe.EconomyRecords) error
	SurveyTally(ctx context.Context, survey string) (sotepe.SurveyTally, error)
	LoadSurveyResponses(ctx context.Context, survey string, version int, lang sotepe.Lang, day string, responses [][]sotepe.SurveyValue) error
}

// demoStaff is each demo area's professions and their headcounts, small
// enough that some cells fall under the n < 5 rule.
var demoStaff = []struct {
	area  string
	cells []struct {
		profession string
		n          int
	}
}{
	{"family-and-social-services", []struct {
		profession string
		n          int
	}{{"social-worker", 40}, {"social-counsellor", 35}, {"psychologist", 8}, {"administration", 4}}},
	{"hospital-rehabilitation-and-care-services", []struct {
		profession string
		n          int
	}{{"practical-nurse", 60}, {"nurse", 45}, {"physician", 9}, {"therapist", 3}}},
	{"health-and-substance-abuse-services", []struct {
		profession string
		n          int
	}{{"nurse", 40}, {"physician", 22}, {"dentist", 7}, {"public-health-nurse", 12}}},
	{"rescue-department", []struct {
		profession string
		n          int
	}{{"firefighter", 30}, {"paramedic", 20}, {"administration", 3}}},
	{"common-services", []struct {
		profession string
		n          int
	}{{"administration", 25}, {"support", 10}}},
}

// LoadSector writes the demo's staff, economy and sustainability for the
// years until year: employments that start and end over two decades (so
// that every recent year has starters, leavers and a turnover), HR's
// monthly sums, vacancies, budget and actual, the change programme, hired
// labour, the fleet, the solar energy of the first rescue stations and
// sorted plastic. It is seeded and writes the same rows every time
// (stored over the ones there), so it may run at every demo start.
func LoadSector(ctx context.Context, st SectorStore, year int) error {
	rng := rand.New(rand.NewPCG(20, 24))
	var sr sotepe.StaffRecords
	first := time.Date(year-20, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	span := int(last.Sub(first).Hours() / 24)
	reasons := []sotepe.LeaveReason{sotepe.LeaveResignation, sotepe.LeaveRetirement, sotepe.LeaveFixedTerm, sotepe.LeaveOther}
	seq := 0
	for _, a := range demoStaff {
		for _, c := range a.cells {
			// About one in ten leaves a year: so many more employments
			// have ended over the years than are on now.
			for range c.n * 3 {
				seq++
				start := first.AddDate(0, 0, rng.IntN(span))
				e := sotepe.Employment{Key: fmt.Sprintf("demo-%05d", seq), AreaID: a.area, Profession: c.profession, Start: start.Format(time.DateOnly)}
				if rng.IntN(3) > 0 {
					if end := start.AddDate(0, 0, 30+rng.IntN(3650)); end.Before(last) {
						e.End, e.EndReason = end.Format(time.DateOnly), reasons[rng.IntN(len(reasons))]
					}
				}
				sr.Employments = append(sr.Employments, e)
			}
			for y := year - 2; y <= year; y++ {
				for m := 1; m <= 12; m++ {
					sr.Months = append(sr.Months, sotepe.StaffMonth{AreaID: a.area, Profession: c.profession, Month: fmt.Sprintf("%04d-%02d", y, m),
						Courses: int64(rng.IntN(c.n/3 + 1)), TrainingDays: int64(rng.IntN(c.n/4 + 1)), SickDays: int64(rng.IntN(c.n + 1))})
				}
				for v := range 2 {
					sr.Vacancies = append(sr.Vacancies, sotepe.Vacancy{ID: fmt.Sprintf("demo-v%d-%04d", y, len(sr.Vacancies)+v), AreaID: a.area,
						Profession: c.profession, Published: fmt.Sprintf("%04d-%02d-15", y, 1+rng.IntN(12)), Applicants: int64(2 + rng.IntN(25))})
				}
			}
		}
	}
	if err := st.SaveStaffRecords(ctx, sr); err != nil {
		return err
	}
	// The personnel survey of the year, once: 60 answers, 47 of them
	// recommending the sector as an employer.
	tally, err := st.SurveyTally(ctx, sotepe.PersonnelSurvey(year))
	if err != nil {
		return err
	}
	if tally.Responses == 0 {
		answers := make([][]sotepe.SurveyValue, 60)
		for i := range answers {
			yes := "no"
			if i < 47 {
				yes = "yes"
			}
			step := float64(1 + rng.IntN(5))
			answers[i] = []sotepe.SurveyValue{{Question: sotepe.RecommendQuestion, Option: yes}, {Question: "workload", Number: &step}}
		}
		if err := st.LoadSurveyResponses(ctx, sotepe.PersonnelSurvey(year), 1, sotepe.Finnish, fmt.Sprintf("%04d-10-15", year), answers); err != nil {
			return err
		}
	}

	var er sotepe.EconomyRecords
	for _, a := range demoStaff {
		for y := year - 2; y <= year; y++ {
			for m := 1; m <= 12; m++ {
				budget := int64(5_000_000 + rng.IntN(2_000_000))
				er.Budget = append(er.Budget, sotepe.BudgetMonth{AreaID: a.area, Month: fmt.Sprintf("%04d-%02d", y, m), BudgetEUR: budget,
					ActualEUR: budget * int64(95+rng.IntN(10)) / 100})
				er.HiredLabour = append(er.HiredLabour, sotepe.HiredLabourMonth{AreaID: a.area, Month: fmt.Sprintf("%04d-%02d", y, m),
					EUR: int64(300_000 - 60_000*(y-year+2) + rng.IntN(20_000))})
			}
		}
	}
	er.Measures = []sotepe.ChangeMeasure{
		{ID: "demo-digital", Names: sotepe.Names{Fi: "Digitaaliset palvelut", Sv: "Digitala tjänster", En: "Digital services"}, TargetEUR: 6_000_000, TargetYear: year + 2,
			Achieved: []sotepe.MeasureSaving{{Year: year - 1, EUR: 1_500_000}, {Year: year, EUR: 2_100_000}}},
		{ID: "demo-hired-labour", Names: sotepe.Names{Fi: "Vuokratyövoiman vähentäminen", Sv: "Minskad inhyrd arbetskraft", En: "Less hired labour"}, TargetEUR: 4_000_000, TargetYear: year + 2,
			Achieved: []sotepe.MeasureSaving{{Year: year - 1, EUR: 900_000}, {Year: year, EUR: 1_300_000}}},
	}
	for i := range 24 {
		c := sotepe.Car{ID: fmt.Sprintf("demo-car-%02d", i+1), Electric: i%4 == 0 || i >= 20, InService: fmt.Sprintf("%04d-03-01", year-5)}
		switch {
		case i >= 20:
			c.InService = fmt.Sprintf("%04d-06-01", year)
		case i >= 18:
			c.OutOfService = fmt.Sprintf("%04d-05-31", year)
		}
		er.Cars = append(er.Cars, c)
	}
	for _, id := range []string{"central-rescue-station", "erottaja-rescue-station"} {
		for m := 1; m <= 12; m++ {
			er.Solar = append(er.Solar, sotepe.SolarMonth{UnitID: id, Month: fmt.Sprintf("%04d-%02d", year, m), KWh: int64(200 + 400*min(m, 13-m) + rng.IntN(100))})
		}
	}
	for y := year - 1; y <= year; y++ {
		for m := 1; m <= 12; m++ {
			er.Plastic = append(er.Plastic, sotepe.PlasticMonth{Month: fmt.Sprintf("%04d-%02d", y, m), Kg: int64(300 + 50*(y-year+1) + rng.IntN(80))})
		}
	}
	return st.SaveEconomyRecords(ctx, er)
}

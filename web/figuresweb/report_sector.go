package figuresweb

import (
	"sotepe"
	"sotepe/report"
	"sotepe/web/view"
)

// reportSector is the report page's staff figures beyond the headcount
// and its economy and sustainability section, written for the page's
// language; a figure without a value is view.Missing.
type reportSector struct {
	Recommend, Courses, TrainingPerEmployee, MoreApplicants, Turnover string
	ChangeTarget, ChangeAchieved, HiredLabourReduction                string
	ChangeTargetYear                                                  int
	Cars, ElectricCars, ElectricShare, ElectricSharePrevious          string
	SolarStations, SolarMWh, PlasticTonnes, PlasticGrowth             string
}

func (h *Handlers) reportSector(lang sotepe.Lang, a report.Annual) reportSector {
	n := func(v int64) string { return view.Count(lang, v) }
	pct := func(v *float64) string {
		if v == nil {
			return view.Missing
		}
		return view.Percent(lang, *v, 0)
	}
	dec := func(v *float64) string {
		if v == nil {
			return view.Missing
		}
		return view.Decimal(lang, *v, 1)
	}
	j, e := a.Sustainability.JSON(), a.Economy.JSON()
	mwh, tonnes := j.SolarMWh, j.PlasticTonnes
	return reportSector{Recommend: pct(a.Staff.RecommendPercent), Courses: n(a.Staff.Courses), TrainingPerEmployee: dec(a.Staff.TrainingDaysPerEmployee),
		MoreApplicants: n(a.Staff.Applicants - a.Staff.ApplicantsPrevious), Turnover: pct(a.Staff.TurnoverPercent),
		ChangeTarget: view.Euros(lang, e.ChangeTargetEUR), ChangeTargetYear: e.ChangeTargetYear, ChangeAchieved: view.Euros(lang, e.ChangeAchievedEUR),
		HiredLabourReduction: view.Euros(lang, e.HiredLabourReduction), Cars: n(j.Cars), ElectricCars: n(j.ElectricCars),
		ElectricShare: pct(j.ElectricShare), ElectricSharePrevious: pct(j.ElectricSharePrevious), SolarStations: n(j.SolarStations),
		SolarMWh: dec(&mwh), PlasticTonnes: dec(&tonnes), PlasticGrowth: pct(j.PlasticGrowth)}
}

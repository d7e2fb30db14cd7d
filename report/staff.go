package report

import (
	"context"
	"fmt"
	"math"
	"slices"

	"sotepe"
)

// The staff, economy and sustainability sections of the annual report,
// every figure computed from the stored rows: employments, vacancies, HR's
// monthly sums and the personnel survey; budget, change-programme
// measures and hired labour; the fleet, solar energy and sorted plastic.

// SectorReader is what the staff, economy and sustainability sections
// read.
type SectorReader interface {
	StaffHeadcount(ctx context.Context, day string) ([]sotepe.StaffCell, error)
	StaffLeavers(ctx context.Context, from, to string) ([]sotepe.StaffCell, error)
	StaffVacancies(ctx context.Context, from, to string) ([]sotepe.VacancySum, error)
	StaffMonths(ctx context.Context, from, to string) ([]sotepe.StaffMonthSum, error)
	SurveyTally(ctx context.Context, survey string) (sotepe.SurveyTally, error)
	ChangeMeasures(ctx context.Context) ([]sotepe.ChangeMeasure, error)
	HiredLabourMonths(ctx context.Context, from, to string) ([]sotepe.HiredLabourMonth, error)
	FleetOn(ctx context.Context, day string) (sotepe.Fleet, error)
	SolarMonths(ctx context.Context, from, to string) ([]sotepe.SolarMonth, error)
	PlasticMonths(ctx context.Context, from, to string) ([]sotepe.PlasticMonth, error)
}

// Economy is the report's economy section.
type Economy struct {
	// ChangeTargetEUR is the change programme's target, the sum of its
	// measures' targets, to be reached by ChangeTargetYear (the latest
	// target year of a measure).
	ChangeTargetEUR  int64
	ChangeTargetYear int
	// ChangeAchievedEUR is what the measures saved in the year before and
	// the year.
	ChangeAchievedEUR int64
	// HiredLabourEUR and HiredLabourPreviousEUR are the hired-labour costs
	// of the year and the year before.
	HiredLabourEUR, HiredLabourPreviousEUR int64
}

// HiredLabourReduction is how much less hired labour cost than the year
// before, in euros (negative when it cost more).
func (e Economy) HiredLabourReduction() int64 { return e.HiredLabourPreviousEUR - e.HiredLabourEUR }

// Sustainability is the report's sustainability section.
type Sustainability struct {
	// Fleet is the cars in service on the year's last day, FleetPrevious on
	// the year before's.
	Fleet, FleetPrevious sotepe.Fleet
	// SolarStations is the units whose panels produced energy in the year,
	// SolarKWh their energy.
	SolarStations int64
	SolarKWh      int64
	// PlasticKg and PlasticPreviousKg are the plastic sorted in the year
	// and the year before.
	PlasticKg, PlasticPreviousKg int64
}

// Share returns part ÷ whole in whole per cent, nil when whole is 0.
func Share(part, whole int64) *float64 {
	if whole == 0 {
		return nil
	}
	v := math.Round(float64(part) * 100 / float64(whole))
	return &v
}

// ElectricShare is the electric cars' share of the fleet, whole per cent.
func ElectricShare(f sotepe.Fleet) *float64 { return Share(f.Electric, f.Cars) }

// PlasticGrowth is the growth of sorted plastic from the year before in
// whole per cent, nil without a year before.
func (s Sustainability) PlasticGrowth() *float64 {
	if s.PlasticPreviousKg == 0 {
		return nil
	}
	v := math.Round(float64(s.PlasticKg-s.PlasticPreviousKg) * 100 / float64(s.PlasticPreviousKg))
	return &v
}

// yearEnd is the last day of year.
func yearEnd(year int) string { return fmt.Sprintf("%04d-12-31", year) }

// readStaff reads the staff section of year: the headcount on its last day
// by area (in the order of areas, then by id) with each area's share, the
// year before's, the turnover, training, applicants and the personnel
// survey's share that would recommend the sector as an employer.
func readStaff(ctx context.Context, st Reader, org *Org, year int) (Staff, error) {
	var s Staff
	byArea := func(cells []sotepe.StaffCell) map[string]int64 {
		m := map[string]int64{}
		for _, c := range cells {
			m[c.AreaID] += c.Count
		}
		return m
	}
	cur, err := st.StaffHeadcount(ctx, yearEnd(year))
	if err != nil {
		return s, err
	}
	prevCells, err := st.StaffHeadcount(ctx, yearEnd(year-1))
	if err != nil {
		return s, err
	}
	now, prev := byArea(cur), byArea(prevCells)
	for _, n := range prev {
		s.PreviousTotal += n
	}
	for _, n := range now {
		s.Total += n
	}
	var order []string
	if org != nil {
		for _, a := range org.Areas {
			order = append(order, a.ID)
		}
	}
	var rest []string
	for id := range now {
		if !slices.Contains(order, id) {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	for _, id := range append(order, rest...) {
		n, ok := now[id]
		if !ok || n == 0 {
			continue
		}
		l := StaffLine{AreaID: id, Headcount: n}
		if s.Total > 0 {
			l.Percent = int64(math.Round(float64(n) * 100 / float64(s.Total)))
		}
		if p, ok := prev[id]; ok {
			l.Previous = &p
		}
		s.Lines = append(s.Lines, l)
	}

	from, to := fmt.Sprintf("%04d-01-01", year), yearEnd(year)
	leavers, err := st.StaffLeavers(ctx, from, to)
	if err != nil {
		return s, err
	}
	for _, c := range leavers {
		s.Leavers += c.Count
	}
	if t := sotepe.Turnover(s.Leavers, s.PreviousTotal, s.Total); t != nil {
		v := math.Round(*t)
		s.TurnoverPercent = &v
	}
	months, err := st.StaffMonths(ctx, fmt.Sprintf("%04d-01", year), fmt.Sprintf("%04d-12", year))
	if err != nil {
		return s, err
	}
	var days int64
	for _, m := range months {
		s.Courses += m.Courses
		days += m.TrainingDays
	}
	if s.Total > 0 {
		v := sotepe.RoundHalfAway(float64(days)/float64(s.Total), 1)
		s.TrainingDaysPerEmployee = &v
	}
	applicants := func(y int) (int64, error) {
		rows, err := st.StaffVacancies(ctx, fmt.Sprintf("%04d-01-01", y), yearEnd(y))
		var n int64
		for _, r := range rows {
			n += r.Applicants
		}
		return n, err
	}
	if s.Applicants, err = applicants(year); err != nil {
		return s, err
	}
	if s.ApplicantsPrevious, err = applicants(year - 1); err != nil {
		return s, err
	}
	share, err := RecommendShare(ctx, st, year)
	if err != nil {
		return s, err
	}
	s.SurveyRespondents = share.Respondents
	if share.Recommend != nil {
		v := math.Round(*share.Recommend)
		s.RecommendPercent = &v
	}
	return s, nil
}

// RecommendShare reads the personnel survey of year (sotepe.PersonnelSurvey)
// and returns the share of those who answered the question "would you
// recommend us as an employer" who said yes, in per cent; nil below
// sotepe.MinCellSize answers.
func RecommendShare(ctx context.Context, st interface {
	SurveyTally(ctx context.Context, survey string) (sotepe.SurveyTally, error)
}, year int) (sotepe.SurveyShare, error) {
	id := sotepe.PersonnelSurvey(year)
	out := sotepe.SurveyShare{Survey: id}
	tally, err := st.SurveyTally(ctx, id)
	if err != nil {
		return out, err
	}
	out.Respondents = tally.Respondents[sotepe.RecommendQuestion]
	var yes int64
	for _, c := range tally.Counts {
		if c.Question == sotepe.RecommendQuestion && c.Option == "yes" {
			yes += c.Count
		}
	}
	if out.Respondents >= sotepe.MinCellSize {
		v := float64(yes) * 100 / float64(out.Respondents)
		out.Recommend = &v
	}
	return out, nil
}

// readEconomy reads the economy section of year.
func readEconomy(ctx context.Context, st Reader, year int) (Economy, error) {
	var e Economy
	ms, err := st.ChangeMeasures(ctx)
	if err != nil {
		return e, err
	}
	for _, m := range ms {
		e.ChangeTargetEUR += m.TargetEUR
		e.ChangeTargetYear = max(e.ChangeTargetYear, m.TargetYear)
		for _, a := range m.Achieved {
			if a.Year == year || a.Year == year-1 {
				e.ChangeAchievedEUR += a.EUR
			}
		}
	}
	sum := func(y int) (int64, error) {
		rows, err := st.HiredLabourMonths(ctx, fmt.Sprintf("%04d-01", y), fmt.Sprintf("%04d-12", y))
		var n int64
		for _, r := range rows {
			n += r.EUR
		}
		return n, err
	}
	if e.HiredLabourEUR, err = sum(year); err != nil {
		return e, err
	}
	e.HiredLabourPreviousEUR, err = sum(year - 1)
	return e, err
}

// readSustainability reads the sustainability section of year.
func readSustainability(ctx context.Context, st Reader, year int) (Sustainability, error) {
	var s Sustainability
	var err error
	if s.Fleet, err = st.FleetOn(ctx, yearEnd(year)); err != nil {
		return s, err
	}
	if s.FleetPrevious, err = st.FleetOn(ctx, yearEnd(year-1)); err != nil {
		return s, err
	}
	solar, err := st.SolarMonths(ctx, fmt.Sprintf("%04d-01", year), fmt.Sprintf("%04d-12", year))
	if err != nil {
		return s, err
	}
	stations := map[string]bool{}
	for _, m := range solar {
		s.SolarKWh += m.KWh
		if m.KWh > 0 {
			stations[m.UnitID] = true
		}
	}
	s.SolarStations = int64(len(stations))
	plastic := func(y int) (int64, error) {
		rows, err := st.PlasticMonths(ctx, fmt.Sprintf("%04d-01", y), fmt.Sprintf("%04d-12", y))
		var n int64
		for _, r := range rows {
			n += r.Kg
		}
		return n, err
	}
	if s.PlasticKg, err = plastic(year); err != nil {
		return s, err
	}
	s.PlasticPreviousKg, err = plastic(year - 1)
	return s, err
}

// EconomyJSON is the economy section with the reference file's keys.
type EconomyJSON struct {
	ChangeTargetEUR      int64 `json:"change_programme_target_eur"`
	ChangeTargetYear     int   `json:"change_programme_target_year"`
	ChangeAchievedEUR    int64 `json:"change_programme_achieved_2023_2024_eur"`
	HiredLabourReduction int64 `json:"hired_labour_cost_reduction_vs_previous_year_eur"`
}

// SustainabilityJSON is the sustainability section with the reference
// file's keys. ChemicalAndOilSpills is the rescue section's count of
// chemical and oil spill missions; AnnualJSON fills it in.
type SustainabilityJSON struct {
	Cars                  int64    `json:"cars"`
	ElectricCars          int64    `json:"electric_cars"`
	ElectricShare         *float64 `json:"electric_share_percent"`
	ElectricSharePrevious *float64 `json:"electric_share_previous_year_percent"`
	SolarStations         int64    `json:"rescue_stations_with_solar_panels"`
	SolarMWh              float64  `json:"solar_energy_mwh"`
	ChemicalAndOilSpills  int64    `json:"chemical_and_oil_spills_handled"`
	PlasticTonnes         float64  `json:"plastic_sorted_tonnes"`
	PlasticGrowth         *float64 `json:"plastic_sorted_growth_percent"`
}

// JSON returns the economy section as data.
func (e Economy) JSON() EconomyJSON {
	return EconomyJSON{ChangeTargetEUR: e.ChangeTargetEUR, ChangeTargetYear: e.ChangeTargetYear, ChangeAchievedEUR: e.ChangeAchievedEUR,
		HiredLabourReduction: e.HiredLabourReduction()}
}

// SolarMWh is the solar energy in MWh, one decimal.
func (s Sustainability) SolarMWh() float64 { return sotepe.RoundHalfAway(float64(s.SolarKWh)/1000, 1) }

// PlasticTonnes is the sorted plastic in tonnes, one decimal.
func (s Sustainability) PlasticTonnes() float64 {
	return sotepe.RoundHalfAway(float64(s.PlasticKg)/1000, 1)
}

// JSON returns the sustainability section as data.
func (s Sustainability) JSON() SustainabilityJSON {
	return SustainabilityJSON{Cars: s.Fleet.Cars, ElectricCars: s.Fleet.Electric, ElectricShare: ElectricShare(s.Fleet),
		ElectricSharePrevious: ElectricShare(s.FleetPrevious), SolarStations: s.SolarStations, SolarMWh: s.SolarMWh(),
		PlasticTonnes: s.PlasticTonnes(), PlasticGrowth: s.PlasticGrowth()}
}

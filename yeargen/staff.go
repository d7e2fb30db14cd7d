package yeargen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"sotepe"
)

// The staff of a generated year: employments whose headcount on the year's
// last day is the reference's by area, starts and leavers giving its
// turnover, vacancies with applicants, HR's monthly sums of courses,
// training and sick-leave days, and the personnel survey's answers. Counts
// are round(value × Scale); shares, percentages and per-employee ratios stay
// what the reference says at every scale where the counts are large enough
// to show them.

// sectorRef is the reference's staff, economy and sustainability figures.
type sectorRef struct {
	Staff struct {
		HeadcountAtYearEnd []struct {
			Area  string  `json:"area"`
			Value float64 `json:"value"`
		} `json:"headcount_at_year_end"`
		RecommendPercent        float64 `json:"recommend_as_employer_percent"`
		Courses                 float64 `json:"courses"`
		TrainingDaysPerEmployee float64 `json:"training_days_per_employee"`
		MoreApplicants          float64 `json:"more_applicants_than_previous_year"`
		TurnoverPercent         float64 `json:"turnover_percent"`
	} `json:"staff"`
	Economy struct {
		TargetEUR       float64 `json:"change_programme_target_eur"`
		TargetYear      int     `json:"change_programme_target_year"`
		AchievedEUR     float64 `json:"change_programme_achieved_2023_2024_eur"`
		HiredLabourDrop float64 `json:"hired_labour_cost_reduction_vs_previous_year_eur"`
	} `json:"economy"`
	Sustainability struct {
		Cars                 float64 `json:"cars"`
		ElectricCars         float64 `json:"electric_cars"`
		ElectricPrevPercent  float64 `json:"electric_share_previous_year_percent"`
		SolarStations        int     `json:"rescue_stations_with_solar_panels"`
		SolarMWh             float64 `json:"solar_energy_mwh"`
		PlasticTonnes        float64 `json:"plastic_sorted_tonnes"`
		PlasticGrowthPercent float64 `json:"plastic_sorted_growth_percent"`
	} `json:"sustainability"`
}

// loadSectorRef reads the staff, economy and sustainability figures of the
// embedded reference.
func loadSectorRef() (sectorRef, error) {
	return parseReference[sectorRef]("reference")
}

// Figures of the generated staff that the reference does not give.
const (
	// ApplicantsPreviousYear is the applicants of the year before at scale
	// 1; the year's are these plus the reference's growth.
	ApplicantsPreviousYear = 40_000
	// VacanciesPerYear is the vacancies published a year at scale 1.
	VacanciesPerYear = 2_400
	// SurveyRespondents is the personnel survey's respondents at scale 1,
	// about two in three of the staff.
	SurveyRespondents = 10_000
	// SickDaysPerEmployee is the sick-leave days a year per employee.
	SickDaysPerEmployee = 14.5
	// StartsOverLeavers is how many more start than leave, as a share of
	// the headcount: the staff grows by about 1 % a year.
	StartsOverLeavers = 0.01
)

// professionMix is how each area's staff divides into professions.
var professionMix = map[string][]struct {
	profession string
	weight     float64
}{
	"hospital_rehabilitation_and_care_services": {{"practical-nurse", 35}, {"nurse", 30}, {"support", 14}, {"physician", 8}, {"therapist", 7}, {"administration", 5}, {"psychologist", 1}},
	"family_and_social_services":                {{"social-counsellor", 25}, {"social-worker", 24}, {"practical-nurse", 15}, {"public-health-nurse", 12}, {"administration", 10}, {"psychologist", 8}, {"therapist", 6}},
	"health_and_substance_abuse_services":       {{"nurse", 30}, {"physician", 18}, {"practical-nurse", 14}, {"public-health-nurse", 10}, {"dentist", 8}, {"administration", 8}, {"psychologist", 6}, {"support", 6}},
	"common_services":                           {{"administration", 70}, {"support", 30}},
	"rescue_department":                         {{"firefighter", 55}, {"paramedic", 35}, {"administration", 9}, {"physician", 1}},
}

// split divides total into len(weights) whole parts proportional to weights
// by largest remainder, so the parts add up to total exactly; ties go to the
// earlier part.
func split(total int, weights []float64) []int {
	out := make([]int, len(weights))
	var sum float64
	for _, w := range weights {
		sum += w
	}
	if sum == 0 || total <= 0 {
		return out
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(weights))
	given := 0
	for i, w := range weights {
		exact := float64(total) * w / sum
		out[i] = int(math.Floor(exact))
		given += out[i]
		rems[i] = rem{i, exact - float64(out[i])}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < total; k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	return out
}

// staffCell is one area and profession of the generated staff.
type staffCell struct {
	area, profession      string
	end, starts, leavers  int
	courses, trainingDays int
	sickDays              int
}

// staffCells divides the reference's headcount by area into professions
// and gives each cell its starts, leavers, courses, training and sick days.
func (y Year) staffCells(ref sectorRef) []staffCell {
	var cells []staffCell
	var total int
	for _, h := range ref.Staff.HeadcountAtYearEnd {
		n := Scaled(h.Value, y.Scale)
		total += n
		mix := professionMix[h.Area]
		if len(mix) == 0 {
			mix = professionMix["common_services"]
		}
		weights := make([]float64, len(mix))
		for i, m := range mix {
			weights[i] = m.weight
		}
		leavers := int(math.Round(float64(n) * ref.Staff.TurnoverPercent / 100))
		starts := leavers + int(math.Round(float64(n)*StartsOverLeavers))
		ends, ls := split(n, weights), split(leavers, weights)
		ss := split(starts, weights)
		for i, m := range mix {
			c := staffCell{area: replaceUnderscores(h.Area), profession: m.profession, end: ends[i], starts: min(ss[i], ends[i]), leavers: ls[i]}
			cells = append(cells, c)
		}
	}
	weights := make([]float64, len(cells))
	for i, c := range cells {
		weights[i] = float64(c.end)
	}
	courses := split(Scaled(ref.Staff.Courses, y.Scale), weights)
	days := split(int(math.Round(float64(total)*ref.Staff.TrainingDaysPerEmployee)), weights)
	sick := split(int(math.Round(float64(total)*SickDaysPerEmployee)), weights)
	for i := range cells {
		cells[i].courses, cells[i].trainingDays, cells[i].sickDays = courses[i], days[i], sick[i]
	}
	return cells
}

// monthWeights spreads a year's training (less in July) and sick leave
// (more in winter) over its months.
var (
	trainingMonths = []float64{9, 10, 10, 9, 9, 6, 1, 5, 10, 11, 11, 9}
	sickMonths     = []float64{11, 11, 10, 9, 8, 6, 5, 6, 8, 9, 9, 8}
)

// StaffRecords returns the generated staff of the year: the employments
// (opaque keys), the vacancies of the year and the year before, and HR's
// monthly sums of the year.
func (y Year) StaffRecords() (sotepe.StaffRecords, error) {
	var r sotepe.StaffRecords
	ref, err := loadSectorRef()
	if err != nil {
		return r, err
	}
	rng := rand.New(rand.NewPCG(uint64(y.Seed), uint64(y.Seed)^0x57aff))
	first := time.Date(y.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	day := func(from time.Time, days int) string { return from.AddDate(0, 0, rng.IntN(days)).Format(time.DateOnly) }
	seen := map[string]bool{}
	key := func() string {
		for {
			k := fmt.Sprintf("%016x", rng.Uint64())
			if !seen[k] {
				seen[k] = true
				return k
			}
		}
	}
	reasons := []sotepe.LeaveReason{sotepe.LeaveResignation, sotepe.LeaveResignation, sotepe.LeaveResignation, sotepe.LeaveRetirement,
		sotepe.LeaveRetirement, sotepe.LeaveFixedTerm, sotepe.LeaveFixedTerm, sotepe.LeaveDismissal, sotepe.LeaveOther}
	earliest := time.Date(y.Year-35, 1, 1, 0, 0, 0, 0, time.UTC)
	before := int(first.Sub(earliest).Hours() / 24) // days from earliest to the year's first day
	cells := y.staffCells(ref)
	for _, c := range cells {
		// The cell's headcount on the year's last day is the stayers (who
		// were there before the year) and the starters.
		for range c.end - c.starts {
			r.Employments = append(r.Employments, sotepe.Employment{Key: key(), AreaID: c.area, Profession: c.profession, Start: day(earliest, before)})
		}
		for range c.starts {
			r.Employments = append(r.Employments, sotepe.Employment{Key: key(), AreaID: c.area, Profession: c.profession, Start: day(first, 365)})
		}
		// Leavers were there before the year and left by its last day
		// but one.
		for range c.leavers {
			r.Employments = append(r.Employments, sotepe.Employment{Key: key(), AreaID: c.area, Profession: c.profession, Start: day(earliest, before),
				End: day(first, 364), EndReason: reasons[rng.IntN(len(reasons))]})
		}
	}
	r.Vacancies = y.vacancies(rng, ref, cells)
	for _, c := range cells {
		courses, days, sick := split(c.courses, trainingMonths), split(c.trainingDays, trainingMonths), split(c.sickDays, sickMonths)
		for m := range 12 {
			r.Months = append(r.Months, sotepe.StaffMonth{AreaID: c.area, Profession: c.profession, Month: fmt.Sprintf("%04d-%02d", y.Year, m+1),
				Courses: int64(courses[m]), TrainingDays: int64(days[m]), SickDays: int64(sick[m])})
		}
	}
	return r, nil
}

// vacancies returns the vacancies of the year and the year before, spread
// over the cells by headcount: the year before's applicants are
// ApplicantsPreviousYear, the year's that many and the reference's growth.
func (y Year) vacancies(rng *rand.Rand, ref sectorRef, cells []staffCell) []sotepe.Vacancy {
	weights := make([]float64, len(cells))
	for i, c := range cells {
		weights[i] = float64(c.end)
	}
	prevApplicants := Scaled(ApplicantsPreviousYear, y.Scale)
	var out []sotepe.Vacancy
	for _, yr := range []struct {
		year, applicants int
	}{{y.Year - 1, prevApplicants}, {y.Year, prevApplicants + Scaled(ref.Staff.MoreApplicants, y.Scale)}} {
		n := max(1, Scaled(VacanciesPerYear, y.Scale))
		perCell := split(n, weights)
		first := time.Date(yr.year, 1, 1, 0, 0, 0, 0, time.UTC)
		// Some positions draw many more applicants than others.
		draws := make([]float64, n)
		for i := range draws {
			draws[i] = 0.3 + rng.ExpFloat64()
		}
		applicants := split(yr.applicants, draws)
		i := 0
		for ci, c := range cells {
			for range perCell[ci] {
				out = append(out, sotepe.Vacancy{ID: fmt.Sprintf("v%d-%05d", yr.year, i+1), AreaID: c.area, Profession: c.profession,
					Published: first.AddDate(0, 0, rng.IntN(365)).Format(time.DateOnly), Applicants: int64(applicants[i])})
				i++
			}
		}
	}
	return out
}

// PersonnelSurveyAnswers returns the personnel survey's answers of the
// year: SurveyRespondents × Scale responses, the reference's share of them
// saying yes to "would you recommend us as an employer", each also with an
// answer to the survey's scale question on workload. Each response is its
// values.
func (y Year) PersonnelSurveyAnswers() ([][]sotepe.SurveyValue, error) {
	ref, err := loadSectorRef()
	if err != nil {
		return nil, err
	}
	n := max(1, Scaled(SurveyRespondents, y.Scale))
	yes := int(math.Round(float64(n) * ref.Staff.RecommendPercent / 100))
	rng := rand.New(rand.NewPCG(uint64(y.Seed), 0x5a7e7))
	order := rng.Perm(n)
	out := make([][]sotepe.SurveyValue, n)
	for i, k := range order {
		answer := "no"
		if k < yes {
			answer = "yes"
		}
		step := float64(1 + rng.IntN(5))
		out[i] = []sotepe.SurveyValue{{Question: sotepe.RecommendQuestion, Option: answer}, {Question: "workload", Number: &step}}
	}
	return out, nil
}

// SurveyDay is the day the generated personnel survey's responses carry:
// the autumn survey of the year.
func (y Year) SurveyDay() string { return fmt.Sprintf("%04d-10-15", y.Year) }

// rescueStations returns the ids of the network's rescue stations, sorted.
func (y Year) rescueStations() []string {
	var out []string
	for _, u := range y.Network.Units {
		if u.Kind == "rescue_station" {
			out = append(out, u.ID)
		}
	}
	slices.Sort(out)
	return out
}

package yearweb

import (
	"net/http"
	"slices"

	"sotepe"
	"sotepe/report"
	"sotepe/web/kit"
	"sotepe/web/view"
)

// Finance's figures: GET /economy and GET /api/v1/economy/figures (budget
// and actual by area and month, the change programme, hired labour), GET
// /sustainability and GET /api/v1/sustainability/figures (the fleet, solar
// energy by rescue station, sorted plastic), and POST
// /api/v1/economy/budget, finance's budget lines. Finance and analysts
// read; only finance writes.

// economyView is the economy page.
type economyView struct {
	Year                          int
	Error                         string
	Shown                         bool
	Areas                         []economyRow
	Total                         economyRow
	Months                        []economyRow
	Measures                      []changeMeasureRow
	MeasureTarget, MeasureAchieve string
	TargetYear                    int
	Hired, HiredPrev, HiredDrop   string
}

// economyRow is a line of budget and actual: an area's year or the
// sector's month.
type economyRow struct {
	Key, Label                 string
	Budget, Actual, Difference string
}

// changeMeasureRow is one measure of the change programme.
type changeMeasureRow struct {
	Name, Target, Achieved string
	TargetYear             int
}

// EconomyFigures serves the economy figures: the page and its JSON.
func (h *Handlers) EconomyFigures(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var names map[string]sotepe.Names
	f, ok, err := yearFigures(h, w, r, "economy_figures", "economy.title", func(year int) (sotepe.EconomyFigures, error) {
		f, err := h.cfg.Economy.Economy(r.Context(), u, year)
		if err == nil {
			names, err = h.areaNames(r.Context())
		}
		return f, err
	}, func(year int, msg string) any { return economyView{Year: year, Error: msg} })
	if !ok {
		return err
	}
	lang := kit.Info(r).Lang
	v := economyView{Year: f.Year, Shown: true}
	line := func(key, label string, budget, actual int64) economyRow {
		return economyRow{Key: key, Label: label, Budget: view.Euros(lang, budget), Actual: view.Euros(lang, actual), Difference: view.Euros(lang, actual-budget)}
	}
	type sum struct{ budget, actual int64 }
	byArea, byMonth := map[string]*sum{}, map[string]*sum{}
	var areas, months []string
	var total sum
	for _, b := range f.Budget {
		if byArea[b.AreaID] == nil {
			byArea[b.AreaID] = &sum{}
			areas = append(areas, b.AreaID)
		}
		if byMonth[b.Month] == nil {
			byMonth[b.Month] = &sum{}
			months = append(months, b.Month)
		}
		for _, x := range []*sum{byArea[b.AreaID], byMonth[b.Month], &total} {
			x.budget += b.BudgetEUR
			x.actual += b.ActualEUR
		}
	}
	slices.Sort(months)
	for _, a := range areas {
		label := a
		if n, ok := names[a]; ok {
			label = n.In(lang)
		}
		v.Areas = append(v.Areas, line(a, label, byArea[a].budget, byArea[a].actual))
	}
	v.Total = line("", h.site.T(lang, "stats.total", nil), total.budget, total.actual)
	dates := h.site.Dates(lang)
	for _, m := range months {
		v.Months = append(v.Months, line(m, dates.Period(m), byMonth[m].budget, byMonth[m].actual))
	}
	rep := report.Economy{HiredLabourEUR: f.HiredLabourTotal, HiredLabourPreviousEUR: f.HiredLabourPrevious}
	var target, achieved int64
	for _, m := range f.Measures {
		var a int64
		for _, x := range m.Achieved {
			if x.Year <= f.Year {
				a += x.EUR
			}
		}
		target += m.TargetEUR
		achieved += a
		v.TargetYear = max(v.TargetYear, m.TargetYear)
		v.Measures = append(v.Measures, changeMeasureRow{Name: m.Names.In(lang), Target: view.Euros(lang, m.TargetEUR), Achieved: view.Euros(lang, a), TargetYear: m.TargetYear})
	}
	v.MeasureTarget, v.MeasureAchieve = view.Euros(lang, target), view.Euros(lang, achieved)
	v.Hired, v.HiredPrev, v.HiredDrop = view.Euros(lang, f.HiredLabourTotal), view.Euros(lang, f.HiredLabourPrevious), view.Euros(lang, rep.HiredLabourReduction())
	h.site.Page(w, r, http.StatusOK, "economy_figures", h.site.T(lang, "economy.title", nil), v)
	return nil
}

// sustainabilityView is the sustainability page.
type sustainabilityView struct {
	Year                     int
	Error                    string
	Shown                    bool
	Cars, Electric, Share    string
	PrevCars, PrevElectric   string
	PrevShare                string
	Stations                 []economyRow
	SolarTotal               string
	Plastic                  []economyRow
	PlasticTotal, PlasticOld string
}

// SustainabilityFigures serves the sustainability figures: the page and
// its JSON.
func (h *Handlers) SustainabilityFigures(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	f, ok, err := yearFigures(h, w, r, "sustainability_figures", "sustainability.title", func(year int) (sotepe.SustainabilityFigures, error) {
		return h.cfg.Economy.Sustainability(r.Context(), u, year)
	}, func(year int, msg string) any { return sustainabilityView{Year: year, Error: msg} })
	if !ok {
		return err
	}
	lang := kit.Info(r).Lang
	n := func(v int64) string { return view.Count(lang, v) }
	share := func(fl sotepe.Fleet) string {
		if p := report.ElectricShare(fl); p != nil {
			return view.Percent(lang, *p, 0)
		}
		return view.Missing
	}
	v := sustainabilityView{Year: f.Year, Shown: true, Cars: n(f.Fleet.Cars), Electric: n(f.Fleet.Electric), Share: share(f.Fleet),
		PrevCars: n(f.FleetPrevious.Cars), PrevElectric: n(f.FleetPrevious.Electric), PrevShare: share(f.FleetPrevious)}
	mwh := func(kwh int64) string { return view.Decimal(lang, float64(kwh)/1000, 1) + "\u00a0MWh" }
	tonnes := func(kg int64) string { return view.Decimal(lang, float64(kg)/1000, 1) + "\u00a0t" }
	byUnit := map[string]int64{}
	var units []string
	var solar int64
	for _, m := range f.Solar {
		if _, ok := byUnit[m.UnitID]; !ok {
			units = append(units, m.UnitID)
		}
		byUnit[m.UnitID] += m.KWh
		solar += m.KWh
	}
	for _, id := range units {
		label := id
		if u, err := h.cfg.Directory.Unit(r.Context(), id); err == nil {
			label = u.Names.In(lang)
		}
		v.Stations = append(v.Stations, economyRow{Key: id, Label: label, Budget: mwh(byUnit[id])})
	}
	v.SolarTotal = mwh(solar)
	dates := h.site.Dates(lang)
	var plastic, old int64
	for _, p := range f.Plastic {
		plastic += p.Kg
		v.Plastic = append(v.Plastic, economyRow{Key: p.Month, Label: dates.Period(p.Month), Budget: tonnes(p.Kg)})
	}
	for _, p := range f.PlasticPrev {
		old += p.Kg
	}
	v.PlasticTotal, v.PlasticOld = tonnes(plastic), tonnes(old)
	h.site.Page(w, r, http.StatusOK, "sustainability_figures", h.site.T(lang, "sustainability.title", nil), v)
	return nil
}

// budgetRequest is the body of POST /api/v1/economy/budget.
type budgetRequest struct {
	Budget []sotepe.BudgetMonth `json:"budget"`
}

// EconomyBudget stores finance's budget lines, all or none: a bad one is
// 400 naming its field and index.
func (h *Handlers) EconomyBudget(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var req budgetRequest
	if err := kit.DecodeJSON(r, &req); err != nil {
		return err
	}
	err := h.cfg.Economy.Save(r.Context(), u, sotepe.EconomyRecords{Budget: req.Budget})
	return kit.WriteResult(w, http.StatusOK, savedResponse{Saved: len(req.Budget)}, err)
}

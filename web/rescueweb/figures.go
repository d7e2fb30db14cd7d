package rescueweb

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"sotepe"
	"sotepe/rescue"
	"sotepe/web/kit"
	"sotepe/web/view"
)

// filters are the filters of the figures and the mission list.
type filters struct {
	From, To, Station, RiskClass, Urgency, Type, GroupBy string
}

// parseFilters reads the filters; the period defaults to the last
// twelve months to today.
func (h *Handlers) parseFilters(r *http.Request) (filters, error) {
	q := r.URL.Query()
	today := h.site.Now()
	p := filters{From: q.Get("from"), To: q.Get("to"), Station: q.Get("station"), RiskClass: q.Get("risk_class"),
		Urgency: q.Get("urgency"), Type: q.Get("type"), GroupBy: q.Get("group_by")}
	if p.From == "" {
		p.From = today.AddDate(-1, 0, 1).Format(time.DateOnly)
	}
	if p.To == "" {
		p.To = today.Format(time.DateOnly)
	}
	if p.GroupBy == "" {
		p.GroupBy = string(sotepe.RescueByStation)
	}
	if _, _, err := sotepe.ParseStatsPeriod(p.From, p.To); err != nil {
		return p, err
	}
	return p, p.query().Validate()
}

// query is the figures' query of p.
func (p filters) query() sotepe.RescueQuery {
	q := sotepe.RescueQuery{From: p.From, To: p.To, GroupBy: sotepe.RescueDim(p.GroupBy)}
	if p.Station != "" {
		q.Stations = []string{p.Station}
	}
	if p.RiskClass != "" {
		q.RiskClasses = []sotepe.RiskClass{sotepe.RiskClass(p.RiskClass)}
	}
	if p.Urgency != "" {
		q.Urgencies = []sotepe.RescueUrgency{sotepe.RescueUrgency(p.Urgency)}
	}
	if p.Type != "" {
		q.Types = []sotepe.AccidentType{sotepe.AccidentType(p.Type)}
	}
	return q
}

// figuresResponse is GET /api/v1/rescue/figures: the figures of the
// filters, and the headline, the urgency A missions in risk class I of the
// period and station and their share on the scene within 6 minutes.
type figuresResponse struct {
	From    string              `json:"from"`
	To      string              `json:"to"`
	ClassIA sotepe.RescueFigure `json:"class_i_a_missions"`
	sotepe.RescueFigures
}

// figureRow is one row of a figures table, written for the page.
type figureRow struct {
	Key, Label, Count, WithTarget, Met, Share, Median, P90 string
}

// option is one choice of a filter.
type option struct {
	Value, Label string
	Selected     bool
}

// figuresView is the figures page.
type figuresView struct {
	P                                             filters
	Headline, HeadlineOf                          string
	Stations, Classes, Urgencies, Types, GroupBys []option
	Missions, Runs                                []figureRow
	MissionsTotal, RunsTotal                      figureRow
	MayWork                                       bool
}

// Figures is GET /rescue and GET /api/v1/rescue/figures.
func (h *Handlers) Figures(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	p, err := h.parseFilters(r)
	if err != nil {
		return err
	}
	figs, err := h.cfg.Rescue.Figures(r.Context(), u, p.query())
	if err != nil {
		return err
	}
	head := sotepe.RescueQuery{From: p.From, To: p.To, RiskClasses: []sotepe.RiskClass{"I"}, Urgencies: []sotepe.RescueUrgency{"A"}}
	if p.Station != "" {
		head.Stations = []string{p.Station}
	}
	ia, err := h.cfg.Rescue.Figures(r.Context(), u, head)
	if err != nil {
		return err
	}
	resp := figuresResponse{From: p.From, To: p.To, ClassIA: ia.MissionsTotal, RescueFigures: figs}
	if kit.IsAPI(r) {
		kit.WriteJSON(w, http.StatusOK, resp)
		return nil
	}
	lang := kit.Info(r).Lang
	names, err := h.readNames(r)
	if err != nil {
		return err
	}
	v := figuresView{P: p, Headline: view.Missing, MayWork: rescue.MayWork(u)}
	if ia.MissionsTotal.MetPercent != nil {
		v.Headline = view.Percent(lang, *ia.MissionsTotal.MetPercent, 1)
	}
	v.HeadlineOf = h.site.T(lang, "rescue.figures.headline_of", map[string]any{"Met": ia.MissionsTotal.Met, "Count": ia.MissionsTotal.WithTarget})
	v.Stations, v.Classes, v.Urgencies, v.Types = h.options(lang, names, p)
	for _, d := range sotepe.RescueDims {
		v.GroupBys = append(v.GroupBys, option{string(d), h.site.T(lang, "rescue.group."+string(d), nil), p.GroupBy == string(d)})
	}
	label := func(key string) string { return h.label(lang, names, sotepe.RescueDim(p.GroupBy), key) }
	for _, f := range figs.Missions {
		v.Missions = append(v.Missions, h.rowOf(lang, f, label(f.Key)))
	}
	for _, f := range figs.Runs {
		v.Runs = append(v.Runs, h.rowOf(lang, f, label(f.Key)))
	}
	v.MissionsTotal = h.rowOf(lang, figs.MissionsTotal, h.site.T(lang, "stats.total", nil))
	v.RunsTotal = h.rowOf(lang, figs.RunsTotal, h.site.T(lang, "stats.total", nil))
	h.site.Page(w, r, http.StatusOK, "rescue_figures", h.site.T(lang, "rescue.figures.title", nil), v)
	return nil
}

// placeNames are the names of the rescue stations and the districts.
type placeNames struct {
	stations  []sotepe.Unit
	districts map[string]sotepe.Names
}

func (h *Handlers) readNames(r *http.Request) (placeNames, error) {
	n := placeNames{districts: map[string]sotepe.Names{}}
	units, err := sotepe.AllUnits(r.Context(), h.cfg.Directory, sotepe.UnitFilter{})
	if err != nil {
		return n, err
	}
	lang := kit.Info(r).Lang
	for _, u := range units {
		if u.Kind == "rescue_station" {
			n.stations = append(n.stations, u)
		}
	}
	slices.SortFunc(n.stations, func(a, b sotepe.Unit) int { return cmp.Compare(a.Names.In(lang), b.Names.In(lang)) })
	ds, err := h.cfg.Directory.Districts(r.Context())
	if err != nil {
		return n, err
	}
	for _, d := range ds {
		n.districts[d.ID] = d.Names
	}
	return n, nil
}

// label is the name of a group's key in lang.
func (h *Handlers) label(lang sotepe.Lang, n placeNames, d sotepe.RescueDim, key string) string {
	switch {
	case key == "":
		return view.Missing
	case d == sotepe.RescueByStation:
		for _, u := range n.stations {
			if u.ID == key {
				return u.Names.In(lang)
			}
		}
	case d == sotepe.RescueByDistrict:
		if names, ok := n.districts[key]; ok {
			return names.In(lang)
		}
	case d == sotepe.RescueByType:
		return h.site.T(lang, "rescue.type."+key, nil)
	case d == sotepe.RescueByMonth:
		if t, err := time.Parse("2006-01", key); err == nil {
			return h.site.Dates(lang).Month(t.Year(), t.Month())
		}
	case d == sotepe.RescueByRiskClass:
		return h.site.T(lang, "rescue.risk_class", map[string]any{"Class": key})
	case d == sotepe.RescueByUrgency:
		return h.site.T(lang, "rescue.urgency_class", map[string]any{"Class": key})
	}
	return key
}

// options are the choices of the filters, the current ones selected.
func (h *Handlers) options(lang sotepe.Lang, n placeNames, p filters) (stations, classes, urgencies, types []option) {
	all := option{"", h.site.T(lang, "rescue.all", nil), false}
	stations, classes, urgencies, types = []option{all}, []option{all}, []option{all}, []option{all}
	for _, u := range n.stations {
		stations = append(stations, option{u.ID, u.Names.In(lang), p.Station == u.ID})
	}
	for _, c := range sotepe.RiskClasses {
		classes = append(classes, option{string(c), h.site.T(lang, "rescue.risk_class", map[string]any{"Class": c}), p.RiskClass == string(c)})
	}
	for _, u := range sotepe.RescueUrgencies {
		urgencies = append(urgencies, option{string(u), h.site.T(lang, "rescue.urgency_class", map[string]any{"Class": u}), p.Urgency == string(u)})
	}
	for _, t := range sotepe.AccidentTypes {
		types = append(types, option{string(t), h.site.T(lang, "rescue.type."+string(t), nil), p.Type == string(t)})
	}
	return
}

func (h *Handlers) rowOf(lang sotepe.Lang, f sotepe.RescueFigure, label string) figureRow {
	row := figureRow{Key: f.Key, Label: label, Count: view.Count(lang, int64(f.Count)), WithTarget: view.Count(lang, int64(f.WithTarget)),
		Met: view.Count(lang, int64(f.Met)), Share: view.Missing, Median: view.Minutes(f.MedianSeconds), P90: view.Minutes(f.P90Seconds)}
	if f.MetPercent != nil {
		row.Share = view.Percent(lang, *f.MetPercent, 1)
	}
	return row
}

// missionRow is one mission of the list, written for the page.
type missionRow struct {
	ExternalID, Called, Station, Type, Urgency, RiskClass      string
	CallProcessing, Turnout, Travel, Response, OnScene, Target string
}

// missionsView is the mission list.
type missionsView struct {
	P                                   filters
	Stations, Classes, Urgencies, Types []option
	Rows                                []missionRow
	Next                                string
	Imported                            string
}

// Missions is GET /rescue/missions and GET /api/v1/rescue/missions:
// a page of the missions, the latest call first.
func (h *Handlers) Missions(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	q := r.URL.Query()
	p := filters{From: q.Get("from"), To: q.Get("to"), Station: q.Get("station"), RiskClass: q.Get("risk_class"),
		Urgency: q.Get("urgency"), Type: q.Get("type")}
	f := sotepe.RescueMissionFilter{From: p.From, To: p.To, Station: p.Station, RiskClass: sotepe.RiskClass(p.RiskClass),
		Urgency: sotepe.RescueUrgency(p.Urgency), Type: sotepe.AccidentType(p.Type)}
	if err := filterValid(f); err != nil {
		return err
	}
	page, ok, err := kit.ListPage(w, r, func(pr sotepe.PageRequest) (sotepe.Page[sotepe.RescueMission], error) {
		return h.cfg.Rescue.Missions(r.Context(), u, f, pr)
	})
	if !ok {
		return err
	}
	lang := kit.Info(r).Lang
	names, err := h.readNames(r)
	if err != nil {
		return err
	}
	v := missionsView{P: p, Imported: q.Get("imported")}
	v.Stations, v.Classes, v.Urgencies, v.Types = h.options(lang, names, p)
	dates := h.site.Dates(lang)
	for _, m := range page.Items {
		target := view.Missing
		if met, ok := m.TargetMet(); ok {
			target = h.site.T(lang, "rescue.target_missed", nil)
			if met {
				target = h.site.T(lang, "rescue.target_met", nil)
			}
		}
		v.Rows = append(v.Rows, missionRow{ExternalID: m.ExternalID, Called: dates.DateTime(m.CallAt.In(h.site.Now().Location())),
			Station: h.label(lang, names, sotepe.RescueByStation, m.StationID), Type: h.site.T(lang, "rescue.type."+string(m.Type), nil),
			Urgency: string(m.Urgency), RiskClass: string(m.RiskClass), CallProcessing: view.Duration(m.CallProcessing()),
			Turnout: view.Duration(m.Turnout()), Travel: view.Duration(m.Travel()), Response: view.Duration(m.ResponseTime()), OnScene: view.Duration(m.OnScene()),
			Target: target})
	}
	v.Next = kit.NextURL(r, page.NextCursor, "imported")
	h.site.Page(w, r, http.StatusOK, "rescue_missions", h.site.T(lang, "rescue.missions.title", nil), v)
	return nil
}

// filterValid checks a mission filter's dates and choices:
// "error.date" and "error.rescue_filter".
func filterValid(f sotepe.RescueMissionFilter) error {
	for _, d := range []string{f.From, f.To} {
		if d != "" {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				return sotepe.Invalid("error.date", "dates must be YYYY-MM-DD")
			}
		}
	}
	if (f.RiskClass != "" && !f.RiskClass.Valid()) || (f.Urgency != "" && !f.Urgency.Valid()) || (f.Type != "" && !f.Type.Valid()) {
		return sotepe.Invalid("error.rescue_filter", "unknown class, urgency or type")
	}
	return nil
}

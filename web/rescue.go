package web

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"

	"sotepe"
	"sotepe/rescue"
	"sotepe/web/kit"
	"sotepe/web/view"
)

// The rescue department's pages and API: the figures (GET /rescue and
// /api/v1/rescue/figures, for rescue officers and analysts), the missions
// (GET /rescue/missions and /api/v1/rescue/missions, the import by CSV
// upload and JSON) and the fire inspections with re-inspections due (GET
// /rescue/inspections and /api/v1/rescue/inspections), for rescue officers.
// sotepe.RescueService decides who may do what.

// rescueParams are the filters of the figures and the mission list.
type rescueParams struct {
	From, To, Station, RiskClass, Urgency, Type, GroupBy string
}

// parseRescueParams reads the filters; the period defaults to the last
// twelve months to today.
func (s *Server) parseRescueParams(r *http.Request) (rescueParams, error) {
	q := r.URL.Query()
	today := s.now().In(s.cfg.Location)
	p := rescueParams{From: q.Get("from"), To: q.Get("to"), Station: q.Get("station"), RiskClass: q.Get("risk_class"),
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
func (p rescueParams) query() sotepe.RescueQuery {
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

// rescueFiguresResponse is GET /api/v1/rescue/figures: the figures of the
// filters, and the headline, the urgency A missions in risk class I of the
// period and station and their share on the scene within 6 minutes.
type rescueFiguresResponse struct {
	From    string              `json:"from"`
	To      string              `json:"to"`
	ClassIA sotepe.RescueFigure `json:"class_i_a_missions"`
	sotepe.RescueFigures
}

// rescueRow is one row of a figures table, written for the page.
type rescueRow struct {
	Key, Label, Count, WithTarget, Met, Share, Median, P90 string
}

// rescueOption is one choice of a filter.
type rescueOption struct {
	Value, Label string
	Selected     bool
}

// rescueFiguresView is the figures page.
type rescueFiguresView struct {
	P                                             rescueParams
	Headline, HeadlineOf                          string
	Stations, Classes, Urgencies, Types, GroupBys []rescueOption
	Missions, Runs                                []rescueRow
	MissionsTotal, RunsTotal                      rescueRow
	MayWork                                       bool
}

// rescueFigures is GET /rescue and GET /api/v1/rescue/figures.
func (s *Server) rescueFigures(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	p, err := s.parseRescueParams(r)
	if err != nil {
		return err
	}
	figs, err := s.cfg.Rescue.Figures(r.Context(), u, p.query())
	if err != nil {
		return err
	}
	head := sotepe.RescueQuery{From: p.From, To: p.To, RiskClasses: []sotepe.RiskClass{"I"}, Urgencies: []sotepe.RescueUrgency{"A"}}
	if p.Station != "" {
		head.Stations = []string{p.Station}
	}
	ia, err := s.cfg.Rescue.Figures(r.Context(), u, head)
	if err != nil {
		return err
	}
	resp := rescueFiguresResponse{From: p.From, To: p.To, ClassIA: ia.MissionsTotal, RescueFigures: figs}
	if kit.IsAPI(r) {
		kit.WriteJSON(w, http.StatusOK, resp)
		return nil
	}
	lang := kit.Info(r).Lang
	names, err := s.rescueNames(r)
	if err != nil {
		return err
	}
	v := rescueFiguresView{P: p, Headline: view.Missing, MayWork: rescue.MayWork(u)}
	if ia.MissionsTotal.MetPercent != nil {
		v.Headline = view.Percent(lang, *ia.MissionsTotal.MetPercent, 1)
	}
	v.HeadlineOf = s.cat.T(lang, "rescue.figures.headline_of", map[string]any{"Met": ia.MissionsTotal.Met, "Count": ia.MissionsTotal.WithTarget})
	v.Stations, v.Classes, v.Urgencies, v.Types = s.rescueOptions(lang, names, p)
	for _, d := range sotepe.RescueDims {
		v.GroupBys = append(v.GroupBys, rescueOption{string(d), s.cat.T(lang, "rescue.group."+string(d), nil), p.GroupBy == string(d)})
	}
	label := func(key string) string { return s.rescueLabel(lang, names, sotepe.RescueDim(p.GroupBy), key) }
	for _, f := range figs.Missions {
		v.Missions = append(v.Missions, s.rescueRow(lang, f, label(f.Key)))
	}
	for _, f := range figs.Runs {
		v.Runs = append(v.Runs, s.rescueRow(lang, f, label(f.Key)))
	}
	v.MissionsTotal = s.rescueRow(lang, figs.MissionsTotal, s.cat.T(lang, "stats.total", nil))
	v.RunsTotal = s.rescueRow(lang, figs.RunsTotal, s.cat.T(lang, "stats.total", nil))
	s.html(w, r, http.StatusOK, "rescue_figures", pageData{Title: s.cat.T(lang, "rescue.figures.title", nil), Data: v})
	return nil
}

// rescueNames are the names of the rescue stations and the districts.
type rescueNames struct {
	stations  []sotepe.Unit
	districts map[string]sotepe.Names
}

func (s *Server) rescueNames(r *http.Request) (rescueNames, error) {
	n := rescueNames{districts: map[string]sotepe.Names{}}
	units, err := s.allUnits(r.Context())
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
	ds, err := s.dir.Districts(r.Context())
	if err != nil {
		return n, err
	}
	for _, d := range ds {
		n.districts[d.ID] = d.Names
	}
	return n, nil
}

// rescueLabel is the name of a group's key in lang.
func (s *Server) rescueLabel(lang sotepe.Lang, n rescueNames, d sotepe.RescueDim, key string) string {
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
		return s.cat.T(lang, "rescue.type."+key, nil)
	case d == sotepe.RescueByMonth:
		if t, err := time.Parse("2006-01", key); err == nil {
			return s.datesIn(lang).Month(t.Year(), t.Month())
		}
	case d == sotepe.RescueByRiskClass:
		return s.cat.T(lang, "rescue.risk_class", map[string]any{"Class": key})
	case d == sotepe.RescueByUrgency:
		return s.cat.T(lang, "rescue.urgency_class", map[string]any{"Class": key})
	}
	return key
}

// rescueOptions are the choices of the filters, the current ones selected.
func (s *Server) rescueOptions(lang sotepe.Lang, n rescueNames, p rescueParams) (stations, classes, urgencies, types []rescueOption) {
	all := rescueOption{"", s.cat.T(lang, "rescue.all", nil), false}
	stations, classes, urgencies, types = []rescueOption{all}, []rescueOption{all}, []rescueOption{all}, []rescueOption{all}
	for _, u := range n.stations {
		stations = append(stations, rescueOption{u.ID, u.Names.In(lang), p.Station == u.ID})
	}
	for _, c := range sotepe.RiskClasses {
		classes = append(classes, rescueOption{string(c), s.cat.T(lang, "rescue.risk_class", map[string]any{"Class": c}), p.RiskClass == string(c)})
	}
	for _, u := range sotepe.RescueUrgencies {
		urgencies = append(urgencies, rescueOption{string(u), s.cat.T(lang, "rescue.urgency_class", map[string]any{"Class": u}), p.Urgency == string(u)})
	}
	for _, t := range sotepe.AccidentTypes {
		types = append(types, rescueOption{string(t), s.cat.T(lang, "rescue.type."+string(t), nil), p.Type == string(t)})
	}
	return
}

func (s *Server) rescueRow(lang sotepe.Lang, f sotepe.RescueFigure, label string) rescueRow {
	row := rescueRow{Key: f.Key, Label: label, Count: view.Count(lang, int64(f.Count)), WithTarget: view.Count(lang, int64(f.WithTarget)),
		Met: view.Count(lang, int64(f.Met)), Share: view.Missing, Median: minutes(f.MedianSeconds), P90: minutes(f.P90Seconds)}
	if f.MetPercent != nil {
		row.Share = view.Percent(lang, *f.MetPercent, 1)
	}
	return row
}

// minutes writes seconds as minutes and seconds, "6 min 5 s"; nil is
// Missing.
func minutes(sec *float64) string {
	if sec == nil {
		return view.Missing
	}
	return duration(time.Duration(math.Round(*sec)) * time.Second)
}

// duration writes d as hours and minutes, or minutes and seconds under an
// hour: units every language of the pages writes the same, and no clock
// time's colon or dot.
func duration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d\u00a0h %d\u00a0min", s/3600, s/60%60)
	}
	return fmt.Sprintf("%d\u00a0min %d\u00a0s", s/60, s%60)
}

// rescueMissionRow is one mission of the list, written for the page.
type rescueMissionRow struct {
	ExternalID, Called, Station, Type, Urgency, RiskClass      string
	CallProcessing, Turnout, Travel, Response, OnScene, Target string
}

// rescueMissionsView is the mission list.
type rescueMissionsView struct {
	P                                   rescueParams
	Stations, Classes, Urgencies, Types []rescueOption
	Rows                                []rescueMissionRow
	Next                                string
	Imported                            string
}

// rescueMissions is GET /rescue/missions and GET /api/v1/rescue/missions:
// a page of the missions, the latest call first.
func (s *Server) rescueMissions(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	q := r.URL.Query()
	p := rescueParams{From: q.Get("from"), To: q.Get("to"), Station: q.Get("station"), RiskClass: q.Get("risk_class"),
		Urgency: q.Get("urgency"), Type: q.Get("type")}
	f := sotepe.RescueMissionFilter{From: p.From, To: p.To, Station: p.Station, RiskClass: sotepe.RiskClass(p.RiskClass),
		Urgency: sotepe.RescueUrgency(p.Urgency), Type: sotepe.AccidentType(p.Type)}
	if err := rescueFilterValid(f); err != nil {
		return err
	}
	page, ok, err := kit.ListPage(w, r, func(pr sotepe.PageRequest) (sotepe.Page[sotepe.RescueMission], error) {
		return s.cfg.Rescue.Missions(r.Context(), u, f, pr)
	})
	if !ok {
		return err
	}
	lang := kit.Info(r).Lang
	names, err := s.rescueNames(r)
	if err != nil {
		return err
	}
	v := rescueMissionsView{P: p, Imported: q.Get("imported")}
	v.Stations, v.Classes, v.Urgencies, v.Types = s.rescueOptions(lang, names, p)
	dates := s.datesIn(lang)
	for _, m := range page.Items {
		target := view.Missing
		if met, ok := m.TargetMet(); ok {
			target = s.cat.T(lang, "rescue.target_missed", nil)
			if met {
				target = s.cat.T(lang, "rescue.target_met", nil)
			}
		}
		v.Rows = append(v.Rows, rescueMissionRow{ExternalID: m.ExternalID, Called: dates.DateTime(m.CallAt.In(s.cfg.Location)),
			Station: s.rescueLabel(lang, names, sotepe.RescueByStation, m.StationID), Type: s.cat.T(lang, "rescue.type."+string(m.Type), nil),
			Urgency: string(m.Urgency), RiskClass: string(m.RiskClass), CallProcessing: duration(m.CallProcessing()),
			Turnout: duration(m.Turnout()), Travel: duration(m.Travel()), Response: duration(m.ResponseTime()), OnScene: duration(m.OnScene()),
			Target: target})
	}
	v.Next = kit.NextURL(r, page.NextCursor, "imported")
	s.html(w, r, http.StatusOK, "rescue_missions", pageData{Title: s.cat.T(lang, "rescue.missions.title", nil), Data: v})
	return nil
}

// rescueFilterValid checks a mission filter's dates and choices:
// "error.date" and "error.rescue_filter".
func rescueFilterValid(f sotepe.RescueMissionFilter) error {
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

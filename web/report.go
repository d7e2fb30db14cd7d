package web

import (
	"math"
	"net/http"
	"strconv"

	"sotepe"
	"sotepe/report"
	"sotepe/web/view"
)

// The annual report "the sector's year": GET /report/{year} (the page, public:
// it is the sector's published report, made of aggregates only) and GET
// /api/v1/reports/{year} (the same figures as data, report.AnnualJSON). The
// page prints (static/report.css has print rules); `sotepe report` prints
// it to PDF through headless chromium.

// Years a report may be asked for.
const (
	minReportYear = 2000
	maxReportYear = 2100
)

// reportView is the report page.
type reportView struct {
	Year, PreviousYear int
	HasPrevious        bool
	Any                bool
	Groups             []reportGroup
	EServices          []reportLine
	Staff              []reportStaff
	StaffTotal         string
	StaffPrevTotal     string
	HasStaffPrev       bool
	NPS, NPSPrevious   string
	Answers            []reportLine
	Channels           []reportLine
	AnswersTotal       reportLine
	Indicators         []reportLine
	StaffChart         view.BarChart
	JSONURL            string
}

// reportGroup is a group of the volumes table.
type reportGroup struct {
	Label string
	Lines []reportLine
}

// reportLine is one line of a report table, written for the page's
// language.
type reportLine struct {
	Key, Label, Value, Previous, Change string
}

// reportStaff is one line of the staff table.
type reportStaff struct {
	Label, Value, Percent, Previous string
}

// annualReport serves the report of a year. A year that is not a number
// from 2000 to 2100 is not found.
func (s *Server) annualReport(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < minReportYear || year > maxReportYear {
		return sotepe.NotFound("report")
	}
	built, err := s.annual.get(year, func() (builtReport, error) {
		org, err := report.LoadOrg(r.Context(), s.dir)
		if err != nil {
			return builtReport{}, err
		}
		g := report.Gatherer{Store: s.store, Org: org, Now: s.now, WorkingTime: s.cfg.Calendar.Get().WorkingHoursBetween}
		a, err := report.BuildAnnual(r.Context(), g, s.cfg.Indicators, year)
		return builtReport{a, org}, err
	})
	if err != nil {
		return err
	}
	a, org := built.a, built.org
	if isAPI(r) {
		writeJSON(w, http.StatusOK, a.JSON())
		return nil
	}
	lang := info(r).Lang
	s.html(w, r, http.StatusOK, "report", pageData{Title: s.cat.T(lang, "report.title", map[string]any{"Year": year}),
		Data: s.reportView(lang, a, org)})
	return nil
}

func (s *Server) reportView(lang sotepe.Lang, a report.Annual, org *report.Org) reportView {
	v := reportView{Year: a.Year, PreviousYear: a.PreviousYear, HasPrevious: a.HasPrevious, JSONURL: "/api/v1/reports/" + strconv.Itoa(a.Year)}
	n := func(x int64) string { return view.Count(lang, x) }
	change := func(c *float64) string {
		if c == nil {
			return "–"
		}
		sign := ""
		if *c > 0 {
			sign = "+"
		}
		return sign + view.Percent(lang, *c, 1)
	}
	line := func(l report.VolumeLine) reportLine {
		out := reportLine{Key: l.Key, Label: s.cat.T(lang, "statistic."+l.Key, nil), Value: n(l.Value), Previous: "–", Change: change(l.Change)}
		if a.HasPrevious {
			out.Previous = n(l.Previous)
		}
		if l.Value != 0 {
			v.Any = true
		}
		return out
	}
	for _, g := range a.Groups {
		rg := reportGroup{Label: s.cat.T(lang, "statistic_group."+g.Key, nil)}
		for _, l := range g.Lines {
			rg.Lines = append(rg.Lines, line(l))
		}
		v.Groups = append(v.Groups, rg)
	}
	for _, l := range a.EServices {
		v.EServices = append(v.EServices, line(l))
	}
	areaName := func(id string) string {
		for _, ar := range org.Areas {
			if ar.ID == id {
				return ar.Names.In(lang)
			}
		}
		return id
	}
	var labels []string
	var values []*float64
	top := 0.0
	for _, l := range a.Staff.Lines {
		st := reportStaff{Label: areaName(l.AreaID), Value: n(l.Headcount), Percent: view.Percent(lang, float64(l.Percent), 0), Previous: "–"}
		if l.Previous != nil {
			st.Previous = n(*l.Previous)
		}
		v.Staff = append(v.Staff, st)
		x := float64(l.Headcount)
		labels, values = append(labels, st.Label), append(values, &x)
		top = max(top, x)
	}
	v.StaffTotal, v.StaffPrevTotal, v.HasStaffPrev = n(a.Staff.Total), n(a.Staff.PreviousTotal), a.Staff.PreviousTotal > 0
	if len(a.Staff.Lines) > 0 {
		v.Any = true
		v.StaffChart = view.NewBarChart(view.ChartSpec{ID: "report-staff-chart", Title: s.cat.T(lang, "report.staff_chart", map[string]any{"Year": a.Year}),
			Desc: s.cat.T(lang, "report.staff_chart_desc", map[string]any{"Total": v.StaffTotal}), Axis: s.cat.T(lang, "report.headcount", nil),
			LabelHead: s.cat.T(lang, "dashboard.area", nil), Labels: labels, Values: values, Lo: 0, Hi: view.NiceMax(top), Format: view.CountFormat(lang)})
	}
	score := func(x *float64) string {
		if x == nil {
			return "–"
		}
		if *x == math.Trunc(*x) {
			return view.Decimal(lang, *x, 0)
		}
		return view.Decimal(lang, *x, 1)
	}
	v.NPS, v.NPSPrevious = score(a.Feedback.NPS), score(a.Feedback.NPSPrevious)
	for _, g := range a.Feedback.Groups {
		v.Answers = append(v.Answers, reportLine{Key: g.Key, Label: s.cat.T(lang, "report.feedback_group."+g.Key, nil),
			Value: n(g.Answers), Previous: n(g.Previous)})
	}
	for _, c := range a.Feedback.Channels {
		v.Channels = append(v.Channels, reportLine{Key: string(c.Channel), Label: s.cat.T(lang, "feedback.channel."+string(c.Channel), nil),
			Value: n(c.Answers), Previous: n(c.Previous)})
	}
	v.AnswersTotal = reportLine{Label: s.cat.T(lang, "stats.total", nil), Value: n(a.Feedback.Responses), Previous: n(a.Feedback.PrevResponse)}
	if a.Feedback.Responses > 0 {
		v.Any = true
	}
	for _, l := range a.Indicators {
		format := func(x *float64) string {
			if x == nil {
				return "–"
			}
			if l.Indicator.Unit == "percent" {
				return view.Percent(lang, *x, 1)
			}
			return view.Decimal(lang, *x, 1)
		}
		v.Indicators = append(v.Indicators, reportLine{Key: l.Indicator.ID, Label: l.Indicator.Names.In(lang),
			Value: format(l.Value.Value), Previous: format(l.Previous.Value)})
	}
	return v
}

// builtReport is a year's report and the organisation it was built with.
type builtReport struct {
	a   report.Annual
	org *report.Org
}

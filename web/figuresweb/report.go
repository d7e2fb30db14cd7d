package figuresweb

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sotepe"
	"sotepe/report"
	"sotepe/web/kit"
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
	// Sector is the staff figures beyond the headcount, the economy and
	// sustainability (report_sector.go).
	Sector             reportSector
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
	// Feedback is the answers by the report's groups of channels, each
	// with the channels it adds up.
	Feedback     []reportFeedbackGroup
	AnswersTotal reportLine
	// Answered is the year's answered contact requests (an e-service line),
	// InTime the share answered in time (an indicator), for the summary.
	Answered, InTime string
	Indicators       []reportLine
	// StaffBars is the staff chart: one bar per area, its label wrapping
	// in HTML so that no name is cut.
	StaffBars []reportBar
	// Rescue is the rescue department's section.
	Rescue  reportRescue
	JSONURL string
	// Published is when the report was made, its date of publication.
	Published time.Time
	// Procurement is the purchased services section (report_procurement.partial.html).
	Procurement []reportLine
	// Participation is the residents-and-participation section
	// (report_participation.partial.html).
	Participation []reportLine
}

// reportFeedbackGroup is a group of feedback channels and its channels.
type reportFeedbackGroup struct {
	reportLine
	Channels []reportLine
}

// reportBar is one bar of the report's staff chart: Width is the bar's
// length in per cent of the longest possible.
type reportBar struct {
	Key, Label, Value string
	Width             float64
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
	Key, Label, Value, Percent, Previous string
}

// AnnualReport serves the report of a year. A year that is not a number
// from 2000 to 2100 is not found.
func (h *Handlers) AnnualReport(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < minReportYear || year > maxReportYear {
		return sotepe.NotFound("report")
	}
	built, err := h.annual.get(year, func() (builtReport, error) {
		org, err := report.LoadOrg(r.Context(), h.cfg.Directory)
		if err != nil {
			return builtReport{}, err
		}
		g := report.Gatherer{Store: h.cfg.Figures, Org: org, Now: h.site.Now, WorkingTime: h.cfg.Calendar.Get().WorkingHoursBetween}
		a, err := report.BuildAnnual(r.Context(), g, h.cfg.Indicators, year)
		return builtReport{a, org}, err
	})
	if err != nil {
		return err
	}
	a, org := built.a, built.org
	if kit.IsAPI(r) {
		kit.WriteJSON(w, http.StatusOK, a.JSON())
		return nil
	}
	lang := kit.Info(r).Lang
	h.site.Page(w, r, http.StatusOK, "report", h.site.T(lang, "report.title", map[string]any{"Year": year}), h.reportView(lang, a, org))
	return nil
}

func (h *Handlers) reportView(lang sotepe.Lang, a report.Annual, org *report.Org) reportView {
	v := reportView{Year: a.Year, PreviousYear: a.PreviousYear, HasPrevious: a.HasPrevious, JSONURL: "/api/v1/reports/" + strconv.Itoa(a.Year),
		Published: h.site.Now(), Answered: "–", InTime: "–"}
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
		out := reportLine{Key: l.Key, Label: h.site.T(lang, "statistic."+l.Key, nil), Value: n(l.Value), Previous: "–", Change: change(l.Change)}
		if a.HasPrevious {
			out.Previous = n(l.Previous)
		}
		if l.Value != 0 {
			v.Any = true
		}
		return out
	}
	for _, g := range a.Groups {
		rg := reportGroup{Label: h.site.T(lang, "statistic_group."+g.Key, nil)}
		for _, l := range g.Lines {
			rg.Lines = append(rg.Lines, line(l))
		}
		v.Groups = append(v.Groups, rg)
	}
	for _, l := range a.EServices {
		v.EServices = append(v.EServices, line(l))
		if l.Key == sotepe.StatContactRequestsAnswered {
			v.Answered = n(l.Value)
		}
	}
	areaName := func(id string) string {
		for _, ar := range org.Areas {
			if ar.ID == id {
				return ar.Names.In(lang)
			}
		}
		return id
	}
	top := 0.0
	for _, l := range a.Staff.Lines {
		top = max(top, float64(l.Headcount))
	}
	for _, l := range a.Staff.Lines {
		st := reportStaff{Key: l.AreaID, Label: areaName(l.AreaID), Value: n(l.Headcount), Percent: view.Percent(lang, float64(l.Percent), 0), Previous: "–"}
		if l.Previous != nil {
			st.Previous = n(*l.Previous)
		}
		v.Staff = append(v.Staff, st)
		v.StaffBars = append(v.StaffBars, reportBar{Key: l.AreaID, Label: st.Label, Value: st.Value,
			Width: math.Round(float64(l.Headcount)/view.NiceMax(top)*1000) / 10})
	}
	v.Procurement = h.procurementLines(lang, a.Procurement)
	v.Participation = h.participationLines(lang, a.Participation, areaName)
	v.StaffTotal, v.StaffPrevTotal, v.HasStaffPrev = n(a.Staff.Total), n(a.Staff.PreviousTotal), a.Staff.PreviousTotal > 0
	v.Sector = h.reportSector(lang, a)
	if len(a.Staff.Lines) > 0 {
		v.Any = true
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
	v.Rescue = h.reportRescue(lang, a.Rescue)
	channels := map[sotepe.FeedbackChannel]report.ChannelLine{}
	for _, c := range a.Feedback.Channels {
		channels[c.Channel] = c
	}
	for _, g := range a.Feedback.Groups {
		fg := reportFeedbackGroup{reportLine: reportLine{Key: g.Key, Label: h.site.T(lang, "report.feedback_group."+g.Key, nil),
			Value: n(g.Answers), Previous: n(g.Previous)}}
		for _, c := range report.FeedbackGroupChannels(g.Key) {
			l := channels[c]
			fg.Channels = append(fg.Channels, reportLine{Key: string(c), Label: h.site.T(lang, "report.feedback_channel."+string(c), nil),
				Value: n(l.Answers), Previous: n(l.Previous)})
		}
		v.Feedback = append(v.Feedback, fg)
	}
	v.AnswersTotal = reportLine{Label: h.site.T(lang, "stats.total", nil), Value: n(a.Feedback.Responses), Previous: n(a.Feedback.PrevResponse)}
	if a.Feedback.Responses > 0 {
		v.Any = true
	}
	for _, l := range a.Indicators {
		format := func(x *float64) string {
			if x == nil {
				return "–"
			}
			switch l.Indicator.Unit {
			case "percent":
				return view.Percent(lang, *x, 1)
			case "score":
				// The NPS reads as in the feedback section.
				return score(x)
			}
			return view.Decimal(lang, *x, 1)
		}
		v.Indicators = append(v.Indicators, reportLine{Key: l.Indicator.ID, Label: l.Indicator.Names.In(lang),
			Value: format(l.Value.Value), Previous: format(l.Previous.Value)})
		if l.Indicator.ID == "answered_in_time_share" {
			v.InTime = format(l.Value.Value)
		}
	}
	return v
}

// ReportPrintCSS serves GET /report/{year}/print.css, the printed report's
// page footer in the page's language: the report's title and date of
// publication on the left, the page number and the count of pages on the
// right, on every page (CSS @page margin boxes, which chromium prints). A
// year that is not a number from 2000 to 2100 is not found.
func (h *Handlers) ReportPrintCSS(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < minReportYear || year > maxReportYear {
		return sotepe.NotFound("report")
	}
	lang := kit.Info(r).Lang
	// The date goes through the pages' formatter, as on the cover.
	left := h.site.T(lang, "report.title", map[string]any{"Year": year}) + " · " + h.site.Dates(lang).Date(h.site.Now())
	css := "@page {\n" +
		"  @bottom-left { content: " + cssString(left) + "; font: 8.5pt Arial, Helvetica, sans-serif; color: #333; }\n" +
		"  @bottom-right { content: " + cssString(h.site.T(lang, "report.page", nil)+" ") + " counter(page) \" / \" counter(pages); font: 8.5pt Arial, Helvetica, sans-serif; color: #333; }\n" +
		"}\n"
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write([]byte(css))
	return err
}

// cssString quotes s as a CSS string: quotes and backslashes escaped, and
// line breaks and "<" as code points, so that it cannot end the string or,
// inlined in a style element, the element.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range s {
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case '\n', '\r', '\f', '<', '>':
			fmt.Fprintf(&b, "\\%x ", c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// builtReport is a year's report and the organisation it was built with.
type builtReport struct {
	a   report.Annual
	org *report.Org
}

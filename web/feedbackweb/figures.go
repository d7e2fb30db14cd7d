package feedbackweb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
	"sotepe/web/vocab"
)

// The feedback figures: GET /stats/feedback and GET /api/v1/stats/feedback
// (JSON, or CSV with format=csv), and the comparison of producers: GET
// /stats/feedback/compare and its JSON. The definitions (NPS, its interval,
// the smallest group shown) are in the root package's feedback.go. Managers
// see their own units' figures; analysts and administrators everyone's.

// feedbackGroupBys lists the groupings of the feedback figures.
var feedbackGroupBys = []string{"unit", "service", "area", "concept", "producer", "producer_type", "language", "channel"}

// feedbackParams is a request for the feedback figures, defaults filled in:
// the current year up to today, by unit, over the whole period.
type feedbackParams struct {
	From, To, GroupBy, Interval string
	Unit, Service, Producer     string
	CSV                         bool
	from, to                    time.Time
}

func (h *Handlers) parseFeedbackParams(r *http.Request) (feedbackParams, error) {
	q := r.URL.Query()
	today := h.site.Now().In(h.cfg.Location)
	p := feedbackParams{From: q.Get("from"), To: q.Get("to"), GroupBy: q.Get("group_by"), Interval: q.Get("interval"),
		Unit: q.Get("unit"), Service: q.Get("service"), Producer: q.Get("producer")}
	if p.From == "" {
		p.From = fmt.Sprintf("%d-01-01", today.Year())
	}
	if p.To == "" {
		p.To = today.Format(time.DateOnly)
	}
	if p.GroupBy == "" {
		p.GroupBy = "unit"
	}
	if p.Interval == "" {
		p.Interval = "none"
	}
	var err error
	if p.from, p.to, err = sotepe.ParseStatsPeriod(p.From, p.To); err != nil {
		return p, err
	}
	if !slices.Contains(feedbackGroupBys, p.GroupBy) {
		return p, sotepe.Invalid("error.feedback_group_by", "unknown group_by")
	}
	if p.Interval != "none" && !sotepe.StatsInterval(p.Interval).Valid() {
		return p, sotepe.Invalid("error.feedback_interval", "interval is none, day, week or month")
	}
	p.CSV, err = kit.CSVFormat(q)
	return p, err
}

// feedbackItem is the figures of one group in one period.
type feedbackItem struct {
	Group  kit.Group `json:"group"`
	Period string    `json:"period,omitempty"`
	sotepe.NPSFigures
	// PreviousYear is the group's figures of the same dates a year
	// earlier, over the whole period only (interval none).
	PreviousYear *sotepe.NPSFigures `json:"previous_year,omitempty"`
}

// feedbackPeriod is the figures of one period over every group.
type feedbackPeriod struct {
	Period string `json:"period"`
	sotepe.NPSFigures
}

// feedbackStatsResponse is the JSON of GET /api/v1/stats/feedback.
type feedbackStatsResponse struct {
	From     string            `json:"from"`
	To       string            `json:"to"`
	GroupBy  string            `json:"group_by"`
	Interval string            `json:"interval"`
	Items    []feedbackItem    `json:"items"`
	Periods  []feedbackPeriod  `json:"periods"`
	Totals   sotepe.NPSFigures `json:"totals"`
	// PreviousYearTotals is the totals of the same dates a year earlier,
	// with interval none.
	PreviousYearTotals *sotepe.NPSFigures `json:"previous_year_totals,omitempty"`
}

// feedbackGroups knows the groups of a grouping: their names, which groups
// a stored key falls in, and which units a filter keeps.
type feedbackGroups struct {
	dim   sotepe.FeedbackDim
	names map[string]sotepe.Names
	of    func(key string) []string
	// byUnit is the groups of each unit, for groupings made of units
	// (area, concept, producer, producer type); nil otherwise.
	byUnit map[string][]string
}

// feedbackGroupsFor builds the groups of by and the units p's filters keep
// (nil: all) from the directory.
func (h *Handlers) feedbackGroupsFor(ctx context.Context, by string, p feedbackParams) (feedbackGroups, []sotepe.Unit, error) {
	g := feedbackGroups{dim: sotepe.FeedbackDimUnit, names: map[string]sotepe.Names{}}
	n, err := vocab.Read(ctx, h.cfg.Directory)
	if err != nil {
		return g, nil, err
	}
	all, err := sotepe.AllUnits(ctx, h.cfg.Directory, sotepe.UnitFilter{})
	if err != nil {
		return g, nil, err
	}
	kinds := map[string]sotepe.ProducerKind{}
	for _, pr := range n.Producers {
		kinds[pr.ID] = pr.Kind
	}
	var units []sotepe.Unit
	for _, u := range all {
		if (p.Unit == "" || u.ID == p.Unit) && (p.Producer == "" || u.ProducerID == p.Producer) && (p.Service == "" || slices.Contains(u.Services, p.Service)) {
			units = append(units, u)
		}
	}
	byUnit := map[string][]string{}
	one := func(k string) []string { return []string{k} }
	var groupsOf func(sotepe.Unit) []string
	switch by {
	case "unit":
		vocab.Add(g.names, all, vocab.Unit)
		g.of = one
		return g, units, nil
	case "service", "language", "channel":
		g.dim = map[string]sotepe.FeedbackDim{"service": sotepe.FeedbackDimService, "language": sotepe.FeedbackDimLang, "channel": sotepe.FeedbackDimChannel}[by]
		g.of = one
		switch by {
		case "service":
			vocab.Add(g.names, n.Services, vocab.Service)
			g.names[""] = kit.CatalogNames(h.site, "feedback.no_service")
		case "language":
			kit.AddCatalogNames(h.site, g.names, "lang.", sotepe.Langs)
		default:
			kit.AddCatalogNames(h.site, g.names, "feedback.channel.", sotepe.FeedbackChannels)
		}
		return g, units, nil
	case "area":
		vocab.Add(g.names, n.Areas, vocab.Area)
		groupsOf = func(u sotepe.Unit) []string { return one(u.AreaID) }
	case "concept":
		vocab.Add(g.names, n.Concepts, vocab.Concept)
		groupsOf = func(u sotepe.Unit) []string { return u.Concepts }
	case "producer":
		vocab.Add(g.names, n.Producers, vocab.Producer)
		groupsOf = func(u sotepe.Unit) []string { return one(u.ProducerID) }
	case "producer_type":
		kit.AddCatalogNames(h.site, g.names, "feedback.producer_kind.", sotepe.ProducerKinds)
		groupsOf = func(u sotepe.Unit) []string { return one(string(kinds[u.ProducerID])) }
	}
	if groupsOf != nil {
		for _, u := range all {
			byUnit[u.ID] = groupsOf(u)
		}
	}
	// A unit gone from the network falls in no group (the totals count it).
	g.of = func(key string) []string { return byUnit[key] }
	g.byUnit = byUnit
	return g, units, nil
}

// feedbackUnitIDs are the ids of units, or nil (every unit) when no filter
// narrowed them.
func feedbackUnitIDs(p feedbackParams, units []sotepe.Unit) []string {
	if p.Unit == "" && p.Service == "" && p.Producer == "" {
		return nil
	}
	ids := make([]string, 0, len(units))
	for _, u := range units {
		ids = append(ids, u.ID)
	}
	return ids
}

// Figures serves the figures: the page, its JSON and its CSV.
func (h *Handlers) Figures(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	svc := h.cfg.Feedback
	in := kit.Info(r)
	p, err := h.parseFeedbackParams(r)
	var g feedbackGroups
	var units []sotepe.Unit
	if err == nil {
		g, units, err = h.feedbackGroupsFor(r.Context(), p.GroupBy, p)
	}
	if err == nil && p.Interval != "none" {
		if cells := max(len(g.names), 1) * sotepe.StatsInterval(p.Interval).PeriodCount(p.from, p.to); cells > sotepe.MaxStatsCells {
			err = sotepe.Invalid("error.stats_too_many", "too many cells").With(map[string]any{"Cells": cells, "Max": sotepe.MaxStatsCells})
		}
	}
	if err != nil {
		if sotepe.ErrorCode(err) != sotepe.EInvalid || kit.IsAPI(r) {
			return err
		}
		v := h.feedbackStatsView(in.Lang, p, nil)
		v.Error = h.site.ErrText(in.Lang, err)
		h.site.Page(w, r, http.StatusBadRequest, "feedback_stats", h.site.T(in.Lang, "feedback.stats_title", nil), v)
		return nil
	}
	// Months come from the store's monthly roll-up; days and weeks from
	// the days.
	q := sotepe.FeedbackCountsQuery{From: p.From, To: p.To, Dim: g.dim, ByDay: p.Interval == "day" || p.Interval == "week",
		ByMonth: p.Interval == "month", Units: feedbackUnitIDs(p, units)}
	var period func(string) string
	if q.ByMonth {
		period = func(month string) string { return month }
	} else if q.ByDay {
		iv := sotepe.StatsInterval(p.Interval)
		// A year has a few hundred days and the counts tens of thousands
		// of rows: each day is parsed once.
		periods := map[string]string{}
		period = func(day string) string {
			if pe, ok := periods[day]; ok {
				return pe
			}
			d, _ := time.Parse(time.DateOnly, day)
			periods[day] = iv.Period(d)
			return periods[day]
		}
	}
	sum, err := h.summarizeFeedback(r.Context(), svc, u, q, g, period)
	if err != nil {
		return err
	}
	resp := feedbackStatsResponse{From: p.From, To: p.To, GroupBy: p.GroupBy, Interval: p.Interval, Totals: sum.Totals,
		Items: make([]feedbackItem, len(sum.Items)), Periods: make([]feedbackPeriod, len(sum.Periods))}
	for i, c := range sum.Items {
		name, ok := g.names[c.Group]
		if !ok {
			name = sotepe.Names{Fi: c.Group, Sv: c.Group, En: c.Group}
		}
		resp.Items[i] = feedbackItem{Group: kit.Group{ID: c.Group, Names: name}, Period: c.Period, NPSFigures: c.NPSFigures}
	}
	for i, c := range sum.Periods {
		resp.Periods[i] = feedbackPeriod{Period: c.Period, NPSFigures: c.NPSFigures}
	}
	if p.Interval == "none" {
		// Year over year: the same dates a year earlier.
		prev := q
		prev.From, prev.To = p.from.AddDate(-1, 0, 0).Format(time.DateOnly), p.to.AddDate(-1, 0, 0).Format(time.DateOnly)
		counts, err := svc.Counts(r.Context(), u, prev)
		if err != nil {
			return err
		}
		before := sotepe.SummarizeFeedback(counts, nil, g.of)
		byGroup := map[string]sotepe.NPSFigures{}
		for _, c := range before.Items {
			byGroup[c.Group] = c.NPSFigures
		}
		for i := range resp.Items {
			f, ok := byGroup[resp.Items[i].Group.ID]
			if !ok {
				f.Finish()
			}
			resp.Items[i].PreviousYear = &f
		}
		resp.PreviousYearTotals = &before.Totals
	}
	if kit.IsAPI(r) && p.CSV {
		return writeFeedbackCSV(w, resp)
	}
	return kit.Respond(h.site, w, r, resp, "feedback_stats", h.site.T(in.Lang, "feedback.stats_title", nil), h.feedbackStatsView(in.Lang, p, &resp))
}

// summarizeFeedback counts and sums up the figures of q. Days of a
// grouping made of units are summed by group in the store, with the totals
// of every unit together asked for apart (a unit may be in two groups, or
// in none): a year of days then comes back a few thousand rows, not one
// per unit and day.
func (h *Handlers) summarizeFeedback(ctx context.Context, svc sotepe.FeedbackService, u sotepe.User, q sotepe.FeedbackCountsQuery,
	g feedbackGroups, period func(string) string) (sotepe.NPSSummary, error) {
	if !q.ByDay || g.byUnit == nil {
		counts, err := svc.Counts(ctx, u, q)
		if err != nil {
			return sotepe.NPSSummary{}, err
		}
		return sotepe.SummarizeFeedback(counts, period, g.of), nil
	}
	grouped, all := q, q
	grouped.UnitGroups, all.AllUnits = g.byUnit, true
	counts, err := svc.Counts(ctx, u, grouped)
	if err != nil {
		return sotepe.NPSSummary{}, err
	}
	totals, err := svc.Counts(ctx, u, all)
	if err != nil {
		return sotepe.NPSSummary{}, err
	}
	sum := sotepe.SummarizeFeedback(counts, period, func(k string) []string { return []string{k} })
	whole := sotepe.SummarizeFeedback(totals, period, func(string) []string { return nil })
	sum.Periods, sum.Totals = whole.Periods, whole.Totals
	return sum, nil
}

// writeFeedbackCSV writes the items as CSV with a header line; empty cells
// stand for null.
func writeFeedbackCSV(w http.ResponseWriter, resp feedbackStatsResponse) error {
	c := view.NewCSV(w, fmt.Sprintf("feedback-%s-%s-%s-%s.csv", resp.From, resp.To, resp.GroupBy, resp.Interval),
		"group_id", "group_fi", "group_sv", "group_en", "period", "responses", "promoters", "passives", "detractors",
		"nps", "ci_low", "ci_high", "withheld", "previous_year_responses", "previous_year_nps")
	for _, it := range resp.Items {
		prevN, prevNPS := "", ""
		if it.PreviousYear != nil {
			prevN, prevNPS = view.Int(it.PreviousYear.Responses), view.OptFloat(it.PreviousYear.NPS)
		}
		c.Row(append(view.Group(it.Group.ID, it.Group.Names), it.Period, view.Int(it.Responses),
			view.Int(it.Promoters), view.Int(it.Passives), view.Int(it.Detractors), view.OptFloat(it.NPS), view.OptFloat(it.CILow),
			view.OptFloat(it.CIHigh), it.Withheld, prevN, prevNPS)...)
	}
	return c.Close()
}

// feedbackStatsView is the figures page: the form, a trend chart of the
// NPS per period, and the table by group.
type feedbackStatsView struct {
	P         feedbackParams
	GroupBys  []string
	Intervals []string
	Error     string
	Shown     bool
	Rows      []npsRow
	Trend     []npsBar
	Totals    npsRow
	CSVURL    string
}

// npsRow is a table line written for the page's language.
type npsRow struct {
	Group, Period, Responses, NPS, CI, Note string
	Previous                                string // the NPS a year earlier, with interval none
}

// npsBar is a bar of the trend chart on a −100…+100 scale drawn around a
// zero line at Y 100 of a 200-high plot.
type npsBar struct {
	X, Y, W, H float64
	Label      string
	Title      string
}

// npsCells formats the figures of a group for a table.
func (h *Handlers) npsCells(lang sotepe.Lang, f sotepe.NPSFigures) (nps, ci, note string) {
	if f.NPS == nil {
		return "–", "–", h.site.T(lang, "feedback.withheld", map[string]any{"Min": sotepe.MinNPSResponses})
	}
	num := func(v float64) string { return view.Decimal(lang, v, 1) }
	return num(*f.NPS), num(*f.CILow) + " … " + num(*f.CIHigh), ""
}

func (h *Handlers) feedbackStatsView(lang sotepe.Lang, p feedbackParams, resp *feedbackStatsResponse) feedbackStatsView {
	v := feedbackStatsView{P: p, GroupBys: feedbackGroupBys, Intervals: []string{"none", "day", "week", "month"}}
	if resp == nil {
		return v
	}
	v.Shown = true
	q := url.Values{"from": {p.From}, "to": {p.To}, "group_by": {p.GroupBy}, "interval": {p.Interval}, "format": {"csv"}}
	for k, val := range map[string]string{"unit": p.Unit, "service": p.Service, "producer": p.Producer} {
		if val != "" {
			q.Set(k, val)
		}
	}
	v.CSVURL = "/api/v1/stats/feedback?" + q.Encode()
	dates := h.site.Dates(lang)
	row := func(group, period string, f sotepe.NPSFigures) npsRow {
		nps, ci, note := h.npsCells(lang, f)
		return npsRow{Group: group, Period: dates.Period(period), Responses: view.Count(lang, f.Responses), NPS: nps, CI: ci, Note: note}
	}
	prev := func(r npsRow, f *sotepe.NPSFigures) npsRow {
		if f != nil {
			r.Previous, _, _ = h.npsCells(lang, *f)
		}
		return r
	}
	for _, it := range resp.Items {
		v.Rows = append(v.Rows, prev(row(it.Group.Names.In(lang), it.Period, it.NPSFigures), it.PreviousYear))
	}
	v.Totals = prev(row(h.site.T(lang, "stats.total", nil), "", resp.Totals), resp.PreviousYearTotals)
	if p.Interval != "none" && len(resp.Periods) > 0 {
		step := 700.0 / float64(len(resp.Periods))
		for i, pe := range resp.Periods {
			b := npsBar{X: 50 + float64(i)*step + step*0.15, W: step * 0.7, Label: dates.Period(pe.Period)}
			if pe.NPS == nil {
				b.Y, b.H, b.Title = 99, 2, b.Label+": "+h.site.T(lang, "feedback.withheld", map[string]any{"Min": sotepe.MinNPSResponses})
			} else {
				h := *pe.NPS
				b.Title = b.Label + ": " + view.Decimal(lang, h, 1)
				if h >= 0 {
					b.Y, b.H = 110-h, max(h, 1)
				} else {
					b.Y, b.H = 110, -h
				}
			}
			v.Trend = append(v.Trend, b)
		}
	}
	return v
}

package figuresweb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
	"sotepe/web/vocab"
)

// The figures of the answer promise: GET /stats/contact-requests (the
// managers' dashboard) and GET /api/v1/stats/contact-requests (JSON, or CSV
// with format=csv). The definitions are in the root package's stats.go.
// Managers see their own units' figures, whatever the grouping; analysts and
// administrators everyone's. The figures are aggregates: no names, no
// message text, no resident ids. Nothing here is logged.

// statsParams is a request for the figures, defaults filled in.
type statsParams struct {
	From, To string
	GroupBy  sotepe.StatsGroupBy
	Interval sotepe.StatsInterval
	CSV      bool
	from, to time.Time
}

// parseStatsParams reads from, to, group_by, interval and format; the
// defaults are the last 30 days up to today, by unit and week, as JSON. The
// returned parameters hold what was asked even when it is invalid, so the
// form can show it again.
func (h *Handlers) parseStatsParams(r *http.Request) (statsParams, error) {
	q := r.URL.Query()
	today := h.site.Now()
	p := statsParams{
		From: q.Get("from"), To: q.Get("to"),
		GroupBy: sotepe.StatsGroupBy(q.Get("group_by")), Interval: sotepe.StatsInterval(q.Get("interval")),
	}
	if p.From == "" {
		p.From = today.AddDate(0, 0, -30).Format(time.DateOnly)
	}
	if p.To == "" {
		p.To = today.Format(time.DateOnly)
	}
	if p.GroupBy == "" {
		p.GroupBy = sotepe.GroupByUnit
	}
	if p.Interval == "" {
		p.Interval = sotepe.IntervalWeek
	}
	var err error
	if p.from, p.to, err = sotepe.ParseStatsPeriod(p.From, p.To); err != nil {
		return p, err
	}
	if !p.GroupBy.Valid() {
		return p, sotepe.Invalid("error.stats_group_by", "group_by is unit, service, area, producer or channel")
	}
	if !p.Interval.Valid() {
		return p, sotepe.Invalid("error.stats_interval", "interval is day, week or month")
	}
	p.CSV, err = kit.CSVFormat(q)
	return p, err
}

// statsItem is the figures of one group in one period.
type statsItem struct {
	Group  kit.Group `json:"group"`
	Period string    `json:"period"`
	sotepe.StatsFigures
}

// statsPeriodItem is the figures of one period over every group.
type statsPeriodItem struct {
	Period string `json:"period"`
	sotepe.StatsFigures
}

// statsResponse is the JSON of GET /api/v1/stats/contact-requests.
type statsResponse struct {
	From     string               `json:"from"`
	To       string               `json:"to"`
	GroupBy  sotepe.StatsGroupBy  `json:"group_by"`
	Interval sotepe.StatsInterval `json:"interval"`
	Items    []statsItem          `json:"items"`
	Periods  []statsPeriodItem    `json:"periods"`
	Totals   sotepe.StatsFigures  `json:"totals"`
}

// statsGroups knows the groups of one grouping: how many there may be (to
// bound the request), their names, and which group a stored key falls in.
type statsGroups struct {
	count int
	names map[string]sotepe.Names
	of    func(key string) string
}

// groupsFor loads the groups of p.GroupBy from the directory (units for
// unit, area and producer; the catalog's names for channels).
func (h *Handlers) groupsFor(ctx context.Context, by sotepe.StatsGroupBy, units []string) (statsGroups, error) {
	g := statsGroups{names: map[string]sotepe.Names{}, of: func(key string) string { return key }}
	switch by {
	case sotepe.GroupByChannel:
		kit.AddCatalogNames(h.site, g.names, "channel.", sotepe.Channels)
		g.count = len(sotepe.Channels)
		return g, nil
	case sotepe.GroupByService:
		n, err := vocab.Read(ctx, h.cfg.Directory)
		if err != nil {
			return g, err
		}
		vocab.Add(g.names, n.Services, vocab.Service)
		g.count = len(n.Services)
		return g, nil
	}
	all, err := h.allUnits(ctx)
	if err != nil {
		return g, err
	}
	switch by {
	case sotepe.GroupByUnit:
		vocab.Add(g.names, all, vocab.Unit)
		g.count = len(all)
		if units != nil {
			g.count = len(units)
		}
		return g, nil
	}
	n, err := vocab.Read(ctx, h.cfg.Directory)
	if err != nil {
		return g, err
	}
	of := map[string]string{}
	if by == sotepe.GroupByArea {
		vocab.Add(g.names, n.Areas, vocab.Area)
		g.count = len(n.Areas)
		for _, u := range all {
			of[u.ID] = u.AreaID
		}
	} else {
		vocab.Add(g.names, n.Producers, vocab.Producer)
		g.count = len(n.Producers)
		for _, u := range all {
			of[u.ID] = u.ProducerID
		}
	}
	// A unit gone from the network falls in the unknown group "".
	g.of = func(key string) string { return of[key] }
	g.names[""] = h.catNames("stats.unknown")
	return g, nil
}

// allUnits lists every unit of the directory.
func (h *Handlers) allUnits(ctx context.Context) ([]sotepe.Unit, error) {
	return sotepe.AllUnits(ctx, h.cfg.Directory, sotepe.UnitFilter{})
}

// catNames is a catalog message in the three languages.
func (h *Handlers) catNames(key string) sotepe.Names { return kit.CatalogNames(h.site, key) }

// name returns the names of group id, or the id itself in every language
// for a key the directory does not know (a unit since removed, say).
func (g statsGroups) name(id string) sotepe.Names {
	if n, ok := g.names[id]; ok {
		return n
	}
	return vocab.ID(id)
}

// ContactStats serves the figures of the answer promise: the dashboard page,
// its JSON and its CSV. A request over more than sotepe.MaxStatsCells groups
// × periods is EInvalid ("error.stats_too_many").
func (h *Handlers) ContactStats(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	units, err := h.cfg.Statistics.ContactUnits(u)
	if err != nil {
		return err
	}
	in := kit.Info(r)
	p, err := h.parseStatsParams(r)
	var groups statsGroups
	if err == nil {
		groups, err = h.groupsFor(r.Context(), p.GroupBy, units)
	}
	if err == nil {
		if cells := max(groups.count, 1) * p.Interval.PeriodCount(p.from, p.to); cells > sotepe.MaxStatsCells {
			err = sotepe.Invalid("error.stats_too_many", fmt.Sprintf("%d groups × periods, at most %d", cells, sotepe.MaxStatsCells)).
				With(map[string]any{"Cells": cells, "Max": sotepe.MaxStatsCells})
		}
	}
	if err != nil {
		if sotepe.ErrorCode(err) != sotepe.EInvalid || kit.IsAPI(r) {
			return err
		}
		// The form again, with what was asked and why it cannot be shown.
		v := h.statsView(in.Lang, p, units != nil, nil, groups)
		v.Error = h.site.ErrText(in.Lang, err)
		h.site.Page(w, r, http.StatusBadRequest, "stats", h.site.T(in.Lang, "stats.title", nil), v)
		return nil
	}
	rows, err := h.cfg.Statistics.ContactFigures(r.Context(), u, sotepe.ContactStatsQuery{
		From: p.From, To: p.To, Dim: p.GroupBy.Dim(), Interval: p.Interval,
	})
	if err != nil {
		return err
	}
	sum := sotepe.SummarizeContactStats(rows, p.Interval.Periods(p.from, p.to), groups.of)
	resp := statsResponse{From: p.From, To: p.To, GroupBy: p.GroupBy, Interval: p.Interval,
		Items: make([]statsItem, len(sum.Items)), Periods: make([]statsPeriodItem, len(sum.Periods)), Totals: sum.Totals}
	for i, c := range sum.Items {
		resp.Items[i] = statsItem{Group: kit.Group{ID: c.Group, Names: groups.name(c.Group)}, Period: c.Period, StatsFigures: c.StatsFigures}
	}
	for i, c := range sum.Periods {
		resp.Periods[i] = statsPeriodItem{Period: c.Period, StatsFigures: c.StatsFigures}
	}
	if kit.IsAPI(r) && p.CSV {
		return writeStatsCSV(w, resp)
	}
	return kit.Respond(h.site, w, r, resp, "stats", h.site.T(in.Lang, "stats.title", nil),
		h.statsView(in.Lang, p, units != nil, &resp, groups))
}

// writeStatsCSV writes the items as CSV with a header line; empty cells
// stand for null.
func writeStatsCSV(w http.ResponseWriter, resp statsResponse) error {
	c := view.NewCSV(w, fmt.Sprintf("contact-requests-%s-%s-%s-%s.csv", resp.From, resp.To, resp.GroupBy, resp.Interval),
		"group_id", "group_fi", "group_sv", "group_en", "period", "received", "answered",
		"answered_in_time", "missed", "share_in_time", "median_hours", "p90_hours", "open_backlog")
	for _, it := range resp.Items {
		c.Row(append(view.Group(it.Group.ID, it.Group.Names), it.Period,
			view.Int(it.Received), view.Int(it.Answered), view.Int(it.AnsweredInTime), view.Int(it.Missed),
			view.OptFloat(it.ShareInTime), view.OptFloat(it.MedianHours), view.OptFloat(it.P90Hours), view.Int(it.OpenBacklog))...)
	}
	return c.Close()
}

// The dashboard page.

// statsView is the page: the form, the chart of the share answered in time
// per period, the chart's data as a table, and the figures by group.
type statsView struct {
	From, To  string
	GroupBy   sotepe.StatsGroupBy
	Interval  sotepe.StatsInterval
	GroupBys  []sotepe.StatsGroupBy
	Intervals []sotepe.StatsInterval
	OwnUnits  bool // a manager: the figures are of their own units
	Error     string
	Shown     bool // figures were computed (no error)
	Any       bool // some request came in during the selection
	Chart     view.BarChart
	Periods   []statsRow
	Items     []statsRow
	Totals    statsRow
	CSVURL    string
}

// statsRow is one line of a table, its numbers written for the page's
// language; a figure without a value is "–".
type statsRow struct {
	Group, Period                            string
	Received, Answered, InTime, Missed, Open string
	Share, Median, P90                       string
}

func (h *Handlers) statsView(lang sotepe.Lang, p statsParams, own bool, resp *statsResponse, groups statsGroups) statsView {
	v := statsView{From: p.From, To: p.To, GroupBy: p.GroupBy, Interval: p.Interval,
		GroupBys: sotepe.StatsGroupBys, Intervals: sotepe.StatsIntervals, OwnUnits: own}
	if resp == nil {
		return v
	}
	v.Shown, v.Any = true, resp.Totals.Received > 0
	q := url.Values{"from": {p.From}, "to": {p.To}, "group_by": {string(p.GroupBy)}, "interval": {string(p.Interval)}, "format": {"csv"}}
	v.CSVURL = "/api/v1/stats/contact-requests?" + q.Encode()
	dates := h.site.Dates(lang)
	row := func(group, period string, f sotepe.StatsFigures) statsRow {
		n := func(v int64) string { return view.Count(lang, v) }
		return statsRow{Group: group, Period: dates.Period(period), Received: n(f.Received), Answered: n(f.Answered), InTime: n(f.AnsweredInTime),
			Missed: n(f.Missed), Open: n(f.OpenBacklog), Share: view.Share(lang, f.ShareInTime),
			Median: view.Hours(lang, f.MedianHours), P90: view.Hours(lang, f.P90Hours)}
	}
	for _, it := range resp.Items {
		v.Items = append(v.Items, row(it.Group.Names.In(lang), it.Period, it.StatsFigures))
	}
	for _, pi := range resp.Periods {
		v.Periods = append(v.Periods, row("", pi.Period, pi.StatsFigures))
	}
	v.Totals = row(h.site.T(lang, "stats.total", nil), "", resp.Totals)

	spec := view.ChartSpec{ID: "stats-chart",
		Title: h.site.T(lang, "stats.chart_title", map[string]any{"Interval": h.site.T(lang, "stats.interval."+string(p.Interval), nil)}),
		Desc:  h.site.T(lang, "stats.chart_desc", map[string]any{"From": dates.Period(p.From), "To": dates.Period(p.To), "Count": len(resp.Periods)}),
		Axis:  h.site.T(lang, "stats.share", nil),
		Lo:    0, Hi: 100, Format: view.PercentFormat(lang), Missing: h.site.T(lang, "stats.no_outcome", nil)}
	for _, pi := range resp.Periods {
		spec.Labels = append(spec.Labels, dates.Period(pi.Period))
		spec.AxisLabels = append(spec.AxisLabels, dates.ShortPeriod(pi.Period))
		var pct *float64
		if pi.ShareInTime != nil {
			pct = new(*pi.ShareInTime * 100)
		}
		spec.Values = append(spec.Values, pct)
	}
	v.Chart = view.NewBarChart(spec)
	return v
}

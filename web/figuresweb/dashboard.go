package figuresweb

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
	"time"
	"weak"

	"sotepe"
	"sotepe/report"
	"sotepe/web/kit"
	"sotepe/web/view"
)

// The management dashboard, GET /dashboard: service volumes by month and by
// area, the NPS trend, the answer promise kept and the e-service share, with
// filters for the period, area, unit and producer in a plain GET form, and
// the chats of the period (Config.ChatSection). Every chart is SVG drawn on the
// server with its data table. Managers see their own units; analysts and
// administrators everyone's. Aggregates only.

// dashboardKeptMonths is how many months' facts the dashboard keeps: a
// year and its neighbours, 2.8 MB a month with its days on the full
// generated year. A longer period reads its months again each time.
const dashboardKeptMonths = 15

// dashboardYearsBack is how many years before the current one the dashboard
// looks for the latest year with data to open on.
const dashboardYearsBack = 10

// dashboardParams is the dashboard's filters, defaults filled in: the
// latest year with service events in the units the user sees (the current
// year up to today, or a whole earlier year), everything.
type dashboardParams struct {
	From, To, Area, Unit, Producer string
	// Year is the year of the annual report the page links to.
	Year     int
	from, to time.Time
}

func (h *Handlers) parseDashboardParams(r *http.Request, own []string) (dashboardParams, error) {
	q := r.URL.Query()
	today := h.site.Now()
	p := dashboardParams{From: q.Get("from"), To: q.Get("to"), Area: q.Get("area"), Unit: q.Get("unit"), Producer: q.Get("producer"),
		Year: today.Year()}
	if p.From == "" && p.To == "" {
		year, err := h.latestDataYear(r.Context(), own, today)
		if err != nil {
			return p, err
		}
		if year < today.Year() {
			p.From, p.To = fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)
		}
	}
	if p.From == "" {
		p.From = fmt.Sprintf("%d-01-01", today.Year())
	}
	if p.To == "" {
		p.To = today.Format(time.DateOnly)
	}
	var err error
	if p.from, p.to, err = sotepe.ParseStatsPeriod(p.From, p.To); err != nil {
		return p, err
	}
	p.Year = p.from.Year()
	if n := sotepe.IntervalMonth.PeriodCount(p.from, p.to); n > kit.MaxPeriodMonths {
		return p, sotepe.Invalid("error.dashboard_period", "the period is too long").With(map[string]any{"Max": kit.MaxPeriodMonths})
	}
	return p, nil
}

// latestDataYear is the latest year up to today's with service events in
// units (nil: every unit), looking back dashboardYearsBack years; today's
// year when none has any.
func (h *Handlers) latestDataYear(ctx context.Context, units []string, today time.Time) (int, error) {
	for y := today.Year(); y >= today.Year()-dashboardYearsBack; y-- {
		to := fmt.Sprintf("%d-12-31", y)
		if y == today.Year() {
			to = today.Format(time.DateOnly)
		}
		rows, err := h.cfg.Figures.EventVolumes(ctx, sotepe.VolumeQuery{From: fmt.Sprintf("%d-01-01", y), To: to,
			GroupBy: []sotepe.VolumeDim{sotepe.VolumeYear}, Units: units})
		if err != nil {
			return 0, err
		}
		for _, row := range rows {
			if row.Count > 0 {
				return y, nil
			}
		}
		if units != nil && len(units) == 0 {
			break // no units: no data in any year
		}
	}
	return today.Year(), nil
}

// WarmDashboard reads into the dashboard's kept months, whole and by day,
// the months the dashboard opens on (the latest year with service events,
// up to today) and before them the rest of that year and the year before,
// newest first, up to the months it keeps: so the first people after a
// start do not wait for each month to be read on their request (70–150 ms
// a month on a full year). It reads one month at a time; a request for a
// month being read waits for that read instead of reading it again. It
// returns when done, or when ctx ends (with ctx.Err()), or with the first
// error of a read (the months not read are read on request, as without
// it). Warmed tells when it has returned. The server does not call it:
// app.Start does, in the background, when asked.
func (h *Handlers) WarmDashboard(ctx context.Context) error {
	defer h.warmOnce.Do(func() { close(h.warmed) })
	today := h.site.Now()
	year, err := h.latestDataYear(ctx, nil, today)
	if err != nil {
		return err
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	if year == today.Year() {
		to = time.Date(year, today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	}
	org, err := report.LoadOrg(ctx, h.cfg.Directory)
	if err != nil {
		return err
	}
	g := report.Gatherer{Store: h.cfg.Figures, Org: org, Now: h.site.Now, WorkingTime: h.cfg.Calendar.Get().WorkingHoursBetween}
	if err := h.months.Warm(ctx, g, from.Format(time.DateOnly), to.Format(time.DateOnly)); err != nil {
		return err
	}
	// The year before, its last months first, as many as are still kept.
	shown := sotepe.IntervalMonth.PeriodCount(from, to)
	for i := 1; i <= min(12, dashboardKeptMonths-shown); i++ {
		m := from.AddDate(0, -i, 0)
		if err := h.months.Warm(ctx, g, m.Format(time.DateOnly), m.AddDate(0, 1, -1).Format(time.DateOnly)); err != nil {
			return err
		}
	}
	return nil
}

// Warmed returns a channel closed when WarmDashboard has returned, done or
// not; it stays open when nobody calls WarmDashboard.
func (h *Handlers) Warmed() <-chan struct{} { return h.warmed }

// WaitDashboard waits for the dashboard's reads in the background, of
// stamps and of months past their minute, to end: for tests and
// benchmarks (report.MonthFacts.Wait).
func (h *Handlers) WaitDashboard() { h.months.Wait() }

// dashboardView is the page.
type dashboardView struct {
	P         dashboardParams
	Areas     []option
	Units     []option
	Producers []option
	OwnUnits  bool
	Error     string
	Shown     bool
	Any       bool
	// Tiles are the indicators over the whole selection.
	Tiles []view.Tile
	// Charts by month and area.
	VolumeMonths, VolumeAreas, NPS, InTime, EShare view.BarChart
	// MeasureHeads and the tables of volumes by month and area, one
	// column per measure.
	MeasureHeads []string
	MonthRows    []measureRow
	AreaRows     []measureRow
	// Kinds is the indicators by producer kind, AreaInds by service area
	// (the roll-up of units to areas; the tiles are the sector).
	KindHeads []string
	KindRows  []measureRow
	AreaInds  []measureRow
	// Chat is the chat section over the period and the user's chat
	// services (the other filters do not apply to it), from
	// Config.ChatSection; nil when the user may not see chat figures.
	Chat any
}

// option is a choice of a filter.
type option struct {
	Value, Label string
	Selected     bool
}

// measureRow is a table line of figures written for the page's language.
type measureRow struct {
	Label  string
	Values []string
}

// dashboardMeasures are the columns of the volume tables.
var dashboardMeasures = []sotepe.Measure{sotepe.MeasureVisit, sotepe.MeasureCareDay, sotepe.MeasureEContact, sotepe.MeasureMission,
	sotepe.MeasureClient, sotepe.MeasureAssessment}

// dashboardRatios are the indicators of the tiles, charts and the producer
// comparison.
var dashboardRatios = []string{"nps", "answered_in_time_share", "e_service_share", "home_care_remote_share"}

// Dashboard serves the management dashboard.
func (h *Handlers) Dashboard(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	in := kit.Info(r)
	lang := in.Lang
	own, err := h.cfg.Statistics.ContactUnits(u)
	if err != nil {
		return err
	}
	p, perr := h.parseDashboardParams(r, own)
	org, err := report.LoadOrg(r.Context(), h.cfg.Directory)
	if err != nil {
		return err
	}
	v := dashboardView{P: p, OwnUnits: own != nil}
	for _, a := range org.Areas {
		v.Areas = append(v.Areas, option{Value: a.ID, Label: a.Names.In(lang), Selected: a.ID == p.Area})
	}
	// The units by name, each name folded once.
	type named struct {
		unit sotepe.Unit
		key  string
	}
	units := make([]named, len(org.Units))
	for i, un := range org.Units {
		units[i] = named{un, sotepe.FoldText(un.Names.In(lang))}
	}
	slices.SortStableFunc(units, func(a, b named) int { return strings.Compare(a.key, b.key) })
	for _, n := range units {
		un := n.unit
		if own == nil || slices.Contains(own, un.ID) {
			v.Units = append(v.Units, option{Value: un.ID, Label: un.Names.In(lang), Selected: un.ID == p.Unit})
		}
	}
	for _, pr := range org.Producers {
		v.Producers = append(v.Producers, option{Value: pr.ID, Label: pr.Names.In(lang), Selected: pr.ID == p.Producer})
	}
	title := h.site.T(lang, "dashboard.title", nil)
	if perr != nil {
		if sotepe.ErrorCode(perr) != sotepe.EInvalid {
			return perr
		}
		v.Error = h.site.T(lang, sotepe.ErrorKey(perr), sotepe.ErrorArgs(perr))
		h.site.Page(w, r, http.StatusBadRequest, "dashboard", title, v)
		return nil
	}

	f := report.Filter{From: p.From, To: p.To, Units: own}
	if p.Unit != "" {
		if own != nil && !slices.Contains(own, p.Unit) {
			f.Units = []string{} // not theirs: nothing, as for an unknown unit
		} else {
			f.Units = []string{p.Unit}
		}
	}
	if p.Area != "" {
		f.Areas = []string{p.Area}
	}
	if p.Producer != "" {
		f.Producers = []string{p.Producer}
	}
	// The facts of the period over every unit are kept for a minute and
	// the filters applied to them here, so changing a filter reads nothing;
	// a period new to them is put together from the kept months' facts.
	all, err := h.facts.get([2]string{p.From, p.To}, func() ([]report.Fact, error) {
		g := report.Gatherer{Store: h.cfg.Figures, Org: org, Now: h.site.Now, WorkingTime: h.cfg.Calendar.Get().WorkingHoursBetween}
		return h.months.Facts(r.Context(), g, p.From, p.To)
	})
	if err != nil {
		return err
	}
	facts := report.Narrow(all, f)
	v.Shown, v.Any = true, len(facts) > 0
	h.fillDashboardFrom(&v, lang, org, all, facts, p, f)
	if v.Chat, err = h.cfg.ChatSection(r.Context(), u, lang, p.From, p.To, p.from, p.to); err != nil {
		return err
	}
	h.site.Page(w, r, http.StatusOK, "dashboard", title, v)
	return nil
}

// filledKey is what a dashboard's figures depend on besides the period's
// facts: the period, the filters (the units a manager sees among them),
// the language and the service areas' names.
type filledKey struct {
	from, to, area, unit, producer, units, areas string
	lang                                         sotepe.Lang
}

// filledFigures is a dashboard's figures filled from the period's facts
// all, kept while the period's facts are the same slice. It points to
// the slice weakly: the figures must not keep alive facts that the kept
// months and periods have let go of (8 MB for a year each; 32 of them
// held the server's peak memory 65 MB higher).
type filledFigures struct {
	all weak.Pointer[report.Fact]
	n   int
	v   dashboardView
}

// maxFilled is how many dashboards' figures the server keeps.
const maxFilled = 32

// fillDashboardFrom fills v's figures from facts, the period's facts all
// narrowed by f, as fillDashboard does, or copies them from the last time
// when all is the same slice (report.MonthFacts gives the same slice while
// the months' stamps stay the same): a visit after a quiet spell computes
// no indicators again.
func (h *Handlers) fillDashboardFrom(v *dashboardView, lang sotepe.Lang, org *report.Org, all, facts []report.Fact, p dashboardParams, f report.Filter) {
	digest := fnv.New64a()
	for _, a := range org.Areas {
		fmt.Fprintf(digest, "%s\x00%s\x00", a.ID, a.Names.In(lang))
	}
	key := filledKey{from: p.From, to: p.To, area: p.Area, unit: p.Unit, producer: p.Producer, lang: lang,
		areas: fmt.Sprintf("%x", digest.Sum64())}
	if f.Units != nil {
		key.units = "=" + strings.Join(f.Units, "\x00") // none, as against every unit
	}
	var first *report.Fact
	if len(all) > 0 {
		first = &all[0]
	}
	h.filledMu.Lock()
	kept, ok := h.filled[key]
	h.filledMu.Unlock()
	if ok && kept.all.Value() == first && kept.n == len(all) {
		copyFigures(v, &kept.v)
		return
	}
	h.fillDashboard(v, lang, org, facts, p)
	h.filledMu.Lock()
	defer h.filledMu.Unlock()
	if len(h.filled) >= maxFilled {
		clear(h.filled)
	}
	h.filled[key] = filledFigures{all: weak.Make(first), n: len(all), v: *v}
}

// copyFigures copies what fillDashboard fills from src to dst. The slices
// are shared: nothing changes them after fillDashboard.
func copyFigures(dst, src *dashboardView) {
	dst.Tiles = src.Tiles
	dst.VolumeMonths, dst.VolumeAreas, dst.NPS, dst.InTime, dst.EShare = src.VolumeMonths, src.VolumeAreas, src.NPS, src.InTime, src.EShare
	dst.MeasureHeads, dst.MonthRows, dst.AreaRows = src.MeasureHeads, src.MonthRows, src.AreaRows
	dst.KindHeads, dst.KindRows, dst.AreaInds = src.KindHeads, src.KindRows, src.AreaInds
}

// fillDashboard computes the tiles, charts and tables from the facts.
func (h *Handlers) fillDashboard(v *dashboardView, lang sotepe.Lang, org *report.Org, facts []report.Fact, p dashboardParams) {
	inds := h.cfg.Indicators
	dates := h.site.Dates(lang)
	months := sotepe.IntervalMonth.Periods(p.from, p.to)
	// The months in words for the tables and tooltips, briefly under the
	// axis.
	monthNames, monthAxis := make([]string, len(months)), make([]string, len(months))
	for i, m := range months {
		monthNames[i], monthAxis[i] = dates.Period(m), dates.ShortPeriod(m)
	}
	for _, m := range dashboardMeasures {
		v.MeasureHeads = append(v.MeasureHeads, h.site.T(lang, "dashboard.measure."+string(m), nil))
	}
	// The volumes of each measure by month and by area, from the facts of
	// the events.
	byMonth := map[string]map[sotepe.Measure]int64{}
	byArea := map[string]map[sotepe.Measure]int64{}
	add := func(m map[string]map[sotepe.Measure]int64, k string, me sotepe.Measure, n int64) {
		if m[k] == nil {
			m[k] = map[sotepe.Measure]int64{}
		}
		m[k][me] += n
	}
	for i := range facts {
		fa := &facts[i]
		if fa.Source != report.SourceEvents {
			continue
		}
		me, ok := report.MeasureOf(fa.Statistic)
		if !ok {
			continue
		}
		add(byMonth, fa.Month, me, fa.Value)
		add(byArea, fa.Area, me, fa.Value)
	}
	row := func(label string, m map[sotepe.Measure]int64) measureRow {
		r := measureRow{Label: label}
		for _, me := range dashboardMeasures {
			r.Values = append(r.Values, view.Count(lang, m[me]))
		}
		return r
	}
	var visits []*float64
	top := 0.0
	for i, m := range months {
		v.MonthRows = append(v.MonthRows, row(monthNames[i], byMonth[m]))
		n := float64(byMonth[m][sotepe.MeasureVisit])
		visits = append(visits, &n)
		top = max(top, n)
	}
	monthHead := h.site.T(lang, "dashboard.month", nil)
	visitsHead := h.site.T(lang, "dashboard.measure.visit", nil)
	period := map[string]any{"From": dates.Period(p.From), "To": dates.Period(p.To)}
	v.VolumeMonths = view.NewBarChart(view.ChartSpec{ID: "chart-visits-month", Title: h.site.T(lang, "dashboard.chart_visits_month", nil),
		Desc: h.site.T(lang, "dashboard.chart_desc", period), Axis: visitsHead, LabelHead: monthHead, Labels: monthNames, AxisLabels: monthAxis, Values: visits,
		Lo: 0, Hi: view.NiceMax(top), Format: view.CountFormat(lang)})
	var areaLabels []string
	var areaVisits []*float64
	top = 0
	for _, a := range org.Areas {
		if byArea[a.ID] == nil {
			continue
		}
		v.AreaRows = append(v.AreaRows, row(a.Names.In(lang), byArea[a.ID]))
		n := float64(byArea[a.ID][sotepe.MeasureVisit])
		areaLabels, areaVisits = append(areaLabels, a.Names.In(lang)), append(areaVisits, &n)
		top = max(top, n)
	}
	if m := byArea[""]; m != nil {
		v.AreaRows = append(v.AreaRows, row(h.site.T(lang, "stats.unknown", nil), m))
	}
	v.VolumeAreas = view.NewBarChart(view.ChartSpec{ID: "chart-visits-area", Title: h.site.T(lang, "dashboard.chart_visits_area", nil),
		Desc: h.site.T(lang, "dashboard.chart_desc", period), Axis: visitsHead, LabelHead: h.site.T(lang, "dashboard.area", nil),
		Labels: areaLabels, Values: areaVisits, Lo: 0, Hi: view.NiceMax(top), Format: view.CountFormat(lang)})

	// The ratio indicators: a tile each over the selection, a chart by
	// month for three of them, and a comparison by area and producer
	// kind; each indicator is added up at every level in one pass.
	levels := []report.Level{report.LevelSector, report.LevelMonth, report.LevelArea, report.LevelProducerKind}
	values := map[string][]map[string]report.Value{}
	for _, id := range append([]string{"visits"}, dashboardRatios...) {
		if ind, ok := inds.ByID(id); ok {
			values[id] = ind.EvaluateLevels(facts, levels...)
		}
	}
	// at is the values of indicator id at levels[l]; none for an
	// indicator the configuration does not define.
	at := func(id string, l int) map[string]report.Value {
		if v := values[id]; v != nil {
			return v[l]
		}
		return nil
	}
	noValue := h.site.T(lang, "dashboard.no_value", nil)
	ratioChart := func(id, indID string, lo, hi float64, format func(float64) string) view.BarChart {
		ind, _ := inds.ByID(indID)
		vals := at(indID, 1)
		var series []*float64
		for _, m := range months {
			series = append(series, vals[m].Value)
		}
		return view.NewBarChart(view.ChartSpec{ID: id, Title: h.site.T(lang, "dashboard.chart_by_month", map[string]any{"Indicator": ind.Names.In(lang)}),
			Desc: h.site.T(lang, "dashboard.chart_desc", period), Axis: ind.Names.In(lang), LabelHead: monthHead, Labels: monthNames,
			AxisLabels: monthAxis, Values: series, Lo: lo, Hi: hi, Format: format, Missing: noValue})
	}
	v.NPS = ratioChart("chart-nps", "nps", -100, 100, view.ScoreFormat(lang))
	v.InTime = ratioChart("chart-in-time", "answered_in_time_share", 0, 100, view.PercentFormat(lang))
	v.EShare = ratioChart("chart-e-share", "e_service_share", 0, 100, view.PercentFormat(lang))

	format := func(ind report.Indicator, val report.Value) string {
		if val.Value == nil {
			return "–"
		}
		switch ind.Unit {
		case "percent":
			return view.Percent(lang, *val.Value, 1)
		case "score":
			return view.Decimal(lang, *val.Value, 1)
		}
		return view.Count(lang, int64(*val.Value))
	}
	if ind, ok := inds.ByID("visits"); ok {
		v.Tiles = append(v.Tiles, view.Tile{ID: "tile-" + ind.ID, Label: ind.Names.In(lang), Value: format(ind, ind.TotalOf(at(ind.ID, 0)))})
	}
	for _, id := range dashboardRatios {
		ind, ok := inds.ByID(id)
		if !ok {
			continue
		}
		val := ind.TotalOf(at(id, 0))
		t := view.Tile{ID: "tile-" + id, Label: ind.Names.In(lang), Value: format(ind, val)}
		if val.Value == nil {
			t.Note = noValue
		}
		v.Tiles = append(v.Tiles, t)
		v.KindHeads = append(v.KindHeads, ind.Names.In(lang))
	}
	for _, a := range org.Areas {
		r := measureRow{Label: a.Names.In(lang)}
		any := false
		for _, id := range dashboardRatios {
			ind, _ := inds.ByID(id)
			val, ok := at(id, 2)[a.ID]
			any = any || ok
			r.Values = append(r.Values, format(ind, val))
		}
		if any {
			v.AreaInds = append(v.AreaInds, r)
		}
	}
	for _, k := range sotepe.ProducerKinds {
		r := measureRow{Label: h.site.T(lang, "feedback.producer_kind."+string(k), nil)}
		for _, id := range dashboardRatios {
			ind, _ := inds.ByID(id)
			r.Values = append(r.Values, format(ind, at(id, 3)[string(k)]))
		}
		v.KindRows = append(v.KindRows, r)
	}
}

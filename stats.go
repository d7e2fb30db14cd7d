package sotepe

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"
)

// The figures of the answer promise: how well contact requests are answered
// within two working days, for managers and analysts. They are aggregates
// only and hold no personal data.
//
// Definitions, each over the requests received in the period (from–to,
// dates in Europe/Helsinki, both included, by the day of received_at):
//
//   - Received: the requests received.
//   - Answered: those with a first answer from staff (FirstAnsweredAt set;
//     internal notes do not answer).
//   - Answered in time: answered at or before the due time
//     (FirstAnsweredAt <= DueAt).
//   - Missed (breaches): answered after the due time; or not answered while
//     the due time passed with the request open: open (new, in progress,
//     waiting) and due before now, or closed without an answer after its
//     due time. A request closed without a written answer before its due
//     time (settled by phone, a duplicate) is not missed, just as the breach
//     sweep never flags it.
//   - Share in time: answered in time ÷ (answered + missed without an
//     answer), that is over the requests whose outcome is known: requests
//     still open and not yet due, and requests closed unanswered before their
//     due time, are left out. Null when no outcome is known.
//   - Median and 90th percentile time to the first answer: the working time
//     (service hours on working days, workday.Calendar.WorkingHoursBetween,
//     in whole seconds) from receipt to the first answer of the answered
//     requests, in hours,
//     by linear interpolation between the nearest ranks (PostgreSQL's
//     percentile_cont, Excel's PERCENTILE.INC): of 1 h, 2 h and 10 h the
//     median is 2 h and the 90th percentile 8.4 h. Null without answers.
//   - Open backlog: the requests received in the period that are open now
//     (new, in progress or waiting). The status history is not kept, so for
//     a period in the past this is today's status of that period's requests,
//     not the backlog as it stood when the period ended; for a period ending
//     today the two are the same.
//
// Groups are the unit a request is routed to, its service, the unit's
// service area and producer (as the network stands now), and its channel.
// Periods are days, ISO weeks (Monday to Sunday, "2026-W48") or calendar
// months ("2026-11") in Europe/Helsinki; the first and the last period may be
// cut short by from and to.

// StatsGroupBy is what the figures are grouped by.
type StatsGroupBy string

// The groupings of the figures.
const (
	GroupByUnit     StatsGroupBy = "unit"
	GroupByService  StatsGroupBy = "service"
	GroupByArea     StatsGroupBy = "area"     // the unit's service area
	GroupByProducer StatsGroupBy = "producer" // the unit's producer
	GroupByChannel  StatsGroupBy = "channel"
)

// StatsGroupBys lists every grouping.
var StatsGroupBys = []StatsGroupBy{GroupByUnit, GroupByService, GroupByArea, GroupByProducer, GroupByChannel}

// Valid reports whether g is a known grouping.
func (g StatsGroupBy) Valid() bool { return slices.Contains(StatsGroupBys, g) }

// Dim returns the dimension the store groups by for g: areas and producers
// are made of units.
func (g StatsGroupBy) Dim() StatsDim {
	switch g {
	case GroupByService:
		return DimService
	case GroupByChannel:
		return DimChannel
	}
	return DimUnit
}

// StatsDim is a dimension the store keeps the figures by.
type StatsDim string

// The dimensions of the stored figures.
const (
	DimUnit    StatsDim = "unit"
	DimService StatsDim = "service"
	DimChannel StatsDim = "channel"
)

// StatsInterval is the length of the periods of the figures.
type StatsInterval string

// The intervals of the figures.
const (
	IntervalDay   StatsInterval = "day"
	IntervalWeek  StatsInterval = "week"  // ISO week, Monday to Sunday
	IntervalMonth StatsInterval = "month" // calendar month
)

// StatsIntervals lists every interval.
var StatsIntervals = []StatsInterval{IntervalDay, IntervalWeek, IntervalMonth}

// Valid reports whether i is a known interval.
func (i StatsInterval) Valid() bool { return slices.Contains(StatsIntervals, i) }

// MaxStatsCells bounds the groups × periods one request of the figures may
// ask for.
const MaxStatsCells = 5000

// Period returns the period of interval i that day falls in: the day itself
// ("2026-11-23"), its ISO week ("2026-W48", the year being the ISO year) or
// its month ("2026-11"). Periods of one interval sort as text in time order.
func (i StatsInterval) Period(day time.Time) string {
	switch i {
	case IntervalWeek:
		y, w := day.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case IntervalMonth:
		return day.Format("2006-01")
	}
	return day.Format(time.DateOnly)
}

// Bounds returns the first and the last day of the period of interval i
// that day (a date at midnight UTC) falls in.
func (i StatsInterval) Bounds(day time.Time) (first, last time.Time) {
	switch i {
	case IntervalWeek:
		first = monday(day)
		return first, first.AddDate(0, 0, 6)
	case IntervalMonth:
		first = time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(0, 1, -1)
	}
	return day, day
}

// PeriodCount returns how many periods of interval i from–to (dates, from not
// after to) touches, without listing them.
func (i StatsInterval) PeriodCount(from, to time.Time) int {
	// Unix seconds, not Durations, which stop at 292 years.
	days := func(a, b time.Time) int { return int((b.Unix() - a.Unix()) / 86400) }
	switch i {
	case IntervalWeek:
		return days(monday(from), monday(to))/7 + 1
	case IntervalMonth:
		return (to.Year()*12 + int(to.Month())) - (from.Year()*12 + int(from.Month())) + 1
	}
	return days(from, to) + 1
}

// Periods lists the periods of interval i that from–to touches, in order.
// Callers bound the count with PeriodCount first.
func (i StatsInterval) Periods(from, to time.Time) []string {
	var out []string
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		p := i.Period(d)
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	return out
}

// monday returns the Monday of the ISO week of d, a date at midnight UTC.
func monday(d time.Time) time.Time {
	wd := int(d.Weekday()+6) % 7 // Monday 0 … Sunday 6
	return d.AddDate(0, 0, -wd)
}

// ParseStatsPeriod reads from and to (YYYY-MM-DD) as dates at midnight UTC.
// A date that is not YYYY-MM-DD is EInvalid ("error.date"), from after to
// EInvalid ("error.stats_period").
func ParseStatsPeriod(from, to string) (time.Time, time.Time, error) {
	f, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return f, f, Invalid("error.date", "date "+from+" is not YYYY-MM-DD")
	}
	t, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return f, t, Invalid("error.date", "date "+to+" is not YYYY-MM-DD")
	}
	if f.After(t) {
		return f, t, Invalid("error.stats_period", "from is after to")
	}
	return f, t, nil
}

// ContactStatsQuery asks the store for the figures of the contact requests
// received from From to To (YYYY-MM-DD in Europe/Helsinki, both included) by
// key of one dimension and period of one interval.
type ContactStatsQuery struct {
	From, To string
	Dim      StatsDim
	Interval StatsInterval
	// Units limits the figures to requests routed to these units; nil means
	// every unit, an empty non-nil slice none.
	Units []string
	// Now decides which open requests are past their due time.
	Now time.Time
	// WorkingTime returns the working time between two instants
	// (workday.Calendar.WorkingHoursBetween). The store uses it for answers
	// whose working time is not stored yet.
	WorkingTime func(from, to time.Time) time.Duration
}

// ContactStatsRow is the figures of the requests of one key of a dimension
// (a unit id, a service id or a channel) received in one period (as
// StatsInterval.Period writes it). It holds counts and working times only,
// never anything about a person.
type ContactStatsRow struct {
	Key            string
	Period         string
	Received       int64
	Answered       int64
	AnsweredInTime int64
	// Missed counts every miss: answered late, open past the due time, and
	// closed unanswered after it.
	Missed int64
	// MissedUnanswered is the part of Missed without an answer.
	MissedUnanswered int64
	OpenBacklog      int64
	// AnswerSeconds holds the working seconds from receipt to the first
	// answer of each answered request, in no particular order: one value
	// per answered request.
	AnswerSeconds []int32
}

// ContactStats reads the figures of the answer promise and keeps what they
// need. The store keeps a roll-up by day (and, for the figures by unit, by
// week and month too), so the figures of a year read thousands of rows, not
// millions. Every change to a request is logged in its own transaction and
// added to the roll-up later by FoldContactStats; the figures count what is
// logged but not yet folded too, so they are exact at any moment.
type ContactStats interface {
	// ContactStatsRows returns the figures of q, one row per key and
	// period with at least one request, in no particular order. An unknown
	// dimension is EInvalid ("error.stats_group_by"), an unknown interval
	// EInvalid ("error.stats_interval"), a date that is not YYYY-MM-DD
	// EInvalid ("error.date"); a missing WorkingTime is EInternal.
	ContactStatsRows(ctx context.Context, q ContactStatsQuery) ([]ContactStatsRow, error)
	// FillAnswerWorkingSeconds stores the working time to the first answer
	// (workingTime from receipt to the first answer) of at most limit
	// answered requests that lack it, oldest first, and returns how many it
	// filled. Call it after each answer and from a periodic job: the
	// figures stay exact without it, only slower.
	FillAnswerWorkingSeconds(ctx context.Context, limit int, workingTime func(from, to time.Time) time.Duration) (int, error)
	// FoldContactStats adds up to limit logged changes of requests to the
	// roll-up and returns how many; 0 when none is waiting (or another
	// process is folding). Call it every few seconds: the figures stay
	// exact without it, only slower as the log grows.
	FoldContactStats(ctx context.Context, limit int) (int, error)
}

// StatsFigures are the figures of one group and period, or of a whole
// selection.
type StatsFigures struct {
	Received       int64 `json:"received"`
	Answered       int64 `json:"answered"`
	AnsweredInTime int64 `json:"answered_in_time"`
	Missed         int64 `json:"missed"`
	// ShareInTime is AnsweredInTime over the requests with a known
	// outcome (answered, or missed without an answer), rounded to four
	// decimals; nil when none has one.
	ShareInTime *float64 `json:"share_in_time"`
	// MedianHours and P90Hours are the percentiles of the working time to
	// the first answer, in hours rounded to two decimals; nil without
	// answers.
	MedianHours *float64 `json:"median_hours"`
	P90Hours    *float64 `json:"p90_hours"`
	OpenBacklog int64    `json:"open_backlog"`
}

// StatsCell is the figures of one group in one period. Group is the id of
// the group (a unit, service, area, producer or channel); Period as
// StatsInterval.Period writes it.
type StatsCell struct {
	Group  string
	Period string
	StatsFigures
}

// StatsSummary is the figures of a selection: Items per group and period
// (only those with requests), ordered by group and period; Periods per
// period over every group, one for each period from–to, empty ones
// included, in order; and Totals over everything.
type StatsSummary struct {
	Items   []StatsCell
	Periods []StatsCell
	Totals  StatsFigures
}

// SummarizeContactStats adds the rows up by group and period and computes
// the shares and percentiles. group names the group of a key (the unit's
// area, say); periods lists every period of the selection in order
// (StatsInterval.Periods).
func SummarizeContactStats(rows []ContactStatsRow, periods []string, group func(key string) string) StatsSummary {
	type acc struct {
		StatsCell
		missedUnanswered int64
		parts            [][]int32
	}
	cells := map[[2]string]*acc{}
	byPeriod := map[string]*acc{}
	total := &acc{}
	values := 0
	add := func(a *acc, r *ContactStatsRow) {
		a.Received += r.Received
		a.Answered += r.Answered
		a.AnsweredInTime += r.AnsweredInTime
		a.Missed += r.Missed
		a.missedUnanswered += r.MissedUnanswered
		a.OpenBacklog += r.OpenBacklog
		if len(r.AnswerSeconds) > 0 {
			a.parts = append(a.parts, r.AnswerSeconds)
		}
	}
	for i := range rows {
		r := &rows[i]
		g := group(r.Key)
		c := cells[[2]string{g, r.Period}]
		if c == nil {
			c = &acc{StatsCell: StatsCell{Group: g, Period: r.Period}}
			cells[[2]string{g, r.Period}] = c
		}
		add(c, r)
		p := byPeriod[r.Period]
		if p == nil {
			p = &acc{StatsCell: StatsCell{Period: r.Period}}
			byPeriod[r.Period] = p
		}
		add(p, r)
		add(total, r)
		values += len(r.AnswerSeconds)
	}
	// One scratch buffer for the percentiles of every cell: selecting
	// reorders it, never the rows' values.
	buf := make([]int32, 0, values)
	finish := func(a *acc) StatsCell {
		buf = buf[:0]
		for _, p := range a.parts {
			buf = append(buf, p...)
		}
		a.ShareInTime = shareInTime(a.AnsweredInTime, a.Answered+a.missedUnanswered)
		if len(buf) > 0 {
			m, p90 := percentiles(buf)
			a.MedianHours, a.P90Hours = hours(m), hours(p90)
		}
		return a.StatsCell
	}
	out := StatsSummary{Items: make([]StatsCell, 0, len(cells))}
	for _, c := range cells {
		if c.Received > 0 {
			out.Items = append(out.Items, finish(c))
		}
	}
	slices.SortFunc(out.Items, func(a, b StatsCell) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Period, b.Period))
	})
	for _, p := range periods {
		if a := byPeriod[p]; a != nil {
			out.Periods = append(out.Periods, finish(a))
		} else {
			out.Periods = append(out.Periods, StatsCell{Period: p})
		}
	}
	out.Totals = finish(total).StatsFigures
	return out
}

func shareInTime(inTime, known int64) *float64 {
	if known == 0 {
		return nil
	}
	v := math.Round(float64(inTime)/float64(known)*1e4) / 1e4
	return &v
}

// hours converts seconds to hours rounded to two decimals.
func hours(seconds float64) *float64 {
	v := math.Round(seconds/3600*100) / 100
	return &v
}

// percentiles returns the median and the 90th percentile of v (not empty),
// interpolating linearly between the nearest ranks, and reorders v.
func percentiles(v []int32) (median, p90 float64) {
	q := Percentiles(v, 0.5, 0.9)
	return q[0], q[1]
}

// Percentile returns the p-th quantile (0 ≤ p ≤ 1) of v, not empty, by
// linear interpolation between the nearest ranks: with v sorted and
// h = (len(v)-1)·p, it is v[⌊h⌋] + (h-⌊h⌋)·(v[⌊h⌋+1]-v[⌊h⌋]). It reorders
// v.
func Percentile(v []int32, p float64) float64 { return Percentiles(v, p)[0] }

// Percentiles returns the quantiles ps of v, not empty, as Percentile
// computes each, reordering v. It selects the ranks it needs in linear
// time instead of sorting: two million values take milliseconds.
func Percentiles(v []int32, ps ...float64) []float64 {
	n := len(v)
	var ranks []int
	for _, p := range ps {
		h := float64(n-1) * p
		k := int(h)
		ranks = append(ranks, k)
		if h > float64(k) && k+1 < n {
			ranks = append(ranks, k+1)
		}
	}
	slices.Sort(ranks)
	ranks = slices.Compact(ranks)
	values := make([]int32, len(ranks))
	orderStats(v, ranks, values)
	at := func(k int64) float64 { return float64(values[slices.Index(ranks, int(k))]) }
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = interpolate(int64(n), p, at)
	}
	return out
}

// interpolate returns the p-th quantile of n values (n ≥ 1) between the
// nearest ranks, at(k) being the k-th smallest from 0: with
// h = (n-1)·p, at(⌊h⌋) + (h-⌊h⌋)·(at(⌊h⌋+1)-at(⌊h⌋)). Percentiles and
// SecondsPercentiles share it, so that both give the same float64.
func interpolate(n int64, p float64, at func(int64) float64) float64 {
	h := float64(n-1) * p
	k := int64(h)
	q := at(k)
	if frac := h - float64(k); frac > 0 && k+1 < n {
		q += frac * (at(k+1) - at(k))
	}
	return q
}

// orderStats sets out[i] to the value of rank ranks[i] (ascending,
// distinct, 0-based) of v, reordering v. Small slices are selected in
// place; a large one is counted into buckets by value (a radix selection):
// one pass finds the bucket of each rank and another copies out just those
// buckets' values, which are then searched the same way.
func orderStats(v []int32, ranks []int, out []int32) {
	if len(v) <= 1024 {
		for i, k := range ranks {
			out[i] = selectNth(v, k)
		}
		return
	}
	lo, hi := v[0], v[0]
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	if lo == hi {
		for i := range out {
			out[i] = lo
		}
		return
	}
	// As many buckets as values, up to 65,536: the smallest shift that
	// fits the span puts lo and hi in different buckets, so every bucket
	// is smaller than v.
	span := uint64(int64(hi) - int64(lo))
	buckets := uint64(1) << min(16, bits.Len(uint(len(v))))
	shift := 0
	for span>>shift >= buckets {
		shift++
	}
	counts := make([]int, span>>shift+1)
	for _, x := range v {
		counts[uint64(int64(x)-int64(lo))>>shift]++
	}
	type target struct {
		bucket uint64
		ranks  []int // offsets within the bucket
		outs   []int // where their values go
		values []int32
	}
	var targets []*target
	b, below := uint64(0), 0
	for i, k := range ranks {
		for below+counts[b] <= k {
			below += counts[b]
			b++
		}
		if len(targets) == 0 || targets[len(targets)-1].bucket != b {
			targets = append(targets, &target{bucket: b, values: make([]int32, 0, counts[b])})
		}
		t := targets[len(targets)-1]
		t.ranks, t.outs = append(t.ranks, k-below), append(t.outs, i)
	}
	for _, x := range v {
		xb := uint64(int64(x)-int64(lo)) >> shift
		for _, t := range targets {
			if t.bucket == xb {
				t.values = append(t.values, x)
				break
			}
		}
	}
	for _, t := range targets {
		vals := make([]int32, len(t.ranks))
		orderStats(t.values, t.ranks, vals)
		for j, i := range t.outs {
			out[i] = vals[j]
		}
	}
}

// selectNth reorders v so that v[k] is the value of rank k, everything
// before it no greater and everything after no less, and returns v[k]. It
// partitions three ways, so runs of equal values (common: many answers take
// the same number of seconds) cost nothing extra.
func selectNth(v []int32, k int) int32 {
	lo, hi := 0, len(v)
	for hi-lo > 1 {
		// The median of three guards against sorted input.
		a, b, c := v[lo], v[lo+(hi-lo)/2], v[hi-1]
		pivot := max(min(a, b), min(max(a, b), c))
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch {
			case v[i] < pivot:
				v[lt], v[i] = v[i], v[lt]
				lt++
				i++
			case v[i] > pivot:
				gt--
				v[gt], v[i] = v[i], v[gt]
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return pivot
		}
	}
	return v[k]
}

// FoldRounds calls fold (a store's FoldContactStats, FoldChatStats or
// FoldAuditCounts) with limit rows a round until it folds nothing, fails,
// ctx ends or rounds rounds have run, so that a burst of changes does not
// hold the caller; it returns how many rows were folded.
func FoldRounds(ctx context.Context, rounds, limit int, fold func(ctx context.Context, limit int) (int, error)) (int, error) {
	total := 0
	for range rounds {
		n, err := fold(ctx, limit)
		total += n
		if err != nil || n == 0 || ctx.Err() != nil {
			return total, err
		}
	}
	return total, nil
}

package report

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"sotepe"
)

// MonthReader is what MonthFacts reads besides what a Gatherer reads: the
// daily rows of the service events and the stamps that tell when a month's
// figures may have changed.
type MonthReader interface {
	EventDayVolumes(ctx context.Context, from, to string) ([]sotepe.VolumeRow, error)
	FigureStamps(ctx context.Context, from, to string, now time.Time, since sotepe.FigureMark) (sotepe.FigureStampSet, error)
}

// MonthFacts keeps the facts of whole months, so that a period new to the
// dashboard reads no figures of the months it has asked before: the facts
// of a period are those of its whole months, kept as Gatherer.Facts read
// them, and of the days it cuts off a month at either end, added up from
// the month's days, kept too (a month's service events by day are tens of
// thousands of rows, as slow to read as a year by month). Only the rescue
// department's counts by day too.
//
// A month's facts are kept while the store's stamp of the month
// (sotepe.FigureStamps) and the organisation tree stay the same; those of
// a month that ended less than settleDays ago, or has not ended, are read
// again when ttl has passed besides, so that the month taking the
// present's writes is read again at most once in ttl; in the background,
// answering from what is kept meanwhile, up to staleMax (monthOnce). Where the store marks what is only added (SQLite), a
// month's stamp is the store's stamp of the rest and the greatest ids of
// the rows added to the month since the first read (a few milliseconds
// for a year); elsewhere the store's stamp of everything (some 20–30 ms
// for a year). The stamps are read again when a month's is older than
// stampTTL (one read for the whole period), in the background while they
// are younger than stampMaxAge. Warm reads months before they are asked
// for. The facts are the same facts Gatherer.Facts reads for the period
// over every unit, in another order.
type MonthFacts struct {
	store MonthReader
	ttl   time.Duration
	max   int

	mu         sync.Mutex
	months     map[string]*keptMonth
	stamps     map[string]keptStamp
	refreshing bool // a read of stamps runs in the background
	builds     singleflight.Group
	// mark is how far the sources only added to had grown at the last
	// read of stamps, where the store marks them (sotepe.FigureMark), and
	// added the greatest ids of the rows added to each month since the
	// first read: the part of a month's stamp those sources give.
	mark  sotepe.FigureMark
	added map[string]sotepe.FigureMark
	// periods are the last periods' facts put together, by from and to.
	periods map[[2]string]keptPeriod
	// gens numbers the readings of months (keptMonth.gen).
	gens atomic.Uint64
	// background counts the reads running in the background (Wait).
	background sync.WaitGroup
}

// Wait waits for the reads that c runs in the background, of stamps and
// of months past their ttl, to end: for tests. A server does not wait for
// them when it stops; a read cut off by the store's closing is dropped.
func (c *MonthFacts) Wait() { c.background.Wait() }

// stampTTL is how long a month's stamp is taken as it was read;
// stampMaxAge how long it is taken while it is read again in the
// background: a change shows on the next request after the stamps read
// after it, and within stampMaxAge at most, as the dashboard's kept
// periods show it.
const (
	stampTTL    = 5 * time.Second
	stampMaxAge = time.Minute
)

// keptStamp is a month's stamp and when it was read.
type keptStamp struct {
	stamp string
	at    time.Time
}

// staleMax is how long after its read a month not settled, its stamp the
// same, is still answered while it is read again in the background: what
// its stamp cannot see (a request moved to another unit of the same month,
// the passing time's share of its figures) shows within staleMax, and
// within ttl of the request after that. A month older than that is read
// before the answer.
const staleMax = 10 * time.Minute

// settleDays is how long after its end a month's figures may still take
// the present's writes: answers and closings of the month's contact
// requests, late events.
const settleDays = 35

// keptMonth is one month's kept facts, read under stamp.
type keptMonth struct {
	// gen tells this reading of the month from every other, so that a
	// period's facts put together from it can be known valid without
	// holding on to the month itself (keptPeriod).
	gen   uint64
	stamp string
	at    time.Time // when the build started
	used  time.Time
	whole []Fact
	days  *monthDays // nil until a period cuts the month
	// rereading is set while the month, past its ttl, is read again in
	// the background (monthOnce). c.mu guards it.
	rereading bool
}

// monthDays is a month's facts by day: each distinct fact (its value 0)
// once in keys, and the values of each day in rows, the rows of day d
// from start[d] to start[d+1].
type monthDays struct {
	keys  []Fact
	rows  []dayValue
	start [33]int32
}

// dayValue is the value of keys[key] on a day.
type dayValue struct {
	key   int32
	value int64
}

// NewMonthFacts returns an empty cache of months' facts read from store,
// keeping at most max months, those not settled for ttl.
func NewMonthFacts(store MonthReader, ttl time.Duration, max int) *MonthFacts {
	return &MonthFacts{store: store, ttl: ttl, max: max, months: map[string]*keptMonth{}, stamps: map[string]keptStamp{},
		added: map[string]sotepe.FigureMark{}, periods: map[[2]string]keptPeriod{}}
}

// Facts returns the facts of the days from to to (YYYY-MM-DD, both
// included) over every unit, as g.Facts would read them, from the kept
// months and what changed since. The slice may be the one an earlier call
// returned: the caller must not change it. Dates as Gatherer.Facts.
func (c *MonthFacts) Facts(ctx context.Context, g Gatherer, from, to string) ([]Fact, error) {
	first, last, err := sotepe.ParseStatsPeriod(from, to)
	if err != nil {
		return nil, err
	}
	now := g.now()
	stamps, err := c.stampsOf(ctx, first, last, now)
	if err != nil {
		return nil, err
	}
	org := orgStamp(g.Org)
	type span struct{ lo, hi int } // the days of a cut month; 0 whole
	var kms []*keptMonth
	var gens []uint64
	var spans []span
	for m := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(last); m = m.AddDate(0, 1, 0) {
		end := m.AddDate(0, 1, -1)
		lo, hi := m, end
		if first.After(lo) {
			lo = first
		}
		if last.Before(hi) {
			hi = last
		}
		whole := lo.Equal(m) && hi.Equal(end)
		km, err := c.month(ctx, g, m, stamps[m.Format("2006-01")]+"|"+org, now, !whole)
		if err != nil {
			return nil, err
		}
		kms, gens = append(kms, km), append(gens, km.gen)
		if whole {
			spans = append(spans, span{})
		} else {
			spans = append(spans, span{lo.Day(), hi.Day()})
		}
	}
	// The same kept months give the same facts: those put together the
	// last time (a visit after a quiet spell copies no 8 MB of them).
	key := [2]string{from, to}
	c.mu.Lock()
	kp, ok := c.periods[key]
	c.mu.Unlock()
	if ok && slices.Equal(kp.months, gens) {
		return kp.facts, nil
	}
	var parts [][]Fact
	n := 0
	for i, km := range kms {
		if spans[i] == (span{}) {
			parts = append(parts, km.whole)
			n += len(km.whole)
			continue
		}
		cut := km.days.facts(spans[i].lo, spans[i].hi)
		parts = append(parts, cut)
		n += len(cut)
	}
	out := make([]Fact, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	c.mu.Lock()
	if len(c.periods) >= keptPeriods {
		clear(c.periods)
	}
	c.periods[key] = keptPeriod{months: gens, facts: out}
	c.mu.Unlock()
	return out, nil
}

// keptPeriods is how many periods' facts put together MonthFacts keeps,
// as many as the dashboard keeps for a minute (some 8 MB for a year on
// the full generated year, mostly the same slices).
const keptPeriods = 2

// keptPeriod is a period's facts put together from months, valid while
// its months are the same readings of them. It holds their gens, not the
// months: a month the cache has let go of (a newer reading, or one past
// the months it keeps) is not kept alive by a period put together from it.
type keptPeriod struct {
	months []uint64
	facts  []Fact
}

// stampsOf returns the stamps of the months of first–last. Stamps younger
// than stampTTL are taken as they are; when the oldest is younger than
// stampMaxAge they are taken too, and read again in the background (one
// read at a time), so that a request seldom waits for them; older or
// missing ones (or ones from the clock's future) are read at once.
func (c *MonthFacts) stampsOf(ctx context.Context, first, last, now time.Time) (map[string]string, error) {
	out := map[string]string{}
	c.mu.Lock()
	var oldest time.Duration
	missing := false
	for m := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(last); m = m.AddDate(0, 1, 0) {
		ks, ok := c.stamps[m.Format("2006-01")]
		if !ok || now.Before(ks.at) {
			missing = true
			break
		}
		oldest = max(oldest, now.Sub(ks.at))
		out[m.Format("2006-01")] = c.fullStamp(m.Format("2006-01"), ks.stamp)
	}
	refresh := !missing && oldest >= stampTTL && oldest < stampMaxAge && !c.refreshing
	if refresh {
		c.refreshing = true
	}
	c.mu.Unlock()
	if refresh {
		c.background.Go(func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stampMaxAge)
			defer cancel()
			_, _ = c.readStamps(ctx, first, last, now) // a failure leaves the old ones to age
			c.mu.Lock()
			c.refreshing = false
			c.mu.Unlock()
		})
	}
	if !missing && oldest < stampMaxAge {
		return out, nil
	}
	return c.readStamps(ctx, first, last, now)
}

// readStamps reads the stamps of the months of first–last and keeps them,
// and the months added to since the last read where the store marks them.
func (c *MonthFacts) readStamps(ctx context.Context, first, last, now time.Time) (map[string]string, error) {
	c.mu.Lock()
	since := c.mark
	c.mu.Unlock()
	read, err := c.store.FigureStamps(ctx, first.Format(time.DateOnly), last.Format(time.DateOnly), now, since)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Reads may overlap (one in the background): each source's greatest
	// id is kept, as the rows up to it have been seen by one read or the
	// other.
	c.mark = c.mark.Max(read.Mark)
	for m, a := range read.Added {
		c.added[m] = c.added[m].Max(a)
	}
	if len(c.stamps) > 4*c.max {
		clear(c.stamps)
	}
	for m := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(last); m = m.AddDate(0, 1, 0) {
		k := m.Format("2006-01")
		c.stamps[k] = keptStamp{stamp: read.Stamps[k], at: now}
		out[k] = c.fullStamp(k, read.Stamps[k])
	}
	return out, nil
}

// fullStamp is month k's stamp: the store's stamp and the greatest ids of
// the rows added to it since the first read of stamps. c.mu is held.
func (c *MonthFacts) fullStamp(k, stamp string) string {
	a, ok := c.added[k]
	if !ok {
		return stamp
	}
	return fmt.Sprintf("%s+%d.%d.%d.%d", stamp, a.Events, a.Feedback, a.Missions, a.Runs)
}

// Warm reads the facts of the months of from–to (YYYY-MM-DD), whole and
// by day, into the kept months that are not kept already, so that the
// periods within them read nothing: the server warms the months its
// dashboard opens on when it starts. It stops when ctx ends (ctx.Err());
// a month that fails (a request's read it joined may have been cancelled)
// is left for the requests to read, and the first such error returned at
// the end. A month that a request asks for while Warm reads it is read
// once for both. Dates as Gatherer.Facts.
func (c *MonthFacts) Warm(ctx context.Context, g Gatherer, from, to string) error {
	first, last, err := sotepe.ParseStatsPeriod(from, to)
	if err != nil {
		return err
	}
	now := g.now()
	stamps, err := c.stampsOf(ctx, first, last, now)
	if err != nil {
		return err
	}
	org := orgStamp(g.Org)
	var failed error
	for m := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(last); m = m.AddDate(0, 1, 0) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := c.month(ctx, g, m, stamps[m.Format("2006-01")]+"|"+org, now, true); err != nil && failed == nil {
			failed = err
		}
	}
	return cmp.Or(ctx.Err(), failed)
}

// month returns month m's kept facts under stamp, with its days when
// withDays, reading what is not kept or no longer valid. A read of the
// month under way is joined rather than read again; when it reads the
// month whole only and days are wanted, the days are read after it.
func (c *MonthFacts) month(ctx context.Context, g Gatherer, m time.Time, stamp string, now time.Time, withDays bool) (*keptMonth, error) {
	for {
		km, err := c.monthOnce(ctx, g, m, stamp, now, withDays)
		if err != nil || !withDays || km.days != nil {
			return km, err
		}
	}
}

// monthOnce is one round of month: the kept month when valid, or the
// result of the read under way or started now, which may lack the days.
// A month not settled whose ttl has passed, its stamp the same, is
// answered from what is kept while it is younger than staleMax, and read
// again in the background: the present year's dashboard does not wait a
// month's read (some 100 ms on the full year) on the first request of
// each minute.
func (c *MonthFacts) monthOnce(ctx context.Context, g Gatherer, m time.Time, stamp string, now time.Time, withDays bool) (*keptMonth, error) {
	key := m.Format("2006-01")
	settled := now.After(m.AddDate(0, 1, settleDays))
	c.mu.Lock()
	km := c.months[key]
	if km != nil && km.stamp == stamp && (!withDays || km.days != nil) {
		age := now.Sub(km.at)
		if settled || age < c.ttl {
			km.used = now
			c.mu.Unlock()
			return km, nil
		}
		if age < staleMax {
			km.used = now
			again := !km.rereading
			km.rereading = true
			c.mu.Unlock()
			if again {
				c.background.Go(func() {
					ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), staleMax)
					defer cancel()
					if _, err := c.read(ctx, g, m, stamp, now, km.days != nil); err != nil {
						c.mu.Lock()
						km.rereading = false // the next request tries again
						c.mu.Unlock()
					}
				})
			}
			return km, nil
		}
	}
	c.mu.Unlock()
	return c.read(ctx, g, m, stamp, now, withDays)
}

// read reads month m under stamp, with its days when withDays, and keeps
// it, taking what is kept of it where that is still valid at now.
func (c *MonthFacts) read(ctx context.Context, g Gatherer, m time.Time, stamp string, now time.Time, withDays bool) (*keptMonth, error) {
	key := m.Format("2006-01")
	settled := now.After(m.AddDate(0, 1, settleDays))
	valid := func(km *keptMonth) bool {
		return km != nil && km.stamp == stamp && (settled || now.Sub(km.at) < c.ttl) && (!withDays || km.days != nil)
	}
	// One read of a month and stamp at a time, whether it takes the days
	// or not: a request that joins a read without them reads the days
	// after it (month), not the month whole again beside it.
	v, err, _ := c.builds.Do(key+"/"+stamp, func() (any, error) {
		c.mu.Lock()
		old := c.months[key]
		c.mu.Unlock()
		if valid(old) {
			return old, nil
		}
		nm := &keptMonth{gen: c.gens.Add(1), stamp: stamp, at: now, used: now}
		if old != nil && old.stamp == stamp && (settled || now.Sub(old.at) < c.ttl) {
			nm.whole, nm.at, nm.days = old.whole, old.at, old.days // the days may be missing
		} else {
			facts, err := g.Facts(ctx, Filter{From: m.Format(time.DateOnly), To: m.AddDate(0, 1, -1).Format(time.DateOnly)})
			if err != nil {
				return nil, err
			}
			nm.whole = slices.Clip(slices.Clone(facts))
		}
		if withDays && nm.days == nil {
			days, err := readMonthDays(ctx, g, c.store, m)
			if err != nil {
				return nil, err
			}
			nm.days = days
		}
		if old.sameFacts(nm) {
			// Read again and found the same (a quiet spell): still the
			// same reading, so that the periods put together from it, and
			// the figures filled from them, stay valid.
			nm.gen, nm.whole, nm.days = old.gen, old.whole, old.days
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if _, ok := c.months[key]; !ok && len(c.months) >= c.max {
			c.evict()
		}
		c.months[key] = nm
		return nm, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*keptMonth), nil
}

// sameFacts reports whether km, a reading kept before (nil when there is
// none), holds the same facts as nm, read again under the same stamp: the
// month whole the same, and its days the same or read in neither. The
// store gives a month's facts in no fixed order, so the order does not
// count.
func (km *keptMonth) sameFacts(nm *keptMonth) bool {
	if km == nil || km.stamp != nm.stamp || (km.days == nil) != (nm.days == nil) || !sameFactSet(km.whole, nm.whole) {
		return false
	}
	return km.days == nil || km.days.same(nm.days)
}

// sameFactSet reports whether a and b hold the same facts, in any order.
func sameFactSet(a, b []Fact) bool {
	if len(a) != len(b) {
		return false
	}
	if slices.Equal(a, b) {
		return true
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.SortFunc(x, compareFacts)
	slices.SortFunc(y, compareFacts)
	return slices.Equal(x, y)
}

// same reports whether md and o hold the same facts on each day, in any
// order: the same keys, and on each day the same values of them.
func (md *monthDays) same(o *monthDays) bool {
	if md.start != o.start || len(md.keys) != len(o.keys) {
		return false // another number of rows on some day, or of facts
	}
	index := make(map[Fact]int32, len(md.keys))
	for i, k := range md.keys {
		index[k] = int32(i)
	}
	// Each of o's keys as md's, the sign kept (an event's row, kept however
	// small, has a negative key).
	key := make([]int32, len(o.keys))
	for i, k := range o.keys {
		j, ok := index[k]
		if !ok {
			return false
		}
		key[i] = j
	}
	a := slices.Clone(md.rows)
	b := make([]dayValue, len(o.rows))
	for i, r := range o.rows {
		if r.key < 0 {
			b[i] = dayValue{key: -key[-r.key-1] - 1, value: r.value}
		} else {
			b[i] = dayValue{key: key[r.key], value: r.value}
		}
	}
	byKey := func(x, y dayValue) int { return cmp.Or(cmp.Compare(x.key, y.key), cmp.Compare(x.value, y.value)) }
	for d := 0; d+1 < len(md.start); d++ {
		x, y := a[md.start[d]:md.start[d+1]], b[o.start[d]:o.start[d+1]]
		slices.SortFunc(x, byKey)
		slices.SortFunc(y, byKey)
		if !slices.Equal(x, y) {
			return false
		}
	}
	return true
}

// compareFacts orders facts by every field, for telling two sets apart.
func compareFacts(a, b Fact) int {
	return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.Field, b.Field), strings.Compare(a.Statistic, b.Statistic),
		strings.Compare(string(a.Mode), string(b.Mode)), strings.Compare(a.Month, b.Month), strings.Compare(a.Unit, b.Unit),
		strings.Compare(a.Area, b.Area), strings.Compare(a.Producer, b.Producer), strings.Compare(a.ProducerKind, b.ProducerKind),
		cmp.Compare(a.Value, b.Value))
}

// evict forgets the month used longest ago; c.mu is held.
func (c *MonthFacts) evict() {
	oldest := ""
	for k, km := range c.months {
		if oldest == "" || km.used.Before(c.months[oldest].used) {
			oldest = k
		}
	}
	delete(c.months, oldest)
}

// orgStamp is a digest of what the facts take from the organisation tree:
// each unit's area and producer and each producer's kind.
func orgStamp(o *Org) string {
	h := fnv.New64a()
	for _, u := range o.Units {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", u.ID, u.AreaID, u.ProducerID)
	}
	for _, p := range o.Producers {
		fmt.Fprintf(h, "%s\x00%s\x00", p.ID, p.Kind)
	}
	return fmt.Sprintf("%x", h.Sum64())
}

// readMonthDays reads month m's facts by day: the service events from the
// daily aggregate (the rescue department's two statistics counted from its
// own rows instead, as Gatherer.Facts counts them), the answer promise's
// figures (when g.WorkingTime is set) and the feedback counts by unit and
// day.
func readMonthDays(ctx context.Context, g Gatherer, st MonthReader, m time.Time) (*monthDays, error) {
	from, to := m.Format(time.DateOnly), m.AddDate(0, 1, -1).Format(time.DateOnly)
	type dayRow struct {
		day  int
		key  Fact
		v    int64
		keep bool // kept however small: a fact of the events is there when a row is
	}
	var rows []dayRow
	dayOf := func(s string) (int, error) {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return 0, err
		}
		return d.Day(), nil
	}
	events, err := st.EventDayVolumes(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, r := range events {
		if r.Statistic == statRescueMissions || r.Statistic == statEmergencyRuns {
			continue
		}
		d, err := dayOf(r.Day)
		if err != nil {
			return nil, err
		}
		rows = append(rows, dayRow{day: d, keep: true, v: r.Count, key: Fact{Source: SourceEvents, Statistic: r.Statistic, Mode: r.Mode,
			Month: r.Month, Unit: r.Unit, Area: r.Area, Producer: r.Producer, ProducerKind: r.ProducerKind}})
	}
	uf := g.unitFacts()
	month := m.Format("2006-01")
	for _, k := range []struct {
		stat string
		runs bool
	}{{statRescueMissions, false}, {statEmergencyRuns, true}} {
		rs, err := g.Store.RescueResponses(ctx, sotepe.RescueQuery{From: from, To: to}, k.runs)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			d, err := dayOf(r.Day)
			if err != nil {
				return nil, err
			}
			f := Fact{Source: SourceEvents, Statistic: k.stat, Mode: sotepe.EventInPerson, Month: month, Unit: r.Station}
			if u, ok := g.Org.Unit(r.Station); ok {
				f.Area, f.Producer = u.AreaID, u.ProducerID
				if p, ok := g.Org.Producer(u.ProducerID); ok {
					f.ProducerKind = string(p.Kind)
				}
			}
			rows = append(rows, dayRow{day: d, keep: true, v: 1, key: f})
		}
	}
	if g.WorkingTime != nil {
		cs, err := g.Store.ContactStatsRows(ctx, sotepe.ContactStatsQuery{From: from, To: to, Dim: sotepe.DimUnit,
			Interval: sotepe.IntervalDay, Now: g.now(), WorkingTime: g.WorkingTime})
		if err != nil {
			return nil, err
		}
		for _, r := range cs {
			d, err := dayOf(r.Period)
			if err != nil {
				return nil, err
			}
			for _, fv := range contactFields(r) {
				if fv.v != 0 {
					rows = append(rows, dayRow{day: d, v: fv.v, key: uf.fact(SourceContacts, fv.field, r.Key, month, 0)})
				}
			}
		}
	}
	fc, err := g.Store.FeedbackCounts(ctx, sotepe.FeedbackCountsQuery{From: from, To: to, Dim: sotepe.FeedbackDimUnit, ByDay: true})
	if err != nil {
		return nil, err
	}
	for _, c := range fc {
		d, err := dayOf(c.Day)
		if err != nil {
			return nil, err
		}
		for _, fv := range feedbackFields(c) {
			if fv.v != 0 {
				rows = append(rows, dayRow{day: d, v: fv.v, key: uf.fact(SourceFeedback, fv.field, c.Key, month, 0)})
			}
		}
	}
	// In order of the day: a count of each day's rows, then each row at
	// its day's next place.
	var at [33]int
	for _, r := range rows {
		at[r.day+1]++
	}
	for d := 1; d < len(at); d++ {
		at[d] += at[d-1]
	}
	order := make([]int32, len(rows))
	next := at
	for i, r := range rows {
		order[next[r.day]] = int32(i)
		next[r.day]++
	}
	md := &monthDays{rows: make([]dayValue, len(rows))}
	index := map[Fact]int32{}
	for i, j := range order {
		r := &rows[j]
		k, ok := index[r.key]
		if !ok {
			k = int32(len(md.keys))
			index[r.key] = k
			md.keys = append(md.keys, r.key)
		}
		md.rows[i] = dayValue{key: k, value: r.v}
		if r.keep {
			md.rows[i].key = -k - 1 // negative: an event's, kept even when its sum is 0
		}
	}
	for d := range md.start {
		md.start[d] = int32(at[min(d, len(at)-1)])
	}
	return md, nil
}

// facts returns the facts of the days lo to hi of the month: each fact's
// values of those days added up, the events' when they have a row, the
// others' when the sum is not 0 (as the store's sums of the period give
// them).
func (md *monthDays) facts(lo, hi int) []Fact {
	sums := make([]int64, len(md.keys))
	seen := make([]bool, len(md.keys))
	for _, r := range md.rows[md.start[lo]:md.start[hi+1]] {
		k := r.key
		if k < 0 {
			k = -k - 1
			seen[k] = true
		}
		sums[k] += r.value
	}
	var out []Fact
	for k, n := range sums {
		if seen[k] || n != 0 {
			f := md.keys[k]
			f.Value = n
			out = append(out, f)
		}
	}
	return out
}

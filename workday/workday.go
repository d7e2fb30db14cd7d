// Package workday is the Finnish working-day calendar of sotepe and the rule
// behind its answer promise: a contact request is answered by the close of
// service hours on the second working day after the day it came in.
//
// Working days are Monday to Friday in Europe/Helsinki, except the Finnish
// public holidays (including Midsummer Eve and Christmas Eve, which are days
// off in the sector) and the closure days an administrator adds. The
// holidays come from github.com/rickar/cal/v2/fi; their Swedish and English
// names are kept here.
//
// A Calendar is built once with New, never changes afterwards and is safe
// for concurrent use. When the closure days change, build a new Calendar and
// swap it in (for example behind an atomic.Pointer).
package workday

import (
	"cmp"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/fi"

	"sotepe"
)

// PromiseWorkingDays is the sector's promise: contact requests are answered
// within this many working days.
const PromiseWorkingDays = 2

// MaxWorkingDays is the largest number of working days Deadline accepts.
const MaxWorkingDays = 30

// Default service hours, "HH:MM" in Europe/Helsinki.
const (
	DefaultOpen  = "08:00"
	DefaultClose = "16:00"
)

// Kind says why a day is not a working day.
type Kind string

// The kinds of non-working days NonWorkingDays lists. Weekends are not
// listed (see NonWorkingDays), so they have no kind.
const (
	Holiday Kind = "holiday" // a Finnish public holiday, Midsummer Eve or Christmas Eve
	Closure Kind = "closure" // a closure day an administrator added
)

// Day is one non-working day: its date as YYYY-MM-DD, why it is off and its
// name in Finnish, Swedish and English.
type Day struct {
	Date  string       `json:"date"`
	Kind  Kind         `json:"kind"`
	Names sotepe.Names `json:"names"`
}

// ClosureDay is a day an administrator closes the services on, beyond the
// public holidays: Date is YYYY-MM-DD in Europe/Helsinki and Names says why
// in all three languages. Storing them is the store's job; New takes them
// as data.
type ClosureDay struct {
	Date  string       `json:"date"`
	Names sotepe.Names `json:"names"`
}

// Option changes a Calendar that New builds.
type Option func(*options)

type options struct {
	open, close string
	closures    []ClosureDay
}

// WithServiceHours sets the daily service hours, "HH:MM" (00:00–24:00) in
// Europe/Helsinki, open before close. Deadline falls due at close;
// WorkingHoursBetween counts the time from open to close on working days.
// The default is 08:00–16:00.
func WithServiceHours(open, close string) Option {
	return func(o *options) { o.open, o.close = open, close }
}

// WithClosures adds closure days to the calendar. Each date may appear once.
func WithClosures(days ...ClosureDay) Option {
	return func(o *options) { o.closures = append(o.closures, days...) }
}

// Calendar is the working-day calendar. Build it with New; the zero value is
// not usable. Its methods are safe for concurrent use.
type Calendar struct {
	loc       *time.Location
	openMin   int               // service hours, minutes after local midnight
	closeMin  int               // …up to 24*60
	closures  map[int][]closure // by year, in date order; read-only after New
	years     [cacheYears]atomic.Pointer[yearDays]
	openDesc  string // as given, for ServiceHours
	closeDesc string
}

type closure struct {
	yday  int // 0-based day of the year
	names sotepe.Names
}

// The years whose non-working days are cached. Years outside this range
// still work but are computed afresh on each call.
const (
	cacheFirst = 1900
	cacheYears = 500
)

// yearDays marks the non-working days of one year (weekends, holidays and
// closures), one bit per day of the year.
type yearDays struct {
	off  [6]uint64
	days int
}

func (y *yearDays) isOff(yday int) bool { return y.off[yday>>6]&(1<<(yday&63)) != 0 }
func (y *yearDays) set(yday int)        { y.off[yday>>6] |= 1 << (yday & 63) }

// New builds a Calendar in Europe/Helsinki with the default service hours
// 08:00–16:00 and no closure days, changed by opts. It returns an EInvalid
// *sotepe.Error with key "error.service_hours" for service hours that are
// not two "HH:MM" times in order, and with key "error.closure_day" for a
// closure day whose date is not YYYY-MM-DD, whose names are not given in all
// three languages or whose date is given twice. If the zone database has no
// Europe/Helsinki it returns an EInternal error: the program must import
// time/tzdata.
func New(opts ...Option) (*Calendar, error) {
	o := options{open: DefaultOpen, close: DefaultClose}
	for _, opt := range opts {
		opt(&o)
	}
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return nil, &sotepe.Error{Code: sotepe.EInternal, Message: "loading time zone Europe/Helsinki", Err: err}
	}
	c := &Calendar{loc: loc, openDesc: o.open, closeDesc: o.close}
	open, ok1 := sotepe.MinuteOfDay(o.open)
	close, ok2 := sotepe.MinuteOfDay(o.close)
	if !ok1 || !ok2 || close <= open {
		return nil, sotepe.Invalid("error.service_hours",
			fmt.Sprintf("service hours %q–%q are not two HH:MM times in order", o.open, o.close)).
			With(map[string]any{"open": o.open, "close": o.close})
	}
	c.openMin, c.closeMin = open, close

	c.closures = make(map[int][]closure)
	seen := make(map[string]bool, len(o.closures))
	for _, cd := range o.closures {
		d, err := time.Parse(time.DateOnly, cd.Date)
		if err != nil {
			return nil, closureErr(cd.Date, "is not a YYYY-MM-DD date")
		}
		if !cd.Names.Complete() {
			return nil, closureErr(cd.Date, "needs its name in Finnish, Swedish and English")
		}
		if seen[cd.Date] {
			return nil, closureErr(cd.Date, "is given twice")
		}
		seen[cd.Date] = true
		c.closures[d.Year()] = append(c.closures[d.Year()], closure{yday: d.YearDay() - 1, names: cd.Names})
	}
	for _, cs := range c.closures {
		slices.SortFunc(cs, func(a, b closure) int { return cmp.Compare(a.yday, b.yday) })
	}
	return c, nil
}

func closureErr(date, why string) error {
	return sotepe.Invalid("error.closure_day", fmt.Sprintf("closure day %q %s", date, why)).
		With(map[string]any{"date": date})
}

// Location returns the calendar's time zone, Europe/Helsinki.
func (c *Calendar) Location() *time.Location { return c.loc }

// ServiceHours returns the daily service hours as "HH:MM".
func (c *Calendar) ServiceHours() (open, close string) { return c.openDesc, c.closeDesc }

// year returns the non-working days of a year, computing them the first
// time. Racing goroutines may compute the same year twice; both results are
// equal and the first one stored wins, so reads never take a lock.
func (c *Calendar) year(y int) *yearDays {
	i := y - cacheFirst
	if i < 0 || i >= cacheYears {
		return c.buildYear(y)
	}
	if yd := c.years[i].Load(); yd != nil {
		return yd
	}
	yd := c.buildYear(y)
	if c.years[i].CompareAndSwap(nil, yd) {
		return yd
	}
	return c.years[i].Load()
}

func (c *Calendar) buildYear(y int) *yearDays {
	yd := &yearDays{days: time.Date(y, time.December, 31, 12, 0, 0, 0, time.UTC).YearDay()}
	wd := time.Date(y, time.January, 1, 12, 0, 0, 0, time.UTC).Weekday()
	for i := 0; i < yd.days; i++ {
		if wd == time.Saturday || wd == time.Sunday {
			yd.set(i)
		}
		wd = (wd + 1) % 7
	}
	for _, h := range fi.Holidays {
		if i, ok := holidayIn(h, y); ok {
			yd.set(i)
		}
	}
	for _, cl := range c.closures[y] {
		yd.set(cl.yday)
	}
	return yd
}

// holidayIn returns the 0-based day of the year h falls on in year y, if it
// is observed that year. cal computes dates in its own default zone; only
// the calendar date is read from the result.
func holidayIn(h *cal.Holiday, y int) (int, bool) {
	actual, _ := h.Calc(y)
	if actual.IsZero() || actual.Year() != y {
		return 0, false
	}
	return actual.YearDay() - 1, true
}

// at returns the instant minute min (0–1440) of local day yday (0-based,
// may run past the year's end) of year y.
func (c *Calendar) at(y, yday, min int) time.Time {
	return time.Date(y, time.January, yday+1, min/60, min%60, 0, 0, c.loc)
}

// IsWorkingDay reports whether the day in Europe/Helsinki that contains the
// instant t is a working day. A date parsed with time.Parse(time.DateOnly, …)
// is midnight UTC, which is the same date in Helsinki.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	t = t.In(c.loc)
	return !c.year(t.Year()).isOff(t.YearDay() - 1)
}

// Deadline returns the instant in Europe/Helsinki by which a request
// received at the instant received must be answered: the close of service
// hours on the n-th working day after the day of receipt. The day of receipt
// never counts, whatever kind of day it is and whatever the hour. With n = 0
// the deadline is the close of the day of receipt when that is a working day
// and the request came before the close, and otherwise the close of the next
// working day. PromiseWorkingDays is the usual n.
//
// It returns an EInvalid *sotepe.Error with key "error.working_days" (Args
// "min" and "max") when n is below 0 or above MaxWorkingDays, and with key
// "error.received" when received is the zero time.
func (c *Calendar) Deadline(received time.Time, n int) (time.Time, error) {
	if n < 0 || n > MaxWorkingDays {
		return time.Time{}, sotepe.Invalid("error.working_days",
			fmt.Sprintf("working days %d is not between 0 and %d", n, MaxWorkingDays)).
			With(map[string]any{"min": 0, "max": MaxWorkingDays})
	}
	if received.IsZero() {
		return time.Time{}, sotepe.Invalid("error.received", "the time of receipt is missing")
	}
	t := received.In(c.loc)
	y, yday := t.Year(), t.YearDay()-1
	days := c.year(y)
	if n == 0 {
		if !days.isOff(yday) {
			if due := c.at(y, yday, c.closeMin); received.Before(due) {
				return due, nil
			}
		}
		n = 1
	}
	for n > 0 {
		yday++
		if yday >= days.days {
			y, yday = y+1, 0
			days = c.year(y)
		}
		if !days.isOff(yday) {
			n--
		}
	}
	return c.at(y, yday, c.closeMin), nil
}

// WorkingHoursBetween returns the service-hours time on working days
// between the instants from and to, such as the time a request waited for
// its first answer. Only time inside service hours on working days counts;
// across a change to or from summer time it is the real elapsed time. When
// to is not after from it returns 0, never a negative duration. The cost
// grows with the number of calendar days between the two instants.
func (c *Calendar) WorkingHoursBetween(from, to time.Time) time.Duration {
	if !from.Before(to) {
		return 0
	}
	f := from.In(c.loc)
	y, yday := f.Year(), f.YearDay()-1
	days := c.year(y)
	var total time.Duration
	for {
		if !days.isOff(yday) {
			open := c.at(y, yday, c.openMin)
			if !open.Before(to) {
				break
			}
			close := c.at(y, yday, c.closeMin)
			start, end := open, close
			if from.After(start) {
				start = from
			}
			if to.Before(end) {
				end = to
			}
			if end.After(start) {
				total += end.Sub(start)
			}
		} else if !c.at(y, yday, 0).Before(to) {
			break
		}
		yday++
		if yday >= days.days {
			y, yday = y+1, 0
			days = c.year(y)
		}
	}
	return total
}

// NonWorkingDays lists the public holidays and closure days of year in date
// order, one entry per date, each with its names in Finnish, Swedish and
// English. Holidays on a weekend (Easter Sunday, Midsummer Day, All Saints'
// Day, and others in some years) are listed; plain Saturdays and Sundays
// are not, because every calendar view marks them from the date alone and
// they have no name to show. When two holidays fall on one date (May Day
// and Ascension Day in 2008) their names are joined with ", "; a closure day
// on a holiday is not listed, as the holiday already closes the day.
func (c *Calendar) NonWorkingDays(year int) []Day {
	type entry struct {
		yday  int
		kind  Kind
		names sotepe.Names
	}
	var es []entry
	for _, h := range fi.Holidays {
		i, ok := holidayIn(h, year)
		if !ok {
			continue
		}
		names := holidayNames(h)
		if j := slices.IndexFunc(es, func(e entry) bool { return e.yday == i }); j >= 0 {
			es[j].names = sotepe.Names{
				Fi: es[j].names.Fi + ", " + names.Fi,
				Sv: es[j].names.Sv + ", " + names.Sv,
				En: es[j].names.En + ", " + names.En,
			}
			continue
		}
		es = append(es, entry{i, Holiday, names})
	}
	for _, cl := range c.closures[year] {
		if !slices.ContainsFunc(es, func(e entry) bool { return e.yday == cl.yday }) {
			es = append(es, entry{cl.yday, Closure, cl.names})
		}
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.yday, b.yday) })
	out := make([]Day, len(es))
	for i, e := range es {
		out[i] = Day{
			Date:  time.Date(year, time.January, e.yday+1, 12, 0, 0, 0, time.UTC).Format(time.DateOnly),
			Kind:  e.kind,
			Names: e.names,
		}
	}
	return out
}

// holidayNames returns the names of one of fi.Holidays in the three
// languages. A holiday a later version of cal adds has only its Finnish name
// until it is added here; a test of Names.Complete guards against that.
func holidayNames(h *cal.Holiday) sotepe.Names {
	switch h {
	case fi.Uudenvuodenpaiva:
		return sotepe.Names{Fi: "Uudenvuodenpäivä", Sv: "Nyårsdagen", En: "New Year's Day"}
	case fi.Loppiainen:
		return sotepe.Names{Fi: "Loppiainen", Sv: "Trettondagen", En: "Epiphany"}
	case fi.Pitkaperjantai:
		return sotepe.Names{Fi: "Pitkäperjantai", Sv: "Långfredagen", En: "Good Friday"}
	case fi.Paasiaispaiva:
		return sotepe.Names{Fi: "Pääsiäispäivä", Sv: "Påskdagen", En: "Easter Sunday"}
	case fi.ToinenPaasiaispaiva:
		return sotepe.Names{Fi: "Toinen pääsiäispäivä", Sv: "Annandag påsk", En: "Easter Monday"}
	case fi.Vappu:
		return sotepe.Names{Fi: "Vappu", Sv: "Första maj", En: "May Day"}
	case fi.Helatorstai:
		return sotepe.Names{Fi: "Helatorstai", Sv: "Kristi himmelsfärdsdag", En: "Ascension Day"}
	case fi.Helluntaipaiva:
		return sotepe.Names{Fi: "Helluntaipäivä", Sv: "Pingstdagen", En: "Whit Sunday"}
	case fi.Juhannusaatto:
		return sotepe.Names{Fi: "Juhannusaatto", Sv: "Midsommarafton", En: "Midsummer Eve"}
	case fi.Juhannuspaiva:
		return sotepe.Names{Fi: "Juhannuspäivä", Sv: "Midsommardagen", En: "Midsummer Day"}
	case fi.Pyhainpaiva:
		return sotepe.Names{Fi: "Pyhäinpäivä", Sv: "Alla helgons dag", En: "All Saints' Day"}
	case fi.Itsenaisyyspaiva:
		return sotepe.Names{Fi: "Itsenäisyyspäivä", Sv: "Självständighetsdagen", En: "Independence Day"}
	case fi.Jouluaatto:
		return sotepe.Names{Fi: "Jouluaatto", Sv: "Julafton", En: "Christmas Eve"}
	case fi.Joulupaiva:
		return sotepe.Names{Fi: "Joulupäivä", Sv: "Juldagen", En: "Christmas Day"}
	case fi.Tapaninpaiva:
		return sotepe.Names{Fi: "Tapaninpäivä", Sv: "Annandag jul", En: "Boxing Day"}
	}
	return sotepe.Names{Fi: h.Name}
}

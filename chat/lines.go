package chat

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"sotepe"
	"sotepe/workday"
)

// historyWindow is how far back the queue estimate looks for handled
// chats, and for chats still waiting.
const historyWindow = 7 * 24 * time.Hour

// defaultHandling is the estimate per place in the queue of a line
// without handled chats in historyWindow.
const defaultHandling = 5 * time.Minute

// lineState is a line as it stands, with what the queue estimate needs.
type lineState struct {
	sotepe.ChatLineStatus
	// present is how many professionals of its units are available (one
	// working in two of its units counts twice).
	present int
	// handling is the median time from taking to the end of the line's
	// chats handled in historyWindow; 0 when there are none.
	handling time.Duration
}

// estimate returns the wait of place position in a queue: the places
// ahead and this one, each taking the line's median handling time, shared
// among the professionals present (at least one).
func estimate(position int, handling time.Duration, present int) time.Duration {
	if position <= 0 {
		return 0
	}
	if handling <= 0 {
		handling = defaultHandling
	}
	return time.Duration(position) * handling / time.Duration(max(present, 1))
}

// hoursOpen reports whether line l is in its hours at t (read in the city's
// time zone): a line open around the clock always is; otherwise its hours
// must say open and the day must not be a closure day — a public holiday or
// an administrator's closure day that falls on a weekday — unless the
// line's hours name that very date as an exception, which wins.
func hoursOpen(h sotepe.OpeningHours, t time.Time, cal *workday.Calendar) bool {
	if h.AlwaysOpen {
		return true
	}
	if !h.OpenAt(t) {
		return false
	}
	date := t.Format(time.DateOnly)
	for _, e := range h.Exceptions {
		if e.Date == date {
			return true
		}
	}
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday || cal == nil {
		return true
	}
	return cal.IsWorkingDay(t)
}

// lineStates computes every line's status at now from the professionals
// present per unit and the chats of historyWindow.
func lineStates(lines []sotepe.ChatLine, now time.Time, cal *workday.Calendar, present map[string]int, times []sotepe.ChatTime) []lineState {
	waiting := map[string]int{}
	handled := map[string][]int32{}
	for _, t := range times {
		switch {
		case t.Status == sotepe.ChatWaiting:
			waiting[t.Line]++
		case !t.TakenAt.IsZero() && !t.EndedAt.IsZero() && !t.EndedAt.Before(t.TakenAt):
			handled[t.Line] = append(handled[t.Line], int32(min(t.EndedAt.Sub(t.TakenAt)/time.Second, 1<<31-1)))
		}
	}
	out := make([]lineState, len(lines))
	for i, l := range lines {
		st := lineState{ChatLineStatus: sotepe.ChatLineStatus{ChatLine: l, Waiting: waiting[l.ID]}}
		for _, unit := range l.Units {
			st.present += present[unit]
		}
		if v := handled[l.ID]; len(v) > 0 {
			st.handling = time.Duration(sotepe.Percentile(v, 0.5) * float64(time.Second))
		}
		switch {
		case !hoursOpen(l.Hours, now, cal):
			st.Closed = sotepe.ChatClosedHours
		case st.present == 0:
			st.Closed = sotepe.ChatClosedUnstaffed
		default:
			st.Open = true
		}
		out[i] = st
	}
	return out
}

// loadStatus reads what the lines' status needs and computes it.
func (s *Service) loadStatus(ctx context.Context) ([]lineState, error) {
	lines, err := s.lines.get(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	present, err := s.store.ChatStaffPresent(ctx, now.Add(-sotepe.ChatPresenceWindow))
	if err != nil {
		return nil, err
	}
	// The end lies ahead so that a chat another process stamped a moment
	// later by its own clock still counts.
	times, err := s.store.ChatTimes(ctx, now.Add(-historyWindow), now.Add(time.Hour), nil)
	if err != nil {
		return nil, err
	}
	var cal *workday.Calendar
	if s.calendar != nil {
		cal = s.calendar.Get()
	}
	return lineStates(lines, now.In(s.loc), cal, present, times), nil
}

// state returns the status of line id, and whether it exists.
func (s *Service) state(ctx context.Context, id string) (lineState, bool, error) {
	states, err := s.status.get(ctx)
	if err != nil {
		return lineState{}, false, err
	}
	for _, st := range states {
		if st.ID == id {
			return st, true, nil
		}
	}
	return lineState{}, false, nil
}

// Lines returns every line, ordered by id, with whether it is open now and
// how many chats wait in its queue. Anyone may ask. The answer may be a few
// seconds old when other processes changed it.
func (s *Service) Lines(ctx context.Context) ([]sotepe.ChatLineStatus, error) {
	states, err := s.status.get(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]sotepe.ChatLineStatus, len(states))
	for i, st := range states {
		out[i] = st.ChatLineStatus
	}
	return out, nil
}

// withWait sets c's estimated wait from its place and its line's status.
func (s *Service) withWait(ctx context.Context, c sotepe.Chat) sotepe.Chat {
	if c.Status != sotepe.ChatWaiting || c.Position == 0 {
		return c
	}
	st, ok, err := s.state(ctx, c.Line)
	if err != nil || !ok {
		// The estimate is a courtesy: without it the chat still shows.
		c.EstimatedWait = estimate(c.Position, 0, 1)
		return c
	}
	c.EstimatedWait = estimate(c.Position, st.handling, st.present)
	return c
}

// cache holds a value loaded at most once per ttl (by the service's clock),
// concurrent misses sharing one load. invalidate makes the next get load
// afresh.
type cache[T any] struct {
	ttl  time.Duration
	now  func() time.Time
	load func(context.Context) (T, error)
	sf   singleflight.Group

	mu  sync.Mutex
	val T
	at  time.Time
	ok  bool
	gen uint64
}

func newCache[T any](ttl time.Duration, now func() time.Time, load func(context.Context) (T, error)) *cache[T] {
	return &cache[T]{ttl: ttl, now: now, load: load}
}

func (c *cache[T]) get(ctx context.Context) (T, error) {
	now := c.now()
	c.mu.Lock()
	if c.ok && now.Sub(c.at) < c.ttl && !now.Before(c.at) {
		v := c.val
		c.mu.Unlock()
		return v, nil
	}
	gen := c.gen
	c.mu.Unlock()
	v, err, _ := c.sf.Do("", func() (any, error) {
		// Callers share the load, so one caller's cancellation must not
		// fail the others.
		v, err := c.load(context.WithoutCancel(ctx))
		if err == nil {
			c.mu.Lock()
			if c.gen == gen {
				c.val, c.at, c.ok = v, now, true
			}
			c.mu.Unlock()
		}
		return v, err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

func (c *cache[T]) invalidate() {
	c.mu.Lock()
	c.ok = false
	c.gen++
	c.mu.Unlock()
	// A load under way may have begun before the change; the next get
	// must not join it.
	c.sf.Forget("")
}

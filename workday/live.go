package workday

import (
	"context"
	"sync/atomic"

	"sotepe"
)

// Live holds the calendar in force. A Calendar never changes, so when an
// administrator adds or removes a closure day, Reload builds a new one from
// the stored closure days and swaps it in; readers always see a whole
// calendar. A Live is safe for concurrent use.
type Live struct {
	p    atomic.Pointer[Calendar]
	opts []Option
}

// NewLive builds the calendar from the closure days in src with opts (service
// hours) and returns a Live holding it. A stored closure day that does not
// validate is the error.
func NewLive(ctx context.Context, src sotepe.Closures, opts ...Option) (*Live, error) {
	l := &Live{opts: opts}
	if err := l.Reload(ctx, src); err != nil {
		return nil, err
	}
	return l, nil
}

// Get returns the calendar in force.
func (l *Live) Get() *Calendar { return l.p.Load() }

// Reload rebuilds the calendar from the closure days in src and swaps it in;
// on failure the calendar in force stays.
func (l *Live) Reload(ctx context.Context, src sotepe.Closures) error {
	days, err := src.ClosureDays(ctx)
	if err != nil {
		return err
	}
	closures := make([]ClosureDay, len(days))
	for i, d := range days {
		closures[i] = ClosureDay{Date: d.Date, Names: d.Names}
	}
	c, err := New(append(append([]Option(nil), l.opts...), WithClosures(closures...))...)
	if err != nil {
		return err
	}
	l.p.Store(c)
	return nil
}

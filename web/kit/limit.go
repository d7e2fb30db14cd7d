package kit

import (
	"sync"
	"time"
)

// maxLimitKeys bounds the keys one WindowLimit holds: past it, the keys
// whose window has passed are dropped first.
const maxLimitKeys = 100_000

// WindowLimit allows each key (a client address from ClientAddr, which
// honours --trusted-proxies like the sign-in throttle) at most max uses per
// window, for the forms anyone may post without signing in. Its state lives
// in this process: these limits only blunt floods, and a per-process count
// still bounds them.
type WindowLimit struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	keys   map[string]*usage
}

type usage struct {
	start time.Time
	count int
}

// NewWindowLimit allows max uses a key per window, by the clock now.
func NewWindowLimit(max int, window time.Duration, now func() time.Time) *WindowLimit {
	return &WindowLimit{max: max, window: window, now: now, keys: map[string]*usage{}}
}

// Take uses one of key's allowance and returns 0, or returns how long until
// the key may try again without using anything.
func (l *WindowLimit) Take(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.keys) > maxLimitKeys {
		for k, u := range l.keys {
			if now.Sub(u.start) >= l.window {
				delete(l.keys, k)
			}
		}
	}
	u, ok := l.keys[key]
	if !ok || now.Sub(u.start) >= l.window {
		l.keys[key] = &usage{start: now, count: 1}
		return 0
	}
	if u.count >= l.max {
		return u.start.Add(l.window).Sub(now)
	}
	u.count++
	return 0
}

// Give hands back one use that Take counted against key, for a submission
// refused as invalid: a person correcting a form is not flooding it, and
// only accepted submissions count against the limit.
func (l *WindowLimit) Give(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if u := l.keys[key]; u != nil && u.count > 0 {
		u.count--
	}
}

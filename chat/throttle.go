package chat

import (
	"sync"
	"time"
)

// throttle lets a thing happen at most once per interval per key: typing
// signals, presence writes, "the resident saw the chat" writes. It lives
// in memory; a second process keeps its own, which at worst doubles the
// rate. It forgets keys idle for long, so it does not grow without bound.
type throttle[K comparable] struct {
	every  time.Duration
	mu     sync.Mutex
	last   map[K]time.Time
	pruned time.Time
}

func newThrottle[K comparable](every time.Duration) *throttle[K] {
	return &throttle[K]{every: every, last: map[K]time.Time{}}
}

// pruneAt is the size past which allow drops keys idle for an interval,
// at most once an interval.
const pruneAt = 4096

// allow reports whether key may act at now, and if so records it. A clock
// that went back allows at once.
func (t *throttle[K]) allow(key K, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if last, ok := t.last[key]; ok && now.Sub(last) < t.every && !now.Before(last) {
		return false
	}
	if len(t.last) >= pruneAt && now.Sub(t.pruned) >= t.every {
		t.pruned = now
		for k, at := range t.last {
			if now.Sub(at) >= t.every {
				delete(t.last, k)
			}
		}
	}
	t.last[key] = now
	return true
}

// since returns when key last acted, and whether it has.
func (t *throttle[K]) since(key K) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.last[key]
	return at, ok
}

// forget drops key, so that it may act again at once.
func (t *throttle[K]) forget(key K) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.last, key)
}

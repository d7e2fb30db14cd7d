package web

import (
	"sync"
	"time"
)

// throttle slows repeated failed logins. Each key (an account or an address)
// may fail freeAttempts times; after that each further try must wait twice
// as long as the one before, up to maxWait. A success clears the account
// key. State lives in this process: behind several processes each keeps its
// own count, which still bounds guessing per process.
type throttle struct {
	mu   sync.Mutex
	now  func() time.Time
	keys map[string]*attempts
}

type attempts struct {
	failures int
	last     time.Time
}

const (
	freeAttempts    = 5
	maxWait         = 15 * time.Minute
	forgetAfter     = time.Hour
	maxThrottleKeys = 100_000 // keys kept before old ones are swept
)

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, keys: map[string]*attempts{}}
}

// wait returns how long the caller must still wait before trying any of keys.
func (t *throttle) wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var longest time.Duration
	for _, k := range keys {
		a, ok := t.keys[k]
		if !ok || a.failures < freeAttempts {
			continue
		}
		delay := time.Second << min(a.failures-freeAttempts, 20)
		if delay > maxWait {
			delay = maxWait
		}
		if left := a.last.Add(delay).Sub(now); left > longest {
			longest = left
		}
	}
	return longest
}

// fail counts a failed attempt against every key.
func (t *throttle) fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.keys) > maxThrottleKeys {
		for k, a := range t.keys {
			if now.Sub(a.last) > forgetAfter {
				delete(t.keys, k)
			}
		}
	}
	for _, k := range keys {
		a, ok := t.keys[k]
		if !ok || now.Sub(a.last) > forgetAfter {
			a = &attempts{}
			t.keys[k] = a
		}
		a.failures++
		a.last = now
	}
}

// succeed clears the account key after a successful login; the address key
// stays, so one address cannot reset its count by signing in to its own account.
func (t *throttle) succeed(account, _ string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, account)
}

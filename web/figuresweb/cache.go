package figuresweb

import (
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// keepCache keeps a value per key for ttl, computed by the caller's build
// on a miss; concurrent misses of one key wait for one build (singleflight),
// and a failed build is not kept. At most max keys are held: when full it
// starts over.
type keepCache[K comparable, V any] struct {
	mu  sync.Mutex
	ttl time.Duration
	max int
	now func() time.Time
	m   map[K]keptValue[V]
	// builds runs one build per key at a time.
	builds singleflight.Group
}

type keptValue[V any] struct {
	v  V
	at time.Time // when its build started
}

func newKeepCache[K comparable, V any](ttl time.Duration, max int, now func() time.Time) *keepCache[K, V] {
	return &keepCache[K, V]{ttl: ttl, max: max, now: now, m: map[K]keptValue[V]{}}
}

// get returns the value of key, building it when there is none younger
// than ttl; build's error comes back to every caller that waited for it.
func (c *keepCache[K, V]) get(key K, build func() (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && c.now().Sub(e.at) < c.ttl {
		return e.v, nil
	}
	// %#v tells keys apart unambiguously (a [2]string's halves included).
	v, err, _ := c.builds.Do(fmt.Sprintf("%#v", key), func() (any, error) {
		at := c.now()
		v, err := build()
		if err != nil {
			return v, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if len(c.m) >= c.max {
			clear(c.m)
		}
		c.m[key] = keptValue[V]{v: v, at: at}
		return v, nil
	})
	out, _ := v.(V)
	return out, err
}

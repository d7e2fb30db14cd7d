package figuresweb

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestKeepCacheBuildsOncePerKey: concurrent misses of one key wait for one
// build and all get its value; a failed build is not kept; a value older
// than the TTL is built again; keys that print alike stay apart.
func TestKeepCacheBuildsOncePerKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newKeepCache[[2]string, int](time.Minute, 10, time.Now)
		var builds atomic.Int32
		release := make(chan struct{})
		build := func() (int, error) {
			builds.Add(1)
			<-release
			return 42, nil
		}
		key := [2]string{"a b", "c"}
		var wg sync.WaitGroup
		got := make([]int, 10)
		wg.Go(func() { got[0], _ = c.get(key, build) })
		synctest.Wait() // the first is building
		for i := 1; i < len(got); i++ {
			wg.Go(func() { got[i], _ = c.get(key, build) })
		}
		synctest.Wait() // the others wait for it
		close(release)
		wg.Wait()
		if n := builds.Load(); n != 1 {
			t.Fatalf("%d builds for 10 concurrent misses, want 1", n)
		}
		for i, v := range got {
			if v != 42 {
				t.Fatalf("caller %d got %d", i, v)
			}
		}
		// Kept: no build within the TTL.
		if v, err := c.get(key, func() (int, error) { return 0, errors.New("built again") }); v != 42 || err != nil {
			t.Fatalf("within the TTL: %d, %v", v, err)
		}
		// A key that prints like the first with %v is another key.
		if v, _ := c.get([2]string{"a", "b c"}, func() (int, error) { return 7, nil }); v != 7 {
			t.Fatalf("another key answered %d", v)
		}
		// After the TTL it is built again, and a failure is not kept.
		time.Sleep(time.Minute)
		if _, err := c.get(key, func() (int, error) { return 0, errors.New("down") }); err == nil {
			t.Fatal("a failed build returned no error")
		}
		if v, err := c.get(key, func() (int, error) { return 43, nil }); v != 43 || err != nil {
			t.Fatalf("after a failed build: %d, %v", v, err)
		}
	})
}

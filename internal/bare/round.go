package bare

import (
	"sync"
	"sync/atomic"
	"time"
)

// Round calls do n times in all from clients goroutines at once, each call
// as soon as the goroutine's last one returned, and returns how long each
// call took, in the order they ended. A goroutine whose call fails stops;
// the first error comes back with the durations of the calls that
// succeeded. Benchmarks drive a baseline and sotepe's path alike with it.
func Round(n, clients int, do func() error) ([]time.Duration, error) {
	var left atomic.Int64
	left.Store(int64(n))
	var mu sync.Mutex
	took := make([]time.Duration, 0, n)
	var first error
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				start := time.Now()
				err := do()
				d := time.Since(start)
				mu.Lock()
				if err != nil {
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
				took = append(took, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return took, first
}

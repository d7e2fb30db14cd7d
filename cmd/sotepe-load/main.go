// Command sotepe-load sends HTTP requests at a constant rate (an open model:
// requests start on schedule whether or not earlier ones have finished, as
// real residents arrive) and reports latency percentiles. Closed-loop tools
// such as wrk measure how fast the server drains a fixed number of
// connections; this measures what a request sees at a given arrival rate.
// It sends only to the address it is given; use it on loopback.
//
//	sotepe-load -url http://127.0.0.1:8080/api/v1/units?q=kallio -rate 500 -duration 30s
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, ", ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	var (
		url      = flag.String("url", "", "the URL to send to")
		method   = flag.String("method", "GET", "HTTP method")
		body     = flag.String("body", "", "request body")
		rate     = flag.Int("rate", 100, "requests per second")
		duration = flag.Duration("duration", 10*time.Second, "how long to send")
		inflight = flag.Int("max-inflight", 1000, "the most requests in flight before the run is cut short")
		hs       headers
	)
	flag.Var(&hs, "header", `a header "Name: value" (repeatable)`)
	flag.Parse()
	if *url == "" || *rate <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *inflight, MaxConnsPerHost: *inflight}}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		statuses  = map[int]int{}
		failures  int
		wg        sync.WaitGroup
		sem       = make(chan struct{}, *inflight)
	)
	interval := time.Second / time.Duration(*rate)
	start := time.Now()
	total := int(duration.Seconds() * float64(*rate))
	cut := false
	for i := 0; i < total; i++ {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		select {
		case sem <- struct{}{}:
		default:
			cut = true
		}
		if cut {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			req, _ := http.NewRequest(*method, *url, bytes.NewReader([]byte(*body)))
			for _, h := range hs {
				k, v, _ := strings.Cut(h, ":")
				req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
			}
			t0 := time.Now()
			res, err := client.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures++
				return
			}
			statuses[res.StatusCode]++
			latencies = append(latencies, d)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]
	}
	fmt.Printf("sent %d in %s (%.0f/s), failures %d, statuses %v\n", len(latencies)+failures, elapsed.Round(time.Millisecond),
		float64(len(latencies)+failures)/elapsed.Seconds(), failures, statuses)
	fmt.Printf("p50 %s  p90 %s  p99 %s  max %s\n", pct(.50).Round(10*time.Microsecond), pct(.90).Round(10*time.Microsecond),
		pct(.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond))
	if cut {
		fmt.Println("cut short: more than -max-inflight requests were waiting; the server cannot keep up with this rate")
		os.Exit(1)
	}
}

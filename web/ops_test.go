package web_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestOperationsEndpoints(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		if r := c.get("/healthz"); r.status != 200 {
			t.Errorf("healthz %d", r.status)
		}
		if r := c.get("/readyz"); r.status != 200 {
			t.Errorf("readyz %d", r.status)
		}
		c.get("/api/v1/units?limit=1")
		r := c.get("/metrics")
		if r.status != 200 || !strings.Contains(r.body, `sotepe_http_requests_total{method="GET",route="GET /api/v1/units",status="200"}`) {
			t.Errorf("metrics lack the units route: %d", r.status)
		}
		if strings.Contains(r.body, "/api/v1/units/") {
			t.Errorf("metrics carry raw paths")
		}
		if h := c.get("/").header; h.Get("Content-Security-Policy") == "" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Request-Id") == "" {
			t.Errorf("security headers missing: %v", h)
		}
		e.store.Close()
		wantStatus(t, c.get("/readyz"), 503, "readyz with the database closed")
	})
}

// TestOpenAPICoversEveryRoute keeps the OpenAPI document true: every /api/v1
// route in routes.go is described, and nothing described is missing.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	r := e.client().get("/api/v1/openapi.json")
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	r.json(t, &doc)
	routes := regexp.MustCompile(`"(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^"]*)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 10 {
		t.Fatalf("found %d API routes in routes.go", len(routes))
	}
	inRoutes := map[string]bool{}
	for _, m := range routes {
		method, path := strings.ToLower(m[1]), m[2]
		inRoutes[method+" "+path] = true
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("%s %s is not in the OpenAPI document", m[1], path)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !inRoutes[method+" "+path] {
				t.Errorf("the OpenAPI document describes %s %s, which has no route", method, path)
			}
		}
	}
}

func TestDirectoryReadsAreCachedBriefly(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		first := c.get("/api/v1/units?q=kallio")
		second := c.get("/api/v1/units?q=kallio")
		if first.header.Get("X-Cache") != "miss" || second.header.Get("X-Cache") != "hit" || first.body != second.body {
			t.Fatalf("cache: first %q, second %q, same body %v", first.header.Get("X-Cache"), second.header.Get("X-Cache"), first.body == second.body)
		}
		if r := c.get("/api/v1/units?q=kallio&lang=sv"); r.header.Get("X-Cache") != "miss" {
			t.Errorf("another language shares the cache entry")
		}
		if r := c.get("/api/v1/units?limit=abc"); r.status != 400 || r.header.Get("X-Cache") != "" {
			t.Errorf("an error was cached or not returned: %d %q", r.status, r.header.Get("X-Cache"))
		}
		e.clock.Add(11 * time.Second)
		if r := c.get("/api/v1/units?q=kallio"); r.header.Get("X-Cache") != "miss" {
			t.Errorf("an entry outlived its 10 seconds")
		}
	})
}

func TestCachedDirectoryReadsAreGzippedWhenAccepted(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		plain := c.get("/api/v1/units?q=kallio", "Accept-Encoding", "identity")
		if plain.header.Get("Content-Encoding") != "" || !strings.HasPrefix(plain.body, `{"items":[`) {
			t.Fatalf("identity answer: %q %.20q", plain.header.Get("Content-Encoding"), plain.body)
		}
		for _, tc := range []struct {
			accept string
			gzip   bool
		}{{"gzip, deflate, br", true}, {"br;q=1.0, gzip;q=0.8", true}, {"gzip;q=0", false}, {"deflate", false}} {
			r := c.get("/api/v1/units?q=kallio", "Accept-Encoding", tc.accept)
			if got := r.header.Get("Content-Encoding") == "gzip"; got != tc.gzip {
				t.Errorf("Accept-Encoding %q: gzip %v, want %v", tc.accept, got, tc.gzip)
				continue
			}
			body := r.body
			if tc.gzip {
				zr, err := gzip.NewReader(strings.NewReader(r.body))
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				body = string(b)
				if len(r.body) >= len(body) {
					t.Errorf("gzip did not shrink the answer: %d vs %d bytes", len(r.body), len(body))
				}
			}
			if body != plain.body {
				t.Errorf("Accept-Encoding %q: a different answer", tc.accept)
			}
		}
	})
}

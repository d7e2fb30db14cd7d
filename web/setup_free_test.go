package web_test

import (
	"runtime"
	"testing"
	"weak"

	"sotepe/store"
	"sotepe/web"
)

// TestAnEnvironmentIsFreedWithItsTest checks that a finished test's
// environment lets its server go, although the testing package still
// holds the test. A parallel test is held, with every cleanup it
// registered, until its parent ends, which for onEngines is the end of
// the package; while a cleanup reached the server, every web test's
// server (templates, catalog and caches, some 10 MB, several times that
// under -race) stayed in memory to the end, and the package under -race
// outgrew a 23 GB machine (7 Dec 2026). The test keeps the subtest as
// the testing package does and asks the collector whether the server is
// gone.
func TestAnEnvironmentIsFreedWithItsTest(t *testing.T) {
	var held *testing.T
	var server weak.Pointer[web.Server]
	t.Run("env", func(t *testing.T) {
		held = t
		e := newEnvOn(t, store.SQLite)
		server = weak.Make(e.web)
		if r := e.client().get("/healthz"); r.status != 200 {
			t.Fatalf("GET /healthz: %d", r.status)
		}
	})
	runtime.GC()
	if server.Value() != nil {
		t.Error("the server of a finished test is still reachable from the test's cleanups")
	}
	runtime.KeepAlive(held)
}

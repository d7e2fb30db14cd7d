package web_test

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"sotepe/web"
)

// Issue 13, hole 4: failures from one client never lock the account for
// other clients, bad usernames from one address do not block the next
// person there, a trusted proxy's X-Forwarded-For names the client, and two
// processes on one database share the counts.
func TestLoginThrottleByClient(t *testing.T) {
	secEngines(t, func(t *testing.T, dsn string) {
		e := newSecEnv(t, dsn, true, web.Config{})
		const a, b, c = "198.51.100.1:4000", "198.51.100.2:4000", "198.51.100.3:4000"
		for i := range 5 {
			if got := e.login("anna", fmt.Sprint("guess", i), a); got != 401 {
				t.Fatalf("wrong password %d from A: %d, want 401", i, got)
			}
		}
		if got := e.login("anna", "demo", a); got != 429 {
			t.Errorf("anna's right password from A after 5 failures there: %d, want 429", got)
		}
		if got := e.login("anna", "demo", b); got != 201 {
			t.Errorf("anna's right password from B, which never failed: %d, want 201", got)
		}

		// Five bad usernames from C do not stop the next person at C.
		for i := range 5 {
			if got := e.login(fmt.Sprint("nobody", i), "demo", c); got != 401 {
				t.Fatalf("unknown user %d from C: %d, want 401", i, got)
			}
		}
		if got := e.login("manager", "demo", c); got != 201 {
			t.Errorf("manager's right password from C after 5 bad usernames there: %d, want 201", got)
		}

		// Guessing across many accounts from one client slows that client.
		const d = "198.51.100.4:4000"
		for i := range 50 {
			e.login(fmt.Sprint("spray", i), "x", d)
		}
		if got := e.login("erik", "demo", d); got != 429 {
			t.Errorf("erik's right password from a client with 50 failures: %d, want 429", got)
		}
		if got := e.login("erik", "demo", b); got != 201 {
			t.Errorf("erik's right password from B meanwhile: %d, want 201", got)
		}

		// A second process on the same database sees A's failures.
		other := newSecEnv(t, dsn, false, web.Config{})
		if got := other.login("anna", "demo", a); got != 429 {
			t.Errorf("second process, anna from A: %d, want 429 (counts are shared)", got)
		}
		if got := other.login("anna", "demo", "198.51.100.9:1"); got != 201 {
			t.Errorf("second process, anna from a fresh client: %d, want 201", got)
		}

		// The wait ends.
		e.clock.Add(16 * time.Minute)
		if got := e.login("anna", "demo", a); got != 201 {
			t.Errorf("anna from A after the wait: %d, want 201", got)
		}
	})
}

func TestLoginThrottleBehindTrustedProxy(t *testing.T) {
	secEngines(t, func(t *testing.T, dsn string) {
		e := newSecEnv(t, dsn, true, web.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
		const proxy = "10.1.2.3:55000"
		xff := "X-Forwarded-For"
		for i := range 5 {
			e.login("anna", fmt.Sprint("guess", i), proxy, xff, "203.0.113.9")
		}
		if got := e.login("anna", "demo", proxy, xff, "203.0.113.9"); got != 429 {
			t.Errorf("the failing client behind the proxy: %d, want 429", got)
		}
		// What the client writes left of the proxy's entry is not believed.
		if got := e.login("anna", "demo", proxy, xff, "203.0.113.77, 203.0.113.9"); got != 429 {
			t.Errorf("the failing client with a forged X-Forwarded-For: %d, want 429", got)
		}
		// Two proxies in a row, both trusted: the client is the address the outer one saw.
		if got := e.login("anna", "demo", proxy, xff, "203.0.113.9, 10.9.9.9"); got != 429 {
			t.Errorf("the failing client through two trusted proxies: %d, want 429", got)
		}
		if got := e.login("anna", "demo", proxy, xff, "203.0.113.10"); got != 201 {
			t.Errorf("anna from another resident's address behind the same proxy: %d, want 201", got)
		}

		// From a peer that is no trusted proxy, X-Forwarded-For is ignored:
		// changing it does not escape the count.
		const direct = "198.51.100.50:1"
		for i := range 5 {
			e.login("erik", "x", direct, xff, fmt.Sprint("203.0.113.", 100+i))
		}
		if got := e.login("erik", "demo", direct, xff, "203.0.113.200"); got != 429 {
			t.Errorf("untrusted peer varying X-Forwarded-For: %d, want 429", got)
		}
	})
}

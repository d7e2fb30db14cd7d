package web_test

import (
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The access matrix: every route of routes.go × every kind of caller, with
// the status each must get and a check that no body of anna's objects
// reaches anyone who may not see them. It runs on both engines.
//
// anna (the owner) has a contact request, an appointment, an assessment
// session, a handed-over assessment, a waiting-list entry and feedback at
// the Kallio health station; nurse is a professional of Kallio; the test
// adds a professional and a manager of the Töölö health station.

// actor is one kind of caller in the matrix.
type actor int

const (
	anon           actor = iota // not signed in
	owner                       // anna, the resident who owns the objects
	other                       // erik, another resident
	pro                         // nurse, a professional of the owning unit (Kallio)
	proOther                    // a professional of another unit (Töölö)
	mgrOther                    // a manager of another unit (Töölö)
	analyst                     // the sector analyst
	admin                       // the administrator
	contractMgr                 // the contract manager of purchased services (contracts)
	rescueOfficer               // the rescue officer (rescue)
	hrOfficer                   // HR (hr)
	financeOfficer              // finance (finance)
	nActors
)

var actorNames = [nActors]string{"anon", "owner", "other", "pro", "proOther", "mgrOther", "analyst", "admin",
	"contracts", "rescue", "personnel", "finance"}

// login is the expected "redirect to the login page" of a page that needs
// signing in; any other 3xx is written as its status.
const login = 1

// refused is the expectation of a cell whose fix may choose how to say no
// (403, 404, 409, or a form shown again with 400): any 4xx but 401 and
// 429. The leak check still applies.
const refused = 2

// matches tells whether status got meets the expectation w.
func matches(got, w int) bool {
	if w == refused {
		return got >= 400 && got < 500 && got != 401 && got != 429
	}
	return got == w
}

func wantText(w int) string {
	switch w {
	case login:
		return "a redirect to the login page"
	case refused:
		return "a refusal (4xx but 401 and 429)"
	}
	return strconv.Itoa(w)
}

// want lists the expected status per actor, in the order of the actor
// constants: anon, owner, other, pro, proOther, mgrOther, analyst, admin,
// contractMgr, rescueOfficer, hrOfficer, financeOfficer.
type want [nActors]int

// everyone is the row in which every actor gets status.
func everyone(status int) want {
	var w want
	for i := range w {
		w[i] = status
	}
	return w
}

// access is one row of the matrix: one route, one request and what every
// actor gets.
type access struct {
	route string // the pattern exactly as routes.go has it
	// name tells a second row of the same route apart; it is the route
	// when empty.
	name   string
	method string
	path   string // with {placeholders} of the fixture
	body   string // JSON for /api/, a form otherwise
	want   want
	// sees lists the actors besides the owner and the owning unit's
	// professional who may see anna's data in this row's answer.
	sees []actor
	// fresh makes new objects for each cell of a row whose request changes
	// or uses them up; its values replace the shared fixture's.
	fresh func(t *testing.T, f *fixture) map[string]string
	// relogin gives each cell a client of its own, signed in afresh, for
	// requests that end the caller's session.
	relogin bool
	header  []string
}

func TestAccessMatrix(t *testing.T) {
	rows := accessRows()
	// Every route of routes.go has a row, and every row a route.
	routes := matrixRoutes(t)
	covered := map[string]bool{}
	for _, r := range rows {
		covered[r.route] = true
	}
	for _, p := range routes {
		if !covered[p] {
			t.Errorf("route %q of routes.go is missing from the access matrix", p)
		}
	}
	known := map[string]bool{}
	for _, p := range routes {
		known[p] = true
	}
	for _, r := range rows {
		if !known[r.route] {
			t.Errorf("the access matrix has a row for %q, which routes.go does not have", r.route)
		}
	}
	onEngines(t, func(t *testing.T, e *env) {
		f := newFixture(t, e)
		observe := os.Getenv("SOTEPE_MATRIX_OBSERVE") != ""
		var table strings.Builder
		for _, r := range rows {
			var got want
			for a := actor(0); a < nActors; a++ {
				vars := f.vars
				if r.fresh != nil {
					vars = merge(f.vars, r.fresh(t, f))
				}
				c := f.clients[a]
				if r.relogin {
					c = f.signIn(a)
				}
				res := f.request(c, r, vars)
				got[a] = res.status
				if res.status == http.StatusSeeOther && strings.HasPrefix(res.header.Get("Location"), "/login") {
					got[a] = login
				}
				if res.status >= 500 {
					t.Errorf("%s %s as %s: %d %.300s", r.method, r.path, actorNames[a], res.status, res.body)
				}
				if !matches(got[a], r.want[a]) && !observe {
					t.Errorf("%s %s as %s: %d, want %s (%.200s)", r.method, expand(r.path, vars), actorNames[a], got[a], wantText(r.want[a]), res.body)
				}
				if !r.seen(a) {
					sent := expand(r.body, vars)
					for _, s := range f.secrets {
						// A form that comes back with an error shows what
						// the caller typed (a phone request's identity
						// code): their own input, not a read of anna's.
						if strings.Contains(res.body, s) && !strings.Contains(sent, s) {
							t.Errorf("LEAK: %s %s as %s shows anna's %q", r.method, expand(r.path, vars), actorNames[a], s)
						}
					}
				}
			}
			if observe {
				fmt.Fprintf(&table, "%-60q %v\n", r.label(), got)
			}
		}
		if observe {
			t.Logf("observed:\n%s", table.String())
		}
	})
}

func (r access) label() string {
	if r.name != "" {
		return r.name
	}
	return r.route
}

func (r access) seen(a actor) bool {
	if a == owner || a == pro {
		return true
	}
	for _, s := range r.sees {
		if s == a {
			return true
		}
	}
	return false
}

// matrixRoutes returns the routes of routes.go in order, as openapi_test.go's
// routePatterns reads them; a count too small to be real fails the test.
func matrixRoutes(t *testing.T) []string {
	t.Helper()
	out, err := routePatterns("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("found only %d routes in routes.go", len(out))
	}
	sort.Strings(out)
	return out
}

package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotepe"
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

// fixture holds the signed-in actors and anna's objects on one engine.
type fixture struct {
	t       *testing.T
	e       *env
	clients [nActors]*client
	// vars replace {name} in the rows' paths and bodies.
	vars map[string]string
	// secrets are strings of anna's objects that only those who may see
	// them may get in a body.
	secrets []string
	n       int // a counter for unique texts
	// spare are open Kallio slots for fresh appointments.
	spare   []slotJSON
	manager *client // the manager of Kallio, who makes kiosks and questions
	// activeWait is anna's waiting-list entry, if any: one per service.
	activeWait string
}

// leaveWait takes anna off the waiting list, so that she may join again.
func (f *fixture) leaveWait() {
	f.t.Helper()
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	f.must(f.clients[owner].get("/api/v1/waitlist"), 200, "waiting list").json(f.t, &list)
	for _, it := range list.Items {
		f.clients[owner].do("DELETE", "/api/v1/waitlist/"+itoa(it.ID), "")
	}
	f.activeWait = ""
}

func merge(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

var placeholder = regexp.MustCompile(`\{[a-z0-9]+\}`)

func expand(s string, vars map[string]string) string {
	return placeholder.ReplaceAllStringFunc(s, func(p string) string {
		if v, ok := vars[p[1:len(p)-1]]; ok {
			return v
		}
		return p
	})
}

func (f *fixture) request(c *client, r access, vars map[string]string) response {
	path, body := expand(r.path, vars), expand(r.body, vars)
	var header []string
	for _, h := range r.header {
		header = append(header, expand(h, vars))
	}
	if body != "" && !strings.HasPrefix(path, "/api/") {
		header = append([]string{"Content-Type", form}, header...)
	}
	return c.do(r.method, path, body, header...)
}

var usernames = [nActors]string{"", "anna", "erik", "nurse", "toolo-nurse", "toolo-manager", "analyst", "admin",
	"contracts", "rescue", "personnel", "finance"}

func (f *fixture) signIn(a actor) *client {
	c := f.e.client()
	if a != anon {
		c.login(usernames[a])
	}
	return c
}

// must fails the test unless r has status.
func (f *fixture) must(r response, status int, what string) response {
	f.t.Helper()
	if r.status != status {
		f.t.Fatalf("fixture %s: %d %s", what, r.status, r.body)
	}
	return r
}

func (f *fixture) id(r response) string {
	f.t.Helper()
	var v struct {
		ID json.RawMessage `json:"id"`
	}
	r.json(f.t, &v)
	return strings.Trim(string(v.ID), `"`)
}

func newFixture(t *testing.T, e *env) *fixture {
	t.Helper()
	f := &fixture{t: t, e: e, vars: map[string]string{}}
	hash, err := demoHash()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []sotepe.NewUser{
		{Username: "toolo-nurse", Name: "Tea Töölö", Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{"toolo-health-station"}, Lang: sotepe.Finnish, PasswordHash: hash},
		{Username: "toolo-manager", Name: "Tom Töölö", Roles: []sotepe.Role{sotepe.RoleManager, sotepe.RoleProfessional}, Units: []string{"toolo-health-station"}, Lang: sotepe.Finnish, PasswordHash: hash},
	} {
		if _, err := e.store.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
	}
	withSlots(t, e)
	for a := actor(0); a < nActors; a++ {
		f.clients[a] = f.signIn(a)
	}
	anna, nurse, admin := f.clients[owner], f.clients[pro], f.clients[admin]
	manager := e.as("manager")
	f.manager = manager

	resident := e.ids.Residents["anna"]
	f.vars["resident"] = itoa(resident)
	res := nurse.resident(resident, "care_relationship")
	if res.PersonalID == "" {
		t.Fatal("no personal identity code for anna")
	}
	f.vars["pid"] = res.PersonalID
	secret := "Matriisisalaisuus-" + e.engine
	f.secrets = []string{secret, res.PersonalID, res.FirstName + " " + res.LastName, res.LastName + " " + res.FirstName, "anna.virtanen@example.org"}

	// A contact request of anna's at Kallio.
	f.vars["req"] = f.newRequest()
	// A phone request for anna that the Kallio nurse recorded under an
	// idempotency key.
	f.vars["phonekey"] = "matrix-phone-1"
	f.must(nurse.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","unit":"kallio-health-station","message":"Puhelu: `+secret+`","channel":"phone","resident":`+itoa(resident)+`}`,
		"Idempotency-Key", f.vars["phonekey"]), 201, "phone request")
	// An appointment of anna's at Kallio, and another open slot there.
	var slots []slotJSON
	for _, from := range []string{"", "&from=2026-12-07", "&from=2026-12-21", "&mode=video"} {
		slots = append(slots, anna.search("service=health-station-nurse&unit=kallio-health-station&limit=100"+from)...)
	}
	seen := map[int64]bool{}
	uniq := slots[:0]
	for _, s := range slots {
		if !seen[s.ID] {
			seen[s.ID] = true
			uniq = append(uniq, s)
		}
	}
	slots = uniq
	if len(slots) < 100 {
		t.Fatalf("only %d Kallio slots", len(slots))
	}
	f.vars["slots"] = "" // the slots handed out by fresh objects, in order
	f.vars["appt"] = f.book(anna, slots[0].ID)
	f.vars["slot"] = itoa(slots[1].ID)
	f.vars["slot2"] = itoa(slots[2].ID)
	f.spare = slots[3:]
	// A video visit of anna's at Kallio.
	for i, sl := range f.spare {
		if sl.Mode == "video" {
			f.vars["video"] = f.book(anna, sl.ID)
			f.spare = append(f.spare[:i:i], f.spare[i+1:]...)
			break
		}
	}
	if f.vars["video"] == "" {
		t.Fatal("no video slot at Kallio")
	}
	// anna waits for an earlier time than her appointment.
	f.vars["wait"] = f.id(f.must(anna.do("POST", "/api/v1/waitlist", `{"appointment":`+f.vars["appt"]+`}`), 201, "waitlist"))
	f.activeWait = f.vars["wait"]
	// An assessment session of anna's, and one handed over into a request.
	f.vars["sid"] = anna.startAssessment("dental-pain").ID
	f.vars["handed"] = f.handOver()
	// A kiosk and an extra question of Kallio, by its manager.
	var kiosk struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	f.must(manager.do("POST", "/api/v1/units/kallio-health-station/feedback-kiosks", ""), 201, "kiosk").json(t, &kiosk)
	f.vars["kiosk"], f.vars["ktoken"] = itoa(kiosk.ID), kiosk.Token
	f.vars["qid"] = f.newQuestion(manager)
	// anna's feedback about Kallio with a comment only she and the unit's
	// managers may read.
	f.must(anna.do("POST", "/api/v1/feedback", `{"unit":"kallio-health-station","score":9,"comment":"Palaute `+secret+`"}`), 201, "feedback")
	// A survey invitation, by the administrator.
	var inv struct {
		Tokens []string `json:"tokens"`
	}
	f.must(admin.do("POST", "/api/v1/surveys/resident-2025/invitations", `{"count":1}`), 201, "invitation").json(t, &inv)
	if len(inv.Tokens) != 1 {
		t.Fatalf("invitation tokens %v", inv.Tokens)
	}
	f.vars["invite"] = inv.Tokens[0]
	// A closure day, by the administrator.
	f.must(admin.do("POST", "/api/v1/calendar/closures", `{"date":"2026-12-28","names":{"fi":"Suljettu","sv":"Stängt","en":"Closed"}}`), 201, "closure")
	// anna's chats (chats_test.go).
	f.chatFixture()
	return f
}

// newRequest has anna write to the Kallio nurses and returns the id.
func (f *fixture) newRequest() string {
	f.t.Helper()
	f.n++
	body := fmt.Sprintf(`{"service":"health-station-nurse","unit":"kallio-health-station","message":"%s %d"}`, f.secrets[0], f.n)
	return f.id(f.must(f.clients[owner].do("POST", "/api/v1/contact-requests", body), 201, "contact request"))
}

// book has c book slot and returns the appointment's id.
func (f *fixture) book(c *client, slot int64) string {
	f.t.Helper()
	r, a := c.book(slot)
	f.must(r, 201, "booking")
	return itoa(a.ID)
}

// newAppt books a spare Kallio slot for anna.
func (f *fixture) newAppt() string {
	f.t.Helper()
	return f.book(f.clients[owner], f.takeSlot().ID)
}

// newSlot returns a spare open Kallio slot.
func (f *fixture) newSlot() string {
	f.t.Helper()
	return itoa(f.takeSlot().ID)
}

// takeSlot takes the next spare open Kallio slot.
func (f *fixture) takeSlot() slotJSON {
	f.t.Helper()
	if len(f.spare) == 0 {
		f.t.Fatal("no spare slots left")
	}
	s := f.spare[0]
	f.spare = f.spare[1:]
	return s
}

// handOver has anna run an assessment and hand it over to Kallio; it
// returns the contact request it became.
func (f *fixture) handOver() string {
	f.t.Helper()
	anna := f.clients[owner]
	s := anna.startAssessment("respiratory-infection")
	for _, a := range [][2]string{{"breathing", "false"}, {"chest", "false"}, {"fever", "39.5"}, {"duration", `"over-7-days"`},
		{"symptoms", `["cough"]`}, {"risk", "true"}, {"worse", "false"}, {"notes", `""`}} {
		anna.answer(s.ID, a[0], a[1])
	}
	r := f.must(anna.do("POST", "/api/v1/assessment-sessions/"+s.ID+"/handover", `{"unit":"kallio-health-station"}`), 201, "hand-over")
	return f.id(r)
}

// newQuestion has Kallio's manager add an extra feedback question.
func (f *fixture) newQuestion(manager *client) string {
	f.t.Helper()
	scale := `{"kind":"scale","text":{"fi":"Siisti?","sv":"Rent?","en":"Clean?"},"low":{"fi":"Ei","sv":"Nej","en":"No"},"high":{"fi":"Kyllä","sv":"Ja","en":"Yes"}}`
	const path = "/api/v1/units/kallio-health-station/feedback-questions"
	r := manager.do("POST", path, scale)
	if r.status == 409 { // three already: retire them
		var list struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		f.must(manager.get(path), 200, "questions").json(f.t, &list)
		for _, q := range list.Items {
			f.must(manager.do("DELETE", path+"/"+itoa(q.ID), ""), 204, "retire")
		}
		r = manager.do("POST", path, scale)
	}
	return f.id(f.must(r, 201, "question"))
}

func (f *fixture) newKiosk() string {
	f.t.Helper()
	return f.id(f.must(f.manager.do("POST", "/api/v1/units/kallio-health-station/feedback-kiosks", ""), 201, "kiosk"))
}

func freshRequest(t *testing.T, f *fixture) map[string]string {
	return map[string]string{"req": f.newRequest()}
}
func freshAppt(t *testing.T, f *fixture) map[string]string {
	return map[string]string{"appt": f.newAppt()}
}
func freshSlot(t *testing.T, f *fixture) map[string]string {
	return map[string]string{"slot": f.newSlot()}
}
func freshQuestion(t *testing.T, f *fixture) map[string]string {
	return map[string]string{"qid": f.newQuestion(f.manager)}
}
func freshKiosk(t *testing.T, f *fixture) map[string]string {
	return map[string]string{"kiosk": f.newKiosk()}
}
func freshSession(t *testing.T, f *fixture) map[string]string {
	return map[string]string{"sid": f.clients[owner].startAssessment("dental-pain").ID}
}
func freshWait(t *testing.T, f *fixture) map[string]string {
	f.leaveWait()
	appt := f.newAppt()
	f.activeWait = f.id(f.must(f.clients[owner].do("POST", "/api/v1/waitlist", `{"appointment":`+appt+`}`), 201, "waitlist"))
	return map[string]string{"appt": appt, "wait": f.activeWait}
}

// freshApptNoWait books a fresh appointment for anna and takes her off
// the waiting list, so that she may join it with the appointment.
func freshApptNoWait(t *testing.T, f *fixture) map[string]string {
	f.leaveWait()
	return freshAppt(t, f)
}
func freshClosure(t *testing.T, f *fixture) map[string]string {
	f.n++
	day := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC).AddDate(0, 0, f.n).Format(time.DateOnly)
	f.must(f.clients[admin].do("POST", "/api/v1/calendar/closures", `{"date":"`+day+`","names":{"fi":"Suljettu","sv":"Stängt","en":"Closed"}}`), 201, "closure")
	return map[string]string{"date": day}
}
func freshInvite(t *testing.T, f *fixture) map[string]string {
	var inv struct {
		Tokens []string `json:"tokens"`
	}
	f.must(f.clients[admin].do("POST", "/api/v1/surveys/resident-2025/invitations", `{"count":1}`), 201, "invitation").json(t, &inv)
	return map[string]string{"invite": inv.Tokens[0]}
}

// accessRows is the matrix: one row per route. Columns: anon, owner,
// other, pro, proOther, mgrOther, analyst, admin, contractMgr,
// rescueOfficer, hrOfficer, financeOfficer.
func accessRows() []access {
	const (
		req     = "/api/v1/contact-requests/{req}"
		appt    = "/api/v1/appointments/{appt}"
		session = "/api/v1/assessment-sessions/{sid}"
		kallio  = "/api/v1/units/kallio-health-station"
	)
	rows := []access{
		// Operations and the public directory: the same for everyone.
		{route: "GET /healthz", want: everyone(200), method: "GET", path: "/healthz"},
		{route: "GET /readyz", want: everyone(200), method: "GET", path: "/readyz"},
		{route: "GET /metrics", want: everyone(200), method: "GET", path: "/metrics"},
		{route: "GET /static/", want: everyone(200), method: "GET", path: "/static/style.css"},
		{route: "GET /api/v1/openapi.json", want: everyone(200), method: "GET", path: "/api/v1/openapi.json"},
		{route: "GET /{$}", want: everyone(200), method: "GET", path: "/"},
		{route: "GET /units", want: everyone(200), method: "GET", path: "/units"},
		{route: "GET /api/v1/units", want: everyone(200), method: "GET", path: "/api/v1/units"},
		{route: "GET /units/{id}", want: everyone(200), method: "GET", path: "/units/kallio-health-station"},
		{route: "GET /api/v1/units/{id}", want: everyone(200), method: "GET", path: kallio},
		{route: "GET /services", want: everyone(200), method: "GET", path: "/services"},
		{route: "GET /api/v1/services", want: everyone(200), method: "GET", path: "/api/v1/services"},
		{route: "GET /api/v1/services/{id}", want: everyone(200), method: "GET", path: "/api/v1/services/health-station-nurse"},
		{route: "GET /api/v1/areas", want: everyone(200), method: "GET", path: "/api/v1/areas"},
		{route: "GET /api/v1/concepts", want: everyone(200), method: "GET", path: "/api/v1/concepts"},
		{route: "GET /api/v1/districts", want: everyone(200), method: "GET", path: "/api/v1/districts"},
		{route: "GET /api/v1/producers", want: everyone(200), method: "GET", path: "/api/v1/producers"},

		// Signing in and the user's own data.
		{route: "GET /login", want: everyone(200), method: "GET", path: "/login"},
		{route: "POST /login", want: everyone(303), method: "POST", path: "/login", body: "username=erik&password=demo", relogin: true},
		{route: "POST /logout", want: everyone(303), method: "POST", path: "/logout", body: "x=1", relogin: true},
		{route: "POST /api/v1/session", want: want{201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201}, method: "POST", path: "/api/v1/session", body: `{"username":"erik","password":"demo"}`, relogin: true},
		{route: "DELETE /api/v1/session", want: want{204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204}, method: "DELETE", path: "/api/v1/session", relogin: true},
		{route: "GET /me", want: want{login, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}, method: "GET", path: "/me"},
		{route: "GET /api/v1/me", want: want{401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}, method: "GET", path: "/api/v1/me"},
		{route: "GET /me/access-log", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/me/access-log"},
		{route: "GET /api/v1/me/access-log", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/me/access-log"},
		{route: "GET /login/{provider}", want: everyone(303), method: "GET", path: "/login/test-idp"},
		{route: "GET /login/{provider}/callback", want: everyone(401), method: "GET", path: "/login/test-idp/callback?code=x&state=y"},
		{route: "/test-idp/", want: everyone(200), method: "GET", path: "/test-idp/residents/.well-known/openid-configuration"},
		{route: "GET /me/acting-log", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/me/acting-log"},
		{route: "GET /api/v1/me/acting-log", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/me/acting-log"},
		{route: "POST /me/guardians", want: want{401, 400, 400, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/me/guardians", body: "denied=on"},
		{route: "PUT /api/v1/me/guardians", want: want{401, 400, 400, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "PUT", path: "/api/v1/me/guardians", body: `{"denied":true}`},
		{route: "GET /acting", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/acting"},
		{route: "POST /acting", want: want{401, 303, 303, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/acting", body: "principal=self"},
		{route: "GET /api/v1/me/principals", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/me/principals"},
		{route: "POST /api/v1/session/acting-for", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/session/acting-for", body: `{"principal":null}`},

		// Staff reads of residents' data: any staff member with a basis,
		// audited; residents and analysts never.
		{route: "GET /staff/residents", want: want{login, 403, 403, 200, 200, 200, 403, 200, 403, 403, 403, 403}, method: "GET", path: "/staff/residents"},
		{route: "POST /staff/residents", want: want{401, 403, 403, 200, 200, 200, 403, 200, 403, 403, 403, 403}, method: "POST", path: "/staff/residents", body: "personal_id={pid}&basis=care_relationship", sees: []actor{proOther, mgrOther, admin}},
		{route: "GET /api/v1/residents/{id}", want: want{401, 403, 403, 200, 200, 200, 403, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/residents/{resident}?basis=care_relationship", sees: []actor{proOther, mgrOther, admin}},
		{route: "POST /api/v1/residents/search", want: want{401, 403, 403, 200, 200, 200, 403, 200, 403, 403, 403, 403}, method: "POST", path: "/api/v1/residents/search", body: `{"personal_id":"{pid}","basis":"care_relationship"}`, sees: []actor{proOther, mgrOther, admin}},
		{route: "GET /staff/audit", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/staff/audit"},
		{route: "GET /api/v1/audit/summary", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/audit/summary"},

		// Contact requests.
		{route: "POST /api/v1/contact-requests", want: want{401, 201, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/contact-requests", body: `{"service":"health-station-nurse","unit":"kallio-health-station","message":"Uusi viesti."}`},
		// The same route as staff use it: a phone request for anna into
		// Kallio, sent again with the Idempotency-Key under which the Kallio
		// nurse recorded one (issue 13, holes 1 and 3).
		{route: "POST /api/v1/contact-requests", name: "POST /api/v1/contact-requests (phone, another's key)", want: want{401, 403, 403, 200, refused, refused, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/contact-requests", header: []string{"Idempotency-Key", "{phonekey}"},
			body: `{"service":"health-station-nurse","unit":"kallio-health-station","message":"Soitti.","channel":"phone","resident":{resident}}`},
		{route: "GET /api/v1/contact-requests", want: want{401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/contact-requests"},
		{route: "GET /api/v1/contact-requests/{id}", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: req},
		{route: "POST /api/v1/contact-requests/{id}/messages", want: want{401, 201, 404, 201, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: req + "/messages", body: `{"message":"Lisätieto."}`},
		{route: "POST /api/v1/contact-requests/{id}/assign", want: want{401, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: req + "/assign", body: `{}`},
		{route: "POST /api/v1/contact-requests/{id}/close", want: want{401, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: req + "/close", body: `{"resolution":"answered"}`, fresh: freshRequest},
		{route: "GET /requests", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/requests"},
		{route: "GET /requests/new", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/requests/new"},
		{route: "POST /requests/new", want: want{401, 303, 303, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/requests/new", body: "service=health-station-nurse&unit=kallio-health-station&message=Uusi+viesti."},
		{route: "GET /requests/{id}", want: want{login, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/requests/{req}"},
		{route: "POST /requests/{id}/reply", want: want{401, 303, 404, 303, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/requests/{req}/reply", body: "message=Lis%C3%A4tieto."},
		{route: "GET /queue", want: want{login, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/queue"},
		{route: "GET /queue/phone", want: want{login, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/queue/phone"},
		{route: "POST /queue/phone", want: want{401, 403, 403, 303, refused, refused, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/queue/phone", body: "personal_id={pid}&service=health-station-nurse&unit=kallio-health-station&received_at=2026-11-20T09:30&message=Soitti."},
		{route: "GET /contact", want: everyone(200), method: "GET", path: "/contact"},
		// The website form takes five an hour from one address, and every
		// cell comes from 127.0.0.1.
		{route: "POST /contact", want: want{200, 200, 200, 200, 200, 429, 429, 429, 429, 429, 429, 429}, method: "POST", path: "/contact", body: "service=senior-info&name=Maja&email=maja%40example.org&message=Kysymys."},
		{route: "GET /queue/{id}", want: want{login, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/queue/{req}"},
		{route: "POST /queue/{id}/reply", want: want{401, 303, 404, 303, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/queue/{req}/reply", body: "message=Vastaus.&kind=answer"},
		{route: "POST /queue/{id}/{action}", want: want{401, 403, 403, 303, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/queue/{req}/close", body: "resolution=answered", fresh: freshRequest},

		// The calendar.
		{route: "GET /api/v1/calendar/deadline", want: everyone(200), method: "GET", path: "/api/v1/calendar/deadline?from=2026-11-23T10:00:00%2B02:00"},
		{route: "GET /api/v1/calendar/closures", want: want{401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/calendar/closures"},
		{route: "POST /api/v1/calendar/closures", want: want{401, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403}, method: "POST", path: "/api/v1/calendar/closures", body: `{"date":"2027-02-01","names":{"fi":"Suljettu","sv":"Stängt","en":"Closed"}}`},
		{route: "DELETE /api/v1/calendar/closures/{date}", want: want{401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403}, method: "DELETE", path: "/api/v1/calendar/closures/{date}", fresh: freshClosure},
		{route: "GET /api/v1/calendar/{year}", want: everyone(200), method: "GET", path: "/api/v1/calendar/2026"},
		{route: "GET /stats/contact-requests", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/stats/contact-requests"},
		{route: "GET /api/v1/stats/contact-requests", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/stats/contact-requests"},

		// Appointments.
		{route: "GET /api/v1/slots", want: everyone(200), method: "GET", path: "/api/v1/slots?service=health-station-nurse&unit=kallio-health-station&limit=3"},
		{route: "POST /api/v1/slots", want: want{401, 403, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/slots", body: `{"unit":"kallio-health-station","service":"health-station-nurse","mode":"video","minutes":20,"start":"2026-12-01T10:00:00+02:00"}`},
		{route: "POST /api/v1/slots/{id}/close", want: want{401, 403, 403, 204, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/slots/{slot}/close", fresh: freshSlot},
		{route: "GET /api/v1/appointments", want: want{401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/appointments"},
		{route: "POST /api/v1/appointments", want: want{401, 201, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/appointments", body: `{"slot":{slot}}`, fresh: freshSlot},
		{route: "GET /api/v1/appointments/{id}", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: appt},
		{route: "GET /api/v1/appointments/{id}/ics", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: appt + "/ics"},
		{route: "POST /api/v1/appointments/{id}/cancel", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: appt + "/cancel", fresh: freshAppt},
		{route: "POST /api/v1/appointments/{id}/reschedule", want: want{401, 201, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: appt + "/reschedule", body: `{"slot":{slot}}`, fresh: func(t *testing.T, f *fixture) map[string]string {
			return map[string]string{"appt": f.newAppt(), "slot": f.newSlot()}
		}},
		{route: "POST /api/v1/appointments/{id}/mark", want: want{401, 404, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: appt + "/mark", body: `{"status":"no_show"}`, fresh: freshAppt},
		{route: "GET /api/v1/appointment-calendar", want: want{401, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/appointment-calendar"},
		{route: "GET /api/v1/appointment-tickets", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/appointment-tickets"},
		{route: "POST /api/v1/appointment-tickets", want: want{401, 403, 403, 201, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/appointment-tickets", body: `{"resident":{resident},"service":"doctor-appointment","contact_request":{req}}`},
		{route: "GET /api/v1/waitlist", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/waitlist"},
		{route: "POST /api/v1/waitlist", want: want{401, 201, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/waitlist", body: `{"appointment":{appt}}`, fresh: freshApptNoWait},
		{route: "DELETE /api/v1/waitlist/{id}", want: want{401, 204, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "DELETE", path: "/api/v1/waitlist/{wait}", fresh: freshWait},
		{route: "GET /api/v1/stats/appointments", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/stats/appointments"},
		{route: "GET /api/v1/services/{id}/booking", want: everyone(200), method: "GET", path: "/api/v1/services/doctor-appointment/booking"},
		{route: "PUT /api/v1/services/{id}/booking", want: want{401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403}, method: "PUT", path: "/api/v1/services/doctor-appointment/booking", body: `{"direct_booking":false,"cancel_limit_hours":24,"offer_hold_hours":12,"guarantee_days":90,"guarantee_days_young":14}`},
		{route: "GET /appointments", want: want{login, 200, 200, 303, 303, 303, 303, 303, 303, 303, 303, 303}, method: "GET", path: "/appointments"},
		{route: "GET /appointments/new", want: everyone(200), method: "GET", path: "/appointments/new"},
		{route: "POST /appointments/book", want: want{401, 303, 303, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/appointments/book", body: "slot={slot}", fresh: freshSlot},
		{route: "GET /appointments/{id}", want: want{login, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/appointments/{appt}"},
		{route: "POST /appointments/{id}/cancel", want: want{401, 303, 404, 303, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/appointments/{appt}/cancel", body: "x=1", fresh: freshAppt},
		{route: "POST /appointments/{id}/waitlist", want: want{401, 303, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/appointments/{appt}/waitlist", body: "x=1", fresh: freshApptNoWait},
		{route: "POST /appointments/waitlist/{id}/leave", want: want{401, 303, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/appointments/waitlist/{wait}/leave", body: "x=1", fresh: freshWait},
		{route: "GET /staff/calendar", want: want{login, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/staff/calendar"},
		{route: "POST /staff/calendar/{id}/mark", want: want{401, 404, 404, 303, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/staff/calendar/{appt}/mark", body: "status=no_show", fresh: freshAppt},
		{route: "POST /staff/slots", want: want{401, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/staff/slots", body: "unit=kallio-health-station&service=health-station-nurse&mode=video&minutes=20&from=2027-03-01&to=2027-03-02&day=1&start=09:00&end=10:00"},
		{route: "POST /staff/slots/{id}/close", want: want{401, 403, 403, 303, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/staff/slots/{slot}/close", body: "x=1", fresh: freshSlot},
		{route: "GET /staff/slots/{id}/book", want: want{login, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/staff/slots/{slot2}/book"},
		{route: "POST /staff/slots/{id}/book", want: want{401, 403, 403, 303, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/staff/slots/{slot}/book", body: "personal_id={pid}&basis=care_relationship", fresh: freshSlot},
		{route: "POST /queue/{id}/ticket", want: want{401, 403, 403, 303, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/queue/{req}/ticket", body: "service=doctor-appointment"},
		{route: "GET /staff/booking-rules", want: want{login, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403}, method: "GET", path: "/staff/booking-rules"},
		{route: "POST /staff/booking-rules", want: want{401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403}, method: "POST", path: "/staff/booking-rules", body: "service=doctor-appointment&cancel_hours=24&hold_hours=12&guarantee_days=90&guarantee_days_young=14"},
		{route: "GET /stats/appointments", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/stats/appointments"},

		// Assessments.
		{route: "GET /api/v1/assessments", want: everyone(200), method: "GET", path: "/api/v1/assessments"},
		{route: "GET /api/v1/assessments/{id}", want: everyone(200), method: "GET", path: "/api/v1/assessments/dental-pain"},
		{route: "POST /api/v1/assessments/{id}/sessions", want: want{201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201}, method: "POST", path: "/api/v1/assessments/dental-pain/sessions"},
		{route: "GET /api/v1/assessment-sessions/{sid}", want: want{404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: session},
		{route: "POST /api/v1/assessment-sessions/{sid}/answers", want: want{404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: session + "/answers", body: `{"question":"swelling-breathing","value":false}`, fresh: freshSession},
		{route: "POST /api/v1/assessment-sessions/{sid}/back", want: want{404, 409, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: session + "/back", body: `{}`, fresh: freshSession},
		{route: "POST /api/v1/assessment-sessions/{sid}/handover", want: want{401, 409, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: session + "/handover", body: `{"unit":"kallio-dental-clinic"}`, fresh: freshSession},
		{route: "GET /api/v1/contact-requests/{id}/assessment", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/api/v1/contact-requests/{handed}/assessment"},
		{route: "POST /api/v1/contact-requests/{id}/assessment/grading", want: want{401, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/contact-requests/{handed}/assessment/grading", body: `{"urgency":"urgent"}`},
		{route: "GET /api/v1/stats/assessments", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/stats/assessments"},
		{route: "GET /stats/assessments", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/stats/assessments"},
		{route: "GET /assessments", want: everyone(200), method: "GET", path: "/assessments"},
		{route: "GET /assessments/{id}", want: everyone(200), method: "GET", path: "/assessments/dental-pain"},
		{route: "POST /assessments/{id}/start", want: everyone(303), method: "POST", path: "/assessments/dental-pain/start", body: "x=1"},
		{route: "GET /assessment-sessions/{sid}", want: want{404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/assessment-sessions/{sid}"},
		{route: "POST /assessment-sessions/{sid}/answer", want: want{404, 303, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/assessment-sessions/{sid}/answer", body: "question=swelling-breathing&value=false", fresh: freshSession},
		{route: "POST /assessment-sessions/{sid}/back", want: want{404, 303, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/assessment-sessions/{sid}/back", body: "x=1", fresh: freshSession},
		{route: "POST /assessment-sessions/{sid}/handover", want: want{login, 409, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/assessment-sessions/{sid}/handover", body: "unit=kallio-dental-clinic", fresh: freshSession},
		{route: "GET /queue/{id}/assessment", want: want{login, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/queue/{handed}/assessment"},
		{route: "POST /queue/{id}/assessment", want: want{401, 403, 403, 303, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/queue/{handed}/assessment", body: "urgency=urgent"},

		// Feedback.
		{route: "POST /api/v1/feedback", want: want{201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201}, method: "POST", path: "/api/v1/feedback", body: `{"unit":"kallio-health-station","score":8}`},
		{route: "GET /api/v1/feedback", want: want{401, 200, 200, 403, 403, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/feedback"},
		{route: "GET /api/v1/stats/feedback", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/stats/feedback"},
		{route: "GET /api/v1/stats/feedback/compare", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/stats/feedback/compare"},
		{route: "POST /api/v1/units/{id}/feedback-kiosks", want: want{401, 404, 404, 404, 404, 404, 404, 201, 404, 404, 404, 404}, method: "POST", path: kallio + "/feedback-kiosks"},
		{route: "GET /api/v1/units/{id}/feedback-kiosks", want: want{401, 404, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404}, method: "GET", path: kallio + "/feedback-kiosks"},
		{route: "DELETE /api/v1/units/{id}/feedback-kiosks/{kiosk}", want: want{401, 404, 404, 404, 404, 404, 404, 204, 404, 404, 404, 404}, method: "DELETE", path: kallio + "/feedback-kiosks/{kiosk}", fresh: freshKiosk},
		{route: "GET /units/{id}/feedback", want: everyone(200), method: "GET", path: "/units/kallio-health-station/feedback"},
		{route: "POST /units/{id}/feedback", want: everyone(200), method: "POST", path: "/units/kallio-health-station/feedback", body: "score=7&via=qr"},
		{route: "GET /units/{id}/feedback-qr", want: everyone(200), method: "GET", path: "/units/kallio-health-station/feedback-qr"},
		{route: "GET /feedback/kiosk/{token}", want: everyone(200), method: "GET", path: "/feedback/kiosk/{ktoken}"},
		{route: "POST /feedback/kiosk/{token}", want: everyone(200), method: "POST", path: "/feedback/kiosk/{ktoken}", body: "score=7"},
		{route: "GET /feedback", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/feedback"},
		{route: "POST /feedback", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/feedback", body: "unit=kallio-health-station&score=7"},
		{route: "GET /staff/feedback", want: want{login, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/staff/feedback"},
		{route: "POST /staff/feedback/kiosks", want: want{401, 404, 404, 404, 404, 404, 404, 403, 404, 404, 404, 404}, method: "POST", path: "/staff/feedback/kiosks", body: "unit=kallio-health-station"},
		{route: "POST /staff/feedback/kiosks/{kiosk}/revoke", want: want{401, 404, 404, 404, 404, 404, 404, 303, 404, 404, 404, 404}, method: "POST", path: "/staff/feedback/kiosks/{kiosk}/revoke", body: "unit=kallio-health-station", fresh: freshKiosk},
		{route: "GET /api/v1/units/{id}/feedback-questions", want: everyone(200), method: "GET", path: kallio + "/feedback-questions"},
		{route: "POST /api/v1/units/{id}/feedback-questions", want: want{401, 404, 404, 404, 404, 404, 404, 201, 404, 404, 404, 404}, method: "POST", path: kallio + "/feedback-questions", body: `{"kind":"scale","text":{"fi":"A?","sv":"A?","en":"A?"},"low":{"fi":"Ei","sv":"Nej","en":"No"},"high":{"fi":"Kyllä","sv":"Ja","en":"Yes"}}`, fresh: func(t *testing.T, f *fixture) map[string]string {
			// At most three questions per unit: make room for one.
			f.must(f.manager.do("DELETE", "/api/v1/units/kallio-health-station/feedback-questions/"+f.newQuestion(f.manager), ""), 204, "retire")
			return nil
		}},
		{route: "GET /api/v1/units/{id}/feedback-questions/results", want: want{401, 404, 404, 404, 404, 404, 200, 200, 404, 404, 404, 404}, method: "GET", path: kallio + "/feedback-questions/results"},
		{route: "DELETE /api/v1/units/{id}/feedback-questions/{qid}", want: want{401, 404, 404, 404, 404, 404, 404, 204, 404, 404, 404, 404}, method: "DELETE", path: kallio + "/feedback-questions/{qid}", fresh: freshQuestion},
		{route: "POST /staff/feedback/questions", want: want{401, 404, 404, 404, 404, 404, 404, 303, 404, 404, 404, 404}, method: "POST", path: "/staff/feedback/questions", body: "unit=kallio-health-station&kind=scale&text_fi=A&text_sv=A&text_en=A&low_fi=Ei&low_sv=Nej&low_en=No&high_fi=Kyll%C3%A4&high_sv=Ja&high_en=Yes"},
		{route: "POST /staff/feedback/questions/{qid}/retire", want: want{401, 404, 404, 404, 404, 404, 404, 303, 404, 404, 404, 404}, method: "POST", path: "/staff/feedback/questions/{qid}/retire", body: "unit=kallio-health-station", fresh: freshQuestion},
		{route: "GET /feedback/visit/{token}", want: everyone(404), method: "GET", path: "/feedback/visit/no-such-token"},
		{route: "POST /feedback/visit/{token}", want: everyone(404), method: "POST", path: "/feedback/visit/no-such-token", body: "score=7"},
		{route: "GET /stats/feedback", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/stats/feedback"},
		{route: "GET /stats/feedback/compare", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/stats/feedback/compare"},

		// The resident survey.
		{route: "GET /api/v1/surveys", want: everyone(200), method: "GET", path: "/api/v1/surveys"},
		{route: "GET /api/v1/surveys/{id}", want: everyone(200), method: "GET", path: "/api/v1/surveys/resident-2025"},
		{route: "POST /api/v1/surveys/{id}/invitations", want: want{401, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403}, method: "POST", path: "/api/v1/surveys/resident-2025/invitations", body: `{"count":1}`},
		{route: "GET /api/v1/surveys/{id}/results", want: want{401, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/surveys/resident-2025/results"},
		{route: "POST /api/v1/survey-responses", want: want{400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400}, method: "POST", path: "/api/v1/survey-responses", body: `{"token":"{invite}","lang":"fi","answers":[]}`, fresh: freshInvite},
		{route: "GET /survey/{token}", want: everyone(200), method: "GET", path: "/survey/{invite}"},
		{route: "POST /survey/{token}/answer", want: want{409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409}, method: "POST", path: "/survey/{invite}/answer", body: "question=x&value=1", fresh: freshInvite},
		{route: "POST /survey/{token}/back", want: everyone(303), method: "POST", path: "/survey/{invite}/back", body: "x=1", fresh: freshInvite},
		{route: "POST /survey/{token}/send", want: want{409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409}, method: "POST", path: "/survey/{invite}/send", body: "x=1", fresh: freshInvite},
		{route: "GET /surveys/{id}/results", want: want{login, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/surveys/resident-2025/results"},

		// Service statistics.
		{route: "POST /api/v1/events", want: want{401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401}, method: "POST", path: "/api/v1/events", body: `{"events":[]}`},
		{route: "GET /api/v1/stats/volumes", want: everyone(200), method: "GET", path: "/api/v1/stats/volumes?year=2026"},
		{route: "GET /dashboard", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/dashboard"},
		{route: "GET /report/{year}", want: everyone(200), method: "GET", path: "/report/2026"},
		{route: "GET /report/{year}/print.css", want: everyone(200), method: "GET", path: "/report/2026/print.css"},
		{route: "GET /api/v1/reports/{year}", want: everyone(200), method: "GET", path: "/api/v1/reports/2026"},

		// HL7 FHIR R4 (package fhir): the directory and free times are
		// public; an appointment is its resident's and its unit's; a
		// Patient is the resident themselves, or staff's on a basis.
		{route: "/fhir/R4/", name: "GET /fhir/R4/metadata", want: everyone(200), method: "GET", path: "/fhir/R4/metadata"},
		{route: "/fhir/R4/", name: "GET /fhir/R4/Slot", want: everyone(200), method: "GET", path: "/fhir/R4/Slot?service-type=health-station-nurse&_count=3"},
		{route: "/fhir/R4/", name: "GET /fhir/R4/Appointment/{appt}", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/fhir/R4/Appointment/{appt}"},
		{route: "/fhir/R4/", name: "GET /fhir/R4/Appointment", want: want{401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/fhir/R4/Appointment"},
		{route: "/fhir/R4/", name: "GET /fhir/R4/Patient/{resident}", want: want{401, 200, 404, 200, 200, 200, 403, 200, 403, 403, 403, 403}, method: "GET", path: "/fhir/R4/Patient/{resident}?basis=care_relationship", sees: []actor{proOther, mgrOther, admin}},
		// Staff's names and units are not public: signed-in people only.
		{route: "/fhir/R4/", name: "GET /fhir/R4/Practitioner", want: want{401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}, method: "GET", path: "/fhir/R4/Practitioner?name=nurmi"},
		{route: "/fhir/R4/", name: "GET /fhir/R4/PractitionerRole", want: want{401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}, method: "GET", path: "/fhir/R4/PractitionerRole?location=Location/kallio-health-station"},
		// An assessment hand-over: as the contact request's assessment.
		{route: "/fhir/R4/", name: "GET /fhir/R4/QuestionnaireResponse/{handed}", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/fhir/R4/QuestionnaireResponse/{handed}"},
		{route: "/", want: everyone(404), method: "GET", path: "/no/such/page"},
	}
	// Chats with professionals (chats_test.go), and their figures
	// (chat_stats_test.go): aggregates, the Töölö manager's of no chats.
	rows = append(rows,
		access{route: "GET /api/v1/stats/chats", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/stats/chats?by=unit"},
		access{route: "GET /stats/chats", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/stats/chats?by=line"})
	rows = append(rows, chatRows()...)
	// The rescue department (rescue_test.go).
	rows = append(rows, rescueRows()...)
	rows = append(rows, staffAccessRows()...)
	// Purchased services (procurement_test.go).
	rows = append(rows, procurementRows()...)
	// Video appointments (video_access_test.go).
	return append(rows, videoRows()...)
}

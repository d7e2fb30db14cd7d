package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/password"
	"sotepe/store"
	"sotepe/web"
)

type principalJSON struct {
	ID     int64     `json:"id"`
	Name   string    `json:"name"`
	Basis  string    `json:"basis"`
	Until  time.Time `json:"until"`
	Denied bool      `json:"denied"`
}

// principals returns whom the client may act for, by name.
func (c *client) principals() map[string]principalJSON {
	c.e.t.Helper()
	var list struct{ Items []principalJSON }
	r := c.get("/api/v1/me/principals")
	needStatus(c.e.t, r, 200, "principals")
	r.json(c.e.t, &list)
	out := map[string]principalJSON{}
	for _, p := range list.Items {
		out[p.Name] = p
	}
	return out
}

// actFor makes the client act for principal (0: for themselves) and returns
// the response.
func (c *client) actFor(principal int64) response {
	body := `{"principal":null}`
	if principal != 0 {
		body = fmt.Sprintf(`{"principal":%d}`, principal)
	}
	return c.do("POST", "/api/v1/session/acting-for", body)
}

type meActing struct {
	ID         int64          `json:"id"`
	Name       string         `json:"name"`
	ResidentID int64          `json:"resident_id"`
	ActingFor  *principalJSON `json:"acting_for"`
}

func TestGuardianActsForAChild(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		own := anna.me()
		ps := anna.principals()
		aino, eero := ps["Aino Virtanen"], ps["Eero Virtanen"]
		if len(ps) != 2 || aino.Basis != "guardian" || eero.Basis != "guardian" || aino.ID == 0 || eero.ID == 0 {
			t.Fatalf("anna's principals = %+v", ps)
		}
		if want := time.Date(2037, 5, 20, 0, 0, 0, 0, time.UTC); aino.Until.Year() != want.Year() || aino.Until.Month() != want.Month() || aino.Until.Day() != want.Day() {
			t.Errorf("Aino's right ends %v, want her 18th birthday %v", aino.Until, want)
		}
		// Listing is not choosing: anna still acts for herself.
		var m meActing
		anna.get("/api/v1/me").json(t, &m)
		if m.ActingFor != nil || m.ResidentID != own.ResidentID {
			t.Fatalf("before choosing, me = %+v", m)
		}

		r := anna.actFor(aino.ID)
		needStatus(t, r, 200, "act for Aino")
		r.json(t, &m)
		if m.ActingFor == nil || m.ActingFor.ID != aino.ID || m.ID != own.ID || m.ResidentID != own.ResidentID {
			t.Fatalf("after choosing, me = %+v", m)
		}
		anna.get("/api/v1/me").json(t, &m)
		if m.ActingFor == nil || m.ActingFor.Name != "Aino Virtanen" || m.Name != own.Name {
			t.Fatalf("GET me while acting = %+v", m)
		}
		// Every page says for whom.
		if page := anna.get("/units"); !strings.Contains(page.body, `id="acting-banner"`) || !strings.Contains(page.body, "Aino Virtanen") {
			t.Errorf("the page does not show whom anna acts for")
		}

		// A contact request sent while acting is Aino's.
		r = anna.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","unit":"kallio-health-station","message":"Lapsella on korvakipua."}`)
		needStatus(t, r, 201, "request for Aino")
		var created contactJSON
		r.json(t, &created)
		if created.Resident != aino.ID {
			t.Errorf("the request belongs to resident %d, want Aino %d", created.Resident, aino.ID)
		}
		if l := anna.contactRequests(""); len(l.Items) != 1 || l.Items[0].ID != created.ID {
			t.Errorf("Aino's list while acting = %+v", l.Items)
		}

		// Back to herself: the child's request is not in anna's own list.
		needStatus(t, anna.actFor(0), 200, "act for herself")
		for _, c := range anna.contactRequests("").Items {
			if c.ID == created.ID {
				t.Errorf("anna's own list holds Aino's request")
			}
		}
		needStatus(t, anna.get(fmt.Sprintf("/api/v1/contact-requests/%d", created.ID)), 404, "Aino's request as anna herself")

		// The trail: Aino's log shows what anna did for her; anna's acting
		// log shows it with Aino's name.
		var log struct {
			Items []struct {
				ActorName string `json:"actor_name"`
				Action    string `json:"action"`
				OnBehalf  bool   `json:"on_behalf"`
				Principal string `json:"principal"`
			}
		}
		anna.get("/api/v1/me/acting-log").json(t, &log)
		actions := map[string]bool{}
		for _, it := range log.Items {
			if it.Principal != "Aino Virtanen" {
				t.Errorf("acting log row for %q", it.Principal)
			}
			actions[it.Action] = true
		}
		for _, a := range []string{"acting.choose", "acting.write", "contact.create", "acting.read"} {
			if !actions[a] {
				t.Errorf("anna's acting log lacks %s: %+v", a, log.Items)
			}
		}
		needStatus(t, anna.actFor(aino.ID), 200, "act for Aino again")
		anna.get("/api/v1/me/access-log").json(t, &log)
		if len(log.Items) == 0 {
			t.Fatal("Aino's access log is empty")
		}
		for _, it := range log.Items {
			if !it.OnBehalf || it.ActorName != own.Name {
				t.Errorf("Aino's log row %+v is not anna acting for her", it)
			}
		}
		if page := anna.get("/me/access-log"); !strings.Contains(page.body, own.Name+" puolestasi") {
			t.Errorf("the access log page does not say %q", own.Name+" puolestasi")
		}
	})
}

func TestNobodyActsForSomeoneElsesChild(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		aino := e.as("anna").principals()["Aino Virtanen"]
		erik := e.as("erik")
		ps := erik.principals()
		if _, ok := ps["Aino Virtanen"]; ok || len(ps) != 1 || ps["Gustav Lindqvist"].Basis != "mandate" {
			t.Fatalf("erik's principals = %+v", ps)
		}
		r := erik.actFor(aino.ID)
		needStatus(t, r, 404, "erik acts for anna's child")
		var m meActing
		erik.get("/api/v1/me").json(t, &m)
		if m.ActingFor != nil {
			t.Errorf("a refused choice left erik acting for %+v", m.ActingFor)
		}
		needStatus(t, erik.actFor(999999), 404, "an id nobody has")
		// Staff do not act for anyone.
		needStatus(t, e.as("nurse").actFor(aino.ID), 403, "nurse acts for a child")

		// erik acts for his father with the mandate.
		needStatus(t, erik.actFor(ps["Gustav Lindqvist"].ID), 200, "erik acts for Gustav")
		erik.get("/api/v1/me").json(t, &m)
		if m.ActingFor == nil || m.ActingFor.Basis != "mandate" {
			t.Errorf("erik's me = %+v", m)
		}
	})
}

func TestAMinorForbidsTheirGuardians(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		eero := anna.principals()["Eero Virtanen"]
		needStatus(t, anna.actFor(eero.ID), 200, "anna acts for Eero")

		// Eero, 15, gets an account of his own and forbids his guardians.
		hash, err := password.Hash("demo", password.Default())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.CreateUser(t.Context(), sotepe.NewUser{Username: "eero", Name: "Eero Virtanen", Roles: []sotepe.Role{sotepe.RoleResident},
			Lang: sotepe.Finnish, ResidentID: eero.ID, PasswordHash: hash}); err != nil {
			t.Fatal(err)
		}
		me := e.as("eero")
		if page := me.get("/me"); !strings.Contains(page.body, `id="guardians-denied"`) {
			t.Fatal("a 15-year-old's page offers no refusal")
		}
		needStatus(t, me.do("PUT", "/api/v1/me/guardians", `{"denied":true}`), 204, "Eero forbids")
		// Anna (38) may not: the refusal is a minor's.
		needStatus(t, e.as("anna").do("PUT", "/api/v1/me/guardians", `{"denied":true}`), 400, "an adult forbids")

		// Anna's acting for Eero ends on her next request, and she cannot
		// choose him again.
		var m meActing
		anna.get("/api/v1/me").json(t, &m)
		if m.ActingFor != nil {
			t.Errorf("anna still acts for Eero after his refusal: %+v", m.ActingFor)
		}
		if p := anna.principals()["Eero Virtanen"]; !p.Denied {
			t.Errorf("Eero is listed without his refusal: %+v", p)
		}
		needStatus(t, anna.actFor(eero.ID), 403, "anna chooses Eero after his refusal")
	})
}

func TestResidentsSignInWithStrongIdentificationOnly(t *testing.T) {
	// The env lets residents use passwords, as the demo does; a server
	// without that refuses them, and still lets staff in.
	s := newEnvOn(t, store.SQLite, func(c *web.Config) { c.ResidentPasswords = false })
	r := s.client().do("POST", "/api/v1/session", `{"username":"anna","password":"demo"}`)
	needStatus(t, r, 403, "anna's password")
	if code, _ := r.errorCode(t); code != "forbidden" {
		t.Errorf("code %q", code)
	}
	needStatus(t, s.client().do("POST", "/api/v1/session", `{"username":"nurse","password":"demo"}`), 201, "nurse's password")
}

package web_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"sotepe"
)

// The access matrix's fixture: the callers signed in and the objects of
// anna's that the rows name (access_test.go).

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

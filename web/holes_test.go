package web_test

// The holes of issue 13 that an outside probe found, each closed in the
// services and the store and proved here through the HTTP API, on SQLite
// and (when SOTEPE_TEST_POSTGRES is set) on PostgreSQL.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sotepe"
)

// holesEngines runs fn on a server over SQLite and over PostgreSQL (see
// onEngines).
func holesEngines(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	onEngines(t, fn)
}

// tooloNurse creates a professional of the Töölö health station (the demo
// has staff of Kallio only) and returns a client signed in as them.
func tooloNurse(t *testing.T, e *env) *client {
	t.Helper()
	hash, err := demoHash()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.CreateUser(context.Background(), sotepe.NewUser{Username: "toolonurse", Name: "Tuula Töölö",
		Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{"toolo-health-station"}, Lang: sotepe.Finnish,
		PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	c := e.as("toolonurse")
	return c
}

// residentOf returns the resident id of a signed-in resident.
func residentOf(t *testing.T, c *client) int64 {
	t.Helper()
	m := c.me()
	if m.ResidentID == 0 {
		t.Fatal("no resident")
	}
	return m.ResidentID
}

// accessActions counts the rows of a resident's access log by action.
func accessActions(t *testing.T, e *env, resident int64) map[string]int {
	t.Helper()
	page, err := e.store.AccessLog(context.Background(), resident, sotepe.PageRequest{Limit: sotepe.MaxPageLimit})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, a := range page.Items {
		out[a.Action]++
	}
	return out
}

// wantError fails unless r is an error with status and code whose message
// is the catalog text of key in one of the languages (the user's).
func wantError(t *testing.T, e *env, r response, status int, code, key string, args map[string]any) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	got, msg := r.errorCode(t)
	if got != code {
		t.Fatalf("code %q, want %q: %s", got, code, r.body)
	}
	for _, l := range []sotepe.Lang{sotepe.Finnish, sotepe.Swedish, sotepe.English} {
		if msg == e.cat.T(l, key, args) {
			return
		}
	}
	t.Fatalf("message %q is not %s in any language", msg, key)
}

const kallioHS = "kallio-health-station"

// Hole 1: an Idempotency-Key belongs to its sender. A Töölö professional
// who records a phone request with the key of a Kallio request gets a new
// request of their own, never the Kallio thread; the resident's own retry
// still gets hers.
func TestHoleIdempotencyKeyIsTheSenders(t *testing.T) {
	holesEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		annaID := residentOf(t, anna)
		toolo := tooloNurse(t, e)
		const key = "kallio-key-1"
		secret := "Minulla on ollut kuumetta kolme päivää."
		r := anna.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","message":"`+secret+`"}`, "Idempotency-Key", key)
		needStatus(t, r, http.StatusCreated, "anna writes")
		var kallio contactJSON
		r.json(t, &kallio)
		if kallio.Unit != kallioHS {
			t.Fatalf("anna's request went to %s", kallio.Unit)
		}

		r = toolo.do("POST", "/api/v1/contact-requests", fmt.Sprintf(
			`{"service":"health-station-nurse","message":"Soitti.","channel":"phone","resident":%d}`, annaID), "Idempotency-Key", key)
		if strings.Contains(r.body, secret) || strings.Contains(r.body, fmt.Sprintf(`"id":%d,`, kallio.ID)) {
			t.Fatalf("the Töölö nurse's replay returned the Kallio request: %d %s", r.status, r.body)
		}
		needStatus(t, r, http.StatusCreated, "the Töölö nurse's own request")
		var own contactJSON
		r.json(t, &own)
		if own.Unit != "toolo-health-station" || own.Channel != "phone" {
			t.Errorf("the Töölö nurse's request = %+v", own)
		}
		// Their own retry gets their own request back.
		r = toolo.do("POST", "/api/v1/contact-requests", fmt.Sprintf(
			`{"service":"health-station-nurse","message":"Soitti.","channel":"phone","resident":%d}`, annaID), "Idempotency-Key", key)
		var again contactJSON
		if r.json(t, &again); r.status != http.StatusOK || again.ID != own.ID {
			t.Errorf("the nurse's retry: %d %s", r.status, r.body)
		}
		// Anna's retry still finds hers.
		r = anna.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","message":"`+secret+`"}`, "Idempotency-Key", key)
		var hers contactJSON
		if r.json(t, &hers); r.status != http.StatusOK || hers.ID != kallio.ID {
			t.Errorf("anna's retry: %d %s", r.status, r.body)
		}
	})
}

// Hole 2: a ticket names only a contact request of the issuer's units; any
// other is "not found" and shows nothing of the request.
func TestHoleTicketNamesOnlyOwnUnitsRequests(t *testing.T) {
	holesEngines(t, func(t *testing.T, e *env) {
		anna, erik, nurse := e.as("anna"), e.as("erik"), e.as("nurse")
		annaID, erikID := residentOf(t, anna), residentOf(t, erik)
		toolo := tooloNurse(t, e)
		e.clock.Add(-2 * time.Hour)
		r := anna.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","message":"Voisinko saada ajan?"}`)
		needStatus(t, r, http.StatusCreated, "anna writes")
		e.clock.Add(2 * time.Hour)
		var c contactJSON
		r.json(t, &c)
		ticket := func(cl *client, resident int64) response {
			return cl.do("POST", "/api/v1/appointment-tickets", fmt.Sprintf(
				`{"resident":%d,"service":"health-station-nurse","contact_request":%d}`, resident, c.ID))
		}
		r = ticket(toolo, annaID)
		if r.status != http.StatusNotFound || strings.Contains(r.body, "waiting_from") {
			t.Fatalf("a Töölö nurse names a Kallio request: %d %s", r.status, r.body)
		}
		// The request of another resident is as missing.
		needStatus(t, ticket(nurse, erikID), http.StatusNotFound, "ticket for erik naming anna's request")
		r = ticket(nurse, annaID)
		needStatus(t, r, http.StatusCreated, "the Kallio nurse's ticket")
		var tk struct {
			WaitingFrom time.Time `json:"waiting_from"`
		}
		r.json(t, &tk)
		received, err := time.Parse(time.RFC3339, c.ReceivedAt)
		if err != nil || !tk.WaitingFrom.Equal(received) {
			t.Errorf("the wait starts %v, want the request's receipt %s", tk.WaitingFrom, c.ReceivedAt)
		}
	})
}

// Hole 3: staff record phone requests only into their own units; a
// resident nobody has is refused like any resident they may not record for.
func TestHolePhoneRequestsOnlyIntoOwnUnits(t *testing.T) {
	holesEngines(t, func(t *testing.T, e *env) {
		anna, nurse := e.as("anna"), e.as("nurse")
		annaID := residentOf(t, anna)
		toolo := tooloNurse(t, e)
		phone := func(cl *client, resident int64, service, unit string) response {
			body := fmt.Sprintf(`{"service":%q,"message":"Soitti: kurkkukipu.","channel":"phone","resident":%d`, service, resident)
			if unit != "" {
				body += fmt.Sprintf(`,"unit":%q`, unit)
			}
			return cl.do("POST", "/api/v1/contact-requests", body+"}", "Accept-Language", "en")
		}
		wantError(t, e, phone(toolo, annaID, "health-station-nurse", kallioHS), http.StatusBadRequest, sotepe.EInvalid, "error.phone_unit", nil)
		// Dental care is offered by none of the Töölö nurse's units.
		wantError(t, e, phone(toolo, annaID, "dental-care", ""), http.StatusBadRequest, sotepe.EInvalid, "error.phone_unit", nil)
		queue := nurse.contactRequests("")
		if len(queue.Items) != 0 {
			t.Fatalf("the Kallio queue holds %+v", queue.Items)
		}
		// Without a unit the request goes to the nurse's own, although
		// anna's own health station is Kallio.
		r := phone(toolo, annaID, "health-station-nurse", "")
		var c contactJSON
		if r.json(t, &c); r.status != http.StatusCreated || c.Unit != "toolo-health-station" {
			t.Fatalf("routed phone request: %d %s", r.status, r.body)
		}
		wantError(t, e, phone(toolo, 999999, "health-station-nurse", ""), http.StatusBadRequest, sotepe.EInvalid, "error.unknown_resident", nil)
	})
}

// Hole 6: a booking retried after a lost answer returns the booking.
func TestHoleBookingRetryReturnsTheBooking(t *testing.T) {
	holesEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna, erik := e.as("anna"), e.as("erik")
		slots := anna.search("service=health-station-nurse&unit=" + kallioHS + "&limit=2")
		if len(slots) < 2 {
			t.Fatal("no slots")
		}
		book := func(c *client, slot int64, key string) response {
			return c.do("POST", "/api/v1/appointments", fmt.Sprintf(`{"slot":%d}`, slot), "Idempotency-Key", key, "Accept-Language", "en")
		}
		r := book(anna, slots[0].ID, "anna-1")
		var first, retry apptJSON
		if r.json(t, &first); r.status != http.StatusCreated {
			t.Fatalf("book: %d %s", r.status, r.body)
		}
		r = book(anna, slots[0].ID, "anna-1")
		if r.json(t, &retry); r.status != http.StatusOK || retry.ID != first.ID || retry.Status != "booked" {
			t.Fatalf("retry: %d %s, want 200 with booking %d", r.status, r.body, first.ID)
		}
		// Erik's key is his own: the same key finds nothing of anna's.
		if r := book(erik, slots[0].ID, "anna-1"); r.status != http.StatusConflict || strings.Contains(r.body, fmt.Sprintf(`"id":%d`, first.ID)) {
			t.Fatalf("erik with anna's key: %d %s", r.status, r.body)
		}
		// One key, one booking: another slot under it is a conflict.
		wantError(t, e, book(anna, slots[1].ID, "anna-1"), http.StatusConflict, sotepe.EConflict, "error.idempotency_key_used", nil)
		var list struct{ Items []apptJSON }
		anna.get("/api/v1/appointments").json(t, &list)
		if len(list.Items) != 1 {
			t.Errorf("anna holds %d appointments, want 1", len(list.Items))
		}
	})
}

// Hole 7: staff never see which visit (and so which resident) a feedback
// answer came from.
func TestHoleVisitFeedbackIsAnonymousToStaff(t *testing.T) {
	holesEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna, nurse, manager := e.as("anna"), e.as("nurse"), e.as("manager")
		slots := anna.search("service=health-station-nurse&unit=" + kallioHS + "&limit=1")
		_, a := anna.book(slots[0].ID)
		needStatus(t, nurse.do("POST", fmt.Sprintf("/api/v1/appointments/%d/mark", a.ID), `{"status":"completed"}`), http.StatusOK, "mark")
		needStatus(t, anna.do("POST", "/api/v1/feedback", fmt.Sprintf(`{"score":9,"appointment_id":%d,"comment":"Hyvä käynti."}`, a.ID)), http.StatusCreated, "feedback")
		r := manager.get("/api/v1/feedback")
		if r.status != http.StatusOK || !strings.Contains(r.body, "Hyvä käynti.") {
			t.Fatalf("manager list: %d %s", r.status, r.body)
		}
		if strings.Contains(r.body, "appointment") || strings.Contains(r.body, "resident") {
			t.Errorf("the manager's list names the visit: %s", r.body)
		}
		page := manager.get("/staff/feedback")
		if page.status != http.StatusOK || !strings.Contains(page.body, "Hyvä käynti.") {
			t.Fatalf("staff page: %d", page.status)
		}
		if strings.Contains(page.body, fmt.Sprintf("/appointments/%d", a.ID)) || strings.Contains(page.body, "Virtanen") {
			t.Errorf("the staff page names the visit or the resident")
		}
	})
}

// Hole 8: dates out of any sane range are refused with a message that
// names the field, not stored or silently replaced.
func TestHoleOutOfRangeDatesAreRefused(t *testing.T) {
	holesEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		admin, nurse, anna := e.as("admin"), e.as("nurse"), e.as("anna")
		annaID := residentOf(t, anna)
		en := []string{"Accept-Language", "en"}
		t.Run("closure days", func(t *testing.T) {
			closure := func(date string) response {
				return admin.do("POST", "/api/v1/calendar/closures", `{"date":"`+date+`","names":{"fi":"Suljettu","sv":"Stängt","en":"Closed"}}`, en...)
			}
			for _, date := range []string{"0000-01-01", "9999-12-31", "2024-12-31", "2032-01-01"} {
				wantError(t, e, closure(date), http.StatusBadRequest, sotepe.EInvalid, "error.closure_day_range", map[string]any{"From": 2025, "To": 2031})
			}
			wantStatus(t, closure("2027-01-05"), http.StatusCreated, "a closure day next year")
			var days struct{ Items []sotepe.ClosureDay }
			admin.get("/api/v1/calendar/closures").json(t, &days)
			if len(days.Items) != 1 {
				t.Errorf("closure days stored: %+v", days.Items)
			}
		})
		t.Run("slots", func(t *testing.T) {
			slot := func(start string) response {
				return nurse.do("POST", "/api/v1/slots", `{"unit":"`+kallioHS+`","service":"health-station-nurse","mode":"in_person","minutes":30,"start":"`+start+`"}`, en...)
			}
			wantError(t, e, slot("9999-12-31T10:00:00Z"), http.StatusBadRequest, sotepe.EInvalid, "error.appt_start_range", map[string]any{"Years": 2})
			wantError(t, e, slot("2029-01-02T10:00:00+02:00"), http.StatusBadRequest, sotepe.EInvalid, "error.appt_start_range", map[string]any{"Years": 2})
			wantStatus(t, slot("2027-01-04T10:00:00+02:00"), http.StatusCreated, "a slot in January")
			tmpl := `{"unit":"` + kallioHS + `","service":"health-station-nurse","mode":"in_person","minutes":30,"template":{"from":"0001-01-01","to":"0001-01-31","periods":[{"weekday":1,"start":"09:00","end":"10:00"}]}}`
			wantError(t, e, nurse.do("POST", "/api/v1/slots", tmpl, en...), http.StatusBadRequest, sotepe.EInvalid, "error.appt_past", nil)
		})
		t.Run("searches and waiting lists", func(t *testing.T) {
			wantError(t, e, anna.get("/api/v1/slots?service=health-station-nurse&from=9999-12-01", en...), http.StatusBadRequest, sotepe.EInvalid, "error.appt_start_range", map[string]any{"Years": 2})
			wantError(t, e, anna.do("POST", "/api/v1/waitlist", `{"service":"health-station-nurse","before":"9999-12-31T00:00:00Z"}`, en...),
				http.StatusBadRequest, sotepe.EInvalid, "error.appt_waitlist_before", nil)
			years := map[string]any{"From": 1900, "To": 2399}
			wantError(t, e, anna.get("/api/v1/appointments?from=9999-01-01", en...), http.StatusBadRequest, sotepe.EInvalid, "error.period_range", years)
			manager := e.as("manager")
			wantError(t, e, manager.get("/api/v1/stats/appointments?from=0001-01-01&to=9999-12-31", en...), http.StatusBadRequest, sotepe.EInvalid, "error.period_range", years)
		})
		t.Run("deadlines", func(t *testing.T) {
			for _, from := range []string{"9999-12-31T12:00:00Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1800-01-01T00:00:00Z"} {
				wantError(t, e, anna.get("/api/v1/calendar/deadline?from="+url.QueryEscape(from), en...), http.StatusBadRequest, sotepe.EInvalid,
					"error.from_range", map[string]any{"From": 1900, "To": 2399})
			}
			// Zero working days is the documented deadline of urgent
			// hand-overs: the close of the same working day.
			r := anna.get("/api/v1/calendar/deadline?from=" + url.QueryEscape("2026-11-23T10:00:00+02:00") + "&working_days=0")
			if r.status != http.StatusOK || !strings.Contains(r.body, `"due_at":"2026-11-23T16:00:00+02:00"`) {
				t.Errorf("working_days=0: %d %s", r.status, r.body)
			}
		})
		t.Run("phone requests", func(t *testing.T) {
			phone := func(received string) response {
				return nurse.do("POST", "/api/v1/contact-requests", fmt.Sprintf(
					`{"service":"health-station-nurse","message":"Soitti.","channel":"phone","resident":%d,"received_at":%q}`, annaID, received), en...)
			}
			for _, received := range []string{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00+02:00", "2026-10-01T10:00:00+03:00"} {
				wantError(t, e, phone(received), http.StatusBadRequest, sotepe.EInvalid, "error.received_range", map[string]any{"Days": 30})
			}
			queue := nurse.contactRequests("")
			if len(queue.Items) != 0 {
				t.Errorf("refused phone requests were stored: %+v", queue.Items)
			}
		})
	})
}

// Hole 9: every answer to staff that carries a resident's data leaves a
// row in the resident's access log: the queue, a ticket, a mark and a
// staff cancellation.
func TestHoleStaffAnswersAreAudited(t *testing.T) {
	holesEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna, nurse := e.as("anna"), e.as("nurse")
		annaID := residentOf(t, anna)
		needStatus(t, anna.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","message":"Soittakaa minulle."}`), http.StatusCreated, "anna writes")
		before := accessActions(t, e, annaID)
		if r := nurse.get("/api/v1/contact-requests"); r.status != http.StatusOK || !strings.Contains(r.body, "health-station-nurse") {
			t.Fatalf("queue: %d %s", r.status, r.body)
		}
		if got := accessActions(t, e, annaID)["contact_list.read"]; got != before["contact_list.read"]+1 {
			t.Errorf("the queue left %d rows, want 1", got-before["contact_list.read"])
		}
		// The queue page lists through the same service.
		needStatus(t, nurse.get("/queue"), http.StatusOK, "queue page")
		if got := accessActions(t, e, annaID)["contact_list.read"]; got != before["contact_list.read"]+2 {
			t.Errorf("the queue page left %d rows in all, want 2", got-before["contact_list.read"])
		}

		needStatus(t, nurse.do("POST", "/api/v1/appointment-tickets", fmt.Sprintf(`{"resident":%d,"service":"dental-care"}`, annaID)), http.StatusCreated, "ticket")
		if got := accessActions(t, e, annaID)["appointment_ticket.read"]; got != 1 {
			t.Errorf("the ticket left %d rows, want 1", got)
		}

		slots := anna.search("service=health-station-nurse&unit=" + kallioHS + "&limit=2")
		_, a := anna.book(slots[0].ID)
		_, b := anna.book(slots[1].ID)
		reads := accessActions(t, e, annaID)["appointment.read"]
		needStatus(t, nurse.do("POST", fmt.Sprintf("/api/v1/appointments/%d/mark", a.ID), `{"status":"arrived"}`), http.StatusOK, "mark")
		if got := accessActions(t, e, annaID)["appointment.read"]; got != reads+1 {
			t.Errorf("the mark left %d read rows, want 1", got-reads)
		}
		needStatus(t, nurse.do("POST", fmt.Sprintf("/api/v1/appointments/%d/cancel", b.ID), ""), http.StatusOK, "staff cancel")
		if got := accessActions(t, e, annaID)["appointment.read"]; got != reads+2 {
			t.Errorf("the staff cancellation left %d read rows, want 1", got-reads-1)
		}
	})
}

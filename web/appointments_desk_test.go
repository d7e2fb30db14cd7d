package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sotepe"
)

// formPost sends a form as a browser does.
func (c *client) formPost(path string, v url.Values) response {
	c.e.t.Helper()
	return c.do("POST", path, v.Encode(), "Content-Type", "application/x-www-form-urlencoded")
}

func TestTicketFromQueuePage(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna, erik, nurse := e.as("anna"), e.as("erik"), e.as("nurse")
		var req struct{ ID int64 }
		r := anna.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","unit":"kallio-health-station","message":"Polvi on kipeä, tarvitsen lääkärin."}`)
		needStatus(t, r, http.StatusCreated, "request")
		r.json(t, &req)
		queuePath := fmt.Sprintf("/queue/%d", req.ID)

		// The doctor's appointment needs a ticket: anna cannot book it yet.
		doctor := anna.search("service=doctor-appointment&unit=kallio-health-station&limit=1")
		if len(doctor) == 0 {
			t.Fatal("no doctor's times at Kallio")
		}
		if r, _ := anna.book(doctor[0].ID); r.status != http.StatusForbidden {
			t.Fatalf("doctor without a ticket: %d %s", r.status, r.body)
		}

		page := nurse.get(queuePath)
		if page.status != http.StatusOK || !strings.Contains(page.body, `id="ticket"`) || !strings.Contains(page.body, `value="doctor-appointment"`) {
			t.Fatalf("queue page without the ticket form: %d", page.status)
		}
		// Residents give no tickets; a service the unit does not offer is
		// refused on the page, and nothing is stored.
		wantStatus(t, anna.formPost(queuePath+"/ticket", url.Values{"service": {"doctor-appointment"}}), http.StatusForbidden, "resident gives a ticket")
		r = nurse.formPost(queuePath+"/ticket", url.Values{"service": {"no-such-service"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `role="alert"`) {
			t.Errorf("unknown service: %d", r.status)
		}
		var tickets struct {
			Items []struct {
				ID             int64
				Service        string `json:"service_id"`
				ContactRequest int64  `json:"contact_request_id"`
			}
		}
		anna.get("/api/v1/appointment-tickets").json(t, &tickets)
		if len(tickets.Items) != 0 {
			t.Fatalf("tickets after refusals: %+v", tickets.Items)
		}

		r = nurse.formPost(queuePath+"/ticket", url.Values{"service": {"doctor-appointment"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != queuePath+"?ticket=issued" {
			t.Fatalf("ticket: %d %s", r.status, r.body)
		}
		if page := nurse.get(r.header.Get("Location")); !strings.Contains(page.body, `id="ticket-issued"`) {
			t.Errorf("no word of the ticket on the page")
		}
		r = anna.get("/api/v1/appointment-tickets")
		r.json(t, &tickets)
		if len(tickets.Items) != 1 || !strings.Contains(r.body, `"doctor-appointment"`) || !strings.Contains(r.body, fmt.Sprint(req.ID)) {
			t.Fatalf("anna's tickets: %s", r.body)
		}
		// With the ticket the doctor's time is hers.
		if r, a := anna.book(doctor[0].ID); r.status != http.StatusCreated || a.Service != "doctor-appointment" {
			t.Fatalf("doctor with a ticket: %d %s", r.status, r.body)
		}

		// A request at another unit is not the nurse's to act on.
		r = erik.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","unit":"toolo-health-station","message":"Behöver en läkartid."}`)
		needStatus(t, r, http.StatusCreated, "erik's request")
		r.json(t, &req)
		wantStatus(t, nurse.formPost(fmt.Sprintf("/queue/%d/ticket", req.ID), url.Values{"service": {"doctor-appointment"}}), http.StatusNotFound, "ticket at another unit")
	})
}

func TestBookForResidentPage(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna, nurse := e.as("anna"), e.as("nurse")
		annaID := sotepe.SyntheticPersonalID(time.Date(1988, 3, 14, 0, 0, 0, 0, time.UTC), 901)
		slots := anna.search("service=doctor-appointment&unit=kallio-health-station&limit=2")
		toolo := anna.search("service=health-station-nurse&unit=toolo-health-station&limit=1")
		if len(slots) < 2 || len(toolo) == 0 {
			t.Fatalf("times: %d at Kallio, %d at Töölö", len(slots), len(toolo))
		}
		path := fmt.Sprintf("/staff/slots/%d/book", slots[0].ID)
		loc, _ := time.LoadLocation("Europe/Helsinki")
		cal := nurse.get("/staff/calendar?date=" + slots[0].Start.In(loc).Format(time.DateOnly))
		if !strings.Contains(cal.body, fmt.Sprintf(`id="book-for-%d"`, slots[0].ID)) {
			t.Fatalf("the calendar has no way to book for a client: %d", cal.status)
		}
		if r := nurse.get(path); r.status != http.StatusOK || !strings.Contains(r.body, `id="book-for"`) {
			t.Fatalf("page: %d", r.status)
		}
		// Only staff of the slot's unit.
		wantStatus(t, anna.get(path), http.StatusForbidden, "resident")
		wantStatus(t, nurse.get(fmt.Sprintf("/staff/slots/%d/book", toolo[0].ID)), http.StatusNotFound, "another unit's slot")
		wantStatus(t, nurse.formPost(fmt.Sprintf("/staff/slots/%d/book", toolo[0].ID), url.Values{"personal_id": {annaID}, "basis": {"care_relationship"}}), http.StatusNotFound, "booking another unit's slot")

		// A mistyped code and a code nobody has: the form again, with why and
		// with what was typed; nothing booked.
		r := nurse.formPost(path, url.Values{"personal_id": {"140388-90X"}, "basis": {"care_relationship"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="book-for-error"`) || !strings.Contains(r.body, `value="140388-90X"`) {
			t.Errorf("malformed code: %d", r.status)
		}
		nobody := sotepe.SyntheticPersonalID(time.Date(1950, 1, 2, 0, 0, 0, 0, time.UTC), 977)
		r = nurse.formPost(path, url.Values{"personal_id": {nobody}, "basis": {"care_relationship"}})
		if r.status != http.StatusNotFound || !strings.Contains(r.body, "Henkilötunnuksella ei löytynyt") {
			t.Errorf("unknown code: %d", r.status)
		}
		wantStatus(t, nurse.formPost(path, url.Values{"personal_id": {annaID}, "basis": {"curiosity"}}), http.StatusBadRequest, "no basis")
		var mine struct{ Items []apptJSON }
		anna.get("/api/v1/appointments").json(t, &mine)
		if len(mine.Items) != 0 {
			t.Fatalf("booked by refusals: %+v", mine.Items)
		}

		// Booked for Anna, without a ticket, as the nurse decided.
		r = nurse.formPost(path, url.Values{"personal_id": {annaID}, "basis": {"care_relationship"}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/appointments/") {
			t.Fatalf("book for anna: %d %s", r.status, r.body)
		}
		if page := nurse.get(r.header.Get("Location")); page.status != http.StatusOK || !strings.Contains(page.body, "Anna Virtanen") {
			t.Errorf("the new appointment: %d", page.status)
		}
		anna.get("/api/v1/appointments").json(t, &mine)
		if len(mine.Items) != 1 || mine.Items[0].Slot != slots[0].ID || mine.Items[0].Status != "booked" {
			t.Fatalf("anna's appointments: %+v", mine.Items)
		}
		// The read of her data and the booking are in her access log, the
		// booking in the nurse's name.
		var access struct {
			Items []struct {
				Action, Basis string
				Actor         string `json:"actor_name"`
			}
		}
		r = anna.get("/api/v1/me/access-log")
		r.json(t, &access)
		found := false
		for _, a := range access.Items {
			found = found || a.Action == sotepe.ActionResidentSearch && a.Basis == "care_relationship"
		}
		if !found {
			t.Errorf("no audited read in anna's access log: %s", r.body)
		}
		// The same time again: taken, told on the form.
		if r := nurse.formPost(path, url.Values{"personal_id": {annaID}, "basis": {"care_relationship"}}); r.status != http.StatusConflict || !strings.Contains(r.body, `id="book-for-error"`) {
			t.Errorf("taken: %d", r.status)
		}
	})
}

func TestBookingRulesPage(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		nurse, manager, admin := e.as("nurse"), e.as("manager"), e.as("admin")
		// The rules hold at every unit offering the service: a unit's manager
		// does not set them for the others, by the page, the form or the API.
		wantStatus(t, nurse.get("/staff/booking-rules"), http.StatusForbidden, "nurse")
		wantStatus(t, manager.get("/staff/booking-rules?service=doctor-appointment"), http.StatusForbidden, "manager's page")
		form := url.Values{"service": {"doctor-appointment"}, "direct": {"true"}, "cancel_hours": {"48"}, "hold_hours": {"12"},
			"guarantee_days": {"90"}, "guarantee_days_young": {"14"}}
		wantStatus(t, manager.formPost("/staff/booking-rules", form), http.StatusForbidden, "manager saves")
		wantStatus(t, manager.do("PUT", "/api/v1/services/doctor-appointment/booking", `{"direct_booking":true,"cancel_limit_hours":48,"offer_hold_hours":12,"guarantee_days":90,"guarantee_days_young":14}`), http.StatusForbidden, "manager saves by the API")
		if rules := manager.get("/api/v1/services/doctor-appointment/booking"); !strings.Contains(rules.body, `"cancel_limit_hours":24`) {
			t.Fatalf("a refused change changed the rules: %s", rules.body)
		}

		page := admin.get("/staff/booking-rules?service=doctor-appointment")
		if page.status != http.StatusOK || !strings.Contains(page.body, `id="rules"`) || !strings.Contains(page.body, `name="cancel_hours" value="24"`) ||
			!strings.Contains(page.body, `value="dental-care"`) {
			t.Fatalf("admin's page: %d", page.status)
		}
		wantStatus(t, admin.get("/staff/booking-rules?service=no-such-service"), http.StatusNotFound, "an unknown service's page")
		r := admin.formPost("/staff/booking-rules", form)
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="rules-message"`) {
			t.Fatalf("save: %d", r.status)
		}
		rules := admin.get("/api/v1/services/doctor-appointment/booking")
		if !strings.Contains(rules.body, `"direct_booking":true`) || !strings.Contains(rules.body, `"cancel_limit_hours":48`) || !strings.Contains(rules.body, `"offer_hold_hours":12`) {
			t.Fatalf("saved rules: %s", rules.body)
		}
		// Not whole numbers, or out of range: the form again, nothing saved.
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("cancel_hours", "kaksi")
		if r := admin.formPost("/staff/booking-rules", bad); r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="rules-error"`) || !strings.Contains(r.body, "whole numbers") {
			t.Errorf("words for hours: %d", r.status)
		}
		bad.Set("cancel_hours", "24")
		bad.Set("hold_hours", "0")
		if r := admin.formPost("/staff/booking-rules", bad); r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="rules-error"`) || !strings.Contains(r.body, `name="hold_hours" value="0"`) {
			t.Errorf("zero hold: %d", r.status)
		}
		if rules := admin.get("/api/v1/services/doctor-appointment/booking"); !strings.Contains(rules.body, `"cancel_limit_hours":48`) || !strings.Contains(rules.body, `"offer_hold_hours":12`) {
			t.Errorf("a refused form changed the rules: %s", rules.body)
		}
		dental := url.Values{"service": {"dental-care"}, "cancel_hours": {"24"}, "hold_hours": {"15"}, "guarantee_days": {"180"}, "guarantee_days_young": {"14"}}
		if r := admin.formPost("/staff/booking-rules", dental); r.status != http.StatusOK || !strings.Contains(r.body, `id="rules-message"`) {
			t.Errorf("admin saves dental care: %d", r.status)
		}
		if r := manager.get("/api/v1/services/dental-care/booking"); !strings.Contains(r.body, `"direct_booking":false`) {
			t.Errorf("dental care: %s", r.body)
		}
	})
}

// Concurrent misses of one free-time search wait for the first: exactly
// one of them runs the search, and all get its answer.
func TestSlotSearchConcurrentMisses(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		const n = 24
		type result struct {
			status int
			cache  string
			body   string
		}
		results := make(chan result, n)
		start := make(chan struct{})
		for range n {
			go func() {
				c := e.client()
				<-start
				req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/slots?service=health-station-nurse&evening=true&limit=40", nil)
				res, err := c.hc.Do(req)
				if err != nil {
					results <- result{}
					return
				}
				defer res.Body.Close()
				b := new(strings.Builder)
				_, _ = io.Copy(b, res.Body)
				results <- result{res.StatusCode, res.Header.Get("X-Cache"), b.String()}
			}()
		}
		close(start)
		misses := 0
		var first string
		for range n {
			r := <-results
			if r.status != http.StatusOK || !strings.Contains(r.body, `"evening":true`) {
				t.Fatalf("search: %d %q", r.status, r.body)
			}
			if first == "" {
				first = r.body
			} else if r.body != first {
				t.Errorf("answers differ")
			}
			switch r.cache {
			case "miss":
				misses++
			case "shared", "hit":
			default:
				t.Errorf("X-Cache %q", r.cache)
			}
		}
		if misses != 1 {
			t.Errorf("%d of %d concurrent searches ran the query", misses, n)
		}
	})
}

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/demo"
)

// withSlots loads the demo's booking rules and free times into e, twice to
// show that the load is idempotent.
func withSlots(t *testing.T, e *env) {
	t.Helper()
	loc, _ := time.LoadLocation("Europe/Helsinki")
	n, err := demo.LoadAppointments(context.Background(), e.store, e.clock.Now(), loc)
	if err != nil || n < 100 {
		t.Fatalf("demo times: %d, %v", n, err)
	}
	if again, err := demo.LoadAppointments(context.Background(), e.store, e.clock.Now(), loc); err != nil || again != 0 {
		t.Fatalf("second load opened %d, %v", again, err)
	}
}

type slotJSON struct {
	ID      int64     `json:"id"`
	Service string    `json:"service"`
	Unit    string    `json:"unit"`
	Start   time.Time `json:"start"`
	Mode    string    `json:"mode"`
	Evening bool      `json:"evening"`
	State   string    `json:"state"`
}

type apptJSON struct {
	ID           int64     `json:"id"`
	Slot         int64     `json:"slot"`
	Service      string    `json:"service"`
	Start        time.Time `json:"start"`
	Status       string    `json:"status"`
	Evening      bool      `json:"evening"`
	Resident     int64     `json:"resident"`
	ResidentName string    `json:"resident_name"`
	CalendarURL  string    `json:"calendar_url"`
	VideoURL     string    `json:"video_url"`
}

// search returns the free slots the query finds, checking the answer.
func (c *client) search(query string) []slotJSON {
	c.e.t.Helper()
	r := c.get("/api/v1/slots?" + query)
	if r.status != http.StatusOK {
		c.e.t.Fatalf("search %s: %d %s", query, r.status, r.body)
	}
	var page struct{ Items []slotJSON }
	r.json(c.e.t, &page)
	return page.Items
}

func (c *client) book(slot int64) (response, apptJSON) {
	c.e.t.Helper()
	r := c.do("POST", "/api/v1/appointments", fmt.Sprintf(`{"slot":%d}`, slot))
	var a apptJSON
	if r.status == http.StatusCreated {
		r.json(c.e.t, &a)
	}
	return r, a
}

func TestAppointmentBookingAPI(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anon, anna, erik := e.client(), e.as("anna"), e.as("erik")

		// Anyone may search; evening=true finds only evening times.
		evening := anon.search("service=health-station-nurse&unit=kallio-health-station&evening=true&limit=5")
		if len(evening) == 0 {
			t.Fatal("no evening times at Kallio")
		}
		loc, _ := time.LoadLocation("Europe/Helsinki")
		for _, s := range evening {
			if !s.Evening || s.Start.In(loc).Hour() < 16 || s.Unit != "kallio-health-station" || s.State != "" {
				t.Fatalf("evening search found %+v", s)
			}
		}
		video := anon.search("service=health-station-nurse&mode=video&limit=3")
		if len(video) == 0 || video[0].Mode != "video" {
			t.Fatalf("video search %+v", video)
		}
		wantStatus(t, anon.get("/api/v1/slots?service=nope"), http.StatusBadRequest, "unknown service")

		// Anna books an evening time and gets its calendar file.
		r, a := anna.book(evening[0].ID)
		if r.status != http.StatusCreated || a.Status != "booked" || !a.Evening {
			t.Fatalf("book: %d %s", r.status, r.body)
		}
		ics := anna.get(a.CalendarURL)
		if ics.status != http.StatusOK || !strings.HasPrefix(ics.header.Get("Content-Type"), "text/calendar") ||
			!strings.Contains(ics.body, "BEGIN:VEVENT\r\n") || !strings.Contains(ics.body, "DTSTART:"+a.Start.UTC().Format("20060102T150405Z")+"\r\n") ||
			!strings.Contains(ics.body, "Kallion terveysasema") {
			t.Fatalf("ics: %d %q", ics.status, ics.body)
		}
		// The same slot again, for Erik: taken, said in Swedish.
		r, _ = erik.book(evening[0].ID)
		if code, msg := r.errorCode(t); r.status != http.StatusConflict || code != sotepe.EConflict || !strings.Contains(msg, "Tyvärr") {
			t.Errorf("double booking: %d %s", r.status, r.body)
		}
		// Erik sees nothing of Anna's appointment: the same 404 as for none.
		for _, path := range []string{fmt.Sprintf("/api/v1/appointments/%d", a.ID), a.CalendarURL, "/api/v1/appointments/999999"} {
			if r := erik.get(path); r.status != http.StatusNotFound {
				t.Errorf("erik GET %s: %d", path, r.status)
			}
		}
		wantStatus(t, erik.do("POST", fmt.Sprintf("/api/v1/appointments/%d/cancel", a.ID), ""), http.StatusNotFound, "erik cancels anna's")
		var list struct{ Items []apptJSON }
		erik.get("/api/v1/appointments").json(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("erik lists %+v", list.Items)
		}
		anna.get("/api/v1/appointments").json(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != a.ID || list.Items[0].ResidentName != "" {
			t.Errorf("anna lists %+v", list.Items)
		}

		// A slot of another service, and rebooking to one.
		dental := anon.search("service=dental-care&limit=1")
		r = anna.do("POST", "/api/v1/appointments", fmt.Sprintf(`{"slot":%d,"service":"health-station-nurse"}`, dental[0].ID))
		if code, msg := r.errorCode(t); r.status != http.StatusBadRequest || code != sotepe.EInvalid || !strings.Contains(msg, "toisen palvelun") {
			t.Errorf("wrong service: %d %s", r.status, r.body)
		}
		r = anna.do("POST", fmt.Sprintf("/api/v1/appointments/%d/reschedule", a.ID), fmt.Sprintf(`{"slot":%d}`, dental[0].ID))
		wantStatus(t, r, http.StatusBadRequest, "reschedule to another service")
		// Rebooking to another nurse's time moves the appointment.
		r = anna.do("POST", fmt.Sprintf("/api/v1/appointments/%d/reschedule", a.ID), fmt.Sprintf(`{"slot":%d}`, evening[1].ID))
		var moved apptJSON
		needStatus(t, r, http.StatusCreated, "reschedule")
		r.json(t, &moved)
		var old apptJSON
		anna.get(fmt.Sprintf("/api/v1/appointments/%d", a.ID)).json(t, &old)
		if old.Status != "cancelled" || moved.Slot != evening[1].ID {
			t.Errorf("after reschedule old %s, new slot %d", old.Status, moved.Slot)
		}

		// The doctor's appointment needs a ticket.
		doctor := anon.search("service=doctor-appointment&limit=1")
		r, _ = anna.book(doctor[0].ID)
		if code, _ := r.errorCode(t); r.status != http.StatusForbidden || code != sotepe.EForbidden {
			t.Errorf("doctor without ticket: %d %s", r.status, r.body)
		}
		nurse := e.as("nurse")
		r = nurse.do("POST", "/api/v1/appointment-tickets", fmt.Sprintf(`{"resident":%d,"service":"doctor-appointment"}`, e.ids.Residents["anna"]))
		needStatus(t, r, http.StatusCreated, "ticket")
		if r, _ := anna.book(doctor[0].ID); r.status != http.StatusCreated {
			t.Errorf("doctor with ticket: %d %s", r.status, r.body)
		}

		// Cancelling within 24 hours of the start is refused, in Finnish.
		soon := anon.search("service=health-station-nurse&unit=kallio-health-station&limit=1")
		if soon[0].Start.Sub(e.clock.Now()) >= 24*time.Hour {
			t.Fatalf("the first free time %v is not within a day", soon[0].Start)
		}
		r, near := anna.book(soon[0].ID)
		needStatus(t, r, http.StatusCreated, "book soon")
		// Its page says so instead of offering a button that would only be
		// refused; the time more than a day away still has its button.
		page := anna.get(fmt.Sprintf("/appointments/%d", near.ID))
		if needStatus(t, page, http.StatusOK, "late page"); strings.Contains(page.body, `id="cancel"`) || !strings.Contains(page.body, `id="cancel-closed"`) {
			t.Errorf("the page of a time within a day offers to cancel it:\n%.2000s", page.body)
		}
		page = anna.get(fmt.Sprintf("/appointments/%d", moved.ID))
		if needStatus(t, page, http.StatusOK, "open page"); !strings.Contains(page.body, `id="cancel"`) || strings.Contains(page.body, `id="cancel-closed"`) {
			t.Errorf("the page of a time days away does not offer to cancel it:\n%.2000s", page.body)
		}
		r = anna.do("POST", fmt.Sprintf("/api/v1/appointments/%d/cancel", near.ID), "")
		if code, msg := r.errorCode(t); r.status != http.StatusConflict || code != sotepe.EConflict || !strings.Contains(msg, "24 tuntia") {
			t.Errorf("late cancel: %d %s", r.status, r.body)
		}
		r = anna.do("POST", fmt.Sprintf("/api/v1/appointments/%d/cancel", moved.ID), "")
		wantStatus(t, r, http.StatusOK, "cancel")
		// Booking a time that has passed.
		later := anon.search("service=health-station-nurse&unit=toolo-health-station&limit=1")
		e.clock.Add(later[0].Start.Sub(e.clock.Now()) + time.Minute)
		anna.login("anna") // the session went idle meanwhile
		r, _ = anna.book(later[0].ID)
		if code, msg := r.errorCode(t); r.status != http.StatusBadRequest || code != sotepe.EInvalid || !strings.Contains(msg, "mennyt") {
			t.Errorf("past booking: %d %s", r.status, r.body)
		}
	})
}

func TestAppointmentStaffCalendarAndFigures(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna, nurse, manager := e.as("anna"), e.as("nurse"), e.as("manager")
		slots := anna.search("service=health-station-nurse&unit=kallio-health-station&evening=true&limit=1")
		_, a := anna.book(slots[0].ID)
		if a.ID == 0 {
			t.Fatal("not booked")
		}
		loc, _ := time.LoadLocation("Europe/Helsinki")
		date := a.Start.In(loc).Format(time.DateOnly)

		// The nurse's own week shows Anna by name; the read is audited.
		var cal struct {
			Days []struct {
				Date    string
				Entries []struct {
					Slot        slotJSON
					Appointment *apptJSON
				}
			}
		}
		r := nurse.get("/api/v1/appointment-calendar?view=week&mine=true&date=" + date)
		needStatus(t, r, http.StatusOK, "calendar")
		r.json(t, &cal)
		found := false
		for _, d := range cal.Days {
			for _, en := range d.Entries {
				if en.Appointment != nil && en.Appointment.ID == a.ID {
					found = en.Appointment.ResidentName == "Anna Virtanen" && en.Slot.State == "booked"
				}
			}
		}
		if len(cal.Days) != 7 || !found {
			t.Fatalf("the nurse's week lacks anna's appointment: %s", r.body)
		}
		var access struct{ Items []struct{ Action string } }
		anna.get("/api/v1/me/access-log").json(t, &access)
		if len(access.Items) == 0 || access.Items[0].Action != sotepe.ActionAppointmentRead {
			t.Errorf("access log %+v", access.Items)
		}
		// Staff of another unit cannot see the calendar of Kallio.
		wantStatus(t, nurse.get("/api/v1/appointment-calendar?unit=toolo-health-station"), http.StatusForbidden, "another unit's calendar")
		// Residents have no calendar and cannot mark.
		wantStatus(t, anna.get("/api/v1/appointment-calendar"), http.StatusForbidden, "resident's calendar")
		wantStatus(t, anna.do("POST", fmt.Sprintf("/api/v1/appointments/%d/mark", a.ID), `{"status":"completed"}`), http.StatusNotFound, "resident marks")
		// Completing records a service event and asks for feedback.
		r = nurse.do("POST", fmt.Sprintf("/api/v1/appointments/%d/mark", a.ID), `{"status":"completed"}`)
		if r.status != http.StatusOK || !strings.Contains(r.body, `"status":"completed"`) {
			t.Fatalf("mark: %d %s", r.status, r.body)
		}
		pending, err := e.store.PendingNotifications(context.Background(), e.clock.Now().Add(time.Hour), 100)
		if err != nil {
			t.Fatal(err)
		}
		feedback := 0
		for _, n := range pending {
			if n.Kind == sotepe.NotifyApptFeedback && n.UserID == e.ids.Users["anna"] {
				feedback++
			}
		}
		if feedback != 1 {
			t.Errorf("%d feedback requests in the outbox", feedback)
		}

		// Opening by a weekly template, then closing one of the new times.
		day := e.clock.Now().In(loc).AddDate(0, 0, 30).Format(time.DateOnly)
		r = nurse.do("POST", "/api/v1/slots", `{"unit":"kallio-health-station","service":"diabetes-care","mode":"video","minutes":20,
		"template":{"from":"`+day+`","to":"`+day+`","periods":[{"weekday":1,"start":"16:00","end":"17:00"},{"weekday":2,"start":"16:00","end":"17:00"},{"weekday":3,"start":"16:00","end":"17:00"},{"weekday":4,"start":"16:00","end":"17:00"},{"weekday":5,"start":"16:00","end":"17:00"},{"weekday":6,"start":"16:00","end":"17:00"},{"weekday":7,"start":"16:00","end":"17:00"}]}}`)
		if r.status != http.StatusCreated || !strings.Contains(r.body, `"created":3`) {
			t.Fatalf("open: %d %s", r.status, r.body)
		}
		wantStatus(t, nurse.do("POST", "/api/v1/slots", `{"unit":"toolo-health-station","service":"health-station-nurse","mode":"video","minutes":20,"start":"2026-12-01T10:00:00+02:00"}`), http.StatusForbidden, "open at another unit")
		diab := anna.search("service=diabetes-care&from=" + day + "&to=" + day)
		if len(diab) != 3 {
			t.Fatalf("new times %+v", diab)
		}
		wantStatus(t, nurse.do("POST", fmt.Sprintf("/api/v1/slots/%d/close", diab[0].ID), ""), http.StatusNoContent, "close")
		if got := anna.search("service=diabetes-care&from=" + day + "&to=" + day); len(got) != 2 {
			t.Errorf("after close %d times", len(got))
		}

		// The care-guarantee figures: for managers, not for the nurse.
		wantStatus(t, nurse.get("/api/v1/stats/appointments"), http.StatusForbidden, "nurse's figures")
		var figs struct {
			Items []struct {
				Unit, Service string
				Appointments  int
				Share         *float64 `json:"share_within_guarantee"`
				T3            *float64 `json:"t3_days"`
			}
		}
		r = manager.get("/api/v1/stats/appointments")
		needStatus(t, r, http.StatusOK, "figures")
		r.json(t, &figs)
		ok := false
		for _, f := range figs.Items {
			if f.Unit != "kallio-health-station" {
				t.Errorf("a manager sees another unit: %+v", f)
			}
			if f.Service == "health-station-nurse" {
				ok = f.Appointments == 1 && f.Share != nil && *f.Share == 1 && f.T3 != nil
			}
		}
		if !ok {
			t.Errorf("figures %s", r.body)
		}
		if r := manager.get("/stats/appointments?lang=sv"); r.status != http.StatusOK || !strings.Contains(r.body, "Vårdgaranti") {
			t.Errorf("figures page: %d", r.status)
		}
	})
}

func TestAppointmentPagesWithoutJavaScript(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna, nurse := e.as("anna"), e.as("nurse")
		page := anna.get("/appointments/new?service=health-station-nurse&unit=kallio-health-station&evening=true")
		if page.status != http.StatusOK || !strings.Contains(page.body, `id="free-times"`) || !strings.Contains(page.body, "ilta-aika") {
			t.Fatalf("search page: %d", page.status)
		}
		slots := anna.search("service=health-station-nurse&unit=kallio-health-station&evening=true&limit=2")
		form := url.Values{"slot": {fmt.Sprint(slots[0].ID)}, "service": {"health-station-nurse"}}
		r := anna.do("POST", "/appointments/book", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "?booked=1") {
			t.Fatalf("book form: %d %s", r.status, r.body)
		}
		detail := anna.get(r.header.Get("Location"))
		if detail.status != http.StatusOK || !strings.Contains(detail.body, `id="ics"`) || !strings.Contains(detail.body, "varattu") {
			t.Fatalf("detail: %d", detail.status)
		}
		// The same time again: the search again, with why.
		r = anna.do("POST", "/appointments/book", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if r.status != http.StatusConflict || !strings.Contains(r.body, `id="appt-error"`) {
			t.Errorf("taken by form: %d", r.status)
		}
		list := anna.get("/appointments")
		if list.status != http.StatusOK || !strings.Contains(list.body, `id="my-appointments"`) {
			t.Fatalf("list: %d", list.status)
		}
		cal := nurse.get("/staff/calendar?view=week&date=" + slots[0].Start.Format(time.DateOnly))
		if cal.status != http.StatusOK || !strings.Contains(cal.body, "Anna Virtanen") {
			t.Errorf("calendar page: %d", cal.status)
		}
		wantStatus(t, anna.get("/staff/calendar"), http.StatusForbidden, "resident on the calendar page")
	})
}

func TestServiceBookingRules(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anon, nurse, admin, anna := e.client(), e.as("nurse"), e.as("admin"), e.as("anna")
		r := anon.get("/api/v1/services/doctor-appointment/booking")
		if r.status != http.StatusOK || !strings.Contains(r.body, `"direct_booking":false`) || !strings.Contains(r.body, `"cancel_limit_hours":24`) {
			t.Fatalf("rules: %d %s", r.status, r.body)
		}
		wantStatus(t, anon.get("/api/v1/services/nope/booking"), http.StatusNotFound, "unknown service")
		rules := `{"direct_booking":true,"cancel_limit_hours":48,"offer_hold_hours":15,"guarantee_days":90,"guarantee_days_young":14}`
		wantStatus(t, nurse.do("PUT", "/api/v1/services/doctor-appointment/booking", rules), http.StatusForbidden, "nurse sets rules")
		wantStatus(t, admin.do("PUT", "/api/v1/services/doctor-appointment/booking", strings.Replace(rules, "48", "-1", 1)), http.StatusBadRequest, "negative limit")
		if r := admin.do("PUT", "/api/v1/services/doctor-appointment/booking", rules); r.status != http.StatusOK || !strings.Contains(r.body, `"cancel_limit_hours":48`) {
			t.Fatalf("admin sets rules: %d %s", r.status, r.body)
		}
		// Now booked directly, and cancellable only until 48 hours before.
		slots := anna.search("service=doctor-appointment&from=" + e.clock.Now().AddDate(0, 0, 1).Format(time.DateOnly) + "&limit=1")
		r, a := anna.book(slots[0].ID)
		needStatus(t, r, http.StatusCreated, "direct doctor booking")
		if a.Start.Sub(e.clock.Now()) >= 48*time.Hour {
			t.Fatalf("the time %v is not within 48 hours", a.Start)
		}
		r = anna.do("POST", fmt.Sprintf("/api/v1/appointments/%d/cancel", a.ID), "")
		if code, msg := r.errorCode(t); code != sotepe.EConflict || !strings.Contains(msg, "48 tuntia") {
			t.Errorf("cancel within 48 hours: %d %s", r.status, r.body)
		}
	})
}

func TestWaitlistAPI(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna, erik := e.as("anna"), e.as("erik")
		// Erik books a time two weeks ahead and asks for an earlier one.
		later := erik.search("service=health-station-nurse&unit=kallio-health-station&from=" + e.clock.Now().AddDate(0, 0, 14).Format(time.DateOnly) + "&limit=1")
		_, b := erik.book(later[0].ID)
		r := erik.do("POST", "/api/v1/waitlist", fmt.Sprintf(`{"appointment":%d}`, b.ID))
		needStatus(t, r, http.StatusCreated, "join")
		var entry struct {
			ID     int64
			Status string
		}
		r.json(t, &entry)
		wantStatus(t, erik.do("POST", "/api/v1/waitlist", fmt.Sprintf(`{"appointment":%d}`, b.ID)), http.StatusConflict, "joining twice")
		wantStatus(t, anna.do("POST", "/api/v1/waitlist", fmt.Sprintf(`{"appointment":%d}`, b.ID)), http.StatusNotFound, "anna joins with erik's appointment")
		// Anna books an earlier time and cancels it: it is offered to Erik,
		// and nobody else can book it meanwhile.
		early := anna.search("service=health-station-nurse&unit=kallio-health-station&from=" + e.clock.Now().AddDate(0, 0, 3).Format(time.DateOnly) + "&limit=1")
		_, a := anna.book(early[0].ID)
		needStatus(t, anna.do("POST", fmt.Sprintf("/api/v1/appointments/%d/cancel", a.ID), ""), http.StatusOK, "cancel")
		var list struct {
			Items []struct {
				ID    int64
				Offer *slotJSON
			}
		}
		erik.get("/api/v1/waitlist").json(t, &list)
		if len(list.Items) != 1 || list.Items[0].Offer == nil || list.Items[0].Offer.ID != early[0].ID {
			t.Fatalf("erik's waiting list %+v", list.Items)
		}
		if r, _ := anna.book(early[0].ID); r.status != http.StatusConflict {
			t.Errorf("anna books the offered time: %d", r.status)
		}
		wantStatus(t, anna.do("DELETE", fmt.Sprintf("/api/v1/waitlist/%d", entry.ID), ""), http.StatusNotFound, "anna leaves erik's entry")
		// Erik accepts: the earlier time replaces the later one.
		r, got := erik.book(early[0].ID)
		needStatus(t, r, http.StatusCreated, "accept")
		var old apptJSON
		erik.get(fmt.Sprintf("/api/v1/appointments/%d", b.ID)).json(t, &old)
		if old.Status != "cancelled" || got.Slot != early[0].ID {
			t.Errorf("after accepting: old %s", old.Status)
		}
		erik.get("/api/v1/waitlist").json(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("still waiting %+v", list.Items)
		}
	})
}

func TestSearchNearMe(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna := e.as("anna") // lives in Kallio
		near := anna.search("service=health-station-nurse&near=true&limit=50")
		if len(near) == 0 {
			t.Fatal("nothing near anna")
		}
		for _, s := range near {
			if s.Unit != "kallio-health-station" {
				t.Errorf("near anna: %s", s.Unit)
			}
		}
		all := anna.search("service=health-station-nurse&limit=50")
		units := map[string]bool{}
		for _, s := range all {
			units[s.Unit] = true
		}
		if len(units) < 2 {
			t.Errorf("without near only %v", units)
		}
	})
}

func TestNearMeIsNotShared(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna, erik := e.client(), e.client()
		anna.login("anna") // Kallio
		erik.login("erik") // Töölö
		// One language, so that both ask with the same cache key.
		q := "service=health-station-nurse&near=true&limit=5&lang=fi"
		a, b := anna.search(q), erik.search(q)
		if len(a) == 0 || len(b) == 0 || a[0].Unit == b[0].Unit {
			t.Fatalf("near anna %+v, near erik %+v", a, b)
		}
	})
}

func TestVideoWaitingRoom(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna, nurse, erik := e.as("anna"), e.client(), e.client()
		video := anna.search("service=health-station-nurse&unit=kallio-health-station&mode=video&limit=1")
		_, a := anna.book(video[0].ID)
		if a.VideoURL == "" {
			t.Fatalf("no video link: %+v", a)
		}
		if r := anna.get(a.VideoURL); r.status != http.StatusOK || !strings.Contains(r.body, "Odotushuone avautuu") {
			t.Fatalf("before: %d", r.status)
		}
		e.clock.Add(video[0].Start.Sub(e.clock.Now()) - 5*time.Minute)
		anna.login("anna")
		nurse.login("nurse")
		erik.login("erik")
		if r := nurse.get(a.VideoURL); !strings.Contains(r.body, "Asiakas ei ole vielä saapunut") {
			t.Errorf("nurse before anna enters: %d", r.status)
		}
		wantStatus(t, erik.do("POST", a.VideoURL, ""), http.StatusNotFound, "erik enters anna's room")
		needStatus(t, anna.do("POST", a.VideoURL, ""), http.StatusSeeOther, "enter")
		if r := anna.get(a.VideoURL); !strings.Contains(r.body, "Olet odotushuoneessa") {
			t.Errorf("anna after entering: %d", r.status)
		}
		if r := nurse.get(a.VideoURL); !strings.Contains(r.body, "Asiakas odottaa odotushuoneessa") {
			t.Errorf("nurse after anna entered: %d", r.status)
		}
	})
}

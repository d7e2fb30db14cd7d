package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

type contactJSON struct {
	ID              int64   `json:"id"`
	Resident        int64   `json:"resident"`
	Service         string  `json:"service"`
	Unit            string  `json:"unit"`
	Channel         string  `json:"channel"`
	Status          string  `json:"status"`
	ReceivedAt      string  `json:"received_at"`
	DueAt           string  `json:"due_at"`
	FirstAnsweredAt *string `json:"first_answered_at"`
	NearDue         bool    `json:"near_due"`
	Breached        bool    `json:"breached"`
	Resolution      string  `json:"resolution"`
	Messages        []struct {
		Body      string `json:"body"`
		FromStaff bool   `json:"from_staff"`
		Internal  bool   `json:"internal"`
	} `json:"messages"`
}

// erikWrites has erik write to the Kallio health station's nurses and
// returns the request.
func erikWrites(t *testing.T, e *env, erik *client) contactJSON {
	t.Helper()
	r := erik.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","unit":"kallio-health-station","message":"Jag har haft feber i tre dagar."}`)
	needStatus(t, r, http.StatusCreated, "erik writes")
	var c contactJSON
	r.json(t, &c)
	return c
}

func TestResidentWritesAndNurseAnswers(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		erik := e.as("erik")
		c := erikWrites(t, e, erik)
		// Received on Monday 23 November 2026 at 10:00: due on Wednesday at 16:00.
		if c.DueAt != "2026-11-25T16:00:00+02:00" || c.Status != "new" || c.Channel != "portal" || c.Unit != "kallio-health-station" {
			t.Fatalf("request = %+v", c)
		}
		if c.FirstAnsweredAt != nil || len(c.Messages) != 1 {
			t.Fatalf("a new request has an answer or lacks its message: %+v", c)
		}
		nurse := e.as("nurse")
		queue := nurse.contactRequests("?status=open")
		if len(queue.Items) == 0 || queue.Items[0].ID != c.ID {
			t.Fatalf("the nurse's queue does not start with erik's request: %+v", queue.Items)
		}
		needStatus(t, nurse.do("POST", fmt.Sprintf("/api/v1/contact-requests/%d/messages", c.ID), `{"message":"Ring oss om febern stiger.","internal":false}`), 201, "nurse answers")
		needStatus(t, nurse.do("POST", fmt.Sprintf("/api/v1/contact-requests/%d/messages", c.ID), `{"message":"Internal: checked the history.","internal":true}`), 201, "nurse's note")
		var seen contactJSON
		erik.get(fmt.Sprintf("/api/v1/contact-requests/%d", c.ID)).json(t, &seen)
		if seen.Status != "answered" || seen.FirstAnsweredAt == nil || len(seen.Messages) != 2 || seen.Messages[1].Body != "Ring oss om febern stiger." {
			t.Fatalf("erik sees %+v", seen)
		}
		for _, m := range seen.Messages {
			if m.Internal || strings.Contains(m.Body, "Internal") {
				t.Fatal("the resident sees an internal note")
			}
		}
		needStatus(t, erik.do("POST", fmt.Sprintf("/api/v1/contact-requests/%d/messages", c.ID), `{"message":"Tack!"}`), 201, "erik answers back")
		erik.get(fmt.Sprintf("/api/v1/contact-requests/%d", c.ID)).json(t, &seen)
		if seen.Status != "in_progress" {
			t.Errorf("after the resident's reply the status is %s", seen.Status)
		}
		needStatus(t, nurse.do("POST", fmt.Sprintf("/api/v1/contact-requests/%d/close", c.ID), `{"resolution":"answered"}`), 200, "close")
		r := nurse.do("POST", fmt.Sprintf("/api/v1/contact-requests/%d/close?lang=sv", c.ID), `{"resolution":"answered"}`)
		if code, msg := r.errorCode(t); r.status != 409 || code != "conflict" || msg != "Förfrågan är redan stängd." {
			t.Errorf("closing twice: %d %s %q", r.status, code, msg)
		}
		// The nurse's read shows in erik's access log.
		var log accessPage
		erik.get("/api/v1/me/access-log").json(t, &log)
		if len(log.Items) == 0 || log.Items[0].Action != "contact.read" {
			t.Errorf("erik's access log: %+v", log.Items)
		}
	})
}

func TestOthersRequestsAreNotFoundOnEveryEndpoint(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		erik := e.as("erik")
		c := erikWrites(t, e, erik)
		anna := e.as("anna")
		for _, id := range []string{fmt.Sprint(c.ID), "999999", "abc"} {
			for _, tc := range []struct{ method, path, body string }{
				{"GET", "/api/v1/contact-requests/" + id, ""},
				{"POST", "/api/v1/contact-requests/" + id + "/messages", `{"message":"hello"}`},
				{"POST", "/api/v1/contact-requests/" + id + "/assign", `{}`},
				{"POST", "/api/v1/contact-requests/" + id + "/close", `{"resolution":"answered"}`},
			} {
				r := anna.do(tc.method, tc.path, tc.body)
				code, _ := r.errorCode(t)
				// assign and close answer 403 to any resident before looking the
				// request up, so they reveal nothing either.
				if tc.path == "/api/v1/contact-requests/"+id || strings.HasSuffix(tc.path, "/messages") {
					if r.status != 404 || code != "not_found" {
						t.Errorf("anna %s %s: %d %s, want 404", tc.method, tc.path, r.status, code)
					}
				} else if r.status != 404 && r.status != 403 {
					t.Errorf("anna %s %s: %d", tc.method, tc.path, r.status)
				}
			}
		}
		own := anna.contactRequests("")
		if len(own.Items) != 0 {
			t.Errorf("anna lists %d requests that are not hers", len(own.Items))
		}
		analyst := e.as("analyst")
		wantStatus(t, analyst.get("/api/v1/contact-requests"), 403, "analyst lists requests")
		wantStatus(t, analyst.get(fmt.Sprintf("/api/v1/contact-requests/%d", c.ID)), 404, "analyst reads a request")
		wantStatus(t, e.client().get("/api/v1/contact-requests"), 401, "anonymous list")
	})
}

func TestIdempotentSubmission(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		erik := e.as("erik")
		body := `{"service":"dental-care","message":"Tandvärk sedan i går."}`
		first := erik.do("POST", "/api/v1/contact-requests", body, "Idempotency-Key", "k-1")
		second := erik.do("POST", "/api/v1/contact-requests", body, "Idempotency-Key", "k-1")
		var a, b contactJSON
		first.json(t, &a)
		second.json(t, &b)
		if first.status != 201 || second.status != 200 || a.ID != b.ID {
			t.Fatalf("retry: %d then %d, ids %d and %d", first.status, second.status, a.ID, b.ID)
		}
		own := erik.contactRequests("")
		if len(own.Items) != 1 {
			t.Fatalf("%d requests after a retried submission", len(own.Items))
		}
	})
}

func TestBadSubmissionsAreExplainedAndStoreNothing(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		erik := e.as("erik")
		for _, tc := range []struct{ body, lang, want string }{
			{`{"service":"health-station-nurse","message":"   "}`, "sv", "Skriv ett meddelande."},
			{`{"service":"health-station-nurse","message":"` + strings.Repeat("x", 5001) + `"}`, "en", "at most 5000 characters"},
			{`{"service":"no-such","message":"hei"}`, "fi", "Palvelua ei ole."},
			{`{"service":"rescue-operations","message":"hei"}`, "en", "takes no contact requests"},
			{`{"service":"health-station-nurse","unit":"central-rescue-station","message":"hei"}`, "sv", "erbjuder inte tjänsten"},
			{`{"service":"health-station-nurse","unit":"no-such-unit","message":"hei"}`, "en", "does not offer"},
		} {
			// A signed-in user's own language wins over Accept-Language; ?lang= over both.
			r := erik.do("POST", "/api/v1/contact-requests?lang="+tc.lang, tc.body)
			if code, msg := r.errorCode(t); r.status != 400 || code != "invalid" || !strings.Contains(msg, tc.want) {
				t.Errorf("%.60s: %d %s %q, want %q", tc.body, r.status, code, msg, tc.want)
			}
		}
		own := erik.contactRequests("")
		if len(own.Items) != 0 {
			t.Fatalf("bad submissions stored %d requests", len(own.Items))
		}
	})
}

func TestPhoneRequestsByProfessionals(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		annaMe := anna.me()
		nurse := e.as("nurse")
		at := func(d time.Duration) string { return e.clock.Now().Add(d).Format(time.RFC3339) }
		phone := func(received string) response {
			return nurse.do("POST", "/api/v1/contact-requests", fmt.Sprintf(
				`{"service":"health-station-nurse","message":"Soitti: kurkkukipu.","channel":"phone","resident":%d,"received_at":%q}`, annaMe.ResidentID, received))
		}
		r := phone(at(-3 * 24 * time.Hour)) // Friday 20 November at 10:00
		needStatus(t, r, 201, "phone request")
		var c contactJSON
		r.json(t, &c)
		if c.Channel != "phone" || c.Resident != annaMe.ResidentID || c.DueAt != "2026-11-24T16:00:00+02:00" {
			t.Errorf("phone request = %+v", c)
		}
		for _, received := range []string{at(2 * time.Hour), at(-31 * 24 * time.Hour)} {
			if r := phone(received); r.status != 400 {
				t.Errorf("received_at %s: %d", received, r.status)
			}
		}
		// A resident cannot record phone requests, for herself or anyone.
		r = anna.do("POST", "/api/v1/contact-requests", fmt.Sprintf(`{"service":"health-station-nurse","message":"x","channel":"phone","resident":%d,"received_at":%q}`, annaMe.ResidentID, at(0)))
		wantStatus(t, r, 403, "resident records a phone request")
		own := anna.contactRequests("")
		if len(own.Items) != 1 {
			t.Errorf("anna sees %d requests, want the one recorded for her", len(own.Items))
		}
	})
}

func TestWebsiteFormNeedsContactDetailsAndIsLimited(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		needStatus(t, c.do("POST", "/api/v1/contact-requests", `{"service":"senior-info","message":"Hur söker man hemvård?","channel":"website"}`, "Accept-Language", "sv"), 400, "without contact details")
		ok := `{"service":"senior-info","message":"Hur söker man hemvård?","channel":"website","contact":{"name":"Maja","phone":"040 123 4567"}}`
		wantStatus(t, c.do("POST", "/api/v1/contact-requests", `{"service":"senior-info","message":"x"}`), 401, "portal channel without signing in")
		first := c.do("POST", "/api/v1/contact-requests", ok, "Idempotency-Key", "w-1")
		var receipt contactJSON
		first.json(t, &receipt)
		if first.status != 201 || receipt.ID == 0 || receipt.DueAt == "" || len(receipt.Messages) != 0 {
			t.Fatalf("website receipt: %d %s", first.status, first.body)
		}
		created := 1
		var last response
		for i := 0; i < 6; i++ {
			last = c.do("POST", "/api/v1/contact-requests", ok)
			if last.status == 201 {
				created++
			}
		}
		// The request without details was refused and does not count:
		// five are accepted, the sixth waits.
		if created != 5 || last.status != 429 {
			t.Errorf("created %d, last %d; want 5 and 429", created, last.status)
		}
	})
}

func TestCalendarAPI(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		var year struct {
			Items []struct {
				Date, Kind string
				Names      map[string]string
			}
		}
		c.get("/api/v1/calendar/2025").json(t, &year)
		found := false
		for _, d := range year.Items {
			if d.Date == "2025-06-20" && d.Names["sv"] == "Midsommarafton" && d.Names["fi"] == "Juhannusaatto" {
				found = true
			}
		}
		if !found {
			t.Errorf("Midsummer Eve 2025 missing: %+v", year.Items)
		}
		var due struct {
			DueAt string `json:"due_at"`
		}
		c.get("/api/v1/calendar/deadline?from=2025-06-19T12:00:00%2B03:00").json(t, &due)
		if due.DueAt != "2025-06-24T16:00:00+03:00" { // Midsummer Eve and the weekend do not count
			t.Errorf("deadline over Midsummer: %s", due.DueAt)
		}
		for _, bad := range []string{"/api/v1/calendar/deadline?from=yesterday", "/api/v1/calendar/deadline?from=2025-06-19T12:00:00Z&working_days=99", "/api/v1/calendar/abc"} {
			if r := c.get(bad); r.status != 400 {
				t.Errorf("%s: %d", bad, r.status)
			}
		}
		admin := e.as("admin")
		closure := `{"date":"2026-11-24","names":{"fi":"Henkilöstöpäivä","sv":"Personaldag","en":"Staff day"}}`
		wantStatus(t, c.do("POST", "/api/v1/calendar/closures", closure), 401, "anonymous closure")
		needStatus(t, admin.do("POST", "/api/v1/calendar/closures", closure), 201, "admin closure")
		c.get("/api/v1/calendar/deadline?from=2026-11-23T10:00:00%2B02:00").json(t, &due)
		if due.DueAt != "2026-11-26T16:00:00+02:00" {
			t.Errorf("the closure day does not move the deadline: %s", due.DueAt)
		}
		wantStatus(t, admin.do("DELETE", "/api/v1/calendar/closures/2026-11-24", ""), 204, "delete closure")
		c.get("/api/v1/calendar/deadline?from=2026-11-23T10:00:00%2B02:00").json(t, &due)
		if due.DueAt != "2026-11-25T16:00:00+02:00" {
			t.Errorf("after removing the closure: %s", due.DueAt)
		}
	})
}

func TestBreachSweepFlagsMissedDeadlines(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		erik := e.as("erik")
		c := erikWrites(t, e, erik)
		e.clock.Add(2*24*time.Hour + 5*time.Hour) // Wednesday 15:00: one working hour left
		nurse := e.as("nurse")
		var got contactJSON
		nurse.get(fmt.Sprintf("/api/v1/contact-requests/%d", c.ID)).json(t, &got)
		if !got.NearDue || got.Breached {
			t.Errorf("an hour before the deadline: near_due %v, breached %v", got.NearDue, got.Breached)
		}
		e.clock.Add(2 * time.Hour) // past 16:00
		n, err := e.contacts.SweepBreaches(t.Context())
		if err != nil || n != 1 {
			t.Fatalf("sweep: %d, %v", n, err)
		}
		if n, _ := e.contacts.SweepBreaches(t.Context()); n != 0 {
			t.Errorf("a second sweep marked %d again", n)
		}
		nurse = e.client()
		nurse.login("nurse")
		breached := nurse.contactRequests("?breached=true")
		if len(breached.Items) != 1 || breached.Items[0].ID != c.ID {
			t.Errorf("breached filter: %+v", breached.Items)
		}
	})
}

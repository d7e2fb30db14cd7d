package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const form = "application/x-www-form-urlencoded"

func TestContactRequestPagesWithoutJavaScript(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		erik := e.as("erik")
		if r := erik.get("/requests/new"); r.status != 200 || !strings.Contains(r.body, "Skicka en kontaktförfrågan") {
			t.Fatalf("new request page: %d", r.status)
		}
		r := erik.get("/requests/new?service=health-station-nurse")
		if !strings.Contains(r.body, `value="kallio-health-station"`) {
			t.Fatalf("the second step does not offer the Kallio station")
		}
		key := regexp.MustCompile(`name="key" value="([0-9a-f]+)"`).FindStringSubmatch(r.body)
		if key == nil {
			t.Fatal("the form has no idempotency key")
		}
		post := "service=health-station-nurse&unit=kallio-health-station&message=Jag+har+ont+i+halsen.&key=" + key[1]
		r = erik.do("POST", "/requests/new", post, "Content-Type", form)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/requests/") {
			t.Fatalf("submit: %d %q", r.status, r.header.Get("Location"))
		}
		where := r.header.Get("Location")
		// A double click sends the same key: no second request.
		if again := erik.do("POST", "/requests/new", post, "Content-Type", form); again.header.Get("Location") != where {
			t.Errorf("a resubmitted form went to %q, not %q", again.header.Get("Location"), where)
		}
		page := erik.get(where)
		if !strings.Contains(page.body, "Svar utlovat senast onsdag 25 november kl. 16.00") {
			t.Errorf("the promise is not in Swedish: %s", regexp.MustCompile(`id="promise">[^<]*`).FindString(page.body))
		}
		if r := erik.do("POST", "/requests/new", "service=health-station-nurse&message=+", "Content-Type", form); r.status != 400 || !strings.Contains(r.body, "Skriv ett meddelande.") {
			t.Errorf("empty message: %d", r.status)
		}

		nurse := e.as("nurse")
		queue := nurse.get("/queue?lang=fi")
		id := strings.TrimPrefix(where, "/requests/")
		if !strings.Contains(queue.body, `href="/queue/`+id+`"`) {
			t.Fatalf("the queue page does not list the request")
		}
		needStatus(t, nurse.do("POST", "/queue/"+id+"/reply", "message=Tervetuloa+vastaanotolle.&kind=answer", "Content-Type", form), http.StatusSeeOther, "answer form")
		needStatus(t, nurse.do("POST", "/queue/"+id+"/reply", "message=muistiinpano&kind=internal", "Content-Type", form), http.StatusSeeOther, "note form")
		page = erik.get(where)
		if !strings.Contains(page.body, "Tervetuloa vastaanotolle.") || strings.Contains(page.body, "muistiinpano") {
			t.Errorf("erik's page: answer shown %v, note hidden %v", strings.Contains(page.body, "Tervetuloa"), !strings.Contains(page.body, "muistiinpano"))
		}
		needStatus(t, nurse.do("POST", "/queue/"+id+"/close", "resolution=answered", "Content-Type", form), http.StatusSeeOther, "close form")
		// Another resident's page of the same request is the same 404 as a missing one.
		anna := e.as("anna")
		wantStatus(t, anna.get(where), 404, "anna opens erik's request page")
		wantStatus(t, anna.get("/queue"), 403, "a resident opens the queue")
	})
}

func TestPhoneAndWebsiteForms(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		annaMe := anna.me()
		nurse := e.as("nurse")
		res := nurse.resident(annaMe.ResidentID, "care_relationship")
		if r := nurse.get("/queue/phone?lang=en"); r.status != 200 || !strings.Contains(r.body, "Record a contact request made by phone") {
			t.Fatalf("phone page: %d", r.status)
		}
		post := "personal_id=" + res.PersonalID + "&service=health-station-nurse&unit=kallio-health-station&received_at=2026-11-20T09:30&message=Soitti+kuumeesta."
		r := nurse.do("POST", "/queue/phone", post, "Content-Type", form)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/queue/") {
			t.Fatalf("phone form: %d %s", r.status, r.body)
		}
		var log accessPage
		anna.get("/api/v1/me/access-log").json(t, &log)
		phoneBasis := false
		for _, it := range log.Items {
			if it.Action == "resident.search" && it.Basis == "phone_request" {
				phoneBasis = true
			}
		}
		if !phoneBasis {
			t.Errorf("the phone form's search is not in anna's access log: %+v", log.Items)
		}
		own := anna.contactRequests("")
		if len(own.Items) != 1 || own.Items[0].Channel != "phone" || own.Items[0].DueAt != "2026-11-24T16:00:00+02:00" {
			t.Errorf("anna's phone request: %+v", own.Items)
		}
		if r := nurse.do("POST", "/queue/phone?lang=sv", "personal_id=nonsense&service=health-station-nurse&message=x", "Content-Type", form); r.status != 400 || !strings.Contains(r.body, "Personbeteckningen är inte giltig.") {
			t.Errorf("bad identity code: %d", r.status)
		}

		visitor := e.client()
		if r := visitor.get("/contact?lang=sv"); r.status != 200 || !strings.Contains(r.body, "Kontakta oss") {
			t.Fatalf("website form page: %d", r.status)
		}
		r = visitor.do("POST", "/contact?lang=sv", "service=senior-info&name=Maja&message=Hur+s%C3%B6ker+man+hemv%C3%A5rd%3F", "Content-Type", form)
		if r.status != 400 || !strings.Contains(r.body, "Ange ditt namn och ett telefonnummer eller en e-postadress.") {
			t.Errorf("website form without a phone or e-mail: %d", r.status)
		}
		r = visitor.do("POST", "/contact?lang=sv", "service=senior-info&name=Maja&email=maja%40example.org&message=Hur+s%C3%B6ker+man+hemv%C3%A5rd%3F", "Content-Type", form)
		if r.status != 200 || !strings.Contains(r.body, "Svar utlovat senast onsdag 25 november kl. 16.00") {
			t.Errorf("website receipt: %d %s", r.status, regexp.MustCompile(`(?s)id="receipt".{0,300}`).FindString(r.body))
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestAssignToColleague gives a request to a colleague of its unit from the
// request's page, and refuses anyone outside the unit in the user's
// language.
func TestAssignToColleague(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		r := anna.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","unit":"kallio-health-station","message":"Kurkku on kipeä."}`)
		needStatus(t, r, http.StatusCreated, "submit")
		id := regexp.MustCompile(`"id":\s*(\d+)`).FindStringSubmatch(r.body)[1]
		nurse := e.as("nurse")
		page := nurse.get("/queue/" + id + "?lang=en")
		manager := strconv.FormatInt(e.ids.Users["manager"], 10)
		if !strings.Contains(page.body, `<option value="`+manager+`">`) || !strings.Contains(page.body, `id="assignee">Nobody yet`) {
			t.Fatalf("the page offers no colleague or shows an assignee: %s", regexp.MustCompile(`(?s)<select id="assign-to".*?</select>`).FindString(page.body))
		}
		needStatus(t, nurse.do("POST", "/queue/"+id+"/assign", "to="+manager, "Content-Type", form), http.StatusSeeOther, "assign to the manager")
		mgr, err := e.store.User(t.Context(), e.ids.Users["manager"])
		if err != nil {
			t.Fatal(err)
		}
		if page := nurse.get("/queue/" + id); !strings.Contains(page.body, `id="assignee">`+mgr.Name) {
			t.Errorf("the page does not show the request assigned to %s", mgr.Name)
		}
		// Anna is no colleague; nor is a number that is no user.
		for _, to := range []string{strconv.FormatInt(e.ids.Users["anna"], 10), "999999", "x"} {
			r := nurse.do("POST", "/queue/"+id+"/assign?lang=sv", "to="+to, "Content-Type", form)
			if r.status != 400 || !strings.Contains(r.body, "Tilldela förfrågan dig själv eller en kollega") {
				t.Errorf("assign to %s: %d", to, r.status)
			}
		}
		if page := nurse.get("/queue/" + id); !strings.Contains(page.body, `id="assignee">`+mgr.Name) {
			t.Errorf("a refused assignment changed the assignee")
		}
	})
}

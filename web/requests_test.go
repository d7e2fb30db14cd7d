package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

const form = "application/x-www-form-urlencoded"

func TestContactRequestPagesWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	erik := e.client()
	erik.login("erik")
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

	nurse := e.client()
	nurse.login("nurse")
	queue := nurse.get("/queue?lang=fi")
	id := strings.TrimPrefix(where, "/requests/")
	if !strings.Contains(queue.body, `href="/queue/`+id+`"`) {
		t.Fatalf("the queue page does not list the request")
	}
	if r := nurse.do("POST", "/queue/"+id+"/reply", "message=Tervetuloa+vastaanotolle.&kind=answer", "Content-Type", form); r.status != http.StatusSeeOther {
		t.Fatalf("answer form: %d %s", r.status, r.body)
	}
	if r := nurse.do("POST", "/queue/"+id+"/reply", "message=muistiinpano&kind=internal", "Content-Type", form); r.status != http.StatusSeeOther {
		t.Fatalf("note form: %d", r.status)
	}
	page = erik.get(where)
	if !strings.Contains(page.body, "Tervetuloa vastaanotolle.") || strings.Contains(page.body, "muistiinpano") {
		t.Errorf("erik's page: answer shown %v, note hidden %v", strings.Contains(page.body, "Tervetuloa"), !strings.Contains(page.body, "muistiinpano"))
	}
	if r := nurse.do("POST", "/queue/"+id+"/close", "resolution=answered", "Content-Type", form); r.status != http.StatusSeeOther {
		t.Fatalf("close form: %d", r.status)
	}
	// Another resident's page of the same request is the same 404 as a missing one.
	anna := e.client()
	anna.login("anna")
	if r := anna.get(where); r.status != 404 {
		t.Errorf("anna opens erik's request page: %d", r.status)
	}
	if r := anna.get("/queue"); r.status != 403 {
		t.Errorf("a resident opens the queue: %d", r.status)
	}
}

package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var (
	summaryLink = regexp.MustCompile(`<section class="[^"]*error-summary"[^>]* id="([^"]+)" tabindex="-1"[\s\S]*?<a href="#([^"]+)">`)
	pageTitle   = regexp.MustCompile(`<title>([^<]*)</title>`)
)

// checkFieldError checks a form page shown again after an error: a summary
// (with the element id summaryID) at the top links to the field, which is
// aria-invalid and described by its error text next to it, and the title
// starts with the error prefix of the page's language.
func checkFieldError(t *testing.T, what string, r response, status int, summaryID, field, prefix string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d", what, r.status, status)
	}
	m := summaryLink.FindStringSubmatch(r.body)
	if m == nil || m[1] != summaryID || m[2] != field {
		t.Errorf("%s: summary %q links to %q, want %q to %q", what, firstOf(m, 1), firstOf(m, 2), summaryID, field)
	}
	tag := regexp.MustCompile(`<(input|select|textarea|fieldset)[^>]* id="` + field + `"[^>]*>`).FindString(r.body)
	if !strings.Contains(tag, `aria-invalid="true"`) || !regexp.MustCompile(`aria-describedby="`+field+`-error( [a-z_-]+)*"`).MatchString(tag) {
		t.Errorf("%s: field %s is not marked invalid and described by its error: %s", what, field, tag)
	}
	if !strings.Contains(r.body, `id="`+field+`-error"`) {
		t.Errorf("%s: no error text next to %s", what, field)
	}
	if n := strings.Count(r.body, `aria-invalid="true"`); n != 1 {
		t.Errorf("%s: %d fields are marked invalid, want 1", what, n)
	}
	if title := firstOf(pageTitle.FindStringSubmatch(r.body), 1); !strings.HasPrefix(title, prefix) {
		t.Errorf("%s: title %q does not start with %q", what, title, prefix)
	}
	if !strings.Contains(r.body, `<script src="/static/forms.js"></script>`) {
		t.Errorf("%s: the script that moves focus to the summary is missing", what)
	}
}

func firstOf(m []string, i int) string {
	if len(m) > i {
		return m[i]
	}
	return ""
}

var errorPrefix = map[string]string{"fi": "Virhe: ", "sv": "Fel: ", "en": "Error: "}

func TestContactFormErrorsAtFields(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		for _, lang := range []string{"fi", "sv", "en"} {
			page := c.get("/contact?lang=" + lang)
			if page.status != http.StatusOK || strings.Contains(page.body, `aria-invalid`) || strings.Contains(page.body, "error-summary") {
				t.Fatalf("%s: a fresh form shows an error: %d", lang, page.status)
			}
			// The service starts unchosen, so that required makes a person choose.
			if !regexp.MustCompile(`<select id="service" name="service" required><option value="">[^<]+</option>`).MatchString(page.body) {
				t.Errorf("%s: the service is preselected", lang)
			}
			// The hint is tied to the message.
			if !strings.Contains(page.body, `aria-describedby="message-hint"`) || !strings.Contains(page.body, `id="message-hint"`) {
				t.Errorf("%s: the message's hint is not tied to it", lang)
			}
			bad := url.Values{"service": {"senior-info"}, "name": {""}, "phone": {"040 123 4567"}, "message": {"Hur söker man hemvård?"}}
			r := c.formPost("/contact?lang="+lang, bad)
			checkFieldError(t, lang+" without a name", r, http.StatusBadRequest, "form-error", "name", errorPrefix[lang])
			bad.Set("name", "Maja")
			bad.Set("email", "maja@")
			r = c.formPost("/contact?lang="+lang, bad)
			checkFieldError(t, lang+" a broken e-mail address", r, http.StatusBadRequest, "form-error", "email", errorPrefix[lang])
			if !strings.Contains(r.body, `aria-describedby="message-hint"`) {
				t.Errorf("%s: the hint lost its tie on the error page", lang)
			}
			bad.Set("email", "")
			bad.Set("service", "")
			r = c.formPost("/contact?lang="+lang, bad)
			checkFieldError(t, lang+" no service", r, http.StatusBadRequest, "form-error", "service", errorPrefix[lang])
		}
	})
}

// TestContactFormValidationIsNotAbuse checks that refused submissions do
// not count against the website form's limit of five per ten minutes, and
// that accepted ones still do.
func TestContactFormValidationIsNotAbuse(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		bad := url.Values{"service": {"senior-info"}, "name": {"Maja"}, "message": {"Hur söker man hemvård?"}}
		for i := range 8 {
			if r := c.formPost("/contact", bad); r.status != http.StatusBadRequest {
				t.Fatalf("refused submission %d: %d", i+1, r.status)
			}
		}
		ok := url.Values{"service": {"senior-info"}, "name": {"Maja"}, "phone": {"040 123 4567"}, "message": {"Hur söker man hemvård?"}}
		for i := range 5 {
			if r := c.formPost("/contact", ok); r.status != http.StatusOK || !strings.Contains(r.body, `id="receipt"`) {
				t.Fatalf("accepted submission %d after eight refused ones: %d", i+1, r.status)
			}
		}
		if r := c.formPost("/contact", ok); r.status != http.StatusTooManyRequests {
			t.Errorf("a sixth accepted submission in ten minutes: %d, want 429", r.status)
		}
	})
}

func TestLoginErrorAtField(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		for _, lang := range []string{"fi", "sv", "en"} {
			r := c.formPost("/login?lang="+lang, url.Values{"username": {"anna"}, "password": {"väärä-salasana"}})
			checkFieldError(t, lang+" wrong password", r, http.StatusUnauthorized, "login-error", "username", errorPrefix[lang])
		}
	})
}

func TestRequestAndPhoneErrorsAtFields(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna, nurse := e.as("anna"), e.as("nurse")
		page := anna.get("/requests/new")
		if !regexp.MustCompile(`<select id="service" name="service" required>\s*<option value="">`).MatchString(page.body) {
			t.Errorf("the new request's service is preselected: %s", page.body)
		}
		page = anna.get("/requests/new?service=health-station-nurse")
		if !strings.Contains(page.body, `aria-describedby="message-hint"`) {
			t.Error("the message's hint is not tied to it")
		}
		for _, lang := range []string{"fi", "sv", "en"} {
			r := anna.formPost("/requests/new?lang="+lang, url.Values{"service": {"health-station-nurse"}, "message": {"   "}})
			checkFieldError(t, lang+" empty request", r, http.StatusBadRequest, "form-error", "message", errorPrefix[lang])
			r = nurse.formPost("/queue/phone?lang="+lang, url.Values{"personal_id": {"131052-308U"}, "service": {"health-station-nurse"}, "message": {"Soitti."}})
			checkFieldError(t, lang+" a wrong identity code", r, http.StatusBadRequest, "form-error", "personal_id", errorPrefix[lang])
		}
		if page := nurse.get("/queue/phone"); !strings.Contains(page.body, `name="service" required><option value="">`) {
			t.Error("the phone request's service is preselected")
		}
	})
}

func TestRulesAndFeedbackErrorsAtFields(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		admin, anna := e.as("admin"), e.as("anna")
		form := url.Values{"service": {"doctor-appointment"}, "cancel_hours": {"24"}, "hold_hours": {"0"}, "guarantee_days": {"90"}, "guarantee_days_young": {"14"}}
		r := admin.formPost("/staff/booking-rules?lang=sv", form)
		checkFieldError(t, "zero hold", r, http.StatusBadRequest, "rules-error", "hold_hours", "Fel: ")
		form.Set("hold_hours", "12")
		form.Set("guarantee_days", "nittio")
		r = admin.formPost("/staff/booking-rules?lang=en", form)
		checkFieldError(t, "words for days", r, http.StatusBadRequest, "rules-error", "guarantee_days", "Error: ")

		page := anna.get("/feedback")
		if page.status == http.StatusOK && strings.Contains(page.body, `<select id="unit"`) &&
			!strings.Contains(page.body, `<select id="unit" name="unit" required><option value="">`) {
			t.Error("the feedback's unit is preselected")
		}
		r = anna.formPost("/feedback?lang=fi", url.Values{"unit": {"kallio-health-station"}, "comment": {"Hyvä."}})
		checkFieldError(t, "feedback without a score", r, http.StatusBadRequest, "feedback-error", "score", "Virhe: ")
	})
}

func TestResidentLookupErrorsAtFields(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		nurse := e.as("nurse")
		page := nurse.get("/staff/residents")
		if !regexp.MustCompile(`<select id="basis" name="basis" required>\s*<option value="">`).MatchString(page.body) {
			t.Errorf("the basis of the read is preselected: %d", page.status)
		}
		for _, lang := range []string{"fi", "sv", "en"} {
			r := nurse.formPost("/staff/residents?lang="+lang, url.Values{"personal_id": {"131052-308U"}, "basis": {"care_relationship"}})
			checkFieldError(t, lang+" a wrong identity code", r, http.StatusBadRequest, "form-error", "personal_id", errorPrefix[lang])
		}
		r := nurse.formPost("/staff/residents?lang=en", url.Values{"personal_id": {"131052-308T"}, "basis": {""}})
		checkFieldError(t, "no basis", r, http.StatusBadRequest, "form-error", "basis", "Error: ")
	})
}

// TestAPIErrorNamesItsField checks that the JSON error body says which
// input it is about, as the OpenAPI document describes.
func TestAPIErrorNamesItsField(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		r := anna.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","message":"  "}`)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"field":"message"`) {
			t.Errorf("empty message: %d %s", r.status, r.body)
		}
		r = anna.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","message":"x","bogus":1}`)
		if r.status != http.StatusBadRequest || strings.Contains(r.body, `"field"`) {
			t.Errorf("an error about the body as a whole names a field: %d %s", r.status, r.body)
		}
	})
}

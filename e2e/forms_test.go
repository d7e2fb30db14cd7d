package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// formErrorState is what a form page says about its error, read in the
// browser.
type formErrorState struct {
	Title         string   `json:"title"`
	FocusOnSumm   bool     `json:"focusOnSummary"`
	Links         []string `json:"links"`
	Missing       []string `json:"missing"`       // link targets that do not exist
	NotInvalid    []string `json:"notInvalid"`    // link targets without aria-invalid="true"
	NotDescribed  []string `json:"notDescribed"`  // link targets whose aria-describedby names no error text
	InvalidFields int      `json:"invalidFields"` // elements with aria-invalid="true"
}

const readFormErrors = `(() => {
  const s = document.querySelector(".error-summary");
  const links = s ? Array.from(s.querySelectorAll("a[href^='#']")).map(a => a.getAttribute("href").slice(1)) : [];
  const missing = [], notInvalid = [], notDescribed = [];
  for (const id of links) {
    const f = document.getElementById(id);
    if (!f) { missing.push(id); continue; }
    if (f.getAttribute("aria-invalid") !== "true") notInvalid.push(id);
    const described = (f.getAttribute("aria-describedby") || "").split(/\s+/).map(x => document.getElementById(x)).filter(x => x && x.textContent.trim() !== "");
    if (!described.some(x => x.id === id + "-error")) notDescribed.push(id);
  }
  return {title: document.title, focusOnSummary: !!s && document.activeElement === s, links, missing, notInvalid, notDescribed,
    invalidFields: document.querySelectorAll("[aria-invalid='true']").length};
})()`

// submitWithoutBrowserChecks sends the form matched by sel as it is, past
// the browser's own checks (required, min), so that the server's
// validation answers.
func submitWithoutBrowserChecks(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector(` + "`" + sel + "`" + `); f.noValidate = true; f.requestSubmit(); })()`)
}

// TestFormsShowErrorsAtTheirFields submits each form with an error and
// checks, in the browser, that the page title starts with the error, focus
// is on the error summary, each of its links leads to a field that exists,
// is marked aria-invalid and is described by its error text.
func TestFormsShowErrorsAtTheirFields(t *testing.T) {
	a := startApp(t)
	cases := []struct {
		name, user, prefix string
		steps              []chromedp.Action[chromedp.Void]
		field              string
	}{
		// First, while the nurse is present (below) and the chat open.
		{name: "chat start", user: "anna", prefix: "Virhe: ", field: "message-health-advice", steps: []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(a.URL + "/chat?lang=fi"),
			chromedp.WaitVisible(chromedp.ID("message-health-advice")),
			chromedp.SendKeys(chromedp.ID("message-health-advice"), "   "),
			submitWithoutBrowserChecks("#line-health-advice form"),
		}},
		{name: "login", prefix: "Virhe: ", field: "username", steps: []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(a.URL + "/login?lang=fi"),
			chromedp.WaitVisible(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), "anna"),
			chromedp.SendKeys(chromedp.ID("password"), "väärin"),
			chromedp.Click(chromedp.ID("login-submit")),
		}},
		{name: "contact", prefix: "Fel: ", field: "phone", steps: []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(a.URL + "/contact?lang=sv"),
			chromedp.WaitVisible(chromedp.ID("service")),
			chromedp.SetValue(chromedp.ID("service"), "senior-info"),
			chromedp.SendKeys(chromedp.ID("name"), "Maja"),
			chromedp.SendKeys(chromedp.ID("message"), "Hur söker man hemvård?"),
			chromedp.Click(chromedp.ID("send")),
		}},
		{name: "new request", user: "anna", prefix: "Error: ", field: "message", steps: []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(a.URL + "/requests/new?service=health-station-nurse&lang=en"),
			chromedp.WaitVisible(chromedp.ID("message")),
			chromedp.SendKeys(chromedp.ID("message"), "   "),
			chromedp.Click(chromedp.ID("send-request")),
		}},
		{name: "assessment step", prefix: "Virhe: ", field: "answer", steps: []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(a.URL + "/assessments?lang=fi"),
			chromedp.WaitVisible(chromedp.ID("assess-dental-pain")),
			chromedp.Click(chromedp.ID("assess-dental-pain")),
			chromedp.WaitVisible(chromedp.ID("assess-start")),
			chromedp.Click(chromedp.ID("assess-start")),
			chromedp.WaitVisible(chromedp.ID("question-form")),
			submitWithoutBrowserChecks("#question-form"),
		}},
		{name: "phone request", user: "nurse", prefix: "Virhe: ", field: "personal_id", steps: []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(a.URL + "/queue/phone?lang=fi"),
			chromedp.WaitVisible(chromedp.ID("personal_id")),
			chromedp.SendKeys(chromedp.ID("personal_id"), "131052-308U"),
			chromedp.SetValue(chromedp.ID("service"), "health-station-nurse"),
			chromedp.SendKeys(chromedp.ID("message"), "Soitti polvesta."),
			chromedp.Click(chromedp.ID("record")),
		}},
		{name: "booking rules", user: "admin", prefix: "Error: ", field: "hold_hours", steps: []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(a.URL + "/staff/booking-rules?service=doctor-appointment&lang=en"),
			chromedp.WaitVisible(chromedp.ID("hold_hours")),
			chromedp.SetValue(chromedp.ID("hold_hours"), "0"),
			submitWithoutBrowserChecks("#rules"),
		}},
		{name: "feedback", prefix: "Fel: ", field: "score", steps: []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(a.URL + "/units/kallio-health-station/feedback?lang=sv"),
			chromedp.WaitVisible(chromedp.ID("feedback-form")),
			chromedp.SendKeys(chromedp.ID("comment"), "Bra bemötande."),
			submitWithoutBrowserChecks("#feedback-form"),
		}},
	}
	// The nurse's chat queue makes her present for a minute, so that the
	// health advice chat is open for the first case.
	apiJSON(t, signedInClient(t, a.URL, "nurse"), "GET", a.URL+"/api/v1/chats", "", 200, nil)
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			ctx := browser(t)
			if c.user != "" {
				signIn(t, ctx, a, c.user)
			}
			do(t, ctx, c.name+" with an error", append(c.steps, chromedp.WaitVisible(chromedp.CSS(".error-summary")))...)
			shot(t, ctx, "form-error-"+strings.ReplaceAll(c.name, " ", "-"))
			st := read(t, ctx, chromedp.Evaluate[formErrorState](readFormErrors))
			if !strings.HasPrefix(st.Title, c.prefix) {
				t.Errorf("title %q does not start with %q", st.Title, c.prefix)
			}
			if !st.FocusOnSumm {
				t.Error("focus is not on the error summary")
			}
			if len(st.Links) != 1 || st.Links[0] != c.field {
				t.Errorf("the summary links to %v, want [%s]", st.Links, c.field)
			}
			if len(st.Missing)+len(st.NotInvalid)+len(st.NotDescribed) > 0 {
				t.Errorf("links to missing fields %v, fields not aria-invalid %v, fields not described by their error %v", st.Missing, st.NotInvalid, st.NotDescribed)
			}
			if st.InvalidFields != 1 {
				t.Errorf("%d fields are aria-invalid, want 1", st.InvalidFields)
			}
			// The summary's link moves focus to the field (a group: its first control).
			focused := read(t, ctx, chromedp.Evaluate[string](`(() => { document.querySelector(".error-summary a").click();
  const a = document.activeElement; return a.closest("[aria-invalid='true']") ? a.closest("[aria-invalid='true']").id : a.id; })()`))
			if focused != c.field {
				t.Errorf("the summary's link focused %q, want %q", focused, c.field)
			}
			// The error state passes axe and reflows at 320 px too (last: it
			// skips without axe-core, after the checks above have run).
			checkPage(t, ctx, c.name+" with an error")
		})
	}
}

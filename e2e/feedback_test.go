package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sotepe/internal/smtptest"
)

// TestKioskInSwedishAndTheManagersFigures: the manager of the Kallio health
// station creates a kiosk address; two people answer by the QR code's form;
// then the kiosk, switched to Swedish, takes three answers in a row, each
// returning to the start; the manager sees the new NPS (five answers: three
// promoters, a passive and a detractor, NPS 40) and the comment with its
// phone number masked.
func TestKioskInSwedishAndTheManagersFigures(t *testing.T) {
	ctx := browser(t)
	a := startApp(t)
	const unit = "kallio-health-station"
	do(t, ctx, "the manager creates a kiosk", append(signInSteps(a, "manager"),
		chromedp.Click(chromedp.ID("nav-feedback-staff")),
		chromedp.WaitVisible(chromedp.ID("kiosk-create-"+unit)),
		chromedp.Click(chromedp.ID("kiosk-create-"+unit)),
		chromedp.WaitVisible(chromedp.ID("kiosk-link")))...)
	kiosk := read(t, ctx, chromedp.AttributeValue(chromedp.ID("kiosk-link"), "href")).Value
	if !strings.Contains(kiosk, "/feedback/kiosk/") {
		t.Fatalf("kiosk address %q", kiosk)
	}
	do(t, ctx, "the manager signs out", chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("nav-login")))

	for _, score := range []string{"10", "8"} {
		do(t, ctx, "an answer by the QR code's form",
			chromedp.Navigate(a.URL+"/units/"+unit+"/feedback?via=qr&lang=fi"),
			chromedp.WaitVisible(chromedp.ID("score-"+score)),
			chromedp.Click(chromedp.ID("score-"+score)),
			chromedp.WaitVisible(chromedp.ID("feedback-thanks")),
		)
	}

	do(t, ctx, "the kiosk in Swedish",
		chromedp.Navigate(kiosk),
		chromedp.WaitVisible(chromedp.ID("lang-sv")),
		chromedp.Click(chromedp.ID("lang-sv")),
		chromedp.WaitVisible(chromedp.ID("score-0")),
	)
	if l := read(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value; l != "sv" {
		t.Fatalf("kiosk in %q, want sv", l)
	}
	if q := read(t, ctx, chromedp.Text(chromedp.CSS("legend"))); !strings.HasPrefix(q, "Hur sannolikt") {
		t.Fatalf("kiosk question %q", q)
	}
	for i, ans := range []struct{ score, comment string }{{"10", "Ring mig på 040 123 4567, tack"}, {"9", ""}, {"4", ""}} {
		steps := []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.ID("score-" + ans.score))}
		if ans.comment != "" {
			steps = append(steps, chromedp.SendKeys(chromedp.ID("comment"), ans.comment))
		}
		steps = append(steps, chromedp.Click(chromedp.ID("score-"+ans.score)), chromedp.WaitVisible(chromedp.ID("feedback-thanks")))
		do(t, ctx, "kiosk answer", steps...)
		if thanks := text(t, ctx, "feedback-thanks"); thanks != "Tack för din respons!" {
			t.Fatalf("answer %d: thanks %q", i+1, thanks)
		}
		if i == 0 {
			checkPage(t, ctx, "a kiosk's thanks")
		}
		// Back to the start for the next person, in Swedish still.
		do(t, ctx, "back to the start", chromedp.Click(chromedp.ID("kiosk-again")), chromedp.WaitVisible(chromedp.ID("score-0")))
		if l := read(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value; l != "sv" {
			t.Fatalf("after answer %d the kiosk is in %q", i+1, l)
		}
		if c := read(t, ctx, chromedp.Value(chromedp.ID("comment"))); c != "" {
			t.Fatalf("after answer %d the comment box holds %q", i+1, c)
		}
	}

	do(t, ctx, "the manager reads the figures", append(signInSteps(a, "manager"),
		chromedp.Navigate(a.URL+"/staff/feedback?lang=fi"),
		chromedp.WaitVisible(chromedp.ID("feedback-nps")))...)
	figures := text(t, ctx, "feedback-nps")
	if !strings.Contains(figures, "Kallion terveysasema\t5\t40,0") && !strings.Contains(figures, "Kallion terveysasema 5 40,0") {
		t.Errorf("the manager's NPS table %q lacks Kallio with 5 answers and NPS 40,0", figures)
	}
	comments := text(t, ctx, "feedback-comments")
	if !strings.Contains(comments, "Ring mig på [***], tack") || strings.Contains(comments, "040 123") {
		t.Errorf("comments %q: want the phone number masked", comments)
	}
}

// TestResidentSurveyByInvitationLink: an administrator creates an
// invitation through the API; a resident follows the link in Swedish,
// without signing in, answers one question a page (skipping an optional
// one), goes back once, sends, and then finds the link used; the analyst
// sees the response counted in the figures.
func TestResidentSurveyByInvitationLink(t *testing.T) {
	ctx := browser(t)
	a := startApp(t)
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	post := func(path, body string) *http.Response {
		res, err := hc.Post(a.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := post("/api/v1/session", `{"username":"admin","password":"demo"}`); res.StatusCode != http.StatusCreated {
		t.Fatalf("admin login: %d", res.StatusCode)
	}
	res := post("/api/v1/surveys/resident-2025/invitations", `{"count":1}`)
	var inv struct{ Links []string }
	if err := json.NewDecoder(res.Body).Decode(&inv); err != nil || res.StatusCode != http.StatusCreated || len(inv.Links) != 1 {
		t.Fatalf("invitation: %d %v %+v", res.StatusCode, err, inv)
	}
	link := a.URL + inv.Links[0]
	next := chromedp.Click(chromedp.ID("survey-next"))
	do(t, ctx, "the survey in Swedish",
		chromedp.Navigate(link+"?lang=sv"),
		chromedp.WaitVisible(chromedp.ID("survey-intro")),
	)
	checkPageLangs(t, ctx, "a survey's first question (a choice)")
	do(t, ctx, "the survey's second question",
		chromedp.Click(chromedp.ID("option-dental")), next, chromedp.WaitVisible(chromedp.ID("scale-4")))
	checkPageLangs(t, ctx, "a survey's scale question")
	do(t, ctx, "the survey's third question",
		chromedp.Click(chromedp.ID("scale-4")), next, chromedp.WaitVisible(chromedp.ID("answer-yes")))
	checkPageLangs(t, ctx, "a survey's yes-or-no question")
	do(t, ctx, "the rest of the survey",
		chromedp.Click(chromedp.ID("answer-yes")), next,
		chromedp.WaitVisible(chromedp.ID("scale-1")), chromedp.Click(chromedp.ID("scale-1")), next,
		// Back: the waiting time was not that bad after all.
		chromedp.WaitVisible(chromedp.ID("survey-skip")), chromedp.Click(chromedp.ID("survey-back")),
		chromedp.WaitVisible(chromedp.ID("scale-3")), chromedp.Click(chromedp.ID("scale-3")), next,
		chromedp.WaitVisible(chromedp.ID("survey-skip")), chromedp.Click(chromedp.ID("survey-skip")),
		chromedp.WaitVisible(chromedp.ID("option-monthly")), chromedp.Click(chromedp.ID("option-monthly")), next,
		chromedp.WaitVisible(chromedp.ID("scale-9")), chromedp.Click(chromedp.ID("scale-9")), next,
		chromedp.WaitVisible(chromedp.ID("survey-skip")), chromedp.Click(chromedp.ID("survey-skip")),
		chromedp.WaitVisible(chromedp.ID("answer-value")),
	)
	checkPageLangs(t, ctx, "a survey's text question")
	do(t, ctx, "the last answer",
		chromedp.SendKeys(chromedp.ID("answer-value"), "Kortare köer"), next,
		chromedp.WaitVisible(chromedp.ID("survey-send")),
	)
	checkPageLangs(t, ctx, "a survey's answers before sending")
	answers := text(t, ctx, "answers")
	if !strings.Contains(answers, "Munhälsovård") || !strings.Contains(answers, "(överhoppad)") || !strings.Contains(answers, "Kortare köer") {
		t.Fatalf("the answers to send: %q", answers)
	}
	do(t, ctx, "send", chromedp.Click(chromedp.ID("survey-send")), chromedp.WaitVisible(chromedp.ID("survey-thanks")))
	checkPage(t, ctx, "a survey's thanks")
	do(t, ctx, "the link again", chromedp.Navigate(link+"?lang=sv"), chromedp.WaitVisible(chromedp.CSS("main")))
	checkPageLangs(t, ctx, "a used survey link")
	if body := read(t, ctx, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(body, "Den här inbjudningslänken har redan använts") {
		t.Fatalf("the used link says %q", body)
	}
	// The demo survey has 60 answers; this is the 61st.
	jar2, _ := cookiejar.New(nil)
	hc = &http.Client{Jar: jar2}
	if res := post("/api/v1/session", `{"username":"analyst","password":"demo"}`); res.StatusCode != http.StatusCreated {
		t.Fatalf("analyst login: %d", res.StatusCode)
	}
	r, err := hc.Get(a.URL + "/api/v1/surveys/resident-2025/results")
	if err != nil {
		t.Fatal(err)
	}
	var results struct{ Responses int }
	if err := json.NewDecoder(r.Body).Decode(&results); err != nil || results.Responses != 61 {
		t.Fatalf("results: %+v %v", results, err)
	}
}

// TestVisitFeedbackByMailedLink is the browser test of feedback after a
// visit: anna's visit is marked completed, sotepe mails her (over SMTP, to
// a sink on loopback) a link to rate it, and the link opens without
// signing in, passes the accessibility check in three languages, takes one
// answer and thanks her.
func TestVisitFeedbackByMailedLink(t *testing.T) {
	mail := smtptest.Start(t)
	t.Setenv("SOTEPE_SMTP_ADDR", mail.Addr)
	t.Setenv("SOTEPE_SMTP_FROM", "sotepe@example.test")
	a := startApp(t)
	anna, nurse := signedInClient(t, a.URL, "anna"), signedInClient(t, a.URL, "nurse")
	appt := bookFirstFree(t, a, anna, "")
	apiJSON(t, nurse, "POST", fmt.Sprintf("%s/api/v1/appointments/%d/mark", a.URL, appt), `{"status":"completed"}`, http.StatusOK, nil)

	msg := mail.Wait(t, "/feedback/visit/", 40*time.Second)
	if !slices.Equal(msg.To, []string{"anna.virtanen@example.org"}) {
		t.Fatalf("the visit link went to %v:\n%s", msg.To, msg.Data)
	}
	_, after, _ := strings.Cut(msg.Data, "/feedback/visit/")
	link := a.URL + "/feedback/visit/" + strings.Fields(after)[0]

	ctx := browser(t)
	do(t, ctx, "the mailed link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("feedback-visit")))
	checkPageLangs(t, ctx, "feedback on a visit")
	do(t, ctx, "the answer", chromedp.Click(chromedp.ID("score-9")), chromedp.WaitVisible(chromedp.ID("feedback-thanks")))
	checkPage(t, ctx, "thanks for feedback on a visit")
	do(t, ctx, "the link again", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("main")))
	if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#score-9").length`)); n != 0 {
		t.Fatalf("the used link asks again: %.300q", text(t, ctx, "main"))
	}
}

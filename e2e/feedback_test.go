package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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
	signIn := func(user string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(a.URL + "/login"),
			chromedp.WaitVisible(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), user),
			chromedp.SendKeys(chromedp.ID("password"), "demo"),
			chromedp.Click(chromedp.ID("login-submit")),
			chromedp.WaitVisible(chromedp.ID("nav-me")),
		}
	}
	do(t, ctx, "the manager creates a kiosk", append(signIn("manager"),
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
		if thanks := read(t, ctx, chromedp.Text(chromedp.ID("feedback-thanks"))); thanks != "Tack för din respons!" {
			t.Fatalf("answer %d: thanks %q", i+1, thanks)
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

	do(t, ctx, "the manager reads the figures", append(signIn("manager"),
		chromedp.Navigate(a.URL+"/staff/feedback?lang=fi"),
		chromedp.WaitVisible(chromedp.ID("feedback-nps")))...)
	figures := read(t, ctx, chromedp.Text(chromedp.ID("feedback-nps")))
	if !strings.Contains(figures, "Kallion terveysasema\t5\t40,0") && !strings.Contains(figures, "Kallion terveysasema 5 40,0") {
		t.Errorf("the manager's NPS table %q lacks Kallio with 5 answers and NPS 40,0", figures)
	}
	comments := read(t, ctx, chromedp.Text(chromedp.ID("feedback-comments")))
	if !strings.Contains(comments, "Ring mig på [***], tack") || strings.Contains(comments, "040 123") {
		t.Errorf("comments %q: want the phone number masked", comments)
	}
}

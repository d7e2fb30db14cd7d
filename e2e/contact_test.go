package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// signIn signs in on the login page of a fresh browser context.
func signIn(t *testing.T, ctx context.Context, a app, user string) {
	t.Helper()
	do(t, ctx, "sign in as "+user, signInSteps(a, user)...)
}

// signInSteps are the steps of signing in as user on a's login page.
func signInSteps(a app, user string) []chromedp.Action[chromedp.Void] {
	return append(loginSteps(a.URL+"/login", user), chromedp.WaitVisible(chromedp.ID("nav-me")))
}

// loginSteps open the login page at loginURL and send its form as user
// with the demo password.
func loginSteps(loginURL, user string) []chromedp.Action[chromedp.Void] {
	return append([]chromedp.Action[chromedp.Void]{chromedp.Navigate(loginURL)}, loginFormSteps(user)...)
}

// loginFormSteps fill in the login page's form as user with the demo
// password, once it shows, and send it.
func loginFormSteps(user string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), "demo"),
		chromedp.Click(chromedp.ID("login-submit")),
	}
}

// text reads the text of the element with id.
func text(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return read(t, ctx, chromedp.Text(chromedp.ID(id)))
}

// shot saves a screenshot when SOTEPE_E2E_SHOTS names a folder, for a person
// to look at; the test asserts on the page's text, not on pictures.
func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("SOTEPE_E2E_SHOTS")
	if dir == "" {
		return
	}
	png := read(t, ctx, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Log(err)
	}
}

func TestErikWritesAndNurseAnswers(t *testing.T) {
	a := startApp(t)
	erikCtx := browser(t)
	signIn(t, erikCtx, a, "erik")
	do(t, erikCtx, "erik writes to the Kallio nurses",
		chromedp.Click(chromedp.ID("nav-requests")),
		chromedp.WaitVisible(chromedp.ID("new-request")),
		chromedp.Click(chromedp.ID("new-request")),
		chromedp.WaitVisible(chromedp.ID("service")),
		chromedp.SetValue(chromedp.ID("service"), "health-station-nurse"),
		chromedp.Click(chromedp.ID("choose-service")),
		chromedp.WaitVisible(chromedp.ID("message")),
		chromedp.SetValue(chromedp.ID("unit"), "kallio-health-station"),
		chromedp.SendKeys(chromedp.ID("message"), "Jag har haft feber i tre dagar. Behöver jag komma in?"),
	)
	shot(t, erikCtx, "erik-new-request")
	do(t, erikCtx, "send", chromedp.Click(chromedp.ID("send-request")), chromedp.WaitVisible(chromedp.ID("promise")))
	promise := text(t, erikCtx, "promise")
	shot(t, erikCtx, "erik-request")
	if !strings.HasPrefix(promise, "Svar utlovat senast ") || !strings.Contains(promise, " kl. 16.00") {
		t.Fatalf("the promise is not in Swedish: %q", promise)
	}
	requestURL := read(t, erikCtx, chromedp.Location())

	nurseCtx := browser(t)
	signIn(t, nurseCtx, a, "nurse")
	do(t, nurseCtx, "nurse opens her queue",
		chromedp.Click(chromedp.ID("nav-queue")),
		chromedp.WaitVisible(chromedp.ID("queue")),
	)
	shot(t, nurseCtx, "nurse-queue")
	first := read(t, nurseCtx, chromedp.AttributeValue(chromedp.CSS("#queue tbody tr a"), "href")).Value
	if !strings.HasSuffix(requestURL, strings.TrimPrefix(first, "/queue")) {
		t.Fatalf("the top of the queue is %s, erik's request is %s", first, requestURL)
	}
	do(t, nurseCtx, "nurse answers",
		chromedp.Click(chromedp.CSS("#queue tbody tr a")),
		chromedp.WaitVisible(chromedp.ID("send-answer")),
		chromedp.SendKeys(chromedp.ID("message"), "Hej Erik! Kom till mottagningen i morgon kl. 9."),
		chromedp.Click(chromedp.ID("send-answer")),
		// Only the page after the answer has a message from staff.
		chromedp.WaitVisible(chromedp.CSS("#thread li.staff")),
	)
	shot(t, nurseCtx, "nurse-answered")

	do(t, erikCtx, "erik reloads", chromedp.Navigate(requestURL), chromedp.WaitVisible(chromedp.ID("thread")))
	thread := text(t, erikCtx, "thread")
	status := text(t, erikCtx, "status")
	shot(t, erikCtx, "erik-answered")
	if !strings.Contains(thread, "Kom till mottagningen i morgon") || status != "besvarad" {
		t.Errorf("erik sees status %q and thread %q", status, thread)
	}

	// The manager of the station sees the request counted as answered in
	// time: the totals row of the default selection (the last 30 days of
	// her units) holds erik's request and no other.
	managerCtx := browser(t)
	signIn(t, managerCtx, a, "manager")
	do(t, managerCtx, "manager opens the figures",
		chromedp.Click(chromedp.ID("nav-stats")),
		chromedp.WaitVisible(chromedp.ID("stats-chart")),
	)
	shot(t, managerCtx, "manager-stats")
	totals := read(t, managerCtx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#stats-periods tfoot td")).map(td => td.textContent)`))
	// Share, received, answered, in time, missed, median, p90, backlog.
	if len(totals) != 8 || !strings.HasPrefix(totals[0], "100") || totals[1] != "1" || totals[2] != "1" || totals[3] != "1" || totals[4] != "0" || totals[7] != "0" {
		t.Errorf("the manager's totals are %q, want erik's request answered in time", totals)
	}
	items := text(t, managerCtx, "stats-items")
	if !strings.Contains(items, "Kallio") {
		t.Errorf("the figures by unit do not show the Kallio station: %q", items)
	}
}

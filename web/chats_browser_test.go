package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chatBrowser returns a chromedp context on a fresh headless chromium, or
// skips the test when there is none (SOTEPE_TEST_CHROMIUM names it).
func chatBrowser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("SOTEPE_TEST_CHROMIUM")
	if path == "" {
		path, _ = exec.LookPath("chromium")
	}
	if path == "" {
		t.Skip("browser test: no chromium (install Debian's chromium or set SOTEPE_TEST_CHROMIUM)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()))
	actx, c1 := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, c2 := chromedp.NewContext(actx)
	ctx, c3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { c3(); c2(); c1() })
	return ctx
}

// browse runs browser steps and fails the test on the first error.
func browse(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// signIn signs user in with the demo password on the browser ctx and
// waits for the signed-in navigation; lang, when set, is the login
// page's ?lang.
func signIn(t *testing.T, ctx context.Context, base, user, lang string) {
	t.Helper()
	url := base + "/login"
	if lang != "" {
		url += "?lang=" + lang
	}
	browse(t, ctx, "login "+user, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), "demo"),
		chromedp.Click(chromedp.ID("login-submit")), chromedp.WaitVisible(chromedp.ID("nav-me")))
}

// waitText waits until the element id shows want, without reloading.
func waitText(t *testing.T, ctx context.Context, id, want string) {
	t.Helper()
	deadline := time.Now().Add(8 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		got, _ = chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("#%s never showed %q: %q", id, want, got)
}

// TestChatInBrowser runs static/chat.js in headless chromium: erik starts
// a chat in Swedish, the nurse takes it from her queue page, and without a
// reload each sees the other's messages, typing and the change of status,
// each message once; the hand-over ends erik's stream and his page shows
// the request with its due time.
func TestChatInBrowser(t *testing.T) {
	e := newEnv(t)
	e.present(e.as("nurse"))
	erik := chatBrowser(t)
	signIn(t, erik, e.srv.URL, "erik", "")
	browse(t, erik, "start", chromedp.Click(chromedp.ID("nav-chat")), chromedp.WaitVisible(chromedp.ID("message-"+chatLineA)),
		chromedp.SendKeys(chromedp.ID("message-"+chatLineA), "Jag har feber."), chromedp.Click(chromedp.ID("start-"+chatLineA)),
		chromedp.WaitVisible(chromedp.ID("chat-log")))
	loc, _ := chromedp.Run(erik, chromedp.Location())
	id := loc[strings.LastIndex(loc, "/")+1:]
	waitText(t, erik, "chat-position", "1")

	nurse := chatBrowser(t)
	signIn(t, nurse, e.srv.URL, "nurse", "")
	browse(t, nurse, "queue", chromedp.Click(chromedp.ID("nav-chats")), chromedp.WaitVisible(chromedp.ID("chat-"+id)),
		chromedp.Click(chromedp.ID("chat-"+id)), chromedp.WaitVisible(chromedp.ID("chat-take")),
		chromedp.Click(chromedp.ID("chat-take")), chromedp.WaitVisible(chromedp.ID("chat-form")))
	waitText(t, erik, "chat-log", "Sanna Nurmi")
	waitText(t, erik, "chat-status", "Samtal pågår")
	browse(t, nurse, "nurse types", chromedp.SendKeys(chromedp.ID("message"), "Hur länge?"))
	waitText(t, erik, "chat-typing", "skriver")
	browse(t, nurse, "nurse sends", chromedp.Click(chromedp.ID("chat-send")))
	waitText(t, erik, "chat-log", "Hur länge?")
	// A screen reader hears the other side's line, with who wrote it.
	waitText(t, erik, "chat-announce", "Sanna Nurmi: Hur länge?")
	browse(t, erik, "erik writes", chromedp.SendKeys(chromedp.ID("message"), "Två dagar.\r"))
	waitText(t, nurse, "chat-log", "Två dagar.")
	waitText(t, erik, "chat-log", "Två dagar.")
	waitText(t, nurse, "chat-announce", "Två dagar.")
	// Erik's own line is not told back to him, and he keeps writing in
	// the message box.
	if said, _ := chromedp.Run(erik, chromedp.Text(chromedp.ID("chat-announce"))); strings.Contains(said, "Två dagar.") {
		t.Errorf("erik's own line was announced to him: %q", said)
	}
	if focus, _ := chromedp.Run(erik, chromedp.Evaluate[string](`document.activeElement.id`)); focus != "message" {
		t.Errorf("after sending, focus is on %q, not the message box", focus)
	}
	waitText(t, nurse, "chat-presence", "0")
	html, _ := chromedp.Run(erik, chromedp.OuterHTML(chromedp.ID("chat-log")))
	if strings.Count(html, "Två dagar.") != 1 || strings.Count(html, "Hur länge?") != 1 {
		t.Errorf("duplicates: %s", html)
	}
	browse(t, nurse, "handover", chromedp.Click("#chat-actions summary"), chromedp.WaitVisible(chromedp.ID("chat-handover")),
		chromedp.Click(chromedp.ID("chat-handover")), chromedp.WaitVisible(chromedp.ID("due")))
	browse(t, erik, "erik sees the hand-over", chromedp.WaitVisible(chromedp.ID("handover-link")))
	waitText(t, erik, "handover-due", "Svar utlovat senast")
}

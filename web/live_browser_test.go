package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// fastTimers makes every page of the browser ctx run its intervals at
// most every 300 ms, so that a 20-second refresh is seen in a test.
// While window.holdTimers is true the intervals skip their turn, so that
// a test can make several changes that one refresh then sees together;
// window.pendingFetches counts the requests still without an answer.
const fastTimers = `(function () {
  var every = window.setInterval;
  window.setInterval = function (f, ms) {
    return every(function () { if (!window.holdTimers) { f(); } }, Math.min(ms || 0, 300));
  };
  var get = window.fetch;
  window.pendingFetches = 0;
  window.fetch = function () {
    window.pendingFetches++;
    var done = function () { window.pendingFetches--; };
    var p = get.apply(this, arguments);
    p.then(done, done);
    return p;
  };
})();`

// focusedQueue opens a browser with fastTimers, signs the nurse in, opens
// the queue page at path and puts focus on its element link, marked
// data-old so that a test can tell the element a refresh puts in its
// place.
func focusedQueue(t *testing.T, base, path, link string) context.Context {
	t.Helper()
	nurse := chatBrowser(t)
	if _, err := chromedp.Call(nurse, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: fastTimers}); err != nil {
		t.Fatalf("fast timers: %v", err)
	}
	signIn(t, nurse, base, "nurse", "")
	browse(t, nurse, "queue", chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.ID(link)), chromedp.Focus(chromedp.ID(link)))
	if _, err := chromedp.Run(nurse, chromedp.Evaluate[bool](fmt.Sprintf(`document.getElementById(%q).dataset.old = "1", true`, link))); err != nil {
		t.Fatal(err)
	}
	return nurse
}

// waitAnnounced waits until a refresh shows n rows matching the CSS
// selector rows and the live region liveID says text.
func waitAnnounced(t *testing.T, ctx context.Context, rows string, n int, liveID, text string) {
	t.Helper()
	expr := fmt.Sprintf(`document.querySelectorAll(%q).length === %d && document.getElementById(%q).textContent === %q`, rows, n, liveID, text)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		live, _ := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%q).textContent`, liveID)))
		t.Fatalf("the queue did not refresh to %d rows (%s) with its announcement %q: %v (live region %q)", n, rows, text, err, live)
	}
}

// focusRenewed checks that focus is on the element link that a refresh
// put in place of the one focusedQueue marked.
func focusRenewed(t *testing.T, nurse context.Context, link string) {
	t.Helper()
	focus, err := chromedp.Run(nurse, chromedp.Evaluate[string](`(document.activeElement.id || "") + "|" + (document.activeElement.dataset.old || "")`))
	if err != nil {
		t.Fatal(err)
	}
	if focus != link+"|" {
		t.Errorf("after the refresh focus is on %q, want the new #%s", focus, link)
	}
}

// holdTimers stops (hold true) or resumes the intervals fastTimers
// shortened on the browser ctx's page. Stopping waits until no request a
// refresh made is still unanswered, so no refresh sees the server after
// it returns.
func holdTimers(t *testing.T, ctx context.Context, hold bool) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf("window.holdTimers = %t", hold))); err != nil {
		t.Fatalf("hold timers %t: %v", hold, err)
	}
	if !hold {
		return
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool]("window.pendingFetches === 0", chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("refreshes still unanswered: %v", err)
	}
}

// submitRequest sends a contact request with message as c and returns its
// id.
func submitRequest(t *testing.T, c *client, message string) string {
	t.Helper()
	r := c.get("/requests/new?service=health-station-nurse")
	key := regexp.MustCompile(`name="key" value="([0-9a-f]+)"`).FindStringSubmatch(r.body)
	if key == nil {
		t.Fatal("the form has no idempotency key")
	}
	r = c.do("POST", "/requests/new", "service=health-station-nurse&unit=kallio-health-station&key="+key[1]+"&message="+strings.ReplaceAll(message, " ", "+"), "Content-Type", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("submit: %d", r.status)
	}
	return strings.TrimPrefix(r.header.Get("Location"), "/requests/")
}

// TestQueueRefreshKeepsFocusInBrowser runs static/queue.js in headless
// chromium: the nurse's focus is on a request's link when two new
// requests arrive; the refresh replaces the list, focus is back on the
// same link (a new element), and the live region says "2 new requests".
func TestQueueRefreshKeepsFocusInBrowser(t *testing.T) {
	e := newEnv(t)
	erik := e.as("erik")
	first := submitRequest(t, erik, "Kurkku on kipeä")
	link := "open-" + first
	nurse := focusedQueue(t, e.srv.URL, "/queue?lang=en", link)
	// Both requests arrive before the next refresh, which then
	// announces them together.
	holdTimers(t, nurse, true)
	submitRequest(t, erik, "Toinen asia")
	submitRequest(t, erik, "Kolmas asia")
	holdTimers(t, nurse, false)
	waitAnnounced(t, nurse, "#queue tr[data-id]", 3, "queue-live", "2 new requests")
	focusRenewed(t, nurse, link)
	// The live region is outside the refreshed box and stays one element.
	n, _ := chromedp.Run(nurse, chromedp.Evaluate[int](`document.querySelectorAll("#queue-live").length + document.querySelectorAll("#queue #queue-live").length`))
	if n != 1 {
		t.Errorf("live regions: %d, want one outside #queue", n)
	}
}

// TestChatQueueAnnouncesInBrowser runs the staff chat queue's refresh in
// headless chromium: with focus on a waiting chat's link, a second chat
// starts; the live region says "1 new chat waiting" and focus is back on
// the same link after the swap.
func TestChatQueueAnnouncesInBrowser(t *testing.T) {
	e := newEnv(t)
	e.present(e.as("nurse"))
	start := func(c *client, message string) string {
		r := c.do("POST", "/chat", "service="+chatLineA+"&message="+message, "Content-Type", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("start form: %d %s", r.status, r.body)
		}
		return strings.TrimPrefix(r.header.Get("Location"), "/chat/")
	}
	first := start(e.as("erik"), "Kuumetta")
	link := "chat-" + first
	nurse := focusedQueue(t, e.srv.URL, "/staff/chats?lang=en", link)
	start(e.as("anna"), "Yskää")
	waitAnnounced(t, nurse, "#waiting tr[data-id]", 2, "chat-queue-live", "1 new chat waiting")
	focusRenewed(t, nurse, link)
}

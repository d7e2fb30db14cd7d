package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// waitText waits until the element with id holds want, as live updates
// put it there without reloading the page.
func waitText(t *testing.T, ctx context.Context, id, want string) {
	t.Helper()
	expr := fmt.Sprintf(`(document.getElementById(%q)?.textContent ?? "").includes(%q)`, id, want)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("#%s never held %q: %v", id, want, err)
	}
}

// TestErikChatsWithTheNurseInSwedish is the browser test of chat: erik,
// in Swedish, opens a chat with the health advice line; the nurse, in
// another browser, takes it from her queue; they write to each other and
// each sees the other's message arrive without reloading; she hands the
// chat over, and erik finds the contact request with its promised time.
// Each side's page passes the accessibility check (checkPageLangs) while
// the chat waits, while it runs and after the hand-over.
func TestErikChatsWithTheNurseInSwedish(t *testing.T) {
	a := startApp(t)
	nurse := browser(t)
	erik := browser(t)
	signIn(t, nurse, a, "nurse")
	do(t, nurse, "the nurse opens her chat queue", // which makes her present
		chromedp.Navigate(a.URL+"/staff/chats"),
		chromedp.WaitVisible(chromedp.ID("chat-queue")),
	)

	signIn(t, erik, a, "erik")
	do(t, erik, "erik opens the chats",
		chromedp.Navigate(a.URL+"/chat"),
		chromedp.WaitVisible(chromedp.ID("emergency")),
	)
	if page := text(t, erik, "main"); !strings.Contains(page, "Hälsorådgivningens chatt") || !strings.Contains(page, "112") {
		t.Fatalf("erik's chat page is not in Swedish or lacks the emergency notice: %.400q", page)
	}
	do(t, erik, "erik starts a chat",
		chromedp.WaitVisible(chromedp.ID("start-health-advice")),
		chromedp.SendKeys(chromedp.ID("message-health-advice"), "Hej, jag har haft feber i tre dagar."),
		chromedp.Click(chromedp.ID("start-health-advice")),
		chromedp.WaitVisible(chromedp.ID("chat-status")),
	)
	shot(t, erik, "erik-chat-waiting")
	room := read(t, erik, chromedp.Location())
	var id int64
	if _, err := fmt.Sscanf(room[strings.LastIndex(room, "/")+1:], "%d", &id); err != nil {
		t.Fatalf("erik's chat is at %s: %v", room, err)
	}
	if s := text(t, erik, "chat-state"); !strings.Contains(s, "1") {
		t.Fatalf("erik's place in the queue: %q", s)
	}
	checkPageLangs(t, erik, "a waiting chat (resident)")

	link := fmt.Sprintf("chat-%d", id)
	do(t, nurse, "the nurse opens the chat",
		chromedp.Navigate(a.URL+"/staff/chats"),
		chromedp.WaitVisible(chromedp.ID(link)),
		chromedp.Click(chromedp.ID(link)),
		chromedp.WaitVisible(chromedp.ID("chat-take")),
	)
	checkPageLangs(t, nurse, "a waiting chat (professional)")
	do(t, nurse, "the nurse takes the chat",
		chromedp.Click(chromedp.ID("chat-take")),
		chromedp.WaitVisible(chromedp.ID("chat-send")),
	)
	waitText(t, nurse, "chat-log", "feber i tre dagar")
	// erik's page learns of it live.
	waitText(t, erik, "chat-log", "Sanna Nurmi anslöt sig till chatten")
	waitText(t, erik, "chat-status", "Samtal pågår")

	do(t, nurse, "the nurse writes",
		chromedp.SendKeys(chromedp.ID("message"), "Hej Erik! Har du andningssvårigheter?"),
		chromedp.Click(chromedp.ID("chat-send")),
	)
	waitText(t, erik, "chat-log", "Har du andningssvårigheter?")
	do(t, erik, "erik answers",
		chromedp.SendKeys(chromedp.ID("message"), "Nej, men jag hostar mycket."),
		chromedp.Click(chromedp.ID("chat-send")),
	)
	waitText(t, nurse, "chat-log", "jag hostar mycket")
	shot(t, erik, "erik-chat-talking")
	shot(t, nurse, "nurse-chat-talking")
	checkPageLangs(t, erik, "a chat under way (resident)")
	checkPageLangs(t, nurse, "a chat under way (professional)")

	do(t, nurse, "the nurse hands the chat over",
		chromedp.Click(chromedp.CSS("#chat-actions summary")),
		chromedp.WaitVisible(chromedp.ID("chat-handover")),
		chromedp.Click(chromedp.ID("chat-handover")),
		chromedp.WaitNotPresent(chromedp.ID("chat-handover")),
	)
	checkPageLangs(t, nurse, "a handed-over chat (professional)")
	// erik's page shows the hand-over live, and after a reload the
	// request and its promised time.
	waitText(t, erik, "chat-status", "kontaktförfrågan")
	do(t, erik, "erik reloads his chat",
		chromedp.Navigate(room),
		chromedp.WaitVisible(chromedp.ID("handover-due")),
	)
	checkPageLangs(t, erik, "a handed-over chat (resident)")
	due := text(t, erik, "handover-due")
	if !strings.ContainsAny(due, "0123456789") {
		t.Fatalf("the promised time: %q", due)
	}
	do(t, erik, "erik opens the request",
		chromedp.Click(chromedp.ID("handover-link")),
		chromedp.WaitVisible(chromedp.ID("promise")),
	)
	if thread := text(t, erik, "main"); !strings.Contains(thread, "feber i tre dagar") || !strings.Contains(thread, "jag hostar mycket") {
		t.Fatalf("the request's thread lacks the transcript: %.600q", thread)
	}
	shot(t, erik, "erik-chat-request")
}

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// signInStrongly signs in through the demo's test identity provider as the
// person with subject, as a resident does with bank codes: the login page's
// button, the provider's page, a person picked, and back.
func signInStrongly(t *testing.T, ctx context.Context, a app, subject string) {
	t.Helper()
	do(t, ctx, "strong identification as "+subject,
		chromedp.Navigate(a.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login-test-idp")),
		chromedp.Click(chromedp.ID("login-test-idp")),
		chromedp.WaitVisible(chromedp.CSS(testIdPButton(subject))),
		chromedp.Click(chromedp.CSS(testIdPButton(subject))),
		chromedp.WaitVisible(chromedp.ID("nav-me")),
	)
}

// testIdPButton selects the test provider's button for subject.
func testIdPButton(subject string) string {
	return fmt.Sprintf(`button[value=%q]`, subject)
}

// fetchJSON makes a same-origin API call from the page and returns
// "status|body".
func fetchJSON(t *testing.T, ctx context.Context, method, path, body string) string {
	t.Helper()
	return read(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const x = new XMLHttpRequest();
		x.open(%q, %q, false);
		x.setRequestHeader("Content-Type", "application/json");
		x.send(%q || null);
		return x.status + "|" + x.responseText;
	})()`, method, path, body)))
}

// TestAnnaBooksAChildClinicTimeForHerDaughter is the browser test of
// acting on behalf: anna signs in through the test provider, is asked whom
// she acts for, chooses Aino (7), books a child clinic time that lands in
// Aino's list and not in her own; erik cannot act for Aino.
func TestAnnaBooksAChildClinicTimeForHerDaughter(t *testing.T) {
	a := startApp(t)
	anna := browser(t)
	signInStrongly(t, anna, a, "demo-anna")
	// Never straight to a child: the choice comes first.
	do(t, anna, "the choice", chromedp.WaitVisible(chromedp.ID("acting-heading")))
	if loc := read(t, anna, chromedp.Location()); !strings.Contains(loc, "/acting") {
		t.Fatalf("after signing in anna is at %s, not the choice", loc)
	}
	shot(t, anna, "anna-acting-choice")
	choice := text(t, anna, "main")
	if !strings.Contains(choice, "Aino Virtanen") || !strings.Contains(choice, "Eero Virtanen") || !strings.Contains(choice, "itse") {
		t.Fatalf("the choice page: %.400q", choice)
	}
	me := fetchJSON(t, anna, "GET", "/api/v1/me", "")
	if !strings.HasPrefix(me, "200|") || !strings.Contains(me, `"acting_for":null`) || !strings.Contains(me, `"loa":"substantial"`) {
		t.Fatalf("me before choosing: %s", me)
	}
	do(t, anna, "choose Aino",
		chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("label")].find(l => l.textContent.includes("Aino")).click()`),
		chromedp.Click(chromedp.ID("acting-submit")),
		chromedp.WaitVisible(chromedp.ID("acting-banner")),
	)
	if b := text(t, anna, "acting-banner"); !strings.Contains(b, "Aino Virtanen") || !strings.Contains(b, "Anna Virtanen") {
		t.Fatalf("the banner says %q", b)
	}
	var aino struct{ ID int64 }
	principals := fetchJSON(t, anna, "GET", "/api/v1/me/principals", "")
	for _, part := range strings.Split(principals, "},{") {
		if strings.Contains(part, "Aino Virtanen") {
			if _, err := fmt.Sscanf(part[strings.Index(part, `"id":`):], `"id":%d`, &aino.ID); err != nil {
				t.Fatalf("Aino's id in %s: %v", principals, err)
			}
		}
	}

	do(t, anna, "find a child clinic time", append(findTimesSteps("maternity-child-clinic"),
		chromedp.Click(chromedp.ID("search-times")),
		chromedp.WaitVisible(chromedp.ID("unit")),
		chromedp.SetValue(chromedp.ID("unit"), "kallio-child-clinic"),
		chromedp.Click(chromedp.ID("search-times")),
		chromedp.WaitVisible(chromedp.ID("free-times")),
	)...)
	do(t, anna, "book it", chromedp.Click(chromedp.CSS("#free-times button.book")), chromedp.WaitVisible(chromedp.ID("booked")))
	shot(t, anna, "anna-booked-for-aino")
	booked := read(t, anna, chromedp.Location())
	id := strings.TrimPrefix(strings.SplitN(booked, "?", 2)[0], a.URL+"/appointments/")

	list := fetchJSON(t, anna, "GET", "/api/v1/appointments", "")
	if !strings.HasPrefix(list, "200|") || !strings.Contains(list, `"id":`+id+`,`) || !strings.Contains(list, "maternity-child-clinic") {
		t.Fatalf("Aino's appointments do not hold the booking %s: %.300s", id, list)
	}
	// As herself, anna's own list does not hold Aino's time.
	do(t, anna, "back to herself",
		chromedp.Click(chromedp.ID("acting-change")),
		chromedp.WaitVisible(chromedp.ID("principal-self")),
		chromedp.Click(chromedp.ID("principal-self")),
		chromedp.Click(chromedp.ID("acting-submit")),
		chromedp.WaitNotPresent(chromedp.ID("acting-banner")),
	)
	if own := fetchJSON(t, anna, "GET", "/api/v1/appointments/"+id, ""); !strings.HasPrefix(own, "404|") {
		t.Errorf("anna herself reads Aino's appointment: %.200s", own)
	}

	// erik cannot act for anna's daughter: 404, as for nobody.
	erik := browser(t)
	signInStrongly(t, erik, a, "demo-erik")
	got := fetchJSON(t, erik, "POST", "/api/v1/session/acting-for", fmt.Sprintf(`{"principal":%d}`, aino.ID))
	if !strings.HasPrefix(got, "404|") {
		t.Fatalf("erik acting for Aino: %s", got)
	}
	if g := fetchJSON(t, erik, "GET", "/api/v1/appointments/"+id, ""); !strings.HasPrefix(g, "404|") {
		t.Errorf("erik reads Aino's appointment: %.200s", g)
	}
}

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// a11yMaxPages bounds the pages one user's crawl opens.
const a11yMaxPages = 150

// a11yPerPath is how many variants of one path (different ids or queries)
// a crawl opens: each page kind once or twice.
const a11yPerPath = 2

// a11yUser is one kind of user the crawl signs in as, with the pages it
// starts from: its home and the pages no link reaches but the browser tests
// visit.
type a11yUser struct {
	login  string // "" is anonymous
	starts []string
}

// TestA11yEveryPage crawls the demo as each kind of user (anonymous, the
// resident anna, the nurse, the manager, the analyst and the administrator,
// each in a browser context of their own) over same-origin links, and checks
// every kind of page in Finnish, Swedish and English at 320 px and 1280 px
// with axe-core 4.14.1 for WCAG 2.1 A and AA, and for pages wider than the
// viewport (WCAG 1.4.10). It reports every failure at once, grouped by rule.
func TestA11yEveryPage(t *testing.T) {
	axe := axeSource(t)
	bctx := a11yBrowser(t, 15*time.Minute)
	a := startApp(t)
	base, err := url.Parse(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	kiosk, survey, assessment := a11yLinks(t, a)
	// Pages no link reaches (they come by QR code, e-mail, a typed address
	// or a form's answer) but the browser tests visit.
	users := []a11yUser{
		{"", []string{"/", "/login", "/contact", "/chat", "/feedback", "/video/check", "/assessments",
			"/assessments/respiratory-infection", "/units?q=kallio", "/units?language=sv", "/services",
			"/appointments/new", "/units/kallio-health-station/feedback?via=qr", kiosk, survey, assessment, "/no-such-page"}},
		{"anna", []string{"/", "/me", "/requests", "/requests/new", "/appointments", "/acting",
			"/me/access-log", "/me/acting-log", "/chat", "/feedback"}},
		{"nurse", []string{"/", "/me", "/queue", "/queue/phone", "/staff/chats", "/staff/calendar?view=week&mine=true",
			"/staff/feedback", "/staff/residents"}},
		{"manager", []string{"/", "/me", "/staff/feedback", "/dashboard", "/stats/contact-requests", "/stats/feedback",
			"/stats/feedback/compare", "/stats/appointments", "/stats/chats", "/stats/assessments", "/staff/audit"}},
		{"analyst", []string{"/", "/me", "/dashboard", "/staff/audit"}},
		{"admin", []string{"/", "/me", "/staff/booking-rules", "/staff/audit"}},
		{"rescue", []string{"/", "/me", "/rescue", "/rescue/missions", "/rescue/inspections?all=1"}},
		{"personnel", []string{"/", "/me", "/personnel"}},
		{"finance", []string{"/", "/me", "/economy", "/sustainability"}},
		{"contracts", []string{"/", "/me", "/procurement", "/procurement/contracts", "/procurement/supervision"}},
	}

	var (
		findings a11yFindings
		mu       sync.Mutex
		claimed  = map[string]bool{}
		problems []string
		wg       sync.WaitGroup
	)
	// A page kind is checked once, by the first user who reaches it; each
	// user's home and own page are checked for each, since their navigation
	// differs.
	claim := func(key string) bool {
		mu.Lock()
		defer mu.Unlock()
		if claimed[key] {
			return false
		}
		claimed[key] = true
		return true
	}
	problem := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	tabs := 3
	if n, err := strconv.Atoi(os.Getenv("SOTEPE_A11Y_TABS")); err == nil && n > 0 {
		tabs = n
	}
	sem := make(chan struct{}, tabs)
	start := time.Now()
	for _, u := range users {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			a11yCrawl(bctx, base, axe, u, claim, problem, &findings)
		})
	}
	wg.Wait()
	slices.Sort(findings.pages)
	t.Logf("checked %d page kinds × fi/sv/en × 320/1280 px in %v:\n  %s", len(findings.pages),
		time.Since(start).Round(time.Second), strings.Join(findings.pages, "\n  "))
	if len(findings.pages) < 40 {
		t.Errorf("only %d page kinds checked; the crawl is broken", len(findings.pages))
	}
	for _, p := range problems {
		t.Error(p)
	}
	if r := findings.report(); r != "" {
		t.Errorf("WCAG 2.1 A/AA violations (axe-core) and pages wider than the viewport:%s", r)
	}
}

// a11yCrawl signs in as u in a fresh browser context and walks the site
// breadth first from u's start pages, checking each page kind that claim
// gives it in every language.
func a11yCrawl(bctx context.Context, base *url.URL, axe string, u a11yUser, claim func(string) bool,
	problem func(string, ...any), findings *a11yFindings) {
	who := u.login
	if who == "" {
		who = "anonymous"
	}
	tab, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1280, 900)); err != nil {
		problem("%s: open a tab: %v", who, err)
		return
	}
	if u.login != "" {
		lctx, c := context.WithTimeout(tab, 60*time.Second)
		err := chromedp.Do(lctx, signInSteps(app{URL: base.String()}, u.login)...)
		c()
		if err != nil {
			problem("%s: sign in: %v", who, err)
			return
		}
	}
	var queue []*url.URL
	for _, s := range u.starts {
		p, err := base.Parse(s)
		if err != nil {
			problem("%s: start page %q: %v", who, s, err)
			continue
		}
		queue = append(queue, p)
	}
	seen := map[string]bool{}
	perPath := map[string]int{}
	for visits := 0; len(queue) > 0 && visits < a11yMaxPages; {
		page := queue[0]
		queue = queue[1:]
		kind, path := pageKind(page)
		if seen[kind] || perPath[path] >= a11yPerPath {
			continue
		}
		seen[kind] = true
		perPath[path]++
		visits++
		key := kind
		if path == "/" || path == "/me" {
			key = who + " " + kind
		}
		check := claim(key)
		q := page.Query()
		q.Del("lang")
		page.RawQuery = q.Encode()
		name := page.RequestURI() + " (" + who + ")"
		began := time.Now()
		for i, lang := range []string{"fi", "sv", "en"} {
			if i > 0 && !check {
				break
			}
			links, html, err := a11yVisit(tab, page, lang, i == 0, check, axe, name, findings)
			if err != nil {
				problem("%s: %s in %s: %v", who, page.RequestURI(), lang, err)
				break
			}
			if !html {
				break
			}
			if i == 0 && check {
				findings.checked(fmt.Sprintf("%s %.1fs", name, time.Since(began).Seconds()))
			}
			for _, l := range links {
				next, err := page.Parse(l)
				if err != nil || !crawlable(base, next) {
					continue
				}
				next.Fragment = ""
				queue = append(queue, next)
			}
		}
	}
}

// a11yVisit opens page in lang at 1280 px, reads its links when asked, and
// checks it when asked. html is false when the address is not an HTML page.
func a11yVisit(tab context.Context, page *url.URL, lang string, wantLinks, check bool, axe, name string,
	findings *a11yFindings) (links []string, html bool, err error) {
	ctx, cancel := context.WithTimeout(tab, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(withLang(page, lang))); err != nil {
		return nil, false, err
	}
	ctype, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.contentType`))
	if err != nil || ctype != "text/html" {
		return nil, false, err
	}
	if wantLinks {
		links, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('a[href]'), a => a.href)`))
		if err != nil {
			return nil, true, err
		}
	}
	if check {
		found, err := auditPage(ctx, axe, name, lang)
		if err != nil {
			return links, true, err
		}
		findings.add(found...)
	}
	return links, true, nil
}

// a11yLinks makes what the crawl needs and no link gives: a waiting-room
// kiosk of the Kallio health station (made by the manager; people get its
// address by QR code), a resident survey invitation (made by the
// administrator; sent by e-mail), an anonymous symptom assessment begun
// (its first question), and anna's contact request and video appointment,
// so that her pages of each and the nurse's queue item are there to reach.
func a11yLinks(t *testing.T, a app) (kiosk, survey, assessment string) {
	t.Helper()
	client := func(user string) *http.Client {
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, Timeout: 30 * time.Second}
		apiJSON(t, hc, "POST", a.URL+"/api/v1/session", `{"username":"`+user+`","password":"demo"}`, http.StatusCreated, nil)
		return hc
	}
	var k struct{ Token string }
	apiJSON(t, client("manager"), "POST", a.URL+"/api/v1/units/kallio-health-station/feedback-kiosks", `{}`, http.StatusCreated, &k)
	var inv struct{ Links []string }
	apiJSON(t, client("admin"), "POST", a.URL+"/api/v1/surveys/resident-2025/invitations", `{"count":1}`, http.StatusCreated, &inv)
	if k.Token == "" || len(inv.Links) != 1 {
		t.Fatalf("kiosk token %q, invitations %v", k.Token, inv.Links)
	}
	anna := client("anna")
	apiJSON(t, anna, "POST", a.URL+"/api/v1/contact-requests",
		`{"service":"health-station-nurse","unit":"kallio-health-station","message":"Kurkku on ollut kipeä viikon."}`, http.StatusCreated, nil)
	bookFirstFree(t, a, anna, "&mode=video")
	var session struct {
		ID string `json:"id"`
	}
	apiJSON(t, &http.Client{Timeout: 30 * time.Second}, "POST", a.URL+"/api/v1/assessments/respiratory-infection/sessions", "",
		http.StatusCreated, &session)
	return "/feedback/kiosk/" + k.Token, inv.Links[0], "/assessment-sessions/" + session.ID
}

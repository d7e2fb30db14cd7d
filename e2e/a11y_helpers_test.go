package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axePath is where `npm ci --prefix e2e/testdata/axe` puts axe-core 4.14.1,
// relative to this package (the directory go test runs it in).
const axePath = "testdata/axe/node_modules/axe-core/axe.min.js"

// a11yWidths are the viewport widths every page is checked at: a small
// phone (WCAG 1.4.10's 320 CSS pixels) and a desktop.
var a11yWidths = [...]int64{320, 1280}

// axeRunJS runs axe-core on the page for WCAG 2.1 A and AA and measures the
// page against the viewport. Elements wider than the viewport whose parent
// is not are named (up to three) so a report says where a page overflows.
const axeRunJS = `(async () => {
  const r = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    resultTypes: ['violations'],
  });
  const one = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  const name = (e) => (e.id || !e.parentElement ? '' : one(e.parentElement) + ' > ') + one(e);
  const w = window.innerWidth, wide = [];
  if (document.documentElement.scrollWidth > w) {
    for (const e of [document.body, ...document.body.querySelectorAll('*')]) {
      const p = e.parentElement, right = e.getBoundingClientRect().right;
      if (right > w + 1 && p && p.getBoundingClientRect().right <= w + 1) {
        const n = name(e) + ' (' + Math.round(right) + 'px)';
        if (!wide.includes(n)) wide.push(n);
      } else if (right <= w + 1 && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0 &&
          getComputedStyle(e).overflowX === 'visible' && e.getBoundingClientRect().left + e.scrollWidth > w + 1) {
        wide.push(name(e) + ' (content ' + e.scrollWidth + 'px in ' + e.clientWidth + 'px)');
      }
      if (wide.length == 3) break;
    }
  }
  return {
    violations: r.violations.map(v => ({
      id: v.id, help: v.help, impact: v.impact || '',
      target: v.nodes.length ? v.nodes[0].target.join(' ') : '',
      html: v.nodes.length ? v.nodes[0].html.slice(0, 240) : '',
      count: v.nodes.length,
    })),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: w,
    wide: wide,
  };
})()`

// axeResult is what axeRunJS returns.
type axeResult struct {
	Violations []struct {
		ID, Help, Impact, Target, HTML string
		Count                          int
	}
	ScrollWidth int64
	InnerWidth  int64
	Wide        []string
}

// a11yFinding is one failed check on one page at one language and width.
type a11yFinding struct {
	Rule   string // axe rule id, or "reflow"
	Help   string
	Page   string // the page's name: its path, or the name a test gave
	Lang   string
	Width  int64
	Target string // the first failing element's selector
	HTML   string // its markup (shortened)
	Count  int    // how many elements failed
}

// a11yFindings collects findings from several tabs, safe for concurrent use.
type a11yFindings struct {
	mu    sync.Mutex
	list  []a11yFinding
	pages []string // every page state checked, for the log
}

func (f *a11yFindings) add(fs ...a11yFinding) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.list = append(f.list, fs...)
}

// checked notes a page state as checked.
func (f *a11yFindings) checked(page string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages = append(f.pages, page)
}

// report writes the findings grouped by rule, then by page, with the
// languages and widths where each failed and the first failing element, so
// one run tells everything. It returns "" when there are none.
func (f *a11yFindings) report() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	type pageKey struct{ rule, page string }
	type where struct {
		langs, widths []string
		first         a11yFinding
	}
	rules := map[string][]string{}
	help := map[string]string{}
	at := map[pageKey]*where{}
	for _, x := range f.list {
		k := pageKey{x.Rule, x.Page}
		w := at[k]
		if w == nil {
			w = &where{first: x}
			at[k] = w
			rules[x.Rule] = append(rules[x.Rule], x.Page)
			help[x.Rule] = x.Help
		}
		if x.Lang != "" && !slices.Contains(w.langs, x.Lang) {
			w.langs = append(w.langs, x.Lang)
		}
		if ws := fmt.Sprint(x.Width); !slices.Contains(w.widths, ws) {
			w.widths = append(w.widths, ws)
		}
	}
	if len(rules) == 0 {
		return ""
	}
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	for _, id := range ids {
		pages := rules[id]
		slices.Sort(pages)
		fmt.Fprintf(&b, "\n== %s (%s): %d page(s)\n", id, help[id], len(pages))
		for _, p := range pages {
			w := at[pageKey{id, p}]
			fmt.Fprintf(&b, "  %s [%s @%s] %d element(s): %s\n      %s\n", p, strings.Join(w.langs, ","),
				strings.Join(w.widths, ","), w.first.Count, w.first.Target, oneLine(w.first.HTML))
		}
	}
	return b.String()
}

// oneLine folds whitespace so a snippet of markup fits on a line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// axeSource reads axe-core's script, or skips the test, saying why, when
// npm has not installed it.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(axePath)
	if err != nil {
		t.Skipf("accessibility check: no axe-core (run `npm ci --prefix e2e/testdata/axe --no-audit --no-fund`): %v", err)
	}
	return string(b)
}

// auditPage runs axe-core and the reflow check on the page as it is now, at
// each width of a11yWidths, injecting axe-core when the page lacks it. It
// leaves the viewport at the last width.
func auditPage(ctx context.Context, axe, page, lang string) ([]a11yFinding, error) {
	has, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object'`))
	if err != nil {
		return nil, err
	}
	if !has {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
	}
	var out []a11yFinding
	for _, width := range a11yWidths {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			return nil, err
		}
		r, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](axeRunJS, chromedp.EvalAwaitPromise))
		if err != nil {
			return nil, fmt.Errorf("run axe-core at %d px: %w", width, err)
		}
		for _, v := range r.Violations {
			out = append(out, a11yFinding{Rule: v.ID, Help: v.Help, Page: page, Lang: lang, Width: width,
				Target: v.Target, HTML: v.HTML, Count: v.Count})
		}
		if r.ScrollWidth > r.InnerWidth {
			out = append(out, a11yFinding{Rule: "reflow", Help: "page wider than the viewport (WCAG 1.4.10)",
				Page: page, Lang: lang, Width: width, Count: len(r.Wide), Target: strings.Join(r.Wide, "; "),
				HTML: fmt.Sprintf("scrollWidth %d > innerWidth %d", r.ScrollWidth, r.InnerWidth)})
		}
	}
	return out, nil
}

// checkPage checks the page as it is now in the browser of ctx (a form
// with its errors shown, say) with axe-core for WCAG 2.1 A/AA and for
// horizontal scrolling, at 320 px and 1280 px, and fails the test with every
// violation, grouped by rule. It does not reload or navigate, so the state
// stays; afterwards the viewport is the browser's own again. name says
// which state it was in the failure message.
func checkPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	axe := axeSource(t)
	lang, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	found, err := auditPage(ctx, axe, name, lang)
	if rerr := chromedp.Do(ctx, chromedp.ResetViewport()); err == nil {
		err = rerr
	}
	if err != nil {
		t.Fatalf("accessibility check of %s: %v", name, err)
	}
	var f a11yFindings
	f.add(found...)
	if r := f.report(); r != "" {
		t.Errorf("accessibility check of %s:%s", name, r)
	} else {
		t.Logf("accessibility check of %s in %s at 320 and 1280 px: no findings", name, lang)
	}
}

// checkPageLangs checks the page at the browser's address as checkPage
// does, in Finnish, Swedish and English: it opens the address again with
// ?lang= for each language, and finally in the language the page was in, so
// the test goes on where it was and the remembered language is as before.
// Use it where a GET shows the state again (a chat, a survey's current
// question); a form's answer to a POST is checked with checkPage.
func checkPageLangs(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		t.Fatalf("accessibility check of %s: %v", name, err)
	}
	lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if err != nil {
		t.Fatalf("accessibility check of %s: %v", name, err)
	}
	here, err := url.Parse(href)
	if err != nil {
		t.Fatalf("accessibility check of %s: %v", name, err)
	}
	for _, l := range []string{"fi", "sv", "en"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(withLang(here, l))); err != nil {
			t.Fatalf("accessibility check of %s: open it in %s: %v", name, l, err)
		}
		checkPage(t, ctx, name)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(withLang(here, lang))); err != nil {
		t.Fatalf("accessibility check of %s: open it again in %s: %v", name, lang, err)
	}
}

// a11yBrowser starts one headless chromium for a whole crawl: the same
// flags as browserWith (chromiumOptions), without its 90-second limit. It
// skips the test when there is no chromium.
func a11yBrowser(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	opts := chromiumOptions(t, filepath.Join(t.TempDir(), "chromium"))
	limited, cancelLimit := context.WithTimeout(context.Background(), limit)
	actx, cancelAlloc := chromedp.NewExecAllocator(limited, opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc(); cancelLimit() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

var (
	// idSegment matches a path segment or query value that names one
	// thing: a number, a date, a month, a week, a year or a long token.
	idSegment = regexp.MustCompile(`^(\d+|\d{4}-\d{2}(-\d{2})?|\d{4}-W\d{2}|[A-Za-z0-9_-]{20,})$`)

	// collections are the path segments whose next segment names one of
	// them (a unit's or a questionnaire's slug), except "new" and "phone".
	collections = map[string]bool{"units": true, "services": true, "assessments": true, "survey": true,
		"surveys": true, "kiosk": true, "visit": true, "invite": true, "guest": true, "slots": true,
		"appointments": true, "requests": true, "queue": true, "chat": true, "chats": true, "report": true}
)

// pageKind names the kind of page u is: its path and query with ids, dates
// and tokens replaced, and without the language. Two links of one kind
// differ only in which thing they show. It also returns the path's kind
// alone.
func pageKind(u *url.URL) (kind, path string) {
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if idSegment.MatchString(s) || i > 0 && collections[segs[i-1]] && s != "new" && s != "phone" {
			segs[i] = "{id}"
		}
	}
	path = strings.Join(segs, "/")
	q := u.Query()
	q.Del("lang")
	keys := make([]string, 0, len(q))
	for k, vs := range q {
		v := ""
		if len(vs) > 0 {
			v = vs[0]
		}
		if idSegment.MatchString(v) {
			v = "{id}"
		}
		keys = append(keys, k+"="+v)
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return path, path
	}
	return path + "?" + strings.Join(keys, "&"), path
}

// crawlable reports whether the crawl follows a link: same origin, a page
// (not a download, the API, static files, the test identity provider, or
// signing out).
func crawlable(base, u *url.URL) bool {
	if u.Scheme != base.Scheme || u.Host != base.Host {
		return false
	}
	p := u.Path
	for _, prefix := range []string{"/logout", "/api/", "/static/", "/test-idp/", "/login/", "/metrics", "/healthz", "/readyz"} {
		if strings.HasPrefix(p, prefix) {
			return false
		}
	}
	for _, suffix := range []string{".csv", ".pdf", ".ics", ".json", ".png", ".svg", "/ics", "/ws", "/feedback-qr"} {
		if strings.HasSuffix(p, suffix) {
			return false
		}
	}
	switch u.Query().Get("format") {
	case "csv", "pdf", "ics", "json":
		return false
	}
	return true
}

// withLang returns u with the query's lang set.
func withLang(u *url.URL, lang string) string {
	v := *u
	q := v.Query()
	q.Set("lang", lang)
	v.RawQuery = q.Encode()
	v.Fragment = ""
	return v.String()
}

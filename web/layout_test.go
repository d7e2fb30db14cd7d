package web_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestLayoutCityHeaderAndFooter checks the city service's frame around every
// page (issue 17): the HDS styles, the header with a main menu that folds
// into a <details> on a phone without JavaScript, the language selector in
// the page's language, the Koros footer, and that the queue's and the
// booking page's wide tables scroll in focusable regions named by their
// captions.
func TestLayoutCityHeaderAndFooter(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anon := e.client()
		for _, c := range []struct{ lang, menu string }{{"fi", "Valikko"}, {"sv", "Meny"}, {"en", "Menu"}} {
			r := anon.get("/units?lang=" + c.lang)
			wantStatus(t, r, 200, "units in "+c.lang)
			for _, want := range []string{
				`<link rel="stylesheet" href="/static/hds/base.min.css">`,
				`<link rel="stylesheet" href="/static/style.css">`,
				`<details class="menu"><summary>` + c.menu + `</summary>`,
				`id="lang-` + c.lang + `" aria-current="true"`,
				`<footer class="site-footer">`,
			} {
				if !strings.Contains(r.body, want) {
					t.Errorf("%s: page lacks %s", c.lang, want)
				}
			}
			// The main navigation comes first in the header (tests read
			// "header nav" for it); the language selector after it.
			if i, j := strings.Index(r.body, `class="main-nav"`), strings.Index(r.body, `class="langs"`); i < 0 || j < i {
				t.Errorf("%s: main navigation at %d, languages at %d", c.lang, i, j)
			}
		}

		css := anon.get("/static/style.css")
		wantStatus(t, css, 200, "style.css")
		for _, want := range []string{".menu::details-content", "outline: 3px solid var(--focus)", "--focus: var(--color-coat-of-arms)",
			"figure.chart svg { display: block; min-width: 652px", "figure.chart svg text { font-size: 14px", "min-height: 3.5rem", "width: 1.5rem; height: 1.5rem"} {
			if !strings.Contains(css.body, want) {
				t.Errorf("style.css lacks %q", want)
			}
		}
		// No fonts or anything else from outside: HDS's stack falls back to Arial.
		if m := regexp.MustCompile(`@import|@font-face|url\(["']?(https?:)?//`).FindString(css.body); m != "" {
			t.Errorf("style.css loads from outside: %q", m)
		}

		nurse := e.as("nurse")
		q := nurse.get("/queue")
		wantStatus(t, q, 200, "queue")
		region := regexp.MustCompile(`<div class="table-scroll" role="region" tabindex="0" aria-labelledby="([a-z-]+)">`)
		if m := region.FindStringSubmatch(q.body); m == nil || !strings.Contains(q.body, `<caption id="`+m[1]+`">`) {
			if strings.Contains(q.body, "<table") {
				t.Errorf("queue's table is not in a region named by its caption")
			}
		}
	})
}

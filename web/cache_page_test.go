package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPublicPagesCachedOnlyForAnonymous: the front page, the directory
// search and a unit's page are served from the response cache to people
// not signed in (the second request is a hit, in its own language), and a
// signed-in user's page is never cached nor served from the cache: it names
// them, and no one else's page does.
func TestPublicPagesCachedOnlyForAnonymous(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		for _, path := range []string{"/", "/units?q=kallio", "/units/kallio-health-station", "/services"} {
			anon := e.client()
			first := anon.get(path + sep(path) + "lang=sv")
			second := anon.get(path + sep(path) + "lang=sv")
			if first.status != http.StatusOK || second.status != http.StatusOK || second.header.Get("X-Cache") != "hit" {
				t.Errorf("%s: %d then %d %q, want a cache hit", path, first.status, second.status, second.header.Get("X-Cache"))
			}
			if second.body != first.body || !strings.Contains(second.body, `lang="sv"`) {
				t.Errorf("%s: the cached page differs from the first or is not Swedish", path)
			}
			if got := second.header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s: a cached answer says Cache-Control %q, want the page's no-store", path, got)
			}
			mine := anna.get(path + sep(path) + "lang=sv")
			if mine.status != http.StatusOK || mine.header.Get("X-Cache") != "" || !strings.Contains(mine.body, `id="nav-me"`) {
				t.Errorf("%s: anna's page %d, X-Cache %q, names her: %t", path, mine.status, mine.header.Get("X-Cache"), strings.Contains(mine.body, `id="nav-me"`))
			}
			if after := e.client().get(path + sep(path) + "lang=sv"); strings.Contains(after.body, `id="nav-me"`) {
				t.Errorf("%s: an anonymous page after anna's names someone", path)
			}
		}
	})
}

// sep is what joins a query parameter to path.
func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

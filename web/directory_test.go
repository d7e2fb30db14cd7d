package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type unitJSON struct {
	ID    string `json:"id"`
	Names struct {
		Fi, Sv, En string
	} `json:"names"`
	Languages []string `json:"languages"`
	Services  []string `json:"services"`
	District  string   `json:"district"`
	OpenNow   *bool    `json:"open_now"`
}

type unitPage struct {
	Items      []unitJSON `json:"items"`
	NextCursor *string    `json:"next_cursor"`
}

func TestUnitsPagingVisitsEveryUnitOnce(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		seen := map[string]bool{}
		var order []string
		path := "/api/v1/units?limit=7&lang=sv"
		for pages := 0; ; pages++ {
			if pages > 100 {
				t.Fatal("paging does not end")
			}
			r := c.get(path)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			var p unitPage
			r.json(t, &p)
			if len(p.Items) > 7 {
				t.Fatalf("page of %d items over limit 7", len(p.Items))
			}
			for _, u := range p.Items {
				if seen[u.ID] {
					t.Fatalf("unit %s on two pages", u.ID)
				}
				seen[u.ID] = true
				order = append(order, u.ID)
				if u.Names.Fi == "" || u.Names.Sv == "" || u.Names.En == "" {
					t.Errorf("unit %s lacks a name: %+v", u.ID, u.Names)
				}
				if u.OpenNow == nil {
					t.Errorf("unit %s has no open_now", u.ID)
				}
			}
			if p.NextCursor == nil || *p.NextCursor == "" {
				break
			}
			path = "/api/v1/units?limit=7&lang=sv&cursor=" + url.QueryEscape(*p.NextCursor)
		}
		if len(seen) < 60 {
			t.Fatalf("paged through %d units, want at least 60", len(seen))
		}
		r := c.get("/api/v1/units?limit=500&lang=sv")
		var all unitPage
		r.json(t, &all)
		if len(all.Items) != len(seen) || (all.NextCursor != nil && *all.NextCursor != "") {
			t.Fatalf("one page of 500 has %d units and cursor %v; paging saw %d", len(all.Items), all.NextCursor, len(seen))
		}
		for i, u := range all.Items {
			if order[i] != u.ID {
				t.Fatalf("paging order differs from the single page at %d: %s vs %s", i, order[i], u.ID)
			}
		}
	})
}

func TestUnitsSearchAndFilters(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		var p unitPage
		c.get("/api/v1/units?q=gardsbacka").json(t, &p)
		if len(p.Items) == 0 {
			t.Fatal("q=gardsbacka finds nothing; the Gårdsbacka rescue station should match without accents")
		}
		for _, u := range p.Items {
			if !strings.Contains(strings.ToLower(u.Names.Sv+u.Names.Fi), "gårdsbacka") && !strings.Contains(strings.ToLower(u.Names.Fi), "kontula") {
				t.Errorf("q=gardsbacka matched %s %+v", u.ID, u.Names)
			}
		}
		c.get("/api/v1/units?language=sv&limit=500").json(t, &p)
		if len(p.Items) == 0 {
			t.Fatal("no Swedish-speaking units")
		}
		for _, u := range p.Items {
			if !contains(u.Languages, "sv") {
				t.Errorf("language=sv returned %s serving %v", u.ID, u.Languages)
			}
		}
		swedish := len(p.Items)
		c.get("/api/v1/units?limit=500").json(t, &p)
		if swedish >= len(p.Items) {
			t.Errorf("language=sv did not narrow: %d of %d", swedish, len(p.Items))
		}
		c.get("/api/v1/units?service=dental-care&limit=500").json(t, &p)
		for _, u := range p.Items {
			if !contains(u.Services, "dental-care") {
				t.Errorf("service=dental-care returned %s offering %v", u.ID, u.Services)
			}
		}
		c.get("/api/v1/units?q=zzzz-nothing").json(t, &p)
		if len(p.Items) != 0 {
			t.Errorf("nonsense query matched %d units", len(p.Items))
		}
	})
}

func TestDirectoryErrorsInTheCallersLanguage(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		for _, tc := range []struct {
			path, header, code string
			status             int
			wantMessage        string
		}{
			{"/api/v1/units?limit=abc&lang=sv", "", "invalid", 400, "Sidstorleken"},
			{"/api/v1/units?limit=-1", "en", "invalid", 400, "page size"},
			{"/api/v1/units?cursor=%21%21", "fi", "invalid", 400, "Sivutustunniste"},
			{"/api/v1/units?language=de", "sv-FI", "invalid", 400, "Språket"},
			{"/api/v1/units?q=%00", "en", "invalid", 400, "not allowed"},
			{"/api/v1/units/no-such-unit", "en-GB", "not_found", 404, "not found"},
			{"/api/v1/services/no-such-service", "", "not_found", 404, "ei löytynyt"},
			{"/api/v1/nothing-here", "", "not_found", 404, "ei löytynyt"},
		} {
			c := e.client() // a fresh client: ?lang= is remembered in a cookie
			r := c.get(tc.path, "Accept-Language", tc.header)
			code, msg := r.errorCode(t)
			if r.status != tc.status || code != tc.code || !strings.Contains(msg, tc.wantMessage) {
				t.Errorf("%s (%s): %d %s %q, want %d %s containing %q", tc.path, tc.header, r.status, code, msg, tc.status, tc.code, tc.wantMessage)
			}
		}
	})
}

func TestUnitAndListsCarryThreeLanguages(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		var u unitJSON
		r := c.get("/api/v1/units/" + firstUnit(t, c))
		needStatus(t, r, 200, "unit")
		r.json(t, &u)
		if u.Names.Fi == "" || u.Names.Sv == "" || u.Names.En == "" {
			t.Errorf("unit names %+v", u.Names)
		}
		for _, path := range []string{"/api/v1/areas", "/api/v1/services", "/api/v1/concepts", "/api/v1/districts", "/api/v1/producers"} {
			var p struct {
				Items []struct {
					ID    string
					Names map[string]string
				}
				NextCursor *string `json:"next_cursor"`
			}
			r := c.get(path + "?limit=2")
			if r.status != 200 {
				t.Fatalf("%s: %d", path, r.status)
			}
			r.json(t, &p)
			if len(p.Items) != 2 || p.NextCursor == nil {
				t.Errorf("%s?limit=2: %d items, cursor %v", path, len(p.Items), p.NextCursor)
			}
			for _, it := range p.Items {
				for _, l := range []string{"fi", "sv", "en"} {
					if it.Names[l] == "" {
						t.Errorf("%s: %s has no %s name", path, it.ID, l)
					}
				}
			}
		}
		var svc struct {
			Items []struct {
				TakesContactRequests *bool `json:"takes_contact_requests"`
			}
		}
		c.get("/api/v1/services?limit=500").json(t, &svc)
		takes := 0
		for _, s := range svc.Items {
			if s.TakesContactRequests == nil {
				t.Fatal("service without takes_contact_requests")
			}
			if *s.TakesContactRequests {
				takes++
			}
		}
		if takes == 0 || takes == len(svc.Items) {
			t.Errorf("%d of %d services take contact requests", takes, len(svc.Items))
		}
	})
}

func firstUnit(t *testing.T, c *client) string {
	var p unitPage
	c.get("/api/v1/units?limit=1").json(t, &p)
	if len(p.Items) != 1 {
		t.Fatal("no units")
	}
	return p.Items[0].ID
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestHTMLPagesInEveryLanguage(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		unit := firstUnit(t, c)
		keys := e.cat.Keys()
		for _, lang := range []string{"fi", "sv", "en"} {
			for _, path := range []string{"/", "/units", "/units?q=kallio", "/units/" + unit, "/services", "/login", "/no-such-page"} {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				r := c.get(path + sep + "lang=" + lang)
				if path == "/no-such-page" {
					if r.status != 404 {
						t.Errorf("%s: status %d", path, r.status)
					}
				} else if r.status != 200 {
					t.Errorf("%s %s: status %d", lang, path, r.status)
				}
				if !strings.Contains(r.body, `<html lang="`+lang+`">`) {
					t.Errorf("%s %s: no html lang=%s", lang, path, lang)
				}
				for _, k := range keys {
					if strings.Contains(r.body, ">"+k+"<") || strings.Contains(r.body, `"`+k+`"`) {
						t.Errorf("%s %s: untranslated key %s shows", lang, path, k)
					}
				}
			}
		}
	})
}

func TestLanguageChoice(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		if r := c.get("/units", "Accept-Language", "sv-FI,sv;q=0.9"); r.header.Get("Content-Language") != "sv" {
			t.Errorf("Accept-Language sv gave %q", r.header.Get("Content-Language"))
		}
		if r := c.get("/units", "Accept-Language", "de"); r.header.Get("Content-Language") != "fi" {
			t.Errorf("Accept-Language de gave %q, want the Finnish fallback", r.header.Get("Content-Language"))
		}
		c.get("/units?lang=en", "Accept-Language", "sv")
		if r := c.get("/units", "Accept-Language", "sv"); r.header.Get("Content-Language") != "en" {
			t.Errorf("after ?lang=en the cookie should keep English, got %q", r.header.Get("Content-Language"))
		}
		r := c.get("/units?q=kallio&lang=sv")
		if !strings.Contains(r.body, `href="/units?lang=fi&amp;q=kallio"`) {
			t.Errorf("the language switch does not keep the page and its query")
		}
	})
}

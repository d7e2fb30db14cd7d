package web_test

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"sotepe"
)

// probeSamples gives a path parameter a value that names something in the
// demo data, by the path's first segment after /api/v1/ and the name.
var probeSamples = map[string]string{
	"units.id":            "kallio-health-station",
	"services.id":         "doctor-appointment",
	"surveys.id":          "resident-2025",
	"assessments.id":      "dental-pain",
	"assessment-sessions": "not-a-session",
	"calendar.year":       "2026",
	"calendar.date":       "2026-12-24",
	"reports.year":        "2024",
}

// TestOpenAPIProbe sends every operation of docs/openapi.json, as every
// kind of user, a plain request and requests that break the document's
// rules one at a time: a query parameter outside its schema, a malformed
// or unknown-field body, a body over the size limit, an id that names
// nothing. validateAPI checks each answer: its status must be documented,
// its body must match, and a request the document calls invalid must not
// be accepted. It runs on both engines: no input may make either answer 5xx.
func TestOpenAPIProbe(t *testing.T) { onEngines(t, probeAPI) }

func probeAPI(t *testing.T, e *env) {
	spec, err := loadAPISpec()
	if err != nil {
		t.Fatal(err)
	}
	users := []string{"", "anna", "erik", "nurse", "manager", "analyst", "admin"}
	clients := map[string]*client{}
	for _, u := range users {
		c := e.client()
		if u != "" {
			c.login(u)
		}
		clients[u] = c
	}
	paths := spec.doc.Paths.InMatchingOrder()
	slices.Sort(paths)
	sent := 0
	for _, path := range paths {
		item := spec.doc.Paths.Value(path)
		for method, op := range item.Operations() {
			if path == "/api/v1/session" && method == "DELETE" {
				continue // signs the probe's clients out; auth_test covers it
			}
			params := append(slices.Clone(item.Parameters), op.Parameters...)
			for _, u := range users {
				c := clients[u]
				for _, req := range probeRequests(path, method, params) {
					r := c.do(method, req.path, req.body, req.header...)
					sent++
					if r.status >= 500 {
						t.Errorf("%s %s as %q: %d %s", method, req.path, u, r.status, r.body)
					}
				}
			}
		}
	}
	// A method no route takes answers 404, like a path nobody serves.
	for _, path := range paths {
		p := strings.NewReplacer("{", "", "}", "").Replace(path)
		if r := clients["admin"].do("PATCH", p, "{}"); r.status != 404 {
			t.Errorf("PATCH %s: %d, want 404", p, r.status)
		}
		sent++
	}
	t.Logf("%d requests", sent)
}

type probeRequest struct {
	path   string
	body   string
	header []string
}

// probeRequests returns the requests the probe sends to one operation.
func probeRequests(path, method string, params openapi3.Parameters) []probeRequest {
	fill := func(missing string) string {
		out := path
		for _, p := range params {
			if p.Value == nil || p.Value.In != "path" {
				continue
			}
			name := p.Value.Name
			v := missing
			if missing == "" {
				seg := strings.SplitN(strings.TrimPrefix(path, "/api/v1/"), "/", 2)[0]
				if s, ok := probeSamples[seg+"."+name]; ok {
					v = s
				} else if s, ok := probeSamples[seg]; ok {
					v = s
				} else {
					v = "1"
				}
			}
			out = strings.ReplaceAll(out, "{"+name+"}", url.PathEscape(v))
		}
		return out
	}
	body := ""
	if method == "POST" || method == "PUT" {
		body = "{}"
	}
	out := []probeRequest{{path: fill(""), body: body}}
	if strings.Contains(path, "{") {
		out = append(out, probeRequest{path: fill("999999"), body: body}, probeRequest{path: fill("x1"), body: body})
	}
	for _, p := range params {
		if p.Value == nil || p.Value.In != "query" || p.Value.Schema == nil || p.Value.Schema.Value == nil {
			continue
		}
		for _, bad := range badValues(p.Value.Schema.Value) {
			out = append(out, probeRequest{path: fill("") + "?" + url.Values{p.Value.Name: {bad}}.Encode(), body: body})
		}
	}
	if method != "GET" {
		out = append(out, probeRequest{path: fill(""), body: body, header: []string{"Sec-Fetch-Site", "cross-site"}})
	}
	if body != "" {
		big := 70 << 10 // over the test server's 64 KiB limit
		if path == "/api/v1/events" {
			big = 9 << 20 // over the batch limit
		}
		out = append(out,
			probeRequest{path: fill(""), body: "{"},
			probeRequest{path: fill(""), body: `{"no_such_field":1}`},
			probeRequest{path: fill(""), body: `{"x":"` + strings.Repeat("a", big) + `"}`},
		)
	}
	return out
}

// badValues returns values a parameter's schema forbids.
func badValues(s *openapi3.Schema) []string {
	var out []string
	if len(s.Enum) > 0 {
		out = append(out, "zz")
	}
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		out = append(out, "x1")
		if s.Min != nil {
			out = append(out, strconv.FormatFloat(*s.Min-1, 'f', -1, 64))
		}
		if s.Max != nil {
			out = append(out, strconv.FormatFloat(*s.Max+1, 'f', -1, 64))
		}
	case s.Type.Is("boolean"):
		out = append(out, "maybe")
	case s.Format == "date":
		out = append(out, "2026-13-45")
	case s.Format == "date-time":
		out = append(out, "yesterday")
	}
	if s.MaxLength != nil {
		out = append(out, strings.Repeat("a", int(*s.MaxLength)+1))
	}
	return out
}

// TestAPIRefusesInvalidParameters checks the inputs the outside probe found
// accepted: an unknown language, a page size over 500 and a flag that is
// neither true nor false are refused with 400 and a message in the caller's
// language, where they used to be ignored.
func TestAPIRefusesInvalidParameters(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		nurse := e.as("nurse")
		for _, c := range []struct {
			who  *client
			path string
			key  string
			args map[string]any
		}{
			{anna, "/api/v1/units?lang=zz", "error.lang", nil},
			{anna, "/api/v1/me?lang=xx", "error.lang", nil},
			{anna, "/api/v1/units?limit=501", "error.page_limit", nil},
			{anna, "/api/v1/areas?limit=0", "error.page_limit", nil},
			{anna, "/api/v1/appointments?mine=maybe", "error.flag", map[string]any{"Field": "mine"}},
			{nurse, "/api/v1/appointment-calendar?mine=yes", "error.flag", map[string]any{"Field": "mine"}},
			{anna, "/api/v1/slots?service=doctor-appointment&near=1", "error.flag", map[string]any{"Field": "near"}},
		} {
			r := c.who.get(c.path)
			if r.status != 400 {
				t.Errorf("%s: %d, want 400", c.path, r.status)
				continue
			}
			code, msg := r.errorCode(t)
			lang := sotepe.Lang(r.header.Get("Content-Language"))
			if _, ok := sotepe.ParseLang(string(lang)); !ok {
				t.Errorf("%s: Content-Language %q", c.path, lang)
			}
			if want := e.cat.T(lang, c.key, c.args); code != "invalid" || msg != want {
				t.Errorf("%s: %s %q, want invalid %q", c.path, code, msg, want)
			}
		}
		// Without a cookie the message follows Accept-Language.
		r := e.client().get("/api/v1/units?lang=zz", "Accept-Language", "sv")
		if code, msg := r.errorCode(t); r.status != 400 || code != "invalid" || msg != e.cat.T(sotepe.Swedish, "error.lang", nil) {
			t.Errorf("lang=zz with Accept-Language sv: %d %s %q", r.status, code, msg)
		}
		// A page in HTML still falls back to a language it knows.
		wantStatus(t, anna.get("/units?lang=zz"), 200, "/units?lang=zz")
		// The right values still work.
		for _, p := range []string{"/api/v1/units?lang=sv&limit=500", "/api/v1/appointments?mine=false", "/api/v1/appointments?mine=true"} {
			if r := anna.get(p); r.status != 200 {
				t.Errorf("%s: %d %s", p, r.status, r.body)
			}
		}
	})
}

package web_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"sotepe/demo"
	"sotepe/i18n"
)

// The scan of every page the web tests render (issue 17): the text people
// see holds no machine dates (2026-12-07, 2026-12, 2026-W45), no times with
// a colon on Finnish and Swedish pages, no Finnish dates on English pages,
// no raw unit ids of the demo network and no raw catalog keys. Tag
// attributes, <script>, <style>, <pre>, <code> and <textarea> are not
// text people read and are not scanned; <time datetime> and input values
// are attributes.

var (
	isoDate   = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	isoMonth  = regexp.MustCompile(`\b\d{4}-(0[1-9]|1[0-2])\b`)
	isoWeek   = regexp.MustCompile(`\b\d{4}-W\d{1,2}\b`)
	colonTime = regexp.MustCompile(`\b([01]?\d|2[0-3]):[0-5]\d\b`)
	finnDate  = regexp.MustCompile(`\b\d{1,2}\.\d{1,2}\.\d{4}\b`)
	dottedKey = regexp.MustCompile(`\b[a-z][a-z0-9_]*(\.[a-z0-9_]+)+\b`)
	slugWord  = regexp.MustCompile(`\b[a-z0-9]+(-[a-z0-9]+)+\b`)
)

// pageScanner knows what is raw on a page: the demo network's unit ids and
// the catalog's keys.
type pageScanner struct {
	units      map[string]bool
	keys       map[string]bool
	namespaces map[string]bool
}

var scanner = sync.OnceValues(func() (*pageScanner, error) {
	n, err := demo.BaseNetwork()
	if err != nil {
		return nil, err
	}
	cat, err := i18n.New()
	if err != nil {
		return nil, err
	}
	s := &pageScanner{units: map[string]bool{}, keys: map[string]bool{}, namespaces: map[string]bool{}}
	for _, u := range n.Units {
		s.units[u.ID] = true
	}
	for _, k := range cat.Keys() {
		s.keys[k] = true
		s.namespaces[k[:strings.IndexByte(k+".", '.')]] = true
	}
	return s, nil
})

// skipped are the elements whose text is not read as page text.
var skipped = map[string]bool{"script": true, "style": true, "pre": true, "code": true, "textarea": true}

// scan returns the problems of one HTML page, each naming the offending
// text.
func (s *pageScanner) scan(page []byte) []string {
	z := html.NewTokenizer(bytes.NewReader(page))
	lang, depth := "", 0
	var problems []string
	add := func(what, text string) {
		problems = append(problems, fmt.Sprintf("%s %q", what, text))
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return problems
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			if skipped[string(name)] {
				depth++
			}
			if string(name) == "html" && hasAttr {
				for {
					k, v, more := z.TagAttr()
					if string(k) == "lang" {
						lang = string(v)
					}
					if !more {
						break
					}
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); skipped[string(name)] && depth > 0 {
				depth--
			}
		case html.TextToken:
			if depth > 0 {
				continue
			}
			text := string(z.Text())
			for _, m := range isoDate.FindAllString(text, -1) {
				add("ISO date", m)
			}
			for _, m := range isoMonth.FindAllString(isoDate.ReplaceAllString(text, ""), -1) {
				add("ISO month", m)
			}
			for _, m := range isoWeek.FindAllString(text, -1) {
				add("ISO week", m)
			}
			if lang != "en" {
				for _, m := range colonTime.FindAllString(text, -1) {
					add("time with a colon on a "+lang+" page", m)
				}
			} else {
				for _, m := range finnDate.FindAllString(text, -1) {
					add("Finnish date on an English page", m)
				}
			}
			for _, m := range slugWord.FindAllString(text, -1) {
				if s.units[m] {
					add("raw unit id", m)
				}
			}
			for _, m := range dottedKey.FindAllString(text, -1) {
				ns := m[:strings.IndexByte(m, '.')]
				if s.keys[m] || (s.namespaces[ns] && strings.Count(m, ".") >= 2) {
					add("raw catalog key", m)
				}
			}
		}
	}
}

// scanPages wraps h so that every HTML page it serves is scanned; report
// hears of each problem once.
func scanPages(t *testing.T, h http.Handler) http.Handler {
	t.Helper()
	s, err := scanner()
	if err != nil {
		t.Fatal(err)
	}
	var seen sync.Map
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") || r.Header.Get("Upgrade") != "" {
			h.ServeHTTP(w, r)
			return
		}
		tee := &teeWriter{ResponseWriter: w}
		h.ServeHTTP(tee, r)
		if !tee.html {
			return
		}
		page := r.Method + " " + r.URL.RequestURI()
		for _, p := range s.scan(tee.body.Bytes()) {
			if _, dup := seen.LoadOrStore(page+p, true); !dup {
				t.Errorf("page scan: %s: %s", page, p)
			}
		}
	})
}

// teeWriter passes a response on and keeps a copy of it when it is HTML.
type teeWriter struct {
	http.ResponseWriter
	body    bytes.Buffer
	html    bool
	decided bool
}

func (w *teeWriter) decide() {
	if !w.decided {
		w.decided = true
		w.html = strings.HasPrefix(w.Header().Get("Content-Type"), "text/html")
	}
}

func (w *teeWriter) WriteHeader(code int) {
	w.decide()
	w.ResponseWriter.WriteHeader(code)
}

func (w *teeWriter) Write(b []byte) (int, error) {
	w.decide()
	if w.html {
		w.body.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Flush keeps streamed responses (server-sent events) streaming.
func (w *teeWriter) Flush() {
	w.decide()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack keeps connections that switch protocol working.
func (w *teeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// The scanner itself: planted machine formats, ids and keys are caught in
// the text people see and left alone where people do not read them.
func TestPageScannerCatchesMachineFormats(t *testing.T) {
	s, err := scanner()
	if err != nil {
		t.Fatal(err)
	}
	page := func(lang, body string) []byte {
		return []byte(`<!doctype html><html lang="` + lang + `"><head><title>x</title><script>var d = "2026-12-07 12:30";</script></head><body>` + body + `</body></html>`)
	}
	for _, c := range []struct {
		lang, body string
		want       []string
	}{
		{"fi", `<p>maanantaina 2026-12-07</p>`, []string{`ISO date "2026-12-07"`}},
		{"sv", `<td>2024-01</td><td>2026-W45</td>`, []string{`ISO month "2024-01"`, `ISO week "2026-W45"`}},
		{"fi", `<td>ma 7.12.2026 12:30</td>`, []string{`time with a colon on a fi page "12:30"`}},
		{"en", `<td>7.12.2026 12.30</td>`, []string{`Finnish date on an English page "7.12.2026"`}},
		{"en", `<td>kallio-health-station</td>`, []string{`raw unit id "kallio-health-station"`}},
		{"en", `<td>action.survey.invite</td><td>date.weekday.1</td>`, []string{`raw catalog key "action.survey.invite"`, `raw catalog key "date.weekday.1"`}},
		// Where people do not read: attributes, <time datetime>, input
		// values, scripts, <pre> and <code>; and text that is fine.
		{"fi", `<time datetime="2026-12-07T12:30:00+02:00">ma 7.12.2026 klo 12.30</time><input name="d" value="2026-12-07"><a href="/units/kallio-health-station?month=2026-12">Kallion terveysasema</a><pre>2026-12-07</pre><code>action.survey.invite</code><p>www.hel.fi, report.pdf</p>`, nil},
		{"en", `<p>Mon 7 Dec 2026, 12:30</p>`, nil},
	} {
		got := s.scan(page(c.lang, c.body))
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s page %s:\n got %q\nwant %q", c.lang, c.body, got, c.want)
		}
	}
}

package web

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"sotepe"
)

// FuzzFormInput: a form post with any body, query and path is refused with
// a 4xx or leaves only valid text in every value a handler can read.
func FuzzFormInput(f *testing.F) {
	for _, s := range [][2]string{{"username=%00&password=x", ""}, {"a=%ff", "q=1"}, {"name=%c3", "q=%00"}, {"%00=1", ""}, {"x=%zz", ""}, {"ok=hyv%C3%A4", "lang=sv"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, body, query string) {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		err := checkRequestText(req)
		if err != nil {
			if st := sotepe.HTTPStatus(sotepe.ErrorCode(err)); st >= 500 || st < 400 {
				t.Fatalf("checkRequestText(%q, %q) = %v: status %d", body, query, err, st)
			}
			return
		}
		// What handlers read: r.ParseForm (a no-op now), r.PostForm, r.URL.Query().
		if err := req.ParseForm(); err != nil {
			t.Fatalf("ParseForm after the check: %v", err)
		}
		for _, vals := range []map[string][]string{req.PostForm, req.URL.Query(), req.Form} {
			for k, vs := range vals {
				if !sotepe.ValidText(k) {
					t.Fatalf("name %q passed the check", k)
				}
				for _, v := range vs {
					if !sotepe.ValidText(v) {
						t.Fatalf("value %q of %q passed the check", v, k)
					}
				}
			}
		}
	})
}

func TestCheckRequestTextPathAndHeader(t *testing.T) {
	for path, ok := range map[string]bool{"/units/kallio": true, "/units/%C3%A4": true, "/units/a%00b": false, "/units/%ff": false} {
		req := httptest.NewRequest("GET", path, nil)
		if err := checkRequestText(req); (err == nil) != ok {
			t.Errorf("%s: %v, want ok %v", path, err, ok)
		}
	}
	req := httptest.NewRequest("POST", "/api/v1/contact-requests", nil)
	req.Header.Set("Idempotency-Key", "k\xff")
	if err := checkRequestText(req); sotepe.ErrorKey(err) != "error.text_invalid" {
		t.Errorf("Idempotency-Key with invalid UTF-8: %v", err)
	}
}

func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	for _, c := range []struct {
		remote, xff string
		trusted     []netip.Prefix
		want        string
	}{
		{"198.51.100.1:5", "203.0.113.1", nil, "198.51.100.1"},          // nothing trusted
		{"198.51.100.1:5", "203.0.113.1", trusted, "198.51.100.1"},      // peer not trusted
		{"10.0.0.1:5", "", trusted, "10.0.0.1"},                         // a trusted peer without the header
		{"10.0.0.1:5", "203.0.113.1", trusted, "203.0.113.1"},           // one proxy
		{"10.0.0.1:5", "6.6.6.6, 203.0.113.1", trusted, "203.0.113.1"},  // a forged entry on the left
		{"10.0.0.1:5", "203.0.113.1, 10.0.0.2", trusted, "203.0.113.1"}, // two trusted hops
		{"10.0.0.1:5", "10.0.0.3, 10.0.0.2", trusted, "10.0.0.3"},       // all trusted: the leftmost
		{"10.0.0.1:5", "junk, 203.0.113.1", trusted, "203.0.113.1"},     // junk left of the client is never read
		{"10.0.0.1:5", "203.0.113.1, junk", trusted, "10.0.0.1"},        // junk from a trusted hop: stop there
		{"[2001:db8::1]:5", "[2001:db8::2]:80, 2001:db9::7", trusted, "2001:db9::7"},
		{"10.0.0.1:5", "::ffff:203.0.113.5", trusted, "203.0.113.5"}, // IPv4-mapped
		{"10.0.0.1:5", "203.0.113.1:4711", trusted, "203.0.113.1"},   // with a port
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = c.remote
		if c.xff != "" {
			req.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := clientIP(req, c.trusted); got != c.want {
			t.Errorf("clientIP(%s, %q) = %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
	// Several header lines are one list.
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "10.0.0.1:5"
	req.Header.Add("X-Forwarded-For", "6.6.6.6")
	req.Header.Add("X-Forwarded-For", "203.0.113.8")
	if got := clientIP(req, trusted); got != "203.0.113.8" {
		t.Errorf("two header lines: %s", got)
	}
}

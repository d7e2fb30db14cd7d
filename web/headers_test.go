package web_test

import (
	"net/http"
	"testing"

	"sotepe/web"
)

// Issue 13, hole 10: HSTS with Secure cookies, no-store on every response
// with personal data, and a new password ends older sessions.
func TestSecurityHeaders(t *testing.T) {
	secEngines(t, func(t *testing.T, dsn string) {
		e := newSecEnv(t, dsn, true, web.Config{SecureCookies: true})
		const ip = "198.51.100.8:1"
		if got := e.do("GET", "/api/v1/units", "", ip).Header().Get("Strict-Transport-Security"); got != "max-age=31536000" {
			t.Errorf("Strict-Transport-Security with Secure cookies = %q", got)
		}
		plain := newSecEnv(t, dsn, false, web.Config{})
		if got := plain.do("GET", "/api/v1/units", "", ip).Header().Get("Strict-Transport-Security"); got != "" {
			t.Errorf("Strict-Transport-Security without Secure cookies = %q, want none", got)
		}

		anna := e.session("anna")
		cookie := anna.Name + "=" + anna.Value
		for _, c := range []struct {
			path, cookie, want string
		}{
			{"/api/v1/me", cookie, "no-store"},
			{"/api/v1/contact-requests", cookie, "no-store"},
			{"/api/v1/units", cookie, "no-store"},                // every response to a signed-in user
			{"/units", cookie, "no-store"},                       // pages too
			{"/api/v1/me", "", "no-store"},                       // an API error
			{"/api/v1/calendar/deadline?from=x", "", "no-store"}, // any other API answer
			{"/api/v1/units", "", ""},                            // the public directory may be cached
			{"/static/style.css", cookie, "public, max-age=3600"},
		} {
			h := []string{}
			if c.cookie != "" {
				h = append(h, "Cookie", c.cookie)
			}
			w := e.do("GET", c.path, "", ip, h...)
			if got := w.Header().Get("Cache-Control"); got != c.want {
				t.Errorf("GET %s (signed in %v): %d Cache-Control %q, want %q", c.path, c.cookie != "", w.Code, got, c.want)
			}
		}

		// Two sessions of anna end when her password changes; erik's stays.
		other := e.session("anna")
		erik := e.session("erik")
		u, _, err := e.st.UserByUsername(t.Context(), "anna")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.st.SetPassword(t.Context(), u.ID, "$argon2id$v=19$m=65536,t=1,p=2$c2FsdHNhbHQ$aGFzaGhhc2g"); err != nil {
			t.Fatal(err)
		}
		for _, s := range []*http.Cookie{anna, other} {
			if w := e.do("GET", "/api/v1/me", "", ip, "Cookie", s.Name+"="+s.Value); w.Code != http.StatusUnauthorized {
				t.Errorf("anna's older session after a new password: %d, want 401", w.Code)
			}
		}
		if w := e.do("GET", "/api/v1/me", "", ip, "Cookie", erik.Name+"="+erik.Value); w.Code != http.StatusOK {
			t.Errorf("erik's session after anna's new password: %d, want 200", w.Code)
		}
	})
}

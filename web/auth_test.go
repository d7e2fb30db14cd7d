package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

type me struct {
	ID         int64    `json:"id"`
	Username   string   `json:"username"`
	Name       string   `json:"name"`
	Roles      []string `json:"roles"`
	Units      []string `json:"units"`
	Lang       string   `json:"lang"`
	ResidentID int64    `json:"resident_id"`
}

func TestLoginMeLogout(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		needStatus(t, c.get("/api/v1/me"), 401, "me before login")
		r := c.do("POST", "/api/v1/session", `{"username":"erik","password":"demo"}`)
		needStatus(t, r, 201, "login")
		setCookie := r.header.Get("Set-Cookie")
		if !strings.Contains(setCookie, "HttpOnly") || !strings.Contains(setCookie, "SameSite=Lax") {
			t.Errorf("session cookie flags: %s", setCookie)
		}
		m := c.me()
		if m.Username != "erik" || m.Lang != "sv" || m.ResidentID == 0 || !contains(m.Roles, "resident") {
			t.Errorf("me = %+v", m)
		}
		// The signed-in Swedish speaker gets Swedish without asking.
		if r := c.get("/me"); r.status != 200 || !strings.Contains(r.body, `<html lang="sv">`) || !strings.Contains(r.body, m.Name) {
			t.Errorf("/me page: %d, Swedish %v", r.status, strings.Contains(r.body, `lang="sv"`))
		}
		var nurse me
		n := e.as("nurse")
		n.get("/api/v1/me").json(t, &nurse)
		if !contains(nurse.Roles, "professional") || len(nurse.Units) == 0 || nurse.ResidentID != 0 {
			t.Errorf("nurse = %+v", nurse)
		}
		needStatus(t, c.do("DELETE", "/api/v1/session", ""), 204, "logout")
		needStatus(t, c.get("/api/v1/me"), 401, "me after logout")
	})
}

func TestLoggedOutTokenIsDead(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		r := c.do("POST", "/api/v1/session", `{"username":"anna","password":"demo"}`)
		cookie := strings.SplitN(r.header.Get("Set-Cookie"), ";", 2)[0]
		other := e.client()
		needStatus(t, other.get("/api/v1/me", "Cookie", cookie), 200, "copied cookie before logout")
		c.do("DELETE", "/api/v1/session", "")
		needStatus(t, other.get("/api/v1/me", "Cookie", cookie), 401, "copied cookie after logout")
	})
}

func TestSessionTimeouts(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.as("anna")
		e.clock.Add(20 * time.Minute)
		needStatus(t, c.get("/api/v1/me"), 200, "after 20 idle minutes")
		e.clock.Add(31 * time.Minute)
		needStatus(t, c.get("/api/v1/me"), 401, "after 31 idle minutes")
		c.login("anna")
		for i := 0; i < 26; i++ { // active every 29 minutes, past the 12-hour absolute limit
			e.clock.Add(29 * time.Minute)
			r := c.get("/api/v1/me")
			if elapsed := time.Duration(i+1) * 29 * time.Minute; elapsed < 12*time.Hour && r.status != 200 {
				t.Fatalf("active session ended after %s: %d", elapsed, r.status)
			} else if elapsed > 12*time.Hour && r.status != 401 {
				t.Fatalf("session alive after %s: %d", elapsed, r.status)
			}
		}
	})
}

func TestLoginFailuresAndThrottle(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		for _, body := range []string{`{"username":"anna","password":"wrong"}`, `{"username":"nobody","password":"demo"}`} {
			r := c.do("POST", "/api/v1/session", body, "Accept-Language", "sv")
			code, msg := r.errorCode(t)
			if r.status != 401 || code != "unauthorized" || msg != "Fel användarnamn eller lösenord." {
				t.Errorf("%s: %d %s %q", body, r.status, code, msg)
			}
		}
		var last response
		for i := 0; i < 8; i++ {
			last = c.do("POST", "/api/v1/session", `{"username":"manager","password":"guess`+fmt.Sprint(i)+`"}`)
		}
		needStatus(t, last, http.StatusTooManyRequests, "after 8 failures")
		// Even the right password waits while the account is slowed down.
		needStatus(t, c.do("POST", "/api/v1/session", `{"username":"manager","password":"demo"}`), 429, "right password during throttle")
		e.clock.Add(20 * time.Minute)
		needStatus(t, c.do("POST", "/api/v1/session", `{"username":"manager","password":"demo"}`), 201, "right password after the wait")
	})
}

func TestBadJSONIsExplained(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		for _, tc := range []struct {
			body, lang, code, want string
			status                 int
		}{
			{`{"username":"anna","password":"demo","admin":true}`, "en", "invalid", "Unknown field: admin.", 400},
			{`{"username":"anna",`, "fi", "invalid", "JSON on virheellinen", 400},
			{`{"username":1,"password":"demo"}`, "sv", "invalid", "Fältet username har fel typ.", 400},
			{``, "en", "invalid", "The request body is empty.", 400},
			{`{"username":"anna","password":"demo"} {}`, "en", "invalid", "more than one JSON value", 400},
			{`{"username":"` + strings.Repeat("a", 70<<10) + `","password":"demo"}`, "sv", "too_large", "för stor", 413},
		} {
			r := c.do("POST", "/api/v1/session", tc.body, "Accept-Language", tc.lang)
			code, msg := r.errorCode(t)
			if r.status != tc.status || code != tc.code || !strings.Contains(msg, tc.want) {
				t.Errorf("body %.40q: %d %s %q, want %d %s with %q", tc.body, r.status, code, msg, tc.status, tc.code, tc.want)
			}
		}
		r := c.do("POST", "/api/v1/session", `{"username":"anna","password":"demo"}`, "Content-Type", "text/plain")
		if code, _ := r.errorCode(t); r.status != 400 || code != "invalid" {
			t.Errorf("text/plain body: %d %s", r.status, code)
		}
	})
}

func TestCrossSiteFormIsRefused(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		r := c.do("POST", "/login", "username=anna&password=demo", "Content-Type", "application/x-www-form-urlencoded",
			"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
		needStatus(t, r, 403, "cross-site login form")
		r = c.do("POST", "/login", "username=anna&password=demo&next=/me", "Content-Type", "application/x-www-form-urlencoded",
			"Sec-Fetch-Site", "same-origin")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/me" {
			t.Fatalf("same-origin login form: %d to %q", r.status, r.header.Get("Location"))
		}
		r = c.do("POST", "/login", "username=anna&password=demo&next=//evil.example", "Content-Type", "application/x-www-form-urlencoded")
		if loc := r.header.Get("Location"); loc != "/" {
			t.Fatalf("open redirect: next=//evil.example went to %q", loc)
		}
	})
}

func TestPagesNeedingLoginRedirect(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		r := c.get("/me/access-log")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?next=/me/access-log" {
			t.Fatalf("/me/access-log signed out: %d %q", r.status, r.header.Get("Location"))
		}
		r = c.do("POST", "/login", "username=anna&password=wrong", "Content-Type", "application/x-www-form-urlencoded", "Accept-Language", "en")
		if r.status != 401 || !strings.Contains(r.body, "Wrong username or password.") {
			t.Fatalf("failed form login: %d", r.status)
		}
	})
}

package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"sotepe/web"
)

// Issue 13, hole 5: NUL and invalid UTF-8 get a 400 in the user's language
// on both engines, and nothing is stored.
func TestNULAndInvalidUTF8Refused(t *testing.T) {
	secEngines(t, func(t *testing.T, dsn string) {
		e := newSecEnv(t, dsn, true, web.Config{})
		anna, admin := e.session("anna"), e.session("admin")
		counts := func() string {
			var out []string
			for _, table := range []string{"contact_requests", "contact_messages", "feedback", "closure_days", "notifications", "sessions", "audit_log", "login_failures"} {
				var n int
				if err := e.st.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
					t.Fatalf("count %s: %v", table, err)
				}
				out = append(out, fmt.Sprint(table, "=", n))
			}
			return strings.Join(out, " ")
		}
		before := counts()
		const ip = "198.51.100.7:1"
		cases := []struct {
			name, method, path, body string
			cookie                   string
		}{
			{"login form NUL", "POST", "/login", "username=%00&password=x", ""},
			{"login form invalid UTF-8", "POST", "/login", "username=%ff&password=x", ""},
			{"login API NUL", "POST", "/api/v1/session", `{"username":"\u0000","password":"x"}`, ""},
			{"contact message NUL", "POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","unit":"kallio-health-station","message":"a\u0000b"}`, "anna"},
			{"contact message invalid UTF-8", "POST", "/api/v1/contact-requests", "{\"service\":\"health-station-nurse\",\"unit\":\"kallio-health-station\",\"message\":\"a\xffb\"}", "anna"},
			{"contact page form NUL", "POST", "/requests/new", "service=health-station-nurse&unit=kallio-health-station&message=a%00b", "anna"},
			{"feedback comment NUL", "POST", "/api/v1/feedback", `{"unit":"kallio-health-station","score":9,"comment":"a\u0000b"}`, ""},
			{"closure name NUL", "POST", "/api/v1/calendar/closures", `{"date":"2026-11-24","names":{"fi":"a\u0000b","sv":"x","en":"x"}}`, "admin"},
			{"website form NUL", "POST", "/contact", "service=health-station-nurse&unit=kallio-health-station&name=a%00b&phone=0401234567&message=hello", ""},
			{"website form invalid UTF-8", "POST", "/contact", "service=health-station-nurse&unit=kallio-health-station&name=Anna&phone=0401234567&message=%c3", ""},
			{"query NUL", "GET", "/api/v1/units?q=%00", "", ""},
			{"query invalid UTF-8 page", "GET", "/units?q=%ff", "", ""},
			{"path NUL", "GET", "/api/v1/units/a%00b", "", ""},
			{"path invalid UTF-8", "GET", "/api/v1/contact-requests/%ff", "", "anna"},
		}
		for _, c := range cases {
			h := []string{"Accept-Language", "sv"}
			switch c.cookie {
			case "anna":
				h = append(h, "Cookie", anna.Name+"="+anna.Value)
			case "admin":
				h = append(h, "Cookie", admin.Name+"="+admin.Value)
			}
			w := e.do(c.method, c.path, c.body, ip, h...)
			if w.Code != http.StatusBadRequest {
				t.Errorf("%s: %d %.200s, want 400", c.name, w.Code, w.Body)
				continue
			}
			if strings.HasPrefix(c.path, "/api/") {
				var body struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code != "invalid" || !strings.Contains(body.Error.Message, "UTF-8") {
					t.Errorf("%s: body %s, want code invalid and a message about the text", c.name, w.Body)
				}
			}
			if c.cookie == "" && !strings.Contains(w.Body.String(), "NUL") {
				t.Errorf("%s: page does not explain the problem: %.300s", c.name, w.Body)
			}
		}
		// Signed-in users read the message in their own language (anna's is Finnish? any of the three).
		w := e.do("POST", "/api/v1/feedback", `{"unit":"kallio-health-station","score":9,"comment":"a\u0000b"}`, ip, "Accept-Language", "sv")
		if !strings.Contains(w.Body.String(), "Fältet") {
			t.Errorf("Swedish message expected: %s", w.Body)
		}
		if after := counts(); after != before {
			t.Errorf("stored rows changed:\nbefore %s\nafter  %s", before, after)
		}
		// Good text still goes through.
		cookie := "Cookie"
		if w := e.do("POST", "/api/v1/contact-requests", `{"service":"health-station-nurse","unit":"kallio-health-station","message":"Hyvää päivää – kuumetta 👋"}`, ip, cookie, anna.Name+"="+anna.Value); w.Code != http.StatusCreated {
			t.Errorf("a good message: %d %s", w.Code, w.Body)
		}
	})
}

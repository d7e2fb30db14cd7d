package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sotepe/app"
	"sotepe/store"
	"sotepe/testidp"
	"sotepe/web"
)

// absolute makes one request to an absolute URL (the provider's pages are
// on the same server, but the redirects name them in full).
func (c *client) absolute(method, u string, form url.Values) response {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
	hiddenIn   = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// toProvider starts a sign-in at provider and picks the person with
// subject on the provider's page; it returns the URL the provider sends
// the browser back to, not yet followed.
func (c *client) toProvider(provider, subject string) string {
	t := c.e.t
	t.Helper()
	r := c.get("/login/" + provider + "?next=/requests")
	needStatus(t, r, 303, "to the provider")
	page := c.absolute("GET", r.header.Get("Location"), nil)
	needStatus(t, page, 200, "the provider's page")
	m := formAction.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no form on the provider's page: %.300s", page.body)
	}
	form := url.Values{"person": {subject}}
	for _, h := range hiddenIn.FindAllStringSubmatch(page.body, -1) {
		form.Set(h[1], strings.ReplaceAll(h[2], "&amp;", "&"))
	}
	action, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	next, err := action.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	back := c.absolute("POST", next.String(), form)
	if back.status != 302 && back.status != 303 {
		t.Fatalf("the provider answered %d: %.300s", back.status, back.body)
	}
	return back.header.Get("Location")
}

// signInAt signs a fresh client in at provider as subject and returns it
// with the final response of the callback.
func (e *env) signInAt(provider, subject string) (*client, response) {
	e.t.Helper()
	c := e.client()
	return c, c.absolute("GET", c.toProvider(provider, subject), nil)
}

type meIdentity struct {
	ID         int64          `json:"id"`
	Name       string         `json:"name"`
	Roles      []string       `json:"roles"`
	ResidentID int64          `json:"resident_id"`
	LoA        string         `json:"loa"`
	ActingFor  *principalJSON `json:"acting_for"`
}

func TestStrongIdentificationSignsResidentsIn(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		// anna has children: after signing in she chooses first.
		anna, r := e.signInAt("test-idp", "demo-anna")
		needStatus(t, r, 303, "anna's callback")
		if loc := r.header.Get("Location"); loc != "/acting?next=%2Frequests" {
			t.Errorf("anna goes to %q, not the choice of whom she acts for", loc)
		}
		var m meIdentity
		anna.get("/api/v1/me").json(t, &m)
		if m.ID != e.ids.Users["anna"] || m.ResidentID != e.ids.Residents["anna"] || m.LoA != "substantial" || m.ActingFor != nil {
			t.Fatalf("anna by strong identification = %+v", m)
		}

		// Eero, 15, signs in for the first time: sotepe creates him.
		eero, r := e.signInAt("test-idp", "demo-eero")
		needStatus(t, r, 303, "Eero's callback")
		if loc := r.header.Get("Location"); loc != "/requests" {
			t.Errorf("Eero, who acts for nobody, goes to %q", loc)
		}
		eero.get("/api/v1/me").json(t, &m)
		if m.Name != "Eero Virtanen" || m.ResidentID == 0 || len(m.Roles) != 1 || m.Roles[0] != "resident" {
			t.Fatalf("Eero's first sign-in = %+v", m)
		}
		first := m
		// The second time he is the same person.
		eero2, _ := e.signInAt("test-idp", "demo-eero")
		eero2.get("/api/v1/me").json(t, &m)
		if m.ID != first.ID || m.ResidentID != first.ResidentID {
			t.Errorf("Eero's second sign-in is %+v, the first %+v", m, first)
		}
		// anna's principal Eero is that resident.
		if p := anna.principals()["Eero Virtanen"]; p.ID != first.ResidentID {
			t.Errorf("anna's Eero is resident %d, Eero himself %d", p.ID, first.ResidentID)
		}

		// Sign-out goes through the provider's end-session endpoint.
		r = anna.do("POST", "/logout", "x=1")
		needStatus(t, r, 303, "sign-out")
		if loc := r.header.Get("Location"); !strings.Contains(loc, "/test-idp/residents/end-session") || !strings.Contains(loc, "post_logout_redirect_uri=") {
			t.Errorf("sign-out goes to %q", loc)
		}
		needStatus(t, anna.get("/api/v1/me"), 401, "me after sign-out")
	})
}

func TestStaffSignInAtTheirOrganisationsProvider(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		nurse, r := e.signInAt("helsinki-staff", "staff-nurse")
		needStatus(t, r, 303, "the nurse's callback")
		var m meIdentity
		nurse.get("/api/v1/me").json(t, &m)
		if m.ID != e.ids.Users["nurse"] || len(m.Roles) != 1 || m.Roles[0] != "professional" {
			t.Fatalf("the nurse by her organisation's provider = %+v", m)
		}
		// A resident's identity at the residents' provider is no staff
		// identity: the staff provider knows only its subjects.
		c := e.client()
		needStatus(t, c.get("/login/no-such-provider"), 404, "an unknown provider")
	})
}

func TestASignInIsUsedOnce(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		back := c.toProvider("test-idp", "demo-erik")
		needStatus(t, c.absolute("GET", back, nil), 303, "the first return")
		// The same answer again, from the same browser or another.
		again := c.absolute("GET", back, nil)
		needStatus(t, again, 401, "a replayed return")
		if !strings.Contains(again.body, `id="login-error"`) {
			t.Errorf("the replay shows no reason: %.300s", again.body)
		}
		other := e.client()
		needStatus(t, other.absolute("GET", back, nil), 401, "the return in another browser")
		needStatus(t, other.get("/api/v1/me"), 401, "the other browser after the refused return")
	})
}

func TestARefusedTokenSignsNobodyIn(t *testing.T) {
	var now func() time.Time // the server's clock, set as each server is made
	for name, tc := range map[string]struct {
		tune   func(*testidp.Config)
		key    string
		status int
	}{
		"wrong audience": {func(c *testidp.Config) { c.Tamper = func(m map[string]any) { m["aud"] = "someone-else" } }, "error.oidc_audience", 401},
		"expired": {func(c *testidp.Config) {
			c.Tamper = func(m map[string]any) { m["exp"] = now().Add(-time.Minute).Unix() }
		}, "error.oidc_expired", 401},
		"bad nonce":     {func(c *testidp.Config) { c.Tamper = func(m map[string]any) { m["nonce"] = "not-ours" } }, "error.oidc_nonce", 401},
		"not encrypted": {func(c *testidp.Config) { c.PlainTokens = true }, "error.oidc_not_encrypted", 401},
		"low assurance": {func(c *testidp.Config) { c.People[0].LoA = "low" }, "error.oidc_loa", 403},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnvOn(t, store.SQLite, func(cfg *web.Config) {
				now = cfg.Now
				var err error
				if cfg.TestIdP, cfg.IdentityProviders, err = app.TestProviders(cfg.BaseURL, cfg.Now, tc.tune); err != nil {
					t.Fatal(err)
				}
			})
			c, r := e.signInAt("test-idp", "demo-anna")
			needStatus(t, r, tc.status, "the refused return")
			want := e.cat.T("fi", tc.key, nil)
			if !strings.Contains(r.body, want) && !strings.Contains(r.body, e.cat.T("en", tc.key, nil)) {
				t.Errorf("the page does not give the reason %s (%q): %.400s", tc.key, want, r.body)
			}
			needStatus(t, c.get("/api/v1/me"), 401, "after the refusal")
		})
	}
}

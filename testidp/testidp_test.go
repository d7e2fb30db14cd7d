package testidp_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"sotepe/testidp"
)

const redirect = "http://rp.example/cb"

var clientKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

type env struct {
	srv    *httptest.Server
	issuer string
	now    time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	e.srv = httptest.NewUnstartedServer(nil)
	e.issuer = "http://" + e.srv.Listener.Addr().String() + "/test-idp"
	idp, err := testidp.New(testidp.Config{
		Issuer: e.issuer,
		People: []testidp.Person{
			{Subject: "s1", PersonalID: "010101-123N", GivenName: "Åsa", FamilyName: "<Test>", LoA: "high"},
			{Subject: "s2", PersonalID: "020202A987K", GivenName: "Bo", FamilyName: "B", Label: "Bo & co"},
		},
		Clients: []testidp.Client{{ID: "c1", RedirectURIs: []string{redirect}, SigningKey: &clientKey().PublicKey}},
		Now:     func() time.Time { return e.now },
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/test-idp/", idp)
	e.srv.Config.Handler = mux
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	return e
}

func noRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// authParams is a valid authorization request with a PKCE challenge of verifier.
func authParams(verifier string) url.Values {
	sum := sha256.Sum256([]byte(verifier))
	return url.Values{
		"client_id": {"c1"}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid profile"}, "state": {"st"}, "nonce": {"no"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}
}

func get(t *testing.T, u string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := noRedirects().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestPageLanguagesAndMarkup(t *testing.T) {
	e := newEnv(t)
	const verifier = "0123456789012345678901234567890123456789abc"
	for _, tc := range []struct {
		ui, accept, lang, words string
	}{
		{"", "", "fi", "TESTIPALVELU"},
		{"sv", "", "sv", "TESTTJÄNST"},
		{"en-GB fi", "", "en", "TEST provider"},
		{"", "sv-FI,sv;q=0.9,en;q=0.5", "sv", "Välj en testperson"},
		{"", "de, en;q=0.8", "en", "Choose a test person"},
		{"de", "fi", "fi", "Valitse testihenkilö"},
	} {
		q := authParams(verifier)
		if tc.ui != "" {
			q.Set("ui_locales", tc.ui)
		}
		h := http.Header{}
		if tc.accept != "" {
			h.Set("Accept-Language", tc.accept)
		}
		resp, body := get(t, e.issuer+"/authorize?"+q.Encode(), h)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%+v: %d %s", tc, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, want := range []string{
			"<!DOCTYPE html>", `<html lang="` + tc.lang + `">`, "<title>", "<main>", "<h1>", "<legend>", tc.words,
			`<form method="post" action="` + e.issuer + `/authorize">`,
			`name="person" value="s1">Åsa &lt;Test&gt; <small>`, `name="person" value="s2">Bo &amp; co</button>`,
			`<input type="hidden" name="nonce" value="no">`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%+v: the page lacks %q", tc, want)
			}
		}
		if strings.Contains(strings.ToLower(body), "<script") || regexp.MustCompile(` on[a-z]+=`).MatchString(body) {
			t.Errorf("%+v: the page has script", tc)
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("no CSP: %q", resp.Header.Get("Content-Security-Policy"))
		}
	}
}

func TestAuthorizeChecks(t *testing.T) {
	e := newEnv(t)
	const verifier = "0123456789012345678901234567890123456789abc"
	for name, tc := range map[string]struct {
		change func(url.Values)
		status int
		err    string // error in the redirect; "" with status 400 means no redirect at all
	}{
		"unknown client":        {func(q url.Values) { q.Set("client_id", "nobody") }, 400, ""},
		"unregistered redirect": {func(q url.Values) { q.Set("redirect_uri", "http://evil.example/cb") }, 400, ""},
		"token response type":   {func(q url.Values) { q.Set("response_type", "token") }, 303, "unsupported_response_type"},
		"no openid scope":       {func(q url.Values) { q.Set("scope", "profile") }, 303, "invalid_scope"},
		"plain PKCE":            {func(q url.Values) { q.Set("code_challenge_method", "plain") }, 303, "invalid_request"},
		"no PKCE":               {func(q url.Values) { q.Del("code_challenge") }, 303, "invalid_request"},
		"no nonce":              {func(q url.Values) { q.Del("nonce") }, 303, "invalid_request"},
		"valid (control)":       {func(url.Values) {}, 200, ""},
	} {
		q := authParams(verifier)
		tc.change(q)
		resp, _ := get(t, e.issuer+"/authorize?"+q.Encode(), nil)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", name, resp.StatusCode, tc.status)
			continue
		}
		if tc.status == 303 {
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if !strings.HasPrefix(loc.String(), redirect+"?") || loc.Query().Get("error") != tc.err || loc.Query().Get("state") != "st" {
				t.Errorf("%s: redirected to %q", name, loc)
			}
		}
	}

	// Cancelling returns access_denied; a POST with an unregistered
	// redirect_uri in its hidden fields is not followed either.
	form := authParams(verifier)
	form.Set("cancel", "1")
	resp := postAuthorize(t, e, form)
	if loc, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != 303 || loc.Query().Get("error") != "access_denied" {
		t.Errorf("cancel: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	form = authParams(verifier)
	form.Set("person", "s1")
	form.Set("redirect_uri", "http://evil.example/cb")
	resp = postAuthorize(t, e, form)
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
		t.Errorf("tampered POST: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// postAuthorize posts form to the authorization endpoint, as the person
// picker's page does, and returns the answer without following it.
func postAuthorize(t *testing.T, e *env, form url.Values) *http.Response {
	t.Helper()
	resp, err := noRedirects().PostForm(e.issuer+"/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// code signs s1 in and returns the code.
func code(t *testing.T, e *env, verifier string) string {
	t.Helper()
	form := authParams(verifier)
	form.Set("person", "s1")
	resp := postAuthorize(t, e, form)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Query().Get("code") == "" || loc.Query().Get("iss") != e.issuer {
		t.Fatalf("no code or iss: %q", loc)
	}
	return loc.Query().Get("code")
}

func assertion(t *testing.T, e *env, key *rsa.PrivateKey, jti string, life time.Duration) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jwt.Signed(signer).Claims(jwt.Claims{
		Issuer: "c1", Subject: "c1", Audience: jwt.Audience{e.issuer + "/token"}, ID: jti,
		IssuedAt: jwt.NewNumericDate(e.now), Expiry: jwt.NewNumericDate(e.now.Add(life)),
	}).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func exchange(t *testing.T, e *env, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(e.issuer+"/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestToken(t *testing.T) {
	e := newEnv(t)
	const verifier = "0123456789012345678901234567890123456789abc"
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	base := func(c, jti string, key *rsa.PrivateKey, life time.Duration) url.Values {
		return url.Values{
			"grant_type": {"authorization_code"}, "code": {c}, "redirect_uri": {redirect},
			"code_verifier": {verifier}, "client_id": {"c1"},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
			"client_assertion":      {assertion(t, e, key, jti, life)},
		}
	}
	for name, tc := range map[string]struct {
		form func(c string) url.Values
		err  string
	}{
		"no assertion": {func(c string) url.Values {
			f := base(c, "j1", clientKey(), time.Minute)
			f.Del("client_assertion")
			return f
		}, "invalid_client"},
		"assertion by another key":  {func(c string) url.Values { return base(c, "j2", other, time.Minute) }, "invalid_client"},
		"assertion living too long": {func(c string) url.Values { return base(c, "j3", clientKey(), time.Hour) }, "invalid_client"},
		"wrong verifier": {func(c string) url.Values {
			f := base(c, "j4", clientKey(), time.Minute)
			f.Set("code_verifier", verifier+"x")
			return f
		}, "invalid_grant"},
		"other redirect_uri": {func(c string) url.Values {
			f := base(c, "j5", clientKey(), time.Minute)
			f.Set("redirect_uri", "http://rp.example/other")
			return f
		}, "invalid_grant"},
		"password grant": {func(c string) url.Values {
			f := base(c, "j6", clientKey(), time.Minute)
			f.Set("grant_type", "password")
			return f
		}, "unsupported_grant_type"},
	} {
		status, m := exchange(t, e, tc.form(code(t, e, verifier)))
		if status < 400 || m["error"] != tc.err {
			t.Errorf("%s: %d %v, want %s", name, status, m["error"], tc.err)
		}
	}

	// The control: a good request succeeds once; the code and the
	// assertion id are single use, and the replay revokes the access token.
	c := code(t, e, verifier)
	status, m := exchange(t, e, base(c, "good", clientKey(), time.Minute))
	if status != 200 || m["id_token"] == nil || m["access_token"] == nil {
		t.Fatalf("good exchange: %d %v", status, m)
	}
	at, _ := m["access_token"].(string)
	resp, body := get(t, e.issuer+"/userinfo", http.Header{"Authorization": {"Bearer " + at}})
	if resp.StatusCode != 200 || !strings.Contains(body, "010101-123N") {
		t.Fatalf("userinfo: %d %s", resp.StatusCode, body)
	}
	if status, m = exchange(t, e, base(c, "good", clientKey(), time.Minute)); m["error"] != "invalid_client" {
		t.Errorf("replayed assertion: %d %v", status, m)
	}
	if status, m = exchange(t, e, base(c, "good2", clientKey(), time.Minute)); m["error"] != "invalid_grant" {
		t.Errorf("replayed code: %d %v", status, m)
	}
	if resp, _ := get(t, e.issuer+"/userinfo", http.Header{"Authorization": {"Bearer " + at}}); resp.StatusCode != 401 {
		t.Errorf("userinfo after a replayed code: %d, want 401", resp.StatusCode)
	}
	// A code is short-lived.
	c = code(t, e, verifier)
	e.now = e.now.Add(testidp.CodeLifetime + time.Second)
	if status, m = exchange(t, e, base(c, "late", clientKey(), time.Minute)); m["error"] != "invalid_grant" {
		t.Errorf("expired code: %d %v", status, m)
	}
}

func TestDiscoveryAndNew(t *testing.T) {
	e := newEnv(t)
	resp, body := get(t, e.issuer+"/.well-known/openid-configuration", nil)
	var d map[string]any
	if err := json.Unmarshal([]byte(body), &d); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if d["issuer"] != e.issuer || d["token_endpoint"] != e.issuer+"/token" || d["end_session_endpoint"] != e.issuer+"/end-session" {
		t.Errorf("discovery %v", d)
	}
	if resp, _ := get(t, e.srv.URL+"/test-idp/nothing", nil); resp.StatusCode != 404 {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
	for name, cfg := range map[string]testidp.Config{
		"relative issuer":   {Issuer: "/test-idp"},
		"client, no key":    {Issuer: "http://x/", Clients: []testidp.Client{{ID: "c"}}},
		"person, no sub":    {Issuer: "http://x/", People: []testidp.Person{{GivenName: "x"}}},
		"two clients alike": {Issuer: "http://x/", Clients: []testidp.Client{{ID: "c", SigningKey: &clientKey().PublicKey}, {ID: "c", SigningKey: &clientKey().PublicKey}}},
	} {
		if _, err := testidp.New(cfg); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}

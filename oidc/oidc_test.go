package oidc_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"sotepe"
	"sotepe/oidc"
	"sotepe/testidp"
)

const (
	clientID    = "sotepe-test"
	redirectURL = "http://rp.example/auth/callback"
	logoutURL   = "http://rp.example/signed-out"
)

// keys are generated once per test binary: RSA key generation is slow.
var keys = sync.OnceValue(func() [3]*rsa.PrivateKey {
	var ks [3]*rsa.PrivateKey
	for i := range ks {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		ks[i] = k
	}
	return ks
})

// clock is a settable clock shared by the relying party and the provider.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var alice = testidp.Person{
	Subject: "subject-alice", PersonalID: "010101-123N", GivenName: "Alice Test",
	FamilyName: "Testinen", LoA: "http://ftn.ficora.fi/2017/loa3", Label: "Alice (loa3)",
}

var bob = testidp.Person{
	Subject: "subject-bob", PersonalID: "020202A987K", GivenName: "Bob",
	FamilyName: "Bergström", LoA: "http://ftn.ficora.fi/2017/loa2",
}

// fixture is a test provider on a loopback server and the config of a
// relying party registered there.
type fixture struct {
	idp      *testidp.Server
	srv      *httptest.Server
	clock    *clock
	cfg      oidc.Config
	userinfo atomic.Int32 // requests to /userinfo
}

// newFixture starts a test provider whose issuer is /test-idp on a loopback
// server. idpCfg may change the provider's config, rpCfg the relying party's.
func newFixture(t *testing.T, idpCfg func(*testidp.Config)) *fixture {
	t.Helper()
	ks := keys()
	f := &fixture{clock: &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}}
	f.srv = httptest.NewUnstartedServer(nil)
	issuer := "http://" + f.srv.Listener.Addr().String() + "/test-idp"
	cfg := testidp.Config{
		Issuer: issuer,
		People: []testidp.Person{alice, bob},
		Clients: []testidp.Client{{
			ID: clientID, RedirectURIs: []string{redirectURL}, PostLogoutURIs: []string{logoutURL},
			SigningKey: &ks[0].PublicKey, EncryptionKey: &ks[1].PublicKey,
		}},
		Now: f.clock.Now,
	}
	if idpCfg != nil {
		idpCfg(&cfg)
	}
	idp, err := testidp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.idp = idp
	mux := http.NewServeMux()
	mux.Handle("/test-idp/", idp)
	mux.HandleFunc("/test-idp/userinfo", func(w http.ResponseWriter, r *http.Request) {
		f.userinfo.Add(1)
		idp.ServeHTTP(w, r)
	})
	// An alias that serves the provider's discovery document under another
	// issuer URL, for the issuer-mismatch test.
	mux.HandleFunc("/alias/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/test-idp/.well-known/openid-configuration"
		idp.ServeHTTP(w, r2)
	})
	f.srv.Config.Handler = mux
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	f.cfg = oidc.Config{
		Name:              "test",
		Issuer:            issuer,
		ClientID:          clientID,
		RedirectURL:       redirectURL,
		SigningKey:        ks[0],
		EncryptionKey:     ks[1],
		RequireEncryption: true,
		ACRValues:         []string{"http://ftn.ficora.fi/2017/loa3"},
		HTTPClient:        f.srv.Client(),
		Now:               f.clock.Now,
	}
	return f
}

func (f *fixture) provider(t *testing.T) *oidc.Provider {
	t.Helper()
	p, err := oidc.New(context.Background(), f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// noRedirects is an HTTP client that shows redirects instead of following them.
func noRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// signIn drives the provider's page like a browser without JavaScript: it
// loads authURL, posts the form with the person's button and returns the
// callback's query.
func signIn(t *testing.T, authURL, subject string) url.Values {
	t.Helper()
	c := noRedirects()
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET authorize: %d %s", resp.StatusCode, body)
	}
	page := string(body)
	if !strings.Contains(page, "TEST") || strings.Contains(strings.ToLower(page), "<script") {
		t.Fatalf("the page must say TEST and have no script:\n%s", page)
	}
	form := url.Values{"person": {subject}}
	for _, m := range hiddenRE.FindAllStringSubmatch(page, -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	resp, err = c.PostForm(strings.Split(authURL, "?")[0], form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST authorize: %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != redirectURL {
		t.Fatalf("redirected to %q, want %q", got, redirectURL)
	}
	return loc.Query()
}

// login runs Begin, the page and CheckState, and returns what Finish needs.
func login(t *testing.T, p *oidc.Provider, subject string) (string, oidc.Pending) {
	t.Helper()
	authURL, pend, err := p.Begin()
	if err != nil {
		t.Fatal(err)
	}
	q := signIn(t, authURL, subject)
	if err := oidc.CheckState(pend, q.Get("state")); err != nil {
		t.Fatalf("CheckState: %v", err)
	}
	if q.Get("code") == "" {
		t.Fatalf("no code in the callback: %v", q)
	}
	return q.Get("code"), pend
}

// finish signs subject in through login and Finish, failing the test when
// Finish refuses, and returns the claims.
func finish(t *testing.T, p *oidc.Provider, subject string) oidc.Claims {
	t.Helper()
	code, pend := login(t, p, subject)
	c, err := p.Finish(context.Background(), code, pend)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantRefusal fails unless err is a *sotepe.Error with the code and key.
func wantRefusal(t *testing.T, err error, code, key string) {
	t.Helper()
	var se *sotepe.Error
	if !errors.As(err, &se) {
		t.Fatalf("got %v (%T), want a *sotepe.Error %s %s", err, err, code, key)
	}
	if se.Code != code || se.Key != key {
		t.Fatalf("got %s %s (%v), want %s %s", se.Code, se.Key, err, code, key)
	}
}

func TestHappyPathEncrypted(t *testing.T) {
	f := newFixture(t, nil)
	p := f.provider(t)
	c := finish(t, p, alice.Subject)
	want := oidc.Claims{
		Subject: alice.Subject, PersonalID: alice.PersonalID, GivenName: alice.GivenName,
		FamilyName: alice.FamilyName, LoA: oidc.LoAHigh, ACR: alice.LoA, IDToken: c.IDToken,
	}
	if c != want {
		t.Errorf("claims\n got %+v\nwant %+v", c, want)
	}
	if n := strings.Count(c.IDToken, "."); n != 4 {
		t.Errorf("the ID token has %d dots, want a JWE (4)", n)
	}
	// Suomi.fi puts the person in userinfo only, and so does testidp by default.
	if n := f.userinfo.Load(); n != 1 {
		t.Errorf("userinfo asked %d times, want 1", n)
	}

	// Bob signs in at substantial.
	c = finish(t, p, bob.Subject)
	if c.PersonalID != bob.PersonalID || c.LoA != oidc.LoASubstantial || c.FamilyName != "Bergström" {
		t.Errorf("bob: %+v", c)
	}
}

func TestPlainTokensWithClaimsInIDToken(t *testing.T) {
	f := newFixture(t, func(c *testidp.Config) {
		c.Clients[0].EncryptionKey = nil
		c.ClaimsInIDToken = true
	})
	f.cfg.EncryptionKey, f.cfg.RequireEncryption = nil, false
	p := f.provider(t)
	c := finish(t, p, alice.Subject)
	if c.PersonalID != alice.PersonalID || c.GivenName != alice.GivenName || c.LoA != oidc.LoAHigh {
		t.Errorf("claims %+v", c)
	}
	if n := strings.Count(c.IDToken, "."); n != 2 {
		t.Errorf("the ID token has %d dots, want a JWS (2)", n)
	}
	if n := f.userinfo.Load(); n != 0 {
		t.Errorf("userinfo asked %d times although the ID token had everything", n)
	}
}

func TestPlainUserinfo(t *testing.T) {
	// No encryption anywhere: userinfo comes as JSON.
	f := newFixture(t, func(c *testidp.Config) { c.Clients[0].EncryptionKey = nil })
	f.cfg.EncryptionKey, f.cfg.RequireEncryption = nil, false
	p := f.provider(t)
	c := finish(t, p, bob.Subject)
	if c.PersonalID != bob.PersonalID || f.userinfo.Load() != 1 {
		t.Errorf("claims %+v, userinfo %d", c, f.userinfo.Load())
	}
}

func TestRefusals(t *testing.T) {
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	for _, tc := range []struct {
		name string
		idp  func(*testidp.Config)
		rp   func(*oidc.Config)
		key  string
	}{
		{name: "bad nonce", key: "error.oidc_nonce",
			idp: func(c *testidp.Config) { c.Tamper = func(m map[string]any) { m["nonce"] = "another-nonce" } }},
		{name: "no nonce", key: "error.oidc_nonce",
			idp: func(c *testidp.Config) { c.Tamper = func(m map[string]any) { delete(m, "nonce") } }},
		{name: "wrong audience", key: "error.oidc_audience",
			idp: func(c *testidp.Config) { c.Tamper = func(m map[string]any) { m["aud"] = "someone-else" } }},
		{name: "other authorized party", key: "error.oidc_audience",
			idp: func(c *testidp.Config) {
				c.Tamper = func(m map[string]any) { m["aud"] = []string{clientID, "x"}; m["azp"] = "x" }
			}},
		{name: "expired", key: "error.oidc_expired",
			idp: func(c *testidp.Config) {
				c.Tamper = func(m map[string]any) { m["exp"] = m["iat"].(int64) - 1 }
			}},
		{name: "other issuer in the token", key: "error.oidc_issuer",
			idp: func(c *testidp.Config) { c.Tamper = func(m map[string]any) { m["iss"] = "http://evil.example" } }},
		{name: "not encrypted", key: "error.oidc_not_encrypted",
			idp: func(c *testidp.Config) { c.PlainTokens = true }},
		{name: "encrypted to another key", key: "error.oidc_token",
			idp: func(c *testidp.Config) { c.Clients[0].EncryptionKey = &other.PublicKey }},
		{name: "userinfo about someone else", key: "error.oidc_token",
			idp: func(c *testidp.Config) { c.TamperUserinfo = func(m map[string]any) { m["sub"] = bob.Subject } }},
		{name: "no personal identity code", key: "error.oidc_claims",
			idp: func(c *testidp.Config) {
				c.TamperUserinfo = func(m map[string]any) { delete(m, testidp.ClaimPersonalID) }
			}},
		{name: "userinfo for another client", key: "error.oidc_audience",
			idp: func(c *testidp.Config) { c.TamperUserinfo = func(m map[string]any) { m["aud"] = "someone-else" } }},
		{name: "userinfo from another issuer", key: "error.oidc_issuer",
			idp: func(c *testidp.Config) {
				c.TamperUserinfo = func(m map[string]any) { m["iss"] = "http://evil.example" }
			}},
		{name: "assertion signed with an unregistered key", key: "error.oidc_code",
			rp: func(c *oidc.Config) { c.SigningKey = other }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.idp)
			if tc.rp != nil {
				tc.rp(&f.cfg)
			}
			p := f.provider(t)
			code, pend := login(t, p, alice.Subject)
			c, err := p.Finish(context.Background(), code, pend)
			wantRefusal(t, err, sotepe.EUnauthorized, tc.key)
			if c != (oidc.Claims{}) {
				t.Errorf("a refusal returned claims %+v", c)
			}
			if strings.Contains(err.Error(), alice.PersonalID) || strings.Contains(err.Error(), alice.FamilyName) {
				t.Errorf("the error carries personal data: %v", err)
			}
		})
	}
}

// TestTamperControl makes sure the refusals above come from the tampering:
// the same fixture with a harmless Tamper signs in.
func TestTamperControl(t *testing.T) {
	f := newFixture(t, func(c *testidp.Config) { c.Tamper = func(m map[string]any) { m["extra"] = "x" } })
	p := f.provider(t)
	finish(t, p, alice.Subject)
}

func TestCodeRefusals(t *testing.T) {
	f := newFixture(t, nil)
	p := f.provider(t)
	ctx := context.Background()

	t.Run("replayed", func(t *testing.T) {
		code, pend := login(t, p, alice.Subject)
		if _, err := p.Finish(ctx, code, pend); err != nil {
			t.Fatal(err)
		}
		_, err := p.Finish(ctx, code, pend)
		wantRefusal(t, err, sotepe.EUnauthorized, "error.oidc_code")
	})
	t.Run("wrong verifier", func(t *testing.T) {
		code, pend := login(t, p, alice.Subject)
		_, other, _ := p.Begin()
		pend.Verifier = other.Verifier
		_, err := p.Finish(ctx, code, pend)
		wantRefusal(t, err, sotepe.EUnauthorized, "error.oidc_code")
	})
	t.Run("expired code", func(t *testing.T) {
		code, pend := login(t, p, alice.Subject)
		f.clock.Add(testidp.CodeLifetime + time.Second)
		_, err := p.Finish(ctx, code, pend)
		wantRefusal(t, err, sotepe.EUnauthorized, "error.oidc_code")
	})
	t.Run("unknown code", func(t *testing.T) {
		_, pend, _ := p.Begin()
		_, err := p.Finish(ctx, "made-up", pend)
		wantRefusal(t, err, sotepe.EUnauthorized, "error.oidc_code")
	})
	t.Run("no pending sign-in", func(t *testing.T) {
		_, err := p.Finish(ctx, "made-up", oidc.Pending{})
		wantRefusal(t, err, sotepe.EUnauthorized, "error.oidc_code")
	})
}

func TestNewRefusesOtherIssuer(t *testing.T) {
	f := newFixture(t, nil)
	for _, issuer := range []string{
		f.cfg.Issuer + "/", // the document names the issuer without the slash
		f.srv.URL + "/alias",
	} {
		cfg := f.cfg
		cfg.Issuer = issuer
		_, err := oidc.New(context.Background(), cfg)
		wantRefusal(t, err, sotepe.EUnauthorized, "error.oidc_issuer")
	}
}

func TestNewProviderUnavailable(t *testing.T) {
	f := newFixture(t, nil)
	cfg := f.cfg
	cfg.Issuer = f.srv.URL + "/nothing-here"
	_, err := oidc.New(context.Background(), cfg)
	wantRefusal(t, err, sotepe.EUnavailable, "error.oidc_provider")

	f.srv.Close()
	_, err = oidc.New(context.Background(), f.cfg)
	wantRefusal(t, err, sotepe.EUnavailable, "error.oidc_provider")
}

func TestNewChecksConfig(t *testing.T) {
	f := newFixture(t, nil)
	for name, change := range map[string]func(*oidc.Config){
		"no issuer":        func(c *oidc.Config) { c.Issuer = "" },
		"no client id":     func(c *oidc.Config) { c.ClientID = "" },
		"no redirect":      func(c *oidc.Config) { c.RedirectURL = "" },
		"no signing key":   func(c *oidc.Config) { c.SigningKey = nil },
		"required, no key": func(c *oidc.Config) { c.EncryptionKey = nil },
	} {
		cfg := f.cfg
		change(&cfg)
		if _, err := oidc.New(context.Background(), cfg); err == nil {
			t.Errorf("%s: New accepted the config", name)
		}
	}
}

func TestCheckState(t *testing.T) {
	p := oidc.Pending{State: "abc", Nonce: "n", Verifier: "v"}
	if err := oidc.CheckState(p, "abc"); err != nil {
		t.Errorf("the same state: %v", err)
	}
	for _, got := range []string{"", "abd", "abc ", "ab"} {
		wantRefusal(t, oidc.CheckState(p, got), sotepe.EUnauthorized, "error.oidc_state")
	}
	wantRefusal(t, oidc.CheckState(oidc.Pending{}, ""), sotepe.EUnauthorized, "error.oidc_state")
}

func TestBegin(t *testing.T) {
	f := newFixture(t, nil)
	f.cfg.Scopes = []string{"profile"}
	p := f.provider(t)
	u1, p1, err := p.Begin()
	if err != nil {
		t.Fatal(err)
	}
	_, p2, _ := p.Begin()
	if p1.State == p2.State || p1.Nonce == p2.Nonce || p1.Verifier == p2.Verifier || p1.State == p1.Nonce {
		t.Errorf("Begin repeats its random values: %+v %+v", p1, p2)
	}
	if len(p1.State) < 43 || len(p1.Nonce) < 43 || len(p1.Verifier) < 43 {
		t.Errorf("random values too short: %+v", p1)
	}
	u, _ := url.Parse(u1)
	q := u.Query()
	for k, want := range map[string]string{
		"response_type":         "code",
		"client_id":             clientID,
		"redirect_uri":          redirectURL,
		"scope":                 "openid profile",
		"state":                 p1.State,
		"nonce":                 p1.Nonce,
		"code_challenge_method": "S256",
		"acr_values":            "http://ftn.ficora.fi/2017/loa3",
	} {
		if q.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, q.Get(k), want)
		}
	}
	if q.Get("code_challenge") == "" || q.Get("code_challenge") == p1.Verifier {
		t.Errorf("code_challenge %q must be the S256 of the verifier", q.Get("code_challenge"))
	}
}

// recorder records the token requests a relying party sends.
type recorder struct {
	mu    sync.Mutex
	forms []url.Values
	next  http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/token") {
		body, _ := io.ReadAll(req.Body)
		req.Body.Close()
		form, _ := url.ParseQuery(string(body))
		r.mu.Lock()
		r.forms = append(r.forms, form)
		r.mu.Unlock()
		req.Body = io.NopCloser(strings.NewReader(string(body)))
	}
	return r.next.RoundTrip(req)
}

func TestClientAssertion(t *testing.T) {
	f := newFixture(t, nil)
	rec := &recorder{next: f.srv.Client().Transport}
	f.cfg.HTTPClient = &http.Client{Transport: rec}
	p := f.provider(t)
	for range 2 {
		finish(t, p, alice.Subject)
	}
	if len(rec.forms) != 2 {
		t.Fatalf("%d token requests, want 2", len(rec.forms))
	}
	kid, _ := oidc.Thumbprint(&keys()[0].PublicKey)
	var jtis []string
	for _, form := range rec.forms {
		if form.Get("client_assertion_type") != oidc.ClientAssertionType || form.Get("code_verifier") == "" ||
			form.Get("client_secret") != "" {
			t.Errorf("token request form %v", form)
		}
		tok, err := jwt.ParseSigned(form.Get("client_assertion"), []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatal(err)
		}
		if h := tok.Headers[0]; h.KeyID != kid || h.Algorithm != "RS256" {
			t.Errorf("header kid %q alg %q, want %q RS256", h.KeyID, h.Algorithm, kid)
		}
		var c jwt.Claims
		if err := tok.Claims(&keys()[0].PublicKey, &c); err != nil {
			t.Fatal(err)
		}
		now := f.clock.Now()
		if c.Issuer != clientID || c.Subject != clientID || !c.Audience.Contains(f.cfg.Issuer+"/token") ||
			c.ID == "" || c.Expiry.Time().Sub(now) > 5*time.Minute || !c.Expiry.Time().After(now) {
			t.Errorf("assertion claims %+v", c)
		}
		jtis = append(jtis, c.ID)
	}
	if jtis[0] == jtis[1] {
		t.Error("two assertions share a jti")
	}
}

func TestEndSession(t *testing.T) {
	f := newFixture(t, nil)
	p := f.provider(t)
	c := finish(t, p, alice.Subject)
	es := p.EndSessionURL(c.IDToken, logoutURL, "st-1")
	if !strings.HasPrefix(es, f.cfg.Issuer+"/end-session?") {
		t.Fatalf("EndSessionURL %q", es)
	}
	resp, err := noRedirects().Get(es)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != logoutURL+"?state=st-1" {
		t.Errorf("end session: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// An unregistered address is not followed.
	resp, err = noRedirects().Get(p.EndSessionURL(c.IDToken, "http://evil.example/", ""))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("end session to an unregistered address: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestPublicJWKS(t *testing.T) {
	f := newFixture(t, nil)
	p := f.provider(t)
	b, err := p.PublicJWKS()
	if err != nil {
		t.Fatal(err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 2 || set.Keys[0].Use != "sig" || set.Keys[1].Use != "enc" || !set.Keys[0].IsPublic() || !set.Keys[1].IsPublic() {
		t.Errorf("JWKS %s", b)
	}
}

func TestClaimNamesAndLoAMap(t *testing.T) {
	f := newFixture(t, func(c *testidp.Config) {
		c.ClaimsInIDToken = true
		c.Tamper = func(m map[string]any) { m["hetu"] = "311299-999X"; m["acr"] = "custom-acr" }
	})
	f.cfg.Claims = oidc.ClaimNames{PersonalID: "hetu"}
	f.cfg.LoA = map[string]string{"custom-acr": oidc.LoASubstantial}
	p := f.provider(t)
	c := finish(t, p, alice.Subject)
	// The other names keep their Suomi.fi defaults.
	if c.PersonalID != "311299-999X" || c.GivenName != alice.GivenName || c.LoA != oidc.LoASubstantial || c.ACR != "custom-acr" {
		t.Errorf("claims %+v", c)
	}

	// An acr value the map does not know gives no level.
	f.cfg.LoA = map[string]string{}
	p = f.provider(t)
	code, pend := login(t, p, alice.Subject)
	if c, err := p.Finish(context.Background(), code, pend); err != nil || c.LoA != "" || c.ACR != "custom-acr" {
		t.Errorf("unknown acr: %+v %v", c, err)
	}
}

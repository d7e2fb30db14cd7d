package valtuudet_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sotepe"
	"sotepe/valtuudet"
	"sotepe/valtuudet/valtuudettest"
)

// clock is a settable clock safe to read from the server's goroutines.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.Set(t); return c }
func (c *clock) Now() time.Time   { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Set(t time.Time)  { c.ns.Store(t.UnixNano()) }
func (c *clock) Add(d time.Duration) {
	c.ns.Add(int64(d))
}

func pid(birth string, n int) string {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		panic(err)
	}
	return sotepe.SyntheticPersonalID(b, n)
}

const (
	clientID    = "sotepe01"
	secret      = "oauth-password"
	checksumKey = "api-key"
	redirectURI = "https://sotepe.example/valtuudet/return"
	otherIssue  = "ajoneuvon-rekisterointi"
)

var (
	start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	end   = time.Date(2026, 3, 31, 21, 59, 59, 0, time.UTC) // P2's mandate ends

	delegate = pid("1975-04-04", 901) // holds mandates from P1, P2, P3
	other    = pid("1990-09-09", 902) // holds one from P4
	p1       = sotepe.Person{PersonalID: pid("1938-05-17", 910), FirstName: "Aili", LastName: "Virtanen"}
	p2       = sotepe.Person{PersonalID: pid("1941-11-30", 911), FirstName: "Bertil Olof", LastName: "Lindqvist"}
	p3       = sotepe.Person{PersonalID: pid("1950-01-02", 912), FirstName: "Kaarina", LastName: "Mäki"}
	p4       = sotepe.Person{PersonalID: pid("1945-07-07", 913), FirstName: "Toivo", LastName: "Nieminen"}
)

type fixture struct {
	clock  *clock
	srv    *httptest.Server
	client *valtuudet.Client
	reg    *valtuudet.Register
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c := newClock(start)
	fake := valtuudettest.New(valtuudettest.Config{
		ClientID: clientID, ClientSecret: secret, ChecksumKey: checksumKey, Now: c.Now,
		Mandates: []valtuudettest.Grant{
			{DelegatePersonalID: delegate, Principal: p1, Issues: []string{sotepe.IssueHealthCare}},
			{DelegatePersonalID: delegate, Principal: p2, Issues: []string{sotepe.IssueHealthCare, otherIssue}, ValidUntil: end},
			{DelegatePersonalID: delegate, Principal: p3, Issues: []string{otherIssue}},
			{DelegatePersonalID: other, Principal: p4, Issues: []string{sotepe.IssueHealthCare}},
		},
	})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	client := &valtuudet.Client{
		BaseURL: srv.URL + "/", ClientID: clientID, ClientSecret: secret, ChecksumKey: checksumKey,
		HTTPClient: srv.Client(), Now: c.Now,
	}
	return &fixture{clock: c, srv: srv, client: client, reg: &valtuudet.Register{Client: client, RedirectURI: redirectURI}}
}

// session runs the flow by hand: register, authorize, token.
func (f *fixture) session(t *testing.T, personalID string) (valtuudet.Session, valtuudet.Token) {
	t.Helper()
	ctx := context.Background()
	s, err := f.client.Register(ctx, personalID)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	tok, err := f.client.Token(ctx, f.code(t, s.UserID), redirectURI)
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return s, tok
}

func (f *fixture) code(t *testing.T, userID string) string {
	t.Helper()
	hc := *f.srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := hc.Get(f.client.AuthorizeURL(userID, redirectURI, "sv"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := res.Location()
	if res.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), redirectURI+"?") {
		t.Fatalf("authorize: %d %v %v", res.StatusCode, loc, err)
	}
	return loc.Query().Get("code")
}

func refusedWith(t *testing.T, err error, status int) {
	t.Helper()
	var se *valtuudet.StatusError
	if sotepe.ErrorCode(err) != sotepe.EInternal || !errors.As(err, &se) || se.Status != status {
		t.Fatalf("want a refusal with HTTP %d, got %v", status, err)
	}
}

func TestPrincipals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	got, err := f.reg.Principals(ctx, delegate, sotepe.IssueHealthCare)
	if err != nil {
		t.Fatal(err)
	}
	want := []sotepe.Mandate{
		{Principal: p1, Issues: []string{sotepe.IssueHealthCare}},
		{Principal: p2, Issues: []string{sotepe.IssueHealthCare}, ValidUntil: end},
	}
	if !sameMandates(got, want) {
		t.Errorf("principals\n got %+v\nwant %+v", got, want)
	}

	got, err = f.reg.Principals(ctx, delegate, otherIssue)
	if err != nil {
		t.Fatal(err)
	}
	if ids := principalIDs(got); !slices.Equal(ids, []string{p2.PersonalID, p3.PersonalID}) {
		t.Errorf("for the other issue: %v", ids)
	}

	got, err = f.reg.Principals(ctx, pid("2000-01-01", 950), sotepe.IssueHealthCare)
	if err != nil || len(got) != 0 {
		t.Errorf("someone without mandates: %v %v", got, err)
	}

	if _, err := f.reg.Principals(ctx, "not-an-id", sotepe.IssueHealthCare); sotepe.ErrorCode(err) != sotepe.EInvalid {
		t.Errorf("bad delegate code: %v", err)
	}
}

func TestAllowed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name                       string
		delegate, principal, issue string
		want                       bool
	}{
		{"mandate without end", delegate, p1.PersonalID, sotepe.IssueHealthCare, true},
		{"mandate with end", delegate, p2.PersonalID, sotepe.IssueHealthCare, true},
		{"disallowed issue", delegate, p3.PersonalID, sotepe.IssueHealthCare, false},
		{"its own issue", delegate, p3.PersonalID, otherIssue, true},
		{"not given to this delegate", delegate, p4.PersonalID, sotepe.IssueHealthCare, false},
		{"another delegate", other, p1.PersonalID, sotepe.IssueHealthCare, false},
		{"another delegate's own", other, p4.PersonalID, sotepe.IssueHealthCare, true},
	} {
		got, err := f.reg.Allowed(ctx, tc.delegate, tc.principal, tc.issue)
		if err != nil || got != tc.want {
			t.Errorf("%s: %v %v, want %v", tc.name, got, err, tc.want)
		}
	}
	if _, err := f.reg.Allowed(ctx, delegate, "010101-0000", sotepe.IssueHealthCare); sotepe.ErrorCode(err) != sotepe.EInvalid {
		t.Errorf("bad principal code: %v", err)
	}
}

func TestAuthorizationAnswers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s, tok := f.session(t, delegate)

	ps, err := f.client.Delegate(ctx, s.SessionID, tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 || ps[0].Name != "Aili Virtanen" || !ps[0].ValidUntil.IsZero() || ps[1].PersonID != p2.PersonalID || !ps[1].ValidUntil.Equal(end) {
		t.Errorf("delegate: %+v", ps)
	}

	a, err := f.client.Authorization(ctx, s.SessionID, tok.AccessToken, p2.PersonalID, sotepe.IssueHealthCare)
	if err != nil || !a.IsAllowed() || a.PrincipalID != p2.PersonalID || !a.ValidUntil.Equal(end) {
		t.Errorf("allowed: %+v %v", a, err)
	}
	a, err = f.client.Authorization(ctx, s.SessionID, tok.AccessToken, p3.PersonalID, sotepe.IssueHealthCare)
	if err != nil || a.IsAllowed() || a.Result != valtuudet.Disallowed || !slices.Equal(a.Reasons, []string{valtuudettest.ReasonNoMandate}) {
		t.Errorf("disallowed: %+v %v", a, err)
	}
}

func TestMandatePastItsEnd(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	f.clock.Set(end) // the last second of the mandate
	if ok, err := f.reg.Allowed(ctx, delegate, p2.PersonalID, sotepe.IssueHealthCare); !ok || err != nil {
		t.Fatalf("at its end: %v %v", ok, err)
	}

	f.clock.Set(end.Add(time.Second))
	if ok, err := f.reg.Allowed(ctx, delegate, p2.PersonalID, sotepe.IssueHealthCare); ok || err != nil {
		t.Errorf("after its end: %v %v", ok, err)
	}
	got, err := f.reg.Principals(ctx, delegate, sotepe.IssueHealthCare)
	if err != nil || !slices.Equal(principalIDs(got), []string{p1.PersonalID}) {
		t.Errorf("principals after the end: %v %v", principalIDs(got), err)
	}
	s, tok := f.session(t, delegate)
	a, err := f.client.Authorization(ctx, s.SessionID, tok.AccessToken, p2.PersonalID, sotepe.IssueHealthCare)
	if err != nil || a.IsAllowed() || !slices.Equal(a.Reasons, []string{valtuudettest.ReasonExpired}) {
		t.Errorf("the fake's answer: %+v %v", a, err)
	}
	ps, err := f.client.Delegate(ctx, s.SessionID, tok.AccessToken)
	if err != nil || len(ps) != 2 || ps[0].PersonID != p1.PersonalID || ps[1].PersonID != p3.PersonalID {
		t.Errorf("delegate after the end: %+v %v", ps, err)
	}
}

// The adapter checks the end by its own clock too: a fake a minute behind
// still answers ALLOWED, the adapter does not believe it.
func TestAdapterChecksTheEndItself(t *testing.T) {
	f := newFixture(t)
	f.clock.Set(end.Add(-time.Minute))
	ahead := *f.client
	ahead.Now = func() time.Time { return end.Add(time.Minute) }
	reg := &valtuudet.Register{Client: &ahead, RedirectURI: redirectURI}
	ctx := context.Background()
	if ok, err := reg.Allowed(ctx, delegate, p2.PersonalID, sotepe.IssueHealthCare); ok || err != nil {
		t.Errorf("allowed: %v %v", ok, err)
	}
	got, err := reg.Principals(ctx, delegate, sotepe.IssueHealthCare)
	if err != nil || !slices.Equal(principalIDs(got), []string{p1.PersonalID}) {
		t.Errorf("principals: %v %v", principalIDs(got), err)
	}
}

func TestBadSignatureRefused(t *testing.T) {
	f := newFixture(t)
	get := func(path, header string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
		if header != "" {
			req.Header.Set(valtuudet.AuthorizationHeader, header)
		}
		res, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	path := "/service/hpa/user/register/" + clientID + "/" + delegate + "?requestId=r1"
	now := f.clock.Now()

	if got := get(path, f.client.Sign(path, now)); got != http.StatusOK {
		t.Fatalf("a good signature: %d", got)
	}
	// The same signature over another path (a changed request id).
	if got := get(strings.Replace(path, "r1", "r2", 1), f.client.Sign(path, now)); got != http.StatusUnauthorized {
		t.Errorf("signature of another path: %d", got)
	}
	if got := get(path, ""); got != http.StatusUnauthorized {
		t.Errorf("no signature: %d", got)
	}
	stranger := *f.client
	stranger.ClientID = "stranger"
	if got := get(path, stranger.Sign(path, now)); got != http.StatusUnauthorized {
		t.Errorf("another client's header: %d", got)
	}
	sig := f.client.Sign(path, now)
	if got := get(path, sig[:len(sig)-4]+"AAA="); got != http.StatusUnauthorized {
		t.Errorf("a changed checksum: %d", got)
	}
	// The documentation's own form, minutes and an offset, computed here
	// independently of the client.
	stamp := now.In(time.FixedZone("", 2*3600)).Format("2006-01-02T15:04Z07:00")
	mac := hmac.New(sha256.New, []byte(checksumKey))
	mac.Write([]byte(path + " " + stamp))
	if got := get(path, clientID+" "+stamp+":"+base64.StdEncoding.EncodeToString(mac.Sum(nil))); got != http.StatusOK {
		t.Errorf("a minute-precision timestamp with an offset: %d", got)
	}

	// Timestamps: up to five minutes off is fine, more is refused.
	ctx := context.Background()
	skewed := *f.client
	for _, tc := range []struct {
		off time.Duration
		ok  bool
	}{{4 * time.Minute, true}, {-4 * time.Minute, true}, {6 * time.Minute, false}, {-6 * time.Minute, false}} {
		skewed.Now = func() time.Time { return f.clock.Now().Add(tc.off) }
		_, err := skewed.Register(ctx, delegate)
		if tc.ok && err != nil {
			t.Errorf("%v off: %v", tc.off, err)
		}
		if !tc.ok {
			refusedWith(t, err, http.StatusUnauthorized)
		}
	}
}

func TestWrongChecksumKeyRefused(t *testing.T) {
	f := newFixture(t)
	wrong := *f.client
	wrong.ChecksumKey = "not-the-api-key"
	ctx := context.Background()
	_, err := wrong.Register(ctx, delegate)
	refusedWith(t, err, http.StatusUnauthorized)

	// The API calls are signed too: a right session and token do not help.
	s, tok := f.session(t, delegate)
	_, err = wrong.Delegate(ctx, s.SessionID, tok.AccessToken)
	refusedWith(t, err, http.StatusUnauthorized)
	_, err = wrong.Authorization(ctx, s.SessionID, tok.AccessToken, p1.PersonalID, sotepe.IssueHealthCare)
	refusedWith(t, err, http.StatusUnauthorized)

	_, err = (&valtuudet.Register{Client: &wrong, RedirectURI: redirectURI}).Allowed(ctx, delegate, p1.PersonalID, sotepe.IssueHealthCare)
	refusedWith(t, err, http.StatusUnauthorized)
}

func TestTokenForAnotherSessionRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, tokA := f.session(t, delegate)
	b, tokB := f.session(t, other)

	if _, err := f.client.Delegate(ctx, a.SessionID, tokA.AccessToken); err != nil {
		t.Fatalf("own session: %v", err)
	}
	_, err := f.client.Delegate(ctx, b.SessionID, tokA.AccessToken)
	refusedWith(t, err, http.StatusUnauthorized)
	// Not even to read someone else's principal through the other session.
	_, err = f.client.Authorization(ctx, b.SessionID, tokA.AccessToken, p4.PersonalID, sotepe.IssueHealthCare)
	refusedWith(t, err, http.StatusUnauthorized)
	_, err = f.client.Delegate(ctx, a.SessionID, "made-up")
	refusedWith(t, err, http.StatusUnauthorized)
	_, err = f.client.Delegate(ctx, a.SessionID, "")
	refusedWith(t, err, http.StatusUnauthorized)
	if ps, err := f.client.Delegate(ctx, b.SessionID, tokB.AccessToken); err != nil || len(ps) != 1 || ps[0].PersonID != p4.PersonalID {
		t.Errorf("the other's own session: %+v %v", ps, err)
	}
}

func TestTokenAndCodeLimits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s, err := f.client.Register(ctx, delegate)
	if err != nil {
		t.Fatal(err)
	}
	code := f.code(t, s.UserID)

	badSecret := *f.client
	badSecret.ClientSecret = "guess"
	_, err = badSecret.Token(ctx, code, redirectURI)
	refusedWith(t, err, http.StatusUnauthorized)
	if _, err = f.client.Token(ctx, f.code(t, s.UserID), redirectURI+"/elsewhere"); err == nil {
		t.Error("a code with another redirect URI was exchanged")
	}
	// The attempt with the wrong secret did not use the code up: the client
	// was not authenticated.
	tok, err := f.client.Token(ctx, code, redirectURI)
	if err != nil || tok.ExpiresIn != int(valtuudettest.TokenLifetime/time.Second) {
		t.Fatalf("token: %+v %v", tok, err)
	}
	_, err = f.client.Token(ctx, code, redirectURI)
	refusedWith(t, err, http.StatusBadRequest) // a code is used once

	late := f.code(t, s.UserID)
	f.clock.Add(valtuudettest.CodeLifetime + time.Second)
	_, err = f.client.Token(ctx, late, redirectURI)
	refusedWith(t, err, http.StatusBadRequest)

	// The token has outlived its lifetime too (10 min + 1 s).
	_, err = f.client.Delegate(ctx, s.SessionID, tok.AccessToken)
	refusedWith(t, err, http.StatusUnauthorized)
}

func TestAuthorizeURL(t *testing.T) {
	c := &valtuudet.Client{BaseURL: "https://valtuudet.example/", ClientID: clientID}
	u, err := url.Parse(c.AuthorizeURL("user-1", redirectURI, "sv"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme+"://"+u.Host+u.Path != "https://valtuudet.example/oauth/authorize" ||
		q.Get("client_id") != clientID || q.Get("response_type") != "code" ||
		q.Get("redirect_uri") != redirectURI || q.Get("user") != "user-1" || q.Get("lang") != "sv" {
		t.Errorf("authorize URL %s", u)
	}
}

func TestRegisterUnavailable(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	check := func(name string, err error) {
		t.Helper()
		if sotepe.ErrorCode(err) != sotepe.EUnavailable || sotepe.ErrorKey(err) != "error.register_unavailable" {
			t.Errorf("%s: %v", name, err)
		}
		if err != nil && (strings.Contains(err.Error(), delegate) || strings.Contains(err.Error(), p1.PersonalID)) {
			t.Errorf("%s: the error names a person: %v", name, err)
		}
	}

	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer down.Close()
	c := *f.client
	c.BaseURL, c.HTTPClient = down.URL, down.Client()
	_, err := (&valtuudet.Register{Client: &c, RedirectURI: redirectURI}).Allowed(ctx, delegate, p1.PersonalID, sotepe.IssueHealthCare)
	check("503", err)

	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>"))
	}))
	defer garbage.Close()
	c.BaseURL, c.HTTPClient = garbage.URL, garbage.Client()
	_, err = c.Register(ctx, delegate)
	check("not JSON", err)

	gone := httptest.NewServer(http.NotFoundHandler())
	c.BaseURL, c.HTTPClient = gone.URL, gone.Client()
	gone.Close()
	_, err = (&valtuudet.Register{Client: &c, RedirectURI: redirectURI}).Principals(ctx, delegate, sotepe.IssueHealthCare)
	check("closed", err)
	_, err = (&valtuudet.Register{Client: &c, RedirectURI: redirectURI}).Allowed(ctx, delegate, p1.PersonalID, sotepe.IssueHealthCare)
	check("closed", err)
}

// The real service answers the authorize step with its selection page; the
// adapter cannot go past it and says so.
func TestAuthorizeNeedsTheBrowserAtTheRealService(t *testing.T) {
	f := newFixture(t)
	fake := f.srv.Config.Handler
	real := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/authorize" {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>valitse päämies</html>"))
			return
		}
		fake.ServeHTTP(w, r)
	}))
	defer real.Close()
	c := *f.client
	c.BaseURL, c.HTTPClient = real.URL, real.Client()
	_, err := (&valtuudet.Register{Client: &c, RedirectURI: redirectURI}).Allowed(context.Background(), delegate, p1.PersonalID, sotepe.IssueHealthCare)
	refusedWith(t, err, http.StatusOK)
}

func principalIDs(ms []sotepe.Mandate) []string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.Principal.PersonalID)
	}
	return ids
}

func sameMandates(a, b []sotepe.Mandate) bool {
	return slices.EqualFunc(a, b, func(x, y sotepe.Mandate) bool {
		return x.Principal == y.Principal && slices.Equal(x.Issues, y.Issues) && x.ValidUntil.Equal(y.ValidUntil)
	})
}

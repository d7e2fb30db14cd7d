package fhir_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/assess"
	"sotepe/booking"
	"sotepe/contact"
	"sotepe/demo"
	"sotepe/events"
	"sotepe/fhir"
	"sotepe/i18n"
	"sotepe/internal/testenv"
	"sotepe/oidc"
	"sotepe/residents"
	"sotepe/testidp"
)

// fixture is the FHIR handler over the real services and store (SQLite, or
// PostgreSQL inside testenv.Engines) with the demo network, people and
// free times, the clock on Monday 23 November 2026 at 10:00 in Helsinki.
// A request names its person in the header X-Test-User, standing in for
// web's session (the end-to-end test in client_test.go uses the real one).
type fixture struct {
	t     *testing.T
	env   *testenv.Env
	srv   *httptest.Server
	appts *booking.Service
	res   *residents.Service
	asmts *assess.Service
	cat   *i18n.Catalog
	// idp is the test OpenID provider residents' access tokens come from,
	// on a loopback server of its own (discovery and JWKS over HTTP).
	idp *testidp.Server
	// pop is the population register the handler asks; a test may
	// replace what it holds.
	pop *register
}

// register is a population register a test can swap.
type register struct{ sotepe.PopulationRegister }

// fhirAudience is the FHIR base URL residents' access tokens are for.
const fhirAudience = "https://sotepe.test/fhir/R4"

// idpName is the provider's name, under which identities are linked.
const idpName = "test-idp"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := testenv.New(t, testenv.EngineOf(t))
	env.LoadAppointments(t)
	appts, err := booking.New(booking.Config{Store: env.Store, Location: env.Location, Now: env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	defs, err := assess.Load()
	if err != nil {
		t.Fatal(err)
	}
	contacts := contact.New(contact.Config{Store: env.Store, Directory: env.Store, Calendar: env.Calendar, Now: env.Clock.Now})
	f := &fixture{t: t, env: env, appts: appts, res: residents.New(env.Store), cat: cat,
		asmts: assess.New(assess.Config{Definitions: defs, Store: env.Store, Contacts: contacts, Now: env.Clock.Now}),
		pop:   &register{demo.PopulationRegister(env.Clock.Now)}}
	idpSrv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + idpSrv.Listener.Addr().String() + "/test-idp"
	var people []testidp.Person
	for _, id := range demo.Identities() {
		people = append(people, testidp.Person{Subject: id.Subject, PersonalID: id.PersonalID, GivenName: id.GivenName, FamilyName: id.FamilyName, LoA: id.LoA})
	}
	if f.idp, err = testidp.New(testidp.Config{Issuer: issuer, People: people, Now: env.Clock.Now}); err != nil {
		t.Fatal(err)
	}
	idpSrv.Config.Handler = f.idp
	idpSrv.Start()
	t.Cleanup(idpSrv.Close)
	tokens, err := oidc.NewAccessTokens(fhirAudience, 0, env.Clock.Now, oidc.AccessTokenIssuer{Name: idpName, Issuer: issuer, HTTPClient: idpSrv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := fhir.New(fhir.Config{Directory: env.Store, Appointments: appts, Residents: f.res, Clients: events.New(env.Store),
		Slots: env.Store, Staff: env.Store, Assessments: f.asmts, Caller: f.caller, Translate: cat.T, Location: env.Location, Now: env.Clock.Now,
		AccessTokens: tokens, Identities: env.Store, ClientBookings: appts, Population: f.pop})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name := r.Header.Get("X-Test-User"); name != "" {
			// The actor the audit rows name, as web's authentication sets it.
			ctx, _ := env.As(name)
			r = r.WithContext(ctx)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// caller is the test's stand-in for web.Caller.
func (f *fixture) caller(r *http.Request) (*sotepe.User, sotepe.Lang) {
	lang := sotepe.Finnish
	if l, ok := sotepe.ParseLang(r.URL.Query().Get("lang")); ok {
		lang = l
	}
	name := r.Header.Get("X-Test-User")
	if name == "" {
		return nil, lang
	}
	u, ok := f.env.Users[name]
	if !ok {
		f.t.Errorf("no demo user %q", name)
		return nil, lang
	}
	return &u, lang
}

// reply is one answer of the API.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// call sends a request as who ("" for nobody; "bearer:TOKEN" for a system)
// with an optional body and extra headers (name, value pairs).
func (f *fixture) call(who, method, path string, body any, headers ...string) reply {
	f.t.Helper()
	var rd io.Reader
	ct := "application/fhir+json"
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = strings.NewReader(string(enc))
	}
	req, err := http.NewRequest(method, f.srv.URL+fhir.Prefix+strings.TrimPrefix(path, "/"), rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ct)
	}
	if token, ok := strings.CutPrefix(who, "bearer:"); ok {
		req.Header.Set("Authorization", "Bearer "+token)
	} else if who != "" {
		req.Header.Set("X-Test-User", who)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return reply{status: res.StatusCode, header: res.Header, body: b}
}

// want fails the test unless the reply has status and is FHIR JSON.
func (r reply) want(t *testing.T, status int) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %.400s", r.status, status, r.body)
	}
	if status != http.StatusNotModified && !strings.HasPrefix(r.header.Get("Content-Type"), "application/fhir+json") {
		t.Fatalf("Content-Type %q", r.header.Get("Content-Type"))
	}
	return r
}

// json decodes the body into v.
func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %.200s: %v", r.body, err)
	}
}

// outcome is the part of an OperationOutcome the tests read.
type outcome struct {
	ResourceType string `json:"resourceType"`
	Issue        []struct {
		Severity string `json:"severity"`
		Code     string `json:"code"`
		Details  struct {
			Coding []struct {
				System string `json:"system"`
				Code   string `json:"code"`
			} `json:"coding"`
			Text string `json:"text"`
		} `json:"details"`
	} `json:"issue"`
}

// wantOutcome fails the test unless the reply is an OperationOutcome of
// status whose message is the catalog's key in lang.
func (f *fixture) wantOutcome(r reply, status int, key string, lang sotepe.Lang) outcome {
	f.t.Helper()
	r.want(f.t, status)
	var o outcome
	r.json(f.t, &o)
	if o.ResourceType != "OperationOutcome" || len(o.Issue) != 1 {
		f.t.Fatalf("not an OperationOutcome: %s", r.body)
	}
	is := o.Issue[0]
	if len(is.Details.Coding) != 1 || is.Details.Coding[0].Code != key {
		f.t.Errorf("outcome key %+v, want %s", is.Details.Coding, key)
	}
	if key != "" && !strings.Contains(key, "{") {
		if want := f.cat.T(lang, key, nil); !strings.HasPrefix(is.Details.Text, strings.SplitN(want, "{", 2)[0][:min(20, len(want))]) {
			f.t.Errorf("outcome text %q, want the %s catalog's %q", is.Details.Text, lang, want)
		}
	}
	return o
}

// bundle is the part of a Bundle the tests read.
type bundle struct {
	ResourceType string `json:"resourceType"`
	Type         string `json:"type"`
	Total        *int   `json:"total"`
	Link         []struct {
		Relation string `json:"relation"`
		URL      string `json:"url"`
	} `json:"link"`
	Entry []struct {
		FullURL  string          `json:"fullUrl"`
		Resource json.RawMessage `json:"resource"`
		Search   struct {
			Mode string `json:"mode"`
		} `json:"search"`
	} `json:"entry"`
}

// next returns the path of the bundle's next link under the API, or "".
func (b bundle) next(t *testing.T) string {
	t.Helper()
	for _, l := range b.Link {
		if l.Relation == "next" {
			_, rest, ok := strings.Cut(l.URL, fhir.Prefix)
			if !ok {
				t.Fatalf("next link %q is not under the API", l.URL)
			}
			return rest
		}
	}
	return ""
}

// resources decodes the entries of mode ("match" or "include") into out, a
// pointer to a slice.
func (b bundle) resources(t *testing.T, mode string, out any) {
	t.Helper()
	var raw []json.RawMessage
	for _, e := range b.Entry {
		if e.Search.Mode == mode {
			raw = append(raw, e.Resource)
		}
	}
	enc, _ := json.Marshal(raw)
	if err := json.Unmarshal(enc, out); err != nil {
		t.Fatal(err)
	}
}

// rid is a demo resident's id as a FHIR id.
func (f *fixture) rid(name string) string {
	return strconv.FormatInt(f.env.Users[name].ResidentID, 10)
}

// day is a date n days after the clock's as YYYY-MM-DD.
func (f *fixture) day(n int) string {
	return f.env.Clock.Now().AddDate(0, 0, n).Format(time.DateOnly)
}

// client creates an integration client with scopes and returns its token.
func (f *fixture) client(name string, scopes ...string) string {
	f.t.Helper()
	c, err := f.env.Store.CreateIntegrationClient(context.Background(), name, scopes, f.env.Clock.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	return c.Token
}

// residentToken returns, as a who of call, an access token of the test
// provider for the demo person with subject (demo-anna, demo-erik) and
// scopes; tune may change the request.
func (f *fixture) residentToken(subject string, scopes []string, tune ...func(*testidp.AccessTokenRequest)) string {
	f.t.Helper()
	r := testidp.AccessTokenRequest{Subject: subject, Audience: fhirAudience, Scopes: scopes}
	for _, fn := range tune {
		fn(&r)
	}
	tok, err := f.idp.AccessToken(r)
	if err != nil {
		f.t.Fatal(err)
	}
	return "bearer:" + tok
}

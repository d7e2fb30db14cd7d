package app

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"sotepe"
	"sotepe/acting"
	"sotepe/demo"
	"sotepe/fhir"
	"sotepe/oidc"
	"sotepe/popreg"
	"sotepe/testidp"
	"sotepe/valtuudet"
	"sotepe/web"
)

// Identity configures strong identification and acting on behalf.
type Identity struct {
	// Providers are the OpenID providers people sign in with
	// (docs/identity.md).
	Providers []web.IdentityProvider
	// TestIdP serves sotepe's own test identity provider at /test-idp/ and
	// signs in through it: residents at /test-idp/residents (the demo's
	// people), staff at /test-idp/staff (the demo's staff). Anyone can
	// sign in as anyone there: only for the demo and tests.
	TestIdP bool
	// Valtuudet is the client of Suomi.fi Valtuudet; nil: in the demo, an
	// in-process fake with the demo's mandates, otherwise no mandates.
	Valtuudet *valtuudet.Client
	// FHIRAudience is the audience (aud) residents' access tokens must
	// name to be taken by the FHIR API; empty: the base URL and /fhir/R4.
	FHIRAudience string
}

// The demo's names for its test providers.
const (
	testResidents = "test-idp"
	testClientID  = "sotepe"
)

// identity builds the acting service's registers and the web server's
// identity settings into w, and returns the population register.
func (a *App) identity(cfg Config, w *web.Config) (sotepe.PopulationRegister, error) {
	now := time.Now
	var population sotepe.PopulationRegister = popreg.NewFake(nil)
	var mandates sotepe.MandateRegister
	if cfg.Demo || cfg.Identity.TestIdP {
		// The demo's registers: guardianships and mandates of its people.
		population = demo.PopulationRegister(now)
		const id, secret, checksum = "sotepe-demo", "demo-secret", "demo-checksum-key"
		fake := demo.MandateServer(id, secret, checksum, now)
		mandates = &valtuudet.Register{
			Client:      &valtuudet.Client{BaseURL: "http://valtuudet.invalid", ClientID: id, ClientSecret: secret, ChecksumKey: checksum, HTTPClient: inProcess(fake), Now: now},
			RedirectURI: cfg.BaseURL + "/valtuudet/return",
		}
	}
	if cfg.Identity.Valtuudet != nil {
		mandates = &valtuudet.Register{Client: cfg.Identity.Valtuudet, RedirectURI: cfg.BaseURL + "/valtuudet/return"}
	}
	w.Acting = acting.New(a.Store, population, mandates, a.Location, now)
	w.IdentityProviders = append(w.IdentityProviders, cfg.Identity.Providers...)
	w.BaseURL = cfg.BaseURL
	// The demo's residents also sign in with the demo password, and so do
	// they where the test identity provider already lets anyone sign in as
	// them (serve --test-idp, as the morning load test runs it).
	w.ResidentPasswords = w.ResidentPasswords || cfg.Demo || cfg.Identity.TestIdP
	if cfg.Identity.TestIdP {
		h, providers, err := TestProviders(cfg.BaseURL, now, nil)
		if err != nil {
			return nil, err
		}
		w.TestIdP = h
		w.IdentityProviders = append(w.IdentityProviders, providers...)
	}
	return population, nil
}

// accessTokens is the verifier of residents' access tokens for the FHIR
// API: the providers residents sign in with (not the staff's) are trusted
// for the audience Identity.FHIRAudience, or the base URL and /fhir/R4.
// Nil when there is no such provider or no audience to check.
func accessTokens(cfg Config, w web.Config) (*oidc.AccessTokens, error) {
	audience := cfg.Identity.FHIRAudience
	if audience == "" && w.BaseURL != "" {
		audience = strings.TrimSuffix(w.BaseURL, "/") + strings.TrimSuffix(fhir.Prefix, "/")
	}
	var issuers []oidc.AccessTokenIssuer
	for _, p := range w.IdentityProviders {
		if !p.Staff {
			issuers = append(issuers, oidc.AccessTokenIssuer{Name: p.Name, Issuer: p.OIDC.Issuer,
				Claims: p.OIDC.Claims, LoA: p.OIDC.LoA, HTTPClient: p.OIDC.HTTPClient})
		}
	}
	if audience == "" || len(issuers) == 0 {
		return nil, nil
	}
	return oidc.NewAccessTokens(audience, 0, nil, issuers...)
}

// inProcess is an HTTP client that hands every request to h in this process.
func inProcess(h http.Handler) *http.Client {
	return &http.Client{Transport: handlerTransport{h}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	res := rec.Result()
	res.Request = r
	return res, nil
}

// TestProviders builds the test identity providers (residents and staff)
// under baseURL/test-idp/ and the relying parties that sign in through
// them, with fresh keys for this process. tune, when set, may change the
// residents' provider's configuration (a test's tampering).
func TestProviders(baseURL string, now func() time.Time, tune func(*testidp.Config)) (http.Handler, []web.IdentityProvider, error) {
	signing, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, fmt.Errorf("test identity provider: %w", err)
	}
	encryption, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, fmt.Errorf("test identity provider: %w", err)
	}
	mux := http.NewServeMux()
	var providers []web.IdentityProvider
	for _, p := range []struct {
		name, path string
		staff      bool
		people     []demo.Identity
		label      sotepe.Names
	}{
		{testResidents, "/test-idp/residents", false, demo.Identities(),
			sotepe.Names{Fi: "Tunnistaudu (testitunnistus)", Sv: "Identifiera dig (testidentifiering)", En: "Identify (test provider)"}},
		{demo.StaffProvider, "/test-idp/staff", true, demo.StaffIdentities(),
			sotepe.Names{Fi: "Henkilöstön kirjautuminen (testi)", Sv: "Inloggning för personalen (test)", En: "Staff sign-in (test)"}},
	} {
		issuer := baseURL + p.path
		redirect := baseURL + "/login/" + p.name + "/callback"
		var people []testidp.Person
		for _, id := range p.people {
			people = append(people, testidp.Person{Subject: id.Subject, PersonalID: id.PersonalID, GivenName: id.GivenName,
				FamilyName: id.FamilyName, LoA: id.LoA, Label: id.Label.Fi})
		}
		idpCfg := testidp.Config{Issuer: issuer, People: people, Now: now, Clients: []testidp.Client{{
			ID: testClientID, RedirectURIs: []string{redirect}, PostLogoutURIs: []string{baseURL + "/"},
			SigningKey: &signing.PublicKey, EncryptionKey: &encryption.PublicKey,
		}}}
		// Tests of the FHIR API get residents' access tokens from the
		// token endpoint (testidp.PersonGrant).
		idpCfg.PersonGrant = !p.staff
		if tune != nil && !p.staff {
			tune(&idpCfg)
		}
		idp, err := testidp.New(idpCfg)
		if err != nil {
			return nil, nil, err
		}
		mux.Handle(p.path+"/", idp)
		providers = append(providers, web.IdentityProvider{Name: p.name, Label: p.label, Staff: p.staff, OIDC: oidc.Config{
			Name: p.name, Issuer: issuer, ClientID: testClientID, RedirectURL: redirect,
			SigningKey: signing, EncryptionKey: encryption, RequireEncryption: true, PersonalIDOptional: p.staff,
			HTTPClient: inProcess(mux),
		}})
	}
	return mux, providers, nil
}

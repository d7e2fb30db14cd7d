package oidc_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/oidc"
	"sotepe/testidp"
)

const fhirBase = "https://sotepe.example/fhir/R4"

// accessTokens is a verifier of the fixture's provider's access tokens for
// fhirBase, discovering the provider over loopback HTTP.
func (f *fixture) accessTokens(t *testing.T) *oidc.AccessTokens {
	t.Helper()
	v, err := oidc.NewAccessTokens(fhirBase, 0, f.clock.Now, oidc.AccessTokenIssuer{
		Name: "test", Issuer: f.cfg.Issuer, HTTPClient: f.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (f *fixture) accessToken(t *testing.T, r testidp.AccessTokenRequest) string {
	t.Helper()
	if r.Subject == "" {
		r.Subject = alice.Subject
	}
	if r.Audience == "" {
		r.Audience = fhirBase
	}
	tok, err := f.idp.AccessToken(r)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestAccessTokenOfAResident(t *testing.T) {
	f := newFixture(t, nil)
	v := f.accessTokens(t)
	ctx := context.Background()
	at, err := v.VerifyAccessToken(ctx, f.accessToken(t, testidp.AccessTokenRequest{
		Scopes: []string{"patient/Appointment.rs", "patient/Appointment.cud"}, ClientID: "booking-app"}))
	if err != nil {
		t.Fatal(err)
	}
	if at.Provider != "test" || at.Subject != alice.Subject || at.PersonalID != alice.PersonalID ||
		at.GivenName != alice.GivenName || at.FamilyName != alice.FamilyName || at.LoA != oidc.LoAHigh ||
		at.ClientID != "booking-app" || !slices.Equal(at.Scopes, []string{"patient/Appointment.rs", "patient/Appointment.cud"}) ||
		!at.Expiry.Equal(f.clock.Now().Add(testidp.TokenLifetime).Truncate(time.Second)) {
		t.Errorf("token says %+v", at)
	}
	// typ JWT is taken too, as some providers write it.
	if _, err := v.VerifyAccessToken(ctx, f.accessToken(t, testidp.AccessTokenRequest{Type: "JWT"})); err != nil {
		t.Errorf("typ JWT: %v", err)
	}
	// Within the leeway of a minute, and not after.
	tok := f.accessToken(t, testidp.AccessTokenRequest{Lifetime: time.Minute})
	f.clock.Add(90 * time.Second)
	if _, err := v.VerifyAccessToken(ctx, tok); err != nil {
		t.Errorf("30 s past exp: %v", err)
	}
	f.clock.Add(time.Minute)
	_, err = v.VerifyAccessToken(ctx, tok)
	wantRefusal(t, err, sotepe.EUnauthorized, "error.oidc_expired")
}

func TestAccessTokenRefusals(t *testing.T) {
	f := newFixture(t, nil)
	v := f.accessTokens(t)
	ctx := context.Background()
	other := newFixture(t, nil) // the same people, another key and issuer
	forged, err := other.idp.AccessToken(testidp.AccessTokenRequest{Subject: alice.Subject, Audience: fhirBase,
		Tamper: func(c map[string]any) { c["iss"] = f.cfg.Issuer }})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, token, key string
	}{
		{"not a JWT", "opaque-token", "error.oidc_token"},
		{"another typ", f.accessToken(t, testidp.AccessTokenRequest{Type: "dpop+jwt"}), "error.oidc_token"},
		{"another audience", f.accessToken(t, testidp.AccessTokenRequest{Audience: "https://other.example/fhir"}), "error.oidc_audience"},
		// As an ID token is: typ JWT, signed by the provider, for the client.
		{"an ID token's audience", f.accessToken(t, testidp.AccessTokenRequest{Type: "JWT", Audience: clientID}), "error.oidc_audience"},
		{"an untrusted issuer", f.accessToken(t, testidp.AccessTokenRequest{Tamper: func(c map[string]any) { c["iss"] = "https://evil.example" }}), "error.oidc_issuer"},
		{"another key", forged, "error.oidc_token"},
		{"expired", f.accessToken(t, testidp.AccessTokenRequest{Tamper: func(c map[string]any) { c["exp"] = f.clock.Now().Add(-2 * time.Minute).Unix() }}), "error.oidc_expired"},
		{"not yet valid", f.accessToken(t, testidp.AccessTokenRequest{Tamper: func(c map[string]any) { c["nbf"] = f.clock.Now().Add(10 * time.Minute).Unix() }}), "error.oidc_expired"},
		{"no exp", f.accessToken(t, testidp.AccessTokenRequest{Tamper: func(c map[string]any) { delete(c, "exp") }}), "error.oidc_token"},
		{"no subject", f.accessToken(t, testidp.AccessTokenRequest{Tamper: func(c map[string]any) { delete(c, "sub") }}), "error.oidc_token"},
		{"a changed payload", tamperPayload(f.accessToken(t, testidp.AccessTokenRequest{})), "error.oidc_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.VerifyAccessToken(ctx, tc.token)
			wantRefusal(t, err, sotepe.EUnauthorized, tc.key)
		})
	}
}

// tamperPayload swaps the payload of a compact JWS for another's, keeping
// the signature.
func tamperPayload(tok string) string {
	parts := strings.Split(tok, ".")
	parts[1] = strings.TrimRight(parts[1][:len(parts[1])-4], "=") + "AAAA"
	return strings.Join(parts, ".")
}

func TestAccessTokenProviderDown(t *testing.T) {
	f := newFixture(t, nil)
	v, err := oidc.NewAccessTokens(fhirBase, 0, f.clock.Now, oidc.AccessTokenIssuer{
		Name: "test", Issuer: f.cfg.Issuer, HTTPClient: &http.Client{Transport: down{}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.VerifyAccessToken(context.Background(), f.accessToken(t, testidp.AccessTokenRequest{}))
	wantRefusal(t, err, sotepe.EUnavailable, "error.oidc_provider")
	// The next token discovers again, and the provider is back.
	v, err = oidc.NewAccessTokens(fhirBase, 0, f.clock.Now, oidc.AccessTokenIssuer{Name: "test", Issuer: f.cfg.Issuer, HTTPClient: f.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyAccessToken(context.Background(), f.accessToken(t, testidp.AccessTokenRequest{})); err != nil {
		t.Fatal(err)
	}
	if _, err := oidc.NewAccessTokens("", 0, nil); err == nil {
		t.Error("an empty audience was accepted")
	}
}

// down is a transport that cannot reach anything.
type down struct{}

func (down) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, &url.Error{Op: "Get", URL: "http://down", Err: context.DeadlineExceeded}
}

func TestPersonGrant(t *testing.T) {
	f := newFixture(t, func(c *testidp.Config) { c.PersonGrant = true })
	res, err := f.srv.Client().PostForm(f.cfg.Issuer+"/token", url.Values{"grant_type": {testidp.PersonGrant},
		"subject": {bob.Subject}, "resource": {fhirBase}, "scope": {"patient/Patient.read patient/Appointment.write"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != 200 || body.TokenType != "Bearer" {
		t.Fatalf("%d %+v %v", res.StatusCode, body, err)
	}
	at, err := f.accessTokens(t).VerifyAccessToken(context.Background(), body.AccessToken)
	if err != nil || at.Subject != bob.Subject || at.LoA != oidc.LoASubstantial || len(at.Scopes) != 2 {
		t.Errorf("%+v %v", at, err)
	}
	// Without PersonGrant the provider refuses the grant.
	g := newFixture(t, nil)
	res2, err := g.srv.Client().PostForm(g.cfg.Issuer+"/token", url.Values{"grant_type": {testidp.PersonGrant}, "subject": {bob.Subject}, "resource": {fhirBase}})
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusBadRequest {
		t.Errorf("the grant when not enabled: %d", res2.StatusCode)
	}
}

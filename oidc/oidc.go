// Package oidc is the OpenID Connect relying party of sotepe's strong
// identification: it signs a person in at an identity provider such as
// Suomi.fi e-Identification with the authorization code flow, PKCE, nonce,
// private_key_jwt client authentication and, when configured, encrypted ID
// tokens and userinfo responses (JWE, RSA-OAEP-256 with A256GCM).
//
// Discovery, the provider's key set and the checks of the ID token are
// github.com/coreos/go-oidc/v3; the token exchange is golang.org/x/oauth2;
// decryption and the client assertion are github.com/go-jose/go-jose/v4.
// Neither OIDC library decrypts tokens, so this package decrypts first and
// hands the inner signed token to go-oidc's verifier.
//
// Every refusal is a *sotepe.Error with Code EUnauthorized (EUnavailable when
// the provider cannot be reached) and a Key of its own ("error.oidc_…"). No
// error message carries token contents or claims.
package oidc

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"sotepe"
)

// Levels of assurance a Claims.LoA may hold, as eIDAS names them.
const (
	LoALow         = "low"
	LoASubstantial = "substantial"
	LoAHigh        = "high"
)

// ClientAssertionType is the client_assertion_type of private_key_jwt
// client authentication (RFC 7523).
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionLifetime is how long a client assertion is valid: at most five
// minutes, as the brief and Suomi.fi ask.
const assertionLifetime = 5 * time.Minute

// maxBody bounds what is read from the provider's userinfo endpoint.
const maxBody = 1 << 20

// ClaimNames tells which claims hold the person's data. An empty field takes
// the Suomi.fi name given in defaultClaimNames.
type ClaimNames struct {
	// PersonalID is the claim with the Finnish personal identity code.
	PersonalID string
	// GivenName is the claim with the given name (first names).
	GivenName string
	// FamilyName is the claim with the family name.
	FamilyName string
	// LoA is the claim with the authentication context class (level of assurance).
	LoA string
}

// defaultClaimNames are the claim names of Suomi.fi e-Identification.
var defaultClaimNames = ClaimNames{
	PersonalID: "urn:oid:1.2.246.21",
	GivenName:  "urn:oid:2.5.4.42",
	FamilyName: "urn:oid:2.5.4.4",
	LoA:        "acr",
}

// defaultLoA maps the acr values of Suomi.fi and the plain eIDAS words to a
// level of assurance. It is read-only; Config.LoA replaces it when set.
var defaultLoA = map[string]string{
	"http://ftn.ficora.fi/2017/loa2": LoASubstantial,
	"http://ftn.ficora.fi/2017/loa3": LoAHigh,
	LoALow:                           LoALow,
	LoASubstantial:                   LoASubstantial,
	LoAHigh:                          LoAHigh,
}

// Config configures a relying party at one identity provider.
type Config struct {
	// Name names the provider in logs and pages, e.g. "suomifi" or "test".
	Name string
	// Issuer is the provider's issuer URL; discovery must report exactly it.
	Issuer string
	// ClientID is this relying party's client id at the provider.
	ClientID string
	// RedirectURL is where the provider sends the browser back with the code.
	RedirectURL string
	// SigningKey signs the client assertion (private_key_jwt, RS256); its
	// key id is its RFC 7638 JWK thumbprint. Required.
	SigningKey *rsa.PrivateKey
	// EncryptionKey decrypts encrypted ID tokens and userinfo responses.
	// Nil: tokens are expected as plain signed JWTs.
	EncryptionKey *rsa.PrivateKey
	// RequireEncryption refuses an ID token or userinfo response that is not
	// encrypted. It needs EncryptionKey.
	RequireEncryption bool
	// Scopes are requested at the authorization endpoint; default openid and
	// profile. "openid" is always included.
	Scopes []string
	// ACRValues, when set, are sent as acr_values (the levels asked for).
	ACRValues []string
	// Claims names the claims holding the person's data; empty fields take
	// defaultClaimNames.
	Claims ClaimNames
	// LoA maps acr values to LoALow, LoASubstantial or LoAHigh. Nil maps
	// Suomi.fi's http://ftn.ficora.fi/2017/loa2 to substantial and
	// http://ftn.ficora.fi/2017/loa3 to high, and the words low, substantial
	// and high to themselves. An acr value not in the map gives an empty
	// Claims.LoA.
	LoA map[string]string
	// PersonalIDOptional accepts a person without a personal identity code,
	// as an organisation's provider for its staff signs people in by a
	// subject only.
	PersonalIDOptional bool
	// HTTPClient makes every request to the provider; nil takes a client
	// with a 10 second timeout.
	HTTPClient *http.Client
	// Now is the clock for token expiry and the client assertion; nil takes
	// time.Now.
	Now func() time.Time
}

// Pending is what the caller keeps between Begin and Finish, server-side and
// for a single use: the state to compare with the callback's, the nonce the
// ID token must carry and the PKCE code verifier.
type Pending struct {
	State    string
	Nonce    string
	Verifier string
}

// Claims is the person a provider identified.
type Claims struct {
	// Subject is the provider's stable identifier of the person (sub).
	Subject string
	// PersonalID is the Finnish personal identity code.
	PersonalID string
	// GivenName and FamilyName are the person's names.
	GivenName  string
	FamilyName string
	// LoA is LoALow, LoASubstantial or LoAHigh; empty when the provider's
	// acr value is not in Config.LoA.
	LoA string
	// ACR is the acr value the provider reported.
	ACR string
	// IDToken is the ID token as received (the JWE when it was encrypted),
	// for the id_token_hint of EndSessionURL.
	IDToken string
}

// Provider is a relying party bound to one discovered identity provider. It
// is safe for concurrent use.
type Provider struct {
	cfg         Config
	client      *http.Client
	now         func() time.Time
	oauth       oauth2.Config
	verifier    *gooidc.IDTokenVerifier
	keys        *gooidc.RemoteKeySet
	userinfoURL string
	endSession  string
	kid         string
	claims      ClaimNames
	loa         map[string]string
}

// discovery holds the fields of the discovery document go-oidc does not expose.
type discovery struct {
	JWKSURI            string   `json:"jwks_uri"`
	EndSessionEndpoint string   `json:"end_session_endpoint"`
	IDTokenSigningAlgs []string `json:"id_token_signing_alg_values_supported"`
}

// New checks cfg, fetches the provider's discovery document and returns the
// relying party. A provider that cannot be reached or whose document cannot
// be read gives EUnavailable with key error.oidc_provider; a document naming
// another issuer gives EUnauthorized with key error.oidc_issuer. A config
// missing a required field gives a plain (internal) error.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	switch {
	case cfg.Issuer == "":
		return nil, errors.New("oidc: Config.Issuer is required")
	case cfg.ClientID == "":
		return nil, errors.New("oidc: Config.ClientID is required")
	case cfg.RedirectURL == "":
		return nil, errors.New("oidc: Config.RedirectURL is required")
	case cfg.SigningKey == nil:
		return nil, errors.New("oidc: Config.SigningKey is required")
	case cfg.RequireEncryption && cfg.EncryptionKey == nil:
		return nil, errors.New("oidc: Config.RequireEncryption needs Config.EncryptionKey")
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	kid, err := Thumbprint(&cfg.SigningKey.PublicKey)
	if err != nil {
		return nil, err
	}

	cctx := gooidc.ClientContext(ctx, client)
	op, err := gooidc.NewProvider(cctx, cfg.Issuer)
	if err != nil {
		var mismatch *gooidc.IssuerMismatchError
		if errors.As(err, &mismatch) {
			return nil, refuse("error.oidc_issuer", "the discovery document names another issuer", err)
		}
		return nil, &sotepe.Error{Code: sotepe.EUnavailable, Key: "error.oidc_provider",
			Message: "discovery of the identity provider " + cfg.Name + " failed", Err: err}
	}
	var d discovery
	if err := op.Claims(&d); err != nil || d.JWKSURI == "" {
		return nil, &sotepe.Error{Code: sotepe.EUnavailable, Key: "error.oidc_provider",
			Message: "the discovery document of " + cfg.Name + " has no jwks_uri", Err: err}
	}
	algs := []string{}
	for _, a := range d.IDTokenSigningAlgs {
		if a != "none" && a != "" && !strings.HasPrefix(a, "HS") {
			algs = append(algs, a)
		}
	}
	if len(algs) == 0 {
		algs = []string{gooidc.RS256}
	}
	// The key set outlives ctx: it refetches the JWKS when the provider
	// rotates keys, so it gets a background context with our client.
	keys := gooidc.NewRemoteKeySet(gooidc.ClientContext(context.Background(), client), d.JWKSURI)
	verifier := gooidc.NewVerifier(cfg.Issuer, keys, &gooidc.Config{
		ClientID:             cfg.ClientID,
		SupportedSigningAlgs: algs,
		Now:                  now,
	})

	scopes := cfg.Scopes
	if len(scopes) == 0 {
		scopes = []string{gooidc.ScopeOpenID, "profile"}
	}
	if !slices.Contains(scopes, gooidc.ScopeOpenID) {
		scopes = append([]string{gooidc.ScopeOpenID}, scopes...)
	}
	ep := op.Endpoint()
	// The client authenticates with an assertion in the form, never with
	// HTTP Basic: say so, or oauth2 would probe both styles.
	ep.AuthStyle = oauth2.AuthStyleInParams

	names := claimNames(cfg.Claims)
	loa := cfg.LoA
	if loa == nil {
		loa = defaultLoA
	}
	return &Provider{
		cfg:    cfg,
		client: client,
		now:    now,
		oauth: oauth2.Config{
			ClientID:    cfg.ClientID,
			Endpoint:    ep,
			RedirectURL: cfg.RedirectURL,
			Scopes:      scopes,
		},
		verifier:    verifier,
		keys:        keys,
		userinfoURL: op.UserInfoEndpoint(),
		endSession:  d.EndSessionEndpoint,
		kid:         kid,
		claims:      names,
		loa:         loa,
	}, nil
}

// Name returns the configured name of the provider.
func (p *Provider) Name() string { return p.cfg.Name }

// Begin starts a sign-in: it returns the provider's authorization URL to
// send the browser to, and the Pending values the caller must keep for
// Finish (server-side, single use). The error is an internal one only when
// the system's random source fails.
func (p *Provider) Begin() (string, Pending, error) {
	state, err := random()
	if err != nil {
		return "", Pending{}, err
	}
	nonce, err := random()
	if err != nil {
		return "", Pending{}, err
	}
	pend := Pending{State: state, Nonce: nonce, Verifier: oauth2.GenerateVerifier()}
	opts := []oauth2.AuthCodeOption{
		gooidc.Nonce(nonce),
		oauth2.S256ChallengeOption(pend.Verifier),
	}
	if len(p.cfg.ACRValues) > 0 {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", strings.Join(p.cfg.ACRValues, " ")))
	}
	return p.oauth.AuthCodeURL(state, opts...), pend, nil
}

// CheckState compares the state the callback brought with the pending one in
// constant time. A mismatch, or an empty state, is EUnauthorized with key
// error.oidc_state.
func CheckState(p Pending, got string) error {
	if p.State == "" || subtle.ConstantTimeCompare([]byte(p.State), []byte(got)) != 1 {
		return refuse("error.oidc_state", "the state of the callback does not match", nil)
	}
	return nil
}

// Finish completes a sign-in with the code of the callback: it exchanges the
// code (private_key_jwt and the PKCE verifier of p), decrypts and verifies
// the ID token, checks its nonce and reads the person's claims from it and,
// for what it lacks, from the userinfo endpoint. The caller checks the
// callback's state first (CheckState).
//
// Refusals are EUnauthorized with these keys: error.oidc_code (the provider
// refused the code: unknown, expired or used before), error.oidc_not_encrypted,
// error.oidc_issuer, error.oidc_audience, error.oidc_expired,
// error.oidc_nonce, error.oidc_claims (no personal identity code) and
// error.oidc_token (any other fault of a token). A provider that cannot be
// reached gives EUnavailable with key error.oidc_provider.
func (p *Provider) Finish(ctx context.Context, code string, pend Pending) (Claims, error) {
	if code == "" || pend.Nonce == "" || pend.Verifier == "" {
		return Claims{}, refuse("error.oidc_code", "no code or no pending sign-in", nil)
	}
	assertion, err := p.clientAssertion()
	if err != nil {
		return Claims{}, err
	}
	octx := context.WithValue(ctx, oauth2.HTTPClient, p.client)
	tok, err := p.oauth.Exchange(octx, code,
		oauth2.VerifierOption(pend.Verifier),
		oauth2.SetAuthURLParam("client_assertion_type", ClientAssertionType),
		oauth2.SetAuthURLParam("client_assertion", assertion),
	)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && (re.Response == nil || re.Response.StatusCode < 500) {
			// The description may echo what we sent; keep only the code.
			return Claims{}, refuse("error.oidc_code", "the provider refused the code ("+safeWord(re.ErrorCode)+")", nil)
		}
		return Claims{}, unavailable("the token endpoint failed", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Claims{}, refuse("error.oidc_token", "the token response has no id_token", nil)
	}
	signed, err := p.unwrap(raw)
	if err != nil {
		return Claims{}, err
	}
	idt, err := p.verifier.Verify(ctx, signed)
	if err != nil {
		return Claims{}, p.classify(ctx, signed, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(pend.Nonce)) != 1 {
		return Claims{}, refuse("error.oidc_nonce", "the nonce of the ID token does not match", nil)
	}
	var std struct {
		AZP string `json:"azp"`
	}
	if err := idt.Claims(&std); err != nil {
		return Claims{}, refuse("error.oidc_token", "the claims of the ID token cannot be read", err)
	}
	if len(idt.Audience) > 1 && std.AZP != p.cfg.ClientID || std.AZP != "" && std.AZP != p.cfg.ClientID {
		return Claims{}, refuse("error.oidc_audience", "the ID token was issued to another party (azp)", nil)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return Claims{}, refuse("error.oidc_token", "the at_hash of the ID token does not match", nil)
		}
	}
	var all map[string]any
	if err := idt.Claims(&all); err != nil {
		return Claims{}, refuse("error.oidc_token", "the claims of the ID token cannot be read", err)
	}
	c := Claims{Subject: idt.Subject, IDToken: raw}
	p.fill(&c, all)
	if (c.PersonalID == "" || c.GivenName == "" || c.FamilyName == "" || c.ACR == "") && p.userinfoURL != "" {
		ui, err := p.userinfo(ctx, tok.AccessToken)
		if err != nil {
			return Claims{}, err
		}
		if sub, _ := ui["sub"].(string); sub != idt.Subject {
			return Claims{}, refuse("error.oidc_token", "the userinfo response is about another subject", nil)
		}
		p.fill(&c, ui)
	}
	if c.PersonalID == "" && !p.cfg.PersonalIDOptional {
		return Claims{}, refuse("error.oidc_claims", "the provider gave no personal identity code", nil)
	}
	return c, nil
}

// fill sets the fields of c that are still empty from claims.
func (p *Provider) fill(c *Claims, claims map[string]any) {
	set := func(dst *string, name string) {
		if *dst != "" {
			return
		}
		if v, ok := claims[name].(string); ok {
			*dst = v
		}
	}
	set(&c.PersonalID, p.claims.PersonalID)
	set(&c.GivenName, p.claims.GivenName)
	set(&c.FamilyName, p.claims.FamilyName)
	set(&c.ACR, p.claims.LoA)
	if c.LoA == "" && c.ACR != "" {
		c.LoA = p.loa[c.ACR]
	}
}

// EndSessionURL returns the provider's end_session_endpoint with the given
// id_token_hint, post_logout_redirect_uri and state (each left out when
// empty), or "" when the provider has none.
func (p *Provider) EndSessionURL(idTokenHint, postLogoutRedirect, state string) string {
	if p.endSession == "" {
		return ""
	}
	u, err := url.Parse(p.endSession)
	if err != nil {
		return ""
	}
	q := u.Query()
	for k, v := range map[string]string{
		"id_token_hint":            idTokenHint,
		"post_logout_redirect_uri": postLogoutRedirect,
		"state":                    state,
	} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if idTokenHint == "" {
		q.Set("client_id", p.cfg.ClientID)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// PublicJWKS returns this relying party's public keys as a JWK Set (JSON):
// the signing key with use "sig" and, when configured, the encryption key
// with use "enc" (alg RSA-OAEP-256), each with its thumbprint as key id.
// The provider fetches it from the client's registered jwks_uri.
func (p *Provider) PublicJWKS() ([]byte, error) {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &p.cfg.SigningKey.PublicKey, KeyID: p.kid, Use: "sig", Algorithm: string(jose.RS256),
	}}}
	if p.cfg.EncryptionKey != nil {
		kid, err := Thumbprint(&p.cfg.EncryptionKey.PublicKey)
		if err != nil {
			return nil, err
		}
		set.Keys = append(set.Keys, jose.JSONWebKey{
			Key: &p.cfg.EncryptionKey.PublicKey, KeyID: kid, Use: "enc", Algorithm: string(jose.RSA_OAEP_256),
		})
	}
	return json.Marshal(set)
}

// Thumbprint returns the RFC 7638 SHA-256 JWK thumbprint of key, base64url
// without padding: the key id this package gives an RSA key.
func Thumbprint(key *rsa.PublicKey) (string, error) {
	tp, err := (&jose.JSONWebKey{Key: key}).Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("oidc: thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}

// clientAssertion returns the private_key_jwt assertion for one token request.
func (p *Provider) clientAssertion() (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{
		Algorithm: jose.RS256,
		Key:       jose.JSONWebKey{Key: p.cfg.SigningKey, KeyID: p.kid},
	}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("oidc: signer: %w", err)
	}
	jti, err := random()
	if err != nil {
		return "", err
	}
	now := p.now()
	s, err := jwt.Signed(signer).Claims(jwt.Claims{
		Issuer:   p.cfg.ClientID,
		Subject:  p.cfg.ClientID,
		Audience: jwt.Audience{p.oauth.Endpoint.TokenURL},
		ID:       jti,
		IssuedAt: jwt.NewNumericDate(now),
		Expiry:   jwt.NewNumericDate(now.Add(assertionLifetime)),
	}).Serialize()
	if err != nil {
		return "", fmt.Errorf("oidc: client assertion: %w", err)
	}
	return s, nil
}

// unwrap returns the signed JWT inside raw: raw itself when it is a JWS
// (refused when encryption is required), the decrypted payload when it is a
// JWE.
func (p *Provider) unwrap(raw string) (string, error) {
	switch strings.Count(raw, ".") {
	case 2:
		if p.cfg.RequireEncryption {
			return "", refuse("error.oidc_not_encrypted", "the provider sent a token that is not encrypted", nil)
		}
		return raw, nil
	case 4:
		if p.cfg.EncryptionKey == nil {
			return "", refuse("error.oidc_token", "the provider sent an encrypted token but no decryption key is configured", nil)
		}
		jwe, err := jose.ParseEncryptedCompact(raw,
			[]jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
		if err != nil {
			return "", refuse("error.oidc_token", "the encrypted token cannot be parsed", err)
		}
		inner, err := jwe.Decrypt(p.cfg.EncryptionKey)
		if err != nil {
			return "", refuse("error.oidc_token", "the encrypted token cannot be decrypted", err)
		}
		if strings.Count(string(inner), ".") != 2 {
			return "", refuse("error.oidc_token", "the encrypted token holds no signed JWT", nil)
		}
		return string(inner), nil
	}
	return "", refuse("error.oidc_token", "the token is neither a JWS nor a JWE", nil)
}

// classify turns a failure of go-oidc's verifier into a refusal with its own
// key. go-oidc types only the expiry error, so for the others the signature
// is checked again here and, when it holds, the issuer and audience are
// compared to say which one was wrong.
func (p *Provider) classify(ctx context.Context, signed string, verr error) error {
	var expired *gooidc.TokenExpiredError
	if errors.As(verr, &expired) {
		return refuse("error.oidc_expired", "the ID token has expired", nil)
	}
	payload, err := p.keys.VerifySignature(ctx, signed)
	if err != nil {
		return refuse("error.oidc_token", "the signature of the ID token does not verify", nil)
	}
	var c struct {
		Issuer   string          `json:"iss"`
		Audience json.RawMessage `json:"aud"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return refuse("error.oidc_token", "the claims of the ID token cannot be read", nil)
	}
	if c.Issuer != p.cfg.Issuer {
		return refuse("error.oidc_issuer", "the ID token was issued by another issuer", nil)
	}
	var aud jwt.Audience
	if err := json.Unmarshal(c.Audience, &aud); err != nil || !aud.Contains(p.cfg.ClientID) {
		return refuse("error.oidc_audience", "the ID token was issued to another client", nil)
	}
	return refuse("error.oidc_token", "the ID token does not verify", nil)
}

// userinfo fetches the userinfo claims: JSON, a signed JWT, or an encrypted
// one holding a signed JWT. The signature of a JWT is checked against the
// provider's keys.
func (p *Provider) userinfo(ctx context.Context, accessToken string) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.userinfoURL, nil)
	if err != nil {
		return nil, unavailable("the userinfo request cannot be made", err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/jwt, application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, unavailable("the userinfo endpoint cannot be reached", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, unavailable("the userinfo response cannot be read", err)
	}
	switch {
	case resp.StatusCode >= 500:
		return nil, unavailable(fmt.Sprintf("the userinfo endpoint answered %d", resp.StatusCode), nil)
	case resp.StatusCode != http.StatusOK:
		return nil, refuse("error.oidc_token", fmt.Sprintf("the userinfo endpoint refused the access token (%d)", resp.StatusCode), nil)
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "application/jwt" {
		signed, err := p.unwrap(strings.TrimSpace(string(body)))
		if err != nil {
			return nil, err
		}
		if body, err = p.keys.VerifySignature(ctx, signed); err != nil {
			return nil, refuse("error.oidc_token", "the signature of the userinfo response does not verify", nil)
		}
		// A signed userinfo response should name the issuer and the client
		// (OIDC Core 5.3.2); when it does, they must be right.
		var c struct {
			Issuer   *string       `json:"iss"`
			Audience *jwt.Audience `json:"aud"`
		}
		if err := json.Unmarshal(body, &c); err != nil {
			return nil, refuse("error.oidc_token", "the userinfo response cannot be read", nil)
		}
		if c.Issuer != nil && *c.Issuer != p.cfg.Issuer {
			return nil, refuse("error.oidc_issuer", "the userinfo response was issued by another issuer", nil)
		}
		if c.Audience != nil && !c.Audience.Contains(p.cfg.ClientID) {
			return nil, refuse("error.oidc_audience", "the userinfo response was issued to another client", nil)
		}
	} else if p.cfg.RequireEncryption {
		return nil, refuse("error.oidc_not_encrypted", "the userinfo response is not encrypted", nil)
	}
	var claims map[string]any
	if err := json.Unmarshal(body, &claims); err != nil {
		return nil, refuse("error.oidc_token", "the userinfo response cannot be read", nil)
	}
	return claims, nil
}

// refuse returns an EUnauthorized refusal with the catalog key and an
// English message that holds no token contents.
func refuse(key, message string, err error) *sotepe.Error {
	return &sotepe.Error{Code: sotepe.EUnauthorized, Key: key, Message: message, Err: err}
}

// unavailable returns the EUnavailable error of a provider that cannot be used.
func unavailable(message string, err error) *sotepe.Error {
	return &sotepe.Error{Code: sotepe.EUnavailable, Key: "error.oidc_provider", Message: message, Err: err}
}

// random returns 32 random bytes, base64url-encoded.
func random() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("oidc: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// safeWord keeps an OAuth error code if it is a plain word, so nothing a
// provider echoes ends up in a log.
func safeWord(s string) string {
	if len(s) > 40 {
		return "?"
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z') {
			return "?"
		}
	}
	return s
}

package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"sotepe"
)

// Access tokens (RFC 9068, JSON Web Token profile for OAuth 2.0 access
// tokens) that the providers residents sign in with issue to applications
// acting for a resident: sotepe is then the resource server. The token is
// checked against the provider's keys (discovery and JWKS, as for ID
// tokens), its issuer, its audience (sotepe's FHIR base URL, never an ID
// token's client id) and its lifetime.

// DefaultLeeway forgives small differences between the provider's clock and
// sotepe's when checking exp, nbf and iat.
const DefaultLeeway = 60 * time.Second

// accessTokenAlgs are the signature algorithms an access token may use:
// asymmetric ones only (never none or HS*, whose key would be shared).
var accessTokenAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512,
	jose.PS256, jose.PS384, jose.PS512, jose.ES256, jose.ES384, jose.ES512, jose.EdDSA}

// AccessTokenIssuer is one provider whose access tokens are trusted.
type AccessTokenIssuer struct {
	// Name is the provider's configured name, under which identities are
	// linked (web.IdentityProvider.Name).
	Name string
	// Issuer is the provider's issuer URL; discovery must report exactly it.
	Issuer string
	// Claims names the claims with the person's data; empty fields take
	// Suomi.fi's names, as Config.Claims.
	Claims ClaimNames
	// LoA maps acr values to levels of assurance, as Config.LoA.
	LoA map[string]string
	// HTTPClient fetches the discovery document and the key set; nil takes
	// a client with a 10 second timeout.
	HTTPClient *http.Client
}

// AccessTokens checks the access tokens of some providers for one audience.
// Each provider is discovered on the first token it issued and again after
// a failure, so a provider that is down at start stops nothing; its keys
// are cached and fetched again when a token names a key not among them. It
// implements sotepe.AccessTokenVerifier and is safe for concurrent use.
type AccessTokens struct {
	audience string
	leeway   time.Duration
	now      func() time.Time
	issuers  map[string]*tokenIssuer
}

// tokenIssuer is a provider and, once discovered, its key set.
type tokenIssuer struct {
	AccessTokenIssuer
	mu   sync.Mutex
	keys *gooidc.RemoteKeySet
}

var _ sotepe.AccessTokenVerifier = (*AccessTokens)(nil)

// NewAccessTokens returns a verifier of the access tokens issuers issue for
// audience (sotepe's FHIR base URL, e.g. https://sotepe.example/fhir/R4).
// leeway ≤ 0 takes DefaultLeeway; now nil takes time.Now. An empty
// audience, an issuer without a name or URL, or two with one URL is an
// error.
func NewAccessTokens(audience string, leeway time.Duration, now func() time.Time, issuers ...AccessTokenIssuer) (*AccessTokens, error) {
	if audience == "" {
		return nil, errors.New("oidc: an access token audience is required")
	}
	if leeway <= 0 {
		leeway = DefaultLeeway
	}
	if now == nil {
		now = time.Now
	}
	v := &AccessTokens{audience: audience, leeway: leeway, now: now, issuers: map[string]*tokenIssuer{}}
	for _, is := range issuers {
		if is.Name == "" || is.Issuer == "" {
			return nil, errors.New("oidc: an access token issuer needs a name and an issuer URL")
		}
		if _, dup := v.issuers[is.Issuer]; dup {
			return nil, errors.New("oidc: access token issuer " + is.Issuer + " given twice")
		}
		if is.HTTPClient == nil {
			is.HTTPClient = &http.Client{Timeout: 10 * time.Second}
		}
		is.Claims = claimNames(is.Claims)
		if is.LoA == nil {
			is.LoA = defaultLoA
		}
		v.issuers[is.Issuer] = &tokenIssuer{AccessTokenIssuer: is}
	}
	return v, nil
}

// Audience returns the audience tokens must name.
func (v *AccessTokens) Audience() string { return v.audience }

// keySet returns the issuer's key set, discovering it first.
func (t *tokenIssuer) keySet(ctx context.Context) (*gooidc.RemoteKeySet, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.keys != nil {
		return t.keys, nil
	}
	op, err := gooidc.NewProvider(gooidc.ClientContext(ctx, t.HTTPClient), t.Issuer)
	if err != nil {
		return nil, unavailable("discovery of the identity provider "+t.Name+" failed", err)
	}
	var d discovery
	if err := op.Claims(&d); err != nil || d.JWKSURI == "" {
		return nil, unavailable("the discovery document of "+t.Name+" has no jwks_uri", err)
	}
	// The key set outlives ctx: it fetches the keys again when the
	// provider rotates them.
	t.keys = gooidc.NewRemoteKeySet(gooidc.ClientContext(context.Background(), t.HTTPClient), d.JWKSURI)
	return t.keys, nil
}

// accessClaims are the claims of an RFC 9068 access token this package reads
// besides the person's.
type accessClaims struct {
	jwt.Claims
	ClientID string `json:"client_id"`
	Scope    string `json:"scope"`
}

// VerifyAccessToken checks raw, a signed JWT access token, and returns what
// it says. The checks, each refusing with EUnauthorized: a JWS in compact
// form with an asymmetric algorithm and the media type at+jwt (RFC 9068;
// application/at+jwt, or JWT, which some providers still write) — key
// error.oidc_token; an issuer among the trusted ones (error.oidc_issuer);
// a signature by a key in the issuer's published set (error.oidc_token);
// the audience (error.oidc_audience); exp, nbf and iat within the leeway
// (error.oidc_expired); a subject (error.oidc_token). A provider that
// cannot be discovered is EUnavailable (error.oidc_provider). No error
// carries the token's contents.
func (v *AccessTokens) VerifyAccessToken(ctx context.Context, raw string) (sotepe.AccessToken, error) {
	tok, err := jwt.ParseSigned(raw, accessTokenAlgs)
	if err != nil || len(tok.Headers) != 1 {
		return sotepe.AccessToken{}, refuse("error.oidc_token", "the access token is not a signed JWT", nil)
	}
	switch typ, _ := tok.Headers[0].ExtraHeaders[jose.HeaderType].(string); strings.ToLower(typ) {
	case "at+jwt", "application/at+jwt", "jwt":
	default:
		return sotepe.AccessToken{}, refuse("error.oidc_token", "the JWT is not an access token (typ)", nil)
	}
	var unverified jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return sotepe.AccessToken{}, refuse("error.oidc_token", "the claims of the access token cannot be read", nil)
	}
	is := v.issuers[unverified.Issuer]
	if is == nil {
		return sotepe.AccessToken{}, refuse("error.oidc_issuer", "the access token was issued by an issuer not trusted", nil)
	}
	keys, err := is.keySet(ctx)
	if err != nil {
		return sotepe.AccessToken{}, err
	}
	payload, err := keys.VerifySignature(ctx, raw)
	if err != nil {
		return sotepe.AccessToken{}, refuse("error.oidc_token", "the signature of the access token does not verify", nil)
	}
	var c accessClaims
	var all map[string]any
	if json.Unmarshal(payload, &c) != nil || json.Unmarshal(payload, &all) != nil {
		return sotepe.AccessToken{}, refuse("error.oidc_token", "the claims of the access token cannot be read", nil)
	}
	if c.Issuer != is.Issuer {
		return sotepe.AccessToken{}, refuse("error.oidc_issuer", "the access token was issued by another issuer", nil)
	}
	if !c.Audience.Contains(v.audience) {
		return sotepe.AccessToken{}, refuse("error.oidc_audience", "the access token was issued for another audience", nil)
	}
	if c.Expiry == nil {
		return sotepe.AccessToken{}, refuse("error.oidc_token", "the access token has no expiry", nil)
	}
	if err := c.ValidateWithLeeway(jwt.Expected{Time: v.now()}, v.leeway); err != nil {
		return sotepe.AccessToken{}, refuse("error.oidc_expired", "the access token has expired or is not valid yet", nil)
	}
	if c.Subject == "" {
		return sotepe.AccessToken{}, refuse("error.oidc_token", "the access token names no subject", nil)
	}
	at := sotepe.AccessToken{Provider: is.Name, Subject: c.Subject, ClientID: c.ClientID,
		Scopes: strings.Fields(c.Scope), Expiry: c.Expiry.Time()}
	str := func(name string) string { s, _ := all[name].(string); return s }
	at.PersonalID, at.GivenName, at.FamilyName = str(is.Claims.PersonalID), str(is.Claims.GivenName), str(is.Claims.FamilyName)
	at.LoA = is.LoA[str(is.Claims.LoA)]
	return at, nil
}

// claimNames fills the empty fields of names with Suomi.fi's.
func claimNames(names ClaimNames) ClaimNames {
	if names.PersonalID == "" {
		names.PersonalID = defaultClaimNames.PersonalID
	}
	if names.GivenName == "" {
		names.GivenName = defaultClaimNames.GivenName
	}
	if names.FamilyName == "" {
		names.FamilyName = defaultClaimNames.FamilyName
	}
	if names.LoA == "" {
		names.LoA = defaultClaimNames.LoA
	}
	return names
}

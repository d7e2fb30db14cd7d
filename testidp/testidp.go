// Package testidp is a small OpenID provider for the demo and for tests: it
// lets a person pick one of the configured test people on a plain HTML page
// and issues ID tokens for them the way Suomi.fi e-Identification does —
// authorization code flow with PKCE (S256), private_key_jwt client
// authentication, RS256-signed ID tokens encrypted to the client's key
// (RSA-OAEP-256, A256GCM, cty JWT), and the person's identity code and names
// in the userinfo response.
//
// It is a TEST provider: anyone who can reach it can sign in as any of its
// people. Never route it in production.
//
// Config's Tamper, TamperUserinfo and PlainTokens let a test make tokens a
// relying party must refuse (wrong audience, expired, wrong nonce, not
// encrypted). It also issues RFC 9068 access tokens for a resource server
// such as sotepe's FHIR API (access.go: Server.AccessToken, and the test
// grant PersonGrant of its token endpoint).
package testidp

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Lifetimes of what the provider issues.
const (
	// CodeLifetime is how long an authorization code may be exchanged.
	CodeLifetime = time.Minute
	// TokenLifetime is how long ID and access tokens are valid.
	TokenLifetime = 5 * time.Minute
	// AssertionMaxLifetime is the longest exp - now a client assertion may have.
	AssertionMaxLifetime = 5 * time.Minute
	// clockLeeway forgives small differences between the clocks of the
	// client and the provider in client assertions.
	clockLeeway = 30 * time.Second
)

// Claim names the provider uses for the person, as Suomi.fi does.
const (
	ClaimPersonalID = "urn:oid:1.2.246.21"
	ClaimGivenName  = "urn:oid:2.5.4.42"
	ClaimFamilyName = "urn:oid:2.5.4.4"
)

// clientAssertionType is the client_assertion_type of private_key_jwt.
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// Person is a test person one can sign in as.
type Person struct {
	// Subject is the stable identifier the provider gives the person (sub).
	Subject string
	// PersonalID is the Finnish personal identity code (a test one).
	PersonalID string
	// GivenName and FamilyName are the person's names.
	GivenName  string
	FamilyName string
	// LoA is the acr value of the sign-in, e.g. http://ftn.ficora.fi/2017/loa3.
	LoA string
	// Label is the text of the person's button; empty shows the names.
	Label string
}

// Client is a relying party registered at the provider.
type Client struct {
	// ID is the client id.
	ID string
	// RedirectURIs are the allowed redirect_uri values, compared exactly.
	RedirectURIs []string
	// PostLogoutURIs are the allowed post_logout_redirect_uri values.
	PostLogoutURIs []string
	// SigningKey verifies the client's private_key_jwt assertions. Required.
	SigningKey *rsa.PublicKey
	// EncryptionKey, when set, is the key ID tokens and userinfo responses
	// are encrypted to; nil sends them plain.
	EncryptionKey *rsa.PublicKey
}

// Config configures a test provider.
type Config struct {
	// Issuer is the absolute issuer URL including the path the handler is
	// mounted on, e.g. http://127.0.0.1:8080/test-idp.
	Issuer string
	// People are the test people offered on the sign-in page.
	People []Person
	// Clients are the registered relying parties.
	Clients []Client
	// Now is the clock; nil takes time.Now.
	Now func() time.Time
	// Tamper, when set, may change the ID token's claims just before they
	// are signed (tests: wrong aud, past exp, other nonce).
	Tamper func(claims map[string]any)
	// TamperUserinfo, when set, may change the userinfo claims before they
	// are sent.
	TamperUserinfo func(claims map[string]any)
	// PlainTokens sends ID tokens and userinfo unencrypted even to clients
	// with an EncryptionKey.
	PlainTokens bool
	// ClaimsInIDToken puts the identity code and names into the ID token as
	// well; by default they are only in the userinfo response, as Suomi.fi
	// does.
	ClaimsInIDToken bool
	// PersonGrant lets the token endpoint answer the grant PersonGrant: an
	// RFC 9068 access token for a test person without a sign-in, for
	// tests of a resource server (access.go).
	PersonGrant bool
}

// Server is the test provider, an http.Handler. It serves every endpoint
// under the path of Config.Issuer, expecting the full request path: mount it
// on that path without http.StripPrefix, e.g.
// mux.Handle("/test-idp/", srv) for the issuer http://host/test-idp.
//
// Endpoints (relative to the issuer): /.well-known/openid-configuration,
// /jwks, /authorize (GET the page, POST the choice), /token (the code, and
// with Config.PersonGrant the test grant PersonGrant), /userinfo and
// /end-session.
type Server struct {
	cfg     Config
	now     func() time.Time
	base    string // the issuer's path without a trailing slash
	key     *rsa.PrivateKey
	kid     string
	clients map[string]*Client
	people  map[string]Person

	mu     sync.Mutex
	codes  map[string]*grant
	tokens map[string]*grant
	jtis   map[string]time.Time
	issued map[string]issuedToken // id_token → client, for end-session hints
}

// grant is one sign-in: its code and, once exchanged, its access token.
type grant struct {
	client      string
	redirectURI string
	nonce       string
	challenge   string
	person      Person
	authTime    time.Time
	codeExpires time.Time
	used        bool
	accessToken string
	expires     time.Time
	revoked     bool
}

// issuedToken remembers an ID token's client until it expires.
type issuedToken struct {
	client  string
	expires time.Time
}

// New returns a test provider with a fresh RS256 signing key. It fails when
// the issuer is not an absolute http(s) URL, a client has no id or signing
// key, or two clients or two people share an id.
func New(cfg Config) (*Server, error) {
	u, err := url.Parse(cfg.Issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("testidp: Config.Issuer must be an absolute http(s) URL")
	}
	s := &Server{
		cfg:     cfg,
		now:     cfg.Now,
		base:    strings.TrimSuffix(u.Path, "/"),
		clients: map[string]*Client{},
		people:  map[string]Person{},
		codes:   map[string]*grant{},
		tokens:  map[string]*grant{},
		jtis:    map[string]time.Time{},
		issued:  map[string]issuedToken{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	for i := range cfg.Clients {
		c := &cfg.Clients[i]
		if c.ID == "" || c.SigningKey == nil {
			return nil, errors.New("testidp: every client needs an ID and a SigningKey")
		}
		if _, dup := s.clients[c.ID]; dup {
			return nil, fmt.Errorf("testidp: client %q registered twice", c.ID)
		}
		s.clients[c.ID] = c
	}
	for _, p := range cfg.People {
		if p.Subject == "" {
			return nil, errors.New("testidp: every person needs a Subject")
		}
		if _, dup := s.people[p.Subject]; dup {
			return nil, fmt.Errorf("testidp: person %q listed twice", p.Subject)
		}
		s.people[p.Subject] = p
	}
	if s.key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return nil, fmt.Errorf("testidp: key: %w", err)
	}
	tp, err := (&jose.JSONWebKey{Key: &s.key.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("testidp: thumbprint: %w", err)
	}
	s.kid = base64.RawURLEncoding.EncodeToString(tp)
	return s, nil
}

// Issuer returns the issuer URL the provider was configured with.
func (s *Server) Issuer() string { return s.cfg.Issuer }

// endpoint returns the absolute URL of an endpoint of the provider.
func (s *Server) endpoint(path string) string {
	return strings.TrimSuffix(s.cfg.Issuer, "/") + path
}

// ServeHTTP routes a request to its endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, s.base)
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	switch rest {
	case "/.well-known/openid-configuration":
		s.discovery(w, r)
	case "/jwks":
		s.jwks(w, r)
	case "/authorize":
		s.authorize(w, r)
	case "/token":
		s.token(w, r)
	case "/userinfo":
		s.userinfo(w, r)
	case "/end-session":
		s.endSession(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                           s.cfg.Issuer,
		"authorization_endpoint":                           s.endpoint("/authorize"),
		"token_endpoint":                                   s.endpoint("/token"),
		"userinfo_endpoint":                                s.endpoint("/userinfo"),
		"jwks_uri":                                         s.endpoint("/jwks"),
		"end_session_endpoint":                             s.endpoint("/end-session"),
		"response_types_supported":                         []string{"code"},
		"grant_types_supported":                            []string{"authorization_code"},
		"subject_types_supported":                          []string{"public"},
		"scopes_supported":                                 []string{"openid", "profile"},
		"claims_supported":                                 []string{"sub", "acr", ClaimPersonalID, ClaimGivenName, ClaimFamilyName},
		"acr_values_supported":                             s.acrValues(),
		"code_challenge_methods_supported":                 []string{"S256"},
		"token_endpoint_auth_methods_supported":            []string{"private_key_jwt"},
		"token_endpoint_auth_signing_alg_values_supported": []string{"RS256"},
		"id_token_signing_alg_values_supported":            []string{"RS256"},
		"id_token_encryption_alg_values_supported":         []string{"RSA-OAEP-256"},
		"id_token_encryption_enc_values_supported":         []string{"A256GCM"},
		"userinfo_signing_alg_values_supported":            []string{"RS256"},
		"userinfo_encryption_alg_values_supported":         []string{"RSA-OAEP-256"},
		"userinfo_encryption_enc_values_supported":         []string{"A256GCM"},
		"ui_locales_supported":                             []string{"fi", "sv", "en"},
	})
}

// acrValues lists the people's acr values once each.
func (s *Server) acrValues() []string {
	var out []string
	for _, p := range s.cfg.People {
		if p.LoA != "" && !slices.Contains(out, p.LoA) {
			out = append(out, p.LoA)
		}
	}
	return out
}

func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &s.key.PublicKey, KeyID: s.kid, Use: "sig", Algorithm: string(jose.RS256),
	}}})
}

// oauthError writes an RFC 6749 error response of the token endpoint.
func oauthError(w http.ResponseWriter, status int, code, description string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="`+code+`"`)
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
}

// token exchanges an authorization code for an ID token and an access token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, "POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the form cannot be read")
		return
	}
	f := r.PostForm
	if f.Get("grant_type") == PersonGrant {
		s.personGrant(w, r)
		return
	}
	if f.Get("grant_type") != "authorization_code" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code")
		return
	}
	client, err := s.authenticate(f)
	if err != nil {
		oauthError(w, http.StatusUnauthorized, "invalid_client", err.Error())
		return
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	g := s.codes[f.Get("code")]
	switch {
	case g == nil:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown code")
		return
	case g.used:
		// A code used twice may be stolen: revoke what the first use got.
		g.revoked = true
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the code was used already")
		return
	case !now.Before(g.codeExpires):
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the code has expired")
		return
	}
	g.used = true
	if g.client != client.ID || g.redirectURI != f.Get("redirect_uri") {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the code was issued to another client or redirect_uri")
		return
	}
	sum := sha256.Sum256([]byte(f.Get("code_verifier")))
	if f.Get("code_verifier") == "" ||
		subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(g.challenge)) != 1 {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the PKCE code_verifier does not match")
		return
	}
	g.accessToken = randomString()
	g.expires = now.Add(TokenLifetime)
	s.tokens[g.accessToken] = g

	atHash := sha256.Sum256([]byte(g.accessToken))
	claims := map[string]any{
		"iss":       s.cfg.Issuer,
		"sub":       g.person.Subject,
		"aud":       client.ID,
		"iat":       now.Unix(),
		"exp":       g.expires.Unix(),
		"auth_time": g.authTime.Unix(),
		"nonce":     g.nonce,
		"at_hash":   base64.RawURLEncoding.EncodeToString(atHash[:16]),
	}
	if g.person.LoA != "" {
		claims["acr"] = g.person.LoA
	}
	if s.cfg.ClaimsInIDToken {
		personClaims(claims, g.person)
	}
	if s.cfg.Tamper != nil {
		s.cfg.Tamper(claims)
	}
	idToken, err := s.seal(claims, client)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", "the ID token cannot be made")
		return
	}
	s.issued[idToken] = issuedToken{client: client.ID, expires: g.expires}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": g.accessToken,
		"token_type":   "Bearer",
		"expires_in":   int(TokenLifetime / time.Second),
		"id_token":     idToken,
	})
}

// personClaims adds the person's identity code and names to claims.
func personClaims(claims map[string]any, p Person) {
	claims[ClaimPersonalID] = p.PersonalID
	claims[ClaimGivenName] = p.GivenName
	claims[ClaimFamilyName] = p.FamilyName
}

// authenticate checks the private_key_jwt client assertion of a token
// request and returns its client. Assertion ids (jti) are single use.
func (s *Server) authenticate(f url.Values) (*Client, error) {
	if f.Get("client_assertion_type") != clientAssertionType {
		return nil, errors.New("private_key_jwt client authentication is required")
	}
	tok, err := jwt.ParseSigned(f.Get("client_assertion"), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, errors.New("the client assertion cannot be parsed")
	}
	var unverified jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return nil, errors.New("the client assertion cannot be read")
	}
	client := s.clients[unverified.Issuer]
	if client == nil || (f.Get("client_id") != "" && f.Get("client_id") != client.ID) {
		return nil, errors.New("unknown client")
	}
	var c jwt.Claims
	if err := tok.Claims(client.SigningKey, &c); err != nil {
		return nil, errors.New("the signature of the client assertion does not verify")
	}
	now := s.now()
	err = c.ValidateWithLeeway(jwt.Expected{
		Issuer:      client.ID,
		Subject:     client.ID,
		AnyAudience: jwt.Audience{s.endpoint("/token"), s.cfg.Issuer},
		Time:        now,
	}, clockLeeway)
	if err != nil {
		return nil, errors.New("the client assertion is not valid: " + err.Error())
	}
	if c.Expiry == nil || c.Expiry.Time().Sub(now) > AssertionMaxLifetime+clockLeeway {
		return nil, errors.New("the client assertion must expire within five minutes")
	}
	if c.ID == "" {
		return nil, errors.New("the client assertion has no jti")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := client.ID + " " + c.ID
	if _, seen := s.jtis[key]; seen {
		return nil, errors.New("the client assertion was used already")
	}
	s.jtis[key] = c.Expiry.Time().Add(clockLeeway)
	return client, nil
}

// seal signs claims with the provider's key and, unless PlainTokens, encrypts
// the signed token to the client's encryption key.
func (s *Server) seal(claims map[string]any, client *Client) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{
		Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: s.key, KeyID: s.kid},
	}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	signed, err := jws.CompactSerialize()
	if err != nil || client.EncryptionKey == nil || s.cfg.PlainTokens {
		return signed, err
	}
	enc, err := jose.NewEncrypter(jose.A256GCM,
		jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: client.EncryptionKey},
		(&jose.EncrypterOptions{}).WithContentType("JWT").WithType("JWT"))
	if err != nil {
		return "", err
	}
	jwe, err := enc.Encrypt([]byte(signed))
	if err != nil {
		return "", err
	}
	return jwe.CompactSerialize()
}

// userinfo returns the signed-in person's claims for a valid access token:
// JSON, or a signed and encrypted JWT (application/jwt) for a client with an
// encryption key.
func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		methodNotAllowed(w, "GET, POST")
		return
	}
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	now := s.now()
	s.mu.Lock()
	g := s.tokens[bearer]
	valid := ok && g != nil && !g.revoked && now.Before(g.expires)
	var person Person
	var clientID string
	if valid {
		person, clientID = g.person, g.client
	}
	s.mu.Unlock()
	if !valid {
		oauthError(w, http.StatusUnauthorized, "invalid_token", "unknown, expired or revoked access token")
		return
	}
	claims := map[string]any{"sub": person.Subject}
	personClaims(claims, person)
	if person.LoA != "" {
		claims["acr"] = person.LoA
	}
	client := s.clients[clientID]
	plain := client.EncryptionKey == nil || s.cfg.PlainTokens
	if !plain {
		claims["iss"] = s.cfg.Issuer
		claims["aud"] = client.ID
		claims["iat"] = now.Unix()
	}
	if s.cfg.TamperUserinfo != nil {
		s.cfg.TamperUserinfo(claims)
	}
	if plain {
		writeJSON(w, http.StatusOK, claims)
		return
	}
	tok, err := s.seal(claims, client)
	if err != nil {
		http.Error(w, "the userinfo response cannot be made", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/jwt")
	_, _ = w.Write([]byte(tok))
}

// endSession ends the test session: it redirects to post_logout_redirect_uri
// when that is registered for the client named by client_id or by the
// id_token_hint, and otherwise shows a page saying the person signed out.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		methodNotAllowed(w, "GET, POST")
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	clientID := r.Form.Get("client_id")
	if hint := r.Form.Get("id_token_hint"); hint != "" {
		s.mu.Lock()
		it, ok := s.issued[hint]
		s.mu.Unlock()
		if ok && (clientID == "" || clientID == it.client) {
			clientID = it.client
		}
	}
	target := r.Form.Get("post_logout_redirect_uri")
	if c := s.clients[clientID]; c != nil && target != "" && slices.Contains(c.PostLogoutURIs, target) {
		u, err := url.Parse(target)
		if err == nil {
			if st := r.Form.Get("state"); st != "" {
				q := u.Query()
				q.Set("state", st)
				u.RawQuery = q.Encode()
			}
			http.Redirect(w, r, u.String(), http.StatusSeeOther)
			return
		}
	}
	s.renderSignedOut(w, r)
}

// sweep forgets expired codes, tokens and assertion ids. The caller holds mu.
func (s *Server) sweep(now time.Time) {
	for k, g := range s.codes {
		// A used code is kept as long as its token lives, so a replay can
		// still revoke it.
		if now.After(g.codeExpires) && (g.accessToken == "" || now.After(g.expires)) {
			delete(s.codes, k)
		}
	}
	for k, g := range s.tokens {
		if now.After(g.expires) {
			delete(s.tokens, k)
		}
	}
	for k, exp := range s.jtis {
		if now.After(exp) {
			delete(s.jtis, k)
		}
	}
	for k, it := range s.issued {
		if now.After(it.expires) {
			delete(s.issued, k)
		}
	}
}

// randomString returns 32 random bytes, base64url-encoded.
func randomString() string {
	b := make([]byte, 32)
	// crypto/rand.Read never fails on supported platforms (Go 1.24+).
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

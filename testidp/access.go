package testidp

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Access tokens for resource servers (RFC 9068): a SMART-style application
// acting for a resident shows one to sotepe's FHIR API. The provider signs
// them with its key, as its ID tokens, so a resource server checks them
// through discovery and the JWKS.

// PersonGrant is the grant_type of the test grant of the token endpoint:
// an access token for one of the test people, asked for without a sign-in
// (subject, resource and scope in the form). Only a provider whose Config
// sets PersonGrant answers it.
const PersonGrant = "urn:sotepe:testidp:grant-type:person"

// AccessTokenType is the JWT media type of access tokens (RFC 9068).
const AccessTokenType = "at+jwt"

// AccessTokenRequest asks for an access token.
type AccessTokenRequest struct {
	// Subject is the test person's subject (Person.Subject); the token
	// carries their identity code, names and acr as the ID token would.
	Subject string
	// Audience is the resource server (its base URL), the token's aud.
	Audience string
	// Scopes are the token's scopes, e.g. patient/Appointment.rs.
	Scopes []string
	// ClientID is the application the token is issued to; default
	// "test-app".
	ClientID string
	// Lifetime is how long the token is valid; default TokenLifetime.
	Lifetime time.Duration
	// Type is the JWT header's typ; default AccessTokenType.
	Type string
	// Tamper, when set, may change the claims just before they are signed
	// (tests: wrong issuer, past exp).
	Tamper func(claims map[string]any)
}

// AccessToken returns a signed access token for a test person: the claims
// iss, sub, aud, client_id, scope, iat, nbf, exp, jti and, as the ID token
// gives them, acr, the identity code and the names. An unknown subject or
// an empty audience is an error.
func (s *Server) AccessToken(r AccessTokenRequest) (string, error) {
	p, ok := s.people[r.Subject]
	if !ok {
		return "", errors.New("testidp: unknown subject")
	}
	if r.Audience == "" {
		return "", errors.New("testidp: an access token needs an audience")
	}
	if r.ClientID == "" {
		r.ClientID = "test-app"
	}
	if r.Lifetime <= 0 {
		r.Lifetime = TokenLifetime
	}
	if r.Type == "" {
		r.Type = AccessTokenType
	}
	now := s.now()
	claims := map[string]any{
		"iss":       s.cfg.Issuer,
		"sub":       p.Subject,
		"aud":       r.Audience,
		"client_id": r.ClientID,
		"scope":     strings.Join(r.Scopes, " "),
		"iat":       now.Unix(),
		"nbf":       now.Unix(),
		"exp":       now.Add(r.Lifetime).Unix(),
		"jti":       randomString(),
	}
	if p.LoA != "" {
		claims["acr"] = p.LoA
	}
	personClaims(claims, p)
	if r.Tamper != nil {
		r.Tamper(claims)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{
		Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: s.key, KeyID: s.kid},
	}, (&jose.SignerOptions{}).WithType(jose.ContentType(r.Type)))
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// personGrant answers the token endpoint's PersonGrant: form fields
// subject, resource (the audience) and scope (space-separated), and
// optionally client_id. It is the test provider's picker without the page:
// anyone who reaches it gets a token for anyone.
func (s *Server) personGrant(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.PersonGrant {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "the person grant is not enabled")
		return
	}
	f := r.PostForm
	scopes := strings.Fields(f.Get("scope"))
	tok, err := s.AccessToken(AccessTokenRequest{Subject: f.Get("subject"), Audience: f.Get("resource"),
		Scopes: scopes, ClientID: f.Get("client_id")})
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok,
		"token_type":   "Bearer",
		"expires_in":   int(TokenLifetime / time.Second),
		"scope":        strings.Join(scopes, " "),
	})
}

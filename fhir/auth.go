package fhir

import (
	"context"
	"net/http"
	"strings"

	"sotepe"
)

// Who is at the door besides a session: a resident through an access token
// of the OpenID provider they sign in with (Config.AccessTokens), limited by
// its SMART patient scopes, and an integration client through its own
// token, limited by its system scopes.

// ResidentIdentities finds the resident account an outside identity is
// linked to, as sign-in does (the store is one).
type ResidentIdentities interface {
	// SignInResident returns the resident account linked to the identity
	// (provider, subject), linking it on first use to the resident with
	// r's personal identity code (created from r when there is none).
	SignInResident(ctx context.Context, provider, subject string, r sotepe.Resident) (sotepe.User, error)
	// UserByIdentity returns the account an identity is linked to, or
	// ENotFound.
	UserByIdentity(ctx context.Context, provider, subject string) (sotepe.User, error)
}

// looksLikeJWT reports whether a bearer token is a compact JWS (three
// base64url parts): integration clients' tokens have no dots.
func looksLikeJWT(token string) bool { return strings.Count(token, ".") == 2 }

// bearer authenticates the request's bearer token into q: a resident's
// access token when it is a JWT and Config.AccessTokens is set, otherwise an
// integration client's token, checked when a route asks for its scope.
// The request's actor (the audit rows') is set accordingly.
func (h *Handler) bearer(w http.ResponseWriter, q *request, token string) error {
	q.user, q.presented = nil, true
	requestID := w.Header().Get("X-Request-Id")
	if h.cfg.AccessTokens == nil || !looksLikeJWT(token) {
		q.token = token
		q.ctx = sotepe.WithActor(q.ctx, sotepe.Actor{RequestID: requestID})
		return nil
	}
	u, scopes, err := h.resident(q, token)
	if err != nil {
		return err
	}
	q.user, q.scopes, q.patient = &u, scopes, true
	if !q.r.URL.Query().Has("lang") && u.Lang != "" {
		q.lang = u.Lang
	}
	q.ctx = sotepe.WithActor(q.ctx, sotepe.Actor{UserID: u.ID, Role: sotepe.RoleResident, RequestID: requestID})
	return nil
}

// resident checks a resident's access token and finds the resident it
// speaks for, as sign-in does: the identity (provider, subject) linked
// before, or, when the token carries the personal identity code, the
// resident with that code, linked now (created on first use). The token
// must tell of a sign-in at substantial or high assurance, as sign-in asks
// (403 "error.oidc_loa" otherwise). A token that does not check, or speaks
// for nobody sotepe can serve as a resident, is 401.
func (h *Handler) resident(q *request, token string) (sotepe.User, []string, error) {
	at, err := h.cfg.AccessTokens.VerifyAccessToken(q.ctx, token)
	if err != nil {
		return sotepe.User{}, nil, err
	}
	if at.LoA != "substantial" && at.LoA != "high" {
		return sotepe.User{}, nil, &sotepe.Error{Code: sotepe.EForbidden, Key: "error.oidc_loa", Message: "the level of assurance is too low"}
	}
	var u sotepe.User
	if at.PersonalID != "" {
		u, err = h.cfg.Identities.SignInResident(q.ctx, at.Provider, at.Subject, sotepe.Resident{
			PersonalID: at.PersonalID, FirstName: at.GivenName, LastName: at.FamilyName, Lang: q.lang})
	} else {
		u, err = h.cfg.Identities.UserByIdentity(q.ctx, at.Provider, at.Subject)
	}
	switch sotepe.ErrorCode(err) {
	case "":
	case sotepe.ENotFound, sotepe.EConflict, sotepe.EInvalid:
		return sotepe.User{}, nil, &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.fhir_token_person", Message: "the token speaks for no resident"}
	default:
		return sotepe.User{}, nil, err
	}
	if u.Disabled || !isResident(u) {
		return sotepe.User{}, nil, &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.fhir_token_person", Message: "the token speaks for no resident"}
	}
	return u, at.Scopes, nil
}

// errScope is the refusal of a resident's token without the patient scope
// an interaction needs: 403, naming the scope in the message and in
// WWW-Authenticate.
func errScope(scope string) error {
	return (&sotepe.Error{Code: sotepe.EForbidden, Key: "error.fhir_scope", Message: "the token lacks the scope " + scope}).
		With(map[string]any{"Scope": scope})
}

// patientScope checks a resident's token for the SMART patient scope of
// reading (or, with write, changing) resourceType; a session or a system
// passes (their rights are checked elsewhere).
func (h *Handler) patientScope(q *request, resourceType string, write bool) error {
	if !q.patient || sotepe.PatientScope(q.scopes, resourceType, write) {
		return nil
	}
	access := "rs"
	if write {
		access = "cud"
	}
	return errScope("patient/" + resourceType + "." + access)
}

// access checks the bearer token of a read or search of type t: a
// resident's token for the patient scope, a system's for t's system scope
// (the read scope of appointments when Config.ClientBookings is set); no
// token passes, each route checking who may see what.
func (h *Handler) access(q *request, t resourceType) error {
	if q.patient {
		return h.patientScope(q, scopeType(t.name), false)
	}
	return h.system(q, h.systemScope(t))
}

// scopeType is the type whose scope covers t's: PractitionerRole is read
// under Practitioner's, as for systems.
func scopeType(name string) string {
	if name == "PractitionerRole" {
		return "Practitioner"
	}
	return name
}

// systemScope is the system scope reading t needs, "" when no system may.
func (h *Handler) systemScope(t resourceType) string {
	if t.clientBooked && h.cfg.ClientBookings == nil {
		return ""
	}
	return t.scope
}

// client returns the integration client of the request's token holding
// scope: 401 for a token that is unknown or revoked, 403 without the scope.
func (h *Handler) client(q *request, scope string) (sotepe.IntegrationClient, error) {
	if h.cfg.ClientBookings == nil {
		return sotepe.IntegrationClient{}, h.system(q, "")
	}
	return h.cfg.Clients.Client(q.ctx, q.token, scope)
}

// wwwAuthenticate is the challenge of a 401 or 403 answer (RFC 6750): a
// request that sent a bearer token learns whether the token was refused
// (invalid_token) or lacks a scope (insufficient_scope, with the scope).
func wwwAuthenticate(q *request, status int, args map[string]any) string {
	const realm = `Bearer realm="sotepe"`
	switch {
	case status == http.StatusUnauthorized && q.presented:
		return realm + `, error="invalid_token"`
	case status == http.StatusUnauthorized:
		return realm
	case status == http.StatusForbidden && q.patient:
		if scope, ok := args["Scope"].(string); ok {
			return realm + `, error="insufficient_scope", scope="` + scope + `"`
		}
	}
	return ""
}
